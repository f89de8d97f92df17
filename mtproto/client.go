package mtproto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gotd/log"
	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/telegram/updates"
	"github.com/gotd/td/telegram/updates/hook"
	"github.com/gotd/td/tg"
)

// Endpoint says where the server is and which keys it must prove. The zero
// value means Telegram's production data centres with the keys built into
// gotd; the sandbox hands out its own Endpoint.
type Endpoint struct {
	// DC is the home data centre (default 2).
	DC int
	// DCOptions lists data centre addresses; empty means production.
	DCOptions []tg.DCOption
	// PublicKeys are the server RSA keys; empty means production keys.
	PublicKeys []telegram.PublicKey
	// Dial replaces the network dialer (the sandbox's in-memory listener).
	Dial dcs.DialFunc
}

// ConnectionState is the state of the primary connection, for status displays.
type ConnectionState = telegram.ConnectionState

// Connection states.
const (
	StateConnecting   = telegram.ConnectionStateConnecting
	StateReady        = telegram.ConnectionStateReady
	StateDisconnected = telegram.ConnectionStateDisconnected
)

// Options configure a Client.
type Options struct {
	// AppID and AppHash identify the application (my.telegram.org). The
	// sandbox accepts any values.
	AppID   int
	AppHash string
	// Endpoint is where to connect; zero means Telegram production.
	Endpoint Endpoint
	// Proxy carries every connection from the first packet on (ParseProxy
	// reads the setting); the zero value is a direct connection.
	Proxy Proxy
	// Session keeps the auth key. Nil means memory only (nothing persisted).
	// Tacit passes the encrypted store; never a plain file.
	Session session.Storage
	// State keeps pts/qts/date/seq for gap recovery. Nil means memory.
	State updates.StateStorage
	// ChannelHashes keeps channel access hashes for the updates manager.
	ChannelHashes updates.ChannelAccessHasher
	// FloodWait configures the FLOOD_WAIT middleware.
	FloodWait FloodWait
	// OnConnectionState is called on every change of the primary connection.
	OnConnectionState func(ConnectionState)
	// OnUpdateError is told when a handler failed on an update from the
	// server (the update is then not counted as received: see qtsGuard).
	OnUpdateError func(error)
	// Random overrides crypto/rand (tests only).
	Random io.Reader
	// Middlewares are extra invoker middlewares, after FLOOD_WAIT handling.
	Middlewares []telegram.Middleware
	// Device overrides the neutral device strings (tests only).
	Device *telegram.DeviceConfig
	// Logger receives the Telegram library's own log (Tacit's debug log); nil: none.
	Logger log.Logger
}

// Client is one Telegram account connection. Register update handlers on
// Dispatcher before Run; start everything else inside Run's callback.
type Client struct {
	opts       Options
	tc         *telegram.Client
	api        *tg.Client
	dispatcher tg.UpdateDispatcher
	updates    *updates.Manager
	// tap shows the Cloud every batch of updates (entitytap.go).
	tap entityTap

	mu        sync.Mutex
	self      *tg.User
	runCtx    context.Context
	updatesOn bool
	// connectionLost: the primary connection died since it was last ready (reconnect.go).
	connectionLost bool
	stopUpdates    func()
	updatesErr     chan error
	readyNotify    []chan struct{}
	loginToken     chan struct{}
	// proxyFailed holds a failure to connect through the proxy.
	proxyFailed chan error
}

// New builds a client; it does not connect until Run.
func New(opts Options) (*Client, error) {
	c := &Client{opts: opts, dispatcher: tg.NewUpdateDispatcher(), updatesErr: make(chan error, 1),
		loginToken: make(chan struct{}, 1), proxyFailed: make(chan error, 1)}
	p := opts.Proxy
	resolver, err := p.resolver(opts.Endpoint.Dial, c.proxyReport)
	if err != nil {
		return nil, err
	}
	c.dispatcher.OnLoginToken(func(ctx context.Context, _ tg.Entities, _ *tg.UpdateLoginToken) error {
		select {
		case c.loginToken <- struct{}{}:
		default:
		}
		return nil
	})
	guard := newQTSGuard(opts.State, &c.dispatcher, opts.OnUpdateError)
	c.updates = updates.New(updates.Config{
		Handler:      tapped{tap: &c.tap, next: guard},
		Storage:      guard,
		AccessHasher: opts.ChannelHashes,
		Logger:       opts.Logger,
	})
	device := Device()
	if opts.Device != nil {
		device = *opts.Device
	}
	if p.Kind == ProxyMTProxy {
		device.Proxy = tg.InputClientProxy{Address: p.Host, Port: p.Port}
	}
	storage := opts.Session
	if storage == nil {
		storage = &session.StorageMemory{}
	}
	// Results of our own calls (sent messages, read marks, deletions) carry
	// pts too: feed them to the updates manager so it never sees a false gap.
	received := tapped{tap: &c.tap, next: c.updates}
	mws := append([]telegram.Middleware{opts.FloodWait, hook.UpdateHook(received.Handle), hook.AffectedHook(c.updates)}, opts.Middlewares...)
	topts := telegram.Options{
		PublicKeys:        opts.Endpoint.PublicKeys,
		DC:                opts.Endpoint.DC,
		Resolver:          resolver,
		SessionStorage:    storage,
		UpdateHandler:     received,
		Middlewares:       mws,
		Device:            device,
		Random:            opts.Random,
		OnConnectionState: c.connectionChanged,
		Logger:            opts.Logger,
	}
	if len(opts.Endpoint.DCOptions) > 0 {
		topts.DCList = dcs.List{Options: opts.Endpoint.DCOptions}
	}
	c.tc = telegram.NewClient(opts.AppID, opts.AppHash, topts)
	c.api = c.tc.API()
	return c, nil
}

// API is the raw Telegram API over this connection.
func (c *Client) API() *tg.Client { return c.api }

// Dispatcher receives every update after gap recovery. Register handlers
// before Run.
func (c *Client) Dispatcher() *tg.UpdateDispatcher { return &c.dispatcher }

// Telegram exposes the underlying gotd client (QR login, uploads).
func (c *Client) Telegram() *telegram.Client { return c.tc }

// Self is the logged-in user, or nil before login.
func (c *Client) Self() *tg.User {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.self
}

// Run connects and calls f; it returns when f returns or ctx ends. Updates
// start when a Login (NewLogin, then Resume or the full flow) reaches
// StageReady.
func (c *Client) Run(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := c.tc.Run(ctx, func(ctx context.Context) error {
		c.mu.Lock()
		c.runCtx = ctx
		c.mu.Unlock()
		return f(ctx)
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return err
	}
	return err
}

// WaitAuthorized blocks until the client has a logged-in user.
func (c *Client) WaitAuthorized(ctx context.Context) (*tg.User, error) {
	c.mu.Lock()
	if c.self != nil {
		u := c.self
		c.mu.Unlock()
		return u, nil
	}
	ch := make(chan struct{})
	c.readyNotify = append(c.readyNotify, ch)
	c.mu.Unlock()
	select {
	case <-ch:
		return c.Self(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// authorized records the user and starts the updates manager once. It
// returns when the manager has loaded its state (from storage, or from the
// server for a new account), so no update that arrives afterwards is missed.
func (c *Client) authorized(u *tg.User) {
	c.mu.Lock()
	c.self = u
	start := !c.updatesOn && c.runCtx != nil
	if start {
		c.updatesOn = true
	}
	ctx := c.runCtx
	notify := c.readyNotify
	c.readyNotify = nil
	c.mu.Unlock()
	if start {
		started := make(chan struct{})
		ended := make(chan struct{})
		ctx, cancel := context.WithCancel(ctx)
		c.mu.Lock()
		c.stopUpdates = func() { cancel(); <-ended }
		c.mu.Unlock()
		go func() {
			defer close(ended)
			err := c.updates.Run(ctx, c.api, u.ID, updates.AuthOptions{OnStart: func(context.Context) { close(started) }})
			if err != nil && ctx.Err() == nil {
				select {
				case c.updatesErr <- err:
				default:
				}
			}
		}()
		select {
		case <-started:
		case <-ended:
		case <-ctx.Done():
		}
	}
	for _, ch := range notify {
		close(ch)
	}
}

// UpdatesErrors reports a failure of the updates manager (rare; the client
// keeps working but stops receiving pushes).
func (c *Client) UpdatesErrors() <-chan error { return c.updatesErr }

// LogOut ends this authorization on the server and stops the updates of
// the account; a new Login may follow on the same client.
func (c *Client) LogOut(ctx context.Context) error {
	if _, err := c.api.AuthLogOut(ctx); err != nil {
		return fmt.Errorf("mtproto: log out: %w", Classify(err))
	}
	c.mu.Lock()
	c.self = nil
	stop := c.stopUpdates
	c.stopUpdates, c.updatesOn = nil, false
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	c.updates.Reset()
	return nil
}

// proxyReport records the outcome of each connection attempt through the
// proxy.
func (c *Client) proxyReport(err error) {
	if err == nil {
		return
	}
	select {
	case c.proxyFailed <- err:
	default:
	}
}

// ProxyFailures delivers failures to connect through the proxy (each a
// *ProxyError; one is kept while nobody reads). The client keeps retrying
// through the proxy, never directly.
func (c *Client) ProxyFailures() <-chan error { return c.proxyFailed }

// Start runs the client in the background until ctx ends or stop is
// called, and returns once it is connected. It fails as soon as the proxy
// cannot carry the first connection (a *ProxyError). onReady, when not nil, runs
// first inside the connection's context (register long-lived work there).
// stop ends the client and returns Run's error (nil after a normal stop).
func (c *Client) Start(ctx context.Context, onReady func(ctx context.Context)) (stop func() error, err error) {
	runCtx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- c.Run(runCtx, func(ctx context.Context) error {
			if onReady != nil {
				onReady(ctx)
			}
			close(ready)
			<-ctx.Done()
			return nil
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		return nil, fmt.Errorf("mtproto: connect: %w", err)
	case err := <-c.proxyFailed:
		cancel()
		<-done
		return nil, err
	case <-ctx.Done():
		cancel()
		<-done
		return nil, ctx.Err()
	}
	var once sync.Once
	var runErr error
	return func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
			if errors.Is(runErr, context.Canceled) {
				runErr = nil
			}
		})
		return runErr
	}, nil
}
