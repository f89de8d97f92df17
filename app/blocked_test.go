package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto/privacy"
	"tacit/mtproto/sandbox"
	"tacit/ui"
)

// TestBlockSimulatedContact: a blocked contact's next message does not reach the account and their secret
// chat request is refused; once unblocked, their message arrives. Blocking yourself is said in words.
func TestBlockSimulatedContact(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	kit, err := srv.AddContact(ctx, "Kit", "15550000311", sandbox.ContactOptions{Username: "kit_blocked"})
	if err != nil {
		t.Fatal(err)
	}
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900331", "Robin")
	p := w.svc.Privacy

	if list, err := p.Blocked(ctx); err != nil || len(list) != 0 {
		t.Fatalf("blocklist of a new account: %+v %v", list, err)
	}
	person, err := w.svc.People.ResolveUsername(ctx, "kit_blocked")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Block(ctx, person.Dialog); err != nil {
		t.Fatal(err)
	}
	list, err := p.Blocked(ctx)
	if err != nil || len(list) != 1 || list[0].Dialog != person.Dialog || list[0].Name != "Kit" ||
		list[0].Username != "kit_blocked" || list[0].Since.IsZero() {
		t.Fatalf("blocklist: %+v %v", list, err)
	}

	me := w.b.client.Self()
	toMe := &tg.InputPeerUser{UserID: me.ID, AccessHash: me.AccessHash}
	say := func(text string) {
		t.Helper()
		if _, err := kit.Client().API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
			Peer: toMe, Message: text, RandomID: time.Now().UnixNano()}); err != nil {
			t.Fatalf("Kit says %q: %v", text, err)
		}
	}
	say("while blocked")
	if _, err := kit.SecretChats().Start(ctx, me.ID, me.AccessHash); !tgerr.Is(err, "USER_IS_BLOCKED") {
		t.Fatalf("Kit's secret chat request while blocked: %v", err)
	}

	if err := p.Unblock(ctx, list[0].Dialog); err != nil {
		t.Fatal(err)
	}
	if list, err := p.Blocked(ctx); err != nil || len(list) != 0 {
		t.Fatalf("blocklist after unblock: %+v %v", list, err)
	}
	say("after unblock")
	d := w.waitDialog(ctx, "Kit's message", func(d ui.DialogSummary) bool { return d.LastMessage == "after unblock" })
	msgs, err := w.svc.Messages.History(ctx, d.ID, ui.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Text == "while blocked" {
			t.Fatal("a message sent while blocked reached the account")
		}
	}
	if len(msgs) != 1 {
		t.Fatalf("history with Kit: %+v", msgs)
	}

	// Blocked the other way round: Kit blocks the account, whose secret chat request is refused in words.
	if _, err := kit.Client().API().ContactsBlock(ctx, &tg.ContactsBlockRequest{ID: toMe}); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Secret.StartSecretChat(ctx, person.Dialog)
	var refused *ui.Problem
	if !errors.As(err, &refused) || !strings.Contains(refused.Message, "they may have blocked you") {
		t.Fatalf("a secret chat with someone who blocked the account: %v", err)
	}

	// Yourself: refused by the server, in words.
	self, err := w.svc.People.ResolveUsername(ctx, mustUsername(t, ctx, w))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Block(ctx, self.Dialog)
	var problem *ui.Problem
	if !errors.As(err, &problem) || problem.Message != "You cannot block yourself." {
		t.Fatalf("blocking yourself: %v", err)
	}
}

// mustUsername gives the account a username and returns it.
func mustUsername(t *testing.T, ctx context.Context, w *window) string {
	t.Helper()
	const name = "robin_blocks"
	if err := w.svc.People.SetUsername(ctx, name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestBlockWords(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{privacy.ErrBlockSelf, "You cannot block yourself."},
		{privacy.ErrBlockUnknown, "Telegram does not know this person any more"},
		{privacy.ErrBlockNotKept, "does not show it. Try again"},
	} {
		err := userError(fmt.Errorf("privacy: block: %w", c.err))
		var p *ui.Problem
		if !errors.As(err, &p) || !strings.Contains(p.Message, c.want) || !errors.Is(err, c.err) {
			t.Errorf("%v is said as %v", c.err, err)
		}
	}
}
