package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// keyringUnavailablePage is shown when the key is in the OS keyring but the keyring does not answer. Tacit
// never makes a new key then (the data would become unreadable): the user can try again, for example after
// unlocking the keyring, or use the recovery key to move to a passphrase.
type keyringUnavailablePage struct {
	details  *widget.Label // the Vault's explanation
	err      *widget.Label
	retry    *widget.Button
	recovery *widget.Button
	busy     *busyIndicator
	form     *form
}

func (u *UI) showKeyringUnavailable(st VaultState) {
	u.vaultState = st
	p := &keyringUnavailablePage{details: wrapped(st.Message), err: errorLabel()}
	p.details.Importance = widget.WarningImportance
	if st.Message == "" {
		p.details.Hide()
	}
	p.retry = widget.NewButton("Try again", func() { u.retryKeyring(p) })
	p.retry.Importance = widget.HighImportance
	p.recovery = widget.NewButton("Use the recovery key", func() { u.showRecover(recoverKeyringUnavailable) })
	p.busy = newBusyWithText("Asking the keyring…", p.retry, p.recovery)
	p.form = u.newForm(p.busy, p.err)
	u.keyringPg = p

	u.setPage(pageKeyringUnavailable, u.loginFrame("The system keyring is not available",
		"The key to your Tacit data is kept in the system keyring, and the keyring cannot be reached right now. "+
			"Your data is safe and unchanged.",
		p.details,
		wrapped("If your desktop's keyring is locked or was not started, unlock or start it and try again. "+
			"Otherwise you can open your data with the recovery key you wrote down when Tacit was set up; "+
			"Tacit then keeps the key behind a passphrase instead of the keyring."),
		p.err,
		buttonRow(p.busy, p.recovery, p.retry),
	))
}

// retryKeyring asks the Vault again and moves on if the keyring answers now.
func (u *UI) retryKeyring(p *keyringUnavailablePage) {
	p.form.run(func(ctx context.Context) (func(), error) {
		st, err := u.vault.State(ctx)
		return func() {
			if st.Status != VaultKeyringUnavailable {
				u.showVaultState(st)
				return
			}
			u.vaultState = st
			if st.Message != "" {
				p.details.SetText(st.Message)
				p.details.Show()
			}
			setError(p.err, "The keyring still cannot be reached.")
		}, err
	})
}
