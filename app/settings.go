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
		EmailPending: st.EmailUnconfirmed != "", EmailPattern: st.EmailUnconfirmed}, nil
}

// ChangePassword implements ui.Settings.
func (b settingsService) ChangePassword(ctx context.Context, current, next []byte, hint string) error {
	if _, err := b.client.SetPassword(ctx, current, next, hint, ""); err != nil {
		return currentPasswordError(err)
	}
	return nil
}

// Profile implements ui.Settings.
func (b settingsService) Profile(ctx context.Context) (ui.Profile, error) {
	me, err := b.cloud.Me(ctx)
	if err != nil {
		return ui.Profile{}, userError(err)
	}
	return ui.Profile{FirstName: me.FirstName, LastName: me.LastName}, nil
}

// SetName implements ui.Settings.
func (b settingsService) SetName(ctx context.Context, first, last string) error {
	_, err := b.cloud.SetName(ctx, first, last)
	return userError(err)
}

// SetRecoveryEmail implements ui.Settings.
func (b settingsService) SetRecoveryEmail(ctx context.Context, current []byte, email string) error {
	if _, err := b.client.SetRecoveryEmail(ctx, current, email); err != nil {
		return currentPasswordError(err)
	}
	return nil
}

// ConfirmRecoveryEmail implements ui.Settings.
func (b settingsService) ConfirmRecoveryEmail(ctx context.Context, code string) error {
	return userError(b.client.ConfirmPasswordEmail(ctx, code))
}

// ResendRecoveryEmail implements ui.Settings.
func (b settingsService) ResendRecoveryEmail(ctx context.Context) error {
	return userError(b.client.ResendPasswordEmail(ctx))
}

// CancelRecoveryEmail implements ui.Settings.
func (b settingsService) CancelRecoveryEmail(ctx context.Context) error {
	return userError(b.client.CancelPasswordEmail(ctx))
}
