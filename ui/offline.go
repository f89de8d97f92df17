package ui

import "fyne.io/fyne/v2/widget"

// ConnectionEvent reports that the connection to Telegram was lost (Tacit reconnects by itself) or is back.
// The first connection is not reported.
type ConnectionEvent struct{ Online bool }

func (ConnectionEvent) isEvent() {}

// offlineText is what the chat list says while the connection is lost.
const offlineText = "Connection lost: reconnecting… Messages and files wait here and go when it is back."

// newOfflineLine is the chat list's line about a lost connection, hidden while connected.
func newOfflineLine() *widget.Label {
	l := wrapped(offlineText)
	l.Importance = widget.WarningImportance
	l.Hide()
	return l
}

// showOnline shows or hides the line about a lost connection.
func (c *chatList) showOnline(online bool) {
	if online {
		c.offline.Hide()
	} else {
		c.offline.Show()
	}
	c.content.Refresh() // the line takes or gives back its room above the search
}
