package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// passphrasePrompt asks for the profile's passphrase: the field with its error under it, the Unlock button
// and the progress while the passphrase is checked. The unlock page at the start and the app lock's page
// are built on it.
type passphrasePrompt struct {
	entry *widget.Entry
	err   *widget.Label
	next  *widget.Button
	busy  *busyIndicator
	form  *form
	// check is the Vault's call for the passphrase typed; opened runs when it accepted it.
	check  func(ctx context.Context, pass []byte) error
	opened func()
}

func (u *UI) newPassphrasePrompt(check func(ctx context.Context, pass []byte) error, opened func()) *passphrasePrompt {
	p := &passphrasePrompt{entry: widget.NewPasswordEntry(), err: errorLabel(), check: check, opened: opened}
	p.next = widget.NewButton("Unlock", p.submit)
	p.next.Importance = widget.HighImportance
	p.busy = newBusyWithText("Checking the passphrase…", p.entry, p.next)
	p.form = u.newForm(p.busy, p.err).with(FieldPassphrase, p.err)
	p.form.onFail = func() { u.win.Canvas().Focus(p.entry) }
	p.entry.OnSubmitted = func(string) { p.submit() }
	return p
}

// submit hands the passphrase typed to the Vault; the field is emptied either way, and the bytes are
// zeroed once the call returns.
func (p *passphrasePrompt) submit() {
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
		return p.opened, p.check(ctx, pass)
	})
}

// unlockPage asks for the passphrase of a passphrase profile: Tacit starts locked.
type unlockPage struct {
	*passphrasePrompt
	forgot *widget.Hyperlink
}

func (u *UI) showUnlock() {
	p := &unlockPage{passphrasePrompt: u.newPassphrasePrompt(u.vault.Unlock, u.showOpening)}
	p.forgot = widget.NewHyperlink("Forgot passphrase? Use the recovery key", nil)
	p.forgot.OnTapped = func() {
		if !p.busy.active {
			u.showRecover(recoverForgotten)
		}
	}
	u.unlockPg = p

	u.setPage(pageUnlock, u.loginFrame("Tacit is locked",
		"Your chats on this computer are protected by a passphrase. Enter it to open Tacit.",
		labeled("Passphrase", p.entry, p.err),
		buttonRow(p.busy, p.next),
		p.forgot,
	))
	u.win.Canvas().Focus(p.entry)
}
