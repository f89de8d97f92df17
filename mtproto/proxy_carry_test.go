package mtproto_test

import (
	"context"
	"encoding/hex"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/transport"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

const isolationToken = "00112233445566778899aabbccddeeff"

// sandboxUpstream connects a test proxy to the in-memory sandbox.
func sandboxUpstream(s *sandbox.Server) func(ctx context.Context) (net.Conn, error) {
	dial := s.Endpoint().Dial
	return func(ctx context.Context) (net.Conn, error) { return dial(ctx, "tcp", "sandbox") }
}

// Tor carries registration, messages and a file transfer, with the
// profile's isolation credentials on every connection; the client dials
// nothing but the proxy and sends the data centre's host name to it
// unresolved.
func TestTorCarriesEveryConnection(t *testing.T) {
	ctx := testCtx(t, 3*time.Minute)
	s := newSandbox(t)
	socks := newSOCKSServer(t, sandboxUpstream(s), "tacit", isolationToken)
	p, err := mtproto.ParseProxy("tor://" + socks.addr())
	if err != nil {
		t.Fatal(err)
	}
	e := s.Endpoint()
	e.Dial = onlyDialer(t, socks.addr())
	e.DCOptions = slices.Clone(e.DCOptions)
	e.DCOptions[0].IPAddress = "dc2.sandbox.test"

	ann := startMember(t, ctx, s, memberOpts{endpoint: &e, proxy: p.Isolate(isolationToken)})
	signUp(t, ctx, s, ann, "447700940001", "Ann")
	if _, err := ann.cloud.SendText(ctx, ann.peer(), "through Tor", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, sum := writeRandomFile(t, dir, "file.bin", 700<<10, 7)
	rec, err := ann.cloud.UploadPath(ctx, path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := ann.cloud.SendMedia(ctx, ann.peer(), rec, mtproto.MediaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "back.bin")
	if err := ann.cloud.DownloadFile(ctx, msg.Media.Location, out, nil); err != nil {
		t.Fatal(err)
	}
	if fileSum(t, out) != sum {
		t.Fatal("the file came back different")
	}

	reqs := socks.carried()
	if len(reqs) == 0 {
		t.Fatal("the proxy carried nothing")
	}
	if r := reqs[0]; !r.Domain || r.Host != "dc2.sandbox.test" {
		t.Errorf("first CONNECT went to %+v; want the host name dc2.sandbox.test, unresolved", r)
	}
	for _, r := range reqs {
		if r.User != "tacit" || r.Password != isolationToken {
			t.Errorf("a connection without the profile's isolation credentials: %q %q", r.User, r.Password)
		}
	}
}

// Every kind of connection gotd makes (the primary one and DC pools for
// migrations and other data centres, media-only and CDN connections) goes
// through the one resolver, and with a proxy that resolver dials only the
// proxy: the data centre's address, name or number, is the proxy's to
// connect to.
func TestProxyResolverCarriesEveryConnectionKind(t *testing.T) {
	ctx := testCtx(t, time.Minute)
	s := newSandbox(t)
	socks := newSOCKSServer(t, sandboxUpstream(s), "", "")
	p, err := mtproto.ParseProxy("socks5://" + socks.addr())
	if err != nil {
		t.Fatal(err)
	}
	r, err := mtproto.ProxyResolver(p, onlyDialer(t, socks.addr()))
	if err != nil {
		t.Fatal(err)
	}
	list := dcs.List{Options: []tg.DCOption{
		{ID: 4, IPAddress: "149.154.167.91", Port: 443},
		{ID: 4, IPAddress: "149.154.165.136", Port: 443, MediaOnly: true},
		{ID: 4, IPAddress: "cdn4.example", Port: 443, CDN: true},
	}}
	for _, c := range []struct {
		name string
		dial func() (transport.Conn, error)
		host string
	}{
		{"primary (migration, DC pool)", func() (transport.Conn, error) { return r.Primary(ctx, 4, list) }, "149.154.167.91"},
		{"media only", func() (transport.Conn, error) { return r.MediaOnly(ctx, 4, list) }, "149.154.165.136"},
		{"CDN", func() (transport.Conn, error) { return r.CDN(ctx, 4, list) }, "cdn4.example"},
	} {
		before := len(socks.carried())
		conn, err := c.dial()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		conn.Close()
		reqs := socks.carried()
		if len(reqs) != before+1 || reqs[before].Host != c.host || reqs[before].Port != 443 {
			t.Errorf("%s: the proxy carried %+v; want one CONNECT to %s:443", c.name, reqs[before:], c.host)
		}
	}
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// trapListener stands where the data centre is: any connection to it
// would be one around the proxy.
func trapListener(t testing.TB) (addr string, accepted func() int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := make(chan int, 1)
	n <- 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n <- <-n + 1
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String(), func() int { v := <-n; n <- v; return v }
}

// With the proxy down (or refusing), the client fails with a
// *ProxyError and never connects to the data centre directly.
func TestProxyFailureNeverConnectsDirectly(t *testing.T) {
	ctx := testCtx(t, time.Minute)
	s := newSandbox(t)
	trap, accepted := trapListener(t)
	e := s.Endpoint()
	e.Dial = nil // the real network
	e.DCOptions = []tg.DCOption{{ID: sandbox.DC, IPAddress: "127.0.0.1", Port: portOf(t, trap)}}

	wrongPassword := newSOCKSServer(t, sandboxUpstream(s), "tacit", "the right one")
	for _, c := range []struct {
		name    string
		proxy   string
		token   string
		refused bool
	}{
		{"SOCKS5 down", "socks5://" + deadAddr(t), "", false},
		{"Tor down", "tor://" + deadAddr(t), isolationToken, false},
		{"MTProxy down", "tg://proxy?server=127.0.0.1&port=" + strconv.Itoa(portOf(t, deadAddr(t))) + "&secret=dd" + isolationToken, "", false},
		{"SOCKS5 refusing the credentials", "tor://" + wrongPassword.addr(), isolationToken, true},
	} {
		p, err := mtproto.ParseProxy(c.proxy)
		if err != nil {
			t.Fatal(err)
		}
		client, err := mtproto.New(mtproto.Options{AppID: 42, AppHash: "test", Endpoint: e, Proxy: p.Isolate(c.token)})
		if err != nil {
			t.Fatal(err)
		}
		stop, err := client.Start(ctx, nil)
		if err == nil {
			_ = stop()
			t.Fatalf("%s: connected", c.name)
		}
		var pe *mtproto.ProxyError
		if !errors.As(err, &pe) || !errors.Is(err, mtproto.ErrProxyUnreachable) || pe.Refused != c.refused || pe.Addr != p.Addr() {
			t.Errorf("%s: err = %v, want a *ProxyError for %s (refused %v)", c.name, err, p.Addr(), c.refused)
		}
	}
	if n := accepted(); n != 0 {
		t.Fatalf("%d connections went around the proxy to the data centre", n)
	}
}

// MTProxy with each kind of secret carries registration and messages:
// the client dials only the proxy, which sees an obfuscated2 stream keyed
// with the secret (inside fake TLS for ee) asking for the sandbox's data
// centre.
func TestMTProxyCarriesEveryConnection(t *testing.T) {
	const key = "00112233445566778899aabbccddeeff"
	for i, c := range []struct{ name, secret string }{
		{"plain", key},
		{"dd", "dd" + key},
		{"ee", "ee" + key + hex.EncodeToString([]byte("www.example.com"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t, 2*time.Minute)
			s := newSandbox(t)
			mem := s.Endpoint().Dial
			secret, err := hex.DecodeString(c.secret)
			if err != nil {
				t.Fatal(err)
			}
			relay := newMTProxyRelay(t, secret, func(ctx context.Context, dc int) (net.Conn, error) {
				if dc != sandbox.DC {
					return nil, errors.New("no such data centre")
				}
				return mem(ctx, "tcp", "sandbox")
			})
			p, err := mtproto.ParseProxy("tg://proxy?server=127.0.0.1&port=" + strconv.Itoa(portOf(t, relay.addr())) + "&secret=" + c.secret)
			if err != nil {
				t.Fatal(err)
			}
			e := s.Endpoint()
			e.Dial = onlyDialer(t, relay.addr())
			m := startMember(t, ctx, s, memberOpts{endpoint: &e, proxy: p})
			signUp(t, ctx, s, m, "4477009500"+strconv.Itoa(10+i), "Ann")
			if _, err := m.cloud.SendText(ctx, m.peer(), "through MTProxy", mtproto.SendOptions{}); err != nil {
				t.Fatal(err)
			}
			carried, rejected := relay.stats()
			if len(carried) == 0 || rejected != 0 {
				t.Fatalf("the relay carried %v and rejected %d connections", carried, rejected)
			}
			for _, dc := range carried {
				if dc != sandbox.DC {
					t.Errorf("a connection asked for data centre %d", dc)
				}
			}
		})
	}
}

// A fake-TLS MTProxy that does not know the client's secret cannot answer
// the handshake: the client reports the proxy as refusing.
func TestMTProxyWrongSecretRefused(t *testing.T) {
	ctx := testCtx(t, time.Minute)
	s := newSandbox(t)
	domain := hex.EncodeToString([]byte("www.example.com"))
	proxySecret, err := hex.DecodeString("ee" + "ffeeddccbbaa99887766554433221100" + domain)
	if err != nil {
		t.Fatal(err)
	}
	relay := newMTProxyRelay(t, proxySecret, func(ctx context.Context, dc int) (net.Conn, error) {
		return s.Endpoint().Dial(ctx, "tcp", "sandbox")
	})
	p, err := mtproto.ParseProxy("tg://proxy?server=127.0.0.1&port=" + strconv.Itoa(portOf(t, relay.addr())) + "&secret=ee00112233445566778899aabbccddeeff" + domain)
	if err != nil {
		t.Fatal(err)
	}
	e := s.Endpoint()
	e.Dial = onlyDialer(t, relay.addr())
	client, err := mtproto.New(mtproto.Options{AppID: 42, AppHash: "test", Endpoint: e, Proxy: p})
	if err != nil {
		t.Fatal(err)
	}
	stop, err := client.Start(ctx, nil)
	if err == nil {
		_ = stop()
		t.Fatal("connected through a proxy with another secret")
	}
	var pe *mtproto.ProxyError
	if !errors.As(err, &pe) || !pe.Refused || pe.Kind != mtproto.ProxyMTProxy {
		t.Fatalf("err = %v, want a refusing MTProxy", err)
	}
	if carried, rejected := relay.stats(); len(carried) != 0 || rejected == 0 {
		t.Fatalf("relay carried %v, rejected %d", carried, rejected)
	}
}
