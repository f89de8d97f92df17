package app

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// dante is a SOCKS5 server from Debian's dante-server package, run for
// one test. .ci/deps installs the package.
type dante struct {
	addr string
	cmd  *exec.Cmd
	log  *danteLog
	// stop ends dante and waits until its log is complete.
	stop func()
}

// danteLog collects dante's log and says when it is listening.
type danteLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	ready   chan struct{}
	running bool
}

func (l *danteLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.running && strings.Contains(l.buf.String(), " running") {
		l.running = true
		close(l.ready)
	}
	return len(p), nil
}

func (l *danteLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startDante(t *testing.T) *dante {
	t.Helper()
	bin, err := exec.LookPath("danted")
	if err != nil {
		bin = "/usr/sbin/danted"
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("danted (Debian's dante-server) is not installed; `make test` installs it (.ci/deps --test)")
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	dir := t.TempDir()
	conf := filepath.Join(dir, "danted.conf")
	// Only loopback clients, only loopback destinations: the sandbox.
	err = os.WriteFile(conf, fmt.Appendf(nil, `logoutput: stderr
internal: 127.0.0.1 port = %d
external: 127.0.0.1
socksmethod: none
clientmethod: none
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect error }
socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 log: connect error }
`, addr.Port), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	d := &dante{addr: addr.String(), log: &danteLog{ready: make(chan struct{})}}
	d.cmd = exec.Command(bin, "-f", conf, "-p", filepath.Join(dir, "danted.pid"))
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- d.cmd.Wait() }()
	select {
	case <-d.log.ready:
	case err := <-exited:
		t.Fatalf("danted stopped: %v\n%s", err, d.log)
	case <-time.After(time.Minute):
		t.Fatalf("danted did not start\n%s", d.log)
	}
	stopped := false
	d.stop = func() {
		if stopped {
			return
		}
		stopped = true
		if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("stop danted: %v", err)
		}
		// Wait returns once every dante process has closed the log.
		<-exited
	}
	t.Cleanup(d.stop)
	return d
}

// connections are dante's logged connections: each client's address and
// the address of the connection dante opened on its behalf.
func (d *dante) connections() (clients, outgoing map[string]bool) {
	clients, outgoing = map[string]bool{}, map[string]bool{}
	re := regexp.MustCompile(`tcp/connect \[: (\S+) \S+ -> (\S+) \S+`)
	for _, m := range re.FindAllStringSubmatch(d.log.String(), -1) {
		clients[danteAddr(m[1])] = true
		outgoing[danteAddr(m[2])] = true
	}
	return clients, outgoing
}

// danteAddr turns dante's "127.0.0.1.4242" into "127.0.0.1:4242".
func danteAddr(s string) string {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return s
	}
	return s[:i] + ":" + s[i+1:]
}

// A whole self-test goes through a real SOCKS5 server (dante): every
// connection the sandbox accepted is one dante's log shows it opening,
// every connection Tacit made is one dante's log shows it receiving. With
// dante stopped, the self-test fails at once, saying the proxy is
// unreachable, and nothing connects to the sandbox.
func TestSelftestThroughARealSOCKS5Proxy(t *testing.T) {
	d := startDante(t)
	// Generous bounds: a loaded machine runs the race-detector build slowly.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	var out bytes.Buffer
	st, err := newSelftest(SelftestConfig{Proxy: "socks5://" + d.addr, Message: "through dante", Timeout: 15 * time.Minute}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.run(ctx); err != nil {
		t.Fatalf("selftest through dante: %v\n%s\n%s", err, out.String(), d.log)
	}
	if !strings.Contains(out.String(), "ok     every connection went through the proxy") {
		t.Fatalf("no proxy step:\n%s", out.String())
	}
	d.stop()
	clients, outgoing := d.connections()
	st.wire.mu.Lock()
	accepted, local := st.wire.accepted, st.wire.local
	st.wire.mu.Unlock()
	if len(accepted) == 0 || len(accepted) != len(outgoing) {
		t.Fatalf("the sandbox accepted %d connections, dante opened %d", len(accepted), len(outgoing))
	}
	for _, peer := range accepted {
		if !outgoing[peer.String()] {
			t.Errorf("the sandbox accepted %s, which dante did not open", peer)
		}
	}
	for addr := range local {
		if !clients[addr] {
			t.Errorf("Tacit's connection from %s is not in dante's log", addr)
		}
	}

	// The proxy is gone: nothing may connect, and the user is told.
	out.Reset()
	st, err = newSelftest(SelftestConfig{Proxy: "socks5://" + d.addr, Timeout: 5 * time.Minute}, &out)
	if err != nil {
		t.Fatal(err)
	}
	err = st.run(ctx)
	if err == nil || !strings.Contains(out.String(), "SOCKS5 proxy "+d.addr+" unreachable") {
		t.Fatalf("selftest with the proxy stopped: %v\n%s", err, out.String())
	}
	if len(st.wire.accepted) != 0 {
		t.Fatalf("with the proxy stopped, %d connections reached the sandbox", len(st.wire.accepted))
	}
}
