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
	if p.busy.active {
		return
	}
	if p.entry.Text == "" {
		setError(p.err, "Enter the passphrase.")
		u.win.Canvas().Focus(p.entry)
		return
	}
	setError(p.err, "")
	pass := []byte(p.entry.Text)
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		err := u.vault.Unlock(ctx, pass)
		clear(pass)
		return func() {
			p.busy.set(false)
			// The passphrase has been used either way: do not leave it in the field.
			p.entry.SetText("")
			if err != nil {
				msg, _ := explain(err)
				setError(p.err, msg)
				u.win.Canvas().Focus(p.entry)
				return
			}
			u.showOpening()
		}
	})
}
