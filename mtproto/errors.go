package mtproto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/gotd/td/pool"
	"github.com/gotd/td/rpc"
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
	KindHintContainsPassword // the password hint would give the password away
	KindWrongStage
	KindUnauthorized
	KindNetwork             // the server cannot be reached (connection refused, reset, dropped, proxy down)
	KindServer              // the server failed (5xx) or answered in a shape Tacit does not expect
	KindQRLoginOtherDC      // a QR login was accepted for an account homed on a data centre QR login cannot follow
	KindNotAllowed          // the user may not do this here (not an admin, not a member, ...)
	KindNotFound            // the chat, person or message does not exist (any more)
	KindWrongPeer           // the action does not apply to this kind of chat (a group action on a person, ...)
	KindDeleteForEveryone   // channel and supergroup messages can only be deleted for everyone
	KindMessageInvalid      // empty, too long or unchanged text
	KindFileEmpty           // an empty file: Telegram stores none
	KindFileInvalid         // Telegram rejected the file or a part of it, or the upload is not complete
	KindFileTooBig          // larger than Telegram accepts
	KindFileExpired         // the file reference is stale; reload the message
	KindTransferIncomplete  // the server sent less than the file's size
	KindLocalFile           // reading or writing the local file failed (the cause is an *os.PathError)
	KindCDN                 // the server redirected a download to a CDN, which Tacit does not use
	KindUsernameInvalid     // not 5-32 characters of a-z, 0-9 and _ starting with a letter
	KindUsernameOccupied    // someone else has this username
	KindUsernameNotModified // the username is already this one
	KindUsernameNotOccupied // nobody has this username
)

var kindNames = [...]string{
	KindUnknown: "unknown", KindPhoneInvalid: "phone invalid", KindPhoneBanned: "phone banned",
	KindCodeInvalid: "code invalid", KindCodeExpired: "code expired", KindCodeHashInvalid: "code hash invalid",
	KindPasswordInvalid: "password invalid", KindPasswordRequired: "password required",
	KindNameInvalid: "name invalid", KindPhoneOccupied: "phone occupied",
	KindSignUpNotAcknowledged: "sign-up not acknowledged", KindFloodWait: "flood wait",
	KindEmailInvalid: "email invalid", KindEmailCodeInvalid: "email code invalid",
	KindPasswordTooWeak: "password too weak", KindHintContainsPassword: "hint contains the password",
	KindWrongStage: "wrong login stage", KindUnauthorized: "unauthorized", KindNetwork: "network",
	KindServer: "server", KindQRLoginOtherDC: "QR login on another data centre", KindNotAllowed: "not allowed",
	KindNotFound: "not found", KindWrongPeer: "wrong kind of chat", KindDeleteForEveryone: "delete for everyone only",
	KindMessageInvalid: "message invalid", KindFileEmpty: "file empty", KindFileInvalid: "file invalid",
	KindFileTooBig: "file too big", KindFileExpired: "file reference expired",
	KindTransferIncomplete: "transfer incomplete", KindLocalFile: "local file", KindCDN: "CDN redirect",
	KindUsernameInvalid: "username invalid", KindUsernameOccupied: "username occupied",
	KindUsernameNotModified: "username not modified", KindUsernameNotOccupied: "username not occupied",
}

func (k ErrorKind) String() string {
	if k < 0 || int(k) >= len(kindNames) || kindNames[k] == "" {
		return fmt.Sprintf("kind %d", int(k))
	}
	return kindNames[k]
}

// Error is a failure of a Telegram call or of the engine's own checks, as data: its kind, Telegram's error
// type, code and argument when the server sent one, a few words on what happened, and the cause. It holds no
// sentence for the user: the application words errors for the window from these fields.
type Error struct {
	Kind ErrorKind
	// RPC is Telegram's error type ("PHONE_CODE_INVALID", "CHAT_WRITE_FORBIDDEN"); "" for local failures.
	RPC string
	// Code is Telegram's error code (400, 401, 420, 500); 0 for local failures.
	Code int
	// Wait is how long the server asked to wait (KindFloodWait).
	Wait time.Duration
	// Reason says what happened, in a few lowercase words for logs. It never holds message text, phone
	// numbers, codes, passwords or key bytes.
	Reason string
	cause  error
}

// Error describes e for logs and developers: "mtproto: <kind> (<code> <RPC>): <reason>: <cause>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mtproto: ")
	b.WriteString(e.Kind.String())
	if e.RPC != "" {
		fmt.Fprintf(&b, " (%d %s)", e.Code, e.RPC)
	}
	if e.Wait > 0 {
		fmt.Fprintf(&b, " for %s", e.Wait)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	if e.cause != nil && e.RPC == "" {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}

// Unwrap returns the failure behind e.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is a sentinel *Error of the same kind, so that
// errors.Is(err, mtproto.ErrCodeInvalid) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.cause == nil && t.Reason == "" && t.RPC == ""
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
	ErrNetwork               = &Error{Kind: KindNetwork}
	ErrNotAllowed            = &Error{Kind: KindNotAllowed}
	ErrDeleteForEveryone     = &Error{Kind: KindDeleteForEveryone}
	ErrFileEmpty             = &Error{Kind: KindFileEmpty}
	ErrNotFound              = &Error{Kind: KindNotFound}
	ErrMessageInvalid        = &Error{Kind: KindMessageInvalid}
	ErrFileInvalid           = &Error{Kind: KindFileInvalid}
	ErrFileTooBig            = &Error{Kind: KindFileTooBig}
	ErrFileExpired           = &Error{Kind: KindFileExpired}
	ErrTransferIncomplete    = &Error{Kind: KindTransferIncomplete}
	ErrLocalFile             = &Error{Kind: KindLocalFile}
)

// rpcKinds maps Telegram's error types to kinds. The type itself stays in Error.RPC, so the application
// can say more for the types it knows.
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

	"CHAT_WRITE_FORBIDDEN":     KindNotAllowed,
	"CHAT_ADMIN_REQUIRED":      KindNotAllowed,
	"MESSAGE_AUTHOR_REQUIRED":  KindNotAllowed,
	"MESSAGE_DELETE_FORBIDDEN": KindNotAllowed,
	"CHANNEL_PRIVATE":          KindNotAllowed,
	"USER_NOT_PARTICIPANT":     KindNotAllowed,
	"USER_ALREADY_PARTICIPANT": KindNotAllowed,
	"CHANNEL_INVALID":          KindNotFound,
	"CHAT_ID_INVALID":          KindNotFound,
	"PEER_ID_INVALID":          KindNotFound,
	"USER_ID_INVALID":          KindNotFound,
	"MESSAGE_ID_INVALID":       KindNotFound,
	"MESSAGE_EMPTY":            KindMessageInvalid,
	"MESSAGE_TOO_LONG":         KindMessageInvalid,
	"MEDIA_CAPTION_TOO_LONG":   KindMessageInvalid,
	"MESSAGE_NOT_MODIFIED":     KindMessageInvalid,
	"SEARCH_QUERY_EMPTY":       KindMessageInvalid,
	"FILE_PARTS_INVALID":       KindFileInvalid,
	"FILE_PART_INVALID":        KindFileInvalid,
	"FILE_PART_EMPTY":          KindFileInvalid,
	"FILE_PART_TOO_BIG":        KindFileInvalid,
	"FILE_PART_SIZE_INVALID":   KindFileInvalid,
	"FILE_PART_MISSING":        KindFileInvalid,
	"MD5_CHECKSUM_INVALID":     KindFileInvalid,
	"IMAGE_PROCESS_FAILED":     KindFileInvalid,
	"PHOTO_INVALID_DIMENSIONS": KindFileInvalid,
	"MEDIA_INVALID":            KindFileInvalid,
	"FILE_ID_INVALID":          KindFileInvalid,
	"LOCATION_INVALID":         KindFileInvalid,
	"LIMIT_INVALID":            KindFileInvalid,
	"OFFSET_INVALID":           KindFileInvalid,
	"FILE_REFERENCE_EXPIRED":   KindFileExpired,
	"USERNAME_INVALID":         KindUsernameInvalid,
	"USERNAME_OCCUPIED":        KindUsernameOccupied,
	"USERNAME_NOT_MODIFIED":    KindUsernameNotModified,
	"USERNAME_NOT_OCCUPIED":    KindUsernameNotOccupied,
}

// Classify turns an error from a Telegram call into an *Error carrying its data. Errors that already are
// *Error pass through, and so do cancelled and expired contexts (the caller gave up; nothing failed).
// Failures to reach the server are KindNetwork; anything else that is not Telegram's answer is KindUnknown
// with its cause, never mistaken for a network problem.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if d, ok := tgerr.AsFloodWait(err); ok {
		out := &Error{Kind: KindFloodWait, Wait: d, cause: err}
		if rpc, ok := tgerr.As(err); ok {
			out.RPC, out.Code = rpc.Type, rpc.Code
		}
		return out
	}
	if errors.Is(err, auth.ErrPasswordAuthNeeded) {
		return &Error{Kind: KindPasswordRequired, RPC: "SESSION_PASSWORD_NEEDED", Code: 401, cause: err}
	}
	if errors.Is(err, auth.ErrPasswordInvalid) {
		return &Error{Kind: KindPasswordInvalid, cause: err}
	}
	if rpc, ok := tgerr.As(err); ok {
		out := &Error{Kind: KindUnknown, RPC: rpc.Type, Code: rpc.Code, cause: err}
		switch k, known := rpcKinds[rpc.Type]; {
		case known:
			out.Kind = k
		case rpc.Code >= 500:
			out.Kind = KindServer
		case rpc.Code == 401:
			out.Kind = KindUnauthorized
		}
		return out
	}
	if isNetwork(err) {
		return &Error{Kind: KindNetwork, cause: err}
	}
	return &Error{Kind: KindUnknown, cause: err}
}

// isNetwork reports whether err says the server could not be reached or the connection broke.
func isNetwork(err error) bool {
	var ne net.Error
	switch {
	case errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.ErrClosedPipe),
		errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, pool.ErrConnDead), errors.Is(err, rpc.ErrEngineClosed):
		return true
	}
	return false
}

// localFileError reports a failure to read or write a local file: op says what Tacit tried ("read",
// "write", "create", "move into place"); the cause (usually an *os.PathError) names the file.
func localFileError(op string, err error) *Error {
	return &Error{Kind: KindLocalFile, Reason: op + " the file", cause: err}
}
