package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The main window's keyboard shortcuts. They work wherever the keyboard is (the composer and the search
// box pass them on), and Ctrl+/ lists them.

// shortcutKeys are the shortcuts and what they do, in the order the list shows them.
var shortcutKeys = []struct {
	key  fyne.KeyName
	mod  fyne.KeyModifier
	keys string
	what string
}{
	{fyne.KeyN, fyne.KeyModifierShortcutDefault, "Ctrl+N", "New chat: find a person by username or link"},
	{fyne.KeyF, fyne.KeyModifierShortcutDefault, "Ctrl+F", "Search chats, people and messages"},
	{fyne.KeyUp, fyne.KeyModifierAlt, "Alt+Up", "Previous chat"},
	{fyne.KeyDown, fyne.KeyModifierAlt, "Alt+Down", "Next chat"},
	{fyne.KeyL, fyne.KeyModifierShortcutDefault, "Ctrl+L", "Lock Tacit: hide the chats until the passphrase is entered"},
	{fyne.KeySlash, fyne.KeyModifierShortcutDefault, "Ctrl+/", "This list"},
	{fyne.KeyQ, fyne.KeyModifierShortcutDefault, "Ctrl+Q", "Quit Tacit"},
}

// otherKeys are keys that are not shortcuts, for the list.
var otherKeys = [][2]string{
	{"Enter", "Send (Shift+Enter: a new line)"},
	{"Up", "In an empty composer: edit your last message"},
	{"Esc", "Close a dialog or the search; stop a reply or an edit"},
	{"Tab", "Move between the composer, the messages and the chats"},
	{"Up, Down", "In the messages: select a message"},
	{"Enter or R, E, Delete", "On a selected message: reply, edit, delete"},
	{"Ctrl+C, Shift+F10", "On a selected message: copy it, open its menu"},
	{"Page Up, Page Down", "Scroll the messages"},
}

// installShortcuts registers the shortcuts on the window's canvas (for when nothing has the keyboard).
func (m *mainWindow) installShortcuts() {
	c := m.u.win.Canvas()
	for _, s := range shortcutKeys {
		sc := &desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}
		c.RemoveShortcut(sc)
		c.AddShortcut(sc, func(fyne.Shortcut) { m.shortcut(sc) })
	}
}

// shortcut runs the window's shortcut s and reports whether s is one.
func (m *mainWindow) shortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || m.u.main != m || m.u.lk.locked {
		return false
	}
	if cs.Modifier == fyne.KeyModifierShortcutDefault && cs.KeyName == fyne.KeyL { // from any page after sign-in
		m.u.lockOrExplain()
		return true
	}
	if m.u.page != pageMain {
		return false
	}
	switch {
	case cs.Modifier == fyne.KeyModifierShortcutDefault && cs.KeyName == fyne.KeyN:
		m.showNewChat()
	case cs.Modifier == fyne.KeyModifierShortcutDefault && cs.KeyName == fyne.KeyF:
		m.chats.focusSearch()
	case cs.Modifier == fyne.KeyModifierShortcutDefault && cs.KeyName == fyne.KeyQ:
		m.u.app.Quit()
	case cs.Modifier == fyne.KeyModifierShortcutDefault && cs.KeyName == fyne.KeySlash:
		m.showShortcuts()
	case cs.Modifier == fyne.KeyModifierAlt && cs.KeyName == fyne.KeyUp:
		m.step(-1)
	case cs.Modifier == fyne.KeyModifierAlt && cs.KeyName == fyne.KeyDown:
		m.step(+1)
	default:
		return false
	}
	return true
}

// step opens the chat above (-1) or below (+1) the open one in the chat list.
func (m *mainWindow) step(dir int) {
	if len(m.dialogs) == 0 {
		return
	}
	i := m.index(m.conv.dialog.ID)
	switch {
	case i < 0 && dir > 0:
		i = 0
	case i < 0:
		i = len(m.dialogs) - 1
	default:
		i = max(0, min(len(m.dialogs)-1, i+dir))
	}
	m.show(m.dialogs[i].ID)
}

// escape closes what the main window has open, innermost first, and reports whether anything closed.
func (m *mainWindow) escape() bool {
	if m.conv.replyTo != nil || m.conv.editing != nil {
		m.conv.cancelBar()
		return true
	}
	return m.chats.closeSearch()
}

// showShortcuts lists the keyboard shortcuts.
func (m *mainWindow) showShortcuts() {
	grid := container.NewGridWithColumns(2)
	add := func(keys, what string) {
		k := widget.NewLabelWithStyle(keys, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		grid.Add(k)
		grid.Add(widget.NewLabel(what))
	}
	for _, s := range shortcutKeys {
		add(s.keys, s.what)
	}
	for _, k := range otherKeys {
		add(k[0], k[1])
	}
	d := dialog.NewCustom("Keyboard shortcuts", "Close", grid, m.u.win)
	m.u.trackDialog(d)
	m.shortcutsDialog = d
	d.Show()
}
