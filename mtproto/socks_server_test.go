package mtproto_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
)

// socksServer is a small SOCKS5 server (RFC 1928, with RFC 1929 user and
// password) for the proxy tests. It records every CONNECT it is asked for
// and carries the connection to upstream, whatever the target: the tests
// point it at the sandbox.
type socksServer struct {
	t        testing.TB
	l        net.Listener
	upstream func(ctx context.Context) (net.Conn, error)
	// user and password, when user is set, are required.
	user, password string

	mu       sync.Mutex
	requests []socksRequest
	open     map[net.Conn]bool
	wg       sync.WaitGroup
}

// socksRequest is one CONNECT the server carried.
type socksRequest struct {
	// Domain is true when the client sent a host name (address type 3)
	// rather than an IP address.
	Domain         bool
	Host           string
	Port           int
	User, Password string
}

func newSOCKSServer(t testing.TB, upstream func(ctx context.Context) (net.Conn, error), user, password string) *socksServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &socksServer{t: t, l: l, upstream: upstream, user: user, password: password, open: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.close)
	return s
}

func (s *socksServer) addr() string { return s.l.Addr().String() }

// close stops the server and ends the connections it carries.
func (s *socksServer) close() {
	s.l.Close()
	s.mu.Lock()
	for c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// track records c as open until untrack.
func (s *socksServer) track(c net.Conn) {
	s.mu.Lock()
	s.open[c] = true
	s.mu.Unlock()
}

func (s *socksServer) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
}

// carried returns the CONNECT requests carried so far.
func (s *socksServer) carried() []socksRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]socksRequest(nil), s.requests...)
}

func (s *socksServer) serve() {
	defer s.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.track(c)
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer s.untrack(c)
			s.handle(c)
		}()
	}
}

func (s *socksServer) handle(c net.Conn) {
	defer c.Close()
	req, err := s.handshake(c)
	if err != nil {
		return
	}
	up, err := s.upstream(context.Background())
	if err != nil {
		// 0x05: connection refused.
		_, _ = c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	// Recorded before the reply, so a client that connected finds it.
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	if _, err := c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0}); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		// Unblock the other direction.
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	<-done
}

var errSOCKS = errors.New("socks: bad request")

func (s *socksServer) handshake(c net.Conn) (socksRequest, error) {
	var req socksRequest
	head := make([]byte, 2)
	if _, err := io.ReadFull(c, head); err != nil || head[0] != 5 {
		return req, errSOCKS
	}
	methods := make([]byte, head[1])
	if _, err := io.ReadFull(c, methods); err != nil {
		return req, errSOCKS
	}
	want := byte(0) // no authentication
	if s.user != "" {
		want = 2 // user name and password
	}
	offered := false
	for _, m := range methods {
		offered = offered || m == want
	}
	if !offered {
		_, _ = c.Write([]byte{5, 0xff})
		return req, errSOCKS
	}
	if _, err := c.Write([]byte{5, want}); err != nil {
		return req, err
	}
	if want == 2 {
		user, pass, err := readUserPass(c)
		if err != nil {
			return req, err
		}
		req.User, req.Password = user, pass
		ok := user == s.user && pass == s.password
		status := byte(0)
		if !ok {
			status = 1
		}
		if _, err := c.Write([]byte{1, status}); err != nil || !ok {
			return req, errSOCKS
		}
	}
	hdr := make([]byte, 4)
	if _, err := io.ReadFull(c, hdr); err != nil || hdr[0] != 5 || hdr[1] != 1 {
		return req, errSOCKS
	}
	switch hdr[3] {
	case 1, 4:
		ip := make([]byte, 4)
		if hdr[3] == 4 {
			ip = make([]byte, 16)
		}
		if _, err := io.ReadFull(c, ip); err != nil {
			return req, err
		}
		req.Host = net.IP(ip).String()
	case 3:
		n := make([]byte, 1)
		if _, err := io.ReadFull(c, n); err != nil {
			return req, err
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(c, name); err != nil {
			return req, err
		}
		req.Domain, req.Host = true, string(name)
	default:
		return req, errSOCKS
	}
	port := make([]byte, 2)
	if _, err := io.ReadFull(c, port); err != nil {
		return req, err
	}
	req.Port = int(binary.BigEndian.Uint16(port))
	return req, nil
}

func readUserPass(c net.Conn) (string, string, error) {
	ver := make([]byte, 2)
	if _, err := io.ReadFull(c, ver); err != nil || ver[0] != 1 {
		return "", "", errSOCKS
	}
	user := make([]byte, ver[1])
	if _, err := io.ReadFull(c, user); err != nil {
		return "", "", err
	}
	n := make([]byte, 1)
	if _, err := io.ReadFull(c, n); err != nil {
		return "", "", err
	}
	pass := make([]byte, n[0])
	if _, err := io.ReadFull(c, pass); err != nil {
		return "", "", err
	}
	return string(user), string(pass), nil
}

// onlyDialer is the client's network dialer in the proxy tests: it dials
// nothing but want, and fails the test for any other address, so a
// connection around the proxy, or a name looked up outside it, cannot
// happen unseen.
func onlyDialer(t testing.TB, want string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != want {
			t.Errorf("the client dialled %s %s; only the proxy %s may be dialled", network, addr, want)
			return nil, errors.New("test: not the proxy")
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil || net.ParseIP(host) == nil {
			t.Errorf("the proxy address %q is not an IP address: dialling it would look a name up", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

func portOf(t testing.TB, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
