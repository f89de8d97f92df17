package mtproto_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/updates"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/sandbox/sandboxtest"
)

const testPassword = "correct horse battery"

// testCtx bounds a whole test; nothing waits a fixed time.
func testCtx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func newSandbox(t testing.TB) *sandbox.Server {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// device is what a test keeps across restarts of one client.
type device struct {
	session *session.StorageMemory
	state   *mtproto.MemoryState
	hashes  *channelHashes
}

func newDevice() *device {
	return &device{session: &session.StorageMemory{}, state: mtproto.NewMemoryState(), hashes: &channelHashes{m: map[[2]int64]int64{}}}
}

// channelHashes is a ChannelAccessHasher that outlives a client.
type channelHashes struct {
	mu sync.Mutex
	m  map[[2]int64]int64
}

var _ updates.ChannelAccessHasher = (*channelHashes)(nil)

func (h *channelHashes) SetChannelAccessHash(_ context.Context, user, channel, hash int64) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.m[[2]int64{user, channel}] = hash
	return nil
}

func (h *channelHashes) GetChannelAccessHash(_ context.Context, user, channel int64) (int64, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.m[[2]int64{user, channel}]
	return v, ok, nil
}

// member is a running client with its cloud API and the events it saw.
type member struct {
	*mtproto.Client
	cloud  *mtproto.Cloud
	events chan mtproto.Event
	seen   []mtproto.Event // read by waitEvent (test goroutine only)
	stop   func()
}

type memberOpts struct {
	dev          *device
	linkPreviews bool
	middlewares  []telegram.Middleware
	// endpoint replaces the sandbox's; proxy carries the connections.
	endpoint *mtproto.Endpoint
	proxy    mtproto.Proxy
}

// startMember connects a client with a Cloud collecting events.
func startMember(t testing.TB, ctx context.Context, s *sandbox.Server, o memberOpts) *member {
	t.Helper()
	if o.dev == nil {
		o.dev = newDevice()
	}
	endpoint := s.Endpoint()
	if o.endpoint != nil {
		endpoint = *o.endpoint
	}
	c, err := mtproto.New(mtproto.Options{AppID: 42, AppHash: "test", Endpoint: endpoint, Proxy: o.proxy,
		Session: o.dev.session, State: o.dev.state, ChannelHashes: o.dev.hashes, Middlewares: o.middlewares})
	if err != nil {
		t.Fatal(err)
	}
	m := &member{Client: c, events: make(chan mtproto.Event, 100000)}
	m.cloud = mtproto.NewCloud(c, mtproto.CloudOptions{LinkPreviews: o.linkPreviews, OnEvent: func(e mtproto.Event) {
		select {
		case m.events <- e:
		default:
			panic("test event buffer full")
		}
	}})
	stop, err := c.Start(ctx, nil)
	if err != nil {
		t.Fatalf("client run: %v", err)
	}
	m.stop = func() { _ = stop() }
	t.Cleanup(m.stop)
	return m
}

// signUp registers phone through the whole flow, forced password included.
func signUp(t testing.TB, ctx context.Context, s *sandbox.Server, m *member, phone, name string) {
	t.Helper()
	sandboxtest.SignUp(t, ctx, s, m.Client, phone, name, testPassword, "")
}

// resume restarts a stopped member's device and logs in from its session.
func resume(t testing.TB, ctx context.Context, s *sandbox.Server, dev *device) *member {
	t.Helper()
	m := startMember(t, ctx, s, memberOpts{dev: dev})
	if st, err := m.NewLogin(mtproto.LoginOptions{}).Resume(ctx); err != nil || st != mtproto.StageReady {
		t.Fatalf("resume: %v %v", st, err)
	}
	return m
}

// peer is the private chat with m's account.
func (m *member) peer() mtproto.Peer {
	u := m.Self()
	return mtproto.Peer{Kind: mtproto.PeerUser, ID: u.ID, AccessHash: u.AccessHash}
}

// waitEvent returns the first event (seen before or still to come) that
// matches pred.
func (m *member) waitEvent(t testing.TB, ctx context.Context, what string, pred func(mtproto.Event) bool) mtproto.Event {
	t.Helper()
	for _, e := range m.seen {
		if pred(e) {
			return e
		}
	}
	for {
		select {
		case e := <-m.events:
			m.seen = append(m.seen, e)
			if pred(e) {
				return e
			}
		case <-ctx.Done():
			t.Fatalf("%s: no event %q before the deadline", m.Self().FirstName, what)
			return mtproto.Event{}
		}
	}
}

func newText(peer mtproto.Peer, text string) func(mtproto.Event) bool {
	return func(e mtproto.Event) bool {
		return e.Kind == mtproto.EventNew && e.Peer.Key() == peer.Key() && e.Message.Text == text
	}
}
