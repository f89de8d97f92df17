package secret_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// hookedAPI runs onDiscard before each messages.discardEncryption and fails it with fail
// when set.
type hookedAPI struct {
	*secrettest.RelayClient
	onDiscard func()
	fail      error
}

func (h *hookedAPI) MessagesDiscardEncryption(ctx context.Context, req *tg.MessagesDiscardEncryptionRequest) (bool, error) {
	if h.onDiscard != nil {
		h.onDiscard()
	}
	if h.fail != nil {
		return false, h.fail
	}
	return h.RelayClient.MessagesDiscardEncryption(ctx, req)
}

// replaceAlice gives Alice a new manager on api over her store and returns it with its
// recorder.
func (w *world) replaceAlice(t *testing.T, api secret.API) (*secret.Manager, *recorder) {
	t.Helper()
	rec := newRecorder()
	m := secret.NewManager(api, w.alice.store, secret.Options{Now: w.clock.Now, Events: rec.add, RekeyAfterMessages: 1 << 20})
	t.Cleanup(m.Close)
	w.alice.m.Close()
	w.alice.conn.SetHandler(func(ctx context.Context, u tg.UpdateClass) error { _, err := m.Handle(ctx, u); return err })
	return m, rec
}

// aliceLeftovers counts what Alice's storage holds of the chats.
func aliceLeftovers(t *testing.T, w *world, chats ...secret.ChatID) int {
	t.Helper()
	n := 0
	err := w.alice.store.View(context.Background(), func(tx secret.Tx) error {
		all, err := tx.Chats()
		if err != nil {
			return err
		}
		n += len(all)
		ids, err := tx.InboxChats()
		if err != nil {
			return err
		}
		n += len(ids)
		for _, id := range chats {
			ms, err := tx.Messages(id)
			if err != nil {
				return err
			}
			out, err := tx.Outbox(id, 0, 1<<30)
			if err != nil {
				return err
			}
			p, err := tx.Pending(id)
			if err != nil {
				return err
			}
			n += len(ms) + len(out) + len(p)
		}
		if _, err := tx.DHConfig(); err == nil {
			n++
		} else if !errors.Is(err, secret.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// threeChats gives Alice a ready chat with history both ways, an unanswered request from Bob
// and her own unanswered request to Bob.
func threeChats(t *testing.T, w *world) (ready, requested, waiting secret.ChatID) {
	t.Helper()
	ctx := ctxT(t)
	ready = w.establish(t)
	if _, err := w.alice.m.SendText(ctx, ready, "from alice", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.bob.m.SendText(ctx, ready, "from bob", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "Bob's message", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	var err error
	if requested, err = w.bob.m.Start(ctx, aliceID, 0); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "Bob's request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 1 })
	if waiting, err = w.alice.m.Start(ctx, bobID, 0); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "Alice's second request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 2 })
	return ready, requested, waiting
}

func TestLogOutEndsEveryChatAndForgetsIt(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	ready, requested, waiting := threeChats(t, w)
	ctx := ctxT(t)
	if n := aliceLeftovers(t, w, ready, requested, waiting); n < 5 {
		t.Fatalf("Alice holds only %d records before logging out: the test proves nothing", n)
	}
	api := &hookedAPI{RelayClient: w.alice.conn}
	m, rec := w.replaceAlice(t, api)

	// While LogOut talks to the server, updates and actions of the old account are refused.
	var once sync.Once
	var sendErr, updateErr error
	api.onDiscard = func() {
		once.Do(func() {
			updateErr = m.HandleNewEncryptedMessage(ctx, &tg.UpdateNewEncryptedMessage{Qts: 1000,
				Message: &tg.EncryptedMessage{ChatID: int(ready), RandomID: 7, Date: 1, Bytes: make([]byte, 64), File: &tg.EncryptedFileEmpty{}}})
			_, sendErr = m.SendText(ctx, ready, "late", secret.SendOptions{})
		})
	}
	report, err := m.LogOut(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if updateErr != nil {
		t.Errorf("an update during log out: %v, want it dropped", updateErr)
	}
	if errs := w.alice.conn.HandlerErrors(); len(errs) != 0 {
		t.Errorf("Alice's update handler failed: %v", errs)
	}
	if !errors.Is(sendErr, secret.ErrLoggingOut) {
		t.Errorf("sending during log out: %v, want ErrLoggingOut", sendErr)
	}
	want := []secret.ChatID{ready, requested, waiting}
	slices.Sort(want)
	got := slices.Clone(report.Discarded)
	slices.Sort(got)
	if !slices.Equal(got, want) || len(report.Unreached) != 0 {
		t.Fatalf("report: discarded %v unreached %v, want %v discarded", report.Discarded, report.Unreached, want)
	}
	if w.relay.Calls("discardEncryption") != 3 {
		t.Fatalf("discardEncryption called %d times, want 3", w.relay.Calls("discardEncryption"))
	}
	// Bob learns that all three ended, the ready one with its history.
	evs := w.bob.rec.waitFor(t, "three chats closed at Bob", func(evs []secret.Event) bool {
		return count[secret.ChatClosed](evs, nil) == 3
	})
	if count(evs, func(e secret.ChatClosed) bool { return e.Chat == ready && e.HistoryDeleted }) != 1 {
		t.Fatalf("Bob was not asked to delete the history of the ready chat")
	}
	if ms, _ := w.bob.m.Messages(ctx, ready); len(ms) != 0 {
		t.Fatalf("Bob keeps %d messages of the discarded chat", len(ms))
	}
	// Nothing of the account is left at Alice.
	if n := aliceLeftovers(t, w, ready, requested, waiting); n != 0 {
		t.Fatalf("Alice still holds %d records after logging out", n)
	}
	if chats, err := m.Chats(ctx); err != nil || len(chats) != 0 {
		t.Fatalf("Chats after log out: %v, %v", chats, err)
	}
	if count(rec.events(), func(e secret.ChatClosed) bool { return e.Reason == secret.ClosedLoggedOut }) != 0 {
		t.Fatalf("events of the logged out account were delivered")
	}

	// The same manager serves the next account.
	next, err := m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "the new request", func(evs []secret.Event) bool {
		return count(evs, func(e secret.ChatRequested) bool { return e.Chat.ID == next }) == 1
	})
	if err := w.bob.m.Accept(ctx, next); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the new chat ready", func(evs []secret.Event) bool {
		return count(evs, func(e secret.ChatReady) bool { return e.Chat.ID == next }) == 1
	})
	if _, err := m.SendText(ctx, next, "new account", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "the new account's message", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessageReceived) bool { return e.Message.Text == "new account" }) == 1
	})
}

func TestLogOutWithoutServer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fail   error
		cancel bool
	}{
		{name: "network down", fail: &net.OpError{Op: "dial", Err: errors.New("connection refused")}},
		{name: "time is up", cancel: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
			ready, requested, waiting := threeChats(t, w)
			api := &hookedAPI{RelayClient: w.alice.conn, fail: tc.fail}
			m, _ := w.replaceAlice(t, api)
			ctx, cancel := context.WithCancel(ctxT(t))
			if tc.cancel {
				cancel()
			}
			defer cancel()
			report, err := m.LogOut(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(report.Discarded) != 0 || len(report.Unreached) != 3 {
				t.Fatalf("report: discarded %v, unreached %v; want 3 unreached", report.Discarded, report.Unreached)
			}
			for _, f := range report.Unreached {
				if f.PeerID != bobID || f.Err == nil {
					t.Errorf("unreached %+v: want Bob and a reason", f)
				}
				if tc.cancel && !errors.Is(f.Err, context.Canceled) {
					t.Errorf("unreached %d: %v, want the context's error", f.Chat, f.Err)
				}
			}
			if n := aliceLeftovers(t, w, ready, requested, waiting); n != 0 {
				t.Fatalf("Alice still holds %d records after logging out offline", n)
			}
		})
	}
}
