package ui

import (
	"bytes"
	"context"
	"errors"
)

// fakeSettings is the settings role in memory: one 2-step verification password.
type fakeSettings struct {
	calls
	password []byte
	state    TwoStep
	// got are the passwords the last ChangePassword call was given, as the caller left them afterwards.
	gotCurrent, gotNext []byte
}

func newFakeSettings() *fakeSettings {
	return &fakeSettings{password: []byte("old password 1"), state: TwoStep{HasPassword: true, Hint: "the old one"}}
}

func (f *fakeSettings) TwoStep(ctx context.Context) (TwoStep, error) {
	f.record("TwoStep")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state, nil
}

func (f *fakeSettings) ChangePassword(ctx context.Context, current, next []byte, hint string) error {
	f.record("ChangePassword")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotCurrent, f.gotNext = current, next
	if !bytes.Equal(current, f.password) {
		return &Problem{Field: FieldCurrentPassword, Message: "That is not your current password.", Err: errors.New("wrong")}
	}
	f.password = bytes.Clone(next)
	f.state.Hint = hint
	return nil
}
