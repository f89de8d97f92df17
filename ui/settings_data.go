package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// dataProtectionPage is the settings' data protection section: where the key to the local database is
// kept (the system keyring or a passphrase), the passphrase changed, the key moved from one to the other,
// and a new recovery key made and shown once.
type dataProtectionPage struct {
	state  *widget.Label // where the key is kept
	demo   *widget.Label // the demo: where its key is, and its passphrase while it protects the key
	status *widget.Label // what the last change did
	body   *fyne.Container

	// current is the passphrase now (a passphrase profile); next and repeat a new one.
	current, next, repeat     *widget.Entry
	currentErr, nextErr, err  *widget.Label
	nextHint                  *widget.Label
	change, toKeyring, toPass *widget.Button
	renew                     *widget.Button
	busy                      *busyIndicator
	curForm, nextForm         *form // problems about the passphrase now, and about the new one
	prot                      Protection
}

func (u *UI) dataSection() (fyne.CanvasObject, func()) {
	p := &dataProtectionPage{
		state: wrapped("Reading how your data is protected…"), status: wrapped(""), demo: caption(""), body: container.NewVBox(),
		current: widget.NewPasswordEntry(), next: widget.NewPasswordEntry(), repeat: widget.NewPasswordEntry(),
		currentErr: errorLabel(), nextErr: errorLabel(), err: errorLabel(), nextHint: caption(""),
	}
	u.dataPg = p
	p.status.Importance = widget.SuccessImportance
	p.status.Hide()
	p.demo.Importance = widget.WarningImportance
	p.demo.Hide()
	p.change = widget.NewButton("Change passphrase", func() { u.changePassphrase(p) })
	p.change.Importance = widget.HighImportance
	p.toKeyring = widget.NewButton("Use the system keyring", func() { u.useKeyring(p) })
	p.toPass = widget.NewButton("Use a passphrase", func() { u.usePassphrase(p) })
	p.toPass.Importance = widget.HighImportance
	p.renew = widget.NewButton("Make a new recovery key", func() { u.newRecoveryKey(p) })
	p.busy = newBusyWithText("Reading…", p.current, p.next, p.repeat, p.change, p.toKeyring, p.toPass, p.renew)
	p.curForm = u.newForm(p.busy, p.err).with(FieldPassphrase, p.currentErr)
	p.nextForm = u.newForm(p.busy, p.err).with(FieldPassphrase, p.nextErr)
	if u.vault != nil {
		p.nextHint.SetText(passphraseHint("", u.vault.MinPassphraseLength()))
		p.next.OnChanged = func(s string) { p.nextHint.SetText(passphraseHint(s, u.vault.MinPassphraseLength())) }
	}
	p.current.OnSubmitted = func(string) { u.win.Canvas().Focus(p.next) }
	p.next.OnSubmitted = func(string) { u.win.Canvas().Focus(p.repeat) }

	content := container.NewVBox(sectionHeading("Data protection"), p.state, p.demo, p.status, p.body, p.err,
		container.NewHBox(p.busy.view))
	if u.vault == nil {
		p.state.SetText("This window keeps nothing on this computer, so there is no key to protect.")
		return column(content), nil
	}
	return column(content), func() { u.readProtection(p, "") }
}

// readProtection reads where the key is kept and shows the section for it, with status when not "".
func (u *UI) readProtection(p *dataProtectionPage, status string) {
	p.busy.label.SetText("Reading…")
	p.curForm.run(func(ctx context.Context) (func(), error) {
		prot, err := u.vault.Protection(ctx)
		return func() {
			p.show(prot)
			u.showDemoProtection(p)
			if status != "" {
				p.status.SetText(status)
				p.status.Show()
			}
		}, err
	})
}

// showDemoProtection says, in the demo, where the demo keeps its key and which passphrase protects it.
func (u *UI) showDemoProtection(p *dataProtectionPage) {
	if u.svc.Demo == nil || p.prot.Mode == ProtectedNowhere {
		return
	}
	text := "Demo: the keyring here is held in memory, and the key file is in a temporary folder removed when " +
		"Tacit closes."
	if pass, ok := u.svc.Demo.DemoPassphrase(); ok {
		text += " Demo passphrase: " + pass
	}
	p.demo.SetText(text)
	p.demo.Show()
}

// show lays out what can be done where the key is kept now.
func (p *dataProtectionPage) show(prot Protection) {
	p.prot = prot
	for _, e := range []*widget.Entry{p.current, p.next, p.repeat} {
		e.SetText("")
	}
	newPass := []fyne.CanvasObject{
		labeled("New passphrase", p.next, p.nextHint),
		labeled("Repeat the new passphrase", p.repeat, p.nextErr),
	}
	recovery := []fyne.CanvasObject{
		widget.NewSeparator(),
		sectionHeading("Recovery key"),
		caption("If your recovery key was lost or someone else saw it, make a new one. It is shown once; the old " +
			"one stops working at once."),
		container.NewHBox(layoutSpacer(), p.renew),
	}
	var objs []fyne.CanvasObject
	switch prot.Mode {
	case ProtectedNowhere:
		p.state.SetText("Nothing is kept on this computer, so there is no key to protect.")
		p.body.Objects = nil
		p.body.Refresh()
		return
	case ProtectedByKeyring:
		p.state.SetText("The key to your messages and chats on this computer is in the system keyring, which opens " +
			"when you log in. Anyone who can use your login session can open Tacit's data.")
		objs = append(objs,
			widget.NewSeparator(),
			sectionHeading("Protect with a passphrase instead"),
			caption("Tacit then asks for the passphrase at every start, and the key leaves the system keyring."))
		objs = append(objs, newPass...)
		objs = append(objs, container.NewHBox(layoutSpacer(), p.toPass))
	case ProtectedByPassphrase:
		p.state.SetText("The key to your messages and chats on this computer is behind your passphrase, which " +
			"Tacit asks for at every start.")
		objs = append(objs, labeled("Current passphrase", p.current, p.currentErr, caption("Needed for every change below.")),
			widget.NewSeparator(),
			sectionHeading("Change the passphrase"))
		objs = append(objs, newPass...)
		objs = append(objs, container.NewHBox(layoutSpacer(), p.change),
			widget.NewSeparator(),
			sectionHeading("Keep the key in the system keyring instead"))
		if prot.KeyringAvailable {
			objs = append(objs,
				caption("Tacit then starts without asking for a passphrase, and anyone who can use your login session can open its data."),
				container.NewHBox(layoutSpacer(), p.toKeyring))
		} else {
			objs = append(objs, caption("The system keyring does not answer, so the key stays behind the passphrase. Start the keyring (a D-Bus secret service) to offer it here."))
		}
	}
	p.body.Objects = append(objs, recovery...)
	p.body.Refresh()
}

// working reports whether a change is under way; if not, it clears what the last one said.
func (p *dataProtectionPage) working() bool {
	if p.busy.active {
		return true
	}
	p.status.Hide()
	p.curForm.clear()
	p.nextForm.clear()
	return false
}

// checkNext checks the new passphrase here and says what is wrong under it.
func (u *UI) checkNext(p *dataProtectionPage) bool {
	if err := CheckNewPassphrase(p.next.Text, p.repeat.Text, u.vault.MinPassphraseLength()); err != nil {
		p.nextForm.show(err)
		return false
	}
	return true
}

// checkCurrent says when the current passphrase is missing.
func checkCurrent(p *dataProtectionPage) bool {
	if p.current.Text == "" {
		p.curForm.show(&Problem{Field: FieldPassphrase, Message: "Enter your current passphrase."})
		return false
	}
	return true
}

func (u *UI) changePassphrase(p *dataProtectionPage) {
	if p.working() || !checkCurrent(p) || !u.checkNext(p) {
		return
	}
	current, next := []byte(p.current.Text), []byte(p.next.Text)
	p.busy.label.SetText("Changing the passphrase…")
	p.curForm.run(func(ctx context.Context) (func(), error) {
		defer clear(current)
		defer clear(next)
		err := u.vault.ChangePassphrase(ctx, current, next)
		return func() { u.readProtection(p, "The passphrase is changed. Use the new one the next time Tacit starts.") }, err
	})
}

func (u *UI) useKeyring(p *dataProtectionPage) {
	if p.working() || !checkCurrent(p) {
		return
	}
	current := []byte(p.current.Text)
	p.busy.label.SetText("Moving the key into the system keyring…")
	p.curForm.run(func(ctx context.Context) (func(), error) {
		defer clear(current)
		err := u.vault.UseKeyring(ctx, current)
		return func() {
			u.readProtection(p, "The key is in the system keyring now. Tacit no longer asks for a passphrase; the old one no longer opens your data.")
		}, err
	})
}

func (u *UI) usePassphrase(p *dataProtectionPage) {
	if p.working() || !u.checkNext(p) {
		return
	}
	next, mode := []byte(p.next.Text), p.prot.Mode
	p.busy.label.SetText("Moving the key behind the passphrase…")
	p.nextForm.run(func(ctx context.Context) (func(), error) {
		defer clear(next)
		if err := u.vault.UsePassphrase(ctx, next); err != nil {
			// The switch may have happened with only the old keyring item left behind: then the section
			// shows where the key is now, with the problem.
			prot, perr := u.vault.Protection(ctx)
			if perr != nil || prot.Mode == mode {
				return nil, err
			}
			return func() { p.show(prot); p.nextForm.show(err) }, nil
		}
		return func() {
			u.readProtection(p, "Your data is protected by the passphrase now. Tacit asks for it at every start.")
		}, nil
	})
}

func (u *UI) newRecoveryKey(p *dataProtectionPage) {
	if p.working() {
		return
	}
	var current []byte
	if p.prot.Mode == ProtectedByPassphrase {
		if !checkCurrent(p) {
			return
		}
		current = []byte(p.current.Text)
	}
	p.busy.label.SetText("Making a new recovery key…")
	p.curForm.run(func(ctx context.Context) (func(), error) {
		defer clear(current)
		recovery, err := u.vault.NewRecoveryKey(ctx, current)
		return func() { u.showNewRecoveryKey(p, recovery) }, err
	})
}

// showNewRecoveryKey shows the new recovery key once, in place of the section, as the first start does.
func (u *UI) showNewRecoveryKey(p *dataProtectionPage, recovery string) {
	p.current.SetText("")
	rk, body := u.newRecoveryKeyView(recovery, "Done", func() {
		p.show(p.prot)
		p.status.SetText("The new recovery key is in use. The old one no longer opens your data.")
		p.status.Show()
	})
	objs := []fyne.CanvasObject{
		sectionHeading("Write down your new recovery key"),
		wrapped("This is the only time Tacit shows this key. The old recovery key no longer works. If you forget " +
			"your passphrase, or the system keyring loses the key, this key is the only way to open your chats " +
			"on this computer again."),
	}
	objs = append(objs, body...)
	objs = append(objs, rk.ack, container.NewHBox(layoutSpacer(), rk.next))
	p.body.Objects = objs
	p.body.Refresh()
}
