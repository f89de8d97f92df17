package mtproto_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/mtproxy"
	"github.com/gotd/td/mtproxy/obfuscated2"
	"github.com/gotd/td/mtproxy/obfuscator"
	"github.com/gotd/td/proto/codec"
)

// mtproxyRelay is a small MTProxy for the tests: it takes the client's
// obfuscated2 stream keyed with the secret (inside fake TLS for an ee
// secret), checks it, and carries it to the data centre the client asked
// for, obfuscated again as a direct client would.
type mtproxyRelay struct {
	l        net.Listener
	secret   []byte // the whole secret: plain, dd... or ee...domain
	upstream func(ctx context.Context, dc int) (net.Conn, error)

	mu       sync.Mutex
	carried  []int // the data centre of each connection carried
	rejected int
	open     map[net.Conn]bool
	wg       sync.WaitGroup
}

func newMTProxyRelay(t testing.TB, secret []byte, upstream func(ctx context.Context, dc int) (net.Conn, error)) *mtproxyRelay {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &mtproxyRelay{l: l, secret: secret, upstream: upstream, open: map[net.Conn]bool{}}
	r.wg.Add(1)
	go r.serve()
	t.Cleanup(r.close)
	return r
}

func (r *mtproxyRelay) addr() string { return r.l.Addr().String() }

func (r *mtproxyRelay) close() {
	r.l.Close()
	r.mu.Lock()
	for c := range r.open {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *mtproxyRelay) stats() (carried []int, rejected int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.carried...), r.rejected
}

func (r *mtproxyRelay) serve() {
	defer r.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := r.l.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.open[c] = true
		r.mu.Unlock()
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer func() {
				r.mu.Lock()
				delete(r.open, c)
				r.mu.Unlock()
				c.Close()
			}()
			if err := r.handle(c); err != nil {
				r.mu.Lock()
				r.rejected++
				r.mu.Unlock()
			}
		}()
	}
}

var errRelay = errors.New("mtproxy relay: rejected")

func (r *mtproxyRelay) handle(c net.Conn) error {
	key := r.secret
	var stream io.ReadWriter = c
	switch {
	case len(key) == 17:
		key = key[1:]
	case len(key) > 17:
		ftls, err := acceptFakeTLS(c, key[1:17], string(key[17:]))
		if err != nil {
			return err
		}
		stream, key = ftls, key[1:17]
	}
	client, meta, err := obfuscated2.Accept(stream, key)
	if err != nil {
		return err
	}
	// Every secret here asks for padded intermediate framing.
	if meta.Protocol != codec.PaddedIntermediateClientStart {
		return errRelay
	}
	dc := int(int16(meta.DC))
	up, err := r.upstream(context.Background(), dc)
	if err != nil {
		return err
	}
	defer up.Close()
	r.mu.Lock()
	r.open[up] = true
	r.carried = append(r.carried, dc)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.open, up)
		r.mu.Unlock()
	}()
	server := obfuscator.Obfuscated2(rand.Reader, up)
	if err := server.Handshake(meta.Protocol, dc, mtproxy.Secret{}); err != nil {
		return err
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); c.Close(); up.Close(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); c.Close(); up.Close(); done <- struct{}{} }()
	<-done
	<-done
	return nil
}

// acceptFakeTLS is the server side of MTProxy's fake TLS: it checks the
// ClientHello's HMAC (keyed with the secret, over the record with the
// random zeroed, the time XORed into the last four bytes) and the domain,
// answers with a ServerHello whose random is the HMAC of the client's
// digest and the answer, and then carries the stream in TLS application
// records.
func acceptFakeTLS(c net.Conn, key []byte, domain string) (io.ReadWriter, error) {
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(c, hdr); err != nil || hdr[0] != 0x16 {
		return nil, errRelay
	}
	hello := make([]byte, 5+int(binary.BigEndian.Uint16(hdr[3:])))
	copy(hello, hdr)
	if _, err := io.ReadFull(c, hello[5:]); err != nil || len(hello) < 11+32+1+32 {
		return nil, errRelay
	}
	var digest [32]byte
	copy(digest[:], hello[11:43])
	clear(hello[11:43])
	mac := hmac.New(sha256.New, key)
	mac.Write(hello)
	want := mac.Sum(nil)
	if !hmac.Equal(want[:28], digest[:28]) {
		return nil, errRelay
	}
	ts := int64(binary.LittleEndian.Uint32(digest[28:]) ^ binary.LittleEndian.Uint32(want[28:]))
	if d := time.Now().Unix() - ts; d < -600 || d > 600 {
		return nil, errRelay
	}
	if !bytes.Contains(hello, []byte(domain)) {
		return nil, errRelay // the SNI names another site
	}
	sessionID := hello[44 : 44+min(int(hello[43]), 32)]

	body := []byte{0x03, 0x03}
	body = append(body, make([]byte, 32)...) // the random: the digest, below
	body = append(body, byte(len(sessionID)))
	body = append(body, sessionID...)
	body = append(body, 0x13, 0x01, 0x00) // TLS_AES_128_GCM_SHA256, no compression
	share := make([]byte, 32)
	if _, err := rand.Read(share); err != nil {
		return nil, err
	}
	ext := []byte{0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20}
	ext = append(ext, share...)
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)
	hs := append([]byte{0x02, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	cert := make([]byte, 2048)
	if _, err := rand.Read(cert); err != nil {
		return nil, err
	}
	var answer []byte
	answer = appendRecord(answer, 0x16, hs)
	answer = appendRecord(answer, 0x14, []byte{0x01})
	answer = appendRecord(answer, 0x17, cert)
	mac = hmac.New(sha256.New, key)
	mac.Write(digest[:])
	mac.Write(answer)
	copy(answer[11:43], mac.Sum(nil))
	if _, err := c.Write(answer); err != nil {
		return nil, err
	}
	return &fakeTLSStream{c: c}, nil
}

func appendRecord(b []byte, typ byte, data []byte) []byte {
	b = append(b, typ, 0x03, 0x03)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// fakeTLSStream carries bytes in TLS application data records.
type fakeTLSStream struct {
	c       net.Conn
	pending []byte
}

func (s *fakeTLSStream) Read(p []byte) (int, error) {
	for len(s.pending) == 0 {
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(s.c, hdr); err != nil {
			return 0, err
		}
		data := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
		if _, err := io.ReadFull(s.c, data); err != nil {
			return 0, err
		}
		switch hdr[0] {
		case 0x14: // ChangeCipherSpec, sent once before the data
		case 0x17:
			s.pending = data
		default:
			return 0, errRelay
		}
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

func (s *fakeTLSStream) Write(p []byte) (int, error) {
	for off := 0; off < len(p); {
		n := min(len(p)-off, 16384)
		if _, err := s.c.Write(appendRecord(nil, 0x17, p[off:off+n])); err != nil {
			return off, err
		}
		off += n
	}
	return len(p), nil
}
