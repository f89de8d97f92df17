package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/crypto"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
	"github.com/gotd/td/tgtest"
	"github.com/gotd/td/transport"

	"tacit/mtproto"
)

// DC is the sandbox's only data centre.
const DC = 2

// Options configure a Server.
type Options struct {
	// Listen is a TCP address such as "127.0.0.1:0"; empty means in-memory
	// only (Endpoint().Dial connects without sockets).
	Listen string
	// Now is the clock (default time.Now). Codes expire by it.
	Now func() time.Time
	// CodeTTL is how long a login code stays valid (default 5 minutes).
	CodeTTL time.Duration
	// Random is the randomness source (default crypto/rand).
	Random io.Reader
	// OnCode, when set, is told every login code the sandbox "sends"
	// (`tacit sandbox serve` prints them). It must not block.
	OnCode func(phone, code string)
	// Logf, when set, is told what went wrong inside the sandbox that no
	// client would hear of: a simulated contact that could not answer, a
	// listener that stopped. Problems also keeps the latest of them.
	Logf func(format string, args ...any)
	// OnAccept, when set, is told the peer address of every TCP
	// connection the sandbox accepts, before its handshake (the proxy
	// tests check who connects). It must not block.
	OnAccept func(peer net.Addr)
	// DemoAnswerDelay is how long the demo contacts (DemoContacts) type
	// before they answer a secret message; 0 (tests) answers at once. The
	// demo uses DemoAnswerDelay so that read ticks and "typing…" show.
	DemoAnswerDelay time.Duration
}

// DemoAnswerDelay is the demo's pause before a contact answers, long enough
// to see the message read and the contact typing.
const DemoAnswerDelay = 1500 * time.Millisecond

// Server is a running sandbox.
type Server struct {
	opts   Options
	srv    *tgtest.Server
	disp   *tg.ServerDispatcher
	mem    *memListener
	tcp    net.Listener
	dcOpt  tg.DCOption
	cancel context.CancelFunc
	done   chan struct{}

	// hooks is the interception chain (intercept.go).
	hooks interceptors

	problemsMu sync.Mutex
	problems   []string

	mu          sync.Mutex
	st          state
	faults      faults
	contacts    []*Contact
	signUpHooks []func(userID, accessHash int64)
	// cloud holds groups, channels, uploads and folders (chats.go).
	cloud cloudState
	// secrets is the secret chat relay (secret.go).
	secrets *secretRelay
}

type callKey struct{}

// call is what a handler knows about the request it serves.
type call struct {
	req  *tgtest.Request
	auth *authorization
}

// New creates and starts a sandbox. Close stops it.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CodeTTL <= 0 {
		opts.CodeTTL = 5 * time.Minute
	}
	if opts.Random == nil {
		opts.Random = rand.Reader
	}
	key, err := rsa.GenerateKey(opts.Random, crypto.RSAKeyBits)
	if err != nil {
		return nil, fmt.Errorf("sandbox: server key: %w", err)
	}
	s := &Server{opts: opts, mem: newMemListener(), done: make(chan struct{}), st: newState()}
	s.dcOpt = tg.DCOption{ID: DC, IPAddress: "127.0.0.1", Port: 443}
	if opts.Listen != "" {
		l, err := net.Listen("tcp", opts.Listen)
		if err != nil {
			return nil, fmt.Errorf("sandbox: listen on %s: %w", opts.Listen, err)
		}
		s.tcp = watchAccepts(l, opts.OnAccept)
		addr := l.Addr().(*net.TCPAddr)
		s.dcOpt = tg.DCOption{ID: DC, IPAddress: addr.IP.String(), Port: addr.Port}
	}
	s.disp = tg.NewServerDispatcher(func(ctx context.Context, b *bin.Buffer) (bin.Encoder, error) {
		return nil, tgerr.New(400, "INPUT_METHOD_INVALID")
	})
	for _, register := range s.registrations() {
		register(s.disp)
	}
	s.Intercept(Interceptor{Call: s.faults.floodCall})
	s.srv = tgtest.NewServer(tgtest.NewPrivateKey(key), tgtest.HandlerFunc(s.onMessage), tgtest.ServerOptions{
		DC:           DC,
		Random:       opts.Random,
		ReadTimeout:  24 * time.Hour,
		WriteTimeout: 30 * time.Second,
	})
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	var wg sync.WaitGroup
	serve := func(l net.Listener) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.srv.Serve(ctx, transport.Listen(newHandshakeListener(l))); err != nil && ctx.Err() == nil {
				s.logf("sandbox: listener %s stopped: %v", l.Addr(), err)
			}
		}()
	}
	serve(s.mem)
	if s.tcp != nil {
		serve(s.tcp)
	}
	go func() {
		wg.Wait()
		close(s.done)
	}()
	return s, nil
}

// registrations lists every feature's handler registration.
func (s *Server) registrations() []func(*tg.ServerDispatcher) {
	return []func(*tg.ServerDispatcher){
		s.registerHelp,
		s.registerAuth,
		s.registerPassword,
		s.registerUsers,
		s.registerMessages,
		s.registerUpdates,
		s.registerSessions,
		s.registerChats,
		s.registerChannels,
		s.registerFiles,
		s.registerEdits,
		s.registerSearch,
		s.registerPrivacy,
		s.registerBlocked,
		s.registerSecret,
		s.registerUsernames,
		s.registerTyping,
		s.registerStartup,
	}
}

// Close stops the simulated contacts and the server.
func (s *Server) Close() error {
	for _, c := range s.Contacts() {
		if err := c.Close(); err != nil {
			s.logf("sandbox: contact %s ended with: %v", c.Name, err)
		}
	}
	s.cancel()
	s.mem.Close()
	if s.tcp != nil {
		s.tcp.Close()
	}
	<-s.done
	return nil
}

// Endpoint is how a Tacit client reaches this sandbox. With a TCP listener
// the client dials the loopback address; otherwise it connects in memory.
func (s *Server) Endpoint() mtproto.Endpoint {
	e := mtproto.Endpoint{
		DC:         DC,
		DCOptions:  []tg.DCOption{s.dcOpt},
		PublicKeys: []telegram.PublicKey{s.srv.Key()},
	}
	if s.tcp == nil {
		e.Dial = s.mem.Dial
	}
	return e
}

// Addr is the TCP address, or "" for an in-memory sandbox.
func (s *Server) Addr() string {
	if s.tcp == nil {
		return ""
	}
	return s.tcp.Addr().String()
}

func (s *Server) now() time.Time { return s.opts.Now() }

func (s *Server) unix() int { return int(s.now().Unix()) }

// onMessage unwraps the invoke wrappers (recording initConnection's device
// strings), applies faults and dispatches to the typed handlers.
func (s *Server) onMessage(srv *tgtest.Server, req *tgtest.Request) error {
	a := s.authFor(req)
	for {
		id, err := req.Buf.PeekID()
		if err != nil {
			return srv.SendErr(req, tgerr.New(400, "INPUT_FETCH_ERROR"))
		}
		var inner peekObject
		switch id {
		case tg.InvokeWithLayerRequestTypeID:
			r := tg.InvokeWithLayerRequest{Query: &inner}
			if err := r.Decode(req.Buf); err != nil {
				return srv.SendErr(req, tgerr.New(400, "INPUT_FETCH_ERROR"))
			}
			s.mu.Lock()
			a.layer = r.Layer
			s.mu.Unlock()
			continue
		case tg.InitConnectionRequestTypeID:
			r := tg.InitConnectionRequest{Query: &inner}
			if err := r.Decode(req.Buf); err != nil {
				return srv.SendErr(req, tgerr.New(400, "INPUT_FETCH_ERROR"))
			}
			s.mu.Lock()
			a.device = Device{APIID: r.APIID, DeviceModel: r.DeviceModel, SystemVersion: r.SystemVersion,
				AppVersion: r.AppVersion, SystemLangCode: r.SystemLangCode, LangCode: r.LangCode}
			s.mu.Unlock()
			continue
		case tg.InvokeWithoutUpdatesRequestTypeID:
			r := tg.InvokeWithoutUpdatesRequest{Query: &inner}
			if err := r.Decode(req.Buf); err != nil {
				return srv.SendErr(req, tgerr.New(400, "INPUT_FETCH_ERROR"))
			}
			continue
		}
		ctx := context.WithValue(req.RequestCtx, callKey{}, &call{req: req, auth: a})
		c := &Call{DC: DC, TypeID: id, AuthKeyID: req.Session.AuthKey.ID, Session: req.Session.ID, Body: bytes.Clone(req.Buf.Buf)}
		s.mu.Lock()
		c.UserID, c.Layer = a.userID, a.layer
		s.mu.Unlock()
		res, err := s.hooks.callChain(ctx, c, func(ctx context.Context, c *Call) (bin.Encoder, error) {
			return s.dispatch(ctx, &bin.Buffer{Buf: bytes.Clone(c.Body)})
		})
		if errors.Is(err, ErrDrop) {
			srv.ForceDisconnect(req.Session)
			return nil
		}
		if err != nil {
			var rpc *tgerr.Error
			if errors.As(err, &rpc) {
				return srv.SendErr(req, rpc)
			}
			return srv.SendErr(req, tgerr.New(400, "INPUT_FETCH_ERROR"))
		}
		return srv.SendResult(req, res)
	}
}

// dispatch runs the typed handler and turns a panic into an RPC error, so
// a handler bug shows up as an error in the client, not a dead connection.
func (s *Server) dispatch(ctx context.Context, b *bin.Buffer) (res bin.Encoder, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, tgerr.New(500, fmt.Sprintf("INTERNAL_PANIC_%v", r))
		}
	}()
	return s.disp.Handle(ctx, b)
}

type peekObject struct{}

func (peekObject) Decode(*bin.Buffer) error { return nil }
func (peekObject) Encode(*bin.Buffer) error { return errors.New("peekObject cannot be encoded") }

func (s *Server) callOf(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}
