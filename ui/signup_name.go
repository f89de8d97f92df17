package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// signUpNamePage asks for the name of the new account. It is reachable only from the acknowledged
// registration warning.
type signUpNamePage struct {
	first, last       *widget.Entry
	firstErr, lastErr *widget.Label
	err               *widget.Label
	next, back        *widget.Button
	busy              *busyIndicator
	form              *form
}

// showSignUpName shows the name form, or the registration warning if it has not been acknowledged.
func (u *UI) showSignUpName() {
	if !u.acknowledged {
		u.showSignUpWarning()
		return
	}
	p := &signUpNamePage{
		first: widget.NewEntry(), last: widget.NewEntry(),
		firstErr: errorLabel(), lastErr: errorLabel(), err: errorLabel(),
	}
	p.next = widget.NewButton("Create account", func() { u.submitName(p) })
	p.next.Importance = widget.HighImportance
	p.back = widget.NewButton("Back", func() { u.showSignUpWarning() })
	p.busy = newBusy(p.first, p.last, p.next, p.back)
	p.form = u.newForm(p.busy, p.err).with(FieldFirstName, p.firstErr).with(FieldLastName, p.lastErr)
	p.first.OnSubmitted = func(string) { u.win.Canvas().Focus(p.last) }
	p.last.OnSubmitted = func(string) { u.submitName(p) }
	u.namePg = p

	u.setPage(pageSignUpName, u.loginFrame("Your name",
		"Others see this name. It does not have to be your real one, and you can change it later.",
		labeled("First name", p.first, p.firstErr),
		labeled("Last name (optional)", p.last, p.lastErr),
		p.err,
		buttonRow(p.busy, p.back, p.next),
	))
	u.win.Canvas().Focus(p.first)
}

func (u *UI) submitName(p *signUpNamePage) {
	if p.form.working() || !u.acknowledged {
		return
	}
	first, last, err := CheckName(p.first.Text, p.last.Text)
	if p.form.show(err) {
		return
	}
	acknowledged := u.acknowledged // read here: the goroutine must not touch UI state
	u.signUpFirst, u.signUpLast = first, last
	p.form.run(func(ctx context.Context) (func(), error) {
		st, err := u.svc.Login.SignUp(ctx, first, last, acknowledged)
		return func() { u.showSignUpResult(st) }, err
	})
}
