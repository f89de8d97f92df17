package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// startingPage is shown while Tacit finds out what to show: where the key custody stands (Vault.State),
// the database being opened (Vault.Open), or where an existing session stands (Login.Resume).
type startingPage struct {
	err   *widget.Label
	retry *widget.Button
	busy  *busyIndicator
}

// showWaiting shows a page with only a progress indicator while work runs. When work fails its error is
// shown with a button that shows the page again (again).
func (u *UI) showWaiting(pg page, intro string, again func(), work func(ctx context.Context) (apply func(), err error)) *startingPage {
	p := &startingPage{err: errorLabel()}
	p.retry = widget.NewButton("Try again", again)
	p.retry.Hide()
	p.busy = newBusy()
	u.setPage(pg, u.loginFrame("Tacit", intro, p.err, buttonRow(p.busy, p.retry)))

	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		apply, err := work(ctx)
		return func() {
			p.busy.set(false)
			if err != nil {
				showProblem(p.err, err)
				p.retry.Show()
				return
			}
			apply()
		}
	})
	return p
}

// showStarting asks the application where the session stands and shows the matching page.
func (u *UI) showStarting() {
	u.starting = u.showWaiting(pageStarting, "Opening your account…", u.showStarting,
		func(ctx context.Context) (func(), error) {
			stage, err := u.svc.Login.Resume(ctx)
			return func() { u.showStage(stage) }, err
		})
}

// showVaultStarting asks the Vault where the key custody stands and shows the matching page.
func (u *UI) showVaultStarting() {
	u.vaultStartPg = u.showWaiting(pageVaultStarting, "Opening the data on this computer… If your system asks you to unlock its keyring, please do.", u.showVaultStarting,
		func(ctx context.Context) (func(), error) {
			st, err := u.vault.State(ctx)
			return func() { u.showVaultState(st) }, err
		})
}

// showVaultState shows the page for what Vault.State reported.
func (u *UI) showVaultState(st VaultState) {
	u.vaultState = st
	switch st.Status {
	case VaultFirstRun:
		u.showKeySetup(st)
	case VaultUnlocked:
		u.showOpening()
	case VaultLocked:
		u.showUnlock()
	case VaultKeyringUnavailable:
		u.showKeyringUnavailable(st)
	case VaultKeyMissing:
		u.showRecover(recoverKeyMissing)
	default: // a status this UI does not know: say so, and let the user ask again
		u.vaultStartPg = u.showWaiting(pageVaultStarting, "", u.showVaultStarting, func(context.Context) (func(), error) {
			return nil, &Problem{Message: "Tacit cannot tell how the data on this computer is protected."}
		})
	}
}

// showOpening has the Vault open the database and connect, then goes on with the Services it returns as Start
// does.
func (u *UI) showOpening() {
	u.openingPg = u.showWaiting(pageOpening, "Opening your chats…", u.showOpening,
		func(ctx context.Context) (func(), error) {
			svc, err := u.vault.Open(ctx)
			if err == nil && (svc.Login == nil || svc.Chats == nil || svc.Messages == nil || svc.Secret == nil ||
				svc.Account == nil || svc.Events == nil) {
				err = &Problem{Message: genericFailure}
			}
			return func() {
				u.useServices(svc)
				u.showStarting()
			}, err
		})
}
