package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// unlockPage asks for the passphrase of a passphrase profile: Tacit starts locked.
type unlockPage struct {
	entry  *widget.Entry
	err    *widget.Label
	next   *widget.Button
	forgot *widget.Hyperlink
	busy   *busyIndicator
	form   *form
}

func (u *UI) showUnlock() {
	p := &unlockPage{entry: widget.NewPasswordEntry(), err: errorLabel()}
	p.next = widget.NewButton("Unlock", func() { u.submitUnlock(p) })
	p.next.Importance = widget.HighImportance
	p.forgot = widget.NewHyperlink("Forgot passphrase? Use the recovery key", nil)
	p.forgot.OnTapped = func() {
		if !p.busy.active {
			u.showRecover(recoverForgotten)
		}
	}
	p.busy = newBusyWithText("Checking the passphrase…", p.entry, p.next)
	p.form = u.newForm(p.busy, p.err).with(FieldPassphrase, p.err)
	p.form.onFail = func() { u.win.Canvas().Focus(p.entry) }
	p.entry.OnSubmitted = func(string) { u.submitUnlock(p) }
	u.unlockPg = p

	u.setPage(pageUnlock, u.loginFrame("Tacit is locked",
		"Your chats on this computer are protected by a passphrase. Enter it to open Tacit.",
		labeled("Passphrase", p.entry, p.err),
		buttonRow(p.busy, p.next),
		p.forgot,
	))
	u.win.Canvas().Focus(p.entry)
}

func (u *UI) submitUnlock(p *unlockPage) {
	if p.form.working() {
		return
	}
	if p.entry.Text == "" {
		p.form.show(&Problem{Field: FieldPassphrase, Message: "Enter the passphrase."})
		return
	}
	pass := []byte(p.entry.Text)
	// The passphrase is used either way: it does not stay in the field.
	p.entry.SetText("")
	p.form.run(func(ctx context.Context) (func(), error) {
		defer clear(pass)
		return u.showOpening, u.vault.Unlock(ctx, pass)
	})
}
