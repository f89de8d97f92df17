package app

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/store"
	"tacit/ui"
)

// window is a Backend running against a sandbox, driven through the roles the way the window drives them.
type window struct {
	t      testing.TB
	srv    *sandbox.Server
	b      *Backend
	svc    ui.Services
	events chan ui.Event

	unsubscribe func()
}

// newSandbox starts an in-process sandbox with opts; it closes when the test ends, after the windows
// opened on it.
func newSandbox(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	return srv
}

// demoSandbox starts an in-process sandbox with the demo contacts, group and channel; it closes when the
// test ends, after the windows opened on it.
func demoSandbox(t testing.TB, ctx context.Context) *sandbox.Server {
	t.Helper()
	srv := newSandbox(t, sandbox.Options{})
	if err := srv.DemoContacts(ctx); err != nil {
		t.Fatal(err)
	}
	if err := srv.DemoGroups(ctx); err != nil {
		t.Fatal(err)
	}
	return srv
}

// openWindow starts a session on srv for the store db (nil: keep nothing), as the window does; everything
// stops when the test ends.
func openWindow(t testing.TB, ctx context.Context, srv *sandbox.Server, db *store.Store) *window {
	t.Helper()
	return openWindowAt(t, ctx, srv, srv.Endpoint(), db)
}

// openWindowAt is openWindow reaching srv through endpoint (as read from `tacit sandbox serve`'s endpoint
// file, say); the login codes still come from srv, in this process.
func openWindowAt(t testing.TB, ctx context.Context, srv *sandbox.Server, endpoint mtproto.Endpoint, db *store.Store) *window {
	t.Helper()
	sess := newSession(ctx, mtproto.Options{AppID: 1, AppHash: "t", Endpoint: endpoint}, db, srv, "", newDiagnostics(io.Discard))
	// A machine loaded by parallel test binaries with the race detector can take longer than a user waits
	// for the first connection; the test's own deadline still bounds it.
	sess.connectWait = 2 * time.Minute
	b, err := sess.start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sess.close)
	w := &window{t: t, srv: srv, events: make(chan ui.Event, 1024)}
	w.use(b.Services())
	w.b = b
	return w
}

// use makes svc the roles the window drives (after log out, the new session's), subscribed to its events.
func (w *window) use(svc ui.Services) {
	if w.unsubscribe != nil {
		w.unsubscribe()
	}
	w.svc = svc
	w.unsubscribe = svc.Events.Subscribe(func(e ui.Event) {
		select {
		case w.events <- e:
		default: // a test that does not read events must not block the engines
		}
	})
	w.t.Cleanup(w.unsubscribe)
}

// signUp registers phone through the sign-in roles, with the forced password, as the window does.
func (w *window) signUp(ctx context.Context, phone, first string) {
	w.t.Helper()
	if st, err := w.svc.Login.Resume(ctx); err != nil || st.Step != ui.StepPhone {
		w.t.Fatalf("resume: %+v %v", st, err)
	}
	if _, err := w.svc.Login.SendCode(ctx, phone); err != nil {
		w.t.Fatal(err)
	}
	code, ok := w.svc.Demo.DemoCode(phone)
	if !ok {
		w.t.Fatal("no demo code")
	}
	if st, err := w.svc.Login.SubmitCode(ctx, code); err != nil || st.Step != ui.StepSignUpRequired {
		w.t.Fatalf("code: %+v %v", st, err)
	}
	if st, err := w.svc.Login.SignUp(ctx, first, "", true); err != nil || st.Step != ui.StepSetPassword {
		w.t.Fatalf("sign-up: %+v %v", st, err)
	}
	if st, err := w.svc.Login.SetPassword(ctx, []byte("window password 1"), "", ""); err != nil || st.Step != ui.StepReady {
		w.t.Fatalf("set password: %+v %v", st, err)
	}
}

// waitDialog waits until the chat list holds a dialog for which match is true, and returns it.
func (w *window) waitDialog(ctx context.Context, what string, match func(ui.DialogSummary) bool) ui.DialogSummary {
	w.t.Helper()
	for {
		ds, err := w.svc.Chats.Dialogs(ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, d := range ds {
			if match(d) {
				return d
			}
		}
		select {
		case <-w.events:
		case <-ctx.Done():
			w.t.Fatalf("no %s in the chat list: %+v", what, ds)
		}
	}
}

// waitSecret waits until the secret chat of dialog is in state.
func (w *window) waitSecret(ctx context.Context, dialog ui.DialogID, state ui.SecretState) ui.SecretChatInfo {
	w.t.Helper()
	for {
		info, err := w.svc.Secret.SecretChat(ctx, dialog)
		if err == nil && info.State == state {
			return info
		}
		select {
		case <-w.events:
		case <-ctx.Done():
			w.t.Fatalf("secret chat %s: %+v %v, want state %v", dialog, info, err, state)
		}
	}
}

// ready waits until the secret chat of dialog is ready, accepting it if it turns out to be the peer's
// request (the demo contacts ask new users for a secret chat of their own).
func (w *window) ready(ctx context.Context, dialog ui.DialogID) ui.SecretChatInfo {
	w.t.Helper()
	for {
		info, err := w.svc.Secret.SecretChat(ctx, dialog)
		switch {
		case err == nil && info.State == ui.SecretReady:
			return info
		case err == nil && info.State == ui.SecretRequested:
			if err := w.svc.Secret.AcceptSecretChat(ctx, dialog); err != nil {
				w.t.Fatal(err)
			}
		case err == nil && info.State == ui.SecretClosed:
			w.t.Fatalf("secret chat %s closed: %s", dialog, info.Closed)
		}
		select {
		case <-w.events:
		case <-ctx.Done():
			w.t.Fatalf("secret chat %s: %+v %v, never ready", dialog, info, err)
		}
	}
}

// waitText waits until the conversation of dialog shows text.
func (w *window) waitText(ctx context.Context, dialog ui.DialogID, text string) {
	w.t.Helper()
	for {
		ms, err := w.svc.Messages.History(ctx, dialog, ui.Page{Limit: 100})
		if err != nil {
			w.t.Fatal(err)
		}
		if slices.ContainsFunc(ms, func(m ui.Message) bool { return m.Text == text }) {
			return
		}
		select {
		case <-w.events:
		case <-ctx.Done():
			w.t.Fatalf("%q never arrived", text)
		}
	}
}
