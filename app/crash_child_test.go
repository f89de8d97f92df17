package app

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// The crash tests (crash_test.go) run this file's TestCrashChild in a child
// process: the test binary re-executed with the environment below. The child
// is Tacit as the app wires it (encrypted store, mtproto client on the store's
// session and update state, Backend with its secret chat manager) talking to
// the parent's sandbox over TCP. It reports on stdout in lines that start with
// crashLinePrefix, and reads commands (the login code, "FINISH") from stdin.
// The parent kills it with SIGKILL at points of its choosing.

const (
	crashEnvRole  = "TACIT_CRASH_ROLE" // "receive" or "send"; absent: not a child
	crashEnvAddr  = "TACIT_CRASH_ADDR"
	crashEnvRSA   = "TACIT_CRASH_RSA" // PKCS#1 public key of the sandbox, hex
	crashEnvDir   = "TACIT_CRASH_DIR"
	crashEnvKey   = "TACIT_CRASH_KEY" // 32-byte store key, hex
	crashEnvPhone = "TACIT_CRASH_PHONE"
	crashEnvPeer  = "TACIT_CRASH_PEER" // the peer's phone number
	crashEnvCount = "TACIT_CRASH_COUNT"

	crashLinePrefix = "CRASH "
	// crashReceivePrefix numbers the peer's messages, crashSendPrefix the child's.
	crashReceivePrefix = "crash-test "
	crashSendPrefix    = "crash-send "
	crashDoneText      = "crash-test done"
	crashPingText      = "crash-test ping"
	crashPassword      = "crash test password 1"
)

type crashChildConfig struct {
	role      string
	endpoint  mtproto.Endpoint
	dir       string
	key       []byte
	phone     string
	peerPhone string
	count     int
}

func crashChildConfigFromEnv() (crashChildConfig, bool, error) {
	cfg := crashChildConfig{role: os.Getenv(crashEnvRole)}
	if cfg.role == "" {
		return cfg, false, nil
	}
	host, portText, err := net.SplitHostPort(os.Getenv(crashEnvAddr))
	if err != nil {
		return cfg, true, fmt.Errorf("address: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return cfg, true, fmt.Errorf("port: %w", err)
	}
	der, err := hex.DecodeString(os.Getenv(crashEnvRSA))
	if err != nil {
		return cfg, true, fmt.Errorf("server key: %w", err)
	}
	pub, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return cfg, true, fmt.Errorf("server key: %w", err)
	}
	cfg.endpoint = mtproto.Endpoint{
		DC:         sandbox.DC,
		DCOptions:  []tg.DCOption{{ID: sandbox.DC, IPAddress: host, Port: port}},
		PublicKeys: []telegram.PublicKey{{RSA: pub}},
	}
	if cfg.key, err = hex.DecodeString(os.Getenv(crashEnvKey)); err != nil {
		return cfg, true, fmt.Errorf("store key: %w", err)
	}
	if cfg.count, err = strconv.Atoi(os.Getenv(crashEnvCount)); err != nil {
		return cfg, true, fmt.Errorf("count: %w", err)
	}
	cfg.dir, cfg.phone, cfg.peerPhone = os.Getenv(crashEnvDir), os.Getenv(crashEnvPhone), os.Getenv(crashEnvPeer)
	return cfg, true, nil
}

// TestCrashChild is the child process of the crash tests; run alone it skips.
func TestCrashChild(t *testing.T) {
	cfg, ok, err := crashChildConfigFromEnv()
	if !ok {
		t.Skip("runs only as the child process of TestCrashWhileReceiving and TestCrashWhileSending")
	}
	out := &crashOutput{w: os.Stdout}
	if err != nil {
		out.line("FAIL %v", err)
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	child := &crashChild{cfg: cfg, out: out, cmds: make(chan string, 4), wake: make(chan struct{}, 1)}
	// Commands from the parent; end of input means the parent is gone.
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			child.cmds <- sc.Text()
		}
		cancel()
	}()
	if err := child.run(ctx); err != nil {
		out.line("FAIL %v", err)
		t.Fatal(err)
	}
}

// crashOutput writes whole lines to the parent.
type crashOutput struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *crashOutput) line(format string, args ...any) {
	s := crashLinePrefix + fmt.Sprintf(format, args...)
	s = strings.ReplaceAll(s, "\n", " ") + "\n"
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = io.WriteString(o.w, s)
}

type crashChild struct {
	cfg  crashChildConfig
	out  *crashOutput
	cmds chan string
	wake chan struct{} // a secret chat event arrived
	db   *store.Store
	b    *Backend
}

// numbered parses "<prefix><n>".
func numbered(text, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(text, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

func (c *crashChild) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// onEvent reports what the parent needs to see; it runs on the manager's
// event goroutine after the event's transaction committed.
func (c *crashChild) onEvent(ev secret.Event) {
	switch e := ev.(type) {
	case secret.MessageReceived:
		if n, ok := numbered(e.Message.Text, crashReceivePrefix); ok && !e.Message.Out {
			c.out.line("GOT %d", n)
		}
	case secret.Rekeyed:
		c.out.line("REKEYED %d", e.Chat)
	case secret.ErrorEvent:
		c.out.line("ERROR chat %d: %v", e.Chat, e.Err)
	case secret.ChatClosed:
		c.out.line("CLOSED chat %d reason %d: %v", e.Chat, e.Reason, e.Err)
	}
	c.signal()
}

func (c *crashChild) run(ctx context.Context) error {
	db, err := store.Open(ctx, c.cfg.dir, c.cfg.key)
	if err != nil {
		return err
	}
	c.db = db
	defer db.Close()
	if err := c.reportLeftovers(ctx); err != nil {
		return err
	}
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "crash", Endpoint: c.cfg.endpoint,
		Session: db.Session(), State: db.UpdateState()})
	if err != nil {
		return err
	}
	c.b = NewBackend(client, loginOptions(nil), nil, db)
	c.b.secretHook = c.onEvent
	err = client.Run(ctx, func(ctx context.Context) error {
		c.b.run(ctx)
		return c.main(ctx)
	})
	// The manager stops with Run's context; wait for it before the store closes.
	c.b.secret.Close()
	return err
}

// reportLeftovers tells the parent what the previous run left in the store
// for the manager to finish: raw incoming messages not yet applied, queued
// out-of-order messages, and outgoing messages the server never confirmed.
func (c *crashChild) reportLeftovers(ctx context.Context) error {
	var inbox, pending, unsent, messages int
	err := c.db.Secret().View(ctx, func(tx secret.Tx) error {
		inbox, pending, unsent, messages = 0, 0, 0, 0
		chats, err := tx.Chats()
		if err != nil {
			return err
		}
		for _, ch := range chats {
			in, err := tx.Inbox(ch.ID)
			if err != nil {
				return err
			}
			pend, err := tx.Pending(ch.ID)
			if err != nil {
				return err
			}
			msgs, err := tx.Messages(ch.ID)
			if err != nil {
				return err
			}
			inbox, pending, messages = inbox+len(in), pending+len(pend), messages+len(msgs)
			for _, m := range msgs {
				if m.Out && !m.Sent {
					unsent++
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the store: %w", err)
	}
	c.out.line("RESTART messages=%d inbox=%d pending=%d unsent=%d", messages, inbox, pending, unsent)
	return nil
}

func (c *crashChild) main(ctx context.Context) error {
	if err := c.login(ctx); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	chat, err := c.chat(ctx)
	if err != nil {
		return err
	}
	c.out.line("READY %d", chat)
	if c.cfg.role == "send" {
		return c.send(ctx, chat)
	}
	return c.receive(ctx, chat)
}

func (c *crashChild) command(ctx context.Context) (string, error) {
	select {
	case cmd := <-c.cmds:
		return cmd, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// login signs up on the first run and resumes the stored session later.
func (c *crashChild) login(ctx context.Context) error {
	st, err := c.b.Resume(ctx)
	if err != nil {
		return err
	}
	if st.Step == ui.StepReady {
		return nil
	}
	if st.Step != ui.StepPhone {
		return fmt.Errorf("resumed at step %v", st.Step)
	}
	if _, err := c.b.SendCode(ctx, c.cfg.phone); err != nil {
		return err
	}
	c.out.line("NEEDCODE")
	code, err := c.command(ctx)
	if err != nil {
		return err
	}
	if st, err = c.b.SubmitCode(ctx, code); err != nil {
		return err
	}
	if st.Step != ui.StepSignUpRequired {
		return fmt.Errorf("step %v after the code, want sign-up", st.Step)
	}
	if st, err = c.b.SignUp(ctx, "Crash", "Test", true); err != nil {
		return err
	}
	if st.Step != ui.StepSetPassword {
		return fmt.Errorf("step %v after sign-up, want the forced password", st.Step)
	}
	if st, err = c.b.SetPassword(ctx, []byte(crashPassword), "", ""); err != nil {
		return err
	}
	if st.Step != ui.StepReady {
		return fmt.Errorf("step %v after the password, want ready", st.Step)
	}
	return nil
}

// chat returns the secret chat with the peer: the stored one, or on the
// first run a new one, once its key exchange completed.
func (c *crashChild) chat(ctx context.Context) (secret.ChatID, error) {
	chats, err := c.b.secret.Chats(ctx)
	if err != nil {
		return 0, err
	}
	var id secret.ChatID
	switch len(chats) {
	case 0:
		res, err := c.b.client.API().ContactsResolvePhone(ctx, c.cfg.peerPhone)
		if err != nil {
			return 0, fmt.Errorf("find the peer: %w", err)
		}
		var peer *tg.User
		for _, u := range res.Users {
			if u, ok := u.(*tg.User); ok {
				peer = u
			}
		}
		if peer == nil {
			return 0, errors.New("find the peer: no user in the answer")
		}
		if id, err = c.b.secret.Start(ctx, peer.ID, peer.AccessHash); err != nil && id == 0 {
			return 0, fmt.Errorf("start the secret chat: %w", err)
		}
	case 1:
		id = chats[0].ID
	default:
		return 0, fmt.Errorf("%d secret chats in the store, want 1", len(chats))
	}
	for {
		info, err := c.b.secret.Chat(ctx, id)
		if err != nil {
			return 0, err
		}
		switch info.State {
		case secret.StateReady:
			return id, nil
		case secret.StateClosed:
			return 0, fmt.Errorf("secret chat %d is closed", id)
		}
		select {
		case <-c.wake:
		case <-ctx.Done():
			return 0, fmt.Errorf("secret chat %d not ready: %w", id, ctx.Err())
		}
	}
}

// history returns the chat's stored messages, oldest first.
func (c *crashChild) history(ctx context.Context, chat secret.ChatID) ([]secret.Message, error) {
	return c.db.SecretLatest(ctx, chat, 4*c.cfg.count+100)
}

// numbers lists the numbers of the stored messages with prefix in one
// direction, in stored order, and whether all of those were sent.
func (c *crashChild) numbers(ctx context.Context, chat secret.ChatID, prefix string, out bool) (ns []int, allSent bool, err error) {
	msgs, err := c.history(ctx, chat)
	if err != nil {
		return nil, false, err
	}
	allSent = true
	for _, m := range msgs {
		if n, ok := numbered(m.Text, prefix); ok && m.Out == out {
			ns = append(ns, n)
			allSent = allSent && m.Sent
		}
	}
	return ns, allSent, nil
}

func joinNumbers(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, " ")
}

// waitFor re-evaluates done after every secret chat event until it holds.
func (c *crashChild) waitFor(ctx context.Context, what string, done func() (bool, error)) error {
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		select {
		case <-c.wake:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}

// receive waits until the store holds count numbered messages from the
// peer and reports them; on "FINISH" it answers once and exits.
func (c *crashChild) receive(ctx context.Context, chat secret.ChatID) error {
	var got []int
	if err := c.waitFor(ctx, "the peer's messages", func() (bool, error) {
		ns, _, err := c.numbers(ctx, chat, crashReceivePrefix, false)
		got = ns
		return len(ns) >= c.cfg.count, err
	}); err != nil {
		return fmt.Errorf("%w (%d stored)", err, len(got))
	}
	c.out.line("HISTORY %s", joinNumbers(got))
	if cmd, err := c.command(ctx); err != nil || cmd != "FINISH" {
		return fmt.Errorf("command %q: %v", cmd, err)
	}
	sent, err := c.b.SendText(ctx, secretDialogID(chat), crashDoneText)
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	if err := c.waitFor(ctx, "the answer to be sent", func() (bool, error) {
		msgs, err := c.history(ctx, chat)
		for _, m := range msgs {
			if m.RandomID == sent.ID && m.Sent {
				return true, err
			}
		}
		return false, err
	}); err != nil {
		return err
	}
	c.out.line("DONE")
	return nil
}

// send sends the numbered messages not yet in the store, waits until the
// server has accepted all of them (the manager resends what a crash left
// unacknowledged), reports them, and exits when the peer's ping arrives.
func (c *crashChild) send(ctx context.Context, chat secret.ChatID) error {
	stored, _, err := c.numbers(ctx, chat, crashSendPrefix, true)
	if err != nil {
		return err
	}
	next := 0
	for _, n := range stored {
		next = max(next, n+1)
	}
	for n := next; n < c.cfg.count; n++ {
		if _, err := c.b.SendText(ctx, secretDialogID(chat), crashSendPrefix+strconv.Itoa(n)); err != nil {
			return fmt.Errorf("send %d: %w", n, err)
		}
		c.out.line("SENT %d", n)
	}
	var ns []int
	if err := c.waitFor(ctx, "every message to be sent", func() (bool, error) {
		var allSent bool
		var err error
		ns, allSent, err = c.numbers(ctx, chat, crashSendPrefix, true)
		return allSent, err
	}); err != nil {
		return err
	}
	c.out.line("ALLSENT %s", joinNumbers(ns))
	if err := c.waitFor(ctx, "the peer's ping", func() (bool, error) {
		msgs, err := c.history(ctx, chat)
		for _, m := range msgs {
			if !m.Out && m.Text == crashPingText {
				return true, err
			}
		}
		return false, err
	}); err != nil {
		return err
	}
	c.out.line("PING")
	return nil
}
