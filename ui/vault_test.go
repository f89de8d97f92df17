package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tapLink taps a hyperlink on its text, where a user would.
func tapLink(l *widget.Hyperlink) {
	test.TapAt(l, fyne.NewPos(3*theme.Padding(), l.Size().Height/2))
}

// startVault starts a UI on v and waits until the first vault page is shown.
func startVault(t *testing.T, v *fakeVault) *harness {
	t.Helper()
	u := newVaultTestUI(t, v)
	u.Start()
	u.settle()
	return u
}

func TestFirstRunWithKeyringShowsRecoveryKeyOnce(t *testing.T) {
	b := newFakes() // no session yet: Resume says StepPhone
	v := newFakeVault(b, VaultState{Status: VaultFirstRun, KeyringAvailable: true})
	u := startVault(t, v)
	wantPage(t, u, pageKeySetup)
	p := u.keySetupPg
	if p.choice.Selected != choiceKeyring || p.passFields.Visible() || p.notice.Visible() {
		t.Fatalf("keyring not the default (selected %q, passphrase fields %v)", p.choice.Selected, p.passFields.Visible())
	}
	if p.explained.Text != keyringExplained {
		t.Errorf("keyring choice explained as %q", p.explained.Text)
	}
	if p.demo.Visible() {
		t.Errorf("a profile's first run shows the demo's note %q", p.demo.Text)
	}
	u.tap(p.next)
	if v.called("CreateWithKeyring") != 1 || v.called("CreateWithPassphrase") != 0 {
		t.Fatalf("vault calls %v", v.calls)
	}

	wantPage(t, u, pageRecoveryKey)
	r := u.recoveryPg
	var shown []string
	for _, l := range r.groups {
		shown = append(shown, l.Text)
	}
	if strings.Join(shown, "-") != fakeRecoveryKey || len(shown) != 14 {
		t.Fatalf("recovery key shown as %q", shown)
	}
	if !r.next.Disabled() {
		t.Fatal("Continue enabled before the recovery key is confirmed as written down")
	}
	u.tap(r.next)
	wantPage(t, u, pageRecoveryKey)
	if v.called("Open") != 0 {
		t.Fatal("database opened before the recovery key was confirmed")
	}

	u.tap(r.copy)
	if got := u.app.Clipboard().Content(); got != fakeRecoveryKey {
		t.Fatalf("clipboard holds %q", got)
	}
	if !r.copied.Visible() {
		t.Error("no warning about the clipboard after copying")
	}

	test.Tap(r.ack)
	if r.next.Disabled() {
		t.Fatal("Continue stays disabled after the confirmation")
	}
	test.Tap(r.ack)
	if !r.next.Disabled() {
		t.Fatal("Continue stays enabled after unticking")
	}
	test.Tap(r.ack)
	u.tap(r.next)
	if r.recovery != "" || r.groups[0].Text != "" {
		t.Error("the recovery key outlives its page")
	}
	if v.called("Open") != 1 || b.called("Resume") != 1 {
		t.Fatalf("after the recovery key: vault %v, backend %v", v.calls, b.login.list)
	}
	wantPage(t, u, pagePhone) // the sign-in flow goes on with the application Open returned
}

func TestFirstRunPassphraseChecksBeforeCallingTheVault(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepReady}
	v := newFakeVault(b, VaultState{Status: VaultFirstRun, KeyringAvailable: true})
	u := startVault(t, v)
	p := u.keySetupPg
	p.choice.SetSelected(choicePassphrase)
	if !p.passFields.Visible() || p.explained.Text != passphraseExplained {
		t.Fatal("passphrase fields not shown for the passphrase choice")
	}

	typeInto(p.pass, "short")
	if !strings.Contains(p.passHint.Text, "3 more characters") {
		t.Errorf("strength hint %q", p.passHint.Text)
	}
	typeInto(p.confirm, "short")
	u.tap(p.next)
	wantError(t, p.passErr, "at least 8 characters")

	typeInto(p.pass, "correct horse")
	typeInto(p.confirm, "correct hors")
	u.tap(p.next)
	wantPage(t, u, pageKeySetup)
	wantError(t, p.passErr, "not the same")
	if v.called("CreateWithPassphrase") != 0 || v.called("CreateWithKeyring") != 0 {
		t.Fatal("the vault was asked despite a refused passphrase")
	}

	typeInto(p.confirm, "correct horse")
	u.tap(p.next)
	wantPage(t, u, pageRecoveryKey)
	if v.pass != "correct horse" {
		t.Fatalf("passphrase given to the vault: %q", v.pass)
	}
	if !v.passesZeroed() {
		t.Error("passphrase bytes not zeroed after the call")
	}
	if p.pass.Text != "" || p.confirm.Text != "" {
		t.Error("passphrase left in the fields")
	}
	test.Tap(u.recoveryPg.ack)
	u.tap(u.recoveryPg.next)
	wantPage(t, u, pageMain) // Resume says ready: straight to the chats
}

// TestDemoFirstRunAndDataSection: in the demo the first-run page says where the demo keeps its key and
// suggests the demo passphrase, and the settings' data section names it while it protects the key.
func TestDemoFirstRunAndDataSection(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepReady}
	b.login.hint, b.login.demoPass = "Demo server", "demo passphrase"
	v := newFakeVault(b, VaultState{Status: VaultFirstRun, KeyringAvailable: true, DemoPassphrase: "demo passphrase"})
	u := startVault(t, v)
	wantPage(t, u, pageKeySetup)
	p := u.keySetupPg
	if !p.demo.Visible() || !strings.Contains(p.demo.Text, "try “demo passphrase”") || !strings.Contains(p.demo.Text, "temporary folder") {
		t.Fatalf("the demo's note: %q (visible %v)", p.demo.Text, p.demo.Visible())
	}
	p.choice.SetSelected(choicePassphrase)
	typeInto(p.pass, "demo passphrase")
	typeInto(p.confirm, "demo passphrase")
	u.tap(p.next)
	wantPage(t, u, pageRecoveryKey)
	test.Tap(u.recoveryPg.ack)
	u.tap(u.recoveryPg.next)
	wantPage(t, u, pageMain)
	u.tap(u.main.chats.settings)
	d := u.dataPg
	if d.prot.Mode != ProtectedByPassphrase || !d.demo.Visible() || !strings.Contains(d.demo.Text, "Demo passphrase: demo passphrase") {
		t.Fatalf("the data section in the demo: %q (visible %v)", d.demo.Text, d.demo.Visible())
	}
}

func TestFirstRunWithoutKeyringOffersOnlyPassphrase(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultFirstRun})
	u := startVault(t, v)
	wantPage(t, u, pageKeySetup)
	p := u.keySetupPg
	if !p.notice.Visible() || p.notice.Text != keyringUnavailableNotice {
		t.Fatalf("notice %q (visible %v)", p.notice.Text, p.notice.Visible())
	}
	if p.choice.Visible() || !p.passFields.Visible() {
		t.Fatal("keyring still offered, or no passphrase fields")
	}
	u.tap(p.next)
	wantError(t, p.passErr, "Choose a passphrase")
	if len(v.calls) != 1 { // State only
		t.Fatalf("vault calls %v", v.calls)
	}
}

func TestKeyringFailureAtFirstRunIsShown(t *testing.T) {
	v := newFakeVault(newFakes(), VaultState{Status: VaultFirstRun, KeyringAvailable: true})
	v.keyringDown = true
	u := startVault(t, v)
	u.tap(u.keySetupPg.next)
	wantPage(t, u, pageKeySetup)
	wantError(t, u.keySetupPg.err, "did not answer")
	if u.keySetupPg.next.Disabled() {
		t.Fatal("still busy after the error")
	}
}

func TestUnlockWrongPassphraseStaysOnPage(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultLocked})
	u := startVault(t, v)
	wantPage(t, u, pageUnlock)
	p := u.unlockPg

	u.tap(p.next)
	wantError(t, p.err, "Enter the passphrase")
	if v.called("Unlock") != 0 {
		t.Fatal("empty passphrase sent to the vault")
	}

	typeInto(p.entry, "not it")
	u.tap(p.next)
	wantPage(t, u, pageUnlock)
	wantError(t, p.err, "Wrong passphrase")
	if p.entry.Text != "" {
		t.Error("wrong passphrase left in the field")
	}
	if u.win.Canvas().Focused() != p.entry {
		t.Error("the passphrase field lost the focus")
	}
	if v.called("Open") != 0 || b.called("Resume") != 0 {
		t.Fatal("opened with a wrong passphrase")
	}

	typeInto(p.entry, "old passphrase")
	u.tap(p.next)
	if !v.passesZeroed() {
		t.Error("passphrase bytes not zeroed after the call")
	}
	wantPage(t, u, pagePhone)
	if p.err.Visible() {
		t.Error("old error still shown")
	}
}

func TestUnlockShowsProgress(t *testing.T) {
	v := newFakeVault(newFakes(), VaultState{Status: VaultLocked})
	u := startVault(t, v)
	p := u.unlockPg
	v.gate = make(chan struct{})
	typeInto(p.entry, "old passphrase")
	test.Tap(p.next) // Unlock now waits for the gate
	if !p.entry.Disabled() || !p.next.Disabled() || !p.busy.activity.Visible() || !p.busy.label.Visible() {
		t.Fatal("no progress shown while the passphrase is checked")
	}
	test.Tap(p.next)
	close(v.gate)
	u.settle()
	if v.called("Unlock") != 1 {
		t.Fatalf("Unlock called %d times", v.called("Unlock"))
	}
	wantPage(t, u, pagePhone)
}

func TestRecoverForgottenPassphrase(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultLocked})
	u := startVault(t, v)
	tapLink(u.unlockPg.forgot)
	wantPage(t, u, pageRecover)
	p := u.recoverPg
	u.tap(p.back)
	wantPage(t, u, pageUnlock)
	tapLink(u.unlockPg.forgot)
	p = u.recoverPg

	u.tap(p.next)
	wantError(t, p.recoveryErr, "Enter the recovery key")

	typeInto(p.recovery, fakeRecoveryKey)
	u.win.Canvas().Focus(p.recovery)
	p.recovery.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p.recovery.Text != fakeRecoveryKey || u.win.Canvas().Focused() != p.pass || p.recovery.AcceptsTab() {
		t.Fatalf("Return in the recovery key field: text %q, focus not moved on", p.recovery.Text)
	}
	typeInto(p.pass, "new passphrase")
	typeInto(p.confirm, "new passphrase!")
	u.tap(p.next)
	wantError(t, p.passErr, "not the same")
	if v.called("Recover") != 0 {
		t.Fatal("vault asked despite mismatched passphrases")
	}

	typeInto(p.recovery, "ABCD-EFGH")
	typeInto(p.confirm, "new passphrase")
	u.tap(p.next)
	wantPage(t, u, pageRecover)
	wantError(t, p.recoveryErr, "does not open")
	if p.passErr.Visible() || p.err.Visible() {
		t.Fatal("recovery key error shown in the wrong place")
	}

	typeInto(p.recovery, fakeRecoveryKey)
	u.tap(p.next)
	if v.pass != "new passphrase" || !v.passesZeroed() {
		t.Fatalf("vault passphrase %q; zeroed %v", v.pass, v.passesZeroed())
	}
	if p.recovery.Text != "" || p.pass.Text != "" || p.confirm.Text != "" {
		t.Error("secrets left in the fields")
	}
	wantPage(t, u, pagePhone)
}

func TestKeyringUnavailable(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultKeyringUnavailable, Message: "No D-Bus secret service is running."})
	u := startVault(t, v)
	wantPage(t, u, pageKeyringUnavailable)
	p := u.keyringPg
	if !p.details.Visible() || p.details.Text != "No D-Bus secret service is running." {
		t.Fatalf("details %q", p.details.Text)
	}

	u.tap(p.retry)
	wantPage(t, u, pageKeyringUnavailable)
	wantError(t, p.err, "still cannot be reached")

	// The recovery key is offered, and Back returns here.
	u.tap(p.recovery)
	wantPage(t, u, pageRecover)
	if u.recoverPg.back == nil {
		t.Fatal("no way back to the keyring page")
	}
	u.tap(u.recoverPg.back)
	wantPage(t, u, pageKeyringUnavailable)

	// Once the keyring answers, Try again opens the data.
	v.mu.Lock()
	v.state, v.unlocked = VaultState{Status: VaultUnlocked}, true
	v.mu.Unlock()
	u.tap(u.keyringPg.retry)
	if v.called("Open") != 1 {
		t.Fatalf("vault calls %v", v.calls)
	}
	wantPage(t, u, pagePhone)
}

func TestKeyMissingOffersOnlyRecovery(t *testing.T) {
	v := newFakeVault(newFakes(), VaultState{Status: VaultKeyMissing})
	u := startVault(t, v)
	wantPage(t, u, pageRecover)
	p := u.recoverPg
	if p.back != nil {
		t.Fatal("a key missing from the keyring offers a way other than the recovery key")
	}
	typeInto(p.recovery, fakeRecoveryKey)
	typeInto(p.pass, "new passphrase")
	typeInto(p.confirm, "new passphrase")
	u.tap(p.next)
	wantPage(t, u, pagePhone)
	if v.called("CreateWithKeyring")+v.called("CreateWithPassphrase") != 0 {
		t.Fatal("a new key was made")
	}
}

func TestKeyringProfileOpensWithoutAsking(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepReady}
	b.login.hint = "Demo server."
	v := newFakeVault(b, VaultState{Status: VaultUnlocked})
	u := startVault(t, v)
	wantPage(t, u, pageMain)
	if u.sandboxHint != "Demo server." {
		t.Errorf("sandbox hint of the opened Backend not taken: %q", u.sandboxHint)
	}
}

func TestOpenFailureOffersRetry(t *testing.T) {
	b := newFakes()
	v := newFakeVault(b, VaultState{Status: VaultUnlocked})
	v.openErr = &Problem{Message: "The database cannot be opened.", Err: errors.New("disk I/O error")}
	u := startVault(t, v)
	wantPage(t, u, pageOpening)
	wantError(t, u.openingPg.err, "cannot be opened")
	if strings.Contains(u.openingPg.err.Text, "disk") || !u.openingPg.retry.Visible() {
		t.Fatal("raw error shown or no retry")
	}
	v.mu.Lock()
	v.openErr = nil
	v.mu.Unlock()
	u.tap(u.openingPg.retry)
	wantPage(t, u, pagePhone)
}

func TestVaultStateErrorOffersRetry(t *testing.T) {
	v := newFakeVault(newFakes(), VaultState{Status: VaultLocked})
	v.stateErr = errors.New("key file: unexpected end of JSON input")
	u := startVault(t, v)
	wantPage(t, u, pageVaultStarting)
	wantError(t, u.vaultStartPg.err, genericFailure)
	v.mu.Lock()
	v.stateErr = nil
	v.mu.Unlock()
	u.tap(u.vaultStartPg.retry)
	wantPage(t, u, pageUnlock)
}

func TestCheckNewPassphrase(t *testing.T) {
	for _, tc := range []struct {
		pass, confirm, want string
	}{
		{"", "", "Choose"},
		{"1234567", "1234567", "at least 8"},
		{"        ", "        ", "only spaces"},
		{"12345678", "12345679", "not the same"},
		{"ünïcödé!", "ünïcödé!", ""},
	} {
		err := CheckNewPassphrase(tc.pass, tc.confirm, 8)
		msg, field := explain(err)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q refused: %v", tc.pass, err)
			}
			continue
		}
		if !strings.Contains(msg, tc.want) || field != FieldPassphrase {
			t.Errorf("%q/%q: %q (field %d), want %q", tc.pass, tc.confirm, msg, field, tc.want)
		}
	}
}

func TestRecoveryGroups(t *testing.T) {
	if g := recoveryGroups(fakeRecoveryKey); len(g) != 14 || g[0] != "ABCD" || g[13] != "UVWX" {
		t.Fatalf("groups %q", g)
	}
	if g := recoveryGroups("NODASHES"); g != nil {
		t.Fatalf("groups of an unexpected key %q", g)
	}
}
