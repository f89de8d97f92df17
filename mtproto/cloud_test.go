package mtproto_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// A group conversation among three people: replies, styled text, an edit,
// a deletion for everyone, a mention, read marks, a forward with and
// without the sender, search, and leaving.
func TestGroupConversationAmongThree(t *testing.T) {
	ctx := testCtx(t, 3*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700910001", "Ann")
	ben := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ben, "447700910002", "Ben")
	cat := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, cat, "447700910003", "Cat")

	group, err := ann.cloud.CreateGroup(ctx, "Trio", []mtproto.Peer{ben.peer(), cat.peer()})
	if err != nil {
		t.Fatal(err)
	}
	if group.Kind != mtproto.PeerGroup || !group.Cloud() {
		t.Fatalf("group peer = %+v", group)
	}
	for _, m := range []*member{ben, cat} {
		m.waitEvent(t, ctx, "group created", func(e mtproto.Event) bool {
			return e.Kind == mtproto.EventNew && e.Peer.Key() == group.Key() && e.Message.Service != ""
		})
	}

	hello, err := ann.cloud.SendText(ctx, group, "**hello** all, see [the plan](https://example.org/plan)", mtproto.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if hello.Text != "hello all, see the plan" {
		t.Fatalf("sent text = %q", hello.Text)
	}
	copies := map[*member]int{}
	for _, m := range []*member{ben, cat} {
		e := m.waitEvent(t, ctx, "hello", newText(group, "hello all, see the plan"))
		want := []mtproto.Entity{{Kind: mtproto.EntityBold, Offset: 0, Length: 5}, {Kind: mtproto.EntityLink, Offset: 15, Length: 8, URL: "https://example.org/plan"}}
		if !slices.Equal(e.Message.Entities, want) {
			t.Fatalf("%s got entities %+v, want %+v", m.Self().FirstName, e.Message.Entities, want)
		}
		if e.Message.From != ann.Self().ID || e.Message.Out {
			t.Fatalf("from %d out %v", e.Message.From, e.Message.Out)
		}
		copies[m] = e.Message.ID
	}

	// Ben replies; each member sees the reply pointing at their own copy.
	if _, err := ben.cloud.SendText(ctx, group, "hi Ann", mtproto.SendOptions{ReplyTo: copies[ben]}); err != nil {
		t.Fatal(err)
	}
	ae := ann.waitEvent(t, ctx, "reply", newText(group, "hi Ann"))
	ce := cat.waitEvent(t, ctx, "reply", newText(group, "hi Ann"))
	if ae.Message.ReplyTo != hello.ID || ce.Message.ReplyTo != copies[cat] {
		t.Fatalf("reply targets: ann %d (want %d), cat %d (want %d)", ae.Message.ReplyTo, hello.ID, ce.Message.ReplyTo, copies[cat])
	}
	if !ae.Message.Mentioned {
		t.Fatal("a reply to Ann does not mention her")
	}

	// Ann edits her message; everyone sees the new text.
	if _, err := ann.cloud.Edit(ctx, group, hello.ID, "hello _everyone_", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{ben, cat} {
		e := m.waitEvent(t, ctx, "edit", func(e mtproto.Event) bool {
			return e.Kind == mtproto.EventEdited && e.Message.ID == copies[m] && e.Message.Text == "hello everyone"
		})
		if e.Message.Edited.IsZero() || len(e.Message.Entities) != 1 || e.Message.Entities[0].Kind != mtproto.EntityItalic {
			t.Fatalf("edited message = %+v", e.Message)
		}
	}
	// Ben may not edit Ann's message.
	if _, err := ben.cloud.Edit(ctx, group, copies[ben], "mine now", mtproto.SendOptions{}); !errors.Is(err, mtproto.ErrNotAllowed) {
		t.Fatalf("editing someone else's message: %v", err)
	}

	// Cat sends and deletes for everyone.
	oops, err := cat.cloud.SendText(ctx, group, "oops, wrong chat", mtproto.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gone := map[*member]int{}
	for _, m := range []*member{ann, ben} {
		gone[m] = m.waitEvent(t, ctx, "oops", newText(group, "oops, wrong chat")).Message.ID
	}
	if err := cat.cloud.Delete(ctx, group, []int{oops.ID}, true); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{ann, ben} {
		m.waitEvent(t, ctx, "deletion", func(e mtproto.Event) bool {
			return e.Kind == mtproto.EventDeleted && slices.Contains(e.IDs, gone[m])
		})
		hist, err := m.cloud.History(ctx, group, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hist {
			if h.Text == "oops, wrong chat" {
				t.Fatalf("%s still has the deleted message", m.Self().FirstName)
			}
		}
	}

	// Ben mentions Cat; Cat's chat list counts the mention until read.
	mention := fmt.Sprintf("[Cat](tg://user?id=%d) what do you think?", cat.Self().ID)
	if _, err := ben.cloud.SendText(ctx, group, mention, mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	me := cat.waitEvent(t, ctx, "mention", newText(group, "Cat what do you think?"))
	if !me.Message.Mentioned || len(me.Message.Entities) != 1 || me.Message.Entities[0].UserID != cat.Self().ID {
		t.Fatalf("mention = %+v", me.Message)
	}
	row := dialogOf(t, ctx, cat, group)
	if row.Mentions != 1 || row.Unread != 3 || row.Title != "Trio" || row.Top.Text != "Cat what do you think?" {
		t.Fatalf("cat's dialog = %+v", row)
	}
	if err := cat.cloud.MarkRead(ctx, group, row.Top.ID); err != nil {
		t.Fatal(err)
	}
	if row := dialogOf(t, ctx, cat, group); row.Mentions != 0 || row.Unread != 0 {
		t.Fatalf("after reading: %+v", row)
	}
	// Ben learns that his messages were read.
	ben.waitEvent(t, ctx, "read receipt", func(e mtproto.Event) bool {
		return e.Kind == mtproto.EventReadByPeer && e.Peer.Key() == group.Key() && e.MaxID > copies[ben]
	})
	if row := dialogOf(t, ctx, ben, group); row.ReadOutboxMax <= copies[ben] {
		t.Fatalf("ben's read mark = %d", row.ReadOutboxMax)
	}

	// Forwards: with the sender, and with the sender hidden.
	fwd, err := cat.cloud.Forward(ctx, group, []int{me.Message.ID}, cat.peer(), false)
	if err != nil || len(fwd) != 1 || fwd[0].Forward == nil || fwd[0].Forward.FromUser != ben.Self().ID {
		t.Fatalf("forward: %+v %v", fwd, err)
	}
	hidden, err := cat.cloud.Forward(ctx, group, []int{me.Message.ID}, ann.peer(), true)
	if err != nil || len(hidden) != 1 || hidden[0].Forward != nil || hidden[0].Text != "Cat what do you think?" {
		t.Fatalf("hidden forward: %+v %v", hidden, err)
	}
	fromCat := ann.waitEvent(t, ctx, "hidden forward", newText(cat.peer(), "Cat what do you think?"))
	if fromCat.Message.Forward != nil || fromCat.Message.From != cat.Self().ID {
		t.Fatalf("ann sees the hidden forward as %+v", fromCat.Message)
	}

	// Search finds the edited text in the group, and across chats.
	found, err := ben.cloud.Search(ctx, group, "EVERYONE")
	if err != nil || len(found) != 1 || found[0].ID != copies[ben] {
		t.Fatalf("search: %+v %v", found, err)
	}
	all, err := ann.cloud.SearchAll(ctx, "think")
	if err != nil || len(all) != 2 {
		t.Fatalf("global search: %+v %v", all, err)
	}

	// Cat leaves; later messages do not reach her.
	if err := cat.cloud.Leave(ctx, group); err != nil {
		t.Fatal(err)
	}
	if _, err := ann.cloud.SendText(ctx, group, "after cat left", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ben.waitEvent(t, ctx, "after leave", newText(group, "after cat left"))
	hist, err := cat.cloud.History(ctx, group, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hist {
		if h.Text == "after cat left" {
			t.Fatal("a message reached a member who left")
		}
	}
	if dialogOf(t, ctx, cat, group).CanPost {
		t.Fatal("a group one left still offers to post")
	}
	if _, err := cat.cloud.SendText(ctx, group, "still here?", mtproto.SendOptions{}); !errors.Is(err, mtproto.ErrNotAllowed) {
		t.Fatalf("writing after leaving: %v", err)
	}
}

func dialogOf(t *testing.T, ctx context.Context, m *member, p mtproto.Peer) mtproto.Dialog {
	t.Helper()
	for _, folder := range []int{mtproto.FolderMain, mtproto.FolderArchive} {
		ds, err := m.cloud.Dialogs(ctx, folder)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Peer.Key() == p.Key() {
				return d
			}
		}
	}
	t.Fatalf("%s has no dialog %s", m.Self().FirstName, p)
	return mtproto.Dialog{}
}

// The chat list shows every kind of cloud chat, and the archive.
func TestDialogsOfEveryKindAndArchive(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	s := newSandbox(t)
	var mu sync.Mutex
	noWebpage := map[string][]bool{}
	record := func(who string) telegram.Middleware {
		return telegram.MiddlewareFunc(func(next tg.Invoker) telegram.InvokeFunc {
			return func(ctx context.Context, in bin.Encoder, out bin.Decoder) error {
				if r, ok := in.(*tg.MessagesSendMessageRequest); ok {
					mu.Lock()
					noWebpage[who] = append(noWebpage[who], r.NoWebpage)
					mu.Unlock()
				}
				return next.Invoke(ctx, in, out)
			}
		})
	}
	ann := startMember(t, ctx, s, memberOpts{middlewares: []telegram.Middleware{record("ann")}})
	signUp(t, ctx, s, ann, "447700910011", "Ann")
	ben := startMember(t, ctx, s, memberOpts{linkPreviews: true, middlewares: []telegram.Middleware{record("ben")}})
	signUp(t, ctx, s, ben, "447700910012", "Ben")

	if _, err := ann.cloud.SendText(ctx, ben.peer(), "see https://example.org", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	group, err := ann.cloud.CreateGroup(ctx, "Basic", []mtproto.Peer{ben.peer()})
	if err != nil {
		t.Fatal(err)
	}
	super, err := ann.cloud.CreateChannel(ctx, "Super", "", true)
	if err != nil {
		t.Fatal(err)
	}
	channel, err := ann.cloud.CreateChannel(ctx, "News", "about", false)
	if err != nil {
		t.Fatal(err)
	}
	if super.Kind != mtproto.PeerSupergroup || channel.Kind != mtproto.PeerChannel {
		t.Fatalf("kinds: %v %v", super.Kind, channel.Kind)
	}
	if _, err := ann.cloud.SendText(ctx, channel, "first news", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ds, err := ann.cloud.Dialogs(ctx, mtproto.FolderMain)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		if !d.Peer.Cloud() {
			t.Fatalf("dialog %+v is not labelled cloud", d)
		}
		got = append(got, fmt.Sprintf("%s %s", d.Peer.Kind, d.Title))
	}
	want := []string{"channel News", "supergroup Super", "group Basic", "user Ben"}
	if !slices.Equal(got, want) {
		t.Fatalf("dialogs = %v, want %v", got, want)
	}
	if ds[0].Top.Text != "first news" || ds[0].Top.From != 0 {
		t.Fatalf("channel top = %+v", ds[0].Top)
	}

	if err := ann.cloud.Archive(ctx, channel, true); err != nil {
		t.Fatal(err)
	}
	main, _ := ann.cloud.Dialogs(ctx, mtproto.FolderMain)
	arch, err := ann.cloud.Dialogs(ctx, mtproto.FolderArchive)
	if err != nil {
		t.Fatal(err)
	}
	if len(main) != 3 || len(arch) != 1 || arch[0].Peer.Key() != channel.Key() || !arch[0].Archived {
		t.Fatalf("main %d, archive %+v", len(main), arch)
	}
	if err := ann.cloud.Archive(ctx, channel, false); err != nil {
		t.Fatal(err)
	}
	if main, _ := ann.cloud.Dialogs(ctx, mtproto.FolderMain); len(main) != 4 {
		t.Fatalf("after unarchiving: %d dialogs", len(main))
	}

	// Link previews: off by default (no_webpage sent); a message may opt
	// out even when they are on.
	if _, err := ann.cloud.SendText(ctx, group, "https://example.org/2", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ben.cloud.SendText(ctx, group, "https://example.org/3", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ben.cloud.SendText(ctx, group, "https://example.org/4", mtproto.SendOptions{NoLinkPreview: true}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if a, b := noWebpage["ann"], noWebpage["ben"]; !slices.Equal(a, []bool{true, true, true}) || !slices.Equal(b, []bool{false, true}) {
		t.Fatalf("no_webpage flags = %v", noWebpage)
	}
}

// Only admins post in a broadcast channel; members post in a supergroup.
func TestChannelRoles(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700910021", "Ann")
	ben := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ben, "447700910022", "Ben")

	channel, err := ann.cloud.CreateChannel(ctx, "Announcements", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := ann.cloud.Invite(ctx, channel, []mtproto.Peer{ben.peer()}); err != nil {
		t.Fatal(err)
	}
	ben.waitEvent(t, ctx, "joined", func(e mtproto.Event) bool { return e.Kind == mtproto.EventChatChanged && e.Peer.ID == channel.ID })
	benRow := dialogOf(t, ctx, ben, channel)
	benChannel := benRow.Peer
	if benRow.CanPost || !dialogOf(t, ctx, ann, channel).CanPost {
		t.Fatal("CanPost wrong for a broadcast channel")
	}
	if _, err := ben.cloud.SendText(ctx, benChannel, "may I?", mtproto.SendOptions{}); !errors.Is(err, mtproto.ErrNotAllowed) {
		t.Fatalf("member posting in a broadcast channel: %v", err)
	}
	if err := ann.cloud.SetAdmin(ctx, channel, ben.peer(), true); err != nil {
		t.Fatal(err)
	}
	ben.waitEvent(t, ctx, "made admin", func(e mtproto.Event) bool {
		return e.Kind == mtproto.EventChatChanged && e.Peer.ID == channel.ID && dialogOf(t, ctx, ben, channel).CanPost
	})
	post, err := ben.cloud.SendText(ctx, benChannel, "now I may", mtproto.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ann.waitEvent(t, ctx, "admin post", newText(channel, "now I may"))
	// Deleting in a channel is for everyone.
	if err := ben.cloud.Delete(ctx, benChannel, []int{post.ID}, false); !errors.Is(err, mtproto.ErrDeleteForEveryone) {
		t.Fatalf("delete for me in a channel: %v", err)
	}
	if err := ben.cloud.Delete(ctx, benChannel, []int{post.ID}, true); err != nil {
		t.Fatal(err)
	}
	ann.waitEvent(t, ctx, "channel deletion", func(e mtproto.Event) bool {
		return e.Kind == mtproto.EventDeleted && e.Peer.Key() == channel.Key() && slices.Contains(e.IDs, post.ID)
	})

	super, err := ann.cloud.CreateChannel(ctx, "Talk", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := ann.cloud.Invite(ctx, super, []mtproto.Peer{ben.peer()}); err != nil {
		t.Fatal(err)
	}
	ben.waitEvent(t, ctx, "joined supergroup", func(e mtproto.Event) bool { return e.Kind == mtproto.EventChatChanged && e.Peer.ID == super.ID })
	benSuper := dialogOf(t, ctx, ben, super).Peer
	msg, err := ben.cloud.SendText(ctx, benSuper, "hello talk", mtproto.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ae := ann.waitEvent(t, ctx, "supergroup message", newText(super, "hello talk"))
	if ae.Message.From != ben.Self().ID || ae.Message.ID != msg.ID {
		t.Fatalf("supergroup message = %+v", ae.Message)
	}
	if _, err := ann.cloud.Edit(ctx, super, msg.ID, "edited by ann", mtproto.SendOptions{}); !errors.Is(err, mtproto.ErrNotAllowed) {
		t.Fatalf("editing another member's message: %v", err)
	}
	if _, err := ben.cloud.Edit(ctx, benSuper, msg.ID, "hello **talk**", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ann.waitEvent(t, ctx, "supergroup edit", func(e mtproto.Event) bool {
		return e.Kind == mtproto.EventEdited && e.Message.ID == msg.ID && e.Message.Text == "hello talk" && len(e.Message.Entities) == 1
	})
	found, err := ann.cloud.Search(ctx, super, "talk")
	if err != nil || len(found) != 1 {
		t.Fatalf("search in supergroup: %+v %v", found, err)
	}
}
