package mtproto

import (
	"context"
	"errors"
	"testing"

	"github.com/gotd/td/telegram/updates"
	"github.com/gotd/td/tg"
)

// TestQTSGuardKeepsUnstoredMessages: after a handler failed on an encrypted
// message, neither SetQts nor SetState moves the stored qts past it (gotd
// saves qts whatever the handler returned); pts still advances, and a
// failure on a cloud update alone freezes nothing.
func TestQTSGuardKeepsUnstoredMessages(t *testing.T) {
	ctx := context.Background()
	const user = 7
	d := tg.NewUpdateDispatcher()
	full := errors.New("database or disk is full")
	d.OnNewEncryptedMessage(func(context.Context, tg.Entities, *tg.UpdateNewEncryptedMessage) error { return full })
	d.OnNewMessage(func(context.Context, tg.Entities, *tg.UpdateNewMessage) error { return full })
	var reported []error
	g := newQTSGuard(nil, &d, func(err error) { reported = append(reported, err) })
	if err := g.SetState(ctx, user, updates.State{Pts: 1, Qts: 5}); err != nil {
		t.Fatal(err)
	}

	// A cloud message that could not be cached: qts is not concerned.
	if err := g.Handle(ctx, &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.MessageEmpty{ID: 1}}}}); err == nil {
		t.Fatal("the handler's error was lost")
	}
	if err := g.SetQts(ctx, user, 6); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := g.GetState(ctx, user); st.Qts != 6 {
		t.Fatalf("qts %d after a failed cloud update, want 6", st.Qts)
	}

	// An encrypted message that could not be stored.
	enc := &tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessage{ChatID: 1, RandomID: 2, Bytes: []byte{1}}, Qts: 7}
	if err := g.Handle(ctx, &tg.Updates{Updates: []tg.UpdateClass{enc}}); !errors.Is(err, full) {
		t.Fatalf("handle: %v", err)
	}
	if err := g.SetQts(ctx, user, 7); err != nil {
		t.Fatal(err)
	}
	if err := g.SetState(ctx, user, updates.State{Pts: 9, Qts: 8}); err != nil {
		t.Fatal(err)
	}
	st, _, err := g.GetState(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if st.Qts != 6 || st.Pts != 9 {
		t.Fatalf("stored pts %d qts %d, want pts 9 and qts still 6", st.Pts, st.Qts)
	}
	if len(reported) != 2 {
		t.Fatalf("%d failures reported, want 2", len(reported))
	}
}
