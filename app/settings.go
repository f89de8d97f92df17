package app

import (
	"context"

	"tacit/ui"
)

// settingsService implements ui.Settings over the account's client.
type settingsService struct{ *Backend }

// TwoStep implements ui.Settings.
func (b settingsService) TwoStep(ctx context.Context) (ui.TwoStep, error) {
	st, err := b.client.PasswordState(ctx)
	if err != nil {
		return ui.TwoStep{}, userError(err)
	}
	return ui.TwoStep{HasPassword: st.HasPassword, Hint: st.Hint, HasRecoveryEmail: st.HasRecovery,
		EmailPending: st.EmailUnconfirmed != ""}, nil
}

// ChangePassword implements ui.Settings.
func (b settingsService) ChangePassword(ctx context.Context, current, next []byte, hint string) error {
	if _, err := b.client.SetPassword(ctx, current, next, hint, ""); err != nil {
		return currentPasswordError(err)
	}
	return nil
}
