package sandbox_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gotd/td/tg"

	"tacit/mtproto/sandbox"
)

// pushes records what the server pushes to one user, in the shape it is
// sent (gotd's client turns short shapes into updateShort before any
// handler sees them, so the wire shape is taken at the server).
type pushes struct {
	got chan tg.UpdatesClass
}

func watchPushes(s *sandbox.Server, uid int64) *pushes {
	p := &pushes{got: make(chan tg.UpdatesClass, 100)}
	s.Intercept(sandbox.Interceptor{Push: func(ctx context.Context, push *sandbox.Push, next sandbox.PushFunc) error {
		if u, ok := push.Updates.(tg.UpdatesClass); ok && push.UserID == uid {
			p.got <- u
		}
		return next(ctx, push)
	}})
	return p
}

// next returns the next update container pushed.
func (p *pushes) next(t *testing.T, ctx context.Context) tg.UpdatesClass {
	t.Helper()
	select {
	case u := <-p.got:
		return u
	case <-ctx.Done():
		t.Fatal("nothing pushed before the deadline")
		return nil
	}
}

func send(t *testing.T, ctx context.Context, api *tg.Client, to *tg.User, text string, id int64) tg.UpdatesClass {
	t.Helper()
	res, err := api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: peerOf(to), Message: text, RandomID: id})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestUpdateShapes checks each shape Telegram uses, as the server pushes
// it: full updates with the sender for a stranger's typing and first
// message, then updateShortMessage, updateShortSentMessage for one's own
// send, updateShort for typing, updateShortChatMessage in a basic group,
// and updatesCombined for several forwarded messages.
func TestUpdateShapes(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	b := start(t, ctx, s, clientOpts{})
	bobUser := quickSignUp(t, ctx, s, b, "447700900301", "Bob", "")
	a := start(t, ctx, s, clientOpts{})
	ann := quickSignUp(t, ctx, s, a, "447700900302", "Ann", "")
	bob := watchPushes(s, bobUser.ID)
	state, err := b.API().UpdatesGetState(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A stranger typing comes with her user attached.
	if _, err := a.API().MessagesSetTyping(ctx, &tg.MessagesSetTypingRequest{Peer: peerOf(bobUser), Action: &tg.SendMessageTypingAction{}}); err != nil {
		t.Fatal(err)
	}
	if u, ok := bob.next(t, ctx).(*tg.Updates); !ok || len(u.Users) != 1 || u.Users[0].GetID() != ann.ID {
		t.Fatalf("a stranger typing: %#v", u)
	}

	// A stranger's first message comes whole, with her user attached.
	send(t, ctx, a.API(), bobUser, "hello", 1)
	first, ok := bob.next(t, ctx).(*tg.Updates)
	if !ok || len(first.Updates) != 1 || len(first.Users) == 0 {
		t.Fatalf("first message from a stranger: %#v", first)
	}
	nm := first.Updates[0].(*tg.UpdateNewMessage)
	if nm.Pts != state.Pts+1 || nm.PtsCount != 1 || nm.Message.(*tg.Message).Message != "hello" {
		t.Fatalf("first message %+v", nm)
	}
	if first.Users[0].GetID() != ann.ID {
		t.Fatalf("users %+v", first.Users)
	}

	// Now Bob knows her: the next one is short.
	send(t, ctx, a.API(), bobUser, "again", 2)
	got := bob.next(t, ctx)
	short, ok := got.(*tg.UpdateShortMessage)
	if !ok {
		t.Fatalf("second message: want updateShortMessage, got %T %#v", got, got)
	}
	if short.UserID != ann.ID || short.Out || short.Message != "again" || short.Pts != nm.Pts+1 || short.PtsCount != 1 ||
		short.Date == 0 || short.ID != nm.Message.GetID()+1 {
		t.Fatalf("short message %+v", short)
	}
	// Tacit's client gets it as a new message like any other.
	if m := waitMessage(t, ctx, b, func(m *tg.Message) bool { return m.Message == "again" }); m.FromID == nil || m.Out {
		t.Fatalf("as the client sees it: %+v", m)
	}

	// Bob's own send answers updateShortSentMessage with his next pts.
	sent, ok := send(t, ctx, b.API(), ann, "hi Ann", 3).(*tg.UpdateShortSentMessage)
	if !ok || !sent.Out || sent.Pts != short.Pts+1 || sent.PtsCount != 1 || sent.ID != short.ID+1 || sent.Date == 0 {
		t.Fatalf("sent %+v", sent)
	}

	// Typing by someone known: updateShort.
	if _, err := a.API().MessagesSetTyping(ctx, &tg.MessagesSetTypingRequest{Peer: peerOf(bobUser), Action: &tg.SendMessageTypingAction{}}); err != nil {
		t.Fatal(err)
	}
	typing, ok := bob.next(t, ctx).(*tg.UpdateShort)
	if !ok {
		t.Fatal("typing: want updateShort")
	}
	if u, ok := typing.Update.(*tg.UpdateUserTyping); !ok || u.UserID != ann.ID || typing.Date == 0 {
		t.Fatalf("typing %+v", typing.Update)
	}

	// A basic group: the creation comes whole, then messages are short.
	created, err := a.API().MessagesCreateChat(ctx, &tg.MessagesCreateChatRequest{Title: "Pair",
		Users: []tg.InputUserClass{&tg.InputUser{UserID: bobUser.ID, AccessHash: bobUser.AccessHash}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bob.next(t, ctx).(*tg.Updates); !ok {
		t.Fatal("group creation: want updates with the chat")
	}
	chat := created.Updates.(*tg.Updates).Chats[0].(*tg.Chat)
	if _, err := a.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: &tg.InputPeerChat{ChatID: chat.ID},
		Message: "to the group", RandomID: 4}); err != nil {
		t.Fatal(err)
	}
	group, ok := bob.next(t, ctx).(*tg.UpdateShortChatMessage)
	if !ok || group.FromID != ann.ID || group.ChatID != chat.ID || group.Message != "to the group" || group.PtsCount != 1 ||
		group.Pts != sent.Pts+2 {
		t.Fatalf("group message %#v (%v)", group, ok)
	}

	// Two forwarded at once: one updatesCombined with both.
	hist, err := a.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peerOf(bobUser), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, m := range hist.(*tg.MessagesMessagesSlice).Messages {
		if m, ok := m.(*tg.Message); ok && m.Out {
			ids = append(ids, m.ID)
		}
	}
	if _, err := a.API().MessagesForwardMessages(ctx, &tg.MessagesForwardMessagesRequest{FromPeer: peerOf(bobUser),
		ToPeer: peerOf(bobUser), ID: ids, RandomID: []int64{5, 6}}); err != nil {
		t.Fatal(err)
	}
	comb, ok := bob.next(t, ctx).(*tg.UpdatesCombined)
	if !ok || len(comb.Updates) != 2 {
		t.Fatalf("forward of two: %#v", comb)
	}
	for i, u := range comb.Updates {
		nm := u.(*tg.UpdateNewMessage)
		if nm.Pts != group.Pts+1+i || nm.PtsCount != 1 {
			t.Fatalf("combined update %d: %+v", i, nm)
		}
	}
}

// TestManyMessagesAtOncePushTooLong: a forward of more messages than one
// push carries tells the recipient updatesTooLong; its client fetches them
// all with updates.getDifference.
func TestManyMessagesAtOncePushTooLong(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	b := start(t, ctx, s, clientOpts{})
	bobUser := quickSignUp(t, ctx, s, b, "447700900303", "Bob", "")
	a := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, a, "447700900304", "Ann", "")
	const n = 25
	var ids []int
	var random []int64
	for i := range n {
		sent := send(t, ctx, a.API(), bobUser, fmt.Sprintf("note %d", i), int64(10+i)).(*tg.UpdateShortSentMessage)
		ids = append(ids, sent.ID)
		random = append(random, int64(100+i))
	}
	waitMessage(t, ctx, b, func(m *tg.Message) bool { return m.Message == fmt.Sprintf("note %d", n-1) })
	bob := watchPushes(s, bobUser.ID)
	if _, err := a.API().MessagesForwardMessages(ctx, &tg.MessagesForwardMessagesRequest{FromPeer: peerOf(bobUser),
		ToPeer: peerOf(bobUser), ID: ids, RandomID: random}); err != nil {
		t.Fatal(err)
	}
	if got, ok := bob.next(t, ctx).(*tg.UpdatesTooLong); !ok {
		t.Fatalf("forward of %d: %T", n, got)
	}
	for i := range n {
		waitMessage(t, ctx, b, func(m *tg.Message) bool {
			_, fwd := m.GetFwdFrom()
			return fwd && m.Message == fmt.Sprintf("note %d", i)
		})
	}
}

// TestNotifySettingsPushShort: the account's other session hears of a
// changed notification setting as updateShort.
func TestNotifySettingsPushShort(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	phone := "447700900305"
	a := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, a, phone, "Ann")
	laptop := start(t, ctx, s, clientOpts{})
	signIn(t, ctx, s, laptop, phone)
	pushed := watchPushes(s, a.Self().ID)
	var st tg.InputPeerNotifySettings
	st.SetShowPreviews(false)
	if _, err := a.API().AccountUpdateNotifySettings(ctx, &tg.AccountUpdateNotifySettingsRequest{Peer: &tg.InputNotifyUsers{}, Settings: st}); err != nil {
		t.Fatal(err)
	}
	short, ok := pushed.next(t, ctx).(*tg.UpdateShort)
	if !ok {
		t.Fatal("want updateShort")
	}
	u, ok := short.Update.(*tg.UpdateNotifySettings)
	if !ok || short.Date == 0 {
		t.Fatalf("pushed %+v", short)
	}
	if v, ok := u.NotifySettings.GetShowPreviews(); !ok || v {
		t.Fatalf("settings %+v", u.NotifySettings)
	}
}
