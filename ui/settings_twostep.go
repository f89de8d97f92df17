package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// twoStepPage is the settings' 2-step verification section: the state read from the server, and the
// password changed with the current one.
type twoStepPage struct {
	state  *widget.Label // where 2-step verification stands
	status *widget.Label // what the last change did
	// current, next and confirm are the passwords; hint the new hint.
	current, next, confirm, hint *widget.Entry
	currentErr, nextErr, err     *widget.Label
	change                       *widget.Button
	busy                         *busyIndicator
	form                         *form
}

func (u *UI) twoStepSection() (fyne.CanvasObject, func()) {
	p := &twoStepPage{
		state: wrapped("Reading the 2-step verification settings…"), status: wrapped(""),
		current: widget.NewPasswordEntry(), next: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		hint: widget.NewEntry(), currentErr: errorLabel(), nextErr: errorLabel(), err: errorLabel(),
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

	twoStep := container.NewVBox(
		sectionHeading("2-step verification"), p.state, p.status,
		caption("Telegram asks for this password, after the login code, whenever you sign in on a new device. "+
			"Changing it does not log out your other devices."),
		labeled("Current password", p.current, p.currentErr),
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
			return func() { p.show(st) }, err
		})
	}
}

// show says where 2-step verification stands.
func (p *twoStepPage) show(st TwoStep) {
	text := "A password is set"
	switch {
	case !st.HasPassword:
		text = "No password is set"
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
			p.show(st)
			p.status.SetText("The password is changed. Use the new one the next time Telegram asks for it.")
			p.status.Show()
		}, err
	})
}
