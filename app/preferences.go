package app

import (
	"context"
	"sync"

	"tacit/settings"
	"tacit/ui"
)

// prefStore holds the user's preferences while the window runs: read at once, each change validated and
// saved to the profile's file before it applies. The sessions of one window share it, so log out keeps
// the choices of this computer.
type prefStore struct {
	path string // the preferences file; "" keeps them in memory (the demo, a sandbox in another process)

	mu  sync.Mutex
	cur settings.Preferences
}

func newPrefStore(path string, p settings.Preferences) *prefStore {
	return &prefStore{path: path, cur: p}
}

// get returns the preferences as they stand.
func (s *prefStore) get() settings.Preferences {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// change applies fn to the preferences as the file holds them, checks and saves them, and only then makes
// them current.
func (s *prefStore) change(fn func(p *settings.Preferences)) (settings.Preferences, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next settings.Preferences
	var err error
	if s.path != "" {
		// Read back first: the connection and app lock sections write the same file.
		next, err = settings.UpdatePreferences(s.path, fn)
	} else {
		next = s.cur
		fn(&next)
		err = next.Validate()
	}
	if err != nil {
		return s.cur, err
	}
	s.cur = next
	return next, nil
}

// prefsService implements ui.Preferences over the Backend's store of preferences.
type prefsService struct{ *Backend }

// Preferences implements ui.Preferences.
func (b prefsService) Preferences() ui.Prefs {
	p := b.prefs.get()
	return ui.Prefs{NotifySecret: notifyContent(p.NotifySecret), NotifyCloud: notifyContent(p.NotifyCloud), Sound: p.NotifySound,
		SecretTTL: p.SecretTTL, LinkPreviews: p.LinkPreviewsCloud, Theme: uiTheme(p.Theme)}
}

// SetNotifications implements ui.Preferences.
func (b prefsService) SetNotifications(_ context.Context, secret, cloud ui.NotifyContent, sound bool) error {
	return b.savePrefs(func(p *settings.Preferences) {
		p.NotifySecret, p.NotifyCloud, p.NotifySound = notificationContent(secret), notificationContent(cloud), sound
	})
}

// SetSecretTTL implements ui.Preferences; the secret chat manager asks for it when a chat becomes ready.
func (b prefsService) SetSecretTTL(_ context.Context, seconds int) error {
	return b.savePrefs(func(p *settings.Preferences) { p.SecretTTL = seconds })
}

// SetLinkPreviews implements ui.Preferences: from the next message sent in a cloud chat on.
func (b prefsService) SetLinkPreviews(_ context.Context, cloud bool) error {
	return b.savePrefs(func(p *settings.Preferences) { p.LinkPreviewsCloud = cloud })
}

// SetTheme implements ui.Preferences.
func (b prefsService) SetTheme(_ context.Context, t ui.ThemeChoice) error {
	return b.savePrefs(func(p *settings.Preferences) { p.Theme = settingsTheme(t) })
}

// savePrefs keeps a change and applies what the engines hold themselves (link previews).
func (b prefsService) savePrefs(fn func(p *settings.Preferences)) error {
	p, err := b.prefs.change(fn)
	if err != nil {
		return prefsError(err, b.prefs.path)
	}
	b.cloud.SetLinkPreviews(p.LinkPreviewsCloud)
	return nil
}

// usePrefs makes s the Backend's preferences and gives the engines what they hold themselves.
func (b *Backend) usePrefs(s *prefStore) {
	b.prefs = s
	b.cloud.SetLinkPreviews(s.get().LinkPreviewsCloud)
}

// newChatTTL is the self-destruct timer a secret chat gets when it becomes ready (secret.Options.NewChatTTL).
func (b *Backend) newChatTTL() int { return b.prefs.get().SecretTTL }

// pairing names each window value with the preference that stores it, so that each pair is written once.
type pairing[U, P comparable] []struct {
	ui   U
	pref P
}

// toUI is the window's value for p, or fallback for a preference the window does not know.
func (m pairing[U, P]) toUI(p P, fallback U) U {
	for _, x := range m {
		if x.pref == p {
			return x.ui
		}
	}
	return fallback
}

// toPref is the preference for u, or "unknown" for a value the preferences do not know (Validate refuses it).
func (m pairing[U, P]) toPref(u U, unknown P) P {
	for _, x := range m {
		if x.ui == u {
			return x.pref
		}
	}
	return unknown
}

var notifyContents = pairing[ui.NotifyContent, settings.NotificationContent]{
	{ui.NotifyHidden, settings.NotifyHidden},
	{ui.NotifyOff, settings.NotifyOff},
	{ui.NotifySender, settings.NotifySender},
	{ui.NotifyFull, settings.NotifyFull},
}

var themes = pairing[ui.ThemeChoice, settings.Theme]{
	{ui.ThemeSystem, settings.ThemeSystem},
	{ui.ThemeLight, settings.ThemeLight},
	{ui.ThemeDark, settings.ThemeDark},
}

func notifyContent(c settings.NotificationContent) ui.NotifyContent {
	return notifyContents.toUI(c, ui.NotifyHidden)
}

func notificationContent(c ui.NotifyContent) settings.NotificationContent {
	return notifyContents.toPref(c, "unknown")
}

func uiTheme(t settings.Theme) ui.ThemeChoice { return themes.toUI(t, ui.ThemeSystem) }

func settingsTheme(t ui.ThemeChoice) settings.Theme { return themes.toPref(t, "unknown") }
