package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// passwordPage asks for the 2-step verification password of an account that has one.
type passwordPage struct {
	entry *widget.Entry
	hint  *widget.Label
	err   *widget.Label
	next  *widget.Button
	back  *widget.Button
	busy  *busyIndicator
}

func (u *UI) showPassword() {
	p := &passwordPage{entry: widget.NewPasswordEntry(), err: errorLabel()}
	p.next = widget.NewButton("Sign in", func() { u.submitPassword(p) })
	p.next.Importance = widget.HighImportance
	p.back = widget.NewButton("Start over", func() { u.showPhone() })
	p.busy = newBusy(p.entry, p.next, p.back)
	p.entry.OnSubmitted = func(string) { u.submitPassword(p) }
	p.hint = caption("")
	if h := u.stage.PasswordHint; h != "" {
		p.hint.SetText("Hint: " + h)
	} else {
		p.hint.Hide()
	}
	u.passwordPg = p

	u.setPage(pagePassword, u.loginFrame("Enter your password",
		"This account is protected by 2-step verification. Enter the password you chose for it.",
		labeled("Password", p.entry, p.hint, p.err),
		buttonRow(p.busy, p.back, p.next),
	))
	u.win.Canvas().Focus(p.entry)
}

func (u *UI) submitPassword(p *passwordPage) {
	if p.busy.active {
		return
	}
	if p.entry.Text == "" {
		setError(p.err, "Enter the password.")
		return
	}
	setError(p.err, "")
	password := []byte(p.entry.Text)
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		stage, err := u.b.SubmitPassword(ctx, password)
		clear(password)
		return func() {
			p.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				setError(p.err, msg)
				return
			}
			p.entry.SetText("")
			u.showStage(stage)
		}
	})
}
