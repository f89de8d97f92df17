package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// settingsPage is the account's settings, reached from the chat list: for now the 2-step verification
// password, read from the server and changed with the current one, and the way to About.
type settingsPage struct {
	back   *widget.Button
	state  *widget.Label // where 2-step verification stands
	status *widget.Label // what the last change did
	// current, next and confirm are the passwords; hint the new hint.
	current, next, confirm, hint *widget.Entry
	currentErr, nextErr, err     *widget.Label
	change                       *widget.Button
	busy                         *busyIndicator
	form                         *form
	about                        *widget.Button // nil when the window has no About (SetAbout)
}

func (u *UI) showSettings() {
	p := &settingsPage{
		state: wrapped("Reading the 2-step verification settings…"), status: wrapped(""),
		current: widget.NewPasswordEntry(), next: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		hint: widget.NewEntry(), currentErr: errorLabel(), nextErr: errorLabel(), err: errorLabel(),
	}
	u.settingsPg = p
	p.status.Importance = widget.SuccessImportance
	p.status.Hide()
	p.back = widget.NewButtonWithIcon("Chats", theme.NavigateBackIcon(), func() { u.showMain() })
	p.back.Importance = widget.LowImportance
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
	var actions []fyne.CanvasObject
	if u.about != nil {
		p.about = widget.NewButtonWithIcon("About Tacit", theme.InfoIcon(), func() { u.showAbout() })
		p.about.Importance = widget.LowImportance
		actions = append(actions, p.about)
	}
	u.setPage(pageSettings, u.sectionFrame(p.back, "Settings", column(twoStep), actions...))
	p.form.run(func(ctx context.Context) (func(), error) {
		st, err := u.svc.Settings.TwoStep(ctx)
		return func() { p.show(st) }, err
	})
}

// sectionFrame lays out a page of the main window other than the chats: a way back, a title, the page's
// actions on the right, the content.
func (u *UI) sectionFrame(back *widget.Button, title string, content fyne.CanvasObject, actions ...fyne.CanvasObject) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	bar := container.NewHBox(append([]fyne.CanvasObject{back, heading, layoutSpacer()}, actions...)...)
	top := container.NewVBox(bar, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, content)
}

// sectionHeading is the heading of a part of a settings page.
func sectionHeading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// show says where 2-step verification stands.
func (p *settingsPage) show(st TwoStep) {
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
func (u *UI) changePassword(p *settingsPage) {
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
