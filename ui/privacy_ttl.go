package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ttlPanel is the privacy centre's account self-destruct period: after how long without coming online
// Telegram deletes the account. It says the period the server has, offers the ones Telegram's apps offer,
// and shows a change as read back.
type ttlPanel struct {
	p    *privacyPage
	ttl  *widget.Select
	now  *widget.Label // the period the server has, as last read, in a sentence
	save *widget.Button
	err  *widget.Label
	busy *busyIndicator
	form *form
	// result shows the last Save as read back; row is its change, if there was one.
	result *fyne.Container
	row    *ruleRow
	// loaded is the period the server had when the panel last read it, in days.
	loaded int
}

// ttlChoices are the self-destruct periods offered: those Telegram's own apps offer, within the 30 to 730
// days the server accepts.
var ttlChoices = []struct {
	days int
	name string
}{{30, "1 month"}, {90, "3 months"}, {180, "6 months"}, {365, "1 year"}, {548, "18 months"}, {730, "2 years"}}

func newTTLPanel(p *privacyPage) *ttlPanel {
	t := &ttlPanel{p: p, err: errorLabel(), result: container.NewVBox(), now: wrapped("")}
	t.now.TextStyle.Bold = true
	var names []string
	for _, c := range ttlChoices {
		names = append(names, c.name)
	}
	t.ttl = widget.NewSelect(names, nil)
	t.ttl.PlaceHolder = "Reading…"
	t.save = widget.NewButton("Save", t.apply)
	t.save.Importance = widget.HighImportance
	t.busy = newBusyWithText("Reading the period…", t.save, t.ttl)
	t.form = p.u.newForm(t.busy, t.err)
	return t
}

func (t *ttlPanel) content() fyne.CanvasObject {
	return container.NewVBox(
		t.now,
		labeled("Delete my account if I am away for", t.ttl,
			caption("A shorter period protects you if you lose access to the account, to this computer or to your "+
				"phone number: the account and its cloud chats are deleted sooner, for example before your old number "+
				"is given to someone else. Tacit recommends 6 months at most.")),
		t.err, buttonRow(t.busy, t.save), t.result)
}

// load reads the period from the server.
func (t *ttlPanel) load() {
	t.busy.label.SetText("Reading the period…")
	t.form.run(func(ctx context.Context) (func(), error) {
		x, err := t.p.u.svc.Privacy.Exposure(ctx)
		return func() { t.show(x.AccountTTLDays) }, err
	})
}

// show selects the period the server has and says what it means.
func (t *ttlPanel) show(days int) {
	t.loaded = days
	if name := ttlName(days); name != "" {
		t.ttl.SetSelected(name)
	} else {
		t.ttl.ClearSelected() // a period Tacit does not offer: the sentence above says it
	}
	t.now.SetText(ttlSentence(days))
}

// chosen is the period selected, in days; what is not chosen stays as loaded.
func (t *ttlPanel) chosen() int {
	for _, c := range ttlChoices {
		if t.ttl.Selected == c.name {
			return c.days
		}
	}
	return t.loaded
}

// apply changes the period, shows the change as read back, and reads the period and the check-up again.
func (t *ttlPanel) apply() {
	days := t.chosen()
	t.result.RemoveAll()
	t.row = nil
	if days == t.loaded {
		t.result.Add(caption("Nothing to change: the server has this period already."))
		return
	}
	t.busy.label.SetText("Changing the period and reading it back…")
	t.form.run(func(ctx context.Context) (func(), error) {
		// Only the period changes: the phone number's settings stay as the server has them now.
		want, err := t.p.u.svc.Privacy.Exposure(ctx)
		if err != nil {
			return nil, err
		}
		want.AccountTTLDays = days
		rules, err := t.p.u.svc.Privacy.SetExposure(ctx, want)
		if err != nil {
			return nil, err
		}
		now, err := t.p.u.svc.Privacy.Exposure(ctx)
		return func() {
			for _, r := range rules {
				view, row := ruleView(r)
				t.row = row
				t.result.Add(view)
			}
			t.show(now.AccountTTLDays)
			t.p.checkUp.load()
		}, err
	})
}

// ttlSentence says what the self-destruct period the server has means.
func ttlSentence(days int) string {
	if days <= 0 {
		return ""
	}
	period := ttlName(days)
	if period == "" {
		period = plural(days, "1 day", "%d days")
	}
	return "Now: if you do not come online for " + period + ", Telegram deletes your account with all its cloud chats and contacts."
}

// ttlName is how a self-destruct period is offered; "" for a period that is not offered.
func ttlName(days int) string {
	for _, c := range ttlChoices {
		if c.days == days {
			return c.name
		}
	}
	return ""
}
