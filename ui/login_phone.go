package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// phonePage asks for the phone number, or offers a QR code instead.
type phonePage struct {
	entry *widget.Entry
	err   *widget.Label
	next  *widget.Button
	qr    *widget.Button
	busy  *busyIndicator
}

func (u *UI) showPhone() {
	p := &phonePage{entry: widget.NewEntry(), err: errorLabel()}
	p.entry.SetPlaceHolder("+44 7700 900123")
	p.entry.SetText(u.phone)
	p.next = widget.NewButton("Send code", func() { u.submitPhone(p) })
	p.next.Importance = widget.HighImportance
	p.qr = widget.NewButton("Use a QR code instead", func() { u.showQR() })
	p.busy = newBusy(p.entry, p.next, p.qr)
	p.entry.OnSubmitted = func(string) { u.submitPhone(p) }
	u.phonePg = p

	u.setPage(pagePhone, u.loginFrame("Sign in to Telegram",
		"Enter your phone number with its country code. Telegram sends a login code to your other "+
			"devices or by SMS.",
		labeled("Phone number", p.entry, p.err),
		buttonRow(p.busy, p.next),
		widget.NewSeparator(),
		caption("Already signed in on your phone? You can scan a QR code with it instead of typing a code."),
		p.qr,
	))
	u.win.Canvas().Focus(p.entry)
}

func (u *UI) submitPhone(p *phonePage) {
	if p.busy.active {
		return
	}
	phone, err := NormalizePhone(p.entry.Text)
	if err != nil {
		msg, _ := explain(err)
		setError(p.err, msg)
		return
	}
	setError(p.err, "")
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		sent, err := u.b.SendCode(ctx, phone)
		return func() {
			p.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				setError(p.err, msg)
				return
			}
			u.phone, u.codeSent, u.acknowledged = phone, sent, false
			u.showStage(LoginStage{Step: StepCode})
		}
	})
}
