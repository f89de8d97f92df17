package ui

import "time"

// The parts of a message beyond its text, and the events that change messages already shown.

// MessageStatus is how far an outgoing message got.
type MessageStatus int

// Statuses of an outgoing message, in order.
const (
	StatusNone    MessageStatus = iota // incoming, or not known
	StatusSending                      // kept here, not yet accepted by the server (sent when it can be)
	StatusSent                         // accepted by the server: one tick
	StatusRead                         // read by the other side: two ticks
)

// Quote is the message a reply answers, as shown above the reply.
type Quote struct {
	ID     int64
	Sender string
	Text   string // its text, or what it holds ("Photo", a file name)
}

// MediaKind says what a message's media is.
type MediaKind int

// Kinds of media.
const (
	MediaFile  MediaKind = iota // a document: shown with its name and size, opened or saved
	MediaPhoto                  // a photo: shown inline, opened in the viewer
)

// Media is the photo or file of a message.
type Media struct {
	Kind          MediaKind
	Name          string // the file's name; "" for a photo without one
	MIME          string
	Size          int64 // bytes; 0 when not known
	Width, Height int   // of a photo; 0 when not known
}

// Abilities say what the user may do with one message; the application decides by the chat's rules.
type Abilities struct {
	Edit bool // change the text (own cloud messages)
	// DeleteForMe removes the message for this account only; DeleteForEveryone for every member (in a
	// secret chat: for both people).
	DeleteForMe, DeleteForEveryone bool
	Forward                        bool // cloud messages; a secret chat's text can be copied to another chat
}

// Page says which messages of a dialog History returns: the newest when Before, After and Around are all
// 0; those older than the message Before; those newer than the message After; or the message Around with
// up to Limit/2 on each side of it.
type Page struct {
	Before, After, Around int64
	Limit                 int
}

// SendOptions tune a message sent.
type SendOptions struct {
	ReplyTo int64 // the ID of the message answered; 0 for none
}

// SearchHit is a message found by Messages.Search.
type SearchHit struct {
	Dialog DialogID
	ID     int64 // the message
	Title  string
	Kind   DialogKind
	Text   string
	Date   time.Time
}

// MessageChangedEvent reports a message shown before that changed: edited, sent, read, its timer started.
// It replaces the message with the same Dialog and ID.
type MessageChangedEvent struct{ Message Message }

// MessagesDeletedEvent reports messages deleted (by either side) or expired; All says the whole history of
// the dialog was cleared.
type MessagesDeletedEvent struct {
	Dialog DialogID
	IDs    []int64
	All    bool
}

// ReadEvent reports that the other side read outgoing messages of a dialog: every one up to and including
// UpTo, or those listed in IDs.
type ReadEvent struct {
	Dialog DialogID
	UpTo   int64
	IDs    []int64
}

// TypingEvent reports that someone is typing in a dialog; it lapses after a few seconds unless repeated.
type TypingEvent struct {
	Dialog DialogID
	Who    string // the person typing
}

func (MessageChangedEvent) isEvent()  {}
func (MessagesDeletedEvent) isEvent() {}
func (ReadEvent) isEvent()            {}
func (TypingEvent) isEvent()          {}
