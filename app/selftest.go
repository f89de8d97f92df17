package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// SelftestConfig configures `tacit selftest`.
type SelftestConfig struct {
	// DataDir is where a real store would live (a fresh directory).
	DataDir string
	// Message is the text sent in the round trips.
	Message string
	// Proxy is passed to the clients (SOCKS5 to a loopback sandbox works).
	Proxy string
	// JSON prints one JSON document instead of lines.
	JSON bool
	// Timeout bounds the whole run (default 3 minutes).
	Timeout time.Duration
}

// DefaultSelftestMessage is sent when no --message is given.
const DefaultSelftestMessage = "Tacit self-test: this message went through the local sandbox."

// StepResult is one step of the self-test.
type StepResult struct {
	Step     string        `json:"step"`
	OK       bool          `json:"ok"`
	Detail   string        `json:"detail,omitempty"`
	Lines    []string      `json:"lines,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// selftest holds the state passed between steps.
type selftest struct {
	cfg       SelftestConfig
	srv       *sandbox.Server
	alice     *sandbox.Contact
	user      *selftestClient
	userLogin *mtproto.Login
	second    *selftestClient
	phone     string
	pass      []byte
	codes     []string // the login codes the sandbox sent
	results   []StepResult
	out       io.Writer
	extra     []selftestStep // run after the store was reopened, before the log out (tests)
	file      []byte         // the file sent in the secret chat

	lockdown     *privacy.Report
	secretEvents chan secret.Event
	secretChat   secret.ChatID
	lines        []string // extra lines of the current step

	proxy   mtproto.Proxy
	wire    *selftestWire // set with a proxy
	dataDir string
	cleanup []func()
	key     []byte
	db      *store.Store
	backend *Backend
	diag    *diagnostics
}

type selftestStep struct {
	name string
	run  func(ctx context.Context, t *selftest) (detail string, err error)
}

// selftestClient is a running client with a message inbox.
type selftestClient struct {
	c    *mtproto.Client
	msgs chan *tg.Message
	stop func() error
}

func (t *selftest) startClient(ctx context.Context, db *store.Store) (*selftestClient, error) {
	who := "second device"
	if db != nil {
		who = "selftest"
	}
	opts := mtproto.Options{AppID: 1, AppHash: "selftest", Endpoint: t.endpoint(), Proxy: t.proxy, Logger: t.diag.protocol(who)}
	if db != nil {
		opts.Session, opts.State = db.Session(), db.UpdateState()
	}
	c, err := mtproto.New(opts)
	if err != nil {
		return nil, err
	}
	var backend *Backend
	if db != nil {
		backend = NewBackend(c, t.loginOptions(), t.srv, db)
		backend.diag = t.diag
		backend.secretHook = func(ev secret.Event) {
			select {
			case t.secretEvents <- ev:
			default:
			}
		}
		t.backend = backend
	}
	sc := &selftestClient{c: c, msgs: make(chan *tg.Message, 64)}
	if db == nil {
		// With a store the Backend owns the new-message handler.
		c.Dispatcher().OnNewMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateNewMessage) error {
			if m, ok := u.Message.(*tg.Message); ok {
				select {
				case sc.msgs <- m:
				default:
				}
			}
			return nil
		})
	}
	var onReady func(context.Context)
	if backend != nil {
		onReady = backend.run
	}
	stop, err := c.Start(ctx, onReady)
	if err != nil {
		return nil, err
	}
	sc.stop = stop
	return sc, nil
}

// Selftest runs the headless end-to-end check against an in-process
// sandbox, printing each step. It returns an error when any step failed.
func Selftest(ctx context.Context, cfg SelftestConfig, out io.Writer) error {
	t, err := newSelftest(cfg, out)
	if err != nil {
		return err
	}
	return t.run(ctx)
}

func newSelftest(cfg SelftestConfig, out io.Writer) (*selftest, error) {
	if cfg.Message == "" {
		cfg.Message = DefaultSelftestMessage
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Minute
	}
	t := &selftest{cfg: cfg, diag: newDiagnostics(os.Stderr), phone: "15550001000", pass: []byte("selftest password 1"), out: out, secretEvents: make(chan secret.Event, 256)}
	proxy, err := selftestProxy(cfg.Proxy)
	if err != nil {
		return nil, err
	}
	t.proxy = proxy
	if proxy.Kind != mtproto.ProxyNone {
		t.wire = newSelftestWire()
	}
	return t, nil
}

// run runs every step, then shuts the clients, the store and the sandbox
// down; a failure to shut down cleanly fails a run whose steps passed.
func (t *selftest) run(ctx context.Context) (err error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	failed := false
	defer func() {
		cerr := t.close()
		switch {
		case cerr != nil && !failed:
			err = fmt.Errorf("selftest: shut down: %w", cerr)
		case cerr != nil:
			// The run failed already; keep the shutdown's failure for
			// the diagnostics log.
			t.diag.report("selftest shut down", cerr)
		}
	}()
	cfg, out := t.cfg, t.out
	steps := []selftestStep{
		{"start the local sandbox", stepSandbox},
		{"start a simulated contact", stepContact},
		{"open the encrypted store in a fresh data directory", stepStore},
		{"sign up (warning acknowledged, no join notice)", stepSignUp},
		{"privacy lockdown right after sign-up, each rule read back", stepLockdown},
		{"a stranger cannot find the account by its number", stepStranger},
		{"set the forced 2-step password", stepSetPassword},
		{"log in on a second device with code and 2-step password", stepPasswordLogin},
		{"cloud message round trip with the contact", stepCloudRoundTrip},
		{"secret chat with the contact: key exchange, the same key picture on both sides", stepSecretChat},
		{"secret messages both ways", stepSecretMessages},
		{"forced re-key, then messages on the new key", stepSecretRekey},
		{"encrypted file both ways, byte-identical", stepSecretFile},
		{"reopen the store: history and session are there, no plaintext on disk", stepReopen},
	}
	steps = append(steps, t.extra...)
	steps = append(steps, selftestStep{"log out: the secret chat ends at the server, nothing of the account is left here", stepLogOut})
	if t.wire != nil {
		steps = append(steps, selftestStep{"every connection went through the proxy, none around it", stepProxyCarried})
	}
	for _, s := range steps {
		if failed {
			t.record(StepResult{Step: s.name, Error: "skipped: an earlier step failed"})
			continue
		}
		start := time.Now()
		t.lines = nil
		detail, err := s.run(ctx, t)
		r := StepResult{Step: s.name, OK: err == nil, Detail: detail, Lines: t.lines, Duration: time.Since(start)}
		if err != nil {
			r.Error = err.Error()
			failed = true
		}
		t.record(r)
	}
	if cfg.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			OK    bool         `json:"ok"`
			Steps []StepResult `json:"steps"`
		}{!failed, t.results}); err != nil {
			return err
		}
	} else {
		verdict := "all steps passed"
		if failed {
			verdict = "FAILED"
		}
		fmt.Fprintf(out, "selftest: %s\n", verdict)
	}
	if failed {
		return errors.New("selftest failed")
	}
	return nil
}

func (t *selftest) record(r StepResult) {
	t.results = append(t.results, r)
	if t.cfg.JSON {
		return
	}
	status := "ok    "
	if !r.OK {
		status = "FAILED"
	}
	line := fmt.Sprintf("%s %s (%s)", status, r.Step, r.Duration.Round(time.Millisecond))
	if r.Detail != "" {
		line += ": " + r.Detail
	}
	if r.Error != "" {
		line += ": " + r.Error
	}
	fmt.Fprintln(t.out, line)
	for _, l := range r.Lines {
		fmt.Fprintln(t.out, "         "+l)
	}
}

func (t *selftest) close() error {
	var errs []error
	for _, c := range []*selftestClient{t.second, t.user} {
		if c != nil {
			errs = append(errs, c.stop())
		}
	}
	if t.db != nil {
		errs = append(errs, t.db.Close())
	}
	clear(t.key)
	if t.srv != nil {
		errs = append(errs, t.srv.Close())
	}
	for _, f := range t.cleanup {
		f()
	}
	return errors.Join(errs...)
}

func stepSandbox(ctx context.Context, t *selftest) (string, error) {
	opts := sandbox.Options{Logf: t.diag.sandboxf}
	if t.wire != nil {
		// The proxy must reach the sandbox over the network.
		opts.Listen, opts.OnAccept = "127.0.0.1:0", t.wire.accept
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		return "", err
	}
	t.srv = srv
	if t.wire != nil {
		return fmt.Sprintf("on %s (TCP, for the proxy to reach), obfuscated abridged transport; clients go through %s", srv.Addr(), t.proxy), nil
	}
	return "in-memory, obfuscated abridged transport", nil
}

func stepContact(ctx context.Context, t *selftest) (string, error) {
	c, err := t.srv.AddContact(ctx, "Alice", "15550000001", sandbox.ContactOptions{
		Reply: func(text string) string { return "Alice received: " + text },
	})
	if err != nil {
		return "", err
	}
	t.alice = c
	return "Alice, a headless Tacit client", nil
}

func stepSignUp(ctx context.Context, t *selftest) (string, error) {
	c, err := t.startClient(ctx, t.db)
	if err != nil {
		return "", err
	}
	t.user = c
	l := c.c.NewLogin(t.loginOptions())
	if _, err := l.SendCode(ctx, t.phone); err != nil {
		return "", err
	}
	code, ok := t.srv.Code(t.phone)
	if !ok {
		return "", errors.New("the sandbox sent no code")
	}
	t.codes = append(t.codes, code)
	st, err := l.SubmitCode(ctx, code)
	if err != nil {
		return "", err
	}
	if st != mtproto.StageSignUp {
		return "", fmt.Errorf("stage %s, want sign-up", st)
	}
	if _, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Selftest"}); !errors.Is(err, mtproto.ErrSignUpNotAcknowledged) {
		return "", fmt.Errorf("sign-up without acknowledgement was not refused: %v", err)
	}
	st, err = l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Selftest", Acknowledged: true})
	if err != nil {
		return "", err
	}
	if st != mtproto.StageSetPassword {
		return "", fmt.Errorf("stage %s after sign-up, want the forced password", st)
	}
	if n := len(t.srv.JoinedNotices()); n != 0 {
		return "", fmt.Errorf("%d join notices were sent", n)
	}
	t.userLogin = l
	return "refused without acknowledgement; no join notice sent", nil
}

func stepSetPassword(ctx context.Context, t *selftest) (string, error) {
	if t.user.c.Self() != nil {
		return "", errors.New("the account was ready before a 2-step password existed")
	}
	st, err := t.userLogin.SetPassword(ctx, t.pass, "self-test hint", "")
	if err != nil {
		return "", err
	}
	if st != mtproto.StageReady {
		return "", fmt.Errorf("stage %s, want ready", st)
	}
	return "ready only after the password was set", nil
}

func stepPasswordLogin(ctx context.Context, t *selftest) (string, error) {
	c, err := t.startClient(ctx, nil)
	if err != nil {
		return "", err
	}
	t.second = c
	l := c.c.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, t.phone); err != nil {
		return "", err
	}
	code, ok := t.srv.Code(t.phone)
	if !ok {
		return "", errors.New("the sandbox sent no code")
	}
	t.codes = append(t.codes, code)
	st, err := l.SubmitCode(ctx, code)
	if err != nil {
		return "", err
	}
	if st != mtproto.StagePassword {
		return "", fmt.Errorf("stage %s, want password", st)
	}
	if _, err := l.SubmitPassword(ctx, []byte("not the password")); !errors.Is(err, mtproto.ErrPasswordInvalid) {
		return "", fmt.Errorf("a wrong password was not refused: %v", err)
	}
	if st, err = l.SubmitPassword(ctx, t.pass); err != nil {
		return "", err
	}
	if st != mtproto.StageReady {
		return "", fmt.Errorf("stage %s, want ready", st)
	}
	return "wrong password refused, right one accepted (SRP)", nil
}

func stepCloudRoundTrip(ctx context.Context, t *selftest) (string, error) {
	alice, err := t.user.c.API().ContactsResolvePhone(ctx, t.alice.Phone)
	if err != nil {
		return "", fmt.Errorf("find the contact: %w", err)
	}
	t.backend.remember(alice.Users)
	events := make(chan ui.Event, 64)
	defer t.backend.events.Subscribe(func(e ui.Event) {
		select {
		case events <- e:
		default:
		}
	})()
	dialog := dialogID(t.alice.UserID)
	if _, err := t.backend.Services().Messages.SendText(ctx, dialog, t.cfg.Message, ui.SendOptions{}); err != nil {
		return "", err
	}
	want := "Alice received: " + t.cfg.Message
	for got := false; !got; {
		select {
		case e := <-events:
			m, ok := e.(ui.MessageEvent)
			got = ok && m.Message.Dialog == dialog && m.Message.Text == want
		case <-ctx.Done():
			return "", fmt.Errorf("no reply before the deadline: %w", ctx.Err())
		}
	}
	if err := waitText(ctx, t.second, want); err != nil {
		return "", fmt.Errorf("second device: %w", err)
	}
	return fmt.Sprintf("sent %d characters, the reply reached both devices", len([]rune(t.cfg.Message))), nil
}

func waitText(ctx context.Context, c *selftestClient, want string) error {
	for {
		select {
		case m := <-c.msgs:
			if strings.TrimSpace(m.Message) == want {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("no reply before the deadline: %w", ctx.Err())
		}
	}
}

func stepStore(ctx context.Context, t *selftest) (string, error) {
	dir := t.cfg.DataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tacit-selftest-")
		if err != nil {
			return "", err
		}
		dir = tmp
		defer func() { t.cleanup = append(t.cleanup, func() { os.RemoveAll(tmp) }) }()
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return "", fmt.Errorf("%s is not empty; the self-test needs a fresh directory", dir)
	}
	t.dataDir = dir
	t.key = make([]byte, store.KeySize)
	if _, err := rand.Read(t.key); err != nil {
		return "", err
	}
	db, err := store.Open(ctx, dir, t.key)
	if err != nil {
		return "", err
	}
	t.db = db
	return dir, nil
}

func stepReopen(ctx context.Context, t *selftest) (string, error) {
	err := t.user.stop()
	t.user = nil
	if err != nil {
		return "", fmt.Errorf("stop the client: %w", err)
	}
	if err := t.db.Close(); err != nil {
		return "", err
	}
	t.db = nil
	db, err := store.Open(ctx, t.dataDir, t.key)
	if err != nil {
		return "", fmt.Errorf("reopen: %w", err)
	}
	t.db = db
	msgs, err := db.Latest(ctx, store.UserPeer(t.alice.UserID), 10)
	if err != nil {
		return "", err
	}
	var sent, reply bool
	for _, m := range msgs {
		sent = sent || (m.Out && m.Text == t.cfg.Message)
		reply = reply || (!m.Out && m.Text == "Alice received: "+t.cfg.Message)
	}
	if !sent || !reply {
		return "", fmt.Errorf("history after reopening has %d messages; sent found: %v, reply found: %v", len(msgs), sent, reply)
	}
	secretMsgs, err := db.SecretLatest(ctx, t.secretChat, 50)
	if err != nil {
		return "", err
	}
	var secretSent bool
	for _, m := range secretMsgs {
		secretSent = secretSent || (m.Out && m.Text == t.cfg.Message)
	}
	if !secretSent {
		return "", fmt.Errorf("the secret chat history after reopening lacks the sent message (%d messages)", len(secretMsgs))
	}
	if sess, err := db.Session().LoadSession(ctx); err != nil || len(sess) == 0 {
		return "", fmt.Errorf("the session was not kept: %v", err)
	}
	if err := db.Close(); err != nil {
		return "", err
	}
	t.db = nil
	needles := [][]byte{[]byte(t.cfg.Message), []byte(t.phone), t.pass}
	found, err := findPlaintext(t.dataDir, needles)
	if err != nil {
		return "", err
	}
	if found != "" {
		return "", fmt.Errorf("plaintext found on disk in %s", found)
	}
	return fmt.Sprintf("%d cloud and %d secret messages read back; message text, phone number and password absent from every file", len(msgs), len(secretMsgs)), nil
}

func stepLogOut(ctx context.Context, t *selftest) (string, error) {
	db, err := store.Open(ctx, t.dataDir, t.key)
	if err != nil {
		return "", fmt.Errorf("reopen: %w", err)
	}
	t.db = db
	opts := mtproto.Options{AppID: 1, AppHash: "selftest", Endpoint: t.endpoint(), Proxy: t.proxy}
	// The session's ending (the connection closed by the log out) is no failure of the self-test;
	// its lines go to the log only when the debug log is on.
	diag := newDiagnostics(io.Discard)
	if t.diag.debug {
		diag = t.diag
	}
	sess := newSession(ctx, opts, db, t.srv, "", diag)
	defer sess.close()
	b, err := sess.start()
	if err != nil {
		return "", err
	}
	svc := b.Services()
	if st, err := svc.Login.Resume(ctx); err != nil || st.Step != ui.StepReady {
		return "", fmt.Errorf("the stored session did not resume: %v %v", st.Step, err)
	}
	before, err := db.Session().LoadSession(ctx)
	if err != nil {
		return "", err
	}
	out, err := svc.Account.LogOut(ctx)
	if err != nil {
		return "", err
	}
	if out.Notice != "" {
		return "", fmt.Errorf("log out could not reach the sandbox: %s", out.Notice)
	}
	if end := t.srv.SecretChatEnd(int(t.secretChat)); !end.Discarded || !end.HistoryDeleted {
		return "", fmt.Errorf("the sandbox did not see the secret chat discarded with its history: %+v", end)
	}
	if st, err := out.Next.Login.Resume(ctx); err != nil || st.Step != ui.StepPhone {
		return "", fmt.Errorf("after log out the new session is at %v (%v), want the phone page", st.Step, err)
	}
	if hits, err := db.Search(ctx, t.cfg.Message, 10); err != nil || len(hits) > 0 {
		return "", fmt.Errorf("the store still finds the message (%d hits, %v)", len(hits), err)
	}
	if msgs, err := db.Latest(ctx, store.UserPeer(t.alice.UserID), 10); err != nil || len(msgs) > 0 {
		return "", fmt.Errorf("the store still has %d cloud messages (%v)", len(msgs), err)
	}
	if dialogs, err := db.Dialogs(ctx, 0); err != nil || len(dialogs) > 0 {
		return "", fmt.Errorf("the store still has %d dialogs (%v)", len(dialogs), err)
	}
	if msgs, err := db.SecretLatest(ctx, t.secretChat, 50); err == nil && len(msgs) > 0 {
		return "", fmt.Errorf("the store still has %d secret messages", len(msgs))
	}
	if after, err := db.Session().LoadSession(ctx); err == nil && bytes.Equal(after, before) {
		return "", errors.New("the old session (its auth key) is still stored")
	}
	sess.close()
	if err := db.Close(); err != nil {
		return "", err
	}
	t.db = nil
	found, err := findPlaintext(t.dataDir, [][]byte{[]byte(t.cfg.Message), []byte(t.phone), t.pass})
	if err != nil {
		return "", err
	}
	if found != "" {
		return "", fmt.Errorf("plaintext found on disk in %s", found)
	}
	return "secret chat discarded with its history; messages, chats, secret chats and the session gone; a new session waits at the phone page", nil
}

// findPlaintext returns the first file under dir that contains one of needles.
func findPlaintext(dir string, needles [][]byte) (string, error) {
	var hit string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || hit != "" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range needles {
			if len(n) > 0 && bytes.Contains(data, n) {
				hit = path
			}
		}
		return nil
	})
	return hit, err
}

func (t *selftest) loginOptions() mtproto.LoginOptions {
	return loginOptions(func(r privacy.Report) { t.lockdown = &r })
}

func stepLockdown(ctx context.Context, t *selftest) (string, error) {
	if t.lockdown == nil {
		return "", errors.New("the lockdown did not run")
	}
	t.lines = t.lockdown.Lines()
	n := len(t.lines) - len(t.lockdown.NotApplied())
	detail := fmt.Sprintf("%d of %d rules applied and read back", n, len(t.lines))
	return detail, t.lockdown.Err()
}

func stepStranger(ctx context.Context, t *selftest) (string, error) {
	_, err := t.alice.Client().API().ContactsResolvePhone(ctx, t.phone)
	if err == nil {
		return "", errors.New("a stranger resolved the number")
	}
	imp, err := t.alice.Client().API().ContactsImportContacts(ctx, []tg.InputPhoneContact{{ClientID: 1, Phone: t.phone, FirstName: "Guess"}})
	if err != nil {
		return "", err
	}
	if len(imp.Imported) != 0 {
		return "", errors.New("a stranger imported the number and found the account")
	}
	return "contacts.resolvePhone and contacts.importContacts found nothing", nil
}

// waitSecret waits for the first secret chat event that pred accepts.
func (t *selftest) waitSecret(ctx context.Context, what string, pred func(secret.Event) bool) (secret.Event, error) {
	for {
		select {
		case ev := <-t.secretEvents:
			if e, ok := ev.(secret.ChatClosed); ok && e.Chat == t.secretChat {
				return nil, fmt.Errorf("the secret chat closed while waiting for %s: %v", what, e.Err)
			}
			if pred(ev) {
				return ev, nil
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("no %s before the deadline", what)
		}
	}
}

func stepSecretChat(ctx context.Context, t *selftest) (string, error) {
	// A fresh account gets a greeting and a secret chat request from the
	// contact; the self-test starts its own chat and leaves the request
	// alone, since requests are never accepted automatically.
	dialog, err := t.backend.Services().Secret.StartSecretChat(ctx, dialogID(t.alice.UserID))
	if err != nil {
		return "", err
	}
	id, ok := secretChatOf(dialog)
	if !ok {
		return "", fmt.Errorf("StartSecretChat returned %v, not a secret chat", dialog)
	}
	t.secretChat = id
	if _, err := t.waitSecret(ctx, "the key exchange", func(ev secret.Event) bool {
		e, ok := ev.(secret.ChatReady)
		return ok && e.Chat.ID == id
	}); err != nil {
		return "", err
	}
	mine, err := t.backend.secret.Fingerprint(ctx, id)
	if err != nil {
		return "", err
	}
	theirs, err := t.alice.SecretChats().Fingerprint(ctx, id)
	if err != nil {
		return "", fmt.Errorf("the contact's side: %w", err)
	}
	if mine.KeyHash != theirs.KeyHash || mine.Hex() != theirs.Hex() || mine.Emoji() != theirs.Emoji() || mine.Identicon() != theirs.Identicon() {
		return "", errors.New("the two sides see different keys")
	}
	e := mine.Emoji()
	return "key picture, hex and emoji equal: " + strings.Join(e[:], " "), nil
}

func (t *selftest) secretRoundTrip(ctx context.Context, text string) error {
	if _, err := t.backend.Services().Messages.SendText(ctx, secretDialogID(t.secretChat), text, ui.SendOptions{}); err != nil {
		return err
	}
	_, err := t.waitSecret(ctx, "the contact's answer", func(ev secret.Event) bool {
		e, ok := ev.(secret.MessageReceived)
		return ok && e.Message.ChatID == t.secretChat && !e.Message.Out && e.Message.Kind == secret.KindText
	})
	return err
}

func stepSecretMessages(ctx context.Context, t *selftest) (string, error) {
	if err := t.secretRoundTrip(ctx, t.cfg.Message); err != nil {
		return "", err
	}
	theirs, err := t.alice.SecretChats().Messages(ctx, t.secretChat)
	if err != nil {
		return "", err
	}
	for _, m := range theirs {
		if !m.Out && m.Text == t.cfg.Message {
			return "the contact decrypted the text and answered", nil
		}
	}
	return "", errors.New("the contact does not have the message")
}

func stepSecretRekey(ctx context.Context, t *selftest) (string, error) {
	before, err := t.backend.secret.Fingerprint(ctx, t.secretChat)
	if err != nil {
		return "", err
	}
	if err := t.backend.secret.Rekey(ctx, t.secretChat); err != nil {
		return "", err
	}
	ev, err := t.waitSecret(ctx, "the re-key", func(ev secret.Event) bool {
		e, ok := ev.(secret.Rekeyed)
		return ok && e.Chat == t.secretChat
	})
	if err != nil {
		return "", err
	}
	if err := t.secretRoundTrip(ctx, "after the re-key"); err != nil {
		return "", err
	}
	after, err := t.backend.secret.Fingerprint(ctx, t.secretChat)
	if err != nil {
		return "", err
	}
	if before.KeyHash != after.KeyHash {
		return "", errors.New("the key picture changed with the re-key")
	}
	return fmt.Sprintf("new key %016x in use; key picture unchanged", uint64(ev.(secret.Rekeyed).KeyFingerprint)), nil
}

func stepSecretFile(ctx context.Context, t *selftest) (string, error) {
	data := make([]byte, 300*1024+17)
	if _, err := rand.Read(data); err != nil {
		return "", err
	}
	t.file = data
	if _, err := t.backend.secret.SendFile(ctx, t.secretChat, bytes.NewReader(data), int64(len(data)), "selftest.bin", "application/octet-stream", secret.FileOptions{}, nil); err != nil {
		return "", err
	}
	ev, err := t.waitSecret(ctx, "the file sent back", func(ev secret.Event) bool {
		e, ok := ev.(secret.MessageReceived)
		return ok && e.Message.ChatID == t.secretChat && !e.Message.Out && e.Message.Kind == secret.KindMedia
	})
	if err != nil {
		return "", err
	}
	var got bytes.Buffer
	if err := t.backend.secret.DownloadFile(ctx, t.secretChat, ev.(secret.MessageReceived).Message.RandomID, &got, nil); err != nil {
		return "", err
	}
	if !bytes.Equal(got.Bytes(), data) {
		return "", fmt.Errorf("the file came back different (%d bytes, sent %d)", got.Len(), len(data))
	}
	return fmt.Sprintf("%d bytes there and back", len(data)), nil
}
