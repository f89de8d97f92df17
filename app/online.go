package app

import (
	"tacit/mtproto"
	"tacit/ui"
)

// connectionState takes the client's primary connection state (it runs inside the client's connection
// life cycle and must not block) and tells the window when the connection is lost and when it is back.
// The first connection is not announced: the window shows its own progress for it.
func (b *Backend) connectionState(s mtproto.ConnectionState) {
	b.mu.Lock()
	var ev *ui.ConnectionEvent
	switch {
	case s == mtproto.StateDisconnected && b.everOnline && !b.offline:
		b.offline = true
		ev = &ui.ConnectionEvent{Online: false}
	case s == mtproto.StateReady:
		b.everOnline = true
		if b.offline {
			b.offline = false
			ev = &ui.ConnectionEvent{Online: true}
		}
	}
	b.mu.Unlock()
	if ev != nil {
		b.events.publish(*ev)
	}
}
