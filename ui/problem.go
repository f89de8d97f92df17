package ui

import (
	"context"
	"errors"
)

// Field names the input an error is about, so the UI can show it under that input.
type Field int

// Inputs of the sign-in pages.
const (
	FieldNone Field = iota // the page as a whole
	FieldPhone
	FieldCode
	FieldFirstName
	FieldLastName
	FieldPassword
	FieldEmail
	FieldPassphrase  // the passphrase of the local database (Vault)
	FieldRecoveryKey // the recovery key of the local database (Vault)
	FieldAPIID       // the api_id of the wizard's API page
	FieldAPIHash     // the api_hash of the wizard's API page
	FieldProxyHost   // the host of a SOCKS5 proxy
	FieldProxyPort   // the port of a SOCKS5 proxy or of Tor
	FieldProxyUser   // the user name or password of a SOCKS5 proxy
	FieldProxyLink   // an MTProxy link
	// FieldCurrentPassword is the 2-step verification password now, when it is being changed.
	FieldCurrentPassword
	FieldUsername // the account's public username
)

// UserError is an error whose text is meant for the user. Role methods return errors that implement it
// (possibly wrapped); the UI shows UserMessage and never Error.
type UserError interface {
	error
	UserMessage() string
}

// Problem is a ready-made UserError: a sentence for the user, the input it concerns, and the underlying
// error for logs and errors.Is.
type Problem struct {
	Field   Field
	Message string
	Err     error
}

func (p *Problem) Error() string {
	if p.Err != nil {
		return p.Message + ": " + p.Err.Error()
	}
	return p.Message
}

// UserMessage returns the sentence shown to the user.
func (p *Problem) UserMessage() string { return p.Message }

// UserField returns the input the problem concerns.
func (p *Problem) UserField() Field { return p.Field }

func (p *Problem) Unwrap() error { return p.Err }

// genericFailure is what the user sees for an error that carries no user-facing text.
const genericFailure = "Something went wrong. Please try again."

// explain turns an error from the application into the sentence to show and the input it belongs to. A
// cancelled context yields "" (nothing to show: the user left).
func explain(err error) (string, Field) {
	if err == nil || errors.Is(err, context.Canceled) {
		return "", FieldNone
	}
	field := FieldNone
	var f interface{ UserField() Field }
	if errors.As(err, &f) {
		field = f.UserField()
	}
	var ue UserError
	if errors.As(err, &ue) && ue.UserMessage() != "" {
		return ue.UserMessage(), field
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The server did not answer in time. Check the connection and try again.", field
	}
	return genericFailure, field
}
