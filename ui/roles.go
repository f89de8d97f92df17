package ui

import (
	"context"
	"time"
)

// The window talks to the rest of Tacit through small role interfaces, one per feature, defined here and
// implemented in package app. A page holds only the roles it uses, and a page's test fakes only those.
//
// Every method may be slow: the UI calls them from goroutines (never from the Fyne event goroutine), and
// results come back through onMain. Every method that takes a context returns promptly once it is cancelled
// (the UI cancels when the user leaves a page or the window closes). Errors meant for the user implement
// UserError; any other error is shown as a generic sentence and never printed raw.

// Services are the roles the window uses once the local data is open. Demo is nil when Tacit talks to
// Telegram; every other role is set.
type Services struct {
	Rules         Rules
	Login         Login
	Chats         Chats
	Messages      Messages
	Secret        SecretChats
	People        People
	Files         Files
	Notifications Notifications
	Account       Account
	Privacy       Privacy
	Settings      Settings
	Preferences   Preferences
	Connection    ConnectionSettings
	Lock          AppLock
	Events        Events
	Demo          DemoHints
}

// Rules are the checks of what the user types that the engines own, so that the window never keeps a copy
// of them. Every method returns at once (no I/O): pages call them on the event goroutine.
type Rules interface {
	// NormalizePhone checks a phone number as typed and returns it in international format, "+" and digits.
	// Its error says what is wrong, for the phone field.
	NormalizePhone(s string) (string, error)

	// MinPasswordLength is the length, in characters, below which a 2-step verification password is refused.
	MinPasswordLength() int

	// NormalizeUsername checks a username as typed ("@" and surrounding spaces allowed) and returns it
	// without "@". Its error says what is wrong, for the username field.
	NormalizeUsername(s string) (string, error)

	// PersonLink reads a pasted or typed name of a person ("@name", "t.me/name", "tg://resolve?domain=name")
	// and returns the username it names; ok is false for anything else (a plain word is a search).
	PersonLink(s string) (username string, ok bool)

	// MessageLength returns how long text is as a message and the most a message may hold, in the same unit.
	MessageLength(text string) (n, max int)
}

// Login is the sign-in flow: phone and code, registration after the warning, the 2-step verification
// password (asked for, or forced into existence) and QR login.
type Login interface {
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
}

// DemoHints is what the window shows only when Tacit runs against the local demo server. Both methods
// return at once.
type DemoHints interface {
	// SandboxHint returns a sentence naming the local demo server when Tacit runs against it, and "" when it
	// talks to Telegram. It must return at once.
	SandboxHint() string

	// DemoCode returns the login code the local demo server sent to phone, so the demo can show it. ok is
	// false when not running against the demo server or when no code was sent. It must return at once.
	DemoCode(phone string) (code string, ok bool)

	// DemoEmailCode returns the code the local demo server "sent" to the recovery e-mail of the signed-in
	// account that waits for its confirmation, so the demo can show it. ok is false when not running against
	// the demo server or when no e-mail waits. It must return at once.
	DemoEmailCode() (code string, ok bool)
	// DemoPassphrase returns the demo passphrase while it protects the demo's data (and so unlocks its app
	// lock), so the lock page can show it; ok is false outside the demo, and in the demo while the keyring
	// or another passphrase keeps its key. It must return at once.
	DemoPassphrase() (pass string, ok bool)
}

// Chats is the chat list.
type Chats interface {
	// Dialogs returns the chat list, most recent first.
	Dialogs(ctx context.Context) ([]DialogSummary, error)
}

// Messages reads and writes the messages of the dialogs.
type Messages interface {
	// History returns the page of a dialog's messages, oldest first: the newest, or those before or after
	// a message shown (Page). Fewer than page.Limit messages mean the history ends there: nothing older is
	// left, or nothing newer than the newest. For a cloud chat older pages come from the local store and,
	// past what it holds, from the server.
	History(ctx context.Context, dialog DialogID, page Page) ([]Message, error)

	// SendText sends a text message and returns it as stored (with its ID, date and status).
	SendText(ctx context.Context, dialog DialogID, text string, opts SendOptions) (Message, error)

	// MarkRead marks the messages of a dialog up to and including maxID (a Message.ID the application gave) as
	// read, so the dialog's unread count drops to zero here and on the account's other devices (and, for a
	// secret chat, its read receipts go out and self-destruct timers start). The UI calls it when a dialog
	// with unread messages is opened and when a message arrives in the open dialog. It may tell the UI the
	// new count with a DialogEvent; the UI shows the open dialog as read either way.
	MarkRead(ctx context.Context, dialog DialogID, maxID int64) error

	// Typing tells the other side that the user is typing in dialog. The UI calls it at most every few
	// seconds while the user types.
	Typing(ctx context.Context, dialog DialogID) error

	// Search finds up to limit messages of every chat whose text holds the words of query, newest first,
	// in what this computer keeps (secret chats and the cloud chats' cache); it never asks the server.
	Search(ctx context.Context, query string, limit int) ([]SearchHit, error)

	// Edit replaces the text of one of the user's own messages (Message.Can.Edit) and returns it as changed.
	Edit(ctx context.Context, dialog DialogID, id int64, text string) (Message, error)

	// Delete deletes messages of a dialog: for this account only, or with forEveryone for every member (in
	// a secret chat, for both people), as Message.Can allows.
	Delete(ctx context.Context, dialog DialogID, ids []int64, forEveryone bool) error

	// Forward copies messages of one dialog into another. Into or out of a secret chat only the text goes,
	// as a new message; the UI asks before a secret chat's message goes into a cloud chat.
	Forward(ctx context.Context, from DialogID, ids []int64, to DialogID) error
}

// SecretChats are the end-to-end encrypted chats: the user's answer to a request, starting one, and the key
// the user compares with the peer.
type SecretChats interface {
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

	// SetTTL sets the self-destruct timer of the secret chat of dialog for both people: seconds after a
	// message is read it disappears from both devices; 0 turns it off. Both see a service message.
	SetTTL(ctx context.Context, dialog DialogID, seconds int) error

	// DeleteSecretChat ends the secret chat of dialog if it is still open (asking the peer's app to delete
	// its history too) and deletes it from this computer: its messages, files and keys. The dialog leaves
	// the chat list.
	DeleteSecretChat(ctx context.Context, dialog DialogID) error
}

// Account is the signed-in account as a whole.
type Account interface {
	// LogOut ends everything of the signed-in account on this computer: its secret chats end (for the peer
	// too where Telegram can be reached, with their history), and its keys, messages, files, verified marks,
	// cached chats and session are deleted here; the session ends on the server. It succeeds even when the
	// server cannot be reached (the account's data on this computer is gone all the same) and then says so in
	// LoggedOut.Notice. The window carries on with LoggedOut.Next, the roles of a new signed-out session: the
	// old roles and their events belong to nobody any more.
	LogOut(ctx context.Context) (LoggedOut, error)
}

// LoggedOut is what LogOut left: a new session, and what could not be done at the server.
type LoggedOut struct {
	Next   Services
	Notice string // a sentence for the user when something could not be done at the server; "" otherwise
}

// Events are what the application pushes without being asked: new messages, changed dialogs.
type Events interface {
	// Subscribe registers fn for events the application pushes (new messages, changed dialogs) and returns a
	// function that ends the subscription. fn may be called from any goroutine; the UI moves the work to
	// the Fyne event goroutine itself.
	Subscribe(fn func(Event)) (unsubscribe func())
}
