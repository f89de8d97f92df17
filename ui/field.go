package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// field is a text entry that lets its page see keys and shortcuts first: the window's shortcuts (Ctrl+F,
// Ctrl+N, Alt+Up ...) keep working while it has the focus, Esc can close what it belongs to, and a
// composer can tell Enter from Shift+Enter.
type field struct {
	widget.Entry
	// onKey sees every key first; it returns true when it handled the key.
	onKey func(ev *fyne.KeyEvent) bool
	// onShortcut sees every shortcut first; it returns true when it handled it.
	onShortcut func(s fyne.Shortcut) bool
	// shift is held down.
	shift bool
}

func newField() *field {
	f := &field{}
	f.ExtendBaseWidget(f)
	return f
}

func newMultiLineField() *field {
	f := &field{}
	f.MultiLine = true
	f.Wrapping = fyne.TextWrapWord
	f.ExtendBaseWidget(f)
	return f
}

// TypedKey implements fyne.Focusable.
func (f *field) TypedKey(ev *fyne.KeyEvent) {
	if f.onKey != nil && f.onKey(ev) {
		return
	}
	f.Entry.TypedKey(ev)
}

// TypedShortcut implements fyne.Shortcutable.
func (f *field) TypedShortcut(s fyne.Shortcut) {
	if f.onShortcut != nil && f.onShortcut(s) {
		return
	}
	f.Entry.TypedShortcut(s)
}

// KeyDown implements desktop.Keyable.
func (f *field) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		f.shift = true
	}
	f.Entry.KeyDown(ev)
}

// KeyUp implements desktop.Keyable.
func (f *field) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		f.shift = false
	}
	f.Entry.KeyUp(ev)
}

// FocusLost implements fyne.Focusable: a Shift released elsewhere must not stick.
func (f *field) FocusLost() {
	f.shift = false
	f.Entry.FocusLost()
}
