package secret_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// fullStorage fails every write transaction at its end (as a commit on a
// full disk does) while full is set; the transaction's changes are rolled
// back.
type fullStorage struct {
	secret.Storage
	full *atomic.Bool
}

var errFull = errors.New("database or disk is full")

func (s fullStorage) Update(ctx context.Context, fn func(tx secret.Tx) error) error {
	return s.Storage.Update(ctx, func(tx secret.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if s.full.Load() {
			return errFull
		}
		return nil
	})
}

// TestSendOnFullDiskReportsNothingStored: when the transaction that stores
// an outgoing message fails, SendText and SendFile return only the error
// (they used to return the message as if it were kept for a later send, so
// the window showed a message that existed nowhere), and nothing is sent.
func TestSendOnFullDiskReportsNothingStored(t *testing.T) {
	var full atomic.Bool
	w := &world{relay: secrettest.NewRelay(), clock: &clock{now: time.Unix(1_800_000_000, 0)}}
	w.relay.Now = w.clock.Now
	// Alice's storage can fill up.
	w.alice = w.newPeerOn(t, aliceID, secret.Options{}, func(s secret.Storage) secret.Storage { return fullStorage{s, &full} })
	w.bob = w.newPeer(t, bobID, secret.Options{})
	id := w.establish(t)
	ctx := ctxT(t)

	full.Store(true)
	msg, err := w.alice.m.SendText(ctx, id, "on a full disk", secret.SendOptions{})
	if !errors.Is(err, errFull) || msg.RandomID != 0 {
		t.Fatalf("SendText on a full disk: %+v, %v; want no message and the error", msg, err)
	}
	data := []byte("file on a full disk")
	msg, err = w.alice.m.SendFile(ctx, id, bytes.NewReader(data), int64(len(data)), "f", "text/plain", secret.FileOptions{}, nil)
	if !errors.Is(err, errFull) || msg.RandomID != 0 {
		t.Fatalf("SendFile on a full disk: %+v, %v; want no message and the error", msg, err)
	}
	full.Store(false)
	if _, err := w.alice.m.SendText(ctx, id, "after", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "the message after", func(evs []secret.Event) bool {
		for _, m := range received(evs) {
			if m.Text == "after" {
				return true
			}
		}
		return false
	})
	for _, m := range received(w.bob.rec.events()) {
		if m.Text == "on a full disk" || m.Media != nil {
			t.Fatalf("Bob received %q, refused on a full disk", m.Text)
		}
	}
}

// newPeerOn is newPeer with the peer's storage wrapped by wrap.
func (w *world) newPeerOn(t *testing.T, id int64, opts secret.Options, wrap func(secret.Storage) secret.Storage) *peer {
	p := &peer{id: id, store: wrap(notifyingStorage{secret.NewMemoryStorage(), w.relay.Changes()}), rec: newRecorder()}
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
