package app

import (
	"context"
	"fmt"
	"os"
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
	session *session
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

// State implements ui.Vault.
func (v *vault) State(ctx context.Context) (ui.VaultState, error) {
	res, err := v.custody.Open(ctx)
	if err != nil {
		return ui.VaultState{}, userError(err)
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
	return ui.VaultState{}, userError(fmt.Errorf("app: unknown custody status %v", res.Status))
}

// CreateWithKeyring implements ui.Vault.
func (v *vault) CreateWithKeyring(ctx context.Context) (string, error) {
	key, rec, err := v.custody.CreateWithKeyring(ctx)
	if err != nil {
		return "", userError(err)
	}
	v.setKey(key)
	return rec, nil
}

// CreateWithPassphrase implements ui.Vault.
func (v *vault) CreateWithPassphrase(ctx context.Context, pass []byte) (string, error) {
	key, rec, err := v.custody.CreateWithPassphrase(ctx, pass)
	if err != nil {
		return "", userError(err)
	}
	v.setKey(key)
	return rec, nil
}

// Unlock implements ui.Vault.
func (v *vault) Unlock(ctx context.Context, pass []byte) error {
	key, err := v.custody.UnlockPassphrase(ctx, pass)
	if err != nil {
		return userError(err)
	}
	v.setKey(key)
	return nil
}

// CheckPassphrase implements ui.Vault: the passphrase unwraps the key, which is wiped at once; nothing
// changes. The app lock opens with it.
func (v *vault) CheckPassphrase(ctx context.Context, pass []byte) error {
	l := appLock{custody: v.custody}
	return l.checkPassphrase(ctx, pass)
}

// Recover implements ui.Vault.
func (v *vault) Recover(ctx context.Context, recovery string, newPass []byte) error {
	key, err := v.custody.ResetPassphrase(ctx, recovery, newPass)
	if err != nil {
		return userError(err)
	}
	v.setKey(key)
	return nil
}

// MinPassphraseLength implements ui.Vault with key custody's minimum.
func (v *vault) MinPassphraseLength() int { return settings.MinPassphraseLen }

// Open implements ui.Vault: it opens the store, builds the client on it
// (session and update state live in the encrypted database) and connects.
func (v *vault) Open(ctx context.Context) (ui.Services, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.session != nil {
		if b := v.session.current(); b != nil {
			return b.Services(), nil
		}
	}
	if v.key == nil {
		return ui.Services{}, &ui.Problem{Message: "The local data is still locked."}
	}
	db, err := store.Open(ctx, filepath.Join(v.paths.Data, dbDirName), v.key)
	if err != nil {
		return ui.Services{}, userError(err)
	}
	diag := newDiagnostics(os.Stderr)
	// The store's own work (checkpoints after deletions, expiry) reports failures here;
	// its errors never hold message text or key material.
	db.OnBackgroundError(func(err error) { diag.report("store", err) })
	sess := newSession(v.runCtx, v.opts, db, nil, "", diag)
	sess.lock = &appLock{prefsFile: v.paths.PreferencesFile(), custody: v.custody}
	prefs, err := settings.LoadPreferences(v.paths.PreferencesFile())
	if err == nil {
		sess.prefs = newPrefStore(v.paths.PreferencesFile(), prefs)
		sess.lock.idle = prefs.IdleLockMinutes
	} else {
		diag.report("read the preferences", err)
	}
	if prefs.APIID == 0 {
		prefs.APIID, prefs.APIHash = v.opts.AppID, v.opts.AppHash
	}
	conn := newSetup(v.runCtx, v.paths, prefs, "", diag)
	conn.endpoint = v.opts.Endpoint
	sess.conn = conn
	b, err := sess.start()
	if err != nil {
		db.Close()
		return ui.Services{}, &ui.Problem{Message: "The connection settings (the proxy) are not valid. Correct them and start Tacit again.", Err: err}
	}
	v.db, v.session = db, sess
	return b.Services(), nil
}

// close stops the client and closes the store.
func (v *vault) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.session != nil {
		v.session.close()
	}
	if v.db != nil {
		v.db.Close()
	}
	clear(v.key)
	v.key = nil
}
