package secret_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

var _ secret.API = (*tg.Client)(nil)
var _ secret.API = (*secrettest.RelayClient)(nil)

const (
	aliceID int64 = 1001
	bobID   int64 = 2002
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// recorder collects a manager's events and lets tests wait for a condition.
type recorder struct {
	mu   sync.Mutex
	evs  []secret.Event
	wake chan struct{}
}

func newRecorder() *recorder { return &recorder{wake: make(chan struct{}, 1)} }

func (r *recorder) add(ev secret.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *recorder) events() []secret.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]secret.Event(nil), r.evs...)
}

// waitFor waits until cond holds for the events so far (generous deadline, no fixed sleeps).
func (r *recorder) waitFor(t *testing.T, what string, cond func([]secret.Event) bool) []secret.Event {
	t.Helper()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	for {
		evs := r.events()
		if cond(evs) {
			return evs
		}
		select {
		case <-r.wake:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; %d events so far", what, len(evs))
		}
	}
}

func count[T secret.Event](evs []secret.Event, pred func(T) bool) int {
	n := 0
	for _, ev := range evs {
		if e, ok := ev.(T); ok && (pred == nil || pred(e)) {
			n++
		}
	}
	return n
}

func find[T secret.Event](evs []secret.Event) (T, bool) {
	for _, ev := range evs {
		if e, ok := ev.(T); ok {
			return e, true
		}
	}
	var zero T
	return zero, false
}

type peer struct {
	id    int64
	m     *secret.Manager
	store secret.Storage
	rec   *recorder
	conn  *secrettest.RelayClient
}

type world struct {
	relay      *secrettest.Relay
	clock      *clock
	alice, bob *peer
}

func newWorld(t *testing.T, opts secret.Options) *world {
	t.Helper()
	w := &world{relay: secrettest.NewRelay(), clock: &clock{now: time.Unix(1_800_000_000, 0)}}
	w.relay.Now = w.clock.Now
	w.alice = w.newPeer(t, aliceID, opts)
	w.bob = w.newPeer(t, bobID, opts)
	return w
}

func (w *world) newPeer(t *testing.T, id int64, opts secret.Options) *peer {
	p := &peer{id: id, store: notifyingStorage{secret.NewMemoryStorage(), w.relay.Changes()}, rec: newRecorder()}
	opts.Events = p.rec.add
	opts.Now = w.clock.Now
	var mu sync.Mutex
	var m *secret.Manager
	p.conn = w.relay.Connect(id, func(ctx context.Context, u tg.UpdateClass) error {
		mu.Lock()
		mm := m
		mu.Unlock()
		_, err := mm.Handle(ctx, u)
		return err
	})
	mu.Lock()
	m = secret.NewManager(p.conn, p.store, opts)
	mu.Unlock()
	p.m = m
	t.Cleanup(func() {
		p.conn.Close()
		p.m.Close()
	})
	return p
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// establish starts a chat from Alice to Bob, lets Bob accept, and waits until both sides are
// ready and have exchanged NotifyLayer.
func (w *world) establish(t *testing.T) secret.ChatID {
	t.Helper()
	ctx := ctxT(t)
	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	w.bob.rec.waitFor(t, "chat request at Bob", func(evs []secret.Event) bool {
		return count[secret.ChatRequested](evs, nil) == 1
	})
	if err := w.bob.m.Accept(ctx, id); err != nil {
		t.Fatalf("Accept: %v", err)
	}
	for _, p := range []*peer{w.alice, w.bob} {
		p.rec.waitFor(t, "ready and layer 144", func(evs []secret.Event) bool {
			return count[secret.ChatReady](evs, nil) == 1 &&
				count(evs, func(e secret.LayerChanged) bool { return e.PeerLayer == secret.Layer }) == 1
		})
	}
	return id
}

func received(evs []secret.Event) []secret.Message {
	var out []secret.Message
	for _, ev := range evs {
		if e, ok := ev.(secret.MessageReceived); ok {
			out = append(out, e.Message)
		}
	}
	return out
}

func TestEstablishFingerprintsEqual(t *testing.T) {
	w := newWorld(t, secret.Options{})
	ctx := ctxT(t)
	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	evs := w.bob.rec.waitFor(t, "request", func(evs []secret.Event) bool {
		return count[secret.ChatRequested](evs, nil) == 1
	})
	req, _ := find[secret.ChatRequested](evs)
	if req.Chat.ID != id || req.Chat.PeerID != aliceID || req.Chat.State != secret.StateRequested {
		t.Fatalf("request event = %+v", req.Chat)
	}
	// Not accepted by itself.
	if info, err := w.bob.m.Chat(ctx, id); err != nil || info.State != secret.StateRequested {
		t.Fatalf("Bob's chat before Accept: %+v, %v", info, err)
	}
	if w.relay.Calls("acceptEncryption") != 0 {
		t.Fatalf("request accepted without the user's decision")
	}
	if err := w.bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	var fps [2]secret.Fingerprint
	for i, p := range []*peer{w.alice, w.bob} {
		evs := p.rec.waitFor(t, "ready", func(evs []secret.Event) bool {
			return count[secret.ChatReady](evs, nil) == 1 &&
				count(evs, func(e secret.LayerChanged) bool { return e.PeerLayer == secret.Layer }) == 1
		})
		ready, _ := find[secret.ChatReady](evs)
		fps[i] = ready.Fingerprint
		fp, err := p.m.Fingerprint(ctx, id)
		if err != nil || fp != ready.Fingerprint {
			t.Fatalf("Fingerprint() = %v, %v", fp, err)
		}
		info, _ := p.m.Chat(ctx, id)
		if info.State != secret.StateReady || info.Layer != secret.Layer {
			t.Fatalf("chat info %+v", info)
		}
	}
	if fps[0] != fps[1] {
		t.Fatalf("fingerprints differ")
	}
	if fps[0].Identicon() != fps[1].Identicon() || fps[0].Emoji() != fps[1].Emoji() || fps[0].Hex() != fps[1].Hex() {
		t.Fatalf("visualisations differ")
	}
	// The shared keys are equal and the secret exponents are gone.
	var ka, kb secret.Chat
	_ = w.alice.store.View(ctx, func(tx secret.Tx) (err error) { ka, err = tx.Chat(id); return })
	_ = w.bob.store.View(ctx, func(tx secret.Tx) (err error) { kb, err = tx.Chat(id); return })
	if string(ka.Key) != string(kb.Key) || len(ka.Key) != secret.KeySize || ka.KeyFingerprint != kb.KeyFingerprint {
		t.Fatalf("keys differ")
	}
	if len(ka.Secret) != 0 || len(kb.Secret) != 0 {
		t.Fatalf("DH exponent kept after the exchange")
	}
	if err := w.alice.m.SetVerified(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if info, _ := w.alice.m.Chat(ctx, id); !info.Verified {
		t.Fatalf("verified mark not kept")
	}
	// getDhConfig: the second call (Bob's) got dhConfigNotModified? Each manager has its own
	// cache: a second Start by Alice must reuse hers.
	if _, err := w.alice.m.Start(ctx, bobID, 0); err != nil {
		t.Fatal(err)
	}
	var cfg secret.DHConfig
	_ = w.alice.store.View(ctx, func(tx secret.Tx) (err error) { cfg, err = tx.DHConfig(); return })
	if !cfg.Checked || cfg.Version != 1 {
		t.Fatalf("dh config cache %+v", cfg)
	}
}

func TestMessagesBothWaysInOrderExactlyOnce(t *testing.T) {
	const n = 1000
	w := newWorld(t, secret.Options{})
	id := w.establish(t)
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, p := range []*peer{w.alice, w.bob} {
		wg.Add(1)
		go func(p *peer) {
			defer wg.Done()
			for i := range n {
				if _, err := p.m.SendText(ctx, id, fmt.Sprintf("%d-%d", p.id, i), secret.SendOptions{}); err != nil {
					errs <- err
					return
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, pair := range [][2]*peer{{w.alice, w.bob}, {w.bob, w.alice}} {
		from, to := pair[0], pair[1]
		evs := to.rec.waitFor(t, "all messages", func(evs []secret.Event) bool { return len(received(evs)) >= n })
		got := received(evs)
		if len(got) != n {
			t.Fatalf("%d received %d messages, want %d", to.id, len(got), n)
		}
		for i, m := range got {
			if want := fmt.Sprintf("%d-%d", from.id, i); m.Text != want || m.Out {
				t.Fatalf("message %d at %d = %q, want %q", i, to.id, m.Text, want)
			}
		}
		// Both sides re-keyed along the way (every 100 messages), without losing anything.
		if count[secret.Rekeyed](evs, nil) < 2 {
			t.Errorf("%d: only %d re-keys during %d messages", to.id, count[secret.Rekeyed](evs, nil), 2*n)
		}
		if count[secret.ChatClosed](evs, nil) != 0 {
			t.Fatalf("chat closed during the run")
		}
		hist, _ := to.m.Messages(ctx, id)
		if len(hist) != 2*n {
			t.Fatalf("history of %d has %d messages, want %d", to.id, len(hist), 2*n)
		}
	}
	fa, _ := w.alice.m.Fingerprint(ctx, id)
	fb, _ := w.bob.m.Fingerprint(ctx, id)
	if fa != fb {
		t.Fatalf("fingerprints differ after re-keys")
	}
	// Every incoming message was acknowledged with receivedQueue.
	if w.relay.Calls("receivedQueue") == 0 {
		t.Fatalf("receivedQueue never called")
	}
}

func TestForcedRekeyWithMessagesInFlight(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	before, _ := w.alice.m.Fingerprint(ctx, id)
	var oldFP int64
	_ = w.alice.store.View(ctx, func(tx secret.Tx) error { c, _ := tx.Chat(id); oldFP = c.KeyFingerprint; return nil })
	var wg sync.WaitGroup
	for _, p := range []*peer{w.alice, w.bob} {
		wg.Add(1)
		go func(p *peer) {
			defer wg.Done()
			for i := range 60 {
				if i == 20 && p == w.alice {
					if err := p.m.Rekey(ctx, id); err != nil {
						t.Errorf("Rekey: %v", err)
					}
				}
				if _, err := p.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{}); err != nil {
					t.Errorf("send: %v", err)
					return
				}
			}
		}(p)
	}
	wg.Wait()
	for _, p := range []*peer{w.alice, w.bob} {
		p.rec.waitFor(t, "messages and re-key", func(evs []secret.Event) bool {
			return len(received(evs)) == 60 && count[secret.Rekeyed](evs, nil) == 1
		})
	}
	// Let the Noop after CommitKey arrive, then both sides hold only the new key.
	for _, p := range []*peer{w.alice, w.bob} {
		if _, err := p.m.SendText(ctx, id, "after", secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*peer{w.alice, w.bob} {
		p.rec.waitFor(t, "after", func(evs []secret.Event) bool { return len(received(evs)) == 61 })
	}
	var ca, cb secret.Chat
	_ = w.alice.store.View(ctx, func(tx secret.Tx) (err error) { ca, err = tx.Chat(id); return })
	_ = w.bob.store.View(ctx, func(tx secret.Tx) (err error) { cb, err = tx.Chat(id); return })
	if ca.KeyFingerprint == oldFP || ca.KeyFingerprint != cb.KeyFingerprint || string(ca.Key) != string(cb.Key) {
		t.Fatalf("keys after re-key: alice %x bob %x old %x", ca.KeyFingerprint, cb.KeyFingerprint, oldFP)
	}
	if len(ca.PrevKey) != 0 || len(cb.PrevKey) != 0 || ca.Rekey.State != secret.RekeyIdle || cb.Rekey.State != secret.RekeyIdle {
		t.Fatalf("old key not wiped or exchange not finished: alice prev %d state %v, bob prev %d state %v",
			len(ca.PrevKey), ca.Rekey.State, len(cb.PrevKey), cb.Rekey.State)
	}
	after, _ := w.alice.m.Fingerprint(ctx, id)
	if after != before {
		t.Fatalf("key visualisation changed on re-key")
	}
}

// sentTo returns the relay's log of sends from one user.
func sentFrom(r *secrettest.Relay, user int64, method string) []secrettest.Sent {
	var out []secrettest.Sent
	for _, s := range r.SentLog() {
		if s.From == user && (method == "" || s.Method == method) {
			out = append(out, s)
		}
	}
	return out
}

func TestGapHealedByExactlyOneResend(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	servicesBefore := len(sentFrom(w.relay, bobID, "sendEncryptedService"))
	var mu sync.Mutex
	var held []tg.UpdateClass
	n := 0
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if _, ok := u.(*tg.UpdateNewEncryptedMessage); !ok || to != bobID {
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 3 { // drop the third message from Alice
			held = append(held, u)
			return false
		}
		return true
	}
	for i := range 6 {
		if _, err := w.alice.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	evs := w.bob.rec.waitFor(t, "6 messages", func(evs []secret.Event) bool { return len(received(evs)) == 6 })
	for i, m := range received(evs) {
		if m.Text != fmt.Sprint(i) {
			t.Fatalf("message %d = %q", i, m.Text)
		}
	}
	if got := len(sentFrom(w.relay, bobID, "sendEncryptedService")) - servicesBefore; got != 1 {
		t.Fatalf("Bob sent %d service messages for one gap, want exactly one Resend", got)
	}
	// The resent message is the stored ciphertext, byte for byte.
	alice := sentFrom(w.relay, aliceID, "sendEncrypted")
	dropped := held[0].(*tg.UpdateNewEncryptedMessage).Message.(*tg.EncryptedMessage)
	copies := 0
	for _, s := range alice {
		if s.RandomID == dropped.RandomID {
			copies++
			if string(s.Data) != string(dropped.Bytes) {
				t.Fatalf("resend re-encrypted the message")
			}
		}
	}
	if copies != 2 {
		t.Fatalf("message sent %d times, want 2 (original + resend)", copies)
	}
	// The late original arrives too: dropped as a duplicate.
	w.relay.Filter = nil
	w.relay.Deliver(bobID, held[0])
	if _, err := w.alice.m.SendText(ctx, id, "6", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	evs = w.bob.rec.waitFor(t, "7 messages", func(evs []secret.Event) bool { return len(received(evs)) >= 7 })
	if got := received(evs); len(got) != 7 || got[6].Text != "6" {
		t.Fatalf("after the late duplicate: %d messages", len(got))
	}
}

func TestReorderedMessagesDeliveredInOrder(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	var mu sync.Mutex
	var held []tg.UpdateClass
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if _, ok := u.(*tg.UpdateNewEncryptedMessage); !ok || to != bobID {
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		if len(held) < 2 { // hold the first two, deliver later in reverse order
			held = append(held, u)
			return false
		}
		return true
	}
	for i := range 4 {
		if _, err := w.alice.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w.relay.Filter = nil
	w.relay.Deliver(bobID, held[1])
	w.relay.Deliver(bobID, held[0])
	evs := w.bob.rec.waitFor(t, "4 messages", func(evs []secret.Event) bool { return len(received(evs)) >= 4 })
	got := received(evs)
	if len(got) != 4 {
		t.Fatalf("%d messages", len(got))
	}
	for i, m := range got {
		if m.Text != fmt.Sprint(i) {
			t.Fatalf("order broken: %d = %q", i, m.Text)
		}
	}
}

func TestReplayAndDuplicatesDropped(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	var mu sync.Mutex
	var seen []tg.UpdateClass
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if _, ok := u.(*tg.UpdateNewEncryptedMessage); ok && to == bobID {
			mu.Lock()
			seen = append(seen, u)
			mu.Unlock()
			w.relay.Deliver(to, u) // every message twice
		}
		return true
	}
	for i := range 5 {
		if _, err := w.alice.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w.bob.rec.waitFor(t, "5", func(evs []secret.Event) bool { return len(received(evs)) >= 5 })
	w.relay.Filter = nil
	// Replay everything once more, oldest first, then a fresh message as a barrier.
	mu.Lock()
	for _, u := range seen {
		w.relay.Deliver(bobID, u)
	}
	mu.Unlock()
	if _, err := w.alice.m.SendText(ctx, id, "end", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	evs := w.bob.rec.waitFor(t, "end", func(evs []secret.Event) bool {
		got := received(evs)
		return len(got) > 0 && got[len(got)-1].Text == "end"
	})
	if got := received(evs); len(got) != 6 {
		t.Fatalf("Bob shows %d messages, want 6 (duplicates and replays dropped)", len(got))
	}
	if count[secret.ChatClosed](evs, nil) != 0 {
		t.Fatalf("replays closed the chat")
	}
}

func TestSelfDestructOnBothSides(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	if err := w.alice.m.SetTTL(ctx, id, 10); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "ttl", func(evs []secret.Event) bool {
		return count(evs, func(e secret.TTLChanged) bool { return e.TTL == 10 }) == 1
	})
	if info, _ := w.bob.m.Chat(ctx, id); info.TTL != 10 {
		t.Fatalf("Bob's chat TTL = %d", info.TTL)
	}
	sent, err := w.alice.m.SendText(ctx, id, "burn after reading", secret.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sent.TTL != 10 {
		t.Fatalf("message TTL %d, want the chat's 10", sent.TTL)
	}
	evs := w.bob.rec.waitFor(t, "message", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessageReceived) bool { return e.Message.Text == "burn after reading" }) == 1
	})
	_ = evs
	// Nothing expires before it is read.
	w.clock.Advance(time.Hour)
	for _, p := range []*peer{w.alice, w.bob} {
		if err := p.m.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := messageByText(ctx, p, id, "burn after reading"); err != nil {
			t.Fatalf("%d: unread message expired: %v", p.id, err)
		}
	}
	if err := w.bob.m.MarkRead(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "read receipt", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessagesRead) bool {
			for _, r := range e.RandomIDs {
				if r == sent.RandomID {
					return true
				}
			}
			return false
		}) >= 1
	})
	w.clock.Advance(9 * time.Second)
	for _, p := range []*peer{w.alice, w.bob} {
		_ = p.m.Tick(ctx)
		if _, err := messageByText(ctx, p, id, "burn after reading"); err != nil {
			t.Fatalf("%d: expired early", p.id)
		}
	}
	w.clock.Advance(2 * time.Second)
	for _, p := range []*peer{w.alice, w.bob} {
		if err := p.m.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := messageByText(ctx, p, id, "burn after reading"); !errors.Is(err, secret.ErrNotFound) {
			t.Fatalf("%d: message still there after its TTL", p.id)
		}
		p.rec.waitFor(t, "expired event", func(evs []secret.Event) bool {
			return count(evs, func(e secret.MessagesDeleted) bool { return e.Expired }) >= 1
		})
	}
}

func messageByText(ctx context.Context, p *peer, id secret.ChatID, text string) (secret.Message, error) {
	ms, err := p.m.Messages(ctx, id)
	if err != nil {
		return secret.Message{}, err
	}
	for _, m := range ms {
		if m.Text == text {
			return m, nil
		}
	}
	return secret.Message{}, secret.ErrNotFound
}

func TestDeleteFlushTypingRead(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	var sent []secret.Message
	for i := range 3 {
		m, err := w.alice.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !m.Sent {
			t.Fatalf("returned message not marked sent")
		}
		sent = append(sent, m)
	}
	w.bob.rec.waitFor(t, "3", func(evs []secret.Event) bool { return len(received(evs)) == 3 })
	if err := w.alice.m.DeleteMessages(ctx, id, []int64{sent[1].RandomID}); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "delete", func(evs []secret.Event) bool { return count[secret.MessagesDeleted](evs, nil) == 1 })
	for _, p := range []*peer{w.alice, w.bob} {
		ms, _ := p.m.Messages(ctx, id)
		if len(ms) != 2 || ms[0].Text != "0" || ms[1].Text != "2" {
			t.Fatalf("%d after delete: %+v", p.id, ms)
		}
	}
	if err := w.bob.m.SetTyping(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "typing", func(evs []secret.Event) bool { return count[secret.Typing](evs, nil) == 1 })
	if err := w.bob.m.MarkRead(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "read", func(evs []secret.Event) bool { return count[secret.MessagesRead](evs, nil) >= 1 })
	ms, _ := w.alice.m.Messages(ctx, id)
	for _, m := range ms {
		if m.Out && !m.Read {
			t.Fatalf("outgoing message not marked read: %+v", m)
		}
	}
	if err := w.bob.m.FlushHistory(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "flush", func(evs []secret.Event) bool { return count[secret.HistoryFlushed](evs, nil) == 1 })
	for _, p := range []*peer{w.alice, w.bob} {
		if ms, _ := p.m.Messages(ctx, id); len(ms) != 0 {
			t.Fatalf("%d: %d messages after flush", p.id, len(ms))
		}
	}
}

func TestDecline(t *testing.T) {
	w := newWorld(t, secret.Options{})
	ctx := ctxT(t)
	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 1 })
	if err := w.bob.m.Decline(ctx, id); err != nil {
		t.Fatal(err)
	}
	evs := w.alice.rec.waitFor(t, "closed", func(evs []secret.Event) bool { return count[secret.ChatClosed](evs, nil) == 1 })
	closed, _ := find[secret.ChatClosed](evs)
	if closed.Reason != secret.ClosedDeclinedByPeer {
		t.Fatalf("reason %v", closed.Reason)
	}
	if _, err := w.alice.m.SendText(ctx, id, "x", secret.SendOptions{}); !errors.Is(err, secret.ErrNotReady) {
		t.Fatalf("send on a declined chat: %v", err)
	}
	if info, _ := w.bob.m.Chat(ctx, id); info.State != secret.StateClosed || info.Closed != secret.ClosedDeclinedByUser {
		t.Fatalf("Bob's chat %v, %v", info.State, info.Closed)
	}
	if info, _ := w.alice.m.Chat(ctx, id); info.Closed != secret.ClosedDeclinedByPeer || info.Violation != secret.ViolationNone {
		t.Fatalf("Alice's chat closed %v (%v), want declined by the peer", info.Closed, info.Violation)
	}
	if w.relay.Calls("acceptEncryption") != 0 || w.relay.Calls("discardEncryption") != 1 {
		t.Fatalf("calls: accept %d discard %d", w.relay.Calls("acceptEncryption"), w.relay.Calls("discardEncryption"))
	}
}

func TestDiscardWithHistory(t *testing.T) {
	w := newWorld(t, secret.Options{})
	id := w.establish(t)
	ctx := ctxT(t)
	if _, err := w.bob.m.SendText(ctx, id, "hi", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "hi", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	if err := w.alice.m.Discard(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	evs := w.bob.rec.waitFor(t, "closed", func(evs []secret.Event) bool { return count[secret.ChatClosed](evs, nil) == 1 })
	closed, _ := find[secret.ChatClosed](evs)
	if !closed.HistoryDeleted || closed.Reason != secret.ClosedByPeer {
		t.Fatalf("closed event %+v", closed)
	}
	if info, _ := w.bob.m.Chat(ctx, id); info.Closed != secret.ClosedByPeer {
		t.Fatalf("Bob's chat closed %v, want ended by the peer", info.Closed)
	}
	if info, _ := w.alice.m.Chat(ctx, id); info.Closed != secret.ClosedByUser {
		t.Fatalf("Alice's chat closed %v, want ended by the user", info.Closed)
	}
	for _, p := range []*peer{w.alice, w.bob} {
		if ms, _ := p.m.Messages(ctx, id); len(ms) != 0 {
			t.Fatalf("%d keeps %d messages", p.id, len(ms))
		}
		var c secret.Chat
		_ = p.store.View(ctx, func(tx secret.Tx) (err error) { c, err = tx.Chat(id); return })
		if c.State != secret.StateClosed || len(c.Key) != 0 {
			t.Fatalf("%d: state %v, key %d bytes", p.id, c.State, len(c.Key))
		}
	}
	if _, err := w.bob.m.SendText(ctx, id, "x", secret.SendOptions{}); !errors.Is(err, secret.ErrNotReady) {
		t.Fatalf("send after discard: %v", err)
	}
}

// notifyingStorage tells the relay's change signal about every committed
// write, so tests can wait for the manager's background work on its store.
type notifyingStorage struct {
	secret.Storage
	changes *secrettest.Signal
}

func (s notifyingStorage) Update(ctx context.Context, fn func(tx secret.Tx) error) error {
	err := s.Storage.Update(ctx, fn)
	s.changes.Notify()
	return err
}

// waitFor waits, without polling, until cond holds after some change in w.
func (w *world) waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := w.relay.Changes().WaitFor(ctx, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
