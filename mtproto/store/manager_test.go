package store

import (
	"context"
	"fmt"
	"sync"
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
