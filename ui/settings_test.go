package ui

import (
	"context"
	"strings"
	"testing"
)

func TestSettingsChangePassword(t *testing.T) {
	u, b := readyUI(t)
	u.tap(u.main.chats.settings)
	wantPage(t, u, pageSettings)
	p := u.twoStepPg
	if p.state.Text != "A password is set, without a recovery e-mail. Hint: the old one." {
		t.Fatalf("state %q", p.state.Text)
	}

	// Checked here first: nothing reaches the account.
	u.tap(p.change)
	wantError(t, p.currentErr, "Enter your current password")
	typeInto(p.current, "old password 1")
	typeInto(p.next, "short")
	typeInto(p.confirm, "short")
	u.tap(p.change)
	wantError(t, p.nextErr, "at least")
	if b.settings.called("ChangePassword") != 0 {
		t.Fatal("a refused new password reached the account")
	}

	// A wrong current password is said under it.
	typeInto(p.current, "not it at all")
	typeInto(p.next, "new password 22")
	typeInto(p.confirm, "new password 22")
	u.tap(p.change)
	wantError(t, p.currentErr, "not your current password")
	if p.nextErr.Visible() || p.status.Visible() {
		t.Fatal("the wrong current password is shown as something else")
	}

	typeInto(p.current, "old password 1")
	typeInto(p.hint, "twenty-two")
	u.tap(p.change)
	if string(b.settings.password) != "new password 22" || b.settings.state.Hint != "twenty-two" {
		t.Fatalf("the account's password is %q", b.settings.password)
	}
	if strings.Trim(string(b.settings.gotCurrent)+string(b.settings.gotNext), "\x00") != "" {
		t.Fatal("the passwords were not zeroed after the call")
	}
	if !p.status.Visible() || p.current.Text != "" || p.next.Text != "" || p.confirm.Text != "" || p.currentErr.Visible() {
		t.Fatalf("after the change: status %q, fields not emptied", p.status.Text)
	}
	if !strings.HasSuffix(p.state.Text, "Hint: twenty-two.") {
		t.Fatalf("state not read back: %q", p.state.Text)
	}
	u.tap(u.settingsPg.back)
	wantPage(t, u, pageMain)
}

// openSettings signs in with b and opens the settings page.
func openSettings(t *testing.T, b *fakes) *harness {
	t.Helper()
	b.login.resume = LoginStage{Step: StepReady}
	u := newTestUI(t, b)
	u.Start()
	u.settle()
	wantPage(t, u, pageMain)
	u.tap(u.main.chats.settings)
	wantPage(t, u, pageSettings)
	return u
}

func TestSettingsProfile(t *testing.T) {
	b := newFakes()
	b.people.mine = "robin_ash"
	u := openSettings(t, b)
	p := u.profilePg
	if p.first.Text != "Robin" || p.last.Text != "Ash" || p.username.entry.Text != "robin_ash" {
		t.Fatalf("loaded %q %q @%q", p.first.Text, p.last.Text, p.username.entry.Text)
	}

	// An empty first name is refused here, and by the server when it gets past the page.
	typeInto(p.first, "  ")
	u.tap(p.save)
	wantError(t, p.firstErr, "Enter a first name")
	if b.settings.called("SetName") != 0 {
		t.Fatal("an empty first name reached the account")
	}
	if err := b.settings.SetName(context.Background(), "", "x"); err == nil {
		t.Fatal("the fake accepts an empty first name")
	}

	typeInto(p.first, " Robin ")
	typeInto(p.last, "Oak")
	u.tap(p.save)
	if b.settings.profile != (Profile{FirstName: "Robin", LastName: "Oak"}) {
		t.Fatalf("saved %+v", b.settings.profile)
	}
	if b.settings.called("Profile") != 2 || p.first.Text != "Robin" || p.last.Text != "Oak" || p.firstErr.Visible() {
		t.Fatalf("not read back: %q %q", p.first.Text, p.last.Text)
	}
	if !p.status.Visible() || !strings.Contains(p.status.Text, "see you as Robin Oak") {
		t.Fatalf("status %q", p.status.Text)
	}

	// The username is the same editor the new chat dialog has.
	p.username.entry.SetText("robin_oak")
	u.fire()
	u.settle()
	u.tap(p.username.save)
	if b.people.mine != "robin_oak" || !strings.Contains(p.username.status.Text, "@robin_oak") {
		t.Fatalf("username %q, status %q", b.people.mine, p.username.status.Text)
	}
}

func TestSettingsRecoveryEmail(t *testing.T) {
	b := newFakes()
	b.login.hint = "Demo server: nothing leaves this computer."
	u := openSettings(t, b)
	p := u.twoStepPg
	if p.pending.Visible() || p.setEmail.Text != "Set recovery e-mail" {
		t.Fatal("a code is asked for before any address was given")
	}

	// The current password and a plausible address are checked here first.
	typeInto(p.email, "robin@example.org")
	u.tap(p.setEmail)
	wantError(t, p.currentErr, "Enter your current password")
	typeInto(p.current, "old password 1")
	typeInto(p.email, "robin at example")
	u.tap(p.setEmail)
	wantError(t, p.emailErr, "not an email address")
	if b.settings.called("SetRecoveryEmail") != 0 {
		t.Fatal("a refused address reached the account")
	}
	typeInto(p.current, "not the password")
	typeInto(p.email, "robin@example.org")
	u.tap(p.setEmail)
	wantError(t, p.currentErr, "not your current password")

	typeInto(p.current, "old password 1")
	u.tap(p.setEmail)
	if strings.Trim(string(b.settings.gotCurrent), "\x00") != "" {
		t.Fatal("the password was not zeroed after the call")
	}
	if !p.pending.Visible() || !strings.Contains(p.pendingText.Text, "r***@example.org") || p.current.Text != "" {
		t.Fatalf("waiting for the code: %q", p.pendingText.Text)
	}
	if !strings.Contains(p.state.Text, "waits for its code") {
		t.Fatalf("state %q", p.state.Text)
	}
	// The demo shows the code as it shows the login code.
	if !p.demo.Visible() || !strings.Contains(p.demo.Text, fakeEmailCode) {
		t.Fatalf("demo code shown as %q", p.demo.Text)
	}

	typeInto(p.code, "111111")
	u.tap(p.confirmCode)
	wantError(t, p.codeErr, "code is not right")
	u.tap(p.resend)
	if b.settings.called("ResendRecoveryEmail") != 1 || !strings.Contains(p.status.Text, "new code was sent") {
		t.Fatalf("resend: %q", p.status.Text)
	}
	typeInto(p.code, fakeEmailCode)
	u.tap(p.confirmCode)
	if p.pending.Visible() || b.settings.email != "robin@example.org" {
		t.Fatalf("after confirming: pending %v, e-mail %q", p.pending.Visible(), b.settings.email)
	}
	if p.state.Text != "A password is set, with a recovery e-mail. Hint: the old one." || p.setEmail.Text != "Change recovery e-mail" {
		t.Fatalf("state %q, button %q", p.state.Text, p.setEmail.Text)
	}

	// A new address can be dropped while it waits; the confirmed one stays.
	typeInto(p.current, "old password 1")
	typeInto(p.email, "other@example.org")
	u.tap(p.setEmail)
	if !p.pending.Visible() {
		t.Fatal("the new address does not wait for its code")
	}
	u.tap(p.cancel)
	if p.pending.Visible() || b.settings.email != "robin@example.org" || !strings.Contains(p.state.Text, "with a recovery e-mail") {
		t.Fatalf("after cancelling: %q", p.state.Text)
	}
}

func TestSettingsConnection(t *testing.T) {
	b := newFakes()
	u := openSettings(t, b)
	p := u.connSetPg
	if p.conn == nil || p.conn.kind() != ConnectTor || p.state.Text != "Saved: Tor at 127.0.0.1:9050." {
		t.Fatalf("loaded: %q", p.state.Text)
	}

	// The wizard's page, with its checks: a SOCKS5 proxy that cannot be reached is not saved.
	p.conn.choice.SetSelected("SOCKS5 proxy")
	u.tap(p.save)
	wantError(t, p.conn.hostErr, "host is missing")
	typeInto(p.conn.host, "proxy.example.org")
	typeInto(p.conn.port, "1")
	u.tap(p.save)
	wantError(t, p.err, "Cannot reach the SOCKS5 proxy")
	if len(b.conn.saves) != 0 || p.status.Visible() {
		t.Fatal("a way that does not work was saved")
	}

	typeInto(p.conn.port, "1080")
	typeInto(p.conn.user, "robin")
	typeInto(p.conn.password, "secret")
	u.tap(p.test)
	if !p.status.Visible() || len(b.conn.saves) != 0 || !strings.Contains(p.status.Text, "Telegram answered") {
		t.Fatalf("test only: %q, saved %v", p.status.Text, b.conn.saves)
	}
	u.tap(p.save)
	want := Connection{Kind: ConnectSOCKS5, Host: "proxy.example.org", Port: "1080", User: "robin", Password: "secret"}
	if len(b.conn.saves) != 1 || b.conn.saves[0] != want {
		t.Fatalf("saved %+v", b.conn.saves)
	}
	if !strings.Contains(p.status.Text, "restart Tacit") || p.state.Text != "Saved: SOCKS5 proxy at proxy.example.org:1080." {
		t.Fatalf("after saving: %q / %q", p.status.Text, p.state.Text)
	}
}

func TestSettingsConnectionFixedInDemo(t *testing.T) {
	b := newFakes()
	b.conn.fixed = "This window talks to a demo server."
	u := openSettings(t, b)
	p := u.connSetPg
	if p.state.Text != b.conn.fixed || !p.save.Disabled() || !p.test.Disabled() || !p.conn.choice.Disabled() {
		t.Fatalf("fixed: %q, save disabled %v", p.state.Text, p.save.Disabled())
	}
}

func TestSettingsDataProtection(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepReady}
	v := newFakeVault(b, VaultState{Status: VaultUnlocked})
	u := newVaultTestUI(t, v)
	u.Start()
	u.settle()
	wantPage(t, u, pageMain)
	u.tap(u.main.chats.settings)
	p := u.dataPg
	if !strings.Contains(p.state.Text, "system keyring") || p.body.Objects == nil {
		t.Fatalf("keyring profile: %q", p.state.Text)
	}

	// Keyring to passphrase: the new passphrase is checked here first.
	typeInto(p.next, "short")
	typeInto(p.repeat, "short")
	u.tap(p.toPass)
	wantError(t, p.nextErr, "at least 8")
	typeInto(p.next, "passphrase one")
	typeInto(p.repeat, "passphrase two")
	u.tap(p.toPass)
	wantError(t, p.nextErr, "not the same")
	if v.called("UsePassphrase") != 0 {
		t.Fatal("a refused passphrase reached the vault")
	}
	typeInto(p.repeat, "passphrase one")
	u.tap(p.toPass)
	if v.pass != "passphrase one" || p.prot.Mode != ProtectedByPassphrase || !strings.Contains(p.status.Text, "passphrase now") {
		t.Fatalf("after switching: %q, status %q", v.pass, p.status.Text)
	}

	// Changing it needs the current one.
	typeInto(p.current, "not it")
	typeInto(p.next, "passphrase two")
	typeInto(p.repeat, "passphrase two")
	u.tap(p.change)
	wantError(t, p.currentErr, "Wrong passphrase")
	if p.nextErr.Visible() {
		t.Fatal("the wrong current passphrase is shown under the new one")
	}
	typeInto(p.current, "passphrase one")
	u.tap(p.change)
	if v.pass != "passphrase two" || !strings.Contains(p.status.Text, "passphrase is changed") {
		t.Fatalf("after changing: %q, status %q", v.pass, p.status.Text)
	}

	// A new recovery key is shown once, and goes away when the user says it is written down.
	typeInto(p.current, "passphrase two")
	u.tap(p.renew)
	rk := u.recoveryPg
	if rk.recovery != fakeNewRecoveryKey || rk.groups[0].Text != "WXYZ" || !rk.next.Disabled() {
		t.Fatalf("new recovery key shown as %v", rk.groups)
	}
	rk.ack.SetChecked(true)
	u.tap(rk.next)
	if rk.recovery != "" || rk.groups[0].Text != "" || v.recovery != fakeNewRecoveryKey {
		t.Fatal("the recovery key is still held after Done")
	}
	if !strings.Contains(p.status.Text, "old one no longer opens") || p.current.Text != "" {
		t.Fatalf("after Done: %q", p.status.Text)
	}

	// Back to the keyring, with the passphrase.
	typeInto(p.current, "passphrase two")
	u.tap(p.toKeyring)
	if v.pass != "" || p.prot.Mode != ProtectedByKeyring || !strings.Contains(p.status.Text, "system keyring now") {
		t.Fatalf("after the keyring: %q", p.status.Text)
	}
	if !v.passesZeroed() {
		t.Fatal("a passphrase was not zeroed after the call")
	}
}

// TestDemoEmailCodeAtSignUp: the sign-up's recovery e-mail page shows the demo server's code too.
func TestDemoEmailCodeAtSignUp(t *testing.T) {
	b := newFakes()
	b.login.hint = "Demo server: nothing leaves this computer."
	b.login.emailSet = true
	b.login.resume = LoginStage{Step: StepConfirmEmail, EmailPattern: "t***@example.org"}
	u := newTestUI(t, b)
	u.Start()
	u.settle()
	wantPage(t, u, pageConfirmEmail)
	if !u.confirmPg.demo.Visible() || !strings.Contains(u.confirmPg.demo.Text, "777777") {
		t.Fatalf("demo code shown as %q", u.confirmPg.demo.Text)
	}
	typeInto(u.confirmPg.entry, "777777")
	u.tap(u.confirmPg.next)
	wantPage(t, u, pageMain)
}
