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

	"tacit/mtproto/sandbox"
	"tacit/mtproto/store"
)

// Crash tests: two children (crash_child_test.go), each Tacit on its own
// encrypted store, hold a secret chat over a TCP sandbox and write numbered
// messages to each other without pause. The parent kills each child with
// SIGKILL after a random delay, at any instant (while it opens its store,
// resumes, encrypts, writes a transaction, sends or receives, re-keys), and
// starts it again at once; both sides are killed independently. At the end
// every message of each side must be in both stores exactly once and in
// order, every file byte-identical, and the chat must go on.
//
// The delays come from generators seeded with TACIT_CRASH_SEED (a fresh seed
// is drawn and logged when it is unset): the same seed draws the same
// delays again. Where a delay lands inside the child still depends on how
// fast the machine is at that moment. TACIT_CRASH_KILLS sets how many kills
// TestCrashRandomKills makes (both sides together; default 20);
// `make reliability` runs 1,000.

const (
	crashPhoneA = "15550003001"
	crashPhoneB = "15550003002"

	// crashDefaultKills is the number of kills of a plain `go test` run.
	crashDefaultKills = 20
)

// crashPlan says how a scenario kills.
type crashPlan struct {
	kills int // over both sides
	// delay draws the time from a child's start to its kill.
	delay func(r *mrand.Rand) time.Duration
	rekey bool // the children ask for a new key as soon as their chat is ready
	files bool // every crashFileEvery-th message is a file
}

// anyInstant spreads kills over everything a run does: a third land while
// the child starts (store, connection, resume), the rest while it writes.
func anyInstant(r *mrand.Rand) time.Duration {
	if r.IntN(3) == 0 {
		return time.Duration(r.IntN(400)) * time.Millisecond
	}
	return time.Duration(400+r.IntN(1600)) * time.Millisecond
}

// TestCrashRandomKills kills both sides at random instants while they
// write to each other, with files among the messages.
func TestCrashRandomKills(t *testing.T) {
	kills := crashDefaultKills
	if s := os.Getenv("TACIT_CRASH_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2 {
			t.Fatalf("TACIT_CRASH_KILLS=%q: want a number of kills, at least 2", s)
		}
		kills = n
	}
	runCrashScenario(t, crashPlan{kills: kills, delay: anyInstant, files: true})
}

// TestCrashDuringRekey: every run of each child asks for a new key as soon
// as its chat is ready and is killed shortly after, so kills land inside
// key exchanges (on the side that started it and on the side answering).
func TestCrashDuringRekey(t *testing.T) {
	runCrashScenario(t, crashPlan{kills: 12, rekey: true, delay: func(r *mrand.Rand) time.Duration {
		return time.Duration(600+r.IntN(900)) * time.Millisecond
	}})
}

func runCrashScenario(t *testing.T, plan crashPlan) {
	if testing.Short() {
		t.Skip("crash test: restarts child processes many times; skipped with -short")
	}
	h := newCrashHarness(t, plan)
	// b signs up first, so that a can find it; a then starts the chat.
	b := h.side("b", crashPhoneB)
	a := h.side("a", crashPhoneA)
	pb := b.start("sign up")
	pb.expect("LOGGEDIN")
	pa := a.start("sign up and start the chat")
	pa.expect("READY")
	pb.expect("READY")

	// The kill phase: each side on its own goroutine, half the kills each.
	var wg sync.WaitGroup
	for i, s := range []*crashSide{a, b} {
		first := []*crashProc{pa, pb}[i]
		budget := plan.kills / 2
		if i == 0 {
			budget = plan.kills - plan.kills/2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.killLoop(first, budget)
		}()
	}
	wg.Wait()
	h.checkClean()

	// The final runs: no more kills. Both stop writing, report what they
	// wrote, learn what to expect from the other, and check it arrived.
	pa, pb = a.start("final run"), b.start("final run")
	pa.command("STOP")
	pb.command("STOP")
	ownA := pa.expectNumbers("ALLSENT")
	ownB := pb.expectNumbers("ALLSENT")
	checkSequence(t, "a's stored messages", ownA, len(ownA))
	checkSequence(t, "b's stored messages", ownB, len(ownB))
	pa.command("EXPECT " + strconv.Itoa(len(ownB)))
	pb.command("EXPECT " + strconv.Itoa(len(ownA)))
	checkSequence(t, "the messages a received from b", pa.expectNumbers("HISTORY"), len(ownB))
	checkSequence(t, "the messages b received from a", pb.expectNumbers("HISTORY"), len(ownA))
	filesA, filesB := pa.expect("FILES"), pb.expect("FILES")
	pa.expect("DONE")
	pb.expect("DONE")
	pa.exit()
	pb.exit()
	h.checkClean()

	h.mu.Lock()
	defer h.mu.Unlock()
	t.Logf("%d kills (a %d, b %d) over %d runs in %s; messages: a wrote %d, b wrote %d, all arrived once and in order; files checked: a %s, b %s; re-keys completed: %d; redelivered messages dropped: %d; seed %d",
		a.kills+b.kills, a.kills, b.kills, a.runs+b.runs, time.Since(h.started).Round(time.Millisecond),
		len(ownA), len(ownB), filesA, filesB, h.rekeys, h.dropped, h.seed)
	crashReport(t, a.kills+b.kills, len(ownA)+len(ownB), h.rekeys, h.seed)
}

// crashReport appends the scenario's figures to $TACIT_RELIABILITY_REPORT
// (make reliability collects them into docs/reliability.md).
func crashReport(t *testing.T, kills, messages, rekeys int, seed uint64) {
	path := os.Getenv("TACIT_RELIABILITY_REPORT")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fmt.Fprintf(f, "crash\t%s\tkills=%d\tmessages=%d\trekeys=%d\tlost=0\tseed=%d\n", t.Name(), kills, messages, rekeys, seed)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// crashHarness holds a scenario: the sandbox and the two sides.
type crashHarness struct {
	t       *testing.T
	ctx     context.Context
	cancel  context.CancelFunc
	srv     *sandbox.Server
	plan    crashPlan
	seed    uint64
	started time.Time

	mu       sync.Mutex
	problems []string
	rekeys   int // re-keys completed, as the children reported them
	dropped  int // incoming messages dropped (undecryptable duplicates)
}

func newCrashHarness(t *testing.T, plan crashPlan) *crashHarness {
	// Each run of a child takes a few seconds at most (more with -race);
	// the deadline only stops a hung scenario.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute+time.Duration(plan.kills)*4*time.Second)
	t.Cleanup(cancel)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TACIT_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TACIT_CRASH_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("kill delays seeded with %d (TACIT_CRASH_SEED=%d draws them again)", seed, seed)
	srv, err := sandbox.New(sandbox.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &crashHarness{t: t, ctx: ctx, cancel: cancel, srv: srv, plan: plan, seed: seed, started: time.Now()}
}

func (h *crashHarness) problem(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.problems = append(h.problems, fmt.Sprintf(format, args...))
}

// checkClean fails the test if a child reported a secret chat error, a
// closed chat, a failure, a panic or a data race in any run.
func (h *crashHarness) checkClean() {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.problems) > 0 {
		h.t.Fatalf("%d problems (seed %d):\n%s", len(h.problems), h.seed, strings.Join(h.problems, "\n"))
	}
}

// crashSide is one child: its data directory, environment and kill delays.
type crashSide struct {
	h     *crashHarness
	role  string
	phone string
	env   []string
	rng   *mrand.Rand

	mu    sync.Mutex
	runs  int
	kills int
}

func (h *crashHarness) side(role, phone string) *crashSide {
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		h.t.Fatal(err)
	}
	pub := h.srv.Endpoint().PublicKeys[0].RSA
	env := append(os.Environ(),
		crashEnvRole+"="+role,
		crashEnvAddr+"="+h.srv.Addr(),
		crashEnvRSA+"="+hex.EncodeToString(x509.MarshalPKCS1PublicKey(pub)),
		crashEnvDir+"="+h.t.TempDir(),
		crashEnvKey+"="+hex.EncodeToString(key),
		crashEnvPhone+"="+phone,
	)
	clear(key)
	if h.plan.rekey {
		env = append(env, crashEnvRekey+"=1")
	}
	if h.plan.files {
		env = append(env, crashEnvFiles+"=1")
	}
	stream := uint64(role[0])
	return &crashSide{h: h, role: role, phone: phone, env: env, rng: mrand.New(mrand.NewPCG(h.seed, stream))}
}

// killLoop kills first, then restarts the child and kills it again, until
// budget kills were made. A run that ends by itself is a failure.
func (s *crashSide) killLoop(first *crashProc, budget int) {
	p := first
	for i := 0; i < budget; i++ {
		if p == nil {
			p = s.start("")
		}
		// The side's generator serves only these draws, so a seed gives
		// the same delays whatever the runs do.
		if !p.runFor(s.h.plan.delay(s.rng)) {
			return
		}
		if !p.kill() {
			return
		}
		s.mu.Lock()
		s.kills++
		s.mu.Unlock()
		p = nil
	}
}

// crashProc is one run of a child.
type crashProc struct {
	s      *crashSide
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

func (s *crashSide) start(plan string) *crashProc {
	h := s.h
	s.mu.Lock()
	s.runs++
	p := &crashProc{s: s, run: s.runs, lines: make(chan string, 1024), output: &lockedBuffer{}, stderr: &lockedBuffer{}}
	s.mu.Unlock()
	if plan != "" {
		h.t.Logf("%s run %d: %s", s.role, p.run, plan)
	}
	p.cmd = exec.CommandContext(h.ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.timeout=11m")
	p.cmd.Env = s.env
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		h.t.Error(err)
		h.cancel()
		return p
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		h.t.Error(err)
		h.cancel()
		return p
	}
	if err := p.cmd.Start(); err != nil {
		h.t.Error(err)
		h.cancel()
		return p
	}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), crashLinePrefix); ok {
				p.lines <- line
			} else {
				fmt.Fprintln(p.output, sc.Text())
			}
		}
	}()
	h.t.Cleanup(func() {
		if p.cmd.ProcessState == nil && p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// fail records a problem with the child's output and stops the scenario.
func (p *crashProc) fail(format string, args ...any) {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
	p.s.h.problem("%s run %d: %s\nchild output:\n%s\nchild stderr:\n%s", p.s.role, p.run, fmt.Sprintf(format, args...), p.output.String(), p.stderr.String())
	p.s.h.cancel()
}

// handle records problems and answers the login code request; it returns
// the line's verb and argument.
func (p *crashProc) handle(line string) (verb, arg string) {
	h := p.s.h
	verb, arg, _ = strings.Cut(line, " ")
	switch verb {
	case "NEEDCODE":
		code, ok := h.srv.Code(p.s.phone)
		if !ok {
			p.fail("the sandbox has no login code")
			break
		}
		p.command(code)
	case "REKEYED":
		h.mu.Lock()
		h.rekeys++
		h.mu.Unlock()
	case "ERROR":
		// A message the server delivers again after a kill (the update
		// state had not recorded it yet) may be under a key already
		// replaced: it is dropped, as it should be. Whether anything was
		// lost is what the final check establishes.
		if strings.Contains(arg, "incoming message dropped") {
			h.mu.Lock()
			h.dropped++
			h.mu.Unlock()
			break
		}
		h.problem("%s run %d: %s", p.s.role, p.run, line)
	case "CLOSED":
		h.problem("%s run %d: %s", p.s.role, p.run, line)
	case "FAIL":
		p.fail("the child failed: %s", arg)
	}
	return verb, arg
}

// runFor lets the child run for d, handling its lines; false if it ended
// or failed before.
func (p *crashProc) runFor(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				err := p.cmd.Wait()
				p.fail("the child ended before its kill (%v)", err)
				return false
			}
			if v, _ := p.handle(line); v == "FAIL" {
				return false
			}
		case <-timer.C:
			return true
		case <-p.s.h.ctx.Done():
			return false
		}
	}
}

// next returns the child's next report line; "" when it ended or failed.
func (p *crashProc) next() (verb, arg string) {
	select {
	case line, ok := <-p.lines:
		if !ok {
			err := p.cmd.Wait()
			p.fail("the child ended unexpectedly (%v)", err)
			return "", ""
		}
		return p.handle(line)
	case <-p.s.h.ctx.Done():
		p.fail("no report from the child before the deadline")
		return "", ""
	}
}

// expect reads report lines until verb and returns its argument; it ends
// the test when the child fails first.
func (p *crashProc) expect(verb string) string {
	h := p.s.h
	h.t.Helper()
	for {
		v, arg := p.next()
		if v == verb {
			return arg
		}
		if v == "" || v == "FAIL" {
			h.checkClean()
			h.t.Fatalf("%s run %d ended before %s", p.s.role, p.run, verb)
		}
	}
}

// expectNumbers reads "<verb> <count> <ranges>" and returns the numbers.
func (p *crashProc) expectNumbers(verb string) []int {
	h := p.s.h
	h.t.Helper()
	count, list, _ := strings.Cut(p.expect(verb), " ")
	ns, err := parseRanges(list)
	if err != nil {
		h.t.Fatalf("%s %s: %v", verb, list, err)
	}
	if strconv.Itoa(len(ns)) != count {
		h.t.Fatalf("%s: %s numbers announced, %d listed", verb, count, len(ns))
	}
	return ns
}

func (p *crashProc) command(line string) {
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.fail("command %q: %v", line, err)
	}
}

// kill sends SIGKILL, handles the lines the child wrote before it died, and
// reports whether it died of the signal.
func (p *crashProc) kill() bool {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.fail("kill: %v", err)
		return false
	}
	for line := range p.lines {
		p.handle(line)
	}
	err := p.cmd.Wait()
	p.stdin.Close()
	p.checkStderr()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	p.fail("ended before the kill (%v)", err)
	return false
}

// exit waits for a clean exit of the final run.
func (p *crashProc) exit() {
	for line := range p.lines {
		p.handle(line)
	}
	err := p.cmd.Wait()
	p.stdin.Close()
	p.checkStderr()
	if err != nil {
		p.fail("the final run did not exit cleanly: %v", err)
	}
}

func (p *crashProc) checkStderr() {
	if s := p.stderr.String(); strings.Contains(s, "DATA RACE") || strings.Contains(s, "panic:") {
		p.s.h.problem("%s run %d stderr:\n%s", p.s.role, p.run, s)
	}
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
	t.Fatalf("%s: %d messages, want %d; missing %v; more than once %v; first out of place at %d\n%s",
		what, len(got), n, missing, twice, firstOff, ranges(got))
}
