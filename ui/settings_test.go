package ui

import (
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
