package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sessionsPanel is the privacy centre's list of the devices logged in to the account: this one, and the
// others with a way to log each out, or all of them, after a confirmation.
type sessionsPanel struct {
	p         *privacyPage
	this      *fyne.Container
	others    *fyne.Container
	none      *widget.Label
	endOthers *widget.Button
	err       *widget.Label
	busy      *busyIndicator
	form      *form
	rows      []*sessionRow
	now       func() time.Time
	// confirm is the last "End …?" question, for the tests.
	confirm *dialog.ConfirmDialog
}

// sessionRow is one device as shown.
type sessionRow struct {
	session Session
	end     *widget.Button // nil for this device
}

func newSessionsPanel(p *privacyPage) *sessionsPanel {
	s := &sessionsPanel{p: p, this: container.NewVBox(), others: container.NewVBox(), err: errorLabel(), now: time.Now,
		none: caption("No other device is logged in to this account.")}
	s.none.Hide()
	s.endOthers = widget.NewButtonWithIcon("End all other sessions", theme.LogoutIcon(), s.confirmEndOthers)
	s.endOthers.Importance = widget.DangerImportance
	s.endOthers.Disable()
	s.busy = newBusyWithText("Reading the devices…", s.endOthers)
	s.form = p.u.newForm(s.busy, s.err)
	return s
}

func (s *sessionsPanel) content() fyne.CanvasObject {
	return container.NewVBox(
		caption("Every device logged in to your account can read your cloud chats. Secret chats stay on the "+
			"device they were started on. End the sessions you do not recognise."),
		s.busy.view, s.err,
		heading("This device"), s.this,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, s.endOthers, heading("Other devices")), s.none, s.others)
}

// heading returns a bold label for a section.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// load lists the sessions.
func (s *sessionsPanel) load() {
	s.busy.label.SetText("Reading the devices…")
	s.form.run(func(ctx context.Context) (func(), error) {
		list, err := s.p.u.svc.Privacy.Sessions(ctx)
		return func() { s.show(list) }, err
	})
}

// show draws the sessions.
func (s *sessionsPanel) show(list []Session) {
	s.this.RemoveAll()
	s.others.RemoveAll()
	s.rows = s.rows[:0]
	s.busy.controls = []fyne.Disableable{s.endOthers}
	others := 0
	for _, x := range list {
		row := &sessionRow{session: x}
		s.rows = append(s.rows, row)
		if x.Current {
			s.this.Add(s.view(row))
			continue
		}
		others++
		row.end = widget.NewButton("End session", func() { s.confirmEnd(row.session) })
		s.busy.controls = append(s.busy.controls, row.end)
		s.others.Add(s.view(row))
	}
	if others == 0 {
		s.none.Show()
		s.endOthers.Disable()
	} else {
		s.none.Hide()
		s.endOthers.Enable()
	}
}

// view lays out one device: what it is, the app, where it connects from, when it was last active, and
// whether secret chats reach it.
func (s *sessionsPanel) view(row *sessionRow) fyne.CanvasObject {
	x := row.session
	title := widget.NewLabelWithStyle(x.Device, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	lines := []fyne.CanvasObject{title, caption(sessionDetails(x, s.now()))}
	secret := caption("Does not accept secret chats")
	if x.SecretChats {
		secret.SetText("Accepts secret chats")
	}
	lines = append(lines, secret)
	icon := widget.NewIcon(theme.ComputerIcon())
	var right fyne.CanvasObject
	if row.end != nil {
		right = container.NewVBox(row.end)
	}
	return container.NewBorder(nil, nil, container.NewVBox(icon), right,
		container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), lines...))
}

// sessionDetails says a session's app, address and last activity in one line.
func sessionDetails(x Session, now time.Time) string {
	app := x.App
	if app == "" {
		app = "Unknown app"
	}
	parts := []string{app}
	where := x.IP
	if x.Location != "" {
		where = strings.TrimSpace(where + " (" + x.Location + ")")
	}
	if where != "" {
		parts = append(parts, where)
	}
	parts = append(parts, activeWords(x, now))
	return strings.Join(parts, " · ")
}

// activeWords says when a session was last active.
func activeWords(x Session, now time.Time) string {
	switch {
	case x.Current:
		return "online now"
	case x.Active.IsZero() || x.Active.Unix() <= 0:
		return "last active: unknown"
	case now.Sub(x.Active) < 5*time.Minute:
		return "active a moment ago"
	}
	return "last active " + shortTime(x.Active, now)
}

// confirmEnd asks whether to log out one device and does so on confirmation.
func (s *sessionsPanel) confirmEnd(x Session) {
	s.ask("End this session?", "End session",
		x.Device+" ("+x.App+") will be logged out of your account at once and will no longer receive your "+
			"messages. Someone holding that device would need your login code and 2-step password to get back in.",
		func(ctx context.Context) error { return s.p.u.svc.Privacy.Terminate(ctx, x.ID) })
}

// confirmEndOthers asks whether to log out every other device and does so on confirmation.
func (s *sessionsPanel) confirmEndOthers() {
	s.ask("End all other sessions?", "End all",
		"Every device but this one will be logged out of your account at once. Secret chats on those devices end "+
			"there. You will need your login code and 2-step password to sign in on them again.",
		s.p.u.svc.Privacy.TerminateOthers)
}

// ask shows a confirmation and, once confirmed, runs end and lists the sessions again, and reads the
// check-up again (its devices item changes).
func (s *sessionsPanel) ask(title, confirm, text string, end func(ctx context.Context) error) {
	if s.form.working() {
		return
	}
	d := dialog.NewCustomConfirm(title, confirm, "Cancel",
		container.New(&widthLayout{width: 420}, wrapped(text)),
		func(ok bool) {
			if !ok {
				return
			}
			s.busy.label.SetText("Ending the session and checking the list…")
			s.form.run(func(ctx context.Context) (func(), error) {
				if err := end(ctx); err != nil {
					return nil, err
				}
				list, err := s.p.u.svc.Privacy.Sessions(ctx)
				return func() {
					s.show(list)
					s.p.checkUp.load()
				}, err
			})
		}, s.p.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	s.confirm = d
	d.Show()
}
