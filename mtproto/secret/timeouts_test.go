package secret_test

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
)

// chatOf reads p's stored chat.
func (w *world) chatOf(t *testing.T, p *peer, id secret.ChatID) secret.Chat {
	t.Helper()
	var c secret.Chat
	if err := p.store.View(ctxT(t), func(tx secret.Tx) (err error) { c, err = tx.Chat(id); return }); err != nil {
		t.Fatal(err)
	}
	return c
}

// A Resend request that gets lost is asked again, waiting twice as long each time, until
// the gap heals; the chat does not stall.
func TestLostResendAskedAgainWithBackoff(t *testing.T) {
	const retry = 10 * time.Second
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20, ResendRetry: retry})
	id := w.establish(t)
	ctx := ctxT(t)
	// Bob's service messages from here on are his Resend requests; each counts once, however
	// often it is sent (Alice asks for the lost ones again, to fill her own gap).
	distinct := func() int {
		ids := map[int64]bool{}
		for _, s := range sentFrom(w.relay, bobID, "sendEncryptedService") {
			ids[s.RandomID] = true
		}
		return len(ids)
	}
	resendsBefore := distinct()
	resends := func() int { return distinct() - resendsBefore }
	var mu sync.Mutex
	toBob, fromBob := 0, 0
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		nm, ok := u.(*tg.UpdateNewEncryptedMessage)
		if !ok {
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		if to == bobID {
			toBob++
			return toBob != 3 // Alice's third message is lost
		}
		if _, service := nm.Message.(*tg.EncryptedMessageService); service {
			fromBob++
			return fromBob > 2 // Bob's first two Resend requests are lost
		}
		return true
	}
	for i := range 6 {
		if _, err := w.alice.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w.bob.rec.waitFor(t, "the messages before the gap", func(evs []secret.Event) bool { return len(received(evs)) == 2 })
	w.waitFor(t, ctx, "the first Resend", func() bool { return resends() == 1 })
	w.waitFor(t, ctx, "the messages behind the gap queued", func() bool {
		var n int
		if err := w.bob.store.View(ctx, func(tx secret.Tx) error { p, err := tx.Pending(id); n = len(p); return err }); err != nil {
			t.Errorf("read the pending messages: %v", err)
		}
		return n == 3
	})

	tick := func(d time.Duration) {
		t.Helper()
		w.clock.Advance(d)
		if err := w.bob.m.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	tick(retry - time.Second) // not yet
	if got := resends(); got != 1 {
		t.Fatalf("%d Resends before the first retry time", got)
	}
	tick(2 * time.Second) // retry 1, lost too
	w.waitFor(t, ctx, "the second Resend", func() bool { return resends() == 2 })
	if c := w.chatOf(t, w.bob, id); c.ResendTries != 1 || !c.ResendNext.Equal(w.clock.Now().Add(2*retry)) {
		t.Fatalf("after the second Resend: tries %d, next in %v; want 1 and %v", c.ResendTries, c.ResendNext.Sub(w.clock.Now()), 2*retry)
	}
	tick(retry + time.Second) // the wait has doubled: not yet
	if got := resends(); got != 2 {
		t.Fatalf("%d Resends before the doubled wait was over", got)
	}
	tick(retry) // retry 2 arrives
	evs := w.bob.rec.waitFor(t, "all six messages", func(evs []secret.Event) bool { return len(received(evs)) == 6 })
	for i, m := range received(evs) {
		if m.Text != fmt.Sprint(i) {
			t.Fatalf("message %d = %q", i, m.Text)
		}
	}
	if got := resends(); got != 3 {
		t.Fatalf("%d Resends, want 3", got)
	}
	if c := w.chatOf(t, w.bob, id); !c.ResendNext.IsZero() || c.ResendTries != 0 || c.State != secret.StateReady {
		t.Fatalf("after the gap healed: next %v tries %d state %v", c.ResendNext, c.ResendTries, c.State)
	}
	tick(time.Hour)
	if got := resends(); got != 3 {
		t.Fatalf("%d Resends after the gap healed", got)
	}
}

// A re-key Bob accepted but Alice never committed is given up after the time limit, Bob can
// start a re-key of his own, and when Alice commits the first one after all, both sides end
// up on the same key.
func TestUncommittedRekeyGivenUp(t *testing.T) {
	const limit = time.Hour
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20, RekeyTimeout: limit})
	id := w.establish(t)
	ctx := ctxT(t)
	// Nothing Bob sends reaches Alice for now: she never sees his AcceptKey.
	var mu sync.Mutex
	var held []tg.UpdateClass
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if _, ok := u.(*tg.UpdateNewEncryptedMessage); ok && to == aliceID {
			mu.Lock()
			held = append(held, u)
			mu.Unlock()
			return false
		}
		return true
	}
	if err := w.alice.m.Rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, ctx, "Bob accepted", func() bool { return w.chatOf(t, w.bob, id).Rekey.State == secret.RekeyAccepted })
	if err := w.bob.m.Rekey(ctx, id); !errors.Is(err, secret.ErrRekeyBusy) {
		t.Fatalf("Bob re-keys while an exchange is open: %v", err)
	}
	w.clock.Advance(limit - time.Minute)
	if err := w.bob.m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if c := w.chatOf(t, w.bob, id); c.Rekey.State != secret.RekeyAccepted {
		t.Fatalf("Bob gave up before the time limit: %v", c.Rekey.State)
	}
	w.clock.Advance(2 * time.Minute)
	if err := w.bob.m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "the re-key given up", func(evs []secret.Event) bool {
		return count(evs, func(e secret.ErrorEvent) bool { return errors.Is(e.Err, secret.ErrRekeyTimedOut) }) == 1
	})
	c := w.chatOf(t, w.bob, id)
	if c.Rekey.State != secret.RekeyIdle || len(c.OrphanKey) == 0 || c.State != secret.StateReady {
		t.Fatalf("after giving up: rekey %v, orphan key %d bytes, state %v", c.Rekey.State, len(c.OrphanKey), c.State)
	}
	if info, _ := w.bob.m.Chat(ctx, id); info.Rekeying {
		t.Fatal("the chat still says it is re-keying")
	}
	// Bob can re-key again.
	if err := w.bob.m.Rekey(ctx, id); err != nil {
		t.Fatalf("Bob cannot re-key after giving up: %v", err)
	}

	// Alice hears from Bob at last: she commits the first exchange.
	w.relay.Filter = nil
	mu.Lock()
	for _, u := range held {
		w.relay.Deliver(aliceID, u)
	}
	mu.Unlock()
	// A side keeps the replaced key until a message under the new one arrives, which may
	// take until the messages below.
	w.waitFor(t, ctx, "one key on both sides", func() bool {
		a, b := w.chatOf(t, w.alice, id), w.chatOf(t, w.bob, id)
		return bytes.Equal(a.Key, b.Key) && a.Rekey.State == secret.RekeyIdle && b.Rekey.State == secret.RekeyIdle &&
			len(b.OrphanKey) == 0
	})
	if _, err := w.alice.m.SendText(ctx, id, "after the re-key", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.bob.m.SendText(ctx, id, "heard you", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "Alice's message", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessageReceived) bool { return e.Message.Text == "after the re-key" }) == 1
	})
	w.alice.rec.waitFor(t, "Bob's message", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessageReceived) bool { return e.Message.Text == "heard you" }) == 1
	})
	w.waitFor(t, ctx, "the replaced key forgotten on both sides", func() bool {
		a, b := w.chatOf(t, w.alice, id), w.chatOf(t, w.bob, id)
		return bytes.Equal(a.Key, b.Key) && len(a.PrevKey) == 0 && len(b.PrevKey) == 0
	})
	for _, p := range []*peer{w.alice, w.bob} {
		if n := count(p.rec.events(), func(e secret.ErrorEvent) bool { return errors.Is(e.Err, secret.ErrDropped) }); n != 0 {
			t.Fatalf("%d: %d messages dropped", p.id, n)
		}
	}
}
