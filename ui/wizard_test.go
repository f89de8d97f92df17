package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// startWizard starts a wizard on s and waits for its welcome page.
func startWizard(t *testing.T, s *fakeSetup, demo bool) *harness {
	t.Helper()
	u := newHarness(t, func(a fyne.App) *UI {
		if demo {
			return NewDemoWizard(a, s)
		}
		return NewWizard(a, s)
	})
	u.Start()
	u.settle()
	wantPage(t, u, pageWizardWelcome)
	return u
}

// progressText is the wizard's progress line as shown.
func progressText(u *harness) string {
	var out []string
	walkLabels(u.win.Canvas().Content(), func(l string) {
		if strings.HasPrefix(l, "Setting up Tacit") {
			out = append(out, l)
		}
	})
	return strings.Join(out, "|")
}

func TestWizardWelcomeConnectionAPIWithBack(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultFirstRun})
	s := newFakeSetup(v)
	u := startWizard(t, s, false)
	if got := progressText(u); got != "Setting up Tacit · step 1 of 8: Welcome" {
		t.Errorf("progress %q", got)
	}
	for _, want := range []string{"Telegram can read them", "only the two of you", "What nobody can hide", "phone number"} {
		if !pageShows(u, want) {
			t.Errorf("the welcome page does not explain %q", want)
		}
	}

	u.tap(u.wizWelcomeNext)
	wantPage(t, u, pageWizardConnection)
	p := u.wizConnPg
	if p.conn.kind() != ConnectDirect || p.conn.socks.Visible() {
		t.Fatal("the connection page does not start on the saved (direct) connection")
	}
	// SOCKS5 without a host: the problem is shown under the host, and the wizard stays.
	p.conn.choice.SetSelected("SOCKS5 proxy")
	if !p.conn.socks.Visible() || p.conn.mtproxy.Visible() {
		t.Fatal("the SOCKS5 fields are not shown")
	}
	u.tap(p.next)
	wantPage(t, u, pageWizardConnection)
	wantError(t, p.conn.hostErr, "host is missing")

	// A proxy that cannot be reached stops here with the reason.
	typeInto(p.conn.host, "127.0.0.1")
	typeInto(p.conn.port, "1")
	typeInto(p.conn.user, "me")
	typeInto(p.conn.password, "proxy secret")
	u.tap(p.next)
	wantPage(t, u, pageWizardConnection)
	wantError(t, p.err, "Cannot reach the SOCKS5 proxy")
	if got := s.tested[len(s.tested)-1]; got != (Connection{Kind: ConnectSOCKS5, Host: "127.0.0.1", Port: "1", User: "me", Password: "proxy secret"}) {
		t.Fatalf("tested %+v", got)
	}

	// Tor offers both ports; Tor Browser's is chosen.
	p.conn.choice.SetSelected("Tor")
	if len(p.conn.tor.Options) != 2 || !strings.Contains(p.conn.tor.Options[1], "127.0.0.1:9150") {
		t.Fatalf("Tor offers %q", p.conn.tor.Options)
	}
	p.conn.tor.SetSelected(p.conn.tor.Options[1])
	u.tap(p.next)
	wantPage(t, u, pageWizardAPI)
	if got := s.tested[len(s.tested)-1]; got != (Connection{Kind: ConnectTor, Host: "127.0.0.1", Port: "9150"}) {
		t.Fatalf("tested %+v", got)
	}
	if got := progressText(u); got != "Setting up Tacit · step 3 of 8: API credentials" {
		t.Errorf("progress %q", got)
	}

	// Back keeps what was chosen.
	u.tap(u.wizAPIPg.back)
	wantPage(t, u, pageWizardConnection)
	if c := u.wizConnPg.conn.connection(); c.Kind != ConnectTor || c.Port != "9150" {
		t.Fatalf("back on the connection page with %+v", c)
	}
	u.tap(u.wizConnPg.next)
	wantPage(t, u, pageWizardAPI)

	// A malformed api_id is refused on its page, before anything is asked of Telegram.
	a := u.wizAPIPg
	typeInto(a.id, "12ab")
	typeInto(a.hash, "0123456789abcdef0123456789abcdef")
	u.tap(a.next)
	wantPage(t, u, pageWizardAPI)
	wantError(t, a.idErr, "whole number")
	if s.called("UseCredentials") != 0 {
		t.Fatal("malformed credentials were sent on")
	}
	typeInto(a.id, "123456")
	u.tap(a.next)
	wantPage(t, u, pageKeySetup)
	if s.used[0].Kind != ConnectTor {
		t.Fatalf("credentials used with %+v", s.used[0])
	}
	if got := progressText(u); got != "Setting up Tacit · step 4 of 8: Data protection" {
		t.Errorf("progress %q", got)
	}
}

func TestDemoWizardSkipsConnectionAndAPI(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultFirstRun})
	s := newFakeSetup(v)
	u := startWizard(t, s, true)
	if got := progressText(u); got != "Setting up Tacit · step 1 of 6: Welcome" {
		t.Errorf("progress %q", got)
	}
	u.tap(u.wizWelcomeNext)
	wantPage(t, u, pageKeySetup)
	if s.called("Demo") != 1 || s.called("TestConnection") != 0 {
		t.Fatalf("setup calls %v", s.list)
	}
}

// walkLabels calls fn with every piece of text shown under o (hidden objects and their children left out).
func walkLabels(o fyne.CanvasObject, fn func(string)) {
	if o == nil || !o.Visible() {
		return
	}
	switch x := o.(type) {
	case *canvas.Text:
		if x.Text != "" {
			fn(x.Text)
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			walkLabels(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkLabels(c, fn)
		}
	}
}

// pageShows reports whether the window (dialogs included) shows text containing sub.
func pageShows(u *harness, sub string) bool {
	found := false
	check := func(s string) { found = found || strings.Contains(s, sub) }
	walkLabels(u.win.Canvas().Content(), check)
	for _, o := range u.win.Canvas().Overlays().List() {
		walkLabels(o, check)
	}
	return found
}
