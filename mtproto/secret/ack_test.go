package secret

import "testing"

// TestAckHeldAfterUnstoredMessage: once a message could not be stored, a later
// stored message does not confirm it through a higher qts (the next start
// fetches it again).
func TestAckHeldAfterUnstoredMessage(t *testing.T) {
	m := &Manager{ackWake: make(chan struct{}, 1)}
	m.ack(5)
	if q := m.confirmable(); q != 5 {
		t.Fatalf("confirmable %d, want 5", q)
	}
	m.holdAcks() // the message with qts 6 was not stored
	m.ack(7)
	if q := m.confirmable(); q != 5 {
		t.Fatalf("confirmable %d after an unstored message, want 5", q)
	}
	m.holdAcks() // a second failure does not move the cap
	m.ack(9)
	if q := m.confirmable(); q != 5 {
		t.Fatalf("confirmable %d, want 5", q)
	}
}
