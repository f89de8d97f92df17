package sandbox

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gotd/td/mtproxy/obfuscated2"
	"github.com/gotd/td/proto/codec"
)

// handshakeTimeout bounds how long a new connection may take to send its
// obfuscated header; a silent client is dropped after it.
const handshakeTimeout = 30 * time.Second

// handshakeListener accepts connections and runs each one's obfuscated2
// handshake on its own goroutine, so a client that connects and stays
// silent (or sends half a header) never delays the clients after it.
// Accept returns only connections whose handshake succeeded and that speak
// a transport the server reads (abridged, intermediate, padded
// intermediate); the others are closed.
type handshakeListener struct {
	inner  net.Listener
	ready  chan net.Conn
	closed chan struct{}
	once   sync.Once

	mu      sync.Mutex
	pending map[net.Conn]struct{} // connections still in their handshake
}

func newHandshakeListener(l net.Listener) *handshakeListener {
	h := &handshakeListener{inner: l, ready: make(chan net.Conn), closed: make(chan struct{}), pending: map[net.Conn]struct{}{}}
	go h.acceptLoop()
	return h
}

func (h *handshakeListener) acceptLoop() {
	for {
		c, err := h.inner.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				h.Close()
				return
			}
			// A failed accept (the peer reset the connection before it was
			// taken, or the process ran out of descriptors for a moment)
			// must not stop the server: retry after a pause.
			select {
			case <-h.closed:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		h.mu.Lock()
		select {
		case <-h.closed:
			h.mu.Unlock()
			c.Close()
			return
		default:
		}
		h.pending[c] = struct{}{}
		h.mu.Unlock()
		go func() {
			h.handshake(c)
			h.mu.Lock()
			delete(h.pending, c)
			h.mu.Unlock()
		}()
	}
}

// handshake deobfuscates c and hands it to Accept, or closes it.
func (h *handshakeListener) handshake(c net.Conn) {
	// Deadline errors surface as a failed read below; a conn that cannot
	// take deadlines is served without one.
	deadlineSet := c.SetReadDeadline(time.Now().Add(handshakeTimeout)) == nil
	rw, md, err := obfuscated2.Accept(c, nil)
	if err != nil || !knownTag(md.Protocol) {
		c.Close()
		return
	}
	if deadlineSet {
		if err := c.SetReadDeadline(time.Time{}); err != nil {
			c.Close()
			return
		}
	}
	tag := md.Protocol[:]
	if md.Protocol[0] == codec.AbridgedClientStart[0] {
		tag = tag[:1] // abridged's tag is one byte
	}
	conn := &obfuscatedConn{Conn: c, r: io.MultiReader(bytes.NewReader(tag), rw), w: rw}
	select {
	case h.ready <- conn:
	case <-h.closed:
		c.Close()
	}
}

func knownTag(p [4]byte) bool {
	return p == codec.IntermediateClientStart || p == codec.PaddedIntermediateClientStart ||
		p == [4]byte{0xef, 0xef, 0xef, 0xef}
}

func (h *handshakeListener) Accept() (net.Conn, error) {
	select {
	case c := <-h.ready:
		return c, nil
	case <-h.closed:
		return nil, net.ErrClosed
	}
}

// Close stops accepting; connections still in their handshake are closed.
func (h *handshakeListener) Close() error {
	h.once.Do(func() {
		h.mu.Lock()
		close(h.closed)
		for c := range h.pending {
			c.Close()
		}
		h.mu.Unlock()
		h.inner.Close()
	})
	return nil
}

func (h *handshakeListener) Addr() net.Addr { return h.inner.Addr() }

// obfuscatedConn reads and writes through the obfuscation streams; the
// protocol tag is read first, so the transport can detect its codec.
type obfuscatedConn struct {
	net.Conn
	r io.Reader
	w io.Writer
}

func (c *obfuscatedConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *obfuscatedConn) Write(p []byte) (int, error) { return c.w.Write(p) }
