package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"tacit/settings"
	"tacit/ui"
)

// appLock is what the app lock of a window keeps beyond one session: where its setting is saved, and the
// key custody whose passphrase unlocks it (in the demo, the demo's custody, whose passphrase its hints name).
type appLock struct {
	prefsFile string            // the profile's preferences; "" keeps the setting in memory (the demo)
	custody   *settings.Custody // the profile's key custody (the demo's own in the demo); nil: no lock
	demo      *demoKeys         // the demo's keys, whose passphrase the lock page may name; nil outside the demo

	mu   sync.Mutex
	idle int // the idle minutes, as kept
}

// demoPassphrase is the passphrase the demo suggests for its data protection. While it protects the demo's
// key, the lock page names it: the demo keeps nothing worth a secret.
const demoPassphrase = "demo passphrase"

// errLockNeedsPassphrase: the app lock was asked to check a passphrase the profile does not have.
var errLockNeedsPassphrase = errors.New("app: the app lock needs a passphrase profile")

// available reports whether the profile has a passphrase that can unlock the window.
func (l *appLock) available() (bool, error) {
	if l.custody == nil {
		return false, nil
	}
	mode, err := l.custody.Mode()
	return mode == settings.ModePassphrase, err
}

// checkPassphrase tells whether pass is the profile's passphrase, changing nothing; pass is zeroed.
func (l *appLock) checkPassphrase(ctx context.Context, pass []byte) error {
	defer clear(pass)
	if l.custody == nil {
		return userError(errLockNeedsPassphrase)
	}
	key, err := l.custody.UnlockPassphrase(ctx, pass)
	clear(key)
	if errors.Is(err, settings.ErrWrongMode) {
		err = fmt.Errorf("%w: %w", errLockNeedsPassphrase, err)
	}
	return userError(err)
}

// lockService implements ui.AppLock over the session's appLock.
type lockService struct{ *Backend }

// LockSettings implements ui.AppLock. Without an appLock (a window on a sandbox in another process, which
// keeps nothing) the lock is not available.
func (b lockService) LockSettings(context.Context) (ui.LockSettings, error) {
	st := ui.LockSettings{Choices: settings.IdleLockChoices()}
	l := b.lock
	if l == nil {
		return st, nil
	}
	available, err := l.available()
	if err != nil {
		return st, userError(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	st.Available, st.IdleMinutes = available, l.idle
	return st, nil
}

// SetIdleLock implements ui.AppLock: the preferences file is read, changed in this one field and written
// back, so what else it holds stays as it is.
func (b lockService) SetIdleLock(_ context.Context, minutes int) error {
	l := b.lock
	if l == nil {
		return userError(errLockNeedsPassphrase)
	}
	check := settings.Default()
	check.IdleLockMinutes = minutes
	if err := check.Validate(); err != nil {
		return userError(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.prefsFile != "" {
		if _, err := settings.UpdatePreferences(l.prefsFile, func(p *settings.Preferences) { p.IdleLockMinutes = minutes }); err != nil {
			return userError(err) // a file Tacit cannot read is not overwritten
		}
	}
	l.idle = minutes
	return nil
}
