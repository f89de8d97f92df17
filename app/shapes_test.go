package app

import (
	"context"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/sandbox"
	"tacit/ui"
)

// TestShortMessageShowsSender: a message the server pushes as
// updateShortMessage (no users attached: the recipient already has a chat
// with the sender) shows in the chat list and the conversation with the
// sender's name, and the chat can be answered.
func TestShortMessageShowsSender(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := demoSandbox(t, ctx)
	ann := openWindow(t, ctx, srv, nil)
	ann.signUp(ctx, "+44 7700 900330", "Ann")
	bob := openWindow(t, ctx, srv, nil)
	bob.signUp(ctx, "+44 7700 900331", "Bob")
	bobID, _ := srv.UserByPhone("447700900331")
	short := make(chan struct{}, 10)
	srv.Intercept(sandbox.Interceptor{Push: func(ctx context.Context, p *sandbox.Push, next sandbox.PushFunc) error {
		if u, ok := p.Updates.(*tg.UpdateShortMessage); ok && p.UserID == bobID && u.Message == "hello Bob" {
			short <- struct{}{}
		}
		return next(ctx, p)
	}})

	// Ann finds Bob by his username and writes twice: the first message
	// comes with her user attached, the second, to a chat Bob already
	// has, as updateShortMessage.
	if err := bob.svc.People.SetUsername(ctx, "bob_shapes"); err != nil {
		t.Fatal(err)
	}
	toBob, err := ann.svc.People.ResolveUsername(ctx, "bob_shapes")
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"first", "hello Bob"} {
		if _, err := ann.svc.Messages.SendText(ctx, toBob.Dialog, text, ui.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-short:
	case <-ctx.Done():
		t.Fatal("the message was not pushed as updateShortMessage")
	}
	var got ui.Message
	for got.Text != "hello Bob" {
		select {
		case e := <-bob.events:
			if m, ok := e.(ui.MessageEvent); ok {
				got = m.Message
			}
		case <-ctx.Done():
			t.Fatal("no message event")
		}
	}
	if got.Sender != "Ann" || got.Out {
		t.Fatalf("pushed message %+v, want it from Ann", got)
	}
	d := bob.waitDialog(ctx, "Ann's chat", func(d ui.DialogSummary) bool { return d.ID == got.Dialog })
	if d.Title != "Ann" || d.Kind != ui.KindUser {
		t.Fatalf("chat list entry %+v", d)
	}
	hist, err := bob.svc.Messages.History(ctx, got.Dialog, ui.Page{Limit: 10})
	if err != nil || len(hist) == 0 || hist[len(hist)-1].Sender != "Ann" || hist[len(hist)-1].Text != "hello Bob" {
		t.Fatalf("history %+v %v", hist, err)
	}
	if _, err := bob.svc.Messages.SendText(ctx, got.Dialog, "hi Ann", ui.SendOptions{}); err != nil {
		t.Fatalf("answering the pushed chat: %v", err)
	}
	ann.waitText(ctx, toBob.Dialog, "hi Ann")
}
