package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tacit/mtproto/sandbox"
	"tacit/mtproto/store"
	"tacit/ui"
)

// e2eMessages is how many messages BenchmarkSecretChatEndToEnd sends; e2eSenders is how many of them are
// in flight at once (a window's composer, the file sender and the resend queue send side by side).
const (
	e2eMessages = 10000
	e2eSenders  = 8
)

// BenchmarkSecretChatEndToEnd sends e2eMessages text messages in one secret chat from one window to
// another. Both windows keep everything in an encrypted store and talk to the sandbox over loopback TCP,
// as two `tacit --sandbox-endpoint` windows on a `tacit sandbox serve`. It reports the throughput and the
// latency from the sender's SendText call to the moment the peer's window is told of the message (it is
// stored before it is published).
func BenchmarkSecretChatEndToEnd(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	srv, err := sandbox.New(sandbox.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := srv.Close(); err != nil {
			b.Errorf("sandbox close: %v", err)
		}
	})
	alice := openWindow(b, ctx, srv, benchStore(b, ctx))
	bob := openWindow(b, ctx, srv, benchStore(b, ctx))
	alice.signUp(ctx, "+44 7700 900401", "Alice")
	bob.signUp(ctx, "+44 7700 900402", "Bob")

	// Alice starts the chat (as Start secret chat on Bob's cloud chat would), Bob accepts.
	self := bob.b.client.Self()
	chat, err := alice.b.secret.Start(ctx, self.ID, self.AccessHash)
	if err != nil {
		b.Fatal(err)
	}
	dialog := secretDialogID(chat)
	bob.waitSecret(ctx, dialog, ui.SecretRequested)
	if err := bob.svc.Secret.AcceptSecretChat(ctx, dialog); err != nil {
		b.Fatal(err)
	}
	alice.waitSecret(ctx, dialog, ui.SecretReady)
	bob.waitSecret(ctx, dialog, ui.SecretReady)

	run := 0
	for b.Loop() {
		run++
		sent := make([]time.Time, e2eMessages)
		got := make([]time.Time, e2eMessages)
		var mu sync.Mutex
		received := 0
		done := make(chan struct{})
		prefix := fmt.Sprintf("run %d message ", run)
		unsubscribe := bob.svc.Events.Subscribe(func(e ui.Event) {
			now := time.Now()
			me, ok := e.(ui.MessageEvent)
			if !ok || me.Message.Dialog != dialog || !strings.HasPrefix(me.Message.Text, prefix) {
				return
			}
			i, err := strconv.Atoi(strings.TrimPrefix(me.Message.Text, prefix))
			if err != nil || i < 0 || i >= e2eMessages {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if got[i].IsZero() {
				got[i] = now
				received++
				if received == e2eMessages {
					close(done)
				}
			}
		})
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan int)
		for range e2eSenders {
			wg.Go(func() {
				for i := range next {
					mu.Lock()
					sent[i] = time.Now()
					mu.Unlock()
					if _, err := alice.svc.Messages.SendText(ctx, dialog, prefix+strconv.Itoa(i), ui.SendOptions{}); err != nil {
						b.Errorf("send %d: %v", i, err)
					}
				}
			})
		}
		for i := range e2eMessages {
			next <- i
		}
		close(next)
		wg.Wait()
		select {
		case <-done:
		case <-ctx.Done():
			mu.Lock()
			b.Fatalf("Bob's window was told of %d of %d messages", received, e2eMessages)
		}
		elapsed := time.Since(start)
		unsubscribe()

		lat := make([]float64, e2eMessages)
		for i := range lat {
			lat[i] = float64(got[i].Sub(sent[i]).Microseconds()) / 1000
		}
		slices.Sort(lat)
		b.ReportMetric(float64(e2eMessages)/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(lat[len(lat)/2], "p50-ms")
		b.ReportMetric(lat[len(lat)*99/100], "p99-ms")
		b.ReportMetric(lat[len(lat)-1], "max-ms")
	}
}

// benchStore opens an encrypted store with a fresh random key in a temporary directory.
func benchStore(b *testing.B, ctx context.Context) *store.Store {
	b.Helper()
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "db"), key)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := db.Close(); err != nil {
			b.Errorf("store close: %v", err)
		}
	})
	return db
}
