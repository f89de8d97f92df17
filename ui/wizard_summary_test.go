package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// wizardToSetPassword runs the demo wizard on b through the local data's pages to the forced 2-step
// verification page of an account signed in to without a password.
func wizardToSetPassword(t *testing.T, b *fakes) *harness {
	t.Helper()
	b.login.resume = LoginStage{Step: StepSetPassword}
	b.login.pending = &fakeAccountData{}
	v := newFakeVault(b, VaultState{Status: VaultFirstRun, KeyringAvailable: true})
	u := startWizard(t, newFakeSetup(v), true)
	u.tap(u.wizWelcomeNext)
	wantPage(t, u, pageKeySetup)
	u.tap(u.keySetupPg.next)
	wantPage(t, u, pageRecoveryKey)
	test.Tap(u.recoveryPg.ack)
	u.tap(u.recoveryPg.next)
	wantPage(t, u, pageSetPassword)
	return u
}

func TestWizardClosesWithTheCheckUp(t *testing.T) {
	b := newFakes()
	u := wizardToSetPassword(t, b)
	typeInto(u.setPassPg.password, "correct horse")
	typeInto(u.setPassPg.confirm, "correct horse")
	u.tap(u.setPassPg.next)

	// The summary, not the chats: the check-up as read, what is at risk first, Harden offered.
	wantPage(t, u, pageWizardSummary)
	if got := progressText(u); got != "Setting up Tacit · step 6 of 6: Summary" {
		t.Errorf("progress %q", got)
	}
	if u.main != nil || b.called("Dialogs") != 0 {
		t.Fatal("the chats opened before the summary was left")
	}
	c := u.wizSummaryPg.checkUp
	if b.privacy.called("CheckUp") != 1 {
		t.Fatalf("privacy calls %v", b.privacy.list)
	}
	if c.summary.Text != "One setting puts you at risk, and 2 more could be safer." {
		t.Errorf("summary %q", c.summary.Text)
	}
	if len(c.items) != 4 || c.items[0].item.ID != "phone" || c.items[0].fix == nil {
		t.Fatalf("the item at risk is not first with its fix: %+v", c.items)
	}
	if c.harden.Disabled() || c.harden.Text != "Harden 2" {
		t.Fatalf("Harden shown as %q (disabled %v)", c.harden.Text, c.harden.Disabled())
	}

	// Harden from the summary changes what it can and shows the check-up read back.
	u.tap(c.harden)
	if b.privacy.called("Harden") != 1 {
		t.Fatal("Harden did not reach the account")
	}
	if c.summary.Text != "One setting could be safer." || !c.harden.Disabled() {
		t.Errorf("after Harden: %q (Harden disabled %v)", c.summary.Text, c.harden.Disabled())
	}
	if !pageShows(u, "Tacit changed 2 settings") {
		t.Error("the summary does not say what Harden changed")
	}

	u.tap(u.wizSummaryPg.open)
	wantPage(t, u, pageMain)
}

// TestWizardSummaryOnlyAfterSignIn: data that opens on an account signed in to before goes straight to the
// chats, without a summary of a set-up that did not happen now.
func TestWizardSummaryOnlyAfterSignIn(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepReady}
	v := newFakeVault(b, VaultState{Status: VaultFirstRun, KeyringAvailable: true})
	u := startWizard(t, newFakeSetup(v), true)
	u.tap(u.wizWelcomeNext)
	u.tap(u.keySetupPg.next)
	test.Tap(u.recoveryPg.ack)
	u.tap(u.recoveryPg.next)
	wantPage(t, u, pageMain)
	if b.privacy.called("CheckUp") != 0 {
		t.Fatal("a check-up ran for a wizard that signed nothing in")
	}
}
