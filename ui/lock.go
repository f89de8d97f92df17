package ui

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// The app lock. Ctrl+L, the lock button above the chats, or the chosen minutes without a key or pointer
// event put a page in the window that shows nothing of the chats and asks for the profile's passphrase
// (Vault.CheckPassphrase). The page the user was on is taken off the window as it is, with the dialogs over
// it, and comes back as it was (the open chat, a draft, a half-filled dialog) once the passphrase is right.
// Meanwhile results and events keep updating it out of sight; a dialog they would open is taken off the
// window too (onMain), desktop notifications say no more than "New message", and nothing is marked read.
// The lock is offered only after sign-in, with a Vault and a profile that has a passphrase
// (AppLock.LockSettings).

// lockState is where the app lock stands.
type lockState struct {
	locked bool
	// behind is the content the lock page replaced; overlays the dialogs and menus taken off the window,
	// bottom first; focused what had the keyboard.
	behind   fyne.CanvasObject
	overlays []fyne.CanvasObject
	focused  fyne.Focusable
	page     *lockPage
	section  *lockSection // the settings' App lock section, while the settings are open

	// settings are the AppLock's settings as last read or set; known once read.
	settings LockSettings
	known    bool

	// now is the idle lock's clock (time.Now unless a test sets its own); last is the time of the last key
	// or pointer event; stopIdle stops the idle check, nil when none is set.
	now      func() time.Time
	last     time.Time
	stopIdle func()
	// seen is what had the keyboard at the last idle check, to catch typing no event reports (see keyboard).
	seen keyboardState
}

// keyboardState is what has the keyboard: the focused widget, the length of its text and where its cursor
// is, and how many dialogs are open. Only lengths and positions are kept, never the text.
type keyboardState struct {
	focused             fyne.Focusable
	length, row, column int
	dialogs             int
}

// keyboard returns what has the keyboard now. Keys typed into a dialog's field reach no handler of the
// window's, so the idle check compares this with what it saw last: a change is activity.
func (u *UI) keyboard() keyboardState {
	c := u.win.Canvas()
	st := keyboardState{focused: c.Focused(), dialogs: len(c.Overlays().List())}
	var e *widget.Entry
	switch x := st.focused.(type) {
	case *widget.Entry:
		e = x
	case *field:
		e = &x.Entry
	}
	if e != nil {
		st.length, st.row, st.column = len(e.Text), e.CursorRow, e.CursorColumn
	}
	return st
}

// lockPage is the locked window: the passphrase, and a hint under it (what to do when it is forgotten, or
// the demo's passphrase in the demo).
type lockPage struct {
	*passphrasePrompt
	hint *widget.Label
}

// clock is the time as the idle lock sees it.
func (u *UI) clock() time.Time {
	if u.lk.now != nil {
		return u.lk.now()
	}
	return time.Now()
}

// lockAvailable reports whether the window can be locked now: signed in, with a Vault whose profile has a
// passphrase.
func (u *UI) lockAvailable() bool {
	return u.vault != nil && u.main != nil && u.lk.known && u.lk.settings.Available
}

// startLock prepares the app lock for the main window: the keys typed with nothing focused count as
// activity, the settings are read once, and the idle check is (re)started.
func (u *UI) startLock() {
	if c, ok := u.win.Canvas().(desktop.Canvas); ok {
		c.SetOnKeyDown(func(*fyne.KeyEvent) { u.touch() })
	}
	if u.vault == nil || u.svc.Lock == nil {
		return
	}
	if u.lk.known {
		u.lockSettingsChanged()
		return
	}
	lock := u.svc.Lock
	u.background(func(ctx context.Context) func() {
		st, err := lock.LockSettings(ctx)
		return func() {
			if err != nil {
				if m := u.main; m != nil && u.page == pageMain {
					msg, _ := explain(err)
					m.chats.showError(msg)
				}
				return
			}
			u.lk.settings, u.lk.known = st, true
			u.lockSettingsChanged()
		}
	})
}

// lockSettingsChanged shows the lock button when the lock can be used and restarts the idle check.
func (u *UI) lockSettingsChanged() {
	if m := u.main; m != nil {
		if u.lockAvailable() {
			m.chats.lock.Show()
		} else {
			m.chats.lock.Hide()
		}
	}
	u.armIdle()
}

// touch records a key or pointer event: the idle time starts again.
func (u *UI) touch() { u.lk.last = u.clock() }

// idleLimit is how long the window may stay idle before it locks; 0 when it never does.
func (u *UI) idleLimit() time.Duration {
	if !u.lockAvailable() || u.lk.locked {
		return 0
	}
	return time.Duration(u.lk.settings.IdleMinutes) * time.Minute
}

// armIdle starts the idle check afresh, or stops it when the window does not lock by itself.
func (u *UI) armIdle() {
	if u.lk.stopIdle != nil {
		u.lk.stopIdle()
		u.lk.stopIdle = nil
	}
	if limit := u.idleLimit(); limit > 0 {
		u.touch()
		u.lk.seen = u.keyboard()
		u.lk.stopIdle = u.after(limit, u.idleCheck)
	}
}

// idleCheck locks the window when it has been idle long enough, or checks again when it could be.
// Events only record their time (touch): the timer is not moved on every pointer movement.
func (u *UI) idleCheck() {
	u.lk.stopIdle = nil
	limit := u.idleLimit()
	if limit <= 0 {
		return
	}
	if kb := u.keyboard(); kb != u.lk.seen {
		u.lk.seen = kb
		u.touch() // typed into a dialog, or a dialog opened or closed, since the last check
	}
	if idle := u.clock().Sub(u.lk.last); idle < limit {
		u.lk.stopIdle = u.after(limit-idle, u.idleCheck)
		return
	}
	u.lockNow()
}

// lockNow locks the window: the page and its dialogs are taken off it and the lock page shown.
func (u *UI) lockNow() {
	if u.lk.locked || !u.lockAvailable() {
		return
	}
	c := u.win.Canvas()
	u.lk.locked = true
	u.lk.focused = c.Focused()
	c.Unfocus()
	u.lk.overlays = nil
	u.takeOverlays(0)
	u.lk.behind = c.Content()
	if u.lk.stopIdle != nil {
		u.lk.stopIdle()
		u.lk.stopIdle = nil
	}
	u.showLockPage()
}

// lockOrExplain is Ctrl+L: it locks the window, or, when the profile has no passphrase to open it with,
// shows the settings' App lock section, which says how to get one.
func (u *UI) lockOrExplain() {
	switch {
	case u.lockAvailable():
		u.lockNow()
	case u.lk.known && !u.lk.settings.Available:
		u.showSettings()
		for _, item := range u.settingsPg.sections.Items {
			if item.Text == lockSectionName {
				u.settingsPg.sections.Select(item)
			}
		}
	}
}

// takeOverlays takes the overlays from index from up off the window, keeping them to show after unlocking.
func (u *UI) takeOverlays(from int) {
	stack := u.win.Canvas().Overlays()
	list := stack.List()
	if from >= len(list) {
		return
	}
	taken := slices.Clone(list[from:])
	stack.Remove(taken[0]) // and everything above it
	u.lk.overlays = append(u.lk.overlays, taken...)
}

// showLockPage shows the page of the locked window.
func (u *UI) showLockPage() {
	p := &lockPage{passphrasePrompt: u.newPassphrasePrompt(u.vault.CheckPassphrase, u.unlockApp),
		hint: caption("Forgot the passphrase? Close Tacit and choose “Forgot passphrase” when it starts again.")}
	if u.svc.Demo != nil {
		if pass, ok := u.svc.Demo.DemoPassphrase(); ok {
			p.hint.SetText("Demo passphrase: " + pass) // the demo has no recovery: its passphrase is shown
		}
	}
	u.lk.page = p
	u.win.SetContent(u.loginFrame("Tacit is locked",
		"Your chats are hidden. Enter your passphrase to show them again.",
		labeled("Passphrase", p.entry, p.err),
		buttonRow(p.busy, p.next),
		p.hint,
	))
	u.win.Canvas().Focus(p.entry)
}

// unlockApp puts back what the lock took off the window, once the passphrase was right.
func (u *UI) unlockApp() {
	if !u.lk.locked {
		return
	}
	c := u.win.Canvas()
	behind, overlays, focused := u.lk.behind, u.lk.overlays, u.lk.focused
	u.lk.locked, u.lk.behind, u.lk.overlays, u.lk.focused, u.lk.page = false, nil, nil, nil, nil
	c.SetContent(behind)
	for _, o := range overlays {
		if o.Visible() { // a dialog closed meanwhile stays closed
			c.Overlays().Add(o)
		}
	}
	if focused != nil && len(c.Overlays().List()) == 0 {
		c.Focus(focused)
	}
	if m := u.main; m != nil && u.page == pageMain {
		m.focusChanged(m.focused) // what arrived in the open chat is seen now
	}
	u.armIdle()
}

// lockedMain runs fn, a result or an event for the event goroutine, while the window is locked: a dialog
// or menu it opens is taken off the window with the others until the lock opens.
func (u *UI) lockedMain(fn func()) {
	before := slices.Clone(u.win.Canvas().Overlays().List())
	fn()
	if !u.lk.locked {
		return
	}
	list := u.win.Canvas().Overlays().List()
	for i, o := range list {
		if !slices.Contains(before, o) {
			u.takeOverlays(i)
			return
		}
	}
}

// lockedContent is what setPage shows while the window is locked: the new page waits behind a new lock
// page (the old one's call belongs to the old page).
func (u *UI) lockedContent(content fyne.CanvasObject) {
	u.lk.behind = content
	u.showLockPage()
}

// closeLock forgets what the lock holds when the window closes: the passphrase typed, the page behind.
func (u *UI) closeLock() {
	if u.lk.stopIdle != nil {
		u.lk.stopIdle()
		u.lk.stopIdle = nil
	}
	if p := u.lk.page; p != nil {
		p.entry.SetText("")
	}
	u.lk.behind, u.lk.overlays, u.lk.focused, u.lk.seen = nil, nil, nil, keyboardState{}
}

// newLockButton is the lock button above the chats, hidden until the lock can be used.
func newLockButton(u *UI) *widget.Button {
	b := widget.NewButtonWithIcon("", theme.NewThemedResource(assets.LockIcon()), u.lockNow)
	b.Importance = widget.LowImportance
	b.Hide()
	return b
}

// activityWatcher is the root of every page: the window asks it for the pointer's shape whenever the
// pointer moves over the page (Fyne has no window-wide pointer event), which the idle lock counts as
// activity. Its children choose the shape as before.
type activityWatcher struct {
	widget.BaseWidget
	content fyne.CanvasObject
	touch   func()
}

func (u *UI) watchActivity(content fyne.CanvasObject) fyne.CanvasObject {
	w := &activityWatcher{content: content, touch: u.touch}
	w.ExtendBaseWidget(w)
	return w
}

// Cursor implements desktop.Cursorable.
func (w *activityWatcher) Cursor() desktop.Cursor {
	w.touch()
	return desktop.DefaultCursor
}

// CreateRenderer implements fyne.Widget.
func (w *activityWatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}
