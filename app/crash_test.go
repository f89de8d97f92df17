package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
)

// Crash tests: Tacit runs in a child process (crash_child_test.go) against a
// TCP sandbox and is killed with SIGKILL at random points while a secret chat
// streams messages into it, or while it sends them; after every restart it
// resumes from its encrypted store. At the end every message must be there
// exactly once and in order, and the chat must still work both ways.
//
// The kill points (how many messages each run may report before it is
// killed) come from a seeded generator whose seed is logged;
// TACIT_CRASH_SEED=<seed> draws the same ones again. Where exactly the signal
// lands inside the child still depends on timing.

const (
	// crashMessages is how many numbered messages each scenario streams.
	crashMessages = 300
	// crashKills is how many times each scenario kills the child.
	crashKills = 4
	// crashTimeout bounds a whole scenario.
	crashTimeout = 3 * time.Minute

	// crashPeerRekey is how many messages the peer encrypts or decrypts with
	// one key before it starts a re-key.
	crashPeerRekey = 40

	crashChildPhone = "15550003001"
	crashPeerPhone  = "15550003002"
)

func TestCrashWhileReceiving(t *testing.T) {
	h := newCrashHarness(t, "receive")
	n := crashMessages

	// The peer streams its messages as soon as the chat exists, without
	// waiting for the child, which is killed and restarted meanwhile.
	var (
		streamOnce sync.Once
		streamErr  error
		streamed   = make(chan struct{})
	)
	stream := func(chat secret.ChatID) {
		streamOnce.Do(func() {
			go func() {
				defer close(streamed)
				for i := range n {
					if _, err := h.peer.mgr.SendText(h.ctx, chat, crashReceivePrefix+strconv.Itoa(i), secret.SendOptions{}); err != nil {
						streamErr = fmt.Errorf("peer: send %d: %w", i, err)
						return
					}
				}
			}()
		})
	}
	t.Cleanup(func() {
		h.cancel() // ends a stream still running after a failure
		streamOnce.Do(func() { close(streamed) })
		<-streamed
	})

	seen := map[int]bool{}
	for kills := 0; kills < crashKills; {
		threshold := h.killPoint(len(seen), n)
		p := h.start(fmt.Sprintf("kill once %d of %d messages were received", threshold, n))
		for kill := false; !kill; {
			verb, arg := p.next()
			switch verb {
			case "READY":
				chat, err := strconv.ParseInt(arg, 10, 32)
				if err != nil {
					t.Fatalf("READY %q: %v", arg, err)
				}
				h.chat = secret.ChatID(chat)
				stream(h.chat)
				kill = len(seen) >= threshold
			case "GOT":
				seen[mustAtoi(t, arg)] = true
				kill = len(seen) >= threshold
			case "HISTORY":
				kill = true // everything arrived before the kill point
			}
		}
		at := len(seen)
		if p.kill(func(verb, arg string) {
			if verb == "GOT" {
				seen[mustAtoi(t, arg)] = true
			}
		}) {
			kills++
			t.Logf("run %d: killed after %d messages were reported received (%d more reported before it died)", p.run, at, len(seen)-at)
		}
	}

	p := h.start("final run")
	var history []int
	for history == nil {
		verb, arg := p.next()
		if verb == "HISTORY" {
			history = parseNumbers(t, arg)
		}
	}
	checkSequence(t, "the child's stored history", history, n)
	<-streamed
	if streamErr != nil {
		t.Fatal(streamErr)
	}
	// The chat continues: the child answers, the peer reads the answer.
	p.command("FINISH")
	p.expect("DONE")
	p.exit()
	h.peer.waitText(t, h.ctx, h.chat, crashDoneText)
	h.checkClean()
	h.peer.mu.Lock()
	peerRekeys := h.peer.rekeys
	h.peer.mu.Unlock()
	t.Logf("%d messages received across %d kills and %d runs in %s; re-keys completed: %d reported by the child, %d by the peer", n, crashKills, h.runs, time.Since(h.started).Round(time.Millisecond), h.rekeys, peerRekeys)
}

func TestCrashWhileSending(t *testing.T) {
	h := newCrashHarness(t, "send")
	n := crashMessages
	sent := map[int]bool{}
	for kills := 0; kills < crashKills; {
		threshold := h.killPoint(len(sent), n)
		p := h.start(fmt.Sprintf("kill once %d of %d messages were sent", threshold, n))
		for kill := false; !kill; {
			verb, arg := p.next()
			switch verb {
			case "READY":
				chat, err := strconv.ParseInt(arg, 10, 32)
				if err != nil {
					t.Fatalf("READY %q: %v", arg, err)
				}
				h.chat = secret.ChatID(chat)
				kill = len(sent) >= threshold
			case "SENT":
				sent[mustAtoi(t, arg)] = true
				kill = len(sent) >= threshold
			case "ALLSENT":
				kill = true
			}
		}
		at := len(sent)
		if p.kill(func(verb, arg string) {
			if verb == "SENT" {
				sent[mustAtoi(t, arg)] = true
			}
		}) {
			kills++
			t.Logf("run %d: killed after %d messages were reported sent (%d more reported before it died)", p.run, at, len(sent)-at)
		}
	}

	p := h.start("final run")
	var own []int
	for own == nil {
		verb, arg := p.next()
		if verb == "ALLSENT" {
			own = parseNumbers(t, arg)
		}
	}
	checkSequence(t, "the child's stored outgoing messages", own, n)
	got := h.peer.waitNumbers(t, h.ctx, h.chat, crashSendPrefix, n)
	checkSequence(t, "the messages the peer received", got, n)
	// The chat continues: the peer writes, the child reads it.
	if _, err := h.peer.mgr.SendText(h.ctx, h.chat, crashPingText, secret.SendOptions{}); err != nil {
		t.Fatalf("peer: ping: %v", err)
	}
	p.expect("PING")
	p.exit()
	h.checkClean()
	h.peer.mu.Lock()
	peerRekeys := h.peer.rekeys
	h.peer.mu.Unlock()
	t.Logf("%d messages sent across %d kills and %d runs in %s; re-keys completed: %d reported by the child, %d by the peer", n, crashKills, h.runs, time.Since(h.started).Round(time.Millisecond), h.rekeys, peerRekeys)
}

// crashHarness holds a scenario: the sandbox, the peer, and the child's
// data directory and environment.
type crashHarness struct {
	t       *testing.T
	ctx     context.Context
	cancel  context.CancelFunc
	srv     *sandbox.Server
	peer    *crashPeer
	env     []string
	rng     *mrand.Rand
	started time.Time
	runs    int
	chat    secret.ChatID

	mu       sync.Mutex
	problems []string
	rekeys   int // re-keys the child completed, over all runs
}

func newCrashHarness(t *testing.T, role string) *crashHarness {
	if testing.Short() {
		t.Skip("crash test: restarts a child process several times; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), crashTimeout)
	t.Cleanup(cancel)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TACIT_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TACIT_CRASH_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("kill points seeded with %d (TACIT_CRASH_SEED=%d draws them again)", seed, seed)
	h := &crashHarness{t: t, ctx: ctx, cancel: cancel, rng: mrand.New(mrand.NewPCG(seed, seed^0x5eed)), started: time.Now()}

	srv, err := sandbox.New(sandbox.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	t.Cleanup(func() { srv.Close() })
	h.peer = startCrashPeer(t, ctx, srv, h.problem)

	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	pub := srv.Endpoint().PublicKeys[0].RSA
	h.env = append(os.Environ(),
		crashEnvRole+"="+role,
		crashEnvAddr+"="+srv.Addr(),
		crashEnvRSA+"="+hex.EncodeToString(x509.MarshalPKCS1PublicKey(pub)),
		crashEnvDir+"="+t.TempDir(),
		crashEnvKey+"="+hex.EncodeToString(key),
		crashEnvPhone+"="+crashChildPhone,
		crashEnvPeer+"="+crashPeerPhone,
		crashEnvCount+"="+strconv.Itoa(crashMessages),
	)
	clear(key)
	return h
}

// killPoint draws how many messages the next run may see go by before it
// is killed: from none (killed while it resumes) to half of those left, so
// the kills spread over the stream.
func (h *crashHarness) killPoint(done, n int) int {
	return done + h.rng.IntN((n-done)/2+1)
}

func (h *crashHarness) problem(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.problems = append(h.problems, fmt.Sprintf(format, args...))
}

// checkClean fails the test if the child or the peer reported a secret chat
// error, a closed chat or a data race in any run.
func (h *crashHarness) checkClean() {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.problems) > 0 {
		h.t.Fatalf("%d problems:\n%s", len(h.problems), strings.Join(h.problems, "\n"))
	}
}

// crashProc is one run of the child.
type crashProc struct {
	h      *crashHarness
	run    int
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	output *lockedBuffer // everything the child printed apart from its report lines
	stderr *lockedBuffer
}

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (h *crashHarness) start(plan string) *crashProc {
	h.t.Helper()
	h.runs++
	p := &crashProc{h: h, run: h.runs, lines: make(chan string, 1024), output: &lockedBuffer{}, stderr: &lockedBuffer{}}
	h.t.Logf("run %d: %s", p.run, plan)
	p.cmd = exec.CommandContext(h.ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.timeout=4m")
	p.cmd.Env = h.env
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		h.t.Fatal(err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		h.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), crashLinePrefix); ok {
				p.lines <- line
			} else {
				fmt.Fprintln(p.output, sc.Text())
			}
		}
	}()
	h.t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

func (p *crashProc) fatalf(format string, args ...any) {
	p.h.t.Helper()
	_ = p.cmd.Process.Kill()
	p.h.t.Fatalf("run %d: %s\nchild output:\n%s\nchild stderr:\n%s", p.run, fmt.Sprintf(format, args...), p.output.String(), p.stderr.String())
}

// handle records problems and answers the login code request; it returns
// the line's verb and argument.
func (p *crashProc) handle(line string) (verb, arg string) {
	verb, arg, _ = strings.Cut(line, " ")
	switch verb {
	case "NEEDCODE":
		code, ok := p.h.srv.Code(crashChildPhone)
		if !ok {
			p.fatalf("the sandbox has no login code")
		}
		p.command(code)
	case "REKEYED":
		p.h.mu.Lock()
		p.h.rekeys++
		p.h.mu.Unlock()
	case "RESTART":
		p.h.t.Logf("run %d: store at start: %s", p.run, arg)
	case "ERROR", "CLOSED", "FAIL":
		p.h.problem("child run %d: %s", p.run, line)
	}
	return verb, arg
}

// next returns the child's next report line. The child ending first is fatal.
func (p *crashProc) next() (verb, arg string) {
	p.h.t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			err := p.cmd.Wait()
			p.fatalf("the child ended unexpectedly (%v)", err)
		}
		verb, arg = p.handle(line)
		if verb == "FAIL" {
			p.fatalf("the child failed: %s", arg)
		}
		return verb, arg
	case <-p.h.ctx.Done():
		p.fatalf("no report from the child before the deadline")
	}
	return "", ""
}

// expect reads report lines until verb.
func (p *crashProc) expect(verb string) string {
	p.h.t.Helper()
	for {
		v, arg := p.next()
		if v == verb {
			return arg
		}
	}
}

func (p *crashProc) command(line string) {
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.fatalf("command %q: %v", line, err)
	}
}

// kill sends SIGKILL, hands the lines the child wrote before it died to
// late, and reports whether the child died of the signal (it may have
// ended on its own just before).
func (p *crashProc) kill(late func(verb, arg string)) bool {
	p.h.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.fatalf("kill: %v", err)
	}
	for line := range p.lines {
		late(p.handle(line))
	}
	err := p.cmd.Wait()
	p.stdin.Close()
	p.checkRace()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	p.h.t.Logf("run %d: ended before the kill (%v)", p.run, err)
	return false
}

// exit waits for a clean exit of the final run.
func (p *crashProc) exit() {
	p.h.t.Helper()
	for line := range p.lines {
		p.handle(line)
	}
	err := p.cmd.Wait()
	p.stdin.Close()
	p.checkRace()
	if err != nil {
		p.fatalf("the final run did not exit cleanly: %v", err)
	}
}

func (p *crashProc) checkRace() {
	if s := p.stderr.String(); strings.Contains(s, "DATA RACE") || strings.Contains(s, "panic:") {
		p.h.problem("child run %d stderr:\n%s", p.run, s)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return n
}

func parseNumbers(t *testing.T, s string) []int {
	t.Helper()
	ns := []int{}
	for _, f := range strings.Fields(s) {
		ns = append(ns, mustAtoi(t, f))
	}
	return ns
}

// checkSequence fails unless got is exactly 0, 1, ..., n-1.
func checkSequence(t *testing.T, what string, got []int, n int) {
	t.Helper()
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	if slices.Equal(got, want) {
		return
	}
	count := map[int]int{}
	for _, v := range got {
		count[v]++
	}
	var missing, twice []int
	for i := range n {
		switch {
		case count[i] == 0:
			missing = append(missing, i)
		case count[i] > 1:
			twice = append(twice, i)
		}
	}
	firstOff := -1
	for i := range min(len(got), n) {
		if got[i] != i {
			firstOff = i
			break
		}
	}
	t.Fatalf("%s: %d messages, want %d; missing %v; more than once %v; first out of place at %d\n%v",
		what, len(got), n, missing, twice, firstOff, got)
}

// crashPeer is the other side of the secret chat: a Tacit client in the
// test process with its own secret chat manager over memory storage. It
// accepts the child's chat request.
type crashPeer struct {
	client *mtproto.Client
	mgr    *secret.Manager
	wake   chan struct{}

	mu     sync.Mutex
	rekeys int // re-keys the peer completed
}

func startCrashPeer(t *testing.T, ctx context.Context, srv *sandbox.Server, problem func(string, ...any)) *crashPeer {
	t.Helper()
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "crash-peer", Endpoint: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	p := &crashPeer{client: client, wake: make(chan struct{}, 1)}
	// The peer re-keys more often than Tacit's default (every 100 messages), so
	// that key changes started by either side overlap with the kills.
	p.mgr = secret.NewManager(client.API(), secret.NewMemoryStorage(), secret.Options{RekeyAfterMessages: crashPeerRekey, Events: func(ev secret.Event) {
		switch e := ev.(type) {
		case secret.ChatRequested:
			go func() {
				if err := p.mgr.Accept(ctx, e.Chat.ID); err != nil {
					problem("peer: accept: %v", err)
				}
			}()
		case secret.Rekeyed:
			p.mu.Lock()
			p.rekeys++
			p.mu.Unlock()
		case secret.ErrorEvent:
			problem("peer: chat %d: %v", e.Chat, e.Err)
		case secret.ChatClosed:
			problem("peer: chat %d closed, reason %d: %v", e.Chat, e.Reason, e.Err)
		}
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}})
	d := client.Dispatcher()
	d.OnEncryption(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryption) error {
		return p.mgr.HandleEncryption(ctx, u)
	})
	d.OnNewEncryptedMessage(func(ctx context.Context, _ tg.Entities, u *tg.UpdateNewEncryptedMessage) error {
		return p.mgr.HandleNewEncryptedMessage(ctx, u)
	})
	d.OnEncryptedMessagesRead(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryptedMessagesRead) error {
		return p.mgr.HandleRead(ctx, u)
	})
	d.OnEncryptedChatTyping(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryptedChatTyping) error {
		return p.mgr.HandleTyping(ctx, u)
	})

	runCtx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- client.Run(runCtx, func(ctx context.Context) error {
			go func() { _ = p.mgr.Run(ctx) }()
			l := client.NewLogin(mtproto.LoginOptions{AllowNoPassword: true})
			if _, err := l.SendCode(ctx, crashPeerPhone); err != nil {
				return err
			}
			code, _ := srv.Code(crashPeerPhone)
			st, err := l.SubmitCode(ctx, code)
			if err != nil {
				return err
			}
			if st == mtproto.StageSignUp {
				if st, err = l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Peer", Acknowledged: true}); err != nil {
					return err
				}
			}
			if st != mtproto.StageReady {
				return fmt.Errorf("peer: login stage %s", st)
			}
			close(ready)
			<-ctx.Done()
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		p.mgr.Close()
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("peer: %v", err)
	case <-ctx.Done():
		t.Fatal("peer: no login before the deadline")
	}
	return p
}

// waitNumbers waits until the peer holds n numbered messages from the child
// and returns their numbers in stored order.
func (p *crashPeer) waitNumbers(t *testing.T, ctx context.Context, chat secret.ChatID, prefix string, n int) []int {
	t.Helper()
	for {
		msgs, err := p.mgr.Messages(ctx, chat)
		if err != nil {
			t.Fatalf("peer: messages: %v", err)
		}
		var ns []int
		for _, m := range msgs {
			if v, ok := numbered(m.Text, prefix); ok && !m.Out {
				ns = append(ns, v)
			}
		}
		if len(ns) >= n {
			return ns
		}
		select {
		case <-p.wake:
		case <-ctx.Done():
			checkSequence(t, "the peer's messages at the deadline", ns, n)
			t.Fatal("peer: deadline")
		}
	}
}

// waitText waits until the peer received text.
func (p *crashPeer) waitText(t *testing.T, ctx context.Context, chat secret.ChatID, text string) {
	t.Helper()
	for {
		msgs, err := p.mgr.Messages(ctx, chat)
		if err != nil {
			t.Fatalf("peer: messages: %v", err)
		}
		for _, m := range msgs {
			if !m.Out && m.Text == text {
				return
			}
		}
		select {
		case <-p.wake:
		case <-ctx.Done():
			t.Fatalf("peer: %q not received before the deadline", text)
		}
	}
}
