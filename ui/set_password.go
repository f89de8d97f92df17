package ui

import (
	"context"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// setPasswordPage creates the 2-step verification password Tacit requires. The main window stays locked
// until the Backend reports StepReady.
type setPasswordPage struct {
	password, confirm *widget.Entry
	hint, email       *widget.Entry
	passwordErr       *widget.Label
	emailErr          *widget.Label
	err               *widget.Label
	next              *widget.Button
	busy              *busyIndicator
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
			caption("At least 8 characters. A few unrelated words are easy to remember and hard to guess.")),
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
	if p.busy.active {
		return
	}
	setError(p.passwordErr, "")
	setError(p.emailErr, "")
	setError(p.err, "")
	if err := CheckNewPassword(p.password.Text, p.confirm.Text, p.hint.Text); err != nil {
		u.showNewPasswordError(p, err)
		return
	}
	email, err := CheckEmail(p.email.Text)
	if err != nil {
		u.showNewPasswordError(p, err)
		return
	}
	password, hint := []byte(p.password.Text), p.hint.Text
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		stage, err := u.b.SetPassword(ctx, password, hint, email)
		clear(password)
		return func() {
			p.busy.set(false)
			if err != nil {
				u.showNewPasswordError(p, err)
				return
			}
			p.password.SetText("")
			p.confirm.SetText("")
			u.showStage(stage)
		}
	})
}

func (u *UI) showNewPasswordError(p *setPasswordPage, err error) {
	msg, field := explain(err)
	switch field {
	case FieldPassword:
		setError(p.passwordErr, msg)
	case FieldEmail:
		setError(p.emailErr, msg)
	default:
		setError(p.err, msg)
	}
}
