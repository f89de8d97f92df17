package sandbox

import (
	"context"
	"errors"
	"sync"

	"github.com/gotd/td/bin"
)

// The interception point: every RPC call and every pushed update passes
// through the installed Interceptors, in the order they were installed,
// before the handler runs or the update is written. Faults (delays,
// dropped connections, duplicated, reordered or malformed updates, RPC
// errors) are Interceptors; FloodWait is one.

// Call is one RPC call as an Interceptor sees it: after the invoke
// wrappers (invokeWithLayer, initConnection, ...) are taken off.
type Call struct {
	// DC is the data centre the call arrived at.
	DC int
	// TypeID is the method's constructor id (tg.<Method>RequestTypeID).
	TypeID uint32
	// UserID is the signed-in account, 0 before login.
	UserID int64
	// AuthKeyID and Session say which connection the call came on.
	AuthKeyID [8]byte
	Session   int64
	// Layer is the API layer the client announced.
	Layer int
	// Body is the request's serialized form (the interceptor's own copy).
	Body []byte
}

// CallFunc answers a call: the result to send, or an error (a
// *tgerr.Error is sent as rpc_error; ErrDrop closes the connection).
type CallFunc func(ctx context.Context, c *Call) (bin.Encoder, error)

// Push is one message of updates on its way to a session.
type Push struct {
	DC        int
	UserID    int64
	AuthKeyID [8]byte
	Session   int64
	// Updates is what is written (usually a tg.UpdatesClass; an
	// interceptor may put any encoder here, malformed bytes included).
	Updates bin.Encoder
}

// PushFunc writes a push to its session.
type PushFunc func(ctx context.Context, p *Push) error

// ErrDrop, returned from a Call interceptor, closes the caller's
// connection instead of answering. Returned before calling next, the call
// is never handled; after, its effects stand and only the answer is lost.
// Returned from a Push interceptor, it closes the session's connection
// instead of writing the update.
var ErrDrop = errors.New("sandbox: connection dropped on purpose")

// Interceptor wraps calls and pushes. Either function may be nil. Each
// must call next to let the call or push through (at most once for a
// call; any number of times for a push, to duplicate it).
type Interceptor struct {
	Call func(ctx context.Context, c *Call, next CallFunc) (bin.Encoder, error)
	Push func(ctx context.Context, p *Push, next PushFunc) error
}

// interceptors is the installed chain.
type interceptors struct {
	mu   sync.Mutex
	next int
	list []installed
}

type installed struct {
	id int
	in Interceptor
}

// Intercept installs i after those already installed; remove uninstalls it.
func (s *Server) Intercept(i Interceptor) (remove func()) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.next++
	id := s.hooks.next
	s.hooks.list = append(s.hooks.list, installed{id: id, in: i})
	return func() {
		s.hooks.mu.Lock()
		defer s.hooks.mu.Unlock()
		for k, x := range s.hooks.list {
			if x.id == id {
				s.hooks.list = append(s.hooks.list[:k:k], s.hooks.list[k+1:]...)
				return
			}
		}
	}
}

func (h *interceptors) snapshot() []Interceptor {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Interceptor, len(h.list))
	for i, x := range h.list {
		out[i] = x.in
	}
	return out
}

// callChain runs c through the interceptors, then final.
func (h *interceptors) callChain(ctx context.Context, c *Call, final CallFunc) (bin.Encoder, error) {
	chain := h.snapshot()
	var step func(i int) CallFunc
	step = func(i int) CallFunc {
		for i < len(chain) && chain[i].Call == nil {
			i++
		}
		if i == len(chain) {
			return final
		}
		in := chain[i].Call
		return func(ctx context.Context, c *Call) (bin.Encoder, error) {
			return in(ctx, c, step(i+1))
		}
	}
	return step(0)(ctx, c)
}

// pushChain runs p through the interceptors, then final.
func (h *interceptors) pushChain(ctx context.Context, p *Push, final PushFunc) error {
	chain := h.snapshot()
	var step func(i int) PushFunc
	step = func(i int) PushFunc {
		for i < len(chain) && chain[i].Push == nil {
			i++
		}
		if i == len(chain) {
			return final
		}
		in := chain[i].Push
		return func(ctx context.Context, p *Push) error {
			return in(ctx, p, step(i+1))
		}
	}
	return step(0)(ctx, p)
}
