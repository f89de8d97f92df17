package ui

// Notifications says what the desktop notification of a new message may show, as the user chose in the
// settings. It returns at once (no I/O): the window asks for every notification.
type Notifications interface {
	// Content is what a notification of a new message in a dialog of kind k shows. For a secret chat it is
	// only ever NotifyOff or NotifyHidden: neither sender nor text leaves Tacit.
	Content(k DialogKind) NotifyContent
}

// NotifyContent is what a desktop notification shows.
type NotifyContent int

// What a notification may show.
const (
	NotifyHidden NotifyContent = iota // "New message" and nothing else
	NotifyOff                         // no notification
	NotifySender                      // who wrote, but not what
	NotifyFull                        // who wrote and the start of the text
)
