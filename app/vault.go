package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"tacit/mtproto"
	"tacit/mtproto/store"
	"tacit/settings"
	"tacit/ui"
)

// dbDirName is the store's directory inside the data directory (beside the
// key file that settings keeps).
const dbDirName = "db"

// vault implements ui.Vault: key custody from settings, then the encrypted
// store, the client and the Backend.
type vault struct {
	runCtx  context.Context
	paths   settings.Paths
	custody *settings.Custody
	opts    mtproto.Options

	mu      sync.Mutex
	key     []byte
	db      *store.Store
	backend *Backend
	wait    func() // waits for the client after runCtx ends
}

var _ ui.Vault = (*vault)(nil)

func newVault(runCtx context.Context, paths settings.Paths, custody *settings.Custody, opts mtproto.Options) *vault {
	return &vault{runCtx: runCtx, paths: paths, custody: custody, opts: opts}
}

func (v *vault) setKey(key []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	clear(v.key)
	v.key = key
}

// vaultError words custody errors for the user, naming the field.
func vaultError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var kfe *settings.KeyFileError
	switch {
	case errors.Is(err, settings.ErrWrongPassphrase):
		return &ui.Problem{Field: ui.FieldPassphrase, Message: "That passphrase is not right.", Err: err}
	case errors.Is(err, settings.ErrPassphraseTooShort):
		return &ui.Problem{Field: ui.FieldPassphrase, Message: fmt.Sprintf("Use at least %d characters.", ui.MinPassphraseLength), Err: err}
	case errors.Is(err, settings.ErrInvalidRecoveryKey):
		return &ui.Problem{Field: ui.FieldRecoveryKey, Message: "That recovery key has a typo: check each group.", Err: err}
	case errors.Is(err, settings.ErrWrongRecoveryKey):
		return &ui.Problem{Field: ui.FieldRecoveryKey, Message: "That recovery key belongs to another profile or is not right.", Err: err}
	case errors.Is(err, settings.ErrKeyringUnavailable):
		return &ui.Problem{Message: "The system keyring cannot be reached. Use a passphrase instead.", Err: err}
	case errors.Is(err, settings.ErrKeyFileMissing):
		return &ui.Problem{Message: "The data directory holds files but no key file. Tacit will not create a new key over existing data; restore key.json from a backup.", Err: err}
	case errors.As(err, &kfe):
		return &ui.Problem{Message: "The key file " + kfe.Path + " is damaged or was modified: " + kfe.Problem + ". Restore it from a backup.", Err: err}
	case errors.Is(err, store.ErrWrongKey):
		return &ui.Problem{Field: ui.FieldPassphrase, Message: "The key does not open this database (wrong passphrase or key).", Err: err}
	case errors.Is(err, store.ErrCorrupt):
		return &ui.Problem{Message: "The local database is damaged. Restore the data directory from a backup.", Err: err}
	}
	return &ui.Problem{Message: "The local data could not be opened. Please try again.", Err: err}
}

// State implements ui.Vault.
func (v *vault) State(ctx context.Context) (ui.VaultState, error) {
	res, err := v.custody.Open(ctx)
	if err != nil {
		return ui.VaultState{}, vaultError(err)
	}
	switch res.Status {
	case settings.StatusFirstRun:
		return ui.VaultState{Status: ui.VaultFirstRun, KeyringAvailable: res.Err == nil}, nil
	case settings.StatusUnlocked:
		v.setKey(res.Key)
		return ui.VaultState{Status: ui.VaultUnlocked}, nil
	case settings.StatusLocked:
		return ui.VaultState{Status: ui.VaultLocked}, nil
	case settings.StatusKeyringUnavailable:
		return ui.VaultState{Status: ui.VaultKeyringUnavailable, Message: "The system keyring (D-Bus secret service) does not answer."}, nil
	case settings.StatusKeyMissing:
		return ui.VaultState{Status: ui.VaultKeyMissing, Message: "The system keyring no longer holds this profile's key."}, nil
	}
	return ui.VaultState{}, vaultError(fmt.Errorf("app: unknown custody status %v", res.Status))
}

// CreateWithKeyring implements ui.Vault.
func (v *vault) CreateWithKeyring(ctx context.Context) (string, error) {
	key, rec, err := v.custody.CreateWithKeyring(ctx)
	if err != nil {
		return "", vaultError(err)
	}
	v.setKey(key)
	return rec, nil
}

// CreateWithPassphrase implements ui.Vault.
func (v *vault) CreateWithPassphrase(ctx context.Context, pass []byte) (string, error) {
	key, rec, err := v.custody.CreateWithPassphrase(ctx, pass)
	if err != nil {
		return "", vaultError(err)
	}
	v.setKey(key)
	return rec, nil
}

// Unlock implements ui.Vault.
func (v *vault) Unlock(ctx context.Context, pass []byte) error {
	key, err := v.custody.UnlockPassphrase(ctx, pass)
	if err != nil {
		return vaultError(err)
	}
	v.setKey(key)
	return nil
}

// Recover implements ui.Vault.
func (v *vault) Recover(ctx context.Context, recovery string, newPass []byte) error {
	key, err := v.custody.ResetPassphrase(ctx, recovery, newPass)
	if err != nil {
		return vaultError(err)
	}
	v.setKey(key)
	return nil
}

// Open implements ui.Vault: it opens the store, builds the client on it
// (session and update state live in the encrypted database) and connects.
func (v *vault) Open(ctx context.Context) (ui.Backend, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.backend != nil {
		return v.backend, nil
	}
	if v.key == nil {
		return nil, &ui.Problem{Message: "The local data is still locked."}
	}
	db, err := store.Open(ctx, filepath.Join(v.paths.Data, dbDirName), v.key)
	if err != nil {
		return nil, vaultError(err)
	}
	opts := v.opts
	opts.Session, opts.State, opts.ChannelHashes = db.Session(), db.UpdateState(), db.UpdateState()
	client, err := mtproto.New(opts)
	if err != nil {
		db.Close()
		return nil, &ui.Problem{Message: "The connection settings are not valid: " + err.Error(), Err: err}
	}
	b := NewBackend(client, loginOptions(nil), nil, db)
	v.wait = connect(v.runCtx, client, b)
	v.db, v.backend = db, b
	return b, nil
}

// close stops the client and closes the store.
func (v *vault) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.wait != nil {
		v.wait()
	}
	if v.db != nil {
		v.db.Close()
	}
	clear(v.key)
	v.key = nil
}
