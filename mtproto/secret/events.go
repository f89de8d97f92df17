package secret

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Event is something the app should show. Events of one Manager are delivered in order,
// one at a time, on a goroutine of the Manager's own; a slow handler delays later events but
// never the protocol.
type Event interface{ isEvent() }

// ChatInfo is what the app may know about a chat: no key material.
type ChatInfo struct {
	ID         ChatID
	PeerID     int64
	Originator bool
	State      ChatState
	Created    time.Time
	Layer      int // the layer used for sending (min(ours, the peer's))
	PeerLayer  int
	// NewerPeer: the peer speaks a newer layer than Tacit (PeerLayer > Layer), so some of
	// what it sends may not be shown until Tacit is updated.
	NewerPeer bool
	TTL       int
	Verified  bool
	Rekeying  bool
	// Closed says why a StateClosed chat ended (0: not recorded, for chats closed by older
	// versions); Violation names the failed security check when Closed is ClosedByProtocol.
	Closed    CloseReason
	Violation Violation
}

// Fingerprint is the key visualisation of a chat: derived from the original key, unchanged by re-keys.
type Fingerprint struct {
	KeyHash [KeyHashSize]byte
}

// Identicon returns the 12x12 colour indices (see IdenticonRGB).
func (f Fingerprint) Identicon() [12][12]uint8 { return Identicon(f.KeyHash) }

// Emoji returns the five emoji.
func (f Fingerprint) Emoji() [5]string { return Emoji(f.KeyHash) }

// Hex returns the hex text of the first 32 bytes, as the official apps print it.
func (f Fingerprint) Hex() string { return HexFingerprint(f.KeyHash) }

// CloseReason says why a chat closed. The values are stored; never renumber.
type CloseReason int

// Close reasons.
const (
	// ClosedByPeer: the other side ended the chat (or withdrew its request).
	ClosedByPeer CloseReason = iota + 1
	// ClosedByUser: the local user ended the chat or cancelled the request.
	ClosedByUser
	// ClosedByProtocol: a security check failed; the chat was discarded. Violation says
	// which (and ChatClosed.Err the details).
	ClosedByProtocol
	// ClosedLoggedOut: the account logged out on this computer (Manager.LogOut).
	ClosedLoggedOut
	// ClosedDeclinedByPeer: the person did not accept our request.
	ClosedDeclinedByPeer
	// ClosedDeclinedByUser: the local user declined the person's request.
	ClosedDeclinedByUser
)

func (r CloseReason) String() string {
	switch r {
	case 0:
		return "unknown"
	case ClosedByPeer:
		return "ended by the peer"
	case ClosedByUser:
		return "ended by the user"
	case ClosedByProtocol:
		return "security check failed"
	case ClosedLoggedOut:
		return "logged out"
	case ClosedDeclinedByPeer:
		return "declined by the peer"
	case ClosedDeclinedByUser:
		return "declined by the user"
	}
	return fmt.Sprintf("closereason(%d)", int(r))
}

// Violation names the security check whose failure closed a chat (ClosedByProtocol). The
// values are stored; never renumber.
type Violation int

// Violations.
const (
	// ViolationNone: the chat did not close for a security reason.
	ViolationNone Violation = iota
	// ViolationFingerprint: the key fingerprints of the two sides differ; someone may have
	// tampered with the key exchange.
	ViolationFingerprint
	// ViolationKeyExchange: the peer's or the server's Diffie-Hellman values are unsafe.
	ViolationKeyExchange
	// ViolationSequence: the message sequence was broken (parity, numbers going back or
	// ahead, too many missing messages): messages were replayed, reflected or lost.
	ViolationSequence
	// ViolationLayer: the peer's protocol layer went down.
	ViolationLayer
	// ViolationResend: the peer asked again for messages that never existed.
	ViolationResend
	// ViolationServer: the server answered with another chat than the one asked for.
	ViolationServer
	// ViolationOther: another check failed.
	ViolationOther
)

func (v Violation) String() string {
	switch v {
	case ViolationNone:
		return "none"
	case ViolationFingerprint:
		return "key fingerprint mismatch"
	case ViolationKeyExchange:
		return "unsafe key exchange values"
	case ViolationSequence:
		return "message sequence broken"
	case ViolationLayer:
		return "protocol layer went down"
	case ViolationResend:
		return "impossible resend request"
	case ViolationServer:
		return "server changed the chat"
	}
	return "security check failed"
}

// violationOf classifies the error that closed a chat.
func violationOf(err error) Violation {
	switch {
	case err == nil:
		return ViolationNone
	case errors.Is(err, ErrFingerprint):
		return ViolationFingerprint
	case errors.Is(err, ErrPublicValue), errors.Is(err, ErrDHParams):
		return ViolationKeyExchange
	case errors.Is(err, ErrSeqParity), errors.Is(err, ErrSeqInDecreasing), errors.Is(err, ErrSeqInAhead),
		errors.Is(err, ErrTooManyPending):
		return ViolationSequence
	case errors.Is(err, ErrLayerDecreased):
		return ViolationLayer
	case errors.Is(err, ErrBadResend):
		return ViolationResend
	case errors.Is(err, ErrChatIDMismatch):
		return ViolationServer
	}
	return ViolationOther
}

// ChatRequested: a peer asks for a secret chat; it waits for Accept or Decline.
type ChatRequested struct{ Chat ChatInfo }

// ChatWaiting: our request was sent; waiting for the peer.
type ChatWaiting struct{ Chat ChatInfo }

// ChatReady: the key exchange completed.
type ChatReady struct {
	Chat        ChatInfo
	Fingerprint Fingerprint
}

// ChatClosed: the chat can no longer be used.
type ChatClosed struct {
	Chat           ChatID
	Reason         CloseReason
	Violation      Violation // for ClosedByProtocol
	HistoryDeleted bool
	Err            error // for ClosedByProtocol: the details
}

// MessageReceived: a new incoming message (or a visible service line).
type MessageReceived struct{ Message Message }

// MessageQueued: an outgoing message was stored and waits to be sent.
type MessageQueued struct{ Message Message }

// MessageSent: the server accepted an outgoing message.
type MessageSent struct {
	Chat     ChatID
	RandomID int64
	Date     time.Time
}

// MessagesRead: the peer read our messages (their self-destruct timers started).
type MessagesRead struct {
	Chat      ChatID
	RandomIDs []int64
}

// MessagesDeleted: messages disappeared (deleted by either side, or expired).
type MessagesDeleted struct {
	Chat      ChatID
	RandomIDs []int64
	Expired   bool
}

// HistoryFlushed: the whole history of the chat was cleared.
type HistoryFlushed struct{ Chat ChatID }

// Typing: the peer is typing.
type Typing struct{ Chat ChatID }

// LayerChanged: the peer's layer changed. TooNew: the peer uses a layer Tacit does not know
// ("update Tacit to see everything").
type LayerChanged struct {
	Chat      ChatID
	PeerLayer int
	TooNew    bool
}

// TTLChanged: the chat's self-destruct timer changed (by either side).
type TTLChanged struct {
	Chat ChatID
	TTL  int
}

// Rekeyed: a re-key exchange completed; the fingerprint (visualisation) does not change.
type Rekeyed struct {
	Chat           ChatID
	KeyFingerprint int64
}

// ErrorEvent reports a non-fatal problem (a dropped message, a failed send that will be retried).
type ErrorEvent struct {
	Chat ChatID
	Err  error
}

func (ChatRequested) isEvent()   {}
func (ChatWaiting) isEvent()     {}
func (ChatReady) isEvent()       {}
func (ChatClosed) isEvent()      {}
func (MessageReceived) isEvent() {}
func (MessageQueued) isEvent()   {}
func (MessageSent) isEvent()     {}
func (MessagesRead) isEvent()    {}
func (MessagesDeleted) isEvent() {}
func (HistoryFlushed) isEvent()  {}
func (Typing) isEvent()          {}
func (LayerChanged) isEvent()    {}
func (TTLChanged) isEvent()      {}
func (Rekeyed) isEvent()         {}
func (ErrorEvent) isEvent()      {}

func chatInfo(c Chat) ChatInfo {
	his := c.HisLayer
	if his == 0 {
		his = initialHisLayer
	}
	return ChatInfo{ID: c.ID, PeerID: c.PeerID, Originator: c.Originator, State: c.State,
		Created: c.Created, Layer: sendLayer(his), PeerLayer: his, NewerPeer: his > Layer, TTL: c.TTL,
		Verified: c.Verified, Rekeying: c.Rekey.State != RekeyIdle, Closed: c.Closed, Violation: c.Violation}
}

// eventQueue delivers events in order on its own goroutine without ever blocking the sender.
type eventQueue struct {
	sink   func(Event)
	mu     sync.Mutex
	queue  []Event
	wake   chan struct{}
	done   chan struct{}
	closed bool
	muted  bool // pushes are dropped (while the account logs out)
}

func newEventQueue(sink func(Event)) *eventQueue {
	q := &eventQueue{sink: sink, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go q.run()
	return q
}

func (q *eventQueue) push(evs ...Event) {
	if q.sink == nil || len(evs) == 0 {
		return
	}
	q.mu.Lock()
	if !q.closed && !q.muted {
		q.queue = append(q.queue, evs...)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) run() {
	defer close(q.done)
	for {
		q.mu.Lock()
		batch := q.queue
		q.queue = nil
		closed := q.closed
		q.mu.Unlock()
		for _, ev := range batch {
			if q.sink != nil {
				q.sink(ev)
			}
		}
		if len(batch) == 0 {
			if closed {
				return
			}
			<-q.wake
		}
	}
}

// mute makes push drop events (on) or queue them again (off).
func (q *eventQueue) mute(on bool) {
	q.mu.Lock()
	q.muted = on
	q.mu.Unlock()
}

// drop forgets the events not yet delivered.
func (q *eventQueue) drop() {
	q.mu.Lock()
	q.queue = nil
	q.mu.Unlock()
}

// close delivers what is queued, then stops.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	<-q.done
}
