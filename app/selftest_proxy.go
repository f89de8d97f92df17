package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"tacit/mtproto"
)

// selftestWire records, for a self-test through a proxy, every connection
// Tacit's clients dial and every connection the sandbox accepts, so the
// self-test can show that the proxy carried them all and none went around
// it.
type selftestWire struct {
	mu       sync.Mutex
	dialled  []string        // the addresses Tacit dialled
	local    map[string]bool // the local ends of Tacit's own sockets
	accepted []net.Addr      // the peers the sandbox accepted
}

func newSelftestWire() *selftestWire { return &selftestWire{local: map[string]bool{}} }

// dial is the clients' network dialer.
func (w *selftestWire) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dialled = append(w.dialled, addr)
	if err == nil {
		w.local[c.LocalAddr().String()] = true
	}
	return c, err
}

// accept is told the peer of each connection the sandbox accepts.
func (w *selftestWire) accept(peer net.Addr) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.accepted = append(w.accepted, peer)
}

// check verifies that Tacit dialled nothing but the proxy, and that no
// connection the sandbox accepted came from one of Tacit's own sockets.
func (w *selftestWire) check(p mtproto.Proxy) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, a := range w.dialled {
		if a != p.Addr() {
			return "", fmt.Errorf("tacit dialled %s, which is not the proxy %s", a, p.Addr())
		}
	}
	if len(w.accepted) == 0 {
		return "", errors.New("the sandbox accepted no connection")
	}
	for _, peer := range w.accepted {
		if w.local[peer.String()] {
			return "", fmt.Errorf("the sandbox accepted a connection straight from Tacit (%s), around the proxy", peer)
		}
	}
	return fmt.Sprintf("Tacit dialled only %s (%d connections); the sandbox's %d connections all came from the proxy, none from Tacit's own sockets",
		p, len(w.dialled), len(w.accepted)), nil
}

// endpoint is how the self-test's clients reach the sandbox: through the
// wire's recording dialer when a proxy is set.
func (t *selftest) endpoint() mtproto.Endpoint {
	e := t.srv.Endpoint()
	if t.wire != nil {
		e.Dial = t.wire.dial
	}
	return e
}

// stepProxyCarried is the last step of a self-test through a proxy.
func stepProxyCarried(ctx context.Context, t *selftest) (string, error) {
	return t.wire.check(t.proxy)
}
