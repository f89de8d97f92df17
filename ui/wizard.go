package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// wizard is the first start: Tacit set up one page at a time, with the step shown on every page and Back
// where going back undoes nothing. It runs from the welcome page to the closing summary; the pages of the
// local data and of sign-in are its middle steps.
type wizard struct {
	setup Setup
	// demo: the wizard runs on the demo from the start, so it has no connection and API pages.
	demo  bool
	saved SetupState // what was configured already, read when the wizard starts
	conn  Connection // the connection chosen on the connection page
	// apiID and apiHash are what the user typed on the API page, kept for Back.
	apiID, apiHash string
}

// wizardStep is one step of the wizard as the progress line names it.
type wizardStep int

const (
	stepWelcome wizardStep = iota
	stepConnection
	stepAPI
	stepProtection
	stepSignIn
	stepPrivacy
	stepPassword
	stepSummary
)

var wizardStepNames = [...]string{
	stepWelcome:    "Welcome",
	stepConnection: "Connection",
	stepAPI:        "API credentials",
	stepProtection: "Data protection",
	stepSignIn:     "Sign in",
	stepPrivacy:    "Privacy",
	stepPassword:   "2-step verification",
	stepSummary:    "Summary",
}

// steps lists the wizard's steps in order.
func (w *wizard) steps() []wizardStep {
	if w.demo {
		return []wizardStep{stepWelcome, stepProtection, stepSignIn, stepPrivacy, stepPassword, stepSummary}
	}
	return []wizardStep{stepWelcome, stepConnection, stepAPI, stepProtection, stepSignIn, stepPrivacy, stepPassword, stepSummary}
}

// stepOf is the wizard step a page belongs to; ok is false for pages outside the wizard.
func stepOf(p page) (wizardStep, bool) {
	switch p {
	case pageWizardStarting, pageWizardWelcome:
		return stepWelcome, true
	case pageWizardConnection:
		return stepConnection, true
	case pageWizardAPI:
		return stepAPI, true
	case pageVaultStarting, pageKeySetup, pageRecoveryKey, pageUnlock, pageRecover, pageKeyringUnavailable, pageOpening:
		return stepProtection, true
	case pageStarting, pagePhone, pageQR, pageCode, pageSignUpWarning, pageSignUpName, pagePassword:
		return stepSignIn, true
	case pageLockdown:
		return stepPrivacy, true
	case pageSetPassword, pageConfirmEmail:
		return stepPassword, true
	case pageWizardSummary:
		return stepSummary, true
	}
	return 0, false
}

// showWizardNext shows the page after from, the wizard's own pages in order and then the local data's.
func (u *UI) showWizardNext(from page) {
	switch {
	case from == pageWizardWelcome && u.wiz.demo:
		u.startDemo(nil)
	case from == pageWizardWelcome:
		u.showWizardConnection()
	case from == pageWizardConnection:
		u.showWizardAPI()
	}
}

// showWizardBack shows the page before from.
func (u *UI) showWizardBack(from page) {
	switch from {
	case pageWizardConnection:
		u.showWizardWelcome()
	case pageWizardAPI:
		u.showWizardConnection()
	case pageKeySetup:
		u.vault = nil
		if u.wiz.demo {
			u.showWizardWelcome()
		} else {
			u.showWizardAPI()
		}
	}
}

// NewWizard creates Tacit's window for a first start: Start (or Run) shows the wizard, which sets up the
// connection and the API credentials through setup (or starts the demo), then goes on with the Vault that
// returns exactly as NewWithVault does, up to the main window.
func NewWizard(app fyne.App, setup Setup) *UI {
	u := newUI(app)
	u.wiz = &wizard{setup: setup}
	return u
}

// NewDemoWizard is NewWizard for the demo from the start: the wizard has no connection and API pages and
// goes from the welcome page to setup.Demo.
func NewDemoWizard(app fyne.App, setup Setup) *UI {
	u := NewWizard(app, setup)
	u.wiz.demo = true
	return u
}

// wizardProgress is the line on top of every wizard page: which step of how many, and a bar. It is nil
// outside the wizard.
func (u *UI) wizardProgress(p page) fyne.CanvasObject {
	if u.wiz == nil {
		return nil
	}
	step, ok := stepOf(p)
	if !ok {
		return nil
	}
	steps := u.wiz.steps()
	n := 0
	for i, s := range steps {
		if s == step {
			n = i + 1
		}
	}
	if n == 0 {
		return nil
	}
	label := caption(fmt.Sprintf("Setting up Tacit · step %d of %d: %s", n, len(steps), wizardStepNames[step]))
	bar := &widget.ProgressBar{Max: float64(len(steps)), Value: float64(n), TextFormatter: func() string { return "" }}
	bar.ExtendBaseWidget(bar)
	return container.NewVBox(label, bar)
}

// showWizardStart reads what is configured already and shows the wizard's first page.
func (u *UI) showWizardStart() {
	u.showWaiting(pageWizardStarting, "Starting…", u.showWizardStart, func(ctx context.Context) (func(), error) {
		st, err := u.wiz.setup.Saved(ctx)
		return func() {
			u.wiz.saved, u.wiz.conn = st, st.Connection
			u.wiz.apiID, u.wiz.apiHash = st.APIID, st.APIHash
			u.showWizardWelcome()
		}, err
	})
}

// useVault goes on with the local data's pages on v, the wizard's next step.
func (u *UI) useVault(v Vault) {
	u.vault = v
	u.showVaultStarting()
}
