package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/widget"
)

// confirmEmailPage asks for the code sent to the recovery email given with the new password.
type confirmEmailPage struct {
	entry *widget.Entry
	err   *widget.Label
	demo  *widget.Label // the demo server's code
	next  *widget.Button
	back  *widget.Button
	skip  *widget.Button
	busy  *busyIndicator
	form  *form
}

func (u *UI) showConfirmEmail() {
	p := &confirmEmailPage{entry: widget.NewEntry(), err: errorLabel(), demo: wrapped("")}
	p.demo.Importance = widget.WarningImportance
	p.demo.TextStyle.Bold = true
	p.demo.Hide()
	p.next = widget.NewButton("Confirm", func() { u.submitEmailCode(p) })
	p.next.Importance = widget.HighImportance
	p.back = widget.NewButton("Change password or email", func() { u.showSetPassword() })
	p.skip = widget.NewButton("Continue without a recovery email", func() { u.skipEmail(p) })
	p.busy = newBusy(p.entry, p.next, p.back, p.skip)
	p.form = u.newForm(p.busy, p.err)
	p.entry.OnSubmitted = func(string) { u.submitEmailCode(p) }
	u.confirmPg = p

	to := "your recovery email address"
	if u.stage.EmailPattern != "" {
		to = u.stage.EmailPattern
	}
	u.setPage(pageConfirmEmail, u.loginFrame("Confirm your recovery email",
		fmt.Sprintf("A code was sent to %s. The password takes effect once the address is confirmed.", to),
		p.demo,
		labeled("Code", p.entry, p.err),
		buttonRow(p.busy, p.back, p.next),
		widget.NewSeparator(),
		caption("Without a recovery email a forgotten password cannot be reset; the password itself is set."),
		p.skip,
	))
	u.win.Canvas().Focus(p.entry)
	u.showDemoEmailCode(p.demo)
}

func (u *UI) submitEmailCode(p *confirmEmailPage) {
	if p.form.working() {
		return
	}
	code, err := NormalizeCode(p.entry.Text, 0)
	if p.form.show(err) {
		return
	}
	p.form.stage(func(ctx context.Context) (LoginStage, error) { return u.svc.Login.ConfirmEmail(ctx, code) })
}

// skipEmail keeps the new password and drops the unconfirmed recovery address.
func (u *UI) skipEmail(p *confirmEmailPage) {
	p.form.stage(u.svc.Login.SkipEmail)
}
