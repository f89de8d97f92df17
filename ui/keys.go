package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// Keyboard: Esc closes the dialog on top (or, with none, what the main window has open: the search, a
// reply being written); the main window adds its shortcuts (shortcuts.go).

// trackDialog remembers d as open until it closes, so that Esc closes it. onClosed, if set, runs when it
// closes; use it instead of d.SetOnClosed.
func (u *UI) trackDialog(d dialog.Dialog, onClosed ...func()) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		u.dialogs = slices.DeleteFunc(u.dialogs, func(o dialog.Dialog) bool { return o == d })
		for _, f := range onClosed {
			f()
		}
	})
}

// escape handles Esc: the dialog on top closes, or else the main window closes what it has open. It
// reports whether anything closed.
func (u *UI) escape() bool {
	if u.lk.locked {
		return false // what waits behind the lock stays as it is
	}
	if n := len(u.dialogs); n > 0 {
		u.dialogs[n-1].Hide() // its OnClosed drops it from the list
		return true
	}
	if u.main != nil && u.page == pageMain {
		return u.main.escape()
	}
	return false
}

// listenKeys sends the keys typed while nothing has the focus to the window's handlers: Esc, and the
// shortcuts the main window registers on the canvas.
func (u *UI) listenKeys() {
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			u.escape()
		}
	})
}
