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
	form  *form
}

func (u *UI) showPhone() {
	p := &phonePage{entry: widget.NewEntry(), err: errorLabel()}
	p.entry.SetPlaceHolder("+44 7700 900123")
	p.entry.SetText(u.phone)
	p.next = widget.NewButton("Send code", func() { u.submitPhone(p) })
	p.next.Importance = widget.HighImportance
	p.qr = widget.NewButton("Use a QR code instead", func() { u.showQR() })
	p.busy = newBusy(p.entry, p.next, p.qr)
	p.form = u.newForm(p.busy, p.err)
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
	if p.form.working() {
		return
	}
	phone, err := u.svc.Rules.NormalizePhone(p.entry.Text)
	if p.form.show(err) {
		return
	}
	p.form.run(func(ctx context.Context) (func(), error) {
		sent, err := u.svc.Login.SendCode(ctx, phone)
		return func() {
			u.phone, u.codeSent, u.acknowledged = phone, sent, false
			u.showStage(LoginStage{Step: StepCode})
		}, err
	})
}
