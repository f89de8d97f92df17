package ui

import (
	"context"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// setPasswordPage creates the 2-step verification password Tacit requires. The main window stays locked
// until the application reports StepReady.
type setPasswordPage struct {
	password, confirm *widget.Entry
	hint, email       *widget.Entry
	passwordErr       *widget.Label
	emailErr          *widget.Label
	err               *widget.Label
	next              *widget.Button
	busy              *busyIndicator
	form              *form
}

func (u *UI) showSetPassword() {
	p := &setPasswordPage{
		password: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		hint: widget.NewEntry(), email: widget.NewEntry(),
		passwordErr: errorLabel(), emailErr: errorLabel(), err: errorLabel(),
	}
	p.email.SetPlaceHolder("name@example.org")
	p.next = widget.NewButton("Set password", func() { u.submitNewPassword(p) })
	p.next.Importance = widget.HighImportance
	p.busy = newBusy(p.password, p.confirm, p.hint, p.email, p.next)
	p.form = u.newForm(p.busy, p.err).with(FieldPassword, p.passwordErr).with(FieldEmail, p.emailErr)
	p.password.OnSubmitted = func(string) { u.win.Canvas().Focus(p.confirm) }
	p.confirm.OnSubmitted = func(string) { u.win.Canvas().Focus(p.hint) }
	p.hint.OnSubmitted = func(string) { u.win.Canvas().Focus(p.email) }
	p.email.OnSubmitted = func(string) { u.submitNewPassword(p) }
	u.setPassPg = p

	footer := container.NewVBox(p.err, buttonRow(p.busy, p.next))
	u.setPage(pageSetPassword, u.loginFrameWithFooter("Protect your account with a password",
		"Tacit requires 2-step verification. Without it, anyone who takes over your phone number, "+
			"for example by persuading your carrier to move it to their SIM card, can sign in as you. "+
			"Telegram will ask for this password whenever you sign in on a new device.",
		footer,
		labeled("Password", p.password,
			caption(plural(u.svc.Rules.MinPasswordLength(), "", "At least %d characters. A few unrelated words are easy to remember and hard to guess."))),
		labeled("Repeat the password", p.confirm, p.passwordErr),
		labeled("Hint (optional)", p.hint,
			caption("Shown to anyone who tries to sign in, so it must not give the password away.")),
		labeled("Recovery email (optional)", p.email, p.emailErr,
			caption("Lets you reset a forgotten password. Without it, the only way back into a locked "+
				"account is to reset it, which deletes its cloud chats and contacts.")),
	))
	u.win.Canvas().Focus(p.password)
}

func (u *UI) submitNewPassword(p *setPasswordPage) {
	if p.form.working() {
		return
	}
	if p.form.show(CheckNewPassword(p.password.Text, p.confirm.Text, u.svc.Rules.MinPasswordLength())) {
		return
	}
	email, err := CheckEmail(p.email.Text)
	if p.form.show(err) {
		return
	}
	password, hint := []byte(p.password.Text), p.hint.Text
	p.form.run(func(ctx context.Context) (func(), error) {
		defer clear(password)
		st, err := u.svc.Login.SetPassword(ctx, password, hint, email)
		return func() {
			p.password.SetText("")
			p.confirm.SetText("")
			u.showStage(st)
		}, err
	})
}
