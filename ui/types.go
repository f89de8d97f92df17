package ui

import "time"

// Step is one page of the sign-in flow.
type Step int

// The steps of signing in, in the order a new account meets them.
const (
	StepPhone          Step = iota // enter a phone number (or use a QR code)
	StepCode                       // enter the code sent to the phone
	StepSignUpRequired             // the number has no account: warn, then ask for a name
	StepLockdown                   // the account was created, but the privacy lockdown is not all applied yet
	StepPassword                   // the account has a 2-step verification password: ask for it
	StepSetPassword                // the account has none: Tacit requires one before anything else
	StepConfirmEmail               // a recovery email was given: enter the code sent to it
	StepReady                      // signed in with a password; the main window may open
)

var stepNames = [...]string{"phone", "code", "sign-up required", "lockdown", "password", "set password", "confirm email", "ready"}

func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return "unknown step"
	}
	return stepNames[s]
}

// LoginStage is where the sign-in flow stands after a call to the application, with what the next page needs to show.
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

	// Lockdown is the privacy lockdown Tacit applied right after sign-up, rule by rule as read back from
	// the server. SignUp sets it; StepLockdown means a rule is not applied, and SignUp again retries.
	Lockdown []PrivacyRule
}

// PrivacyRule is one privacy setting as Tacit set it and then read it back from the server.
type PrivacyRule struct {
	Title   string // what the setting decides, such as "Who can see my phone number"
	Want    string // the value Tacit set, such as "nobody"
	Got     string // the value read back; "" when it could not be read
	Applied bool   // the server accepted it and reading it back shows Want
	Reason  string // why it is not applied, a sentence for the user; "" when applied
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

// DialogID identifies a dialog. It is chosen by the application, opaque to the UI, stable for the life of the
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
	Closed      bool // a secret chat that ended: no longer end-to-end encrypted, read-only

	// CannotPost says why the user cannot write here (a broadcast channel they do not administer, a group
	// they left); "" when they can. The conversation shows it instead of the composer.
	CannotPost string
	// Verified: a secret chat whose key the user compared with the peer (SecretChats.SetVerified).
	Verified bool
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
	Notice string // something the user should know about the chat (the peer's app is newer); "" if nothing
}

// Message is one message of a conversation. See messages.go for the parts beyond text.
type Message struct {
	ID     int64
	Dialog DialogID
	Out    bool   // sent by this account
	Sender string // display name of the author
	Text   string // the text, or a media message's caption, or what a service message says
	Date   time.Time
	// Service marks what the chat itself says (a timer set, a screenshot taken, someone joined), shown apart
	// from what people wrote.
	Service bool

	Status MessageStatus // of an outgoing message
	Edited bool
	// Forwarded names where a forwarded message came from; "" when it was not forwarded.
	Forwarded string
	// Reply is the message this one answers; nil when none.
	Reply *Quote
	// Media is the photo or file of the message; nil when none.
	Media *Media
	// TTL is a secret chat message's self-destruct time in seconds (0: none); its timer starts when it is
	// read, and ExpiresAt is then when it disappears (zero until then).
	TTL       int
	ExpiresAt time.Time
	// Can says what the user may do with the message.
	Can Abilities
}

// Event is something the application pushes to the UI through Subscribe. Its concrete type is one of
// MessageEvent, DialogEvent, MessageChangedEvent, MessagesDeletedEvent, ReadEvent, TypingEvent or
// ConnectionEvent.
type Event interface{ isEvent() }

// MessageEvent reports a new message in a dialog (received, or sent from another session).
type MessageEvent struct{ Message Message }

// DialogEvent reports a new or changed dialog (title, last message, unread count).
type DialogEvent struct{ Dialog DialogSummary }

func (MessageEvent) isEvent() {}
func (DialogEvent) isEvent()  {}
