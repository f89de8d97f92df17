package ui

import (
	"context"
	"errors"
	"slices"
)

// fakeLock is the app lock's setting in memory, with the preferences' rule: only the choices offered.
type fakeLock struct {
	calls
	settings LockSettings
	// saveErr makes SetIdleLock fail as an unwritable settings file would.
	saveErr error
}

func (f *fakeLock) LockSettings(context.Context) (LockSettings, error) {
	f.record("LockSettings")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings, nil
}

func (f *fakeLock) SetIdleLock(_ context.Context, minutes int) error {
	f.record("SetIdleLock")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return f.saveErr
	}
	if !slices.Contains(f.settings.Choices, minutes) {
		return &Problem{Message: "Tacit cannot keep that setting.", Err: errors.New("not a choice")}
	}
	f.settings.IdleMinutes = minutes
	return nil
}
