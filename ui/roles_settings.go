package ui

import "context"

// Settings are the account's settings the window changes: for now the 2-step verification password.
type Settings interface {
	// TwoStep reads the account's 2-step verification state.
	TwoStep(ctx context.Context) (TwoStep, error)

	// ChangePassword replaces the 2-step verification password: current is the password now, next the new
	// one (checked with CheckNewPassword first), hint may be empty. A recovery e-mail stays as it is. A wrong
	// current password is an error for FieldCurrentPassword. The UI zeroes current and next after the call
	// returns; implementations must not keep them.
	ChangePassword(ctx context.Context, current, next []byte, hint string) error
}

// TwoStep is the account's 2-step verification state.
type TwoStep struct {
	HasPassword      bool
	Hint             string // shown to anyone who tries to sign in; "" when there is none
	HasRecoveryEmail bool
	// EmailPending: a recovery e-mail waits for the code sent to it.
	EmailPending bool
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
