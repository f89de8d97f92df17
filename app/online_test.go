package app

import (
	"context"
	"testing"
	"time"

	"tacit/ui"
)

// TestConnectionLossReachesTheWindow: when the connection drops, the window is told it is lost, then that
// it is back once the client has reconnected by itself; the first connection is not announced.
func TestConnectionLossReachesTheWindow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := demoSandbox(t, ctx)
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900480", "Rae")
	// Drain what sign-up produced; no connection event may be among it.
	for drained := false; !drained; {
		select {
		case ev := <-w.events:
			if _, ok := ev.(ui.ConnectionEvent); ok {
				t.Fatalf("the first connection was announced: %+v", ev)
			}
		default:
			drained = true
		}
	}
	srv.DropConnections()
	var got []bool
	for len(got) < 2 {
		select {
		case ev := <-w.events:
			if c, ok := ev.(ui.ConnectionEvent); ok {
				got = append(got, c.Online)
			}
		case <-ctx.Done():
			t.Fatalf("connection events after the drop: %v, want lost then back", got)
		}
	}
	if got[0] || !got[1] {
		t.Fatalf("connection events after the drop: %v, want lost then back", got)
	}
}
