package ui

import (
	"slices"
	"strings"
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
	if got := b.msgs.markedCalls(); !slices.Equal(got, []fakeMarked{{"s1", 2}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}
	if rows(u)["Alice"].unread.Text != "" {
		t.Fatal("unread badge still shown")
	}

	// A dialog without unread messages is not marked again.
	m.chats.list.Select(m.index("u1"))
	u.settle()
	if n := len(b.msgs.markedCalls()); n != 1 {
		t.Fatalf("%d MarkRead calls after opening a read dialog", n)
	}

	// A message arriving in the open dialog is marked read; one sent from here is not.
	b.events.emit(MessageEvent{Message: Message{ID: 60, Dialog: "u1", Sender: "Bob", Text: "Lunch?", Date: time.Now()}})
	u.settle()
	b.events.emit(MessageEvent{Message: Message{ID: 61, Dialog: "u1", Out: true, Text: "Yes", Date: time.Now()}})
	u.settle()
	b.events.emit(MessageEvent{Message: Message{ID: 60, Dialog: "u1", Sender: "Bob", Text: "Lunch?", Date: time.Now()}}) // again
	u.settle()
	if got := b.msgs.markedCalls(); !slices.Equal(got, []fakeMarked{{"s1", 2}, {"u1", 60}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}

	// A Backend that still counts unread messages in the open dialog is told again.
	b.events.emit(DialogEvent{Dialog: DialogSummary{ID: "u1", Title: "Bob", Kind: KindUser, LastMessage: "Yes", LastDate: time.Now(), Unread: 1}})
	u.settle()
	if m.dialogs[m.index("u1")].Unread != 0 {
		t.Fatal("the open dialog shows unread messages")
	}
	if got := b.msgs.markedCalls(); !slices.Equal(got, []fakeMarked{{"s1", 2}, {"u1", 60}, {"u1", 61}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}
}

func TestMarkReadCallsDoNotOverlap(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("u1"))
	u.settle()
	b.msgs.gate = make(chan struct{})
	for id := int64(70); id < 75; id++ {
		b.events.emit(MessageEvent{Message: Message{ID: id, Dialog: "u1", Sender: "Bob", Text: "n", Date: time.Now()}})
		u.drain()
	}
	close(b.msgs.gate)
	u.settle()
	// The first call goes out at once; the four that arrive meanwhile become one call for the newest.
	if got := b.msgs.markedCalls(); !slices.Equal(got, []fakeMarked{{"u1", 70}, {"u1", 74}}) {
		t.Fatalf("MarkRead calls %+v", got)
	}
}

// TestSecretMarkReadIgnoresIDOrder: a secret chat's message ids are random, so every message that arrives
// in the open secret chat is marked read, whatever its id says (its self-destruct timer starts then).
func TestSecretMarkReadIgnoresIDOrder(t *testing.T) {
	u, b := secretUI(t, SecretReady)
	openDialog(u, "s2")
	for _, id := range []int64{900, -7, 30} {
		b.events.emit(MessageEvent{Message: Message{ID: id, Dialog: "s2", Sender: "Carol", Text: "n", Date: time.Now()}})
		u.settle()
	}
	if got := b.msgs.markedCalls(); !slices.Equal(got, []fakeMarked{{"s2", 900}, {"s2", -7}, {"s2", 30}}) {
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
	b.chats.add(DialogSummary{ID: "s9", Title: "Bob", Kind: KindSecret})
	u.main.reload()
	u.settle()
	u.tap(u.main.chats.logout)
	text := dialogText(t, u)
	for _, want := range []string{"2 secret chats end for both sides", "keys", "marked as compared", "cloud chats", "stay on Telegram's servers", "cannot be deleted"} {
		if !strings.Contains(text, want) {
			t.Errorf("the question does not say %q:\n%s", want, text)
		}
	}
	u.tap(dialogButton(t, u, "Cancel"))
	if b.called("LogOut") != 0 || u.page != pageMain {
		t.Fatal("logged out without confirmation")
	}

	// A failure keeps the main window and says why.
	b.account.logOut = &Problem{Message: "Cannot reach Telegram."}
	u.tap(u.main.chats.logout)
	u.tap(dialogButton(t, u, "Log out"))
	wantPage(t, u, pageMain)
	wantError(t, u.main.chats.err, "Cannot reach Telegram")

	b.account.logOut = nil
	u.tap(u.main.chats.logout)
	u.tap(dialogButton(t, u, "Log out"))
	if b.called("LogOut") != 2 {
		t.Fatalf("LogOut called %d times", b.called("LogOut"))
	}
	wantPage(t, u, pagePhone)
	if u.main != nil || b.events.subscribers() != 0 || u.phonePg.entry.Text != "" {
		t.Fatal("the old account's window, events or number outlive the logout")
	}

	// Signing in again goes to the new session and subscribes to its events.
	next := b.account.next
	next.login.accounts["+447700900123"] = &fakeAccountData{password: []byte("pw")}
	typeInto(u.phonePg.entry, "+447700900123")
	u.tap(u.phonePg.next)
	typeInto(u.codePg.entry, "12345")
	u.tap(u.codePg.next)
	typeInto(u.passwordPg.entry, "pw")
	u.passwordPg.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.settle()
	wantPage(t, u, pageMain)
	if next.events.subscribers() != 1 || b.events.subscribers() != 0 || b.login.called("SendCode") != 0 {
		t.Fatalf("after signing in again: %d subscriptions to the new session, %d to the old; the old login was asked %d times",
			next.events.subscribers(), b.events.subscribers(), b.login.called("SendCode"))
	}
}

func TestLogOutNoticeShown(t *testing.T) {
	u, b := readyUI(t)
	b.account.notice = "Telegram could not be reached."
	u.tap(u.main.chats.logout)
	u.tap(dialogButton(t, u, "Log out"))
	wantPage(t, u, pagePhone)
	if text := dialogText(t, u); !strings.Contains(text, "Telegram could not be reached.") {
		t.Fatalf("notice not shown: %q", text)
	}
}

// TestAnswerInTheSameSecondIsThePreview: the chat list shows the newest message of a chat. A message sent
// carries this computer's time to the nanosecond, an answer the server's whole second: an answer in the same
// second as the message is newer, though its time reads earlier.
func TestAnswerInTheSameSecondIsThePreview(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("s1"))
	u.settle()
	sec := time.Now().Truncate(time.Second)
	b.events.emit(MessageEvent{Message: Message{ID: 60, Dialog: "s1", Out: true, Text: "Did the parcel arrive?",
		Date: sec.Add(700 * time.Millisecond)}})
	u.drain()
	b.events.emit(MessageEvent{Message: Message{ID: 61, Dialog: "s1", Sender: "Alice", Text: "Yes, this morning",
		Date: sec}})
	u.drain()
	if got := m.dialogs[m.index("s1")].LastMessage; got != "Yes, this morning" {
		t.Fatalf("preview %q, want the answer", got)
	}
	// A message of a minute ago that arrives late does not replace the newer preview.
	b.events.emit(MessageEvent{Message: Message{ID: 62, Dialog: "s1", Sender: "Alice", Text: "Old news",
		Date: sec.Add(-time.Minute)}})
	u.drain()
	if got := m.dialogs[m.index("s1")].LastMessage; got != "Yes, this morning" {
		t.Fatalf("preview %q after a late old message", got)
	}
}
