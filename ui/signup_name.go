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
	if p.busy.active || !u.acknowledged {
		return
	}
	setError(p.firstErr, "")
	setError(p.lastErr, "")
	setError(p.err, "")
	first, last, err := CheckName(p.first.Text, p.last.Text)
	if err != nil {
		u.showNameError(p, err)
		return
	}
	acknowledged := u.acknowledged // read here: the goroutine must not touch UI state
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		stage, err := u.b.SignUp(ctx, first, last, acknowledged)
		return func() {
			p.busy.set(false)
			if err != nil {
				u.showNameError(p, err)
				return
			}
			u.showStage(stage)
		}
	})
}

func (u *UI) showNameError(p *signUpNamePage, err error) {
	msg, field := explain(err)
	switch field {
	case FieldFirstName:
		setError(p.firstErr, msg)
	case FieldLastName:
		setError(p.lastErr, msg)
	default:
		setError(p.err, msg)
	}
}
