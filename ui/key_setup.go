package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The two ways of keeping the database key, as offered on the first-run page.
const (
	choiceKeyring    = "System keyring (recommended)"
	choicePassphrase = "Passphrase"
)

// Explanations of the two choices, shown under them.
const (
	keyringExplained = "Tacit opens without asking. The key is kept by your desktop's keyring, which is unlocked " +
		"when you log in to this computer. Anyone who can use your desktop session can open Tacit."
	passphraseExplained = "Tacit starts locked and asks for the passphrase every time it opens. Without the " +
		"passphrase the data cannot be read, even by someone who uses your desktop session."
)

// keySetupPage is the first run: the database key is made here, kept in the OS keyring or behind a
// passphrase.
type keySetupPage struct {
	state      VaultState
	choice     *widget.RadioGroup // hidden when the keyring is not available
	explained  *widget.Label      // what the chosen option means
	notice     *widget.Label      // the keyring is not available
	demo       *widget.Label      // the demo: where its key goes, and the passphrase it suggests
	pass       *widget.Entry
	confirm    *widget.Entry
	passHint   *widget.Label
	passErr    *widget.Label
	passFields *fyne.Container // the passphrase fields, shown for the passphrase choice
	err        *widget.Label
	next       *widget.Button
	busy       *busyIndicator
	form       *form
}

// usePassphrase reports whether the passphrase is chosen.
func (p *keySetupPage) usePassphrase() bool {
	return !p.state.KeyringAvailable || p.choice.Selected == choicePassphrase
}

func (u *UI) showKeySetup(st VaultState) {
	p := &keySetupPage{
		state: st, explained: wrapped(""), notice: wrapped(keyringUnavailableNotice),
		pass: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		passHint: caption(passphraseHint("", u.vault.MinPassphraseLength())), passErr: errorLabel(), err: errorLabel(),
	}
	p.notice.Importance = widget.WarningImportance
	p.demo = caption("Demo: the keyring here is held in memory, and the key file goes to a temporary folder " +
		"that is removed when Tacit closes; your own keyring and profile are not touched. For a passphrase, try “" +
		st.DemoPassphrase + "”: the app lock opens with it too.")
	p.demo.Importance = widget.WarningImportance
	if st.DemoPassphrase == "" {
		p.demo.Hide()
	}
	p.next = widget.NewButton("Create the key", func() { u.submitKeySetup(p) })
	p.next.Importance = widget.HighImportance
	p.passFields = container.NewVBox(
		labeled("Passphrase", p.pass, p.passHint),
		labeled("Repeat the passphrase", p.confirm, p.passErr),
	)
	p.choice = widget.NewRadioGroup([]string{choiceKeyring, choicePassphrase}, nil)
	p.choice.Required = true
	buttons := []fyne.CanvasObject{p.next}
	controls := []fyne.Disableable{p.choice, p.pass, p.confirm, p.next}
	if u.wiz != nil {
		// In the wizard nothing is made before this page: going back undoes nothing.
		back := widget.NewButton("Back", func() { u.showWizardBack(pageKeySetup) })
		buttons = append([]fyne.CanvasObject{back}, buttons...)
		controls = append(controls, back)
	}
	p.busy = newBusyWithText("", controls...)
	p.form = u.newForm(p.busy, p.err).with(FieldPassphrase, p.passErr)
	p.pass.OnChanged = func(s string) { p.passHint.SetText(passphraseHint(s, u.vault.MinPassphraseLength())) }
	p.pass.OnSubmitted = func(string) { u.win.Canvas().Focus(p.confirm) }
	p.confirm.OnSubmitted = func(string) { u.submitKeySetup(p) }
	u.keySetupPg = p

	if st.KeyringAvailable {
		p.notice.Hide()
		p.choice.SetSelected(choiceKeyring)
	} else {
		p.choice.Hide()
		p.choice.SetSelected(choicePassphrase)
	}
	u.keySetupChoiceChanged(p, false)
	p.choice.OnChanged = func(string) { u.keySetupChoiceChanged(p, true) }

	footer := container.NewVBox(p.err, buttonRow(p.busy, buttons...))
	u.setPage(pageKeySetup, u.loginFrameWithFooter("Protect the data on this computer",
		"Tacit keeps your chats, secret chat keys and the session of your account in one encrypted "+
			"database on this computer. Choose how the key to it is kept.",
		footer,
		p.demo, p.notice, p.choice, p.explained, p.passFields,
	))
	if p.usePassphrase() {
		u.win.Canvas().Focus(p.pass)
	}
}

// keySetupChoiceChanged shows what the chosen option means, and the passphrase fields when it is chosen.
func (u *UI) keySetupChoiceChanged(p *keySetupPage, focus bool) {
	setError(p.err, "")
	if p.usePassphrase() {
		p.explained.SetText(passphraseExplained)
		p.passFields.Show()
		if focus {
			u.win.Canvas().Focus(p.pass)
		}
	} else {
		p.explained.SetText(keyringExplained)
		p.passFields.Hide()
	}
}

func (u *UI) submitKeySetup(p *keySetupPage) {
	if p.form.working() {
		return
	}
	created := func(recovery string) func() {
		return func() {
			p.pass.SetText("")
			p.confirm.SetText("")
			u.showRecoveryKey(recovery)
		}
	}
	if !p.usePassphrase() {
		p.busy.label.SetText("Saving the key in the keyring…")
		p.form.run(func(ctx context.Context) (func(), error) {
			recovery, err := u.vault.CreateWithKeyring(ctx)
			return created(recovery), err
		})
		return
	}
	if err := CheckNewPassphrase(p.pass.Text, p.confirm.Text, u.vault.MinPassphraseLength()); p.form.show(err) {
		u.win.Canvas().Focus(p.pass)
		return
	}
	pass := []byte(p.pass.Text)
	p.busy.label.SetText("Protecting the key with the passphrase…")
	p.form.run(func(ctx context.Context) (func(), error) {
		defer clear(pass)
		recovery, err := u.vault.CreateWithPassphrase(ctx, pass)
		return created(recovery), err
	})
}
