package app

import (
	"tacit/ui"
)

// notifyService implements ui.Notifications from the user's preferences.
type notifyService struct{ *Backend }

// Content implements ui.Notifications: a secret chat's notification never shows more than "New message".
func (b notifyService) Content(k ui.DialogKind) ui.NotifyContent {
	p := b.prefs.get()
	if k.EndToEnd() {
		if notifyContent(p.NotifySecret) == ui.NotifyOff {
			return ui.NotifyOff
		}
		return ui.NotifyHidden
	}
	return notifyContent(p.NotifyCloud)
}
