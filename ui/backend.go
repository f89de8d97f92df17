package ui

import (
	"context"
	"errors"
	"time"
)

// Backend is everything the UI asks of the application. Implementations must not block the caller for long;
// the UI calls them from goroutines (never from the Fyne event goroutine), and results come back through fyne.Do.
//
// Every method that takes a context must return promptly once the context is cancelled (the UI cancels when the
// user leaves a page or the window closes). Errors meant for the user implement UserError; any other error is
// shown as a generic sentence and never printed raw.
type Backend interface {
	// Resume reports where an existing session stands when the window opens: StepPhone when there is none,
	// StepSetPassword when the account still lacks a 2-step verification password, StepReady when signed in.
	Resume(ctx context.Context) (LoginStage, error)

	// SendCode asks the server to send a login code to phone, given in international format ("+" and digits,
	// as returned by NormalizePhone). It starts a new login and forgets any earlier one.
	SendCode(ctx context.Context, phone string) (CodeSent, error)

	// SubmitCode checks the code sent by SendCode. It returns StepSignUpRequired when the number has no
	// account yet (before anything is registered), StepPassword when the account has a 2-step verification
	// password, StepSetPassword when it has none (Tacit does not let an account be ready without one), or
	// StepReady.
	SubmitCode(ctx context.Context, code string) (LoginStage, error)

	// SignUp registers the account after the user has read the registration notice. acknowledged must be
	// true; an implementation refuses to register otherwise. It asks the server not to announce the new
	// account, hides the number and then returns StepSetPassword (or StepReady if a password exists).
	SignUp(ctx context.Context, first, last string, acknowledged bool) (LoginStage, error)

	// SubmitPassword completes a login with the 2-step verification password. The UI zeroes password
	// after the call returns; implementations must not keep it.
	SubmitPassword(ctx context.Context, password []byte) (LoginStage, error)

	// SetPassword creates the 2-step verification password that Tacit requires. hint is shown on later
	// logins and may be empty; email is an optional recovery address. With an email it returns
	// StepConfirmEmail (the password becomes active once the address is confirmed), otherwise StepReady.
	// The UI zeroes password after the call returns.
	SetPassword(ctx context.Context, password []byte, hint, email string) (LoginStage, error)

	// ConfirmEmail confirms the recovery email given to SetPassword with the code sent to it.
	ConfirmEmail(ctx context.Context, code string) (LoginStage, error)

	// SkipEmail drops the unconfirmed recovery email (StepConfirmEmail); the password stays set and the
	// account becomes ready without a recovery address.
	SkipEmail(ctx context.Context) (LoginStage, error)

	// QRLogin logs in by QR code. It calls show with the login URL to display (again each time the token is
	// renewed) until the code is scanned by a signed-in device or ctx is cancelled, then returns the next
	// stage like SubmitCode does (StepPassword, StepSetPassword or StepReady). show may be called from any
	// goroutine.
	QRLogin(ctx context.Context, show func(url string, expires time.Time)) (LoginStage, error)

	// SandboxHint returns a sentence naming the local demo server when Tacit runs against it, and "" when it
	// talks to Telegram. It must return at once.
	SandboxHint() string

	// DemoCode returns the login code the local demo server sent to phone, so the demo can show it. ok is
	// false when not running against the demo server or when no code was sent. It must return at once.
	DemoCode(phone string) (code string, ok bool)

	// Dialogs returns the chat list, most recent first.
	Dialogs(ctx context.Context) ([]DialogSummary, error)

	// History returns up to limit of the newest messages of a dialog, oldest first.
	History(ctx context.Context, dialog DialogID, limit int) ([]Message, error)

	// SendText sends a text message and returns it as stored (with its ID and date).
	SendText(ctx context.Context, dialog DialogID, text string) (Message, error)

	// MarkRead marks the messages of a dialog up to and including maxID (a Message.ID the Backend gave) as
	// read, so the dialog's unread count drops to zero here and on the account's other devices (and, for a
	// secret chat, its read receipts go out). The UI calls it when a dialog with unread messages is opened
	// and when a message arrives in the open dialog. It may tell the UI the new count with a DialogEvent; the
	// UI shows the open dialog as read either way.
	MarkRead(ctx context.Context, dialog DialogID, maxID int64) error

	// SecretChat describes the secret chat of a KindSecret dialog: where it stands and, once it is ready, its
	// key in the three forms the user compares with the peer. The UI asks again whenever a DialogEvent arrives
	// for the open secret dialog.
	SecretChat(ctx context.Context, dialog DialogID) (SecretChatInfo, error)

	// AcceptSecretChat accepts the peer's request for the secret chat of dialog (SecretRequested) and starts the
	// key exchange. The UI calls it only when the user taps Accept: incoming requests are never accepted
	// without the user.
	AcceptSecretChat(ctx context.Context, dialog DialogID) error

	// DeclineSecretChat declines the peer's request (SecretRequested), or ends a secret chat that is waiting or
	// ready; the dialog becomes SecretClosed. The UI asks the user to confirm first.
	DeclineSecretChat(ctx context.Context, dialog DialogID) error

	// StartSecretChat starts (or finds) the secret chat with the person of a cloud user dialog (KindUser) and
	// returns its dialog. The returned dialog may reach Dialogs (or arrive as a DialogEvent) only after the
	// call returns; the UI opens it as soon as it knows it.
	StartSecretChat(ctx context.Context, dialog DialogID) (DialogID, error)

	// SetVerified remembers whether the user compared the key of the secret chat of dialog with the peer and
	// found it the same. It is shown in the conversation header; it is never sent to anyone.
	SetVerified(ctx context.Context, dialog DialogID, verified bool) error

	// LogOut ends the session of the signed-in account on the server and forgets its local state (the
	// secret chats of this device end with it). Once it returns nil the UI shows the phone page and a new
	// sign-in starts with SendCode; events from the old account must no longer be sent.
	LogOut(ctx context.Context) error

	// Subscribe registers fn for events the application pushes (new messages, changed dialogs) and returns a
	// function that ends the subscription. fn may be called from any goroutine; the UI moves the work to
	// the Fyne event goroutine itself.
	Subscribe(fn func(Event)) (unsubscribe func())
}

// Step is one page of the sign-in flow.
type Step int

// The steps of signing in, in the order a new account meets them.
const (
	StepPhone          Step = iota // enter a phone number (or use a QR code)
	StepCode                       // enter the code sent to the phone
	StepSignUpRequired             // the number has no account: warn, then ask for a name
	StepPassword                   // the account has a 2-step verification password: ask for it
	StepSetPassword                // the account has none: Tacit requires one before anything else
	StepConfirmEmail               // a recovery email was given: enter the code sent to it
	StepReady                      // signed in with a password; the main window may open
)

var stepNames = [...]string{"phone", "code", "sign-up required", "password", "set password", "confirm email", "ready"}

func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return "unknown step"
	}
	return stepNames[s]
}

// LoginStage is where the sign-in flow stands after a Backend call, with what the next page needs to show.
type LoginStage struct {
	Step Step

	// PasswordHint is the hint the user gave for the 2-step verification password (StepPassword).
	PasswordHint string

	// TermsOfService is the text of the server's terms the user accepts by signing up (StepSignUpRequired).
	TermsOfService string

	// SignUpNotice lists what registering gives away, one point per entry, when the application's privacy
	// policy words it itself (StepSignUpRequired). When empty the UI shows its own notice.
	SignUpNotice []string

	// EmailPattern is the obscured recovery address the confirmation code went to (StepConfirmEmail).
	EmailPattern string
}

// CodeSent describes how the login code was delivered.
type CodeSent struct {
	// Phone is the number the code was sent to, as the server formats it.
	Phone string

	// Via says where to look for the code: a phrase such as "by SMS", or one of the words "app", "sms",
	// "call", "email", which the UI turns into a phrase.
	Via string

	// Length is the number of digits of the code, or 0 if unknown.
	Length int
}

// DialogID identifies a dialog. It is chosen by the Backend, opaque to the UI, stable for the life of the
// dialog and comparable.
type DialogID string

// DialogKind says what sort of chat a dialog is, and so who can read it.
type DialogKind int

// Kinds of dialog. Only a secret chat is end-to-end encrypted; everything else is a cloud chat.
const (
	KindSecret  DialogKind = iota // secret chat with one person: end-to-end encrypted
	KindUser                      // cloud chat with one person
	KindGroup                     // group (basic or super): cloud
	KindChannel                   // broadcast channel: cloud
)

// EndToEnd reports whether only the participants can read the dialog.
func (k DialogKind) EndToEnd() bool { return k == KindSecret }

// DialogSummary is one row of the chat list.
type DialogSummary struct {
	ID          DialogID
	Title       string
	Kind        DialogKind
	LastMessage string    // text of the newest message, possibly shortened; "" if none
	LastDate    time.Time // date of the newest message; zero if none
	Unread      int
}

// SecretState is where a secret chat stands.
type SecretState int

// The states of a secret chat, in the order a chat passes through them.
const (
	SecretRequested SecretState = iota // the peer asked; waiting for this user's Accept or Decline
	SecretWaiting                      // this user asked; waiting for the peer (or accepting: key exchange running)
	SecretReady                        // end-to-end encrypted; messages flow
	SecretClosed                       // declined, discarded or aborted; read-only history
)

// SecretChatInfo describes a secret chat for its conversation header and the key comparison screen.
type SecretChatInfo struct {
	Dialog   DialogID
	PeerName string // the other person, as the chat list names them
	State    SecretState
	Verified bool // the user marked the key as compared (SetVerified)

	// The chat's key in three forms that show the same key hash; all are empty until the chat is ready.
	Identicon [12][12]uint8 // colour indices 0..3, row by row (the palette of mtproto/secret.IdenticonRGB)
	Emoji     [5]string     // five emoji
	Hex       string        // hex digits in groups, in either case; spaces and line breaks between groups

	TTL    int    // self-destruct timer in seconds, 0 = off
	Closed string // why the chat closed (SecretClosed), a sentence for the user; may be empty
}

// Message is one message of a conversation.
type Message struct {
	ID     int64
	Dialog DialogID
	Out    bool   // sent by this account
	Sender string // display name of the author
	Text   string
	Date   time.Time
}

// Event is something the application pushes to the UI through Subscribe. Its concrete type is one of
// MessageEvent or DialogEvent.
type Event interface{ isEvent() }

// MessageEvent reports a new message in a dialog (received, or sent from another session).
type MessageEvent struct{ Message Message }

// DialogEvent reports a new or changed dialog (title, last message, unread count).
type DialogEvent struct{ Dialog DialogSummary }

func (MessageEvent) isEvent() {}
func (DialogEvent) isEvent()  {}

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
)

// UserError is an error whose text is meant for the user. Backend methods return errors that implement it
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

// explain turns an error from the Backend into the sentence to show and the input it belongs to. A
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
