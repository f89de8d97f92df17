package secret

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned by Tx getters when the requested record does not exist.
var ErrNotFound = errors.New("secret: not found")

// ChatID is the identifier of a secret chat (TL int: 32 bits).
type ChatID int32

// ChatState is the life-cycle state of a secret chat.
type ChatState int

// Chat states.
const (
	// StateRequested: the peer asked for a chat; the local user has not decided yet.
	StateRequested ChatState = iota + 1
	// StateAccepting: the local user accepted; acceptEncryption was (or is about to be) called.
	StateAccepting
	// StateWaiting: we asked the peer (requestEncryption); waiting for the peer to accept.
	StateWaiting
	// StateReady: the key exchange is complete; messages flow.
	StateReady
	// StateClosed: declined, discarded or aborted. Keys are wiped.
	StateClosed
)

func (s ChatState) String() string {
	switch s {
	case StateRequested:
		return "requested"
	case StateAccepting:
		return "accepting"
	case StateWaiting:
		return "waiting"
	case StateReady:
		return "ready"
	case StateClosed:
		return "closed"
	}
	return "unknown"
}

// RekeyState is the state of a re-key (perfect forward secrecy) exchange.
type RekeyState int

// Re-key states.
const (
	// RekeyIdle: no exchange in progress.
	RekeyIdle RekeyState = iota
	// RekeyRequested: we sent RequestKey and wait for AcceptKey.
	RekeyRequested
	// RekeyAccepted: we answered the peer's RequestKey with AcceptKey and wait for CommitKey
	// (or the first message encrypted with the new key).
	RekeyAccepted
)

// Rekey is the persisted state of one re-key exchange. Secret and NewKey are key material.
type Rekey struct {
	State      RekeyState
	ExchangeID int64
	// Since is when the exchange started here (our RequestKey, or our AcceptKey); an
	// exchange that does not finish within Options.RekeyTimeout is given up.
	Since time.Time
	// Secret is our DH exponent (a or b) for this exchange; wiped when the exchange ends.
	Secret []byte
	// NewKey and NewFingerprint: the key computed in state RekeyAccepted, waiting for CommitKey.
	NewKey         []byte
	NewFingerprint int64
}

// Chat is the persisted state of one secret chat. Fields holding key material are
// Secret, Key, PrevKey, Rekey.Secret and Rekey.NewKey: an implementation that encrypts
// records must treat them (and indeed the whole record) as secret.
type Chat struct {
	ID         ChatID
	AccessHash int64
	PeerID     int64 // the other user's id
	Originator bool  // true when the local user created the chat (admin_id)
	State      ChatState
	Created    time.Time // when the request was made or received

	// Diffie-Hellman parameters used by this chat (also for its re-keys).
	G int
	P []byte
	// Secret is our exponent a (originator, while waiting) or nothing; wiped once the key exists.
	Secret []byte
	// PeerPublic is the peer's g_a while the chat is requested (responder side).
	PeerPublic []byte

	// Key is the current 256-byte shared key; KeyFingerprint its fingerprint.
	Key            []byte
	KeyFingerprint int64
	// PrevKey is the key replaced by the last re-key, kept until a message encrypted with
	// Key arrives (messages in flight may still use it).
	PrevKey            []byte
	PrevKeyFingerprint int64
	// KeyHash is the visualisation hash of the original key; it never changes on re-key.
	KeyHash [36]byte
	// KeyUses counts messages encrypted or decrypted with Key; KeySince is when Key came into use.
	KeyUses  int
	KeySince time.Time
	Rekey    Rekey
	// OrphanKey is the key of a re-key we accepted whose CommitKey did not come within the
	// time limit: the exchange was given up, but should the peer commit it after all (a
	// CommitKey for OrphanExchangeID, or a message under OrphanFingerprint), the chat
	// switches to it. Wiped when another key replaces the current one.
	OrphanKey         []byte
	OrphanFingerprint int64
	OrphanExchangeID  int64

	// Layers: MyLayer is the layer we announced with NotifyLayer (0 before); HisLayer is the
	// peer's layer (from NotifyLayer and message layers); HisMessageLayer is the layer field
	// of the last seq-numbered message from the peer, which must never decrease.
	MyLayer         int
	HisLayer        int
	HisMessageLayer int

	// Raw sequence counters (not wire form): InSeq = incoming messages processed,
	// OutSeq = messages created, HisIn = the peer's last reported raw in_seq_no.
	InSeq  int
	OutSeq int
	HisIn  int
	// ResendUpTo is the highest raw out_seq_no of the peer already requested with Resend or
	// queued behind a gap (-1 when none), so that one gap yields exactly one Resend.
	ResendUpTo int
	// ResendNext is when the Resend for the open gap is asked again if the gap is still
	// there (zero: no gap); ResendTries counts the repeats, each waiting twice as long.
	ResendNext  time.Time
	ResendTries int

	// TTL is the chat's default self-destruct time in seconds (0 = off).
	TTL int
	// Verified is the user's mark that the key visualisation was compared.
	Verified bool

	// DiscardPending: messages.discardEncryption still has to reach the server (durable task);
	// DiscardDeleteHistory is its delete_history flag.
	DiscardPending       bool
	DiscardDeleteHistory bool

	// Closed says why a closed chat ended (0 for chats closed before Tacit recorded it);
	// Violation which security check failed, for ClosedByProtocol.
	Closed    CloseReason
	Violation Violation
}

// KeyMaterial returns the chat's fields that hold key material (nil ones included). A
// storage that keeps records on disk uses it to tell when a write drops a key, which must
// then be made unrecoverable there too.
func (c *Chat) KeyMaterial() [][]byte {
	return [][]byte{c.Secret, c.Key, c.PrevKey, c.Rekey.Secret, c.Rekey.NewKey, c.OrphanKey}
}

// EncryptedFile is the server's reference to an encrypted file (encryptedFile).
type EncryptedFile struct {
	ID             int64
	AccessHash     int64
	Size           int64
	DCID           int
	KeyFingerprint int32
}

// InboxMessage is a raw encrypted message exactly as the server delivered it.
type InboxMessage struct {
	Seq      int64 // assigned by PutInbox, increasing in arrival order
	ChatID   ChatID
	RandomID int64
	Date     int
	Bytes    []byte
	File     *EncryptedFile
	Service  bool // encryptedMessageService
	Qts      int  // -1 when delivered through getDifference
}

// PendingMessage is a decrypted message that arrived out of order (after a gap) and waits
// for the missing ones. Payload is the serialized decryptedMessageLayer.
type PendingMessage struct {
	ChatID  ChatID
	OutSeq  int // the peer's raw out_seq_no
	Date    int
	Payload []byte
	File    *EncryptedFile
}

// OutboxFile is the file attached to an outgoing message (messages.sendEncryptedFile).
type OutboxFile struct {
	// Before the first send: the uploaded parts.
	UploadID       int64
	Parts          int
	Big            bool
	MD5            string
	KeyFingerprint int32
	// Sent is the server's file once a send succeeded; resends refer to it.
	Sent *EncryptedFile
}

// OutboxMessage is an outgoing message encrypted once, at creation, with fixed seq numbers.
// Resends send Bytes unchanged.
type OutboxMessage struct {
	ChatID   ChatID
	OutSeq   int // raw out_seq_no (our my_out when created)
	InSeq    int // raw in_seq_no it carries (needed to rewrite it with the same numbers)
	RandomID int64
	Bytes    []byte // the wire message: fingerprint || msg_key || ciphertext
	Service  bool   // sent with messages.sendEncryptedService
	File     *OutboxFile
	Sent     bool
	Date     int // server date of the first successful send
}

// MessageKind says what a Message shows.
type MessageKind int

// Message kinds.
const (
	KindText MessageKind = iota + 1
	KindMedia
	// KindService is a visible service line; Action says which.
	KindService
)

// Action is what a KindService message announces. The values are stored; never renumber.
type Action int

// Actions.
const (
	// ActionNone: not a service message.
	ActionNone Action = iota
	// ActionSetTTL: the chat's self-destruct timer was set to ServiceTTL seconds (0: off).
	ActionSetTTL
	// ActionScreenshot: the peer took a screenshot of the chat; ActionIDs names the
	// messages that were on screen, when the peer's app said.
	ActionScreenshot
)

func (a Action) String() string {
	switch a {
	case ActionNone:
		return "none"
	case ActionSetTTL:
		return "set self-destruct timer"
	case ActionScreenshot:
		return "screenshot"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// MediaKind distinguishes photos from other documents.
type MediaKind int

// Media kinds.
const (
	MediaDocument MediaKind = iota + 1
	MediaPhoto
)

// Media is the metadata of an attached file. Key and IV are the file's own key material.
type Media struct {
	Kind    MediaKind
	Name    string
	MIME    string
	Size    int64
	Key     []byte
	IV      []byte
	Thumb   []byte // JPEG thumbnail carried inside the encrypted message
	ThumbW  int
	ThumbH  int
	W, H    int
	Caption string
	File    EncryptedFile
}

// Message is a decrypted message of a secret chat, as the app shows it.
type Message struct {
	ChatID   ChatID
	RandomID int64
	Out      bool
	Kind     MessageKind
	Date     time.Time
	Text     string
	Media    *Media
	// Action is what a KindService message announces, with its data: ServiceTTL for
	// ActionSetTTL, ActionIDs (random ids of messages) for ActionScreenshot.
	Action     Action
	ServiceTTL int
	ActionIDs  []int64
	// TTL is the self-destruct time in seconds (0 = none); the timer starts when read.
	TTL  int
	Sent bool // outgoing: acknowledged by the server
	Read bool // incoming: read locally; outgoing: read by the peer
	// ExpiresAt is when the message self-destructs (zero = not scheduled).
	ExpiresAt time.Time
	// ReplyTo is the random id of the message this one answers (0 = none).
	ReplyTo int64
}

// DHConfig is the cached result of messages.getDhConfig together with the verdict of the
// (expensive) safe-prime check.
type DHConfig struct {
	Version int
	G       int
	P       []byte
	Checked bool // CheckDHParams passed for (G, P)
}

// Storage persists everything the secret chat protocol depends on. All access goes
// through transactions: either everything fn did is kept, or (fn returned an error)
// nothing of it.
type Storage interface {
	// Update runs fn in a read-write transaction.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction; writes inside it fail.
	View(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction. Values passed in and returned are copies: mutating them does not
// change the store until they are put back. Getters return ErrNotFound (possibly wrapped)
// for a missing record.
type Tx interface {
	Chat(id ChatID) (Chat, error)
	Chats() ([]Chat, error) // ordered by ID
	PutChat(c Chat) error
	// DeleteChat removes the chat and its inbox, pending, outbox and messages.
	DeleteChat(id ChatID) error

	// PutInbox stores a raw message and returns its Seq.
	PutInbox(m InboxMessage) (int64, error)
	// Inbox returns the chat's raw messages in arrival order.
	Inbox(chat ChatID) ([]InboxMessage, error)
	// InboxChats lists the chats that have inbox messages, ascending.
	InboxChats() ([]ChatID, error)
	DeleteInbox(seq int64) error

	// PutPending stores (or replaces) the queued message with (ChatID, OutSeq).
	PutPending(m PendingMessage) error
	// Pending returns the chat's queued messages ordered by OutSeq.
	Pending(chat ChatID) ([]PendingMessage, error)
	DeletePending(chat ChatID, outSeq int) error

	// PutOutbox stores (or replaces) the outgoing message with (ChatID, OutSeq).
	PutOutbox(m OutboxMessage) error
	// Outbox returns the chat's outgoing messages with from <= OutSeq <= to, ordered by OutSeq.
	Outbox(chat ChatID, from, to int) ([]OutboxMessage, error)
	// DeleteOutboxBefore removes the chat's outgoing messages with OutSeq < seq (acknowledged).
	DeleteOutboxBefore(chat ChatID, seq int) error

	// PutMessage inserts or replaces the message (ChatID, RandomID); a replaced message
	// keeps its position in the history.
	PutMessage(m Message) error
	Message(chat ChatID, randomID int64) (Message, error)
	// Messages returns the chat's history in insertion order.
	Messages(chat ChatID) ([]Message, error)
	DeleteMessage(chat ChatID, randomID int64) error
	// DeleteMessages removes the chat's whole history.
	DeleteMessages(chat ChatID) error
	// Expiring returns messages of all chats with a non-zero ExpiresAt not after t.
	Expiring(t time.Time) ([]Message, error)

	DHConfig() (DHConfig, error)
	PutDHConfig(c DHConfig) error

	// DeleteAll removes everything the storage keeps for secret chats: every chat with its
	// inbox, pending queue, outbox and history, and the cached DH configuration (and, where
	// the implementation keeps them, the history's media files and verified marks). It is
	// the local half of logging out.
	DeleteAll() error
}
