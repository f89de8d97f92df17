package app

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/settings"
	"tacit/ui"
)

// Backend is the signed-in side of the window on one mtproto client: what the roles share (the client,
// the cloud and secret chat engines, the cache in the store, the directory of peers the UI was shown, the
// event hub). Each role the window uses is a small type over it, in a file of its own (Services).
type Backend struct {
	client  *mtproto.Client
	login   *mtproto.Login
	opts    mtproto.LoginOptions
	sandbox codeSource
	cache   cache
	hint    string // SandboxHint for a remote sandbox
	cloud   *mtproto.Cloud
	secret  *secret.Manager
	events  hub
	// secretHook sees every secret chat event after the UI did (selftest).
	secretHook func(secret.Event)
	// diag logs failures that reach no page.
	diag *diagnostics
	// renew ends this Backend's session after log out and starts a new one (session.renew); nil when
	// nothing owns the session (tests that drive a Backend directly).
	renew func(ctx context.Context) (*Backend, error)

	running chan struct{}
	runOnce sync.Once
	// work counts the goroutines run started (the secret chat manager's loop).
	work sync.WaitGroup

	mu sync.Mutex
	// accountEnded: log out has ended the secret chats and the session; only deleting the data here is left.
	accountEnded bool
	users        map[int64]*tg.User
	// peers maps the dialogs the UI was given to their cloud chats, titles
	// to the names the chat list showed.
	peers  map[ui.DialogID]mtproto.Peer
	titles map[ui.DialogID]string
	// lockdown is the privacy lockdown's report of the last sign-up, until SignUp takes it.
	lockdown []ui.PrivacyRule
	// readOutbox and canPost are what the chat list said of each cloud chat (by Peer.Key): how far the other
	// side read, and whether the user may post there.
	readOutbox map[string]int
	canPost    map[string]bool
	// complete is, per cloud chat (by Peer.Key), the oldest message from which this session fetched the
	// history from the server without a gap up to the newest: older cached pages are trusted below it only
	// without the server.
	complete map[string]int

	// secretStore is the secret chat manager's storage (the store's, or memory in the demo).
	secretStore secret.Storage
	// prefs are the user's preferences, shared by the sessions of a window (usePrefs).
	prefs *prefStore
	// conn changes the way to Telegram for the next start; nil against a demo server (fixedConnection).
	conn ui.ConnectionSettings
	// lock is the window's app lock; nil when the window has none (a sandbox in another process).
	lock *appLock
	// connectWait bounds Resume's wait for the first connection; 0: connectWait.
	connectWait time.Duration
	// everOnline and offline follow the connection for the window (online.go); guarded by mu.
	everOnline, offline bool
	// openDir is the private folder the readable copies of opened files go to; "" until the first.
	openDir string
}

// NewBackend wraps client before it runs. codes, when not nil, is the
// sandbox, whose login codes the demo shows. db, when not nil, caches what
// the user sees (the encrypted store).
func NewBackend(client *mtproto.Client, opts mtproto.LoginOptions, codes codeSource, db *store.Store) *Backend {
	b := &Backend{client: client, opts: opts, sandbox: codes, cache: cache{db: db}, running: make(chan struct{}),
		diag:  newDiagnostics(os.Stderr),
		users: map[int64]*tg.User{}, peers: map[ui.DialogID]mtproto.Peer{}, titles: map[ui.DialogID]string{},
		readOutbox: map[string]int{}, canPost: map[string]bool{}, complete: map[string]int{}, prefs: newPrefStore("", settings.Default())}
	b.login = client.NewLogin(opts)
	b.cloud = mtproto.NewCloud(client, mtproto.CloudOptions{OnEvent: b.onCloudEvent})
	var storage secret.Storage = secret.NewMemoryStorage()
	if db != nil {
		storage = db.Secret()
	}
	b.attachSecret(storage)
	return b
}

// Services returns the roles the window uses, all over b. Demo is set only
// against a sandbox.
func (b *Backend) Services() ui.Services {
	svc := ui.Services{
		Rules:         rulesService{},
		Login:         loginService{b},
		Chats:         chatsService{b},
		Messages:      messagesService{b},
		Secret:        secretService{b},
		People:        peopleService{b},
		Files:         filesService{b},
		Notifications: notifyService{b},
		Account:       accountService{b},
		Privacy:       privacyService{b},
		Settings:      settingsService{b},
		Preferences:   prefsService{b},
		Connection:    fixedConnection{},
		Lock:          lockService{b},
		Events:        &b.events,
	}
	if b.conn != nil {
		svc.Connection = b.conn
	}
	if b.sandbox != nil || b.hint != "" {
		svc.Demo = demoService{b}
	}
	return svc
}

// run is called from inside the client's Run once it is connected; it
// starts the secret chat manager (which resumes stored work) and returns at
// once. The manager stops with ctx.
func (b *Backend) run(ctx context.Context) {
	b.work.Add(1)
	go func() {
		defer b.work.Done()
		b.diag.report("secret chats stopped", b.secret.Run(ctx))
		b.secret.Close()
	}()
	b.started()
}

// started is called once the client is connected and running.
func (b *Backend) started() { b.runOnce.Do(func() { close(b.running) }) }

func (b *Backend) currentLogin() *mtproto.Login {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.login
}
