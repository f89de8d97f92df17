package app

import (
	"context"
	"sync"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// Backend implements ui.Backend on an mtproto client.
type Backend struct {
	client  *mtproto.Client
	login   *mtproto.Login
	opts    mtproto.LoginOptions
	sandbox interface {
		Code(phone string) (string, bool)
	}
	cache  cache
	hint   string // SandboxHint for a remote sandbox
	cloud  *mtproto.Cloud
	secret *secret.Manager
	// secretHook sees every secret chat event after the UI did (selftest).
	secretHook func(secret.Event)

	running chan struct{}
	runOnce sync.Once

	mu     sync.Mutex
	subs   map[int]func(ui.Event)
	nextID int
	users  map[int64]*tg.User
	// peers maps the dialogs the UI was given to their cloud chats, titles
	// to the names the chat list showed.
	peers  map[ui.DialogID]mtproto.Peer
	titles map[ui.DialogID]string
}

var _ ui.Backend = (*Backend)(nil)

// NewBackend wraps client before it runs. codes, when not nil, is the
// sandbox, whose login codes the demo shows. db, when not nil, caches what
// the user sees (the encrypted store).
func NewBackend(client *mtproto.Client, opts mtproto.LoginOptions, codes interface {
	Code(phone string) (string, bool)
}, db *store.Store) *Backend {
	b := &Backend{client: client, opts: opts, sandbox: codes, cache: cache{db: db}, running: make(chan struct{}), subs: map[int]func(ui.Event){}, users: map[int64]*tg.User{}, peers: map[ui.DialogID]mtproto.Peer{}, titles: map[ui.DialogID]string{}}
	b.login = client.NewLogin(opts)
	b.cloud = mtproto.NewCloud(client, mtproto.CloudOptions{OnEvent: b.onCloudEvent})
	var storage secret.Storage = secret.NewMemoryStorage()
	if db != nil {
		storage = db.Secret()
	}
	b.attachSecret(storage)
	return b
}

// run is called from inside the client's Run once it is connected; it
// starts the secret chat manager (which resumes stored work) and returns at
// once. The manager stops with ctx.
func (b *Backend) run(ctx context.Context) {
	go func() {
		_ = b.secret.Run(ctx)
		b.secret.Close()
	}()
	b.started()
}

func stageOf(l *mtproto.Login, st mtproto.Stage) ui.LoginStage {
	out := ui.LoginStage{}
	switch st {
	case mtproto.StagePhone:
		out.Step = ui.StepPhone
	case mtproto.StageCode:
		out.Step = ui.StepCode
	case mtproto.StageSignUp:
		out.Step = ui.StepSignUpRequired
		out.TermsOfService = l.TermsOfService()
		out.SignUpNotice = privacy.SignUpNotice().Points
	case mtproto.StagePassword:
		out.Step = ui.StepPassword
		out.PasswordHint = l.PasswordHint()
	case mtproto.StageSetPassword:
		out.Step = ui.StepSetPassword
	case mtproto.StageConfirmEmail:
		out.Step = ui.StepConfirmEmail
	case mtproto.StageReady:
		out.Step = ui.StepReady
	}
	return out
}

func (b *Backend) stage(st mtproto.Stage, err error) (ui.LoginStage, error) {
	return stageOf(b.currentLogin(), st), userError(err)
}

// connectWait bounds the wait for the first connection.
const connectWait = 20 * time.Second

// started is called once the client is connected and running.
func (b *Backend) started() { b.runOnce.Do(func() { close(b.running) }) }

// Resume implements ui.Backend. It waits for the connection first, since
// it is the first call the window makes.
func (b *Backend) Resume(ctx context.Context) (ui.LoginStage, error) {
	wait := time.NewTimer(connectWait)
	defer wait.Stop()
	select {
	case <-b.running:
	case <-wait.C:
		return ui.LoginStage{}, &ui.Problem{Message: "Cannot reach Telegram's servers. Check the network or the proxy settings, then try again."}
	case <-ctx.Done():
		return ui.LoginStage{}, &ui.Problem{Message: "Cannot reach Telegram's servers. Check the network or the proxy settings, then try again.", Err: ctx.Err()}
	}
	st, err := b.currentLogin().Resume(ctx)
	if err == nil && st != mtproto.StagePhone {
		if lerr := b.finishPendingLockdown(ctx); lerr != nil {
			return b.stage(st, lerr)
		}
	}
	return b.stage(st, err)
}

// lockdownPending marks, in the store, a sign-up whose privacy lockdown
// has not been confirmed yet. It is set before auth.signUp and cleared when
// the lockdown read back as applied, so a crash in between is repaired at
// the next start.
const lockdownPending = "privacy.lockdown-pending"

func (b *Backend) finishPendingLockdown(ctx context.Context) error {
	if !b.cache.enabled() {
		return nil
	}
	if v, err := b.cache.db.Value(ctx, lockdownPending); err != nil || len(v) == 0 {
		return nil
	}
	if _, err := privacy.Lockdown(ctx, b.client.API()); err != nil {
		return &ui.Problem{Message: "The privacy settings after sign-up are not all applied yet: " + err.Error(), Err: err}
	}
	return b.cache.db.DeleteValue(ctx, lockdownPending)
}

// SendCode implements ui.Backend.
func (b *Backend) SendCode(ctx context.Context, phone string) (ui.CodeSent, error) {
	sent, err := b.currentLogin().SendCode(ctx, phone)
	if err != nil {
		return ui.CodeSent{}, userError(err)
	}
	return ui.CodeSent{Phone: phone, Via: sent.Via, Length: sent.Length}, nil
}

// SubmitCode implements ui.Backend.
func (b *Backend) SubmitCode(ctx context.Context, code string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SubmitCode(ctx, code))
}

// SignUp implements ui.Backend.
func (b *Backend) SignUp(ctx context.Context, first, last string, acknowledged bool) (ui.LoginStage, error) {
	if acknowledged && b.cache.enabled() {
		if err := b.cache.db.SetValue(ctx, lockdownPending, []byte{1}); err != nil {
			return ui.LoginStage{}, &ui.Problem{Message: "The local database cannot be written; nothing was registered.", Err: err}
		}
	}
	st, err := b.currentLogin().SignUp(ctx, mtproto.SignUpForm{FirstName: first, LastName: last, Acknowledged: acknowledged})
	if err == nil && st != mtproto.StageSignUp && b.cache.enabled() {
		_ = b.cache.db.DeleteValue(ctx, lockdownPending)
	}
	return b.stage(st, err)
}

// SubmitPassword implements ui.Backend.
func (b *Backend) SubmitPassword(ctx context.Context, password []byte) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SubmitPassword(ctx, password))
}

// SetPassword implements ui.Backend.
func (b *Backend) SetPassword(ctx context.Context, password []byte, hint, email string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SetPassword(ctx, password, hint, email))
}

// ConfirmEmail implements ui.Backend.
func (b *Backend) ConfirmEmail(ctx context.Context, code string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().ConfirmEmail(ctx, code))
}

// SkipEmail implements ui.Backend.
func (b *Backend) SkipEmail(ctx context.Context) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SkipEmail(ctx))
}

// QRLogin implements ui.Backend.
func (b *Backend) QRLogin(ctx context.Context, show func(url string, expires time.Time)) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().QR(ctx, func(url string, expires time.Time) error {
		show(url, expires)
		return nil
	}))
}

// SandboxHint implements ui.Backend.
func (b *Backend) SandboxHint() string {
	if b.hint != "" {
		return b.hint
	}
	if b.sandbox == nil {
		return ""
	}
	return "Demo server on this computer: nothing reaches Telegram. Any number works; the code is shown here."
}

// DemoCode implements ui.Backend.
func (b *Backend) DemoCode(phone string) (string, bool) {
	if b.sandbox == nil {
		return "", false
	}
	p, err := mtproto.NormalizePhone(phone)
	if err != nil {
		return "", false
	}
	return b.sandbox.Code(p)
}

// Subscribe implements ui.Backend.
func (b *Backend) Subscribe(fn func(ui.Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.nextID
	b.nextID++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

func (b *Backend) publish(e ui.Event) {
	b.mu.Lock()
	subs := make([]func(ui.Event), 0, len(b.subs))
	for _, f := range b.subs {
		subs = append(subs, f)
	}
	b.mu.Unlock()
	for _, f := range subs {
		f(e)
	}
}

// LogOut implements ui.Backend: the authorization ends on the server, the
// local session and cached chats of the account are forgotten and a new
// login can start.
func (b *Backend) LogOut(ctx context.Context) error {
	if err := b.client.LogOut(ctx); err != nil {
		return userError(err)
	}
	if b.cache.enabled() {
		if err := b.cache.db.DeleteSession(ctx); err != nil {
			return &ui.Problem{Message: "Logged out, but the local session could not be deleted.", Err: err}
		}
		if ds, err := b.cache.db.Dialogs(ctx, 0); err == nil {
			for _, d := range ds {
				_ = b.cache.db.DeleteDialog(ctx, d.Peer)
			}
		}
	}
	b.mu.Lock()
	b.users = map[int64]*tg.User{}
	b.peers = map[ui.DialogID]mtproto.Peer{}
	b.titles = map[ui.DialogID]string{}
	b.mu.Unlock()
	l := b.client.NewLogin(b.opts)
	b.mu.Lock()
	b.login = l
	b.mu.Unlock()
	return nil
}

func (b *Backend) currentLogin() *mtproto.Login {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.login
}
