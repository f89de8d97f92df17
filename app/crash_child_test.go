package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// The crash tests (crash_test.go) run this file's TestCrashChild in child
// processes: the test binary re-executed with the environment below. A child
// is Tacit as the app wires it (encrypted store, mtproto client on the
// store's session and update state, Backend with its secret chat manager)
// talking to the parent's sandbox over TCP. Two children, "a" and "b", hold a
// secret chat with each other and write numbered messages to each other
// without pause, while the parent kills each of them with SIGKILL at random
// instants and starts it again. A child reports on stdout in lines that start
// with crashLinePrefix and reads commands from stdin (the login code,
// "STOP", "EXPECT n").

const (
	crashEnvRole  = "TACIT_CRASH_ROLE" // "a" (starts the chat) or "b" (accepts it); absent: not a child
	crashEnvAddr  = "TACIT_CRASH_ADDR"
	crashEnvRSA   = "TACIT_CRASH_RSA" // PKCS#1 public key of the sandbox, hex
	crashEnvDir   = "TACIT_CRASH_DIR"
	crashEnvKey   = "TACIT_CRASH_KEY" // 32-byte store key, hex
	crashEnvPhone = "TACIT_CRASH_PHONE"
	crashEnvRekey = "TACIT_CRASH_REKEY" // "1": ask for a new key as soon as the chat is ready
	crashEnvFiles = "TACIT_CRASH_FILES" // "1": every crashFileEvery-th message is a file

	crashLinePrefix = "CRASH "
	crashPassword   = "crash test password 1"

	// crashWindow is how many of its messages a child lets wait for the
	// server's confirmation before it writes the next.
	crashWindow = 4
	// crashFileEvery: with files on, message n is a file when n%crashFileEvery
	// is crashFileEvery-1.
	crashFileEvery = 25
)

// crashText is the text of message n written by role.
func crashText(role string, n int) string { return "crash " + role + " " + strconv.Itoa(n) }

// crashDoneText is what role writes once every number arrived.
func crashDoneText(role string) string { return "crash " + role + " done" }

// crashUsername is the username of role's account.
func crashUsername(role string) string { return "crashtest" + role }

func crashOther(role string) string {
	if role == "a" {
		return "b"
	}
	return "a"
}

// crashFileContent is the content of the file sent as message n: its size
// varies from one to three upload parts, and its bytes depend on n.
func crashFileContent(n int) []byte {
	size := secret.FilePartSize/2 + (n*7919)%(2*secret.FilePartSize)
	out := make([]byte, 0, size+sha256.Size)
	var seed [8]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(n))
	block := sha256.Sum256(seed[:])
	for len(out) < size {
		out = append(out, block[:]...)
		block = sha256.Sum256(block[:])
	}
	return out[:size]
}

type crashChildConfig struct {
	role     string
	endpoint mtproto.Endpoint
	dir      string
	key      []byte
	phone    string
	rekey    bool
	files    bool
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
	cfg.dir, cfg.phone = os.Getenv(crashEnvDir), os.Getenv(crashEnvPhone)
	cfg.rekey, cfg.files = os.Getenv(crashEnvRekey) == "1", os.Getenv(crashEnvFiles) == "1"
	return cfg, true, nil
}

// TestCrashChild is the child process of the crash tests; run alone it skips.
func TestCrashChild(t *testing.T) {
	cfg, ok, err := crashChildConfigFromEnv()
	if !ok {
		t.Skip("runs only as a child process of the crash tests")
	}
	out := &crashOutput{w: os.Stdout}
	if err != nil {
		out.line("FAIL %v", err)
		t.Fatal(err)
	}
	child := &crashChild{cfg: cfg, out: out, cmds: make(chan string, 4), wake: make(chan struct{}, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
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

	mu        sync.Mutex
	requested []secret.ChatID // chat requests to accept (role b)
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
	case secret.ChatRequested:
		c.mu.Lock()
		c.requested = append(c.requested, e.Chat.ID)
		c.mu.Unlock()
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
	// Each child is found by its username: after sign-up nobody finds it by
	// its phone number.
	if _, err := c.b.client.API().AccountUpdateUsername(ctx, crashUsername(c.cfg.role)); err != nil && !tgerr.Is(err, "USERNAME_NOT_MODIFIED") {
		return fmt.Errorf("username: %w", err)
	}
	c.out.line("LOGGEDIN")
	chat, err := c.chat(ctx)
	if err != nil {
		return err
	}
	c.out.line("READY %d", chat)
	if c.cfg.rekey {
		switch err := c.b.secret.Rekey(ctx, chat); {
		case err == nil:
			c.out.line("REKEYING")
		case errors.Is(err, secret.ErrRekeyBusy):
			// An exchange from before the kill is still open.
		default:
			return fmt.Errorf("re-key: %w", err)
		}
	}
	if err := c.exchange(ctx, chat); err != nil {
		return err
	}
	return c.finish(ctx, chat)
}

// login signs up on the first run and resumes the stored session later.
func (c *crashChild) login(ctx context.Context) error {
	login := c.b.Services().Login
	st, err := login.Resume(ctx)
	if err != nil {
		return err
	}
	if st.Step == ui.StepReady {
		return nil
	}
	if st.Step != ui.StepPhone {
		return fmt.Errorf("resumed at step %v", st.Step)
	}
	if _, err := login.SendCode(ctx, c.cfg.phone); err != nil {
		return err
	}
	c.out.line("NEEDCODE")
	code, err := c.command(ctx)
	if err != nil {
		return err
	}
	if st, err = login.SubmitCode(ctx, code); err != nil {
		return err
	}
	if st.Step != ui.StepSignUpRequired {
		return fmt.Errorf("step %v after the code, want sign-up", st.Step)
	}
	if st, err = login.SignUp(ctx, "Crash", strings.ToUpper(c.cfg.role), true); err != nil {
		return err
	}
	if st.Step != ui.StepSetPassword {
		return fmt.Errorf("step %v after sign-up, want the forced password", st.Step)
	}
	if st, err = login.SetPassword(ctx, []byte(crashPassword), "", ""); err != nil {
		return err
	}
	if st.Step != ui.StepReady {
		return fmt.Errorf("step %v after the password, want ready", st.Step)
	}
	return nil
}

func (c *crashChild) command(ctx context.Context) (string, error) {
	select {
	case cmd := <-c.cmds:
		return cmd, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// chat returns the secret chat with the other child once its key exchange
// completed: a starts it (on the run that finds none stored), b accepts it,
// again after a restart if the kill came before the acceptance completed.
func (c *crashChild) chat(ctx context.Context) (secret.ChatID, error) {
	var id secret.ChatID
	for {
		chats, err := c.b.secret.Chats(ctx)
		if err != nil {
			return 0, err
		}
		c.mu.Lock()
		requested := c.requested
		c.requested = nil
		c.mu.Unlock()
		for _, r := range requested {
			if !slices.ContainsFunc(chats, func(ci secret.ChatInfo) bool { return ci.ID == r }) {
				chats = append(chats, secret.ChatInfo{ID: r, State: secret.StateRequested})
			}
		}
		if len(chats) > 1 {
			return 0, fmt.Errorf("%d secret chats in the store, want 1: %+v", len(chats), chats)
		}
		if len(chats) == 1 {
			id = chats[0].ID
			switch chats[0].State {
			case secret.StateReady:
				return id, nil
			case secret.StateClosed:
				return 0, fmt.Errorf("secret chat %d is closed", id)
			case secret.StateRequested, secret.StateAccepting:
				if err := c.b.secret.Accept(ctx, id); err != nil {
					return 0, fmt.Errorf("accept: %w", err)
				}
				continue
			}
		} else if c.cfg.role == "a" {
			if id, err = c.startChat(ctx); err != nil {
				return 0, err
			}
			continue
		}
		select {
		case <-c.wake:
		case <-ctx.Done():
			return 0, fmt.Errorf("secret chat %d not ready: %w", id, ctx.Err())
		}
	}
}

func (c *crashChild) startChat(ctx context.Context) (secret.ChatID, error) {
	res, err := c.b.client.API().ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: crashUsername(crashOther(c.cfg.role))})
	if err != nil {
		return 0, fmt.Errorf("find the peer: %w", err)
	}
	for _, u := range res.Users {
		if u, ok := u.(*tg.User); ok {
			id, err := c.b.secret.Start(ctx, u.ID, u.AccessHash)
			if err != nil && id == 0 {
				return 0, fmt.Errorf("start the secret chat: %w", err)
			}
			return id, nil
		}
	}
	return 0, errors.New("find the peer: no user in the answer")
}

// tally is what the store holds of the chat: the numbers of the messages
// each side wrote, in stored order.
type tally struct {
	own, theirs []int
	unsent      int
	files       []secret.Message // received files
	doneFrom    bool             // the other side's closing message arrived
}

func (c *crashChild) tally(ctx context.Context, chat secret.ChatID, limit int) (tally, error) {
	var msgs []secret.Message
	var err error
	if limit > 0 {
		msgs, err = c.db.SecretLatest(ctx, chat, limit)
	} else {
		err = c.db.Secret().View(ctx, func(tx secret.Tx) (err error) { msgs, err = tx.Messages(chat); return })
	}
	if err != nil {
		return tally{}, err
	}
	me, other := c.cfg.role, crashOther(c.cfg.role)
	var tl tally
	for _, m := range msgs {
		text := m.Text
		if m.Out {
			if !m.Sent {
				tl.unsent++
			}
			if n, ok := numbered(text, "crash "+me+" "); ok {
				tl.own = append(tl.own, n)
			}
			continue
		}
		if n, ok := numbered(text, "crash "+other+" "); ok {
			tl.theirs = append(tl.theirs, n)
			if m.Media != nil {
				tl.files = append(tl.files, m)
			}
		}
		if text == crashDoneText(other) {
			tl.doneFrom = true
		}
	}
	return tl, nil
}

// exchange writes numbered messages, at most crashWindow of them waiting
// for the server at a time, until the parent says STOP.
func (c *crashChild) exchange(ctx context.Context, chat secret.ChatID) error {
	all, err := c.tally(ctx, chat, 0)
	if err != nil {
		return err
	}
	next := 0
	for _, n := range all.own {
		next = max(next, n+1)
	}
	for {
		select {
		case cmd := <-c.cmds:
			if cmd == "STOP" {
				return nil
			}
			return fmt.Errorf("unexpected command %q", cmd)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		recent, err := c.tally(ctx, chat, 4*crashWindow+16)
		if err != nil {
			return err
		}
		if recent.unsent >= crashWindow {
			select {
			case <-c.wake:
			case cmd := <-c.cmds:
				if cmd == "STOP" {
					return nil
				}
				return fmt.Errorf("unexpected command %q", cmd)
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		if err := c.send(ctx, chat, next); err != nil {
			return fmt.Errorf("send %d: %w", next, err)
		}
		next++
	}
}

// send writes message n: a text, or with files on every crashFileEvery-th a
// file whose caption is the text.
func (c *crashChild) send(ctx context.Context, chat secret.ChatID, n int) error {
	text := crashText(c.cfg.role, n)
	if c.cfg.files && n%crashFileEvery == crashFileEvery-1 {
		data := crashFileContent(n)
		_, err := c.b.secret.SendFile(ctx, chat, bytes.NewReader(data), int64(len(data)), fmt.Sprintf("crash-%d.bin", n),
			"application/octet-stream", secret.FileOptions{Caption: text}, nil)
		return err
	}
	_, err := c.b.Services().Messages.SendText(ctx, secretDialogID(chat), text, ui.SendOptions{})
	return err
}

// finish waits until every message of this side is confirmed, reports its
// numbers, waits for the number of the other side's (EXPECT n) and for all
// of them, checks the files, reports what arrived, and shows the chat goes
// on: each side writes once more and reads the other's closing message.
func (c *crashChild) finish(ctx context.Context, chat secret.ChatID) error {
	var tl tally
	if err := c.waitFor(ctx, "every message to be sent", func() (bool, error) {
		var err error
		tl, err = c.tally(ctx, chat, 0)
		return tl.unsent == 0, err
	}); err != nil {
		return fmt.Errorf("%w (%s)", err, c.unsentState(chat))
	}
	c.out.line("ALLSENT %d %s", len(tl.own), ranges(tl.own))
	cmd, err := c.command(ctx)
	if err != nil {
		return err
	}
	want, ok := numbered(cmd, "EXPECT ")
	if !ok {
		return fmt.Errorf("unexpected command %q", cmd)
	}
	if err := c.waitFor(ctx, "the other side's messages", func() (bool, error) {
		var err error
		tl, err = c.tally(ctx, chat, 0)
		return len(tl.theirs) >= want, err
	}); err != nil {
		return fmt.Errorf("%w (%d of %d arrived)", err, len(tl.theirs), want)
	}
	c.out.line("HISTORY %d %s", len(tl.theirs), ranges(tl.theirs))
	for _, m := range tl.files {
		n, _ := numbered(m.Text, "crash "+crashOther(c.cfg.role)+" ")
		var buf bytes.Buffer
		if err := c.b.secret.DownloadFile(ctx, chat, m.RandomID, &buf, nil); err != nil {
			return fmt.Errorf("download file %d: %w", n, err)
		}
		if !bytes.Equal(buf.Bytes(), crashFileContent(n)) {
			return fmt.Errorf("file %d: %d bytes differ from the %d sent", n, buf.Len(), len(crashFileContent(n)))
		}
	}
	c.out.line("FILES %d", len(tl.files))
	if _, err := c.b.Services().Messages.SendText(ctx, secretDialogID(chat), crashDoneText(c.cfg.role), ui.SendOptions{}); err != nil {
		return fmt.Errorf("closing message: %w", err)
	}
	if err := c.waitFor(ctx, "the other side's closing message", func() (bool, error) {
		tl, err := c.tally(ctx, chat, 8)
		return tl.doneFrom && tl.unsent == 0, err
	}); err != nil {
		return err
	}
	c.out.line("DONE")
	return nil
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

// ranges writes numbers compactly: runs of consecutive numbers as "a-b",
// separated by commas, in the given order.
func ranges(ns []int) string {
	var b strings.Builder
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ns[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(ns[j]))
		}
		i = j + 1
	}
	return b.String()
}

// parseRanges reverses ranges.
func parseRanges(s string) ([]int, error) {
	var ns []int
	if s == "" {
		return ns, nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, err
			}
		}
		for n := a; n <= b; n++ {
			ns = append(ns, n)
		}
	}
	return ns, nil
}

// unsentState describes, for a failure report, the chat and every message of
// this side not yet confirmed: whether its ciphertext is in the outbox and
// whether the outbox holds it as sent.
func (c *crashChild) unsentState(chat secret.ChatID) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var b strings.Builder
	err := c.db.Secret().View(ctx, func(tx secret.Tx) error {
		ch, err := tx.Chat(chat)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "chat state %v rekey %v out_seq %d his_in %d in_seq %d;", ch.State, ch.Rekey.State, ch.OutSeq, ch.HisIn, ch.InSeq)
		msgs, err := tx.Messages(chat)
		if err != nil {
			return err
		}
		outs, err := tx.Outbox(chat, 0, math.MaxInt)
		if err != nil {
			return err
		}
		byID := map[int64]secret.OutboxMessage{}
		for _, o := range outs {
			byID[o.RandomID] = o
		}
		fmt.Fprintf(&b, " outbox %d rows;", len(outs))
		for _, m := range msgs {
			if !m.Out || m.Sent {
				continue
			}
			o, ok := byID[m.RandomID]
			fmt.Fprintf(&b, " unsent %q media=%v in_outbox=%v", m.Text, m.Media != nil, ok)
			if ok {
				fmt.Fprintf(&b, " out_seq=%d sent=%v service=%v file=%v", o.OutSeq, o.Sent, o.Service, o.File != nil)
			}
			b.WriteString(";")
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(&b, " (reading the store: %v)", err)
	}
	return b.String()
}
