package ui

import (
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// wizardSummaryPage is the wizard's last page: the privacy check-up of the account just signed in to, with
// what is still at risk and Harden, and the way on to the chat list.
type wizardSummaryPage struct {
	checkUp *checkUpPanel
	open    *widget.Button
}

// signedInByWizard reports whether the account was signed in to on this run of the wizard, from one of its
// sign-in, privacy or 2-step verification pages: then the wizard closes with its summary before the chats.
// An account found signed in already (pageStarting asks where the session stands) has no summary.
func (u *UI) signedInByWizard() bool {
	if u.wiz == nil || u.page == pageStarting {
		return false
	}
	step, ok := stepOf(u.page)
	return ok && (step == stepSignIn || step == stepPrivacy || step == stepPassword)
}

// showWizardSummary shows the check-up as read from the server, the page that closes the wizard.
func (u *UI) showWizardSummary() {
	p := &wizardSummaryPage{checkUp: newCheckUpPanel(u)}
	u.wizSummaryPg = p
	p.open = widget.NewButtonWithIcon("Open the chat list", theme.NavigateNextIcon(), func() { u.showMain() })
	p.open.Importance = widget.HighImportance
	p.open.IconPlacement = widget.ButtonIconTrailingText
	footer := container.NewHBox(layoutSpacer(), p.open)
	u.setPage(pageWizardSummary, u.loginFrameWithFooter("Tacit is set up",
		"Here is where your account's privacy stands now. What is still at risk comes first. You find all of it "+
			"again under Privacy in the chat list.",
		footer, p.checkUp.content()))
	p.checkUp.load()
}
