package app

import (
	"context"
	"errors"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	_ "tacit/app/locale" // before Fyne reads the locale: English, quietly, under LANG=C.UTF-8
	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/settings"
	"tacit/ui"
)

// AppID is Tacit's application ID (as in FyneApp.toml).
const AppID = "app.tacit.desktop"

// Config is what the command line chose for the window.
type Config struct {
	// DataDir overrides the data directory; Profile names a profile.
	DataDir string
	Profile string
	// Sandbox runs against an in-process local server instead of Telegram.
	Sandbox bool
	// SandboxEndpoint connects to a `tacit sandbox serve` instead (its
	// endpoint file), so two windows can talk to each other.
	SandboxEndpoint string
	// Proxy overrides the preferences' proxy (mtproto.ParseProxy's
	// grammar); it carries every connection from the first packet on.
	Proxy string
	// Build says which Tacit this is, for the About page and tacit --version.
	Build BuildInfo

	// endpoint is where Telegram is: the zero value for Telegram itself, a
	// sandbox in tests.
	endpoint mtproto.Endpoint
}

// Run opens the window and returns when it is closed.
func Run(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, err := buildWindow(ctx, cfg, fyneapp.NewWithID(AppID))
	if err != nil {
		return err
	}
	g.ui.SetAbout(aboutService{cfg.Build})
	g.ui.Run()
	cancel()
	g.close()
	return nil
}

// gui is the window Run shows, and what ends with it.
type gui struct {
	ui *ui.UI
	// close ends what the window started (clients, stores, an in-process sandbox), once ctx is cancelled.
	close func()
}

// buildWindow builds the window cfg asks for on a, without showing it. ctx lives as long as the window.
func buildWindow(ctx context.Context, cfg Config, a fyne.App) (*gui, error) {
	paths, err := settings.ResolvePaths(cfg.Profile, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	prefs, err := settings.LoadPreferences(paths.PreferencesFile())
	if err != nil {
		return nil, err
	}
	g, err := profileWindow(ctx, cfg, a, paths, prefs)
	if err != nil {
		return nil, err
	}
	g.ui.SetTheme(uiTheme(prefs.Theme))
	g.ui.SetNotifier(desktopNotifier())
	return g, nil
}

// profileWindow builds the window of the profile at paths, whose preferences are prefs.
func profileWindow(ctx context.Context, cfg Config, a fyne.App, paths settings.Paths, prefs settings.Preferences) (*gui, error) {
	var err error
	opts := mtproto.Options{AppID: prefs.APIID, AppHash: prefs.APIHash}
	if cfg.Sandbox {
		// The in-memory demo has no network to proxy.
		if cfg.Proxy != "" {
			return nil, errors.New("the --sandbox demo runs in memory and cannot use a proxy; use `tacit sandbox serve` and --sandbox-endpoint")
		}
		// The demo keeps no data on disk: the wizard starts the sandbox in memory, and its key custody in a
		// temporary directory removed when the window closes.
		setup := newSetup(ctx, paths, prefs, "", newDiagnostics(os.Stderr))
		return &gui{ui: ui.NewDemoWizard(a, setup), close: setup.close}, nil
	}
	if opts.Proxy, err = profileProxy(cfg.Proxy, paths.PreferencesFile(), &prefs); err != nil {
		return nil, err
	}
	if cfg.SandboxEndpoint != "" {
		endpoint, addr, err := readEndpoint(cfg.SandboxEndpoint)
		if err != nil {
			return nil, err
		}
		opts.AppID, opts.AppHash, opts.Endpoint = 1, "sandbox", endpoint
		return sessionWindow(ctx, a, opts,
			"Sandbox server at "+addr+": nothing reaches Telegram. The login code is printed by `tacit sandbox serve`.")
	}
	if prefs.APIID == 0 || prefs.APIHash == "" {
		// The first start: the wizard asks for the connection and the credentials, or starts the demo.
		setup := newSetup(ctx, paths, prefs, cfg.Proxy, newDiagnostics(os.Stderr))
		setup.endpoint = cfg.endpoint
		return &gui{ui: ui.NewWizard(a, setup), close: setup.close}, nil
	}
	if err := paths.Ensure(); err != nil {
		return nil, err
	}
	v := newVault(ctx, paths, systemCustody(paths), opts)
	return &gui{ui: ui.NewWithVault(a, v), close: v.close}, nil
}

// sessionWindow builds the window on a client that keeps nothing on disk: a `tacit sandbox serve` in
// another process, which hint names.
func sessionWindow(ctx context.Context, a fyne.App, opts mtproto.Options, hint string) (*gui, error) {
	sess := newSession(ctx, opts, nil, nil, hint, newDiagnostics(os.Stderr))
	b, err := sess.start()
	if err != nil {
		return nil, err
	}
	return &gui{ui: ui.New(a, b.Services()), close: sess.close}, nil
}

// connect runs client in the background for b, without waiting for the
// network (the window shows the connection state itself). The returned
// function waits, once ctx is cancelled, for the client and for everything
// b started to end.
func connect(ctx context.Context, client *mtproto.Client, b *Backend) (wait func()) {
	done := make(chan error, 1)
	go func() {
		done <- client.Run(ctx, func(ctx context.Context) error {
			b.run(ctx)
			<-ctx.Done()
			return nil
		})
	}()
	return func() {
		b.diag.report("connection ended", <-done)
		b.work.Wait()
	}
}

// loginOptions are the login rules of the real app: forced 2-step
// verification, and the privacy lockdown right after sign-up, whose report
// (each rule as read back) goes to record when it is not nil.
func loginOptions(record func(privacy.Report)) mtproto.LoginOptions {
	return mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(record)}
}
