package ui

import "context"

// AppLock is the app lock's setting, kept in the profile's preferences: after how many minutes without a
// key or pointer event the window locks. Locking itself is the window's; unlocking checks the profile's
// passphrase (Vault.CheckPassphrase).
type AppLock interface {
	// LockSettings reads the app lock's settings. Available is false when the profile has no passphrase
	// (its key is in the system keyring), so the lock cannot be offered.
	LockSettings(ctx context.Context) (LockSettings, error)

	// SetIdleLock keeps minutes, one of LockSettings.Choices (0: never), as the idle time after which the
	// window locks.
	SetIdleLock(ctx context.Context, minutes int) error
}

// LockSettings are the app lock's settings.
type LockSettings struct {
	// Available: the profile has a passphrase, which unlocks the window.
	Available bool
	// IdleMinutes locks the window after that many minutes without a key or pointer event; 0 never.
	IdleMinutes int
	// Choices are the idle times the user may choose, in minutes, 0 (never) first.
	Choices []int
}
