// Package ui is Tacit's user interface: Fyne views only. It owns the window; the pages before sign-in that
// open the local encrypted database (first-run key setup, the recovery key shown once, the passphrase
// unlock, recovery, an unavailable keyring); the sign-in pages (phone, code, the registration warning, name,
// 2-step password, the forced new password, QR login) and the main window (chat list and conversation, with
// secret chats: the request the user accepts or declines, the key state, the key comparison screen, and
// starting a secret chat from a cloud chat), and grows into the privacy check-up and settings.
//
// It talks to the rest of Tacit only through the Vault and the role interfaces it defines (roles.go), with plain data
// types. It must not speak Telegram, touch storage, keys or the keyring itself, or import the app, settings
// or mtproto packages (only a test reads mtproto/secret, to check the key picture's colours). The Fyne event goroutine never waits on the Vault or a role: every call runs on
// its own goroutine and its result comes back through onMain, the one place in this package that calls
// fyne.Do. Passphrases pass through as []byte that is zeroed when the call returns, and the fields that held
// them are cleared.
package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// UI is Tacit's window and everything shown in it. Create it with New or NewWithVault; use it from the Fyne
// event goroutine only.
type UI struct {
	app   fyne.App
	vault Vault    // nil when created with New, and in the wizard until the API page is done
	wiz   *wizard  // the first-start wizard while it runs (NewWizard); nil otherwise
	svc   Services // the zero value until the Vault has opened the database
	open  bool     // svc is set
	win   fyne.Window

	ctx    context.Context // lives until Close
	cancel context.CancelFunc

	// post schedules a function on the Fyne event goroutine: fyne.Do, except in tests, which play the event
	// goroutine themselves. Only onMain calls it.
	post func(func())

	// after runs fn on the Fyne event goroutine once d has passed, unless stop is called first: the pause
	// before a check made while the user types. Tests run fn at once.
	after func(d time.Duration, fn func()) (stop func())
	// every runs fn on the Fyne event goroutine every d until stop is called: countdowns. Tests tick by hand.
	every func(d time.Duration, fn func()) (stop func())

	// callTimeout bounds each call to the application but QR login (defaultCallTimeout outside tests).
	callTimeout time.Duration

	// inflight counts background calls whose result has not been applied yet (see background).
	inflight atomic.Int64

	// The current page, its generation and the context of the work started for it. Moving to another page
	// cancels that context and makes results of older work stale.
	page       page
	gen        uint64
	pageCtx    context.Context
	pageCancel context.CancelFunc

	// vaultState is what the Vault reported last (Vault.State).
	vaultState VaultState

	// lk is the app lock (lock.go).
	lk lockState

	// Sign-in state carried from page to page.
	phone        string     // normalized number the code was sent to
	codeSent     CodeSent   // how the code was delivered
	stage        LoginStage // the last stage the application reported
	acknowledged bool       // the registration warning was acknowledged for this number
	// signUpFirst and signUpLast are the name the account was created with, for a retried lockdown.
	signUpFirst, signUpLast string

	// The pages, kept for the tests; each is rebuilt when shown.
	wizWelcomeNext *widget.Button
	wizConnPg      *wizardConnectionPage
	wizAPIPg       *wizardAPIPage
	vaultStartPg   *startingPage
	keySetupPg     *keySetupPage
	recoveryPg     *recoveryKeyPage
	unlockPg       *unlockPage
	recoverPg      *recoverPage
	keyringPg      *keyringUnavailablePage
	openingPg      *startingPage
	starting       *startingPage
	phonePg        *phonePage
	qrPg           *qrPage
	codePg         *codePage
	warningPg      *signUpWarningPage
	namePg         *signUpNamePage
	passwordPg     *passwordPage
	setPassPg      *setPasswordPage
	confirmPg      *confirmEmailPage
	lockdownPg     *lockdownPage
	main           *mainWindow
	privacyPg      *privacyPage
	twoStepPg      *twoStepPage            // the settings' 2-step section, while the settings are open
	profilePg      *profilePage            // the settings' profile section
	connSetPg      *connectionSettingsPage // the settings' connection section
	dataPg         *dataProtectionPage     // the settings' data protection section
	settingsPg     *settingsPage
	aboutPg        *aboutPage
	wizSummaryPg   *wizardSummaryPage
	about          About           // the build's words for the About page; nil when there is none
	dialogs        []dialog.Dialog // open dialogs, the top one last (trackDialog)
	unsubscribe    func()
	closeOnce      sync.Once
	sandboxHint    string

	// The settings' sections of Preferences, while the settings are open.
	notifyPg         *notificationsPage
	secretDefaultsPg *secretDefaultsPage
	chatsPrefsPg     *chatsPrefsPage
	appearancePg     *appearancePage
	// notifier sends desktop notifications with or without sound (SetNotifier); nil: Fyne does.
	notifier func(title, content string, sound bool) error
}

// New creates Tacit's window on app, driven by svc. It shows nothing until ShowLogin, Start or Run.
func New(app fyne.App, svc Services) *UI {
	u := newUI(app)
	u.useServices(svc)
	return u
}

// useServices makes svc the roles the window talks to from now on.
func (u *UI) useServices(svc Services) {
	u.svc, u.open = svc, true
	u.sandboxHint = ""
	if svc.Demo != nil {
		u.sandboxHint = svc.Demo.SandboxHint()
	}
}

// NewWithVault creates Tacit's window on app for a database that must be unlocked first. Start (or Run)
// shows the Vault's pages (first-run key setup, unlock, recovery) until the Vault is unlocked, then calls
// Vault.Open and carries on with the Services it returns exactly as Start does for New.
func NewWithVault(app fyne.App, v Vault) *UI {
	u := newUI(app)
	u.vault = v
	return u
}

func newUI(app fyne.App) *UI {
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: app, ctx: ctx, cancel: cancel, post: fyne.Do, callTimeout: defaultCallTimeout}
	u.after = func(d time.Duration, fn func()) func() {
		t := time.AfterFunc(d, func() { u.onMain(fn) })
		return func() { t.Stop() }
	}
	u.every = func(d time.Duration, fn func()) func() {
		t := time.NewTicker(d)
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-t.C:
					u.onMain(fn)
				case <-done:
					return
				}
			}
		}()
		var once sync.Once
		return func() { once.Do(func() { t.Stop(); close(done) }) }
	}
	u.pageCtx, u.pageCancel = context.WithCancel(ctx)
	app.SetIcon(assets.Icon())
	u.win = app.NewWindow("Tacit")
	u.win.SetIcon(assets.Icon())
	u.win.Resize(fyne.NewSize(960, 640))
	u.win.SetOnClosed(u.Close)
	return u
}

// Window returns Tacit's window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowLogin shows the first sign-in page (the phone number) and the window. It needs the Services: use it
// with New, or after the Vault has been opened.
func (u *UI) ShowLogin() {
	u.showPhone()
	u.win.Show()
}

// Start shows the window and asks the application where the session stands (Login.Resume), then shows the
// matching page: the phone page without a session, the forced new password when the account has none, or
// the main window. A UI made with NewWithVault first asks the Vault (Vault.State) and shows what it needs
// (key setup, unlock, recovery), then opens the database (Vault.Open) and goes on as above.
func (u *UI) Start() {
	if !u.open && u.vault == nil && u.wiz != nil {
		u.showWizardStart()
	} else if !u.open && u.vault != nil {
		u.showVaultStarting()
	} else {
		u.showStarting()
	}
	u.win.Show()
}

// Run starts the UI and runs the Fyne event loop until the window is closed.
func (u *UI) Run() {
	u.Start()
	u.app.Run()
}

// Close cancels everything the UI started and ends the event subscription. It is safe to call more than
// once.
func (u *UI) Close() {
	u.closeOnce.Do(func() {
		u.cancel()
		u.closeLock()
		if u.unsubscribe != nil {
			u.unsubscribe()
		}
	})
}

// onMain runs fn on the Fyne event goroutine. It is the only place in this package that calls fyne.Do:
// every widget update caused by a role's result or an event passes through here. While the window is
// locked, what fn would put on screen waits with the page behind the lock.
func (u *UI) onMain(fn func()) {
	u.post(func() {
		if u.lk.locked {
			u.lockedMain(fn)
		} else {
			fn()
		}
	})
}

// defaultCallTimeout bounds a call to the application, so a server that never answers leaves the user with a message and
// working buttons instead of a spinner forever.
const defaultCallTimeout = 90 * time.Second

// background runs work on its own goroutine with the current page's context, bounded by callTimeout, and
// applies the function work returns on the event goroutine, unless the user has moved to another page in
// the meantime.
func (u *UI) background(work func(ctx context.Context) (apply func())) {
	u.backgroundFor(u.callTimeout, work)
}

// backgroundFor is background with another bound; 0 means none (for waits that last as long as the page,
// such as a QR login).
func (u *UI) backgroundFor(timeout time.Duration, work func(ctx context.Context) (apply func())) {
	ctx, gen := u.pageCtx, u.gen
	u.inflight.Add(1)
	go func() {
		cancel := context.CancelFunc(func() {})
		if timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, timeout)
		}
		apply := work(ctx)
		cancel()
		u.onMain(func() {
			defer u.inflight.Add(-1)
			if apply != nil && gen == u.gen && u.ctx.Err() == nil {
				apply()
			}
		})
	}()
}

// setPage makes p the current page: work started for the previous page is cancelled and its results are
// dropped.
func (u *UI) setPage(p page, content fyne.CanvasObject) {
	u.pageCancel()
	u.gen++
	u.page = p
	u.pageCtx, u.pageCancel = context.WithCancel(u.ctx)
	if progress := u.wizardProgress(p); progress != nil {
		content = container.NewBorder(container.NewVBox(container.NewPadded(progress), widget.NewSeparator()), nil, nil, nil, content)
	}
	content = u.watchActivity(content)
	if u.lk.locked {
		u.lockedContent(content)
		return
	}
	u.win.SetContent(content)
}

// showStage shows the page for a stage the application reported.
func (u *UI) showStage(s LoginStage) {
	u.stage = s
	switch pageFor(s.Step) {
	case pageCode:
		u.showCode()
	case pageSignUpWarning:
		u.acknowledged = false
		u.showSignUpWarning()
	case pageLockdown:
		u.showLockdown(s)
	case pagePassword:
		u.showPassword()
	case pageSetPassword:
		u.showSetPassword()
	case pageConfirmEmail:
		u.showConfirmEmail()
	case pageMain:
		if u.signedInByWizard() {
			u.showWizardSummary()
		} else {
			u.showMain()
		}
	default:
		u.showPhone()
	}
}
