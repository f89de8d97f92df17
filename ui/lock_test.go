package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// chatWords are the titles and texts of readyFakes' chats, and what the tests below add to them: none may be
// anywhere in a locked window.
var chatWords = []string{"Tacit News", "Release notes", "Alice", "See you", "Bob", "Climbing club", "Saturday?",
	"Hello from the other side", "meet at the bridge", "the new plan", "Ann"}

// lockableUI opens the main window of a passphrase profile (the passphrase is "old passphrase") with the
// idle lock at idle minutes, on a clock the test moves.
func lockableUI(t *testing.T, idle int) (*harness, *fakes, *fakeVault, *time.Time) {
	t.Helper()
	b := readyFakes()
	b.lock.settings.IdleMinutes = idle
	v := newFakeVault(b, VaultState{Status: VaultLocked})
	u := newVaultTestUI(t, v)
	clock := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	u.lk.now = func() time.Time { return clock }
	u.Start()
	u.settle()
	typeInto(u.unlockPg.entry, "old passphrase")
	u.tap(u.unlockPg.next)
	wantPage(t, u, pageMain)
	if !u.main.chats.lock.Visible() {
		t.Fatal("no lock button above the chats of a passphrase profile")
	}
	return u, b, v, &clock
}

// ctrlL is Ctrl+L as the window's shortcuts see it.
var ctrlL = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}

// windowTexts returns every text in the window's widget tree, hidden ones included: labels, entries (text
// and place holder), rich text, buttons, links, selections, drawn text, in the page and the dialogs over
// it, and the window's title.
func windowTexts(u *harness) []string {
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			if x != "" {
				out = append(out, x)
			}
		}
	}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			add(x.Text)
		case *widget.Label:
			add(x.Text)
		case *widget.Entry:
			add(x.Text, x.PlaceHolder)
		case *widget.RichText:
			add(x.String())
		case *widget.Button:
			add(x.Text)
		case *widget.Hyperlink:
			add(x.Text)
		case *widget.Select:
			add(x.Selected, x.PlaceHolder)
			add(x.Options...)
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(u.win.Canvas().Content())
	for _, o := range u.win.Canvas().Overlays().List() {
		walk(o)
	}
	add(u.win.Title())
	return out
}

// chatWordsShown returns the chat words found in the window.
func chatWordsShown(u *harness) []string {
	var found []string
	for _, s := range windowTexts(u) {
		for _, w := range chatWords {
			if strings.Contains(s, w) && !slices.Contains(found, w) {
				found = append(found, w)
			}
		}
	}
	return found
}

func TestCtrlLLocksAndThePassphraseBringsTheChatBack(t *testing.T) {
	u, b, v, _ := lockableUI(t, 0)
	c := openDialog(u, "s1")
	typeInto(c.entry, "meet at the bridge")
	u.settle()
	u.main.showShortcuts()
	if got := dialogText(t, u); !strings.Contains(got, "Ctrl+L") {
		t.Fatalf("the shortcuts list does not name Ctrl+L:\n%s", got)
	}
	if shown := chatWordsShown(u); !slices.Contains(shown, "Alice") || !slices.Contains(shown, "Hello from the other side") {
		t.Fatalf("the window before locking shows %v: the walk misses what it should find", shown)
	}
	marked := len(b.msgs.markedCalls())

	u.win.Canvas().Focus(c.entry)
	c.entry.TypedShortcut(ctrlL) // the composer has the keyboard and passes the shortcut on
	u.settle()
	if !u.lk.locked {
		t.Fatal("Ctrl+L did not lock the window")
	}
	wantPage(t, u, pageMain) // the page waits behind the lock, with its work
	if shown := chatWordsShown(u); len(shown) != 0 {
		t.Fatalf("the locked window shows %v", shown)
	}
	if len(u.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("a dialog stayed over the locked window")
	}
	p := u.lk.page
	if u.win.Canvas().Focused() != p.entry {
		t.Fatal("the passphrase field does not have the keyboard")
	}

	// Behind the lock: a message arrives in the open chat and in a group that notifies with sender and text,
	// a result opens a dialog. None of it shows, nothing is marked read, notifications say only "New message".
	b.events.emit(MessageEvent{Message: Message{ID: 60, Dialog: "s1", Sender: "Alice", Text: "the new plan", Date: time.Now()}})
	u.settle()
	b.events.emit(MessageEvent{Message: Message{ID: 61, Dialog: "g1", Sender: "Ann", Text: "the new plan", Date: time.Now()}})
	u.settle()
	if n := u.main.notified; n == nil || n.Title != "Tacit" || n.Content != "New message" {
		t.Fatalf("a notification while locked shows %+v", n)
	}
	u.onMain(func() { dialog.ShowInformation("Alice", "the new plan", u.win) })
	u.settle()
	if shown := chatWordsShown(u); len(shown) != 0 {
		t.Fatalf("the locked window shows %v after events", shown)
	}
	if len(b.msgs.markedCalls()) != marked {
		t.Fatalf("a message was marked read while the window was locked: %+v", b.msgs.markedCalls()[marked:])
	}
	// The window's shortcuts do nothing behind the lock.
	u.main.shortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault})
	if len(u.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("a shortcut opened a dialog over the locked window")
	}

	// An empty field and a wrong passphrase are refused, under the field, which is emptied.
	u.tap(p.next)
	wantError(t, p.err, "Enter the passphrase")
	typeInto(p.entry, "not it")
	u.tap(p.next)
	wantError(t, p.err, "Wrong passphrase")
	if p.entry.Text != "" || !u.lk.locked || u.win.Canvas().Focused() != p.entry {
		t.Fatalf("after a wrong passphrase: field %q, locked %v", p.entry.Text, u.lk.locked)
	}
	if shown := chatWordsShown(u); len(shown) != 0 {
		t.Fatalf("the window shows %v after a wrong passphrase", shown)
	}

	typeInto(p.entry, "old passphrase")
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter unlocks
	u.settle()
	if u.lk.locked {
		t.Fatal("the right passphrase did not unlock")
	}
	if v.called("CheckPassphrase") != 2 || v.called("Unlock") != 1 || !v.passesZeroed() {
		t.Fatalf("vault calls %v; passphrases zeroed: %v", v.calls, v.passesZeroed())
	}
	wantPage(t, u, pageMain)
	if u.main.conv != c || c.dialog.ID != "s1" || c.entry.Text != "meet at the bridge" {
		t.Fatalf("after unlocking: chat %q, draft %q", u.main.conv.dialog.ID, u.main.conv.entry.Text)
	}
	shown := chatWordsShown(u)
	for _, w := range []string{"Alice", "Hello from the other side", "the new plan", "meet at the bridge"} {
		if !slices.Contains(shown, w) {
			t.Errorf("after unlocking the window does not show %q (shows %v)", w, shown)
		}
	}
	// The dialogs come back as they were: the shortcuts, and the one opened behind the lock on top.
	if n := len(u.win.Canvas().Overlays().List()); n != 2 || !strings.Contains(dialogText(t, u), "the new plan") {
		t.Fatalf("%d dialogs after unlocking, the top one says %q", n, dialogText(t, u))
	}
	// What arrived in the open chat meanwhile is read now that it is seen.
	if got := b.msgs.markedCalls(); len(got) <= marked || got[len(got)-1] != (fakeMarked{"s1", 60}) {
		t.Fatalf("MarkRead calls after unlocking: %+v", got[marked:])
	}
}

func TestLockButtonAndClosingTheLockedWindow(t *testing.T) {
	u, b, v, _ := lockableUI(t, 0)
	openDialog(u, "u1")
	u.tap(u.main.chats.lock)
	if !u.lk.locked {
		t.Fatal("the lock button did not lock")
	}
	typeInto(u.lk.page.entry, "half a passphr")
	u.win.Close()
	u.settle()
	if shown := chatWordsShown(u); len(shown) != 0 {
		t.Fatalf("the window closed while locked shows %v", shown)
	}
	if u.lk.page.entry.Text != "" || u.lk.behind != nil || u.lk.overlays != nil {
		t.Fatal("the closed window keeps the passphrase typed or the page behind the lock")
	}
	u.main.notified = nil
	b.events.emit(MessageEvent{Message: Message{ID: 70, Dialog: "g1", Sender: "Ann", Text: "the new plan", Date: time.Now()}})
	u.settle()
	if u.main.notified != nil || v.called("CheckPassphrase") != 0 {
		t.Fatalf("after closing: notification %+v, %d passphrase checks", u.main.notified, v.called("CheckPassphrase"))
	}
}

func TestIdleLockOnAFakeClock(t *testing.T) {
	u, _, _, clock := lockableUI(t, 5)
	c := openDialog(u, "s1")

	*clock = clock.Add(4 * time.Minute)
	u.fire()
	if u.lk.locked {
		t.Fatal("locked after 4 idle minutes of 5")
	}
	// The pointer moves over the window: the five minutes start again.
	u.win.Canvas().Content().(desktop.Cursorable).Cursor()
	*clock = clock.Add(4 * time.Minute)
	u.fire()
	if u.lk.locked {
		t.Fatal("locked 4 minutes after the pointer moved")
	}
	// So does typing.
	typeInto(c.entry, "meet at the bridge")
	*clock = clock.Add(4*time.Minute + 59*time.Second)
	u.fire()
	if u.lk.locked {
		t.Fatal("locked 4:59 after typing")
	}
	*clock = clock.Add(time.Second)
	u.fire()
	u.settle()
	if !u.lk.locked {
		t.Fatal("not locked after 5 idle minutes")
	}
	if shown := chatWordsShown(u); len(shown) != 0 {
		t.Fatalf("the window locked when idle shows %v", shown)
	}
	// Locked, nothing more is timed; unlocked, the count starts again.
	if u.lk.stopIdle != nil {
		t.Fatal("the idle check runs on while locked")
	}
	typeInto(u.lk.page.entry, "old passphrase")
	u.tap(u.lk.page.next)
	if u.lk.locked || u.main.conv.dialog.ID != "s1" {
		t.Fatal("the passphrase did not bring the chat back")
	}
	*clock = clock.Add(5 * time.Minute)
	u.fire()
	if !u.lk.locked {
		t.Fatal("the idle lock did not start again after unlocking")
	}
}

func TestAppLockSection(t *testing.T) {
	u, b, _, clock := lockableUI(t, 0)
	u.tap(u.main.chats.settings)
	p := u.lk.section
	if p == nil || p.idle.Disabled() || p.lockNow.Disabled() || p.needs.Visible() {
		t.Fatal("the App lock section of a passphrase profile is off")
	}
	if p.idle.Selected != "Never" || !slices.Equal(p.idle.Options, []string{"Never", "After 1 minute", "After 5 minutes", "After 15 minutes", "After 1 hour"}) {
		t.Fatalf("idle choice %q of %q", p.idle.Selected, p.idle.Options)
	}

	// A setting that cannot be saved is said, and the one kept is shown again.
	b.lock.saveErr = &Problem{Message: "Tacit cannot write its settings."}
	p.idle.SetSelected("After 15 minutes")
	u.settle()
	wantError(t, p.err, "cannot write")
	if p.idle.Selected != "Never" || p.idle.Disabled() {
		t.Fatalf("after a failed save the choice shows %q (disabled %v)", p.idle.Selected, p.idle.Disabled())
	}

	b.lock.saveErr = nil
	p.idle.SetSelected("After 1 minute")
	u.settle()
	if b.lock.settings.IdleMinutes != 1 || !p.status.Visible() || !strings.Contains(p.status.Text, "1 minute") {
		t.Fatalf("kept %d minutes; status %q", b.lock.settings.IdleMinutes, p.status.Text)
	}
	*clock = clock.Add(time.Minute)
	u.fire()
	u.settle()
	if !u.lk.locked {
		t.Fatal("the idle time chosen in the settings did not lock the window")
	}
	wantPage(t, u, pageSettings)
	typeInto(u.lk.page.entry, "old passphrase")
	u.tap(u.lk.page.next)
	wantPage(t, u, pageSettings)

	// Lock now, from the section; Ctrl+L works on the settings page too.
	u.tap(p.lockNow)
	if !u.lk.locked {
		t.Fatal("Lock now did not lock")
	}
	typeInto(u.lk.page.entry, "old passphrase")
	u.tap(u.lk.page.next)
	u.main.shortcut(ctrlL)
	if !u.lk.locked {
		t.Fatal("Ctrl+L on the settings page did not lock")
	}
}

func TestKeyringProfileCannotLock(t *testing.T) {
	b := readyFakes()
	b.lock.settings = LockSettings{Available: false, Choices: []int{0, 1, 5, 15, 60}}
	v := newFakeVault(b, VaultState{Status: VaultUnlocked})
	u := startVault(t, v)
	wantPage(t, u, pageMain)
	if u.main.chats.lock.Visible() {
		t.Fatal("a keyring profile offers the lock button")
	}
	u.main.shortcut(ctrlL)
	u.settle()
	if u.lk.locked {
		t.Fatal("Ctrl+L locked a window that has no passphrase to open it")
	}
	// Ctrl+L says why instead: the App lock section.
	wantPage(t, u, pageSettings)
	if sel := u.settingsPg.sections.Selected(); sel == nil || sel.Text != "App lock" {
		t.Fatalf("Ctrl+L on a keyring profile shows %v", sel)
	}
	p := u.lk.section
	if !p.needs.Visible() || p.needs.Text != "Choose a passphrase under Data protection to use the app lock." {
		t.Fatalf("the section says %q (shown %v)", p.needs.Text, p.needs.Visible())
	}
	if !p.idle.Disabled() || !p.lockNow.Disabled() {
		t.Fatal("the App lock controls are on for a keyring profile")
	}
	if v.called("CheckPassphrase") != 0 {
		t.Fatal("the passphrase was checked")
	}
}

func TestDemoLockShowsItsPassphrase(t *testing.T) {
	b := readyFakes()
	b.login.hint, b.login.demoPass = "Demo server", "demo passphrase"
	v := newFakeVault(b, VaultState{Status: VaultLocked})
	v.pass = "demo passphrase"
	u := newVaultTestUI(t, v)
	u.Start()
	u.settle()
	typeInto(u.unlockPg.entry, "demo passphrase")
	u.tap(u.unlockPg.next)
	wantPage(t, u, pageMain)
	u.main.shortcut(ctrlL)
	h := u.lk.page.hint
	if !u.lk.locked || h.Text != "Demo passphrase: demo passphrase" {
		t.Fatalf("the demo's lock page says %q (shown %v)", h.Text, h.Visible())
	}
}

// TestIdleLockSeesTypingInADialog: keys typed into a dialog's field reach no handler of the window's; the
// idle check sees the field change and waits, and locks once nothing changes.
func TestIdleLockSeesTypingInADialog(t *testing.T) {
	u, _, _, clock := lockableUI(t, 5)
	u.main.showNewChat()
	f := u.main.newChat.finder.field
	u.win.Canvas().Focus(f)
	*clock = clock.Add(3 * time.Minute)
	test.Type(f, "ali")
	*clock = clock.Add(2 * time.Minute)
	u.fire()
	u.settle()
	if u.lk.locked {
		t.Fatal("locked while the user typed in New chat")
	}
	*clock = clock.Add(5 * time.Minute)
	u.fire()
	u.settle()
	if !u.lk.locked {
		t.Fatal("not locked 5 minutes after the last change")
	}
	if shown := chatWordsShown(u); len(shown) != 0 {
		t.Fatalf("the locked window shows %v", shown)
	}
	typeInto(u.lk.page.entry, "old passphrase")
	u.tap(u.lk.page.next)
	if u.win.Canvas().Overlays().Top() == nil || f.Text != "ali" {
		t.Fatalf("New chat did not come back as it was (field %q)", f.Text)
	}
}
