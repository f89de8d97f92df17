package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// exposurePanel is the privacy centre's phone number settings: who sees the number, who can find the
// account by it, and after how long unused the account deletes itself. Save changes what differs and shows
// each change as read back.
type exposurePanel struct {
	p    *privacyPage
	see  *widget.RadioGroup
	find *widget.RadioGroup
	ttl  *widget.Select
	// ttlNow says the self-destruct period the server has, as last read.
	ttlNow *widget.Label
	save   *widget.Button
	err    *widget.Label
	busy   *busyIndicator
	form   *form
	result *fyne.Container
	// rows are the changes of the last Save, as read back.
	rows []*ruleRow
	// loaded is what the server had when the panel last read it.
	loaded Exposure
}

// audienceChoices are the audiences offered for the phone number, in words, in the order shown.
var audienceChoices = []struct {
	a    Audience
	name string
}{{AudienceEverybody, "Everybody"}, {AudienceContacts, "My contacts"}, {AudienceNobody, "Nobody"}}

// ttlChoices are the self-destruct periods offered, the ones Telegram accepts.
var ttlChoices = []struct {
	days int
	name string
}{{30, "1 month"}, {90, "3 months"}, {180, "6 months"}, {365, "1 year"}, {548, "18 months"}, {730, "2 years"}}

func newExposurePanel(p *privacyPage) *exposurePanel {
	e := &exposurePanel{p: p, err: errorLabel(), result: container.NewVBox(), ttlNow: wrapped("")}
	e.ttlNow.TextStyle.Bold = true
	names := func(n int) []string {
		var out []string
		for _, c := range audienceChoices[:n] {
			out = append(out, c.name)
		}
		return out
	}
	e.see = widget.NewRadioGroup(names(3), nil)
	e.find = widget.NewRadioGroup(names(2), nil)
	var ttl []string
	for _, c := range ttlChoices {
		ttl = append(ttl, c.name)
	}
	e.ttl = widget.NewSelect(ttl, nil)
	e.save = widget.NewButton("Save", e.apply)
	e.save.Importance = widget.HighImportance
	e.busy = newBusyWithText("Reading the settings…", e.save, e.see, e.find, e.ttl)
	e.form = p.u.newForm(e.busy, e.err)
	return e
}

func (e *exposurePanel) content() fyne.CanvasObject {
	return container.NewVBox(
		labeled("Who can see my phone number", e.see,
			caption("Nobody is safest: people you chat with do not learn the number that ties the account to you.")),
		labeled("Who can find me by my number", e.find,
			caption("Anyone who has or guesses your number can otherwise find this account; numbers are matched to people in bulk this way.")),
		widget.NewSeparator(),
		labeled("Delete my account if I am away for", e.ttl, e.ttlNow,
			caption("A shorter period protects you if you lose access to the account, to this computer or to your "+
				"phone number: the account and its cloud chats are deleted sooner, for example before your old number "+
				"is given to someone else. Tacit recommends 6 months at most.")),
		e.err, buttonRow(e.busy, e.save), e.result)
}

// load reads the settings from the server.
func (e *exposurePanel) load() {
	e.busy.label.SetText("Reading the settings…")
	e.form.run(func(ctx context.Context) (func(), error) {
		x, err := e.p.u.svc.Privacy.Exposure(ctx)
		return func() { e.show(x) }, err
	})
}

// show selects the values the server has.
func (e *exposurePanel) show(x Exposure) {
	e.loaded = x
	e.see.SetSelected(audienceName(x.PhoneNumber))
	e.find.SetSelected(audienceName(x.FindByNumber))
	e.ttl.SetSelected(ttlName(x.AccountTTLDays))
	e.ttlNow.SetText(ttlSentence(x.AccountTTLDays))
}

// chosen is what the panel shows now; what is not chosen stays as loaded.
func (e *exposurePanel) chosen() Exposure {
	x := e.loaded
	for _, c := range audienceChoices {
		if e.see.Selected == c.name {
			x.PhoneNumber = c.a
		}
		if e.find.Selected == c.name {
			x.FindByNumber = c.a
		}
	}
	for _, c := range ttlChoices {
		if e.ttl.Selected == c.name {
			x.AccountTTLDays = c.days
		}
	}
	return x
}

// apply saves what changed, shows each change as read back, and reads the settings again.
func (e *exposurePanel) apply() {
	want := e.chosen()
	if want == e.loaded {
		e.showResult(nil)
		return
	}
	e.busy.label.SetText("Changing the settings and reading them back…")
	e.form.run(func(ctx context.Context) (func(), error) {
		rules, err := e.p.u.svc.Privacy.SetExposure(ctx, want)
		if err != nil {
			return nil, err
		}
		now, err := e.p.u.svc.Privacy.Exposure(ctx)
		return func() {
			e.showResult(rules)
			e.show(now)
			e.p.checkUp.load()
		}, err
	})
}

// showResult lists the changes of a Save as read back.
func (e *exposurePanel) showResult(rules []PrivacyRule) {
	e.result.RemoveAll()
	e.rows = nil
	if len(rules) == 0 {
		e.result.Add(caption("Nothing to change: the server has these values already."))
		return
	}
	for _, r := range rules {
		view, row := ruleView(r)
		e.rows = append(e.rows, row)
		e.result.Add(view)
	}
}

// audienceName is how an audience is offered; "" for one that is not offered (close friends).
func audienceName(a Audience) string {
	for _, c := range audienceChoices {
		if c.a == a {
			return c.name
		}
	}
	return ""
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
