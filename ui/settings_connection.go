package ui

import (
	"context"
	"net"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// connectionSettingsPage is the settings' connection section: the wizard's choice of how Tacit reaches
// Telegram (connectionForm), tested before it is saved for the next start.
type connectionSettingsPage struct {
	conn       *connectionForm // nil until the saved way is read
	holder     *fyne.Container // where conn goes once read
	state      *widget.Label   // what is saved, or why it cannot be changed
	status     *widget.Label   // what the last test or save did
	err        *widget.Label
	test, save *widget.Button
	busy       *busyIndicator
	form       *form
}

func (u *UI) connectionSection() (fyne.CanvasObject, func()) {
	p := &connectionSettingsPage{holder: container.NewVBox(), state: wrapped("Reading the connection settings…"),
		status: wrapped(""), err: errorLabel()}
	u.connSetPg = p
	p.status.Importance = widget.SuccessImportance
	p.status.Hide()
	p.test = widget.NewButton("Test", func() { u.testConnectionSetting(p, false) })
	p.save = widget.NewButton("Test and save", func() { u.testConnectionSetting(p, true) })
	p.save.Importance = widget.HighImportance
	p.busy = newBusyWithText("Reading the connection settings…", p.test, p.save)
	p.form = u.newForm(p.busy, p.err)

	content := container.NewVBox(
		sectionHeading("How Tacit reaches Telegram"),
		caption("With a proxy, Tacit connects only through it and never directly, even when it fails. A new way is "+
			"tested before it is saved, and Tacit uses it from its next start: the running connection stays as it is "+
			"until you restart Tacit."),
		p.state,
		p.holder,
		p.status, p.err, buttonRow(p.busy, p.test, p.save),
	)
	return column(content), func() {
		p.form.run(func(ctx context.Context) (func(), error) {
			st, err := u.svc.Connection.Connection(ctx)
			return func() { p.show(st) }, err
		})
	}
}

// show puts the saved way into the wizard's connection form, or says why it cannot be changed.
func (p *connectionSettingsPage) show(st ConnectionState) {
	p.conn = newConnectionForm(st.Connection, st.TorAddrs)
	p.form = p.conn.withErrors(p.form)
	p.busy.controls = append(p.busy.controls, p.conn.controls()...)
	p.holder.Objects = []fyne.CanvasObject{p.conn.content}
	p.holder.Refresh()
	if st.Fixed != "" {
		p.state.SetText(st.Fixed)
		p.state.Importance = widget.WarningImportance
		p.state.Refresh()
		p.busy.controls = nil
		for _, c := range append(p.conn.controls(), p.test, p.save) {
			c.Disable()
		}
		return
	}
	p.state.SetText(savedText(st.Connection))
}

// savedText says which way is saved.
func savedText(c Connection) string {
	switch c.Kind {
	case ConnectSOCKS5, ConnectTor:
		return "Saved: " + connectionChoices[c.Kind] + " at " + net.JoinHostPort(c.Host, c.Port) + "."
	}
	return "Saved: " + connectionChoices[c.Kind] + "."
}

// testConnectionSetting tests the way chosen and, with save, keeps it for the next start.
func (u *UI) testConnectionSetting(p *connectionSettingsPage, save bool) {
	if p.conn == nil || p.form.working() {
		return
	}
	p.status.Hide()
	c := p.conn.connection()
	p.busy.label.SetText(testingText(c))
	p.form.run(func(ctx context.Context) (func(), error) {
		if !save {
			err := u.svc.Connection.TestConnection(ctx, c)
			return func() {
				p.status.SetText("Telegram answered this way. Save it to use it from the next start.")
				p.status.Show()
			}, err
		}
		err := u.svc.Connection.SaveConnection(ctx, c)
		return func() {
			p.state.SetText(savedText(c))
			p.status.SetText("Tested and saved. Tacit uses it from its next start: restart Tacit to use it now.")
			p.status.Show()
		}, err
	})
}
