package secret_test

import (
	"testing"
	"time"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// TestNewChatTTLSetWhenReady: a manager with a default timer sets it, for both people, in the transaction
// that makes a chat ready (the chat is stored with it and the service line exists as soon as Accept
// returns); a manager without one sends nothing, and a re-key does not set it again.
func TestNewChatTTLSetWhenReady(t *testing.T) {
	w := &world{relay: secrettest.NewRelay(), clock: &clock{now: time.Unix(1_800_000_000, 0)}}
	w.relay.Now = w.clock.Now
	asked := 0
	w.alice = w.newPeer(t, aliceID, secret.Options{RekeyAfterMessages: 1 << 20})
	w.bob = w.newPeer(t, bobID, secret.Options{RekeyAfterMessages: 1 << 20, NewChatTTL: func() int { asked++; return 30 }})
	ctx := ctxT(t)

	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 1 })
	if err := w.bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	// Bob's side has it as soon as the chat is ready.
	if info, err := w.bob.m.Chat(ctx, id); err != nil || info.State != secret.StateReady || info.TTL != 30 {
		t.Fatalf("Bob's chat after Accept: %+v %v", info, err)
	}
	msgs, err := w.bob.m.Messages(ctx, id)
	if err != nil || len(msgs) != 1 || msgs[0].Action != secret.ActionSetTTL || msgs[0].ServiceTTL != 30 || !msgs[0].Out {
		t.Fatalf("Bob's messages: %+v %v", msgs, err)
	}
	// Alice's app gets it like any timer change, and sends none of its own.
	w.alice.rec.waitFor(t, "the timer at Alice", func(evs []secret.Event) bool {
		return count(evs, func(e secret.TTLChanged) bool { return e.TTL == 30 }) == 1
	})
	if info, _ := w.alice.m.Chat(ctx, id); info.TTL != 30 {
		t.Fatalf("Alice's chat TTL = %d", info.TTL)
	}
	if msgs, _ := w.alice.m.Messages(ctx, id); len(msgs) != 1 || msgs[0].Out {
		t.Fatalf("Alice's messages: %+v", msgs)
	}

	// A new key is not a new chat.
	if err := w.bob.m.Rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "re-keyed", func(evs []secret.Event) bool { return count[secret.Rekeyed](evs, nil) >= 1 })
	if asked != 1 {
		t.Fatalf("the default timer was asked %d times", asked)
	}
	if n := count(w.bob.rec.events(), func(e secret.TTLChanged) bool { return true }); n != 1 {
		t.Fatalf("%d timer changes at Bob", n)
	}
}
