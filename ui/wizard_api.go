package ui

import (
	"context"
	"net/url"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// apiPortalHost is where Telegram hands out API credentials.
const apiPortalHost = "my.telegram.org"

// wizardAPIPage asks for the api_id and api_hash Telegram requires of every app, says how to get them, and
// offers the demo instead.
type wizardAPIPage struct {
	id, hash       *widget.Entry
	idErr, hashErr *widget.Label
	err            *widget.Label
	back, next     *widget.Button
	demo           *widget.Button
	busy           *busyIndicator
	form           *form
}

func (u *UI) showWizardAPI() {
	p := &wizardAPIPage{id: widget.NewEntry(), hash: widget.NewEntry(), idErr: errorLabel(), hashErr: errorLabel(), err: errorLabel()}
	p.id.SetPlaceHolder("1234567")
	p.hash.SetPlaceHolder("32 letters and digits")
	p.id.SetText(u.wiz.apiID)
	p.hash.SetText(u.wiz.apiHash)
	p.back = widget.NewButton("Back", func() { u.showWizardBack(pageWizardAPI) })
	p.next = widget.NewButton("Check and continue", func() { u.submitAPI(p) })
	p.next.Importance = widget.HighImportance
	p.demo = widget.NewButton("Try the demo", func() { u.startDemo(p) })
	p.busy = newBusyWithText("", p.id, p.hash, p.back, p.next, p.demo)
	p.form = u.newForm(p.busy, p.err).with(FieldAPIID, p.idErr).with(FieldAPIHash, p.hashErr)
	p.id.OnSubmitted = func(string) { u.win.Canvas().Focus(p.hash) }
	p.hash.OnSubmitted = func(string) { u.submitAPI(p) }
	u.wizAPIPg = p

	portal := &url.URL{Scheme: "https", Host: apiPortalHost}
	footer := container.NewVBox(p.err, buttonRow(p.busy, p.back, p.next))
	u.setPage(pageWizardAPI, u.loginFrameWithFooter("Your own key to Telegram",
		"Telegram lets an app in only with an api_id and api_hash, and Tacit comes without one: you make "+
			"your own, free, in a few minutes. Tacit keeps it in your settings on this computer.",
		footer,
		bullet("Open my.telegram.org in a browser and sign in with your phone number: Telegram sends the "+
			"code to your Telegram app."),
		widget.NewHyperlink("my.telegram.org", portal),
		bullet("Choose “API development tools” and fill in the form: any title and short name, platform "+
			"“Desktop”."),
		bullet("Copy the api_id (a number) and the api_hash (32 letters and digits) into the fields below."),
		caption("The credentials are tied to your Telegram account; they let Telegram tell which app a "+
			"login comes from, not read your chats."),
		labeled("api_id", p.id, p.idErr),
		labeled("api_hash", p.hash, p.hashErr),
		widget.NewSeparator(),
		caption("Only looking? The demo runs a small Telegram-like server inside Tacit, with simulated "+
			"people to write to. Nothing reaches Telegram and nothing is written to disk."),
		container.NewHBox(p.demo),
	))
	if p.id.Text == "" {
		u.win.Canvas().Focus(p.id)
	}
}

func (u *UI) submitAPI(p *wizardAPIPage) {
	if p.form.working() {
		return
	}
	id, hash := strings.TrimSpace(p.id.Text), strings.TrimSpace(p.hash.Text)
	u.wiz.apiID, u.wiz.apiHash = id, hash
	if p.form.show(u.wiz.setup.CheckCredentials(id, hash)) {
		return
	}
	conn := u.wiz.conn
	p.busy.label.SetText("Asking Telegram…")
	p.form.run(func(ctx context.Context) (func(), error) {
		v, err := u.wiz.setup.UseCredentials(ctx, conn, id, hash)
		return func() { u.useVault(v) }, err
	})
}

// startDemo starts the demo server and goes on with its Vault. From the API page (p) the page shows the
// progress and any problem; from the welcome page of the demo a waiting page does.
func (u *UI) startDemo(p *wizardAPIPage) {
	start := func(ctx context.Context) (func(), error) {
		v, err := u.wiz.setup.Demo(ctx)
		return func() { u.useVault(v) }, err
	}
	if p == nil {
		u.showWaiting(pageWizardStarting, "Starting the demo server…", func() { u.startDemo(nil) }, start)
		return
	}
	p.busy.label.SetText("Starting the demo server…")
	p.form.run(start)
}
