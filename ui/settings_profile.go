package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// profilePage is the settings' profile section: the account's name, read from the server and saved back,
// and its public username (the same editor the new chat dialog offers).
type profilePage struct {
	first, last            *widget.Entry
	firstErr, lastErr, err *widget.Label
	status                 *widget.Label // what the last save did
	save                   *widget.Button
	busy                   *busyIndicator
	form                   *form
	username               *usernameEditor
}

func (u *UI) profileSection() (fyne.CanvasObject, func()) {
	p := &profilePage{
		first: widget.NewEntry(), last: widget.NewEntry(),
		firstErr: errorLabel(), lastErr: errorLabel(), err: errorLabel(), status: wrapped(""),
	}
	u.profilePg = p
	p.status.Importance = widget.SuccessImportance
	p.status.Hide()
	p.save = widget.NewButton("Save name", func() { u.saveName(p) })
	p.save.Importance = widget.HighImportance
	p.busy = newBusyWithText("Reading your name…", p.first, p.last, p.save)
	p.form = u.newForm(p.busy, p.err).with(FieldFirstName, p.firstErr).with(FieldLastName, p.lastErr)
	p.first.OnSubmitted = func(string) { u.win.Canvas().Focus(p.last) }
	p.last.OnSubmitted = func(string) { u.saveName(p) }
	p.username = u.newUsernameEditor(u.svc.People)

	content := container.NewVBox(
		sectionHeading("Your name"),
		caption("Everyone you write to, and everyone in your groups, sees this name. It does not have to be your real one."),
		container.NewGridWithColumns(2, labeled("First name", p.first, p.firstErr), labeled("Last name (optional)", p.last, p.lastErr)),
		p.status, p.err, buttonRow(p.busy, p.save),
		widget.NewSeparator(),
		sectionHeading("Username"),
		p.username.content,
	)
	return column(content), func() {
		p.form.run(func(ctx context.Context) (func(), error) {
			pr, err := u.svc.Settings.Profile(ctx)
			return func() { p.show(pr) }, err
		})
		p.username.load()
	}
}

// show puts the name read from the server into the fields.
func (p *profilePage) show(pr Profile) {
	p.first.SetText(pr.FirstName)
	p.last.SetText(pr.LastName)
}

// saveName checks the name here, saves it and reads it back from the server.
func (u *UI) saveName(p *profilePage) {
	if p.form.working() {
		return
	}
	p.status.Hide()
	first, last, err := CheckName(p.first.Text, p.last.Text)
	if p.form.show(err) {
		return
	}
	p.busy.label.SetText("Saving your name…")
	p.form.run(func(ctx context.Context) (func(), error) {
		if err := u.svc.Settings.SetName(ctx, first, last); err != nil {
			return nil, err
		}
		pr, err := u.svc.Settings.Profile(ctx)
		return func() {
			p.show(pr)
			p.status.SetText("Saved. People now see you as " + strings.TrimSpace(pr.FirstName+" "+pr.LastName) + ".")
			p.status.Show()
		}, err
	})
}
