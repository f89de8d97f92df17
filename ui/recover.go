package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// recoverReason says why the recovery key is asked for, which decides the page's words and where Back
// leads.
type recoverReason int

const (
	recoverForgotten          recoverReason = iota // from the unlock page: the passphrase is forgotten
	recoverKeyringUnavailable                      // from the keyring page: the keyring does not answer
	recoverKeyMissing                              // the keyring lost the key: nothing else can help
)

// recoverPage takes the recovery key and a new passphrase. Afterwards the database key is kept behind the
// passphrase, whatever it was before.
type recoverPage struct {
	reason      recoverReason
	recovery    *recoveryEntry
	recoveryErr *widget.Label
	pass        *widget.Entry
	confirm     *widget.Entry
	passHint    *widget.Label
	passErr     *widget.Label
	err         *widget.Label
	next        *widget.Button
	back        *widget.Button // nil when there is nowhere to go back to
	busy        *busyIndicator
	form        *form
}

func (u *UI) showRecover(reason recoverReason) {
	p := &recoverPage{
		reason: reason, recovery: newRecoveryEntry(), recoveryErr: errorLabel(),
		pass: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		passHint: caption(passphraseHint("", u.vault.MinPassphraseLength())), passErr: errorLabel(), err: errorLabel(),
	}
	p.next = widget.NewButton("Set the new passphrase", func() { u.submitRecover(p) })
	p.next.Importance = widget.HighImportance
	controls := []fyne.Disableable{p.recovery, p.pass, p.confirm, p.next}
	buttons := []fyne.CanvasObject{p.next}
	switch reason {
	case recoverForgotten:
		p.back = widget.NewButton("Back", func() { u.showUnlock() })
	case recoverKeyringUnavailable:
		st := u.vaultState
		p.back = widget.NewButton("Back", func() { u.showKeyringUnavailable(st) })
	}
	if p.back != nil {
		controls = append(controls, p.back)
		buttons = []fyne.CanvasObject{p.back, p.next}
	}
	p.busy = newBusyWithText("Protecting the key with the new passphrase…", controls...)
	p.form = u.newForm(p.busy, p.err).with(FieldRecoveryKey, p.recoveryErr).with(FieldPassphrase, p.passErr)
	p.recovery.OnSubmitted = func(string) { u.win.Canvas().Focus(p.pass) }
	p.pass.OnChanged = func(s string) { p.passHint.SetText(passphraseHint(s, u.vault.MinPassphraseLength())) }
	p.pass.OnSubmitted = func(string) { u.win.Canvas().Focus(p.confirm) }
	p.confirm.OnSubmitted = func(string) { u.submitRecover(p) }
	u.recoverPg = p

	title, intro := "Use your recovery key",
		"Enter the recovery key you wrote down when Tacit was set up, and choose a new passphrase. "+
			"Your chats stay as they are."
	switch reason {
	case recoverKeyringUnavailable:
		intro = "Enter the recovery key you wrote down when Tacit was set up, and choose a passphrase. " +
			"From now on Tacit keeps the key to your data behind this passphrase instead of the system " +
			"keyring, and asks for it when it starts."
	case recoverKeyMissing:
		title = "The key to your data is missing"
		intro = "Your Tacit data is on this computer, but the system keyring no longer holds the key that " +
			"opens it (the keyring may have been reset, or this is another user account). Tacit does not " +
			"make a new key, because that would make the data unreadable. Enter the recovery key you wrote " +
			"down when Tacit was set up and choose a passphrase: from now on Tacit asks for it when it starts."
	}
	footer := container.NewVBox(p.err, buttonRow(p.busy, buttons...))
	u.setPage(pageRecover, u.loginFrameWithFooter(title, intro, footer,
		labeled("Recovery key", p.recovery, p.recoveryErr),
		labeled("New passphrase", p.pass, p.passHint),
		labeled("Repeat the new passphrase", p.confirm, p.passErr),
	))
	u.win.Canvas().Focus(p.recovery)
}

func (u *UI) submitRecover(p *recoverPage) {
	if p.form.working() {
		return
	}
	recovery := strings.TrimSpace(p.recovery.Text)
	if recovery == "" {
		p.form.show(&Problem{Field: FieldRecoveryKey, Message: "Enter the recovery key."})
		u.win.Canvas().Focus(p.recovery)
		return
	}
	if err := CheckNewPassphrase(p.pass.Text, p.confirm.Text, u.vault.MinPassphraseLength()); p.form.show(err) {
		u.win.Canvas().Focus(p.pass)
		return
	}
	pass := []byte(p.pass.Text)
	p.form.run(func(ctx context.Context) (func(), error) {
		defer clear(pass)
		return func() {
			p.recovery.SetText("")
			p.pass.SetText("")
			p.confirm.SetText("")
			u.showOpening()
		}, u.vault.Recover(ctx, recovery, pass)
	})
}

// recoveryEntry is the field the recovery key is typed into: monospace, wrapped over two lines so the whole
// key stays in view, with Return submitting and Tab moving on as in a one-line field.
type recoveryEntry struct {
	widget.Entry
}

func newRecoveryEntry() *recoveryEntry {
	e := &recoveryEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.SetPlaceHolder("ABCD-EFGH-IJKL-MNOP-…")
	e.SetMinRowsVisible(2)
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab reports false, so Tab moves the focus on instead of typing a tab.
func (e *recoveryEntry) AcceptsTab() bool { return false }

// TypedKey submits on Return or Enter (a recovery key has no line breaks) and passes other keys on.
func (e *recoveryEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		if e.OnSubmitted != nil && !e.Disabled() {
			e.OnSubmitted(e.Text)
		}
		return
	}
	e.Entry.TypedKey(k)
}
