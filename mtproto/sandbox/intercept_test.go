package sandbox_test

import (
	"context"
	"sync"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

// TestInterceptCalls: an interceptor sees each call with its method and
// caller, can answer in the handler's place, and can drop the connection
// after the handler ran (the client reconnects and carries on).
func TestInterceptCalls(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	states := make(chan mtproto.ConnectionState, 64)
	r := start(t, ctx, s, clientOpts{conn: states})
	me := quickSignUp(t, ctx, s, r, "447700900201", "Ina", "")

	var mu sync.Mutex
	var seen []sandbox.Call
	dropNext := true
	remove := s.Intercept(sandbox.Interceptor{Call: func(ctx context.Context, c *sandbox.Call, next sandbox.CallFunc) (bin.Encoder, error) {
		mu.Lock()
		seen = append(seen, *c)
		drop := dropNext && c.TypeID == tg.AccountUpdateProfileRequestTypeID
		if drop {
			dropNext = false
		}
		mu.Unlock()
		if c.TypeID == tg.HelpGetNearestDCRequestTypeID {
			return &tg.NearestDC{Country: "XX", ThisDC: 2, NearestDC: 2}, nil
		}
		res, err := next(ctx, c)
		if drop {
			return nil, sandbox.ErrDrop
		}
		return res, err
	}})
	defer remove()

	near, err := r.API().HelpGetNearestDC(ctx)
	if err != nil || near.Country != "XX" {
		t.Fatalf("answer from the interceptor: %+v %v", near, err)
	}
	mu.Lock()
	last := seen[len(seen)-1]
	mu.Unlock()
	if last.UserID != me.ID || last.DC != sandbox.DC || last.Layer != tg.Layer || last.Session == 0 {
		t.Fatalf("call seen as %+v", last)
	}
	for len(states) > 0 {
		<-states
	}
	// The answer is lost, the change is made; the client reconnects.
	_, _ = r.API().AccountUpdateProfile(ctx, &tg.AccountUpdateProfileRequest{FirstName: "Ines"})
	for down := false; !down; {
		select {
		case st := <-states:
			down = st == mtproto.StateDisconnected
		case <-ctx.Done():
			t.Fatal("connection not dropped")
		}
	}
	users, err := r.API().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUserSelf{}})
	if err != nil {
		t.Fatalf("after the drop: %v", err)
	}
	if got := users[0].(*tg.User).FirstName; got != "Ines" {
		t.Fatalf("first name %q: the dropped call's effect should stand", got)
	}
}

// TestInterceptPushes: a push interceptor that sends every update twice
// leaves the client with each message once (pts deduplicates).
func TestInterceptPushes(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	a := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, a, "447700900202", "Al", "")
	b := start(t, ctx, s, clientOpts{})
	bob := quickSignUp(t, ctx, s, b, "447700900203", "Bea", "")
	var mu sync.Mutex
	pushes := 0
	s.Intercept(sandbox.Interceptor{Push: func(ctx context.Context, p *sandbox.Push, next sandbox.PushFunc) error {
		if p.UserID == bob.ID {
			mu.Lock()
			pushes++
			mu.Unlock()
			if err := next(ctx, p); err != nil {
				return err
			}
		}
		return next(ctx, p)
	}})
	for i, text := range []string{"first", "second"} {
		if _, err := a.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
			Peer: peerOf(bob), Message: text, RandomID: int64(100 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	waitMessage(t, ctx, b, func(m *tg.Message) bool { return m.Message == "second" })
	n := 0
	for _, m := range b.seen {
		if m.Message == "first" {
			n++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n != 1 || pushes < 2 {
		t.Fatalf("first message seen %d times after %d pushes", n, pushes)
	}
}
