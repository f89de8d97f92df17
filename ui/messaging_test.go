package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
)

func TestReadOnlyChannelSaysWhyInsteadOfComposer(t *testing.T) {
	u, b := readyUI(t)
	d := b.chats.dialogs[0]
	d.CannotPost = "This is a channel: only its admins can post in it."
	b.chats.dialogs[0] = d
	b.events.emit(DialogEvent{Dialog: d})
	u.settle()
	c := openDialog(u, "c1")
	if c.input.Visible() {
		t.Fatal("a channel the user cannot post in offers a composer")
	}
	if !c.composerNote.Visible() || c.composerNote.Text != d.CannotPost {
		t.Fatalf("the line instead of the composer says %q (shown %v)", c.composerNote.Text, c.composerNote.Visible())
	}
	wantContrast(t, "the line instead of the composer", c.composerNote, theme.Color(theme.ColorNameBackground))
	if c.canWrite() {
		t.Fatal("canWrite in a read-only channel")
	}
}

func TestSecretDeleteSaysWhatEachChoiceMeans(t *testing.T) {
	u, b := readyUI(t)
	c := openDialog(u, "s1")
	m := Message{ID: 2, Dialog: "s1", Out: true, Text: "See you", Date: time.Now(),
		Can: Abilities{DeleteForMe: true, DeleteForEveryone: true}}
	c.confirmDelete(m)
	text := dialogText(t, u) + "\n" + strings.Join(c.deleteChoice.Options, "\n")
	for _, want := range []string{"Telegram never had it", "Alice's app", "could ignore", "Delete for both of us", "Alice keeps their copy"} {
		if !strings.Contains(text, want) {
			t.Errorf("the question does not say %q:\n%s", want, text)
		}
	}
	c.deleteChoice.SetSelected(c.deleteChoice.Options[1])
	u.tap(dialogButton(t, u, "Delete"))
	u.settle()
	b.msgs.mu.Lock()
	defer b.msgs.mu.Unlock()
	if len(b.msgs.deletes) != 1 || b.msgs.deletes[0].forEveryone || b.msgs.deletes[0].ids[0] != 2 {
		t.Fatalf("Delete calls %+v, want message 2 on this computer only", b.msgs.deletes)
	}
}

func TestNotificationsHideSecretChatsAndSkipTheOpenChat(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	openDialog(u, "u1")
	m.focused = true

	b.events.emit(MessageEvent{Message: Message{ID: 50, Dialog: "s1", Sender: "Alice", Text: "the plan", Date: time.Now()}})
	u.settle()
	if n := m.notified; n == nil || n.Title != "Tacit" || n.Content != "New message" {
		t.Fatalf("a secret chat's notification is %+v, want neither sender nor text", n)
	}

	b.events.emit(MessageEvent{Message: Message{ID: 51, Dialog: "g1", Sender: "Ann", Text: "Saturday at ten", Date: time.Now()}})
	u.settle()
	if n := m.notified; n == nil || n.Title != "Ann in Climbing club" || n.Content != "Saturday at ten" {
		t.Fatalf("a cloud chat's notification is %+v, want sender and text as configured", n)
	}

	m.notified = nil
	b.events.emit(MessageEvent{Message: Message{ID: 52, Dialog: "u1", Sender: "Bob", Text: "hi", Date: time.Now()}})
	u.settle()
	if m.notified != nil {
		t.Fatalf("the chat open in the focused window notified: %+v", m.notified)
	}
	if title := u.win.Title(); !strings.Contains(title, "(") {
		t.Errorf("the window title %q does not show the unread total", title)
	}
}

// TestMessageStatusNeverGoesBack: a sent message's status only moves forward in the window, whatever order
// its copies arrive in: a copy taken while it was being sent (a photo's picture loaded later, the event of
// the queued message) never brings the clock back after the tick.
func TestMessageStatusNeverGoesBack(t *testing.T) {
	u, b := readyUI(t)
	c := openDialog(u, "s1")
	sending := Message{ID: 70, Dialog: "s1", Out: true, Text: "a photo", Date: time.Now(), Status: StatusSending}
	b.events.emit(MessageEvent{Message: sending})
	u.settle()
	status := func() MessageStatus {
		t.Helper()
		i, ok := c.list.byID[70]
		if !ok {
			t.Fatal("the message is not shown")
		}
		return c.list.msgs[i].Status
	}
	sent := sending
	sent.Status = StatusSent
	b.events.emit(MessageChangedEvent{Message: sent})
	u.settle()
	if got := status(); got != StatusSent {
		t.Fatalf("after the send: status %v", got)
	}
	b.events.emit(MessageChangedEvent{Message: sending}) // a stale copy
	b.events.emit(MessageEvent{Message: sending})
	u.settle()
	c.list.refresh(70) // the picture arrived: laid out again from what the list holds
	if got := status(); got != StatusSent {
		t.Fatalf("a stale copy took the status back to %v", got)
	}
	read := sending
	read.Status = StatusRead
	b.events.emit(MessageEvent{Message: read}) // a later copy arriving as a message
	u.settle()
	if got := status(); got != StatusRead {
		t.Fatalf("a later copy did not move the status forward: %v", got)
	}
}
