package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestOpeningAnUnreadDialogMarksItRead(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("s1")) // Alice: 2 unread, newest message ID 2
	u.settle()
	if got := b.markedCalls(); !slices.Equal(got, []fakeMarked{{"s1", 2}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}
	if rows(u)["Alice"].unread.Text != "" {
		t.Fatal("unread badge still shown")
	}

	// A dialog without unread messages is not marked again.
	m.chats.list.Select(m.index("u1"))
	u.settle()
	if n := len(b.markedCalls()); n != 1 {
		t.Fatalf("%d MarkRead calls after opening a read dialog", n)
	}

	// A message arriving in the open dialog is marked read; one sent from here is not.
	b.emit(MessageEvent{Message: Message{ID: 60, Dialog: "u1", Sender: "Bob", Text: "Lunch?", Date: time.Now()}})
	u.settle()
	b.emit(MessageEvent{Message: Message{ID: 61, Dialog: "u1", Out: true, Text: "Yes", Date: time.Now()}})
	u.settle()
	b.emit(MessageEvent{Message: Message{ID: 60, Dialog: "u1", Sender: "Bob", Text: "Lunch?", Date: time.Now()}}) // again
	u.settle()
	if got := b.markedCalls(); !slices.Equal(got, []fakeMarked{{"s1", 2}, {"u1", 60}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}

	// A Backend that still counts unread messages in the open dialog is told again.
	b.emit(DialogEvent{Dialog: DialogSummary{ID: "u1", Title: "Bob", Kind: KindUser, LastMessage: "Yes", LastDate: time.Now(), Unread: 1}})
	u.settle()
	if m.dialogs[m.index("u1")].Unread != 0 {
		t.Fatal("the open dialog shows unread messages")
	}
	if got := b.markedCalls(); !slices.Equal(got, []fakeMarked{{"s1", 2}, {"u1", 60}, {"u1", 61}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}
}

func TestMarkReadCallsDoNotOverlap(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("u1"))
	u.settle()
	b.gate = make(chan struct{})
	for id := int64(70); id < 75; id++ {
		b.emit(MessageEvent{Message: Message{ID: id, Dialog: "u1", Sender: "Bob", Text: "n", Date: time.Now()}})
		u.drain()
	}
	close(b.gate)
	u.settle()
	// The first call goes out at once; the four that arrive meanwhile become one call for the newest.
	if got := b.markedCalls(); !slices.Equal(got, []fakeMarked{{"u1", 70}, {"u1", 74}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}
}

// dialogButton returns the button labelled text in the dialog on top of the window.
func dialogButton(t *testing.T, u *harness, text string) *widget.Button {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("dialog has no %q button", text)
	return nil
}

func TestLogOutAsksThenReturnsToPhonePage(t *testing.T) {
	u, b := readyUI(t)
	u.tap(u.main.chats.logout)
	u.tap(dialogButton(t, u, "Cancel"))
	if b.called("LogOut") != 0 || u.page != pageMain {
		t.Fatal("logged out without confirmation")
	}

	// A failure keeps the main window and says why.
	b.logOut = &Problem{Message: "Cannot reach Telegram."}
	u.tap(u.main.chats.logout)
	u.tap(dialogButton(t, u, "Log out"))
	wantPage(t, u, pageMain)
	wantError(t, u.main.chats.err, "Cannot reach Telegram")

	b.logOut = nil
	u.tap(u.main.chats.logout)
	u.tap(dialogButton(t, u, "Log out"))
	if b.called("LogOut") != 2 {
		t.Fatalf("LogOut called %d times", b.called("LogOut"))
	}
	wantPage(t, u, pagePhone)
	if u.main != nil || b.subscribers() != 0 || u.phonePg.entry.Text != "" {
		t.Fatal("the old account's window, events or number outlive the logout")
	}

	// Signing in again works and subscribes again.
	b.accounts["+447700900123"] = &fakeAccount{password: []byte("pw")}
	typeInto(u.phonePg.entry, "+447700900123")
	u.tap(u.phonePg.next)
	typeInto(u.codePg.entry, "12345")
	u.tap(u.codePg.next)
	typeInto(u.passwordPg.entry, "pw")
	u.passwordPg.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.settle()
	wantPage(t, u, pageMain)
	if b.subscribers() != 1 {
		t.Fatalf("%d subscriptions after signing in again", b.subscribers())
	}
}
