package app

import (
	"tacit/settings"
	"tacit/ui"
)

// notifyService implements ui.Notifications from the user's preferences.
type notifyService struct{ *Backend }

// Content implements ui.Notifications: a secret chat's notification never shows more than "New message".
func (b notifyService) Content(k ui.DialogKind) ui.NotifyContent {
	if k.EndToEnd() {
		if b.prefs.NotifySecret == settings.NotifyOff {
			return ui.NotifyOff
		}
		return ui.NotifyHidden
	}
	switch b.prefs.NotifyCloud {
	case settings.NotifyOff:
		return ui.NotifyOff
	case settings.NotifySender:
		return ui.NotifySender
	case settings.NotifyFull:
		return ui.NotifyFull
	}
	return ui.NotifyHidden
}
