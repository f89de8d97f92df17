package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// exposurePanel is the privacy centre's phone number settings: who sees the number and who can find the
// account by it. Save changes what differs and shows each change as read back. The account's self-destruct
// period, which the same role call carries, has a tab of its own (privacy_ttl.go).
type exposurePanel struct {
	p      *privacyPage
	see    *widget.RadioGroup
	find   *widget.RadioGroup
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

func newExposurePanel(p *privacyPage) *exposurePanel {
	e := &exposurePanel{p: p, err: errorLabel(), result: container.NewVBox()}
	names := func(n int) []string {
		var out []string
		for _, c := range audienceChoices[:n] {
			out = append(out, c.name)
		}
		return out
	}
	e.see = widget.NewRadioGroup(names(3), nil)
	e.find = widget.NewRadioGroup(names(2), nil)
	e.save = widget.NewButton("Save", e.apply)
	e.save.Importance = widget.HighImportance
	e.busy = newBusyWithText("Reading the settings…", e.save, e.see, e.find)
	e.form = p.u.newForm(e.busy, e.err)
	return e
}

func (e *exposurePanel) content() fyne.CanvasObject {
	return container.NewVBox(
		labeled("Who can see my phone number", e.see,
			caption("Nobody is safest: people you chat with do not learn the number that ties the account to you.")),
		labeled("Who can find me by my number", e.find,
			caption("Anyone who has or guesses your number can otherwise find this account; numbers are matched to people in bulk this way.")),
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
		// The self-destruct period is changed in its own tab: keep what the server has now.
		cur, err := e.p.u.svc.Privacy.Exposure(ctx)
		if err != nil {
			return nil, err
		}
		want.AccountTTLDays = cur.AccountTTLDays
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
