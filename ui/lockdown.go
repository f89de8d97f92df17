package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// lockdownPage shows what Tacit changed on the server right after sign-up, rule by rule as read back. A rule
// that is not applied shows its reason, and the page goes no further than Retry until every rule is.
type lockdownPage struct {
	stage       LoginStage // what SignUp reported
	rows        []*ruleRow
	err         *widget.Label
	retry, next *widget.Button
	busy        *busyIndicator
	form        *form
}

// ruleRow is one privacy setting as read back: a mark, what it decides, and what the server shows.
type ruleRow struct {
	rule   PrivacyRule
	status *widget.Label
}

// ruleView lays out one privacy rule as read back.
func ruleView(r PrivacyRule) (fyne.CanvasObject, *ruleRow) {
	icon := widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	row := &ruleRow{rule: r, status: caption("")}
	if r.Applied {
		row.status.SetText("Set to " + r.Want + ", and the server shows " + r.Got + ".")
	} else {
		icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		row.status.SetText("Not applied: " + r.Reason)
		row.status.Importance = widget.WarningImportance
	}
	title := widget.NewLabelWithStyle(r.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, container.NewVBox(icon), nil, container.NewVBox(title, row.status)), row
}

// allApplied reports whether every rule is applied.
func allApplied(rules []PrivacyRule) bool {
	for _, r := range rules {
		if !r.Applied {
			return false
		}
	}
	return true
}

func (u *UI) showLockdown(st LoginStage) {
	p := &lockdownPage{stage: st, err: errorLabel()}
	p.next = widget.NewButton("Continue", func() {
		if allApplied(p.stage.Lockdown) && p.stage.Step != StepLockdown {
			next := p.stage
			next.Lockdown = nil
			u.showStage(next)
		}
	})
	p.next.Importance = widget.HighImportance
	p.retry = widget.NewButton("Retry", func() { u.retryLockdown(p) })
	p.busy = newBusyWithText("Applying the settings again…", p.retry, p.next)
	p.form = u.newForm(p.busy, p.err)
	u.lockdownPg = p

	applied := allApplied(st.Lockdown) && st.Step != StepLockdown
	title, intro := "Your number is hidden", "Your account exists. Right away, before anything else, Tacit "+
		"changed these settings on the server and read each one back:"
	if !applied {
		title, intro = "Not all privacy settings are applied", "Your account exists, but the server did not "+
			"keep every setting below. Until it does, people who have your number may find the account. "+
			"Tacit goes on once every setting is applied."
		p.next.Disable()
	} else {
		p.retry.Hide()
	}
	body := []fyne.CanvasObject{}
	for _, r := range st.Lockdown {
		view, row := ruleView(r)
		p.rows = append(p.rows, row)
		body = append(body, view)
	}
	body = append(body, caption("You can review these and more at any time in the privacy check-up."))
	footer := container.NewVBox(p.err, buttonRow(p.busy, p.retry, p.next))
	u.setPage(pageLockdown, u.loginFrameWithFooter(title, intro, footer, body...))
}

// retryLockdown asks for the sign-up again, which applies only the lockdown to the account that exists.
func (u *UI) retryLockdown(p *lockdownPage) {
	if p.form.working() {
		return
	}
	first, last := u.signUpFirst, u.signUpLast
	p.form.run(func(ctx context.Context) (func(), error) {
		st, err := u.svc.Login.SignUp(ctx, first, last, true)
		return func() { u.showSignUpResult(st) }, err
	})
}

// showSignUpResult shows what SignUp reached: the lockdown as read back first, when it reports one.
func (u *UI) showSignUpResult(st LoginStage) {
	if st.Step == StepLockdown || len(st.Lockdown) > 0 {
		u.stage = st
		u.showLockdown(st)
		return
	}
	u.showStage(st)
}
