package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// Disk trouble: the data directory lives on a small tmpfs of its own,
// mounted in a private mount namespace (a child process of the test binary;
// as root or, elsewhere, in a user namespace), so the test can fill the disk
// and make it read-only without touching anything else.
//
// With the disk full, sending in a secret chat fails with an error the
// window words ("The disk is full ...") and nothing reaches the peer;
// messages arriving meanwhile are not confirmed to the server and the
// stored qts does not pass them, so after space is freed and Tacit starts
// again they arrive, each once and in order. A read-only data directory
// refuses to open with its own sentence. Nothing half-written remains: the
// store opens and reads back everything it confirmed.
//
// Here the update state is on the full disk too, so qts cannot move on its
// own; when it can (a message refused, the state written after room came
// back), the qts guard holds it: TestQTSGuardKeepsUnstoredMessages, and the
// acknowledgements are held by TestAckHeldAfterUnstoredMessage.

const diskChildEnv = "TACIT_DISK_CHILD"

func TestDiskTrouble(t *testing.T) {
	if os.Getenv(diskChildEnv) == "" {
		if testing.Short() {
			t.Skip("mounts a tmpfs in a child process; skipped with -short")
		}
		runInMountNamespace(t, "^TestDiskTrouble$")
		return
	}
	diskScenario(t)
}

// runInMountNamespace runs the test binary's tests matching run in a child
// process with a private mount namespace and diskChildEnv set.
func runInMountNamespace(t *testing.T, run string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.count=1", "-test.v", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), diskChildEnv+"=1")
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
	if os.Getuid() != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	}
	cmd.SysProcAttr = attr
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Skipf("no private mount namespace on this system (%v): run the tests as root or allow user namespaces", err)
	}
	t.Logf("child process:\n%s", out)
	if err == nil && strings.Contains(string(out), "--- SKIP: ") {
		t.Skip("the child process could not mount its file systems (see its output above)")
	}
	if err != nil {
		t.Fatalf("the disk trouble scenario failed: %v", err)
	}
}

// diskScenario runs inside the mount namespace.
func diskScenario(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	if err := syscall.Mount("none", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		t.Skipf("cannot make the mounts private here (%v): run the tests as root or allow user namespaces", err)
	}
	dir := t.TempDir()
	if err := syscall.Mount("tacit-test", dir, "tmpfs", 0, "size=24m,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): run the tests as root or allow user namespaces", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	data := filepath.Join(dir, "data")
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}

	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dana, err := srv.AddContact(ctx, "Dana", "15550004001", sandbox.ContactOptions{Greet: true, Reply: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	watch := watchSecretTraffic(srv)

	db, err := store.Open(ctx, data, key)
	if err != nil {
		t.Fatal(err)
	}
	diag := newLineSignal()
	w := openDiskWindow(t, ctx, srv, db, diag)
	w.signUp(ctx, "15550004002", "Ann")
	me, ok := srv.UserByPhone("15550004002")
	if !ok {
		t.Fatal("the sandbox does not know Ann")
	}
	request := w.waitDialog(ctx, "Dana's secret chat request", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindSecret && d.Title == "Dana"
	})
	if err := w.svc.Secret.AcceptSecretChat(ctx, request.ID); err != nil {
		t.Fatal(err)
	}
	w.waitSecret(ctx, request.ID, ui.SecretReady)
	chat, _ := secretChatOf(request.ID)
	danaSends := func(text string) {
		t.Helper()
		for {
			_, err := dana.SecretChats().SendText(ctx, chat, text, secret.SendOptions{})
			if err == nil {
				return
			}
			if !errors.Is(err, secret.ErrNotReady) {
				t.Fatalf("Dana: %v", err)
			}
			// Dana learns of the acceptance from an update still on its way.
			watch.waitAnyPush(ctx, t)
		}
	}
	danaSends("before 0")
	w.waitText(ctx, request.ID, "before 0")

	// The disk fills up: the WAL is emptied first, so the next write needs
	// new room.
	if err := db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	filler := fillDisk(t, dir)

	// Sending fails with a sentence about the disk, and nothing is sent.
	_, err = w.svc.Messages.SendText(ctx, request.ID, "written on a full disk", ui.SendOptions{})
	var p *ui.Problem
	if !errors.As(err, &p) || !errors.Is(store.DiskProblem(p.Err), store.ErrDiskFull) || !strings.Contains(p.Message, "disk is full") {
		t.Fatalf("send on a full disk: %v, want the disk-full problem", err)
	}
	t.Logf("send on a full disk: %q", p.Message)

	// Messages arriving now cannot be stored: they are not confirmed, and
	// the diagnostics log says so.
	before := len(watch.waitPushed(ctx, t, me, 0))
	for i := range 3 {
		danaSends(fmt.Sprintf("during %d", i))
	}
	pushed := watch.waitPushed(ctx, t, me, before+3)[before:]
	if err := diag.waitFor(ctx, "disk is full"); err != nil {
		t.Fatalf("no diagnostics line about the failed update (%v); the log:\n%s", err, diag.text())
	}
	if acked := watch.acked(me); acked >= pushed[0] {
		t.Fatalf("qts %d confirmed with receivedQueue, but the messages from qts %d on were not stored", acked, pushed[0])
	}

	// Space comes back; Tacit starts again and catches up.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	w.close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = store.Open(ctx, data, key); err != nil {
		t.Fatalf("open after the disk was full: %v", err)
	}
	w = openDiskWindow(t, ctx, srv, db, newLineSignal())
	if st, err := w.svc.Login.Resume(ctx); err != nil || st.Step != ui.StepReady {
		t.Fatalf("resume: %+v %v", st, err)
	}
	w.waitText(ctx, request.ID, "during 2")
	history, err := w.svc.Messages.History(ctx, request.ID, ui.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range history {
		if !m.Out {
			texts = append(texts, m.Text)
		}
	}
	if want := []string{"before 0", "during 0", "during 1", "during 2"}; !slices.Equal(texts, want) {
		t.Fatalf("received %q, want %q", texts, want)
	}
	for _, m := range history {
		if m.Text == "written on a full disk" {
			t.Fatal("the message refused on a full disk is in the history")
		}
	}
	if got, err := dana.SecretChats().Messages(ctx, chat); err != nil {
		t.Fatal(err)
	} else if slices.ContainsFunc(got, func(m secret.Message) bool { return m.Text == "written on a full disk" }) {
		t.Fatal("the peer received a message that was refused on a full disk")
	}
	// The messages fetched again came with getDifference, which confirms them
	// by the qts it sends next time; the next message pushed is confirmed
	// with receivedQueue as usual, and with it everything before.
	danaSends("after 0")
	w.waitText(ctx, request.ID, "after 0")
	all := watch.waitPushed(ctx, t, me, before+4)
	watch.waitAcked(ctx, t, me, all[len(all)-1])
	// Sending works again.
	if _, err := w.svc.Messages.SendText(ctx, request.ID, "space again", ui.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// Dana answers every secret text; waiting for the answer keeps the count below exact.
	w.waitText(ctx, request.ID, "Dana here: got your secret message (11 characters).")
	w.close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A read-only data directory: opening says so.
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	_, err = store.Open(ctx, data, key)
	if !errors.Is(store.DiskProblem(err), store.ErrReadOnly) {
		t.Fatalf("open of a read-only data directory: %v, want a read-only error", err)
	}
	msg := userError(err).(*ui.Problem).Message
	if !strings.Contains(msg, "cannot write to its data folder") {
		t.Fatalf("read-only data directory worded %q", msg)
	}
	t.Logf("open on a read-only disk: %q", msg)
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT, ""); err != nil {
		t.Fatalf("remount writable: %v", err)
	}
	db, err = store.Open(ctx, data, key)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored []secret.Message
	if err := db.Secret().View(ctx, func(tx secret.Tx) (err error) {
		stored, err = tx.Messages(chat)
		return err
	}); err != nil {
		t.Fatalf("read back after the disk trouble: %v", err)
	}
	if len(stored) != 7 { // five from Dana, one sent, Dana's answer to it
		var what []string
		for _, m := range stored {
			what = append(what, fmt.Sprintf("%q (out %v, sent %v, kind %v)", m.Text, m.Out, m.Sent, m.Kind))
		}
		t.Fatalf("%d messages stored, want 7: %s", len(stored), strings.Join(what, ", "))
	}
}

// fillDisk writes a file into dir until the disk is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64*1024)
	for len(chunk) > 0 {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			chunk = chunk[:len(chunk)/2] // fill the last bytes too
		}
	}
	return path
}

// diskWindow is a window on a store whose diagnostics the test reads.
type diskWindow struct {
	*window
	close func()
}

func openDiskWindow(t *testing.T, ctx context.Context, srv *sandbox.Server, db *store.Store, diag io.Writer) *diskWindow {
	t.Helper()
	sess := newSession(ctx, mtproto.Options{AppID: 1, AppHash: "t", Endpoint: srv.Endpoint()}, db, srv, "", newDiagnostics(diag))
	b, err := sess.start()
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(sess.close) }
	t.Cleanup(stop)
	w := &window{t: t, srv: srv, events: make(chan ui.Event, 1024)}
	w.use(b.Services())
	w.b = b
	return &diskWindow{window: w, close: stop}
}

// lineSignal is a writer that tells waiters about every line written.
type lineSignal struct {
	mu    sync.Mutex
	lines []string
	wake  chan struct{}
	pw    *io.PipeWriter
}

func newLineSignal() *lineSignal {
	pr, pw := io.Pipe()
	s := &lineSignal{wake: make(chan struct{}, 1), pw: pw}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.lines = append(s.lines, sc.Text())
			s.mu.Unlock()
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	}()
	return s
}

func (s *lineSignal) Write(p []byte) (int, error) { return s.pw.Write(p) }

// text returns the lines written so far.
func (s *lineSignal) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

// waitFor waits for a line containing text.
func (s *lineSignal) waitFor(ctx context.Context, text string) error {
	for {
		s.mu.Lock()
		found := slices.ContainsFunc(s.lines, func(l string) bool { return strings.Contains(l, text) })
		s.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-s.wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// secretTraffic watches the sandbox: the qts of the encrypted messages it
// pushes to each user and the highest qts each confirmed. One wake channel
// serves every waiter, so only one goroutine may wait at a time.
type secretTraffic struct {
	mu      sync.Mutex
	pushed  map[int64][]int
	ackedTo map[int64]int
	wake    chan struct{}
}

func watchSecretTraffic(srv *sandbox.Server) *secretTraffic {
	w := &secretTraffic{pushed: map[int64][]int{}, ackedTo: map[int64]int{}, wake: make(chan struct{}, 1)}
	srv.Intercept(sandbox.Interceptor{
		Call: func(ctx context.Context, c *sandbox.Call, next sandbox.CallFunc) (bin.Encoder, error) {
			if c.TypeID == tg.MessagesReceivedQueueRequestTypeID {
				var req tg.MessagesReceivedQueueRequest
				if err := req.Decode(&bin.Buffer{Buf: c.Body}); err == nil {
					w.mu.Lock()
					w.ackedTo[c.UserID] = max(w.ackedTo[c.UserID], req.MaxQts)
					w.mu.Unlock()
					w.signal()
				}
			}
			return next(ctx, c)
		},
		Push: func(ctx context.Context, p *sandbox.Push, next sandbox.PushFunc) error {
			var list []tg.UpdateClass
			switch u := p.Updates.(type) {
			case *tg.Updates:
				list = u.Updates
			case *tg.UpdateShort:
				list = []tg.UpdateClass{u.Update}
			}
			for _, u := range list {
				if e, ok := u.(*tg.UpdateNewEncryptedMessage); ok {
					w.mu.Lock()
					if !slices.Contains(w.pushed[p.UserID], e.Qts) {
						w.pushed[p.UserID] = append(w.pushed[p.UserID], e.Qts)
					}
					w.mu.Unlock()
				}
			}
			err := next(ctx, p)
			w.signal()
			return err
		},
	})
	return w
}

// signal wakes the waiters.
func (w *secretTraffic) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// waitAcked waits until user confirmed qts with receivedQueue.
func (w *secretTraffic) waitAcked(ctx context.Context, t *testing.T, user int64, qts int) {
	t.Helper()
	for w.acked(user) < qts {
		select {
		case <-w.wake:
		case <-ctx.Done():
			t.Fatalf("user %d confirmed qts %d, want %d", user, w.acked(user), qts)
		}
	}
}

// waitPushed waits until n encrypted messages were pushed to user and
// returns their qts.
func (w *secretTraffic) waitPushed(ctx context.Context, t *testing.T, user int64, n int) []int {
	t.Helper()
	for {
		w.mu.Lock()
		got := slices.Clone(w.pushed[user])
		w.mu.Unlock()
		if len(got) >= n {
			slices.Sort(got)
			return got
		}
		select {
		case <-w.wake:
		case <-ctx.Done():
			t.Fatalf("%d encrypted messages pushed to user %d, want %d", len(got), user, n)
		}
	}
}

// waitAnyPush waits until the sandbox pushed something.
func (w *secretTraffic) waitAnyPush(ctx context.Context, t *testing.T) {
	t.Helper()
	select {
	case <-w.wake:
	case <-ctx.Done():
		t.Fatal("the sandbox pushed nothing more")
	}
}

func (w *secretTraffic) acked(user int64) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ackedTo[user]
}
