package sandbox

import "context"

// op is one call of a signed-in account in progress: the caller, and the
// pushes the call queues for other sessions. The caller's own session gets
// the RPC result instead of a push (see session).
type op struct {
	ctx  context.Context
	me   *user
	auth *authorization
	d    delivery
}

// session is the MTProto session the call came in on.
func (o *op) session() int64 {
	if c, ok := o.ctx.Value(callKey{}).(*call); ok {
		return c.req.Session.ID
	}
	return 0
}

// signedIn is the preamble of every handler that needs an account: it
// holds s.mu while f runs for the caller (AUTH_KEY_UNREGISTERED when the
// key is not logged in), then, with the lock released, sends the pushes f
// queued on o.d.
func signedIn[T any](s *Server, ctx context.Context, f func(o *op) (T, error)) (T, error) {
	o := &op{ctx: ctx}
	defer s.send(ctx, &o.d)
	s.mu.Lock()
	defer s.mu.Unlock()
	me, err := s.meLocked(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	o.me, o.auth = me, s.caller(ctx)
	return f(o)
}

// anyKey is the preamble of the calls that also work before login (codes,
// sign-in, sign-up, the 2-step check, QR tokens, terms of service): f runs
// with s.mu held for the calling key (o.auth); o.me is the key's user, or
// nil while it is not logged in. Pushes queued on o.d go out afterwards.
func anyKey[T any](s *Server, ctx context.Context, f func(o *op) (T, error)) (T, error) {
	o := &op{ctx: ctx}
	defer s.send(ctx, &o.d)
	s.mu.Lock()
	defer s.mu.Unlock()
	o.auth = s.caller(ctx)
	if o.auth == nil {
		var zero T
		return zero, errUnauthorized
	}
	if o.auth.userID != 0 {
		o.me = s.st.users[o.auth.userID]
	}
	return f(o)
}
