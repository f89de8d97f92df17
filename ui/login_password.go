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
	form  *form
}

func (u *UI) showPassword() {
	p := &passwordPage{entry: widget.NewPasswordEntry(), err: errorLabel()}
	p.next = widget.NewButton("Sign in", func() { u.submitPassword(p) })
	p.next.Importance = widget.HighImportance
	p.back = widget.NewButton("Start over", func() { u.showPhone() })
	p.busy = newBusy(p.entry, p.next, p.back)
	p.form = u.newForm(p.busy, p.err)
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
	if p.form.working() {
		return
	}
	if p.entry.Text == "" {
		p.form.show(&Problem{Field: FieldPassword, Message: "Enter the password."})
		return
	}
	password := []byte(p.entry.Text)
	p.form.stage(func(ctx context.Context) (LoginStage, error) {
		defer clear(password)
		return u.svc.Login.SubmitPassword(ctx, password)
	})
}
