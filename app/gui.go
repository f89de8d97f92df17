package app

import (
	"context"
	"errors"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/sandbox"
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
	// Proxy is a proxy URL (socks5:// or tg://proxy?...), used from the first packet on.
	Proxy string
}

// ErrNoAPIKeys means Tacit has no api_id/api_hash for Telegram.
var ErrNoAPIKeys = errors.New("app: no api_id/api_hash configured")

// Run opens the window and returns when it is closed.
func Run(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	paths, err := settings.ResolvePaths(cfg.Profile, cfg.DataDir)
	if err != nil {
		return err
	}
	prefs, err := settings.LoadPreferences(paths.PreferencesFile())
	if err != nil {
		return err
	}
	proxy := cfg.Proxy
	if proxy == "" {
		proxy = prefs.Proxy
	}
	opts := mtproto.Options{AppID: prefs.APIID, AppHash: prefs.APIHash, Proxy: proxy}
	if _, err := mtproto.ParseProxy(proxy); err != nil {
		return err
	}
	a := fyneapp.NewWithID(AppID)
	if cfg.Sandbox {
		// The demo keeps nothing on disk: the sandbox lives in memory too.
		srv, err := sandbox.New(sandbox.Options{})
		if err != nil {
			return err
		}
		defer srv.Close()
		if err := srv.DemoContacts(ctx); err != nil {
			return fmt.Errorf("app: demo contacts: %w", err)
		}
		if err := srv.DemoGroups(ctx); err != nil {
			return fmt.Errorf("app: demo group and channel: %w", err)
		}
		opts.AppID, opts.AppHash, opts.Endpoint = 1, "sandbox", srv.Endpoint()
		return runWindow(ctx, cancel, a, opts, srv, "")
	}
	if cfg.SandboxEndpoint != "" {
		endpoint, addr, err := readEndpoint(cfg.SandboxEndpoint)
		if err != nil {
			return err
		}
		opts.AppID, opts.AppHash, opts.Endpoint = 1, "sandbox", endpoint
		return runWindow(ctx, cancel, a, opts, nil,
			"Sandbox server at "+addr+": nothing reaches Telegram. The login code is printed by `tacit sandbox serve`.")
	}
	if prefs.APIID == 0 || prefs.APIHash == "" {
		return fmt.Errorf("%w: get your own at https://my.telegram.org and put api_id and api_hash into %s, or run `tacit --sandbox` to try Tacit on a local demo server", ErrNoAPIKeys, paths.PreferencesFile())
	}
	if err := paths.Ensure(); err != nil {
		return err
	}
	v := newVault(ctx, paths, settings.NewCustody(paths.Data, paths.Profile, settings.SystemKeyring{}), opts)
	ui.NewWithVault(a, v).Run()
	cancel()
	v.close()
	return nil
}

// runWindow opens the window on a client that keeps nothing on disk (the
// sandboxes) and returns when the window is closed.
func runWindow(ctx context.Context, cancel context.CancelFunc, a fyne.App, opts mtproto.Options, codes interface {
	Code(string) (string, bool)
}, hint string) error {
	client, err := mtproto.New(opts)
	if err != nil {
		return err
	}
	backend := NewBackend(client, loginOptions(nil), codes, nil)
	backend.hint = hint
	wait := connect(ctx, client, backend)
	ui.New(a, backend).Run()
	cancel()
	wait()
	return nil
}

// connect runs client in the background for b, without waiting for the
// network (the window shows the connection state itself). The returned
// function waits for the client to end once ctx is cancelled.
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
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "tacit: connection:", err)
		}
	}
}

// loginOptions are the login rules of the real app: forced 2-step
// verification, and the privacy lockdown right after sign-up, whose report
// (each rule as read back) goes to record when it is not nil.
func loginOptions(record func(privacy.Report)) mtproto.LoginOptions {
	return mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(record)}
}
