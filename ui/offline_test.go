package ui

import "testing"

// TestConnectionLostIsShownUntilItIsBack: the chat list says when the connection is lost, and stops saying
// it when the connection is back.
func TestConnectionLostIsShownUntilItIsBack(t *testing.T) {
	u, b := readyUI(t)
	c := u.main.chats
	if c.offline.Visible() {
		t.Fatal("a connection-lost line before anything was lost")
	}
	b.events.emit(ConnectionEvent{Online: false})
	u.settle()
	if !c.offline.Visible() || c.offline.Text != offlineText {
		t.Fatalf("after the connection was lost: shown %v, %q", c.offline.Visible(), c.offline.Text)
	}
	b.events.emit(ConnectionEvent{Online: true})
	u.settle()
	if c.offline.Visible() {
		t.Fatal("the connection-lost line stays after the connection is back")
	}
}
