package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestUsernameIsCheckedAsYouTypeAndSaved(t *testing.T) {
	u, b := readyUI(t)
	b.people.taken["bob_demo"] = true
	var saved []string
	e := u.showUsernameDialog(func(name string) { saved = append(saved, name) })
	u.settle()
	if b.people.called("MyUsername") != 1 || e.entry.Text != "" || !strings.Contains(e.status.Text, "no username") {
		t.Fatalf("loaded: %q, status %q", e.entry.Text, e.status.Text)
	}

	// A name that breaks the rule is refused at once, without asking the server.
	test.Type(e.entry, "1ab")
	u.settle()
	if e.status.Importance != widget.DangerImportance || !e.save.Disabled() || b.people.called("CheckUsername") != 0 {
		t.Fatalf("invalid name: %q %v", e.status.Text, e.save.Disabled())
	}

	// A taken name says so; a free one may be saved.
	e.entry.SetText("@Bob_Demo")
	u.fire()
	u.settle()
	if !strings.Contains(e.status.Text, "Someone else has @Bob_Demo") || !e.save.Disabled() {
		t.Fatalf("taken: %q", e.status.Text)
	}
	e.entry.SetText("carol_tacit")
	u.fire()
	u.settle()
	if e.status.Text != "@carol_tacit is available." || e.save.Disabled() {
		t.Fatalf("free: %q", e.status.Text)
	}
	test.Tap(e.save)
	u.settle()
	if !slices.Equal(b.people.setNames, []string{"carol_tacit"}) || !slices.Equal(saved, []string{"carol_tacit"}) {
		t.Fatalf("saved %v, told %v", b.people.setNames, saved)
	}
	if !strings.Contains(e.status.Text, "find you as @carol_tacit") || e.remove.Hidden {
		t.Fatalf("after saving: %q, remove hidden %v", e.status.Text, e.remove.Hidden)
	}

	// Removing it.
	test.Tap(e.remove)
	u.settle()
	if b.people.mine != "" || e.entry.Text != "" || !e.remove.Hidden {
		t.Fatalf("after removing: %q %q", b.people.mine, e.entry.Text)
	}

	// Esc closes the dialog.
	u.win.Canvas().Focus(e.entry)
	u.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(u.dialogs) != 0 || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc left the dialog open")
	}
}

func TestUsernameAnswersOfEarlierChecksAreDropped(t *testing.T) {
	u, b := readyUI(t)
	b.people.taken["dave_demo"] = true
	e := u.showUsernameDialog(nil)
	u.settle()
	b.people.gate = make(chan struct{})
	e.entry.SetText("dave_demo") // the answer to this check is held
	u.fire()
	u.drain()
	e.entry.SetText("dave_tacit")
	u.fire()
	u.drain()
	close(b.people.gate)
	u.settle()
	if e.status.Text != "@dave_tacit is available." || e.available != "dave_tacit" {
		t.Fatalf("status %q, available %q", e.status.Text, e.available)
	}
}
