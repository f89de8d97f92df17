package mtproto_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"tacit/mtproto"
)

// A channel with 10,000 posts: the chat list counts them, history pages
// through all of them, and a reader who was offline catches up through
// getChannelDifference (a small gap) or by reloading (a gap too long).
func TestChannelTenThousandPostsPagedAndCaughtUp(t *testing.T) {
	ctx := testCtx(t, 4*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700920001", "Ann")
	readerDev := newDevice()
	ben := startMember(t, ctx, s, memberOpts{dev: readerDev})
	signUp(t, ctx, s, ben, "447700920002", "Ben")

	const title = "Ten thousand"
	channel, err := ann.cloud.CreateChannel(ctx, title, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := ann.cloud.Invite(ctx, channel, []mtproto.Peer{ben.peer()}); err != nil {
		t.Fatal(err)
	}
	const n = 10000
	post := func(i int) string { return fmt.Sprintf("post %05d", i) }
	if err := s.SeedChannelPosts(title, ann.Self().ID, n, post); err != nil {
		t.Fatal(err)
	}

	row := dialogOf(t, ctx, ben, channel)
	if row.Unread != n || row.Top.Text != post(n-1) || row.Peer.Kind != mtproto.PeerChannel {
		t.Fatalf("reader's dialog: unread %d, top %q, kind %v", row.Unread, row.Top.Text, row.Peer.Kind)
	}
	peer := row.Peer

	// Page backwards through everything, 100 at a time.
	var got []mtproto.Message
	pages := 0
	for before := 0; ; pages++ {
		page, err := ben.cloud.History(ctx, peer, before, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		before = page[len(page)-1].ID
	}
	posts := got[:len(got)-1] // the oldest is the "channel created" notice
	if len(posts) != n || got[len(got)-1].Service == "" {
		t.Fatalf("paged %d messages in %d pages", len(got), pages)
	}
	for i, m := range posts {
		if want := post(n - 1 - i); m.Text != want || m.From != 0 || m.Out {
			t.Fatalf("message %d = %q from %d, want %q", i, m.Text, m.From, want)
		}
		if i > 0 && m.ID != posts[i-1].ID-1 {
			t.Fatalf("ids not consecutive at %d: %d after %d", i, m.ID, posts[i-1].ID)
		}
	}
	if err := ben.cloud.MarkRead(ctx, peer, posts[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := dialogOf(t, ctx, ben, channel); r.Unread != 0 {
		t.Fatalf("unread after reading = %d", r.Unread)
	}

	// A live post gives the reader's updates manager the channel's pts.
	if _, err := ann.cloud.SendText(ctx, channel, "live", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ben.waitEvent(t, ctx, "live post", newText(peer, "live"))
	ben.stop()

	// Offline: 60 posts sent through the API.
	for i := range 60 {
		if _, err := ann.cloud.SendText(ctx, channel, fmt.Sprintf("while away %d", i), mtproto.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	calls := s.ChannelDifferenceCalls(title)
	ben = resume(t, ctx, s, readerDev)
	for i := range 60 {
		ben.waitEvent(t, ctx, "missed post", newText(peer, fmt.Sprintf("while away %d", i)))
	}
	if s.ChannelDifferenceCalls(title) <= calls {
		t.Fatal("the reader caught up without getChannelDifference")
	}
	var order []string
	for _, e := range ben.seen {
		if e.Kind == mtproto.EventNew {
			order = append(order, e.Message.Text)
		}
	}
	var want []string
	for i := range 60 {
		want = append(want, fmt.Sprintf("while away %d", i))
	}
	if !slices.Equal(order, want) {
		t.Fatalf("caught up %d posts, in this order: %q", len(order), order)
	}
	ben.stop()

	// Offline for another 5,000 posts: too many to replay. The chat list
	// and history still show everything.
	if err := s.SeedChannelPosts(title, ann.Self().ID, 5000, func(i int) string { return fmt.Sprintf("later %04d", i) }); err != nil {
		t.Fatal(err)
	}
	ben = resume(t, ctx, s, readerDev)
	row = dialogOf(t, ctx, ben, channel)
	if row.Top.Text != "later 4999" || row.Unread != 5061 {
		t.Fatalf("after a long absence: top %q, unread %d", row.Top.Text, row.Unread)
	}
	latest, err := ben.cloud.History(ctx, peer, 0, 100)
	if err != nil || len(latest) != 100 || latest[99].Text != "later 4900" {
		t.Fatalf("latest page after a long absence: %d %v", len(latest), err)
	}
}
