package app

import (
	"context"
	"errors"

	"tacit/settings"
	"tacit/ui"
)

// The vault's ui.DataProtection: how the key to the local database is kept, changed once the data is open.
// Key custody re-wraps the same database key, so the database itself is untouched; custody wipes the
// passphrases it is given.

// Protection implements ui.DataProtection.
func (v *vault) Protection(ctx context.Context) (ui.Protection, error) {
	mode, err := v.custody.Mode()
	if err != nil {
		return ui.Protection{}, userError(err)
	}
	if mode == settings.ModeKeyring {
		return ui.Protection{Mode: ui.ProtectedByKeyring, KeyringAvailable: true}, nil
	}
	return ui.Protection{Mode: ui.ProtectedByPassphrase, KeyringAvailable: v.custody.KeyringAvailable(ctx) == nil}, nil
}

// ChangePassphrase implements ui.DataProtection.
func (v *vault) ChangePassphrase(ctx context.Context, current, next []byte) error {
	return userError(v.custody.ChangePassphrase(ctx, current, next))
}

// UseKeyring implements ui.DataProtection.
func (v *vault) UseKeyring(ctx context.Context, current []byte) error {
	return userError(v.custody.SwitchToKeyring(ctx, current))
}

// UsePassphrase implements ui.DataProtection. When only the removal of the old keyring item failed, the
// passphrase protects the data all the same, and the user is told to remove the item.
func (v *vault) UsePassphrase(ctx context.Context, next []byte) error {
	err := v.custody.SwitchToPassphrase(ctx, next)
	var ke *settings.KeyringError
	if errors.Is(err, settings.ErrStaleKeyringEntry) && errors.As(err, &ke) {
		return &ui.Problem{Err: err, Message: "The passphrase now protects the data, but the old key could not be removed " +
			"from the system keyring. Delete the item \"" + settings.KeyringService + "\" / \"" + ke.User + "\" with your keyring manager."}
	}
	return userError(err)
}

// NewRecoveryKey implements ui.DataProtection.
func (v *vault) NewRecoveryKey(ctx context.Context, current []byte) (string, error) {
	rec, err := v.custody.RenewRecoveryKey(ctx, current)
	if err != nil {
		return "", userError(err)
	}
	return rec, nil
}
