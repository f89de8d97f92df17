package sandbox_test

import (
	"context"
	"crypto/rand"
	mrand "math/rand/v2"
	"slices"
	"testing"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

// selfOf is the account of a simulated contact as others see it (the access hash is the same for all).
func selfOf(t *testing.T, ctx context.Context, c *sandbox.Contact) *tg.User {
	t.Helper()
	users, err := c.Client().API().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUserSelf{}})
	if err != nil {
		t.Fatal(err)
	}
	return users[0].(*tg.User)
}

// blockedIDs lists the ids of a contacts.getBlocked answer, in order, with the users it names.
func blockedIDs(t *testing.T, res tg.ContactsBlockedClass) (ids []int64, count int, slice bool) {
	t.Helper()
	var blocked []tg.PeerBlocked
	var users []tg.UserClass
	switch r := res.(type) {
	case *tg.ContactsBlocked:
		blocked, users, count = r.Blocked, r.Users, len(r.Blocked)
	case *tg.ContactsBlockedSlice:
		blocked, users, count, slice = r.Blocked, r.Users, r.Count, true
	}
	named := map[int64]bool{}
	for _, u := range users {
		named[u.GetID()] = true
	}
	for _, b := range blocked {
		id := b.PeerID.(*tg.PeerUser).UserID
		if !named[id] {
			t.Fatalf("blocked user %d is not among the users of the answer", id)
		}
		ids = append(ids, id)
	}
	return ids, count, slice
}

func TestBlockErrorsAndList(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	var people []*tg.User
	for i, name := range []string{"Ada", "Bo", "Cy"} {
		c, err := s.AddContact(ctx, name, "1555000010"+string(rune('1'+i)), sandbox.ContactOptions{})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, selfOf(t, ctx, c))
	}
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900701", "Vic")
	api, me := r.API(), r.Self()

	block := func(p tg.InputPeerClass) error {
		_, err := api.ContactsBlock(ctx, &tg.ContactsBlockRequest{ID: p})
		return err
	}
	// Yourself, by either name: CONTACT_ID_INVALID.
	for _, p := range []tg.InputPeerClass{&tg.InputPeerSelf{}, &tg.InputPeerUser{UserID: me.ID, AccessHash: me.AccessHash}} {
		if err := block(p); !tgerr.Is(err, "CONTACT_ID_INVALID") {
			t.Fatalf("block %T of yourself: %v", p, err)
		}
		if _, err := api.ContactsUnblock(ctx, &tg.ContactsUnblockRequest{ID: p}); !tgerr.Is(err, "CONTACT_ID_INVALID") {
			t.Fatalf("unblock %T of yourself: %v", p, err)
		}
	}
	// Somebody the server does not know, or a wrong access hash: PEER_ID_INVALID.
	for _, p := range []tg.InputPeerClass{&tg.InputPeerUser{UserID: 42, AccessHash: 1},
		&tg.InputPeerUser{UserID: people[0].ID, AccessHash: people[0].AccessHash + 1}, &tg.InputPeerEmpty{}} {
		if err := block(p); !tgerr.Is(err, "PEER_ID_INVALID") {
			t.Fatalf("block %+v: %v", p, err)
		}
	}
	if res, err := api.ContactsGetBlocked(ctx, &tg.ContactsGetBlockedRequest{Limit: 10}); err != nil {
		t.Fatal(err)
	} else if ids, _, slice := blockedIDs(t, res); len(ids) != 0 || slice {
		t.Fatalf("blocklist of a new account: %v (slice %v)", ids, slice)
	}

	// Block all three, the first twice: no error, no second entry.
	for _, p := range append(people, people[0]) {
		if err := block(peerOf(p)); err != nil {
			t.Fatalf("block %s: %v", p.FirstName, err)
		}
	}
	want := []int64{people[2].ID, people[1].ID, people[0].ID} // most recently blocked first
	res, err := api.ContactsGetBlocked(ctx, &tg.ContactsGetBlockedRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if ids, count, slice := blockedIDs(t, res); !slices.Equal(ids, want) || count != 3 || slice {
		t.Fatalf("whole blocklist: %v count %d slice %v", ids, count, slice)
	}
	getBlocked := func(req *tg.ContactsGetBlockedRequest) tg.ContactsBlockedClass {
		t.Helper()
		res, err := api.ContactsGetBlocked(ctx, req)
		if err != nil {
			t.Fatalf("contacts.getBlocked %+v: %v", req, err)
		}
		return res
	}
	// Pages: a slice with the total count.
	res = getBlocked(&tg.ContactsGetBlockedRequest{Offset: 0, Limit: 2})
	if ids, count, slice := blockedIDs(t, res); !slices.Equal(ids, want[:2]) || count != 3 || !slice {
		t.Fatalf("first page: %v count %d slice %v", ids, count, slice)
	}
	res = getBlocked(&tg.ContactsGetBlockedRequest{Offset: 2, Limit: 2})
	if ids, count, slice := blockedIDs(t, res); !slices.Equal(ids, want[2:]) || count != 3 || !slice {
		t.Fatalf("second page: %v count %d slice %v", ids, count, slice)
	}
	// The story blocklist is another list.
	res = getBlocked(&tg.ContactsGetBlockedRequest{MyStoriesFrom: true, Limit: 10})
	if ids, _, _ := blockedIDs(t, res); len(ids) != 0 {
		t.Fatalf("story blocklist: %v", ids)
	}
	// The full user says blocked.
	full, err := api.UsersGetFullUser(ctx, &tg.InputUser{UserID: people[1].ID, AccessHash: people[1].AccessHash})
	if err != nil || !full.FullUser.Blocked {
		t.Fatalf("full user of a blocked person: %+v %v", full, err)
	}

	// Unblock one, twice: still fine; the others stay.
	for range 2 {
		if ok, err := api.ContactsUnblock(ctx, &tg.ContactsUnblockRequest{ID: peerOf(people[1])}); err != nil || !ok {
			t.Fatalf("unblock: %v %v", ok, err)
		}
	}
	if got := s.Blocked(me.ID); !slices.Equal(got, []int64{people[0].ID, people[2].ID}) {
		t.Fatalf("server blocklist after unblock: %v", got)
	}
}

// TestBlockedSenderIsNotDelivered: a blocked person's messages are accepted on their side and never reach
// the blocker, their secret chat requests are refused with USER_IS_BLOCKED, and the blocker's other session
// hears of each change.
func TestBlockedSenderIsNotDelivered(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	ann := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, ann, "447700900702", "Ann")
	ben := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, ben, "447700900703", "Ben")
	annUser, benUser := ann.Self(), ben.Self()

	// Ann's second session, which hears updatePeerBlocked.
	second, err := mtproto.New(mtproto.Options{AppID: 42, AppHash: "test", Endpoint: s.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	changes := make(chan *tg.UpdatePeerBlocked, 10)
	second.Dispatcher().OnPeerBlocked(func(ctx context.Context, e tg.Entities, u *tg.UpdatePeerBlocked) error {
		changes <- u
		return nil
	})
	stop, err := second.Start(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop() })
	signIn(t, ctx, s, &running{Client: second}, "447700900702")
	heard := func(blocked bool) {
		t.Helper()
		select {
		case u := <-changes:
			if u.Blocked != blocked || u.PeerID.(*tg.PeerUser).UserID != benUser.ID {
				t.Fatalf("updatePeerBlocked %+v, want blocked=%v", u, blocked)
			}
		case <-ctx.Done():
			t.Fatal("the other session was not told")
		}
	}

	if _, err := ann.API().ContactsBlock(ctx, &tg.ContactsBlockRequest{ID: peerOf(benUser)}); err != nil {
		t.Fatal(err)
	}
	heard(true)
	send := func(text string) {
		t.Helper()
		res, err := ben.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: peerOf(annUser), Message: text, RandomID: mrand.Int64N(1 << 62)})
		if err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
		if sent, ok := res.(*tg.UpdateShortSentMessage); !ok || sent.ID == 0 {
			t.Fatalf("send %q: %T %+v", text, res, res)
		}
	}
	send("while blocked")
	if _, err := ben.API().MessagesSetTyping(ctx, &tg.MessagesSetTypingRequest{Peer: peerOf(annUser), Action: &tg.SendMessageTypingAction{}}); err != nil {
		t.Fatalf("typing: %v", err)
	}
	ga := make([]byte, 256)
	_, _ = rand.Read(ga)
	ga[0] |= 0x80
	if _, err := ben.API().MessagesRequestEncryption(ctx, &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: annUser.ID, AccessHash: annUser.AccessHash}, RandomID: 7001, GA: ga}); !tgerr.Is(err, "USER_IS_BLOCKED") {
		t.Fatalf("secret chat request of a blocked person: %v", err)
	}
	// Ben sees his message as sent.
	hist, err := ben.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peerOf(annUser), Limit: 10})
	if err != nil || len(hist.(*tg.MessagesMessagesSlice).Messages) != 1 {
		t.Fatalf("Ben's history: %+v %v", hist, err)
	}

	if _, err := ann.API().ContactsUnblock(ctx, &tg.ContactsUnblockRequest{ID: peerOf(benUser)}); err != nil {
		t.Fatal(err)
	}
	heard(false)
	send("after unblock")
	// Pushes to Ann keep their order: once the second message is here, the first would have been before it.
	waitMessage(t, ctx, ann, func(m *tg.Message) bool { return m.Message == "after unblock" })
	for _, m := range ann.seen {
		if m.Message == "while blocked" {
			t.Fatal("a message sent while blocked reached the blocker")
		}
	}
	hist, err = ann.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peerOf(benUser), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if msgs := hist.(*tg.MessagesMessagesSlice).Messages; len(msgs) != 1 || msgs[0].(*tg.Message).Message != "after unblock" {
		t.Fatalf("Ann's history: %+v", msgs)
	}
}
