package ui

import (
	"bytes"
	"context"
	"errors"
	"strings"
)

// fakeSettings is the settings role in memory: one 2-step verification password.
type fakeSettings struct {
	calls
	password []byte
	state    TwoStep
	// got are the passwords the last ChangePassword call was given, as the caller left them afterwards.
	gotCurrent, gotNext []byte
	profile             Profile
	// email is the confirmed recovery e-mail, pendingEmail one waiting for fakeEmailCode.
	email, pendingEmail string
}

func newFakeSettings() *fakeSettings {
	return &fakeSettings{password: []byte("old password 1"), state: TwoStep{HasPassword: true, Hint: "the old one"},
		profile: Profile{FirstName: "Robin", LastName: "Ash"}}
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

// fakeEmailCode is the code the fake "sends" to a new recovery e-mail.
const fakeEmailCode = "424242"

func (f *fakeSettings) Profile(context.Context) (Profile, error) {
	f.record("Profile")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.profile, nil
}

func (f *fakeSettings) SetName(_ context.Context, first, last string) error {
	f.record("SetName")
	f.mu.Lock()
	defer f.mu.Unlock()
	if first == "" {
		return &Problem{Field: FieldFirstName, Message: "Enter a first name (up to 64 characters).", Err: errors.New("FIRSTNAME_INVALID")}
	}
	f.profile = Profile{FirstName: first, LastName: last}
	return nil
}

func (f *fakeSettings) SetRecoveryEmail(_ context.Context, current []byte, email string) error {
	f.record("SetRecoveryEmail")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotCurrent = current
	if !bytes.Equal(current, f.password) {
		return &Problem{Field: FieldCurrentPassword, Message: "That is not your current password.", Err: errors.New("wrong")}
	}
	f.pendingEmail = email
	f.state.EmailPending, f.state.EmailPattern = true, email[:1]+"***"+email[strings.IndexByte(email, '@'):]
	return nil
}

func (f *fakeSettings) ConfirmRecoveryEmail(_ context.Context, code string) error {
	f.record("ConfirmRecoveryEmail")
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.state.EmailPending || code != fakeEmailCode {
		return &Problem{Field: FieldEmail, Message: "That e-mail confirmation code is not right.", Err: errors.New("CODE_INVALID")}
	}
	f.email, f.pendingEmail = f.pendingEmail, ""
	f.state.EmailPending, f.state.EmailPattern, f.state.HasRecoveryEmail = false, "", true
	return nil
}

func (f *fakeSettings) ResendRecoveryEmail(context.Context) error {
	f.record("ResendRecoveryEmail")
	return nil
}

func (f *fakeSettings) CancelRecoveryEmail(context.Context) error {
	f.record("CancelRecoveryEmail")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pendingEmail = ""
	f.state.EmailPending, f.state.EmailPattern = false, ""
	return nil
}

// fakeConnection is the settings' connection role: the wizard's fake check (fakeSetup.TestConnection),
// and what was saved.
type fakeConnection struct {
	*fakeSetup
	fixed string
	saves []Connection
}

func newFakeConnection() *fakeConnection {
	f := &fakeConnection{fakeSetup: newFakeSetup(nil)}
	f.saved.Connection = Connection{Kind: ConnectTor, Host: "127.0.0.1", Port: "9050"}
	return f
}

func (f *fakeConnection) Connection(context.Context) (ConnectionState, error) {
	f.record("Connection")
	f.mu.Lock()
	defer f.mu.Unlock()
	return ConnectionState{Connection: f.saved.Connection, TorAddrs: f.saved.TorAddrs, Fixed: f.fixed}, nil
}

func (f *fakeConnection) SaveConnection(ctx context.Context, c Connection) error {
	if err := f.TestConnection(ctx, c); err != nil {
		return err
	}
	f.record("SaveConnection")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved.Connection = c
	f.saves = append(f.saves, c)
	return nil
}
