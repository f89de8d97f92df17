package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// twoStepPage is the settings' 2-step verification section: the state read from the server, the password
// changed with the current one, and the recovery e-mail set or changed with it and confirmed with the code
// sent to it.
type twoStepPage struct {
	state  *widget.Label // where 2-step verification stands
	status *widget.Label // what the last change did
	// current is the password now, which every change here needs; next, confirm and hint are the new
	// password and its hint.
	current, next, confirm, hint *widget.Entry
	currentErr, nextErr, err     *widget.Label
	change                       *widget.Button
	busy                         *busyIndicator
	form                         *form

	// The recovery e-mail: the address, the code sent to it while it waits (pending), and the demo's code.
	email, code                     *widget.Entry
	emailErr, codeErr, emailPageErr *widget.Label
	setEmail                        *widget.Button
	confirmCode, resend, cancel     *widget.Button
	pending                         *fyne.Container
	pendingText, demo               *widget.Label
	emailBusy                       *busyIndicator
	emailForm, codeForm             *form
}

func (u *UI) twoStepSection() (fyne.CanvasObject, func()) {
	p := &twoStepPage{
		state: wrapped("Reading the 2-step verification settings…"), status: wrapped(""),
		current: widget.NewPasswordEntry(), next: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		hint: widget.NewEntry(), currentErr: errorLabel(), nextErr: errorLabel(), err: errorLabel(),
		email: widget.NewEntry(), code: widget.NewEntry(),
		emailErr: errorLabel(), codeErr: errorLabel(), emailPageErr: errorLabel(),
		pendingText: wrapped(""), demo: wrapped(""),
	}
	u.twoStepPg = p
	p.status.Importance = widget.SuccessImportance
	p.status.Hide()
	p.change = widget.NewButton("Change password", func() { u.changePassword(p) })
	p.change.Importance = widget.HighImportance
	p.busy = newBusyWithText("Reading the settings…", p.current, p.next, p.confirm, p.hint, p.change)
	p.form = u.newForm(p.busy, p.err).with(FieldCurrentPassword, p.currentErr).with(FieldPassword, p.nextErr)
	p.current.OnSubmitted = func(string) { u.win.Canvas().Focus(p.next) }
	p.next.OnSubmitted = func(string) { u.win.Canvas().Focus(p.confirm) }
	p.confirm.OnSubmitted = func(string) { u.win.Canvas().Focus(p.hint) }
	p.hint.OnSubmitted = func(string) { u.changePassword(p) }

	p.email.SetPlaceHolder("name@example.org")
	p.code.SetPlaceHolder("Code from the e-mail")
	p.setEmail = widget.NewButton("Set recovery e-mail", func() { u.setRecoveryEmail(p) })
	p.confirmCode = widget.NewButton("Confirm", func() { u.confirmRecoveryEmail(p) })
	p.confirmCode.Importance = widget.HighImportance
	p.resend = widget.NewButton("Send the code again", func() { u.resendRecoveryEmail(p) })
	p.cancel = widget.NewButton("Cancel this address", func() { u.cancelRecoveryEmail(p) })
	p.cancel.Importance = widget.LowImportance
	p.email.OnSubmitted = func(string) { u.setRecoveryEmail(p) }
	p.code.OnSubmitted = func(string) { u.confirmRecoveryEmail(p) }
	p.demo.Importance = widget.WarningImportance
	p.demo.TextStyle.Bold = true
	p.demo.Hide()
	p.emailBusy = newBusyWithText("", p.email, p.setEmail, p.code, p.confirmCode, p.resend, p.cancel)
	p.emailForm = u.newForm(p.emailBusy, p.emailPageErr).with(FieldCurrentPassword, p.currentErr).with(FieldEmail, p.emailErr)
	p.codeForm = u.newForm(p.emailBusy, p.emailPageErr).with(FieldEmail, p.codeErr).with(FieldCode, p.codeErr)
	p.pending = container.NewVBox(p.pendingText, p.demo, labeled("Code", p.code, p.codeErr),
		container.NewHBox(p.cancel, layoutSpacer(), p.resend, p.confirmCode))
	p.pending.Hide()

	twoStep := container.NewVBox(
		sectionHeading("2-step verification"), p.state, p.status,
		caption("Telegram asks for this password, after the login code, whenever you sign in on a new device. "+
			"Changing it does not log out your other devices."),
		labeled("Current password", p.current, p.currentErr, caption("Needed for every change below.")),
		widget.NewSeparator(),
		sectionHeading("Recovery e-mail"),
		caption("If you forget the password, Telegram sends a code to this address to reset it. Without one, a "+
			"forgotten password cannot be reset. Telegram does not show the address to anyone."),
		labeled("E-mail address", p.email, p.emailErr),
		container.NewHBox(p.emailBusy.view, layoutSpacer(), p.setEmail),
		p.pending, p.emailPageErr,
		widget.NewSeparator(),
		sectionHeading("Change the password"),
		labeled("New password", p.next,
			caption(plural(u.svc.Rules.MinPasswordLength(), "", "At least %d characters. A few unrelated words are easy to remember and hard to guess."))),
		labeled("Repeat the new password", p.confirm, p.nextErr),
		labeled("New hint (optional)", p.hint,
			caption("Shown to anyone who tries to sign in, so it must not give the password away.")),
		p.err, buttonRow(p.busy, p.change),
	)
	return column(twoStep), func() {
		p.form.run(func(ctx context.Context) (func(), error) {
			st, err := u.svc.Settings.TwoStep(ctx)
			return func() { u.showTwoStep(p, st) }, err
		})
	}
}

// showTwoStep says where 2-step verification stands, and asks for the e-mail's code while one waits.
func (u *UI) showTwoStep(p *twoStepPage, st TwoStep) {
	p.show(st)
	if st.HasRecoveryEmail {
		p.setEmail.SetText("Change recovery e-mail")
	} else {
		p.setEmail.SetText("Set recovery e-mail")
	}
	if !st.EmailPending {
		p.pending.Hide()
		p.demo.Hide()
		return
	}
	to := "the new address"
	if st.EmailPattern != "" {
		to = st.EmailPattern
	}
	p.pendingText.SetText("A code was sent to " + to + ". Enter it to confirm the address; until then it is not used.")
	p.pending.Show()
	u.showDemoEmailCode(p.demo)
}

// show says where 2-step verification stands.
func (p *twoStepPage) show(st TwoStep) {
	text := "A password is set"
	switch {
	case !st.HasPassword:
		text = "No password is set"
	case st.EmailPending && st.HasRecoveryEmail:
		text += ", with a recovery e-mail; the new address waits for its code"
	case st.EmailPending:
		text += "; the recovery e-mail waits for its code"
	case st.HasRecoveryEmail:
		text += ", with a recovery e-mail"
	default:
		text += ", without a recovery e-mail"
	}
	if st.Hint != "" {
		text += ". Hint: " + st.Hint
	}
	p.state.SetText(text + ".")
}

// showDemoEmailCode shows, against the demo server, the code it "sent" to the recovery e-mail, as the
// code page shows the login code.
func (u *UI) showDemoEmailCode(l *widget.Label) {
	demo := u.svc.Demo
	if demo == nil {
		return
	}
	u.background(func(context.Context) func() {
		code, ok := demo.DemoEmailCode()
		return func() {
			if ok {
				l.SetText("Demo server: the e-mail code is " + code)
				l.Show()
			}
		}
	})
}

// changePassword checks the new password here, then changes it with the current one and reads the state
// back.
func (u *UI) changePassword(p *twoStepPage) {
	if p.form.working() {
		return
	}
	p.status.Hide()
	if p.current.Text == "" {
		p.form.show(&Problem{Field: FieldCurrentPassword, Message: "Enter your current password."})
		return
	}
	if p.form.show(CheckNewPassword(p.next.Text, p.confirm.Text, u.svc.Rules.MinPasswordLength())) {
		return
	}
	current, next, hint := []byte(p.current.Text), []byte(p.next.Text), p.hint.Text
	p.busy.label.SetText("Changing the password…")
	p.form.run(func(ctx context.Context) (func(), error) {
		defer clear(current)
		defer clear(next)
		if err := u.svc.Settings.ChangePassword(ctx, current, next, hint); err != nil {
			return nil, err
		}
		st, err := u.svc.Settings.TwoStep(ctx)
		return func() {
			for _, e := range []*widget.Entry{p.current, p.next, p.confirm, p.hint} {
				e.SetText("")
			}
			u.showTwoStep(p, st)
			p.status.SetText("The password is changed. Use the new one the next time Telegram asks for it.")
			p.status.Show()
		}, err
	})
}

// setRecoveryEmail checks the address here, then asks Telegram, with the current password, to send a code
// to it.
func (u *UI) setRecoveryEmail(p *twoStepPage) {
	if p.emailForm.working() {
		return
	}
	p.status.Hide()
	if p.current.Text == "" {
		p.emailForm.show(&Problem{Field: FieldCurrentPassword, Message: "Enter your current password."})
		return
	}
	email, err := CheckEmail(p.email.Text)
	if err == nil && email == "" {
		err = &Problem{Field: FieldEmail, Message: "Enter the e-mail address."}
	}
	if p.emailForm.show(err) {
		return
	}
	current := []byte(p.current.Text)
	p.emailBusy.label.SetText("Sending a code to the address…")
	p.emailForm.run(func(ctx context.Context) (func(), error) {
		defer clear(current)
		if err := u.svc.Settings.SetRecoveryEmail(ctx, current, email); err != nil {
			return nil, err
		}
		st, err := u.svc.Settings.TwoStep(ctx)
		return func() {
			p.current.SetText("")
			p.code.SetText("")
			u.showTwoStep(p, st)
			if !st.EmailPending && st.HasRecoveryEmail {
				p.email.SetText("")
				p.status.SetText("The recovery e-mail is set.")
				p.status.Show()
				return
			}
			u.win.Canvas().Focus(p.code)
		}, err
	})
}

// confirmRecoveryEmail confirms the waiting address with the code sent to it.
func (u *UI) confirmRecoveryEmail(p *twoStepPage) {
	if p.codeForm.working() {
		return
	}
	code, err := NormalizeCode(p.code.Text, 0)
	if p.codeForm.show(err) {
		return
	}
	p.emailBusy.label.SetText("Confirming the address…")
	p.codeForm.run(func(ctx context.Context) (func(), error) {
		if err := u.svc.Settings.ConfirmRecoveryEmail(ctx, code); err != nil {
			return nil, err
		}
		st, err := u.svc.Settings.TwoStep(ctx)
		return func() {
			p.email.SetText("")
			p.code.SetText("")
			u.showTwoStep(p, st)
			p.status.SetText("The recovery e-mail is confirmed. Telegram sends a reset code there if you forget the password.")
			p.status.Show()
		}, err
	})
}

// resendRecoveryEmail asks Telegram to send the code again.
func (u *UI) resendRecoveryEmail(p *twoStepPage) {
	if p.codeForm.working() {
		return
	}
	p.emailBusy.label.SetText("Sending the code again…")
	p.codeForm.run(func(ctx context.Context) (func(), error) {
		err := u.svc.Settings.ResendRecoveryEmail(ctx)
		return func() {
			p.code.SetText("")
			p.status.SetText("A new code was sent to the address.")
			p.status.Show()
			u.showDemoEmailCode(p.demo)
		}, err
	})
}

// cancelRecoveryEmail drops the waiting address; a confirmed one stays.
func (u *UI) cancelRecoveryEmail(p *twoStepPage) {
	if p.codeForm.working() {
		return
	}
	p.emailBusy.label.SetText("Cancelling…")
	p.codeForm.run(func(ctx context.Context) (func(), error) {
		if err := u.svc.Settings.CancelRecoveryEmail(ctx); err != nil {
			return nil, err
		}
		st, err := u.svc.Settings.TwoStep(ctx)
		return func() {
			p.code.SetText("")
			u.showTwoStep(p, st)
			p.status.SetText("The new address is dropped.")
			p.status.Show()
		}, err
	})
}
