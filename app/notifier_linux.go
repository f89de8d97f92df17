package app

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/godbus/dbus/v5"

	"tacit/assets"
)

// desktopNotifier sends desktop notifications through the freedesktop notification service, as Fyne does,
// with the hint that plays the desktop's sound for a new instant message or the one that keeps it quiet
// (Fyne sends neither). Its error makes the window fall back to Fyne.
func desktopNotifier() func(title, content string, sound bool) error {
	var (
		mu   sync.Mutex
		conn *dbus.Conn // Tacit's own connection to the session bus, made at the first notification
		icon string
	)
	return func(title, content string, sound bool) error {
		mu.Lock()
		defer mu.Unlock()
		if conn == nil || !conn.Connected() {
			c, err := dbus.ConnectSessionBus()
			if err != nil {
				return err
			}
			conn, icon = c, notificationIcon()
		}
		hints := map[string]dbus.Variant{"suppress-sound": dbus.MakeVariant(true)}
		if sound {
			hints = map[string]dbus.Variant{"sound-name": dbus.MakeVariant("message-new-instant")}
		}
		obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
		return obj.Call("org.freedesktop.Notifications.Notify", 0, AppID, uint32(0), icon, title, content,
			[]string{}, hints, int32(-1)).Err
	}
}

// notificationIcon writes Tacit's icon where the notification service can read it, as Fyne does, and
// returns its path; "" when it cannot (the notification goes without).
func notificationIcon() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir = filepath.Join(dir, AppID)
	path := filepath.Join(dir, "icon.png")
	if os.MkdirAll(dir, 0o700) != nil || os.WriteFile(path, assets.Icon().Content(), 0o600) != nil {
		return ""
	}
	return path
}
