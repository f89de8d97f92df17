package ui

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// privacyWidth is the width of the privacy centre's column.
const privacyWidth = 620

// privacyPage is the privacy centre: the check-up with Harden, the devices logged in to the account
// (sessions.go), the phone number's settings (exposure.go), the account's self-destruct period
// (privacy_ttl.go), and the people the account has blocked (privacy_blocked.go). It is reached from the chat list and goes back to it.
type privacyPage struct {
	u        *UI
	tabs     *container.AppTabs
	back     *widget.Button
	checkUp  *checkUpPanel
	devices  *sessionsPanel
	exposure *exposurePanel
	ttl      *ttlPanel
	blocked  *blockedPanel
}

// checkUpPanel is the check-up: every setting rated, Harden for all of them and a fix for each.
type checkUpPanel struct {
	u       *UI
	summary *widget.Label
	harden  *widget.Button
	err     *widget.Label
	busy    *busyIndicator
	form    *form
	// result shows what the last Harden changed, as read back.
	result *fyne.Container
	status *widget.Label // the first line of result
	// refused are the rules the last Harden could not apply, with their reasons.
	refused []*ruleRow
	list    *fyne.Container
	items   []*checkRow
	last    CheckUp
}

// checkRow is one check-up item as shown.
type checkRow struct {
	item CheckItem
	icon *widget.Icon
	now  *widget.Label
	why  *widget.Label
	fix  *widget.Button // nil when Harden cannot fix it
}

func (u *UI) showPrivacy() {
	p := &privacyPage{u: u}
	u.privacyPg = p
	p.back = widget.NewButtonWithIcon("Chats", theme.NavigateBackIcon(), func() { u.showMain() })
	p.back.Importance = widget.LowImportance
	p.checkUp = newCheckUpPanel(u)
	p.devices = newSessionsPanel(p)
	p.exposure = newExposurePanel(p)
	p.ttl = newTTLPanel(p)
	p.blocked = newBlockedPanel(p)
	p.tabs = container.NewAppTabs(
		container.NewTabItem("Check-up", column(p.checkUp.content())),
		container.NewTabItem("Devices", column(p.devices.content())),
		container.NewTabItem("Phone number", column(p.exposure.content())),
		container.NewTabItem("Self-destruct", column(p.ttl.content())),
		container.NewTabItem("Blocked", column(p.blocked.content())),
	)
	u.setPage(pagePrivacy, u.sectionFrame(p.back, "Privacy", p.tabs))
	p.checkUp.load()
	p.devices.load()
	p.exposure.load()
	p.ttl.load()
	p.blocked.load()
}

// column lays content out from the top in a scrolling column of the privacy centre's width, centred across.
func column(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.NewHBox(layoutSpacer(),
		container.NewPadded(container.New(&widthLayout{width: privacyWidth}, content)), layoutSpacer()))
}

// newCheckUpPanel makes the check-up for the privacy centre and the wizard's closing summary.
func newCheckUpPanel(u *UI) *checkUpPanel {
	c := &checkUpPanel{u: u, summary: wrapped("Reading your privacy settings from the server…"), err: errorLabel(),
		result: container.NewVBox(), list: container.NewVBox()}
	c.summary.TextStyle.Bold = true
	c.harden = widget.NewButtonWithIcon("Harden", theme.ConfirmIcon(), func() { c.fix(nil) })
	c.harden.Importance = widget.HighImportance
	c.harden.Disable()
	c.busy = newBusyWithText("", c.harden)
	c.form = u.newForm(c.busy, c.err)
	return c
}

func (c *checkUpPanel) content() fyne.CanvasObject {
	intro := caption("Tacit reads each setting from Telegram's server and rates it. Harden sets every setting " +
		"it can to the safer value and reads it back; the rest say what to do.")
	return container.NewVBox(intro, container.NewBorder(nil, nil, nil, c.harden, c.summary),
		c.busy.view, c.err, c.result, widget.NewSeparator(), c.list)
}

// load runs the check-up and shows it.
func (c *checkUpPanel) load() {
	c.busy.label.SetText("Reading your privacy settings…")
	c.form.run(func(ctx context.Context) (func(), error) {
		res, err := c.u.svc.Privacy.CheckUp(ctx)
		return func() { c.show(res) }, err
	})
}

// fix hardens items (everything Harden can fix when nil) and shows the result as read back.
func (c *checkUpPanel) fix(items []CheckItemID) {
	if len(items) == 0 && len(c.last.Fixable()) == 0 {
		return
	}
	c.busy.label.SetText("Changing the settings and reading them back…")
	c.form.run(func(ctx context.Context) (func(), error) {
		h, err := c.u.svc.Privacy.Harden(ctx, items)
		return func() {
			c.showResult(h.Rules)
			c.show(h.After)
		}, err
	})
}

// showResult lists what Harden changed: how many rules are applied as read back, and each one that is
// not, with its reason.
func (c *checkUpPanel) showResult(rules []PrivacyRule) {
	c.result.RemoveAll()
	c.refused = nil
	applied := 0
	var views []fyne.CanvasObject
	for _, r := range rules {
		if r.Applied {
			applied++
			continue
		}
		view, row := ruleView(r)
		c.refused = append(c.refused, row)
		views = append(views, view)
	}
	head := plural(applied, "Tacit changed %d setting, and reading it back shows the new value.",
		"Tacit changed %d settings, and reading them back shows the new values.")
	if applied < len(rules) {
		head += " " + plural(len(rules)-applied, "One was not applied:", "%d were not applied:")
	}
	c.status = wrapped(head)
	c.status.Importance = widget.SuccessImportance
	if applied < len(rules) {
		c.status.Importance = widget.WarningImportance
	}
	c.result.Add(c.status)
	for _, v := range views {
		c.result.Add(v)
	}
}

// show draws the check-up, the items at risk first.
func (c *checkUpPanel) show(res CheckUp) {
	c.last = res
	items := slices.Clone(res.Items)
	slices.SortStableFunc(items, func(a, b CheckItem) int { return int(b.Rating) - int(a.Rating) })
	c.items = c.items[:0]
	c.list.RemoveAll()
	for _, it := range items {
		row, view := c.newRow(it)
		c.items = append(c.items, row)
		c.list.Add(view)
	}
	risk, warn := res.Count(RatingRisk), res.Count(RatingWarn)
	switch {
	case len(res.Items) == 0:
		c.summary.SetText("The check-up found nothing to show.")
	case risk+warn == 0:
		c.summary.SetText("Every setting Tacit checks is as private as it can be.")
	case risk == 0:
		c.summary.SetText(plural(warn, "One setting could be safer.", "%d settings could be safer."))
	default:
		c.summary.SetText(plural(risk, "One setting puts you at risk", "%d settings put you at risk") + andWarn(warn))
	}
	n := len(res.Fixable())
	if n == 0 {
		c.harden.SetText("Harden")
		c.harden.Disable()
	} else {
		c.harden.SetText(fmt.Sprintf("Harden %d", n))
		c.harden.Enable()
	}
}

// andWarn ends the summary of a check-up with risks: how many more could be safer.
func andWarn(warn int) string {
	if warn == 0 {
		return "."
	}
	return plural(warn, ", and one more could be safer.", ", and %d more could be safer.")
}

// newRow lays out one check-up item: its rating, what it decides, its value now and the recommended one,
// why, and a fix when Harden can set it.
func (c *checkUpPanel) newRow(it CheckItem) (*checkRow, fyne.CanvasObject) {
	row := &checkRow{item: it, icon: widget.NewIcon(ratingIcon(it.Rating)),
		now: caption(currentWords(it)), why: wrapped(it.Why)}
	title := widget.NewLabelWithStyle(it.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	var right fyne.CanvasObject
	if it.CanFix && it.Rating != RatingOK {
		row.fix = widget.NewButton("Fix", func() { c.fix([]CheckItemID{it.ID}) })
		c.busy.controls = append(c.busy.controls, row.fix)
		right = container.NewVBox(row.fix)
	}
	body := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), title, row.now, row.why)
	return row, container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(row.icon), right, body),
		widget.NewSeparator())
}

// ratingIcon is the mark of a rating: a green tick, an amber warning, a red error.
func ratingIcon(r Rating) fyne.Resource {
	switch r {
	case RatingOK:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case RatingRisk:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	}
	return theme.NewWarningThemedResource(theme.WarningIcon())
}

// currentWords says an item's value now and, when it is not ok, the recommended one.
func currentWords(it CheckItem) string {
	s := "Now: " + it.Current
	if it.Rating != RatingOK && it.Recommended != "" {
		s += " · Recommended: " + it.Recommended
	}
	return s
}
