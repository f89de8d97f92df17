//go:build !linux

package app

// desktopNotifier is nil where Fyne's notifications are all there is: the desktop decides about the sound.
func desktopNotifier() func(title, content string, sound bool) error { return nil }
