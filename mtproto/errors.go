package mtproto

import (
	"errors"
	"fmt"
	"time"

	"github.com/gotd/td/telegram/auth"
	"github.com/gotd/td/tgerr"
)

// ErrorKind classifies the failures a caller (and ultimately the user) can act on.
type ErrorKind int

// The kinds of Error.
const (
	KindUnknown ErrorKind = iota
	KindPhoneInvalid
	KindPhoneBanned
	KindCodeInvalid
	KindCodeExpired
	KindCodeHashInvalid
	KindPasswordInvalid
	KindPasswordRequired
	KindNameInvalid
	KindPhoneOccupied
	KindSignUpNotAcknowledged
	KindFloodWait
	KindEmailInvalid
	KindEmailCodeInvalid
	KindPasswordTooWeak
	KindWrongStage
	KindUnauthorized
	KindNetwork
	KindServer
)

// Error is a failure with a message written for the person using Tacit. It
// wraps the protocol error that caused it, when there is one.
type Error struct {
	Kind ErrorKind
	// Wait is how long the server asked us to wait (KindFloodWait).
	Wait time.Duration
	// Detail, when set, replaces the default message for Kind.
	Detail string
	cause  error
}

// Error returns the user-facing message.
func (e *Error) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	switch e.Kind {
	case KindPhoneInvalid:
		return "That phone number is not valid. Enter it with the country code, e.g. +44 20 7946 0000."
	case KindPhoneBanned:
		return "Telegram has banned this phone number."
	case KindCodeInvalid:
		return "That code is not right. Check the code Telegram sent and try again."
	case KindCodeExpired:
		return "That code has expired. Ask for a new code."
	case KindCodeHashInvalid:
		return "This login attempt is no longer valid. Ask for a new code."
	case KindPasswordInvalid:
		return "That password is not right. Try again, or use the hint."
	case KindPasswordRequired:
		return "This account has a 2-step verification password. Enter it to continue."
	case KindNameInvalid:
		return "Enter a first name (up to 64 characters)."
	case KindPhoneOccupied:
		return "An account with this number already exists. Sign in instead."
	case KindSignUpNotAcknowledged:
		return "Read and acknowledge the warning about who can find you before creating the account."
	case KindFloodWait:
		return fmt.Sprintf("Telegram asks to wait %s before trying again.", e.Wait.Round(time.Second))
	case KindEmailInvalid:
		return "That e-mail address is not valid."
	case KindEmailCodeInvalid:
		return "That e-mail confirmation code is not right."
	case KindPasswordTooWeak:
		return "Choose a password of at least 8 characters."
	case KindWrongStage:
		return "This step is not expected now. Start the login again."
	case KindUnauthorized:
		return "You are signed out. Sign in again."
	case KindNetwork:
		return "Cannot reach the server. Check the connection or the proxy settings."
	case KindServer:
		return "The server could not do this right now. Try again later."
	}
	return "Something went wrong. Please try again."
}

// Unwrap returns the protocol error behind e.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, mtproto.ErrCodeInvalid) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.cause == nil && t.Detail == ""
}

// Sentinels for errors.Is.
var (
	ErrPhoneInvalid          = &Error{Kind: KindPhoneInvalid}
	ErrCodeInvalid           = &Error{Kind: KindCodeInvalid}
	ErrCodeExpired           = &Error{Kind: KindCodeExpired}
	ErrPasswordInvalid       = &Error{Kind: KindPasswordInvalid}
	ErrNameInvalid           = &Error{Kind: KindNameInvalid}
	ErrPhoneOccupied         = &Error{Kind: KindPhoneOccupied}
	ErrSignUpNotAcknowledged = &Error{Kind: KindSignUpNotAcknowledged}
	ErrFloodWait             = &Error{Kind: KindFloodWait}
	ErrWrongStage            = &Error{Kind: KindWrongStage}
	ErrUnauthorized          = &Error{Kind: KindUnauthorized}
	ErrPasswordTooWeak       = &Error{Kind: KindPasswordTooWeak}
	ErrEmailCodeInvalid      = &Error{Kind: KindEmailCodeInvalid}
)

// rpcKinds maps Telegram's error names to kinds.
var rpcKinds = map[string]ErrorKind{
	"PHONE_NUMBER_INVALID":    KindPhoneInvalid,
	"PHONE_NUMBER_BANNED":     KindPhoneBanned,
	"PHONE_CODE_INVALID":      KindCodeInvalid,
	"PHONE_CODE_EMPTY":        KindCodeInvalid,
	"PHONE_CODE_EXPIRED":      KindCodeExpired,
	"PHONE_CODE_HASH_EMPTY":   KindCodeHashInvalid,
	"PHONE_CODE_HASH_INVALID": KindCodeHashInvalid,
	"PASSWORD_HASH_INVALID":   KindPasswordInvalid,
	"SRP_ID_INVALID":          KindPasswordInvalid,
	"SRP_PASSWORD_CHANGED":    KindPasswordInvalid,
	"SESSION_PASSWORD_NEEDED": KindPasswordRequired,
	"FIRSTNAME_INVALID":       KindNameInvalid,
	"LASTNAME_INVALID":        KindNameInvalid,
	"PHONE_NUMBER_OCCUPIED":   KindPhoneOccupied,
	"EMAIL_INVALID":           KindEmailInvalid,
	"CODE_INVALID":            KindEmailCodeInvalid,
	"EMAIL_HASH_EXPIRED":      KindEmailCodeInvalid,
	"AUTH_KEY_UNREGISTERED":   KindUnauthorized,
	"SESSION_REVOKED":         KindUnauthorized,
	"USER_DEACTIVATED":        KindUnauthorized,
}

// Classify turns any error from a Telegram call into an *Error with a
// user-facing message. Errors that already are *Error pass through.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if d, ok := tgerr.AsFloodWait(err); ok {
		return &Error{Kind: KindFloodWait, Wait: d, cause: err}
	}
	if errors.Is(err, auth.ErrPasswordAuthNeeded) {
		return &Error{Kind: KindPasswordRequired, cause: err}
	}
	if errors.Is(err, auth.ErrPasswordInvalid) {
		return &Error{Kind: KindPasswordInvalid, cause: err}
	}
	if rpc, ok := tgerr.As(err); ok {
		if k, ok := rpcKinds[rpc.Type]; ok {
			return &Error{Kind: k, cause: err}
		}
		if rpc.Code >= 500 {
			return &Error{Kind: KindServer, cause: err}
		}
		if rpc.Code == 401 {
			return &Error{Kind: KindUnauthorized, cause: err}
		}
		return &Error{Kind: KindUnknown, Detail: "Telegram refused this: " + rpc.Type, cause: err}
	}
	return &Error{Kind: KindNetwork, cause: err}
}
