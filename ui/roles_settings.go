package ui

import "context"

// Settings are the account's settings the window changes: its name, and the 2-step verification password
// with its recovery e-mail.
type Settings interface {
	// Profile reads the account's name as the server has it now.
	Profile(ctx context.Context) (Profile, error)

	// SetName changes the account's first and last name (checked with CheckName first); the last name may be
	// empty. An empty first name is an error for FieldFirstName.
	SetName(ctx context.Context, first, last string) error

	// TwoStep reads the account's 2-step verification state.
	TwoStep(ctx context.Context) (TwoStep, error)

	// ChangePassword replaces the 2-step verification password: current is the password now, next the new
	// one (checked with CheckNewPassword first), hint may be empty. A recovery e-mail stays as it is. A wrong
	// current password is an error for FieldCurrentPassword. The UI zeroes current and next after the call
	// returns; implementations must not keep them.
	ChangePassword(ctx context.Context, current, next []byte, hint string) error

	// SetRecoveryEmail makes email (checked with CheckEmail first) the address Telegram sends a reset link to
	// when the password is forgotten, proven with the current password. Telegram sends a code to the address
	// first: TwoStep reports EmailPending until ConfirmRecoveryEmail confirms it. A wrong current password is
	// an error for FieldCurrentPassword. The UI zeroes current after the call returns.
	SetRecoveryEmail(ctx context.Context, current []byte, email string) error

	// ConfirmRecoveryEmail confirms the pending recovery e-mail with the code sent to it. A wrong code is an
	// error for FieldEmail.
	ConfirmRecoveryEmail(ctx context.Context, code string) error

	// ResendRecoveryEmail sends the code for the pending recovery e-mail again.
	ResendRecoveryEmail(ctx context.Context) error

	// CancelRecoveryEmail drops the pending recovery e-mail; a confirmed one stays as it is.
	CancelRecoveryEmail(ctx context.Context) error
}

// Profile is the account's name as others see it.
type Profile struct {
	FirstName, LastName string
}

// TwoStep is the account's 2-step verification state.
type TwoStep struct {
	HasPassword      bool
	Hint             string // shown to anyone who tries to sign in; "" when there is none
	HasRecoveryEmail bool
	// EmailPending: a recovery e-mail waits for the code sent to it; EmailPattern is that address as
	// Telegram shows it, partly hidden ("r***@example.org").
	EmailPending bool
	EmailPattern string
}

// About says which Tacit is running, for the About page. It is given to the window before it starts
// (SetAbout), as it needs neither the local data nor the network.
type About interface {
	// About returns the build's words; it returns at once.
	About() AboutInfo
}

// AboutInfo is which Tacit this is, in the words the About page shows.
type AboutInfo struct {
	Version   string // such as "Version 0.1.0"
	Commit    string // the commit it was built from, or that the build did not record it
	Toolchain string // such as "Built with go1.26.8 for linux/amd64"
}
