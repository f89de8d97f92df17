package ui

import "context"

// Preferences are the user's choices that belong to this computer rather than to the account: what
// notifications show, the secret chats' default timer, link previews in cloud chats, the theme. They are
// kept in the profile's preferences file (the demo keeps them until it closes) and apply at once.
type Preferences interface {
	// Preferences returns the choices as they stand. It returns at once.
	Preferences() Prefs

	// SetNotifications keeps what notifications show: secret is only ever NotifyOff or NotifyHidden (anything
	// else is refused), cloud any NotifyContent; sound asks the desktop for its sound.
	SetNotifications(ctx context.Context, secret, cloud NotifyContent, sound bool) error

	// SetSecretTTL keeps the self-destruct timer, in seconds, that secret chats get once they are ready: one
	// of the timers the conversation offers, 0 for none. Chats that exist keep theirs.
	SetSecretTTL(ctx context.Context, seconds int) error

	// SetLinkPreviews keeps whether Telegram may build link previews of links sent in cloud chats. Secret
	// chats never ask for one, whatever this says.
	SetLinkPreviews(ctx context.Context, cloud bool) error

	// SetTheme keeps the colour scheme; the window applies it itself.
	SetTheme(ctx context.Context, t ThemeChoice) error
}

// Prefs are the choices Preferences keeps.
type Prefs struct {
	NotifySecret NotifyContent // NotifyOff or NotifyHidden
	NotifyCloud  NotifyContent
	Sound        bool
	SecretTTL    int  // seconds; 0: none
	LinkPreviews bool // in cloud chats
	Theme        ThemeChoice
}

// ThemeChoice is the colour scheme.
type ThemeChoice int

// The colour schemes.
const (
	ThemeSystem ThemeChoice = iota // as the desktop says
	ThemeLight
	ThemeDark
)
