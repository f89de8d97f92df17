package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// events collects a secret.Manager's events and lets the test wait for a condition.
type events struct {
	mu   sync.Mutex
	list []secret.Event
	wake chan struct{}
}

func newEvents() *events { return &events{wake: make(chan struct{}, 1)} }

func (e *events) add(ev secret.Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *events) snapshot() []secret.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]secret.Event(nil), e.list...)
}

// waitFor waits until cond holds (generous deadline, no fixed sleeps).
func (e *events) waitFor(t *testing.T, what string, cond func([]secret.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	for {
		snapshot := e.snapshot()
		if cond(snapshot) {
			return
		}
		select {
		case <-e.wake:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s (%d events)", what, len(snapshot))
		}
	}
}

func countEvents[T secret.Event](evs []secret.Event) int {
	n := 0
	for _, ev := range evs {
		if _, ok := ev.(T); ok {
			n++
		}
	}
	return n
}

// managerPeer is one side of a secret chat: a Manager over a real Store.
type managerPeer struct {
	id  int64
	s   *Store
	m   *secret.Manager
	ev  *events
	cli *secrettest.RelayClient
}

func newManagerPeer(t *testing.T, relay *secrettest.Relay, id int64) *managerPeer {
	t.Helper()
	s, _, _ := openTest(t)
	p := &managerPeer{id: id, s: s, ev: newEvents()}
	var mu sync.Mutex
	p.cli = relay.Connect(id, func(ctx context.Context, u tg.UpdateClass) error {
		mu.Lock()
		m := p.m
		mu.Unlock()
		_, err := m.Handle(ctx, u)
		return err
	})
	mu.Lock()
	p.m = secret.NewManager(p.cli, s.Secret(), secret.Options{Events: p.ev.add})
	mu.Unlock()
	t.Cleanup(func() {
		p.cli.Close()
		p.m.Close()
	})
	return p
}

// TestSecretManagerOverStore runs the secret chat protocol of package secret
// on two real encrypted stores: key exchange, messages both ways across
// re-keys, and the results as the UI reads them (paging, search, dialogs).
func TestSecretManagerOverStore(t *testing.T) {
	if testing.Short() {
		t.Skip("protocol run")
	}
	const n = 150 // per side; re-keys happen every 100 messages
	ctx := testContext(t)
	relay := secrettest.NewRelay()
	alice := newManagerPeer(t, relay, 1001)
	bob := newManagerPeer(t, relay, 2002)

	id, err := alice.m.Start(ctx, bob.id, 0)
	if err != nil {
		t.Fatal(err)
	}
	bob.ev.waitFor(t, "request", func(evs []secret.Event) bool { return countEvents[secret.ChatRequested](evs) == 1 })
	if err := bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*managerPeer{alice, bob} {
		p.ev.waitFor(t, "ready", func(evs []secret.Event) bool { return countEvents[secret.ChatReady](evs) == 1 })
	}

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, p := range []*managerPeer{alice, bob} {
		wg.Go(func() {
			for i := range n {
				if _, err := p.m.SendText(ctx, id, fmt.Sprintf("from%d number%d", p.id, i), secret.SendOptions{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, p := range []*managerPeer{alice, bob} {
		p.ev.waitFor(t, "all messages", func(evs []secret.Event) bool { return countEvents[secret.MessageReceived](evs) >= n })
	}

	for _, pair := range [][2]*managerPeer{{alice, bob}, {bob, alice}} {
		me, other := pair[0], pair[1]
		hist, err := me.s.SecretLatest(ctx, id, 4*n)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2*n {
			t.Fatalf("%d: history has %d messages, want %d", me.id, len(hist), 2*n)
		}
		next := 0
		for _, m := range hist {
			if m.Out {
				continue
			}
			if want := fmt.Sprintf("from%d number%d", other.id, next); m.Text != want {
				t.Fatalf("%d: incoming message %d = %q, want %q", me.id, next, m.Text, want)
			}
			next++
		}
		if next != n {
			t.Fatalf("%d: %d incoming messages, want %d", me.id, next, n)
		}
		hits, err := me.s.Search(ctx, fmt.Sprintf("from%d number77", other.id), 10)
		if err != nil || len(hits) != 1 || hits[0].Ref.Peer != SecretPeer(int32(id)) {
			t.Fatalf("%d: search = %+v, %v", me.id, hits, err)
		}
		err = me.s.Secret().View(ctx, func(tx secret.Tx) error {
			in, err := tx.Inbox(id)
			if err == nil && len(in) != 0 {
				return fmt.Errorf("%d raw messages left in the inbox", len(in))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	fa, _ := alice.m.Fingerprint(ctx, id)
	fb, _ := bob.m.Fingerprint(ctx, id)
	if fa != fb {
		t.Fatal("fingerprints differ")
	}
	if countEvents[secret.Rekeyed](alice.ev.snapshot()) == 0 {
		t.Error("no re-key happened during the run")
	}
}

// TestSecretChatSurvivesStoreReopen restarts one side (manager and store)
// in the middle of a conversation: the chat, its keys and sequence numbers
// come back from the encrypted database and the conversation continues, every
// message present exactly once and in order.
func TestSecretChatSurvivesStoreReopen(t *testing.T) {
	if testing.Short() {
		t.Skip("protocol run")
	}
	ctx := testContext(t)
	relay := secrettest.NewRelay()
	var withhold atomic.Bool
	var heldMu sync.Mutex
	var held []tg.UpdateClass
	const bobID = 2002
	relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if to == bobID && withhold.Load() {
			heldMu.Lock()
			held = append(held, u)
			heldMu.Unlock()
			return false
		}
		return true
	}
	alice := newManagerPeer(t, relay, 1001)
	bobDir := t.TempDir()
	bobKey := testKey(t)
	bobStore, err := Open(ctx, bobDir, bobKey)
	if err != nil {
		t.Fatal(err)
	}
	bobEvents := newEvents()
	var bobMu sync.Mutex
	var bob *secret.Manager
	cli := relay.Connect(bobID, func(ctx context.Context, u tg.UpdateClass) error {
		bobMu.Lock()
		m := bob
		bobMu.Unlock()
		_, err := m.Handle(ctx, u)
		return err
	})
	t.Cleanup(cli.Close)
	bobMu.Lock()
	bob = secret.NewManager(cli, bobStore.Secret(), secret.Options{Events: bobEvents.add})
	bobMu.Unlock()

	id, err := alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	bobEvents.waitFor(t, "request", func(evs []secret.Event) bool { return countEvents[secret.ChatRequested](evs) == 1 })
	if err := bob.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	alice.ev.waitFor(t, "ready", func(evs []secret.Event) bool { return countEvents[secret.ChatReady](evs) == 1 })
	bobEvents.waitFor(t, "ready", func(evs []secret.Event) bool { return countEvents[secret.ChatReady](evs) == 1 })

	send := func(m *secret.Manager, from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			if _, err := m.SendText(ctx, id, fmt.Sprintf("msg%d", i), secret.SendOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	send(alice.m, 0, 30)
	bobEvents.waitFor(t, "first 30", func(evs []secret.Event) bool { return countEvents[secret.MessageReceived](evs) >= 30 })

	// Bob goes away; what Alice sends meanwhile waits at the relay.
	withhold.Store(true)
	bobMu.Lock()
	bob.Close()
	bobMu.Unlock()
	if err := bobStore.Close(); err != nil {
		t.Fatal(err)
	}
	send(alice.m, 30, 60)

	// Bob comes back with the same database.
	bobStore, err = Open(ctx, bobDir, bobKey)
	if err != nil {
		t.Fatal(err)
	}
	defer bobStore.Close()
	bobEvents = newEvents()
	bobMu.Lock()
	bob = secret.NewManager(cli, bobStore.Secret(), secret.Options{Events: bobEvents.add})
	bobMu.Unlock()
	defer bob.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go bob.Run(runCtx)

	withhold.Store(false)
	heldMu.Lock()
	queued := held
	held = nil
	heldMu.Unlock()
	for _, u := range queued {
		relay.Deliver(bobID, u)
	}
	bobEvents.waitFor(t, "messages sent while away", func(evs []secret.Event) bool {
		return countEvents[secret.MessageReceived](evs) >= 30
	})
	send(bob, 100, 110)
	alice.ev.waitFor(t, "Bob's replies", func(evs []secret.Event) bool { return countEvents[secret.MessageReceived](evs) >= 10 })

	hist, err := bobStore.SecretLatest(ctx, id, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var in, out []string
	for _, m := range hist {
		if m.Out {
			out = append(out, m.Text)
		} else {
			in = append(in, m.Text)
		}
	}
	if len(in) != 60 || len(out) != 10 {
		t.Fatalf("Bob's history: %d incoming, %d outgoing; want 60 and 10", len(in), len(out))
	}
	for i, text := range in {
		if want := fmt.Sprintf("msg%d", i); text != want {
			t.Fatalf("incoming %d = %q, want %q", i, text, want)
		}
	}
	for _, ev := range bobEvents.snapshot() {
		if c, ok := ev.(secret.ChatClosed); ok {
			t.Fatalf("chat closed after the restart: %+v", c)
		}
	}
}
