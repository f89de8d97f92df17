package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// toSignUpName goes from the phone page to the name form of a new account.
func toSignUpName(t *testing.T, u *harness) {
	t.Helper()
	toCode(t, u, "+44 7700 900124")
	typeInto(u.codePg.entry, "12345")
	u.tap(u.codePg.next)
	wantPage(t, u, pageSignUpWarning)
	test.Tap(u.warningPg.ack)
	u.tap(u.warningPg.next)
	wantPage(t, u, pageSignUpName)
	typeInto(u.namePg.first, "Robin")
}

func TestLockdownIsShownRuleByRule(t *testing.T) {
	b := newFakes()
	b.login.lockdown = true
	u := newTestUI(t, b)
	toSignUpName(t, u)
	u.tap(u.namePg.next)
	wantPage(t, u, pageLockdown)
	p := u.lockdownPg
	if len(p.rows) != 2 || !p.rows[0].rule.Applied || p.rows[0].status.Text != "Set to nobody, and the server shows nobody." {
		t.Fatalf("rows %+v", p.rows)
	}
	if p.retry.Visible() || p.next.Disabled() {
		t.Fatal("everything applied, yet Retry is offered or Continue is off")
	}
	u.tap(p.next)
	wantPage(t, u, pageSetPassword)
}

func TestLockdownNotAppliedSaysWhyAndRetries(t *testing.T) {
	b := newFakes()
	b.login.lockdown, b.login.lockdownRefusals = true, 2
	u := newTestUI(t, b)
	toSignUpName(t, u)
	u.tap(u.namePg.next)
	wantPage(t, u, pageLockdown)
	p := u.lockdownPg
	if p.rows[0].rule.Applied || p.rows[0].status.Text != "Not applied: The server refused the change (PRIVACY_TOO_LONG)." {
		t.Fatalf("the refused rule reads %q", p.rows[0].status.Text)
	}
	if !p.next.Disabled() || !p.retry.Visible() {
		t.Fatal("Continue is offered while a rule is not applied")
	}
	u.tap(p.next) // disabled: nothing happens
	wantPage(t, u, pageLockdown)

	u.tap(p.retry)
	wantPage(t, u, pageLockdown)
	if u.lockdownPg.rows[0].rule.Applied {
		t.Fatal("the second refusal is shown as applied")
	}
	u.tap(u.lockdownPg.retry)
	wantPage(t, u, pageLockdown)
	if !u.lockdownPg.rows[0].rule.Applied || u.lockdownPg.next.Disabled() {
		t.Fatal("the applied retry is not shown as applied")
	}
	if got := b.login.signUps; len(got) != 3 || got[2].first != "Robin" || !got[2].acknowledged {
		t.Fatalf("sign-ups %+v", got)
	}
	if len(b.login.accounts) != 1 {
		t.Fatalf("a retry made another account: %d", len(b.login.accounts))
	}
	u.tap(u.lockdownPg.next)
	wantPage(t, u, pageSetPassword)
}
