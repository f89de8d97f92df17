package secret

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gotd/td/tg/e2e"
)

// Protocol errors that close a chat (reported in ChatClosed.Err).
var (
	ErrSeqParity       = errors.New("secret: seq_no parity violated")
	ErrSeqInDecreasing = errors.New("secret: in_seq_no decreased")
	ErrSeqInAhead      = errors.New("secret: in_seq_no ahead of our messages")
	ErrLayerDecreased  = errors.New("secret: peer layer decreased")
	ErrBadResend       = errors.New("secret: unsatisfiable Resend request")
	ErrFingerprint     = errors.New("secret: key fingerprint mismatch")
	ErrTooManyPending  = errors.New("secret: too many messages behind a gap")
	ErrChatIDMismatch  = errors.New("secret: server changed the chat id")
)

// Errors for dropped messages and refused actions.
var (
	// ErrRekeyTimedOut reports a re-key exchange given up after Options.RekeyTimeout; the
	// chat goes on with its key, and a new exchange can start.
	ErrRekeyTimedOut = errors.New("secret: the re-key exchange did not finish in time and was given up")
	// ErrRandomIDReused reports a message from the peer that reuses the random_id of a
	// message already in the chat; it is dropped.
	ErrRandomIDReused = errors.New("secret: message reuses the random_id of an earlier message")
	// ErrDropped reports an incoming message that was dropped (undecryptable or malformed).
	ErrDropped = errors.New("secret: incoming message dropped")
	// ErrNotReady reports an action on a chat that is not ready.
	ErrNotReady = errors.New("secret: chat is not ready")
	// ErrRekeyBusy reports a re-key request while another exchange is unfinished.
	ErrRekeyBusy = errors.New("secret: a re-key exchange is already in progress")
)

const (
	// maxResend is the largest range a Resend request may cover.
	maxResend = 1000
	// maxPending bounds the messages queued behind gaps.
	maxPending = 1000
	// maxTTL bounds self-destruct timers (one year).
	maxTTL = 365 * 24 * 3600
)

// effects are what a committed chat transaction asks the manager to do afterwards.
type effects struct {
	events  []Event
	resend  [][2]int // raw out_seq ranges of our messages to send again, stored bytes
	discard bool     // the chat was closed; tell the server
}

// chatTx applies protocol steps to one chat inside one storage transaction. It does no I/O.
type chatTx struct {
	tx  Tx
	c   Chat
	now time.Time
	cfg *config
	fx  *effects
}

type config struct {
	rekeyAfterUses int
	rekeyAfterAge  time.Duration
	rekeyTimeout   time.Duration
	resendRetry    time.Duration
	newChatTTL     func() int // Options.NewChatTTL; nil: none
}

// resendMaxRetry bounds the wait between repeats of a Resend.
const resendMaxRetry = 10 * time.Minute

// resendBackoff is the wait before the Resend of an open gap is asked again, after tries
// repeats: cfg.resendRetry, doubling with each repeat, at most resendMaxRetry.
func (cfg *config) resendBackoff(tries int) time.Duration {
	d := min(cfg.resendRetry, resendMaxRetry)
	if d <= 0 {
		d = resendMaxRetry
	}
	for range tries {
		d *= 2
		if d >= resendMaxRetry {
			return resendMaxRetry
		}
	}
	return d
}

func (ct *chatTx) emit(ev ...Event) { ct.fx.events = append(ct.fx.events, ev...) }

// xSeq is 0 for the chat's originator and 1 for the other side.
func (ct *chatTx) xSeq() int {
	if ct.c.Originator {
		return 0
	}
	return 1
}

func randInt64() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("secret: crypto/rand failed: %v", err))
	}
	return int64(binary.LittleEndian.Uint64(b[:]))
}

// nonZeroRandInt64 returns a random id that is never 0.
func nonZeroRandInt64() int64 {
	for {
		if v := randInt64(); v != 0 {
			return v
		}
	}
}

func wipe(b []byte) { clear(b) }

// enqueue assigns the next seq numbers to msg, encrypts it once with the current key and stores
// the ciphertext in the outbox. service selects messages.sendEncryptedService.
func (ct *chatTx) enqueue(msg e2e.DecryptedMessageClass, randomID int64, service bool, file *OutboxFile) (OutboxMessage, error) {
	c := &ct.c
	if c.State != StateReady || len(c.Key) == 0 {
		return OutboxMessage{}, ErrNotReady
	}
	in := 2*c.InSeq + ct.xSeq()
	out := 2*c.OutSeq + (1 - ct.xSeq())
	payload, err := encodeLayer(sendLayer(c.HisLayer), in, out, msg)
	if err != nil {
		return OutboxMessage{}, err
	}
	wire, err := Seal(c.Key, c.Originator, payload)
	wipe(payload)
	if err != nil {
		return OutboxMessage{}, fmt.Errorf("secret: seal: %w", err)
	}
	o := OutboxMessage{ChatID: c.ID, OutSeq: c.OutSeq, InSeq: c.InSeq, RandomID: randomID, Bytes: wire, Service: service, File: file}
	if err := ct.tx.PutOutbox(o); err != nil {
		return OutboxMessage{}, fmt.Errorf("secret: store outbox: %w", err)
	}
	c.OutSeq++
	c.KeyUses++
	return o, nil
}

// enqueueService sends a protocol-internal action.
func (ct *chatTx) enqueueService(act e2e.DecryptedMessageActionClass) error {
	rid := nonZeroRandInt64()
	_, err := ct.enqueue(&e2e.DecryptedMessageService{RandomID: rid, Action: act}, rid, true, nil)
	return err
}

// enqueueVisibleService sends a user-facing service action with messages.sendEncrypted.
func (ct *chatTx) enqueueVisibleService(rid int64, act e2e.DecryptedMessageActionClass) error {
	_, err := ct.enqueue(&e2e.DecryptedMessageService{RandomID: rid, Action: act}, rid, false, nil)
	return err
}

// close ends the chat: keys wiped, queued rows removed, the server to be told.
func (ct *chatTx) close(reason CloseReason, cause error, deleteHistory, tellServer bool) error {
	c := &ct.c
	if c.State == StateClosed {
		return nil
	}
	ct.wipeKeys()
	c.State = StateClosed
	c.Closed, c.Violation = reason, ViolationNone
	if reason == ClosedByProtocol {
		c.Violation = violationOf(cause)
	}
	c.ResendNext, c.ResendTries = time.Time{}, 0
	if tellServer {
		c.DiscardPending = true
		c.DiscardDeleteHistory = deleteHistory
		ct.fx.discard = true
	}
	in, err := ct.tx.Inbox(c.ID)
	if err != nil {
		return err
	}
	for _, m := range in {
		if err := ct.tx.DeleteInbox(m.Seq); err != nil {
			return err
		}
	}
	pend, err := ct.tx.Pending(c.ID)
	if err != nil {
		return err
	}
	for _, p := range pend {
		if err := ct.tx.DeletePending(c.ID, p.OutSeq); err != nil {
			return err
		}
	}
	if err := ct.tx.DeleteOutboxBefore(c.ID, math.MaxInt); err != nil {
		return err
	}
	if deleteHistory {
		if err := ct.tx.DeleteMessages(c.ID); err != nil {
			return err
		}
	}
	ct.emit(ChatClosed{Chat: c.ID, Reason: reason, Violation: c.Violation, HistoryDeleted: deleteHistory, Err: cause})
	return nil
}

func (ct *chatTx) wipeKeys() {
	c := &ct.c
	wipe(c.Secret)
	wipe(c.Key)
	wipe(c.PrevKey)
	wipe(c.Rekey.Secret)
	wipe(c.Rekey.NewKey)
	wipe(c.OrphanKey)
	c.Secret, c.Key, c.PrevKey, c.PeerPublic = nil, nil, nil, nil
	c.PrevKeyFingerprint = 0
	c.Rekey = Rekey{}
	ct.dropOrphan()
}

// dropOrphan forgets the key of a given-up exchange.
func (ct *chatTx) dropOrphan() {
	c := &ct.c
	wipe(c.OrphanKey)
	c.OrphanKey, c.OrphanFingerprint, c.OrphanExchangeID = nil, 0, 0
}

// abort closes the chat after a security check failed.
func (ct *chatTx) abort(cause error) error {
	return ct.close(ClosedByProtocol, cause, false, true)
}

// receive processes one raw inbox message of a ready chat and removes it from the inbox.
//
// Failure policy: a message that cannot be opened (unknown key fingerprint, any failure of
// Open, which reports all of them alike) or decoded, or whose inner random_id differs from the
// envelope's, is dropped and reported as an ErrorEvent; the chat goes on, so a forged
// ciphertext cannot close it. Violations of the seq_no, layer and Resend rules by a message
// that did open with the chat key close the chat (ClosedByProtocol) and discard it.
func (ct *chatTx) receive(row InboxMessage) error {
	if err := ct.tx.DeleteInbox(row.Seq); err != nil {
		return err
	}
	c := &ct.c
	fp, ok := PeekFingerprint(row.Bytes)
	if !ok {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("%w: too short", ErrDropped)})
		return nil
	}
	var key []byte
	usedNew, usedOrphan, usedCurrent := false, false, false
	switch {
	case len(c.Key) > 0 && fp == c.KeyFingerprint:
		key, usedCurrent = c.Key, true
	case len(c.PrevKey) > 0 && fp == c.PrevKeyFingerprint:
		key = c.PrevKey
	case c.Rekey.State == RekeyAccepted && len(c.Rekey.NewKey) > 0 && fp == c.Rekey.NewFingerprint:
		key, usedNew = c.Rekey.NewKey, true
	case len(c.OrphanKey) > 0 && fp == c.OrphanFingerprint:
		key, usedOrphan = c.OrphanKey, true
	default:
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("%w: unknown key fingerprint", ErrDropped)})
		return nil
	}
	payload, err := Open(key, !c.Originator, row.Bytes)
	if err != nil {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("%w: %v", ErrDropped, err)})
		return nil
	}
	defer wipe(payload)
	d, err := DecodeLayer(payload)
	if err != nil {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("%w: %v", ErrDropped, err)})
		return nil
	}
	if d.RandomID != row.RandomID {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("%w: random_id differs from the envelope's", ErrDropped)})
		return nil
	}
	if usedNew {
		// The peer committed the re-key and already uses the new key (its CommitKey may
		// still be on the way): switch now, keep the old key for messages in flight.
		ct.switchToNewKey()
		usedCurrent = true
	}
	if usedOrphan {
		// The peer committed an exchange we had given up: it is the chat's key after all.
		ct.switchToOrphan()
		usedCurrent = true
	}
	if usedCurrent {
		c.KeyUses++
	}
	if !d.Sequenced {
		ct.updateHisLayer(d.Layer)
		return nil
	}
	return ct.receiveSequenced(d, row.Date, row.File, fp)
}

// receiveSequenced applies the seq_no rules to a message decrypted with the key whose
// fingerprint is keyFP.
func (ct *chatTx) receiveSequenced(d Decrypted, date int, file *EncryptedFile, keyFP int64) error {
	c := &ct.c
	x := ct.xSeq()
	if d.InSeq%2 != 1-x || d.OutSeq%2 != x {
		return ct.abort(ErrSeqParity)
	}
	rOut := d.OutSeq / 2
	if rOut < c.InSeq {
		return nil // duplicate or replay: dropped without looking at the content
	}
	pend, err := ct.tx.Pending(c.ID)
	if err != nil {
		return err
	}
	for _, p := range pend {
		if p.OutSeq == rOut {
			return nil // already queued
		}
	}
	// A Resend request is honoured on receipt, even out of order, and only once: its
	// queued copy is a no-op when applied.
	if r, ok := d.Action.(*e2e.DecryptedMessageActionResend); ok {
		if err := ct.handleResend(r); err != nil || c.State == StateClosed {
			return err
		}
	}
	if rOut > c.InSeq {
		if len(pend) >= maxPending {
			return ct.abort(ErrTooManyPending)
		}
		var buf []byte
		if buf, err = reencodeDecrypted(d); err != nil {
			return err
		}
		if err := ct.tx.PutPending(PendingMessage{ChatID: c.ID, OutSeq: rOut, Date: date, Payload: buf, File: file}); err != nil {
			return err
		}
		// One Resend per hole: numbers up to ResendUpTo are requested or queued already.
		from := max(c.InSeq, c.ResendUpTo+1)
		to := rOut - 1
		c.ResendUpTo = max(c.ResendUpTo, rOut)
		if from <= to {
			if c.ResendNext.IsZero() {
				// The first hole of a gap: asked again later if it stays open.
				c.ResendNext, c.ResendTries = ct.now.Add(ct.cfg.resendBackoff(0)), 0
			}
			return ct.enqueueService(&e2e.DecryptedMessageActionResend{StartSeqNo: 2*from + x, EndSeqNo: 2*to + x})
		}
		return nil
	}
	if err := ct.applyInOrder(d, date, file); err != nil || c.State == StateClosed {
		return err
	}
	if len(c.PrevKey) > 0 && keyFP == c.KeyFingerprint && keyFP != c.PrevKeyFingerprint {
		// A message under the current key, applied in order: every message of the peer
		// before it is processed, so the old key is done. (keyFP is compared after applying
		// the message, which may itself have switched keys.)
		ct.dropPrevKey()
	}
	return ct.drainPending()
}

// reencodeDecrypted keeps the validated payload of a queued message. The payload bytes are
// wiped by the caller, so the layer is serialized again.
func reencodeDecrypted(d Decrypted) ([]byte, error) {
	var msg e2e.DecryptedMessageClass
	if d.Message != nil {
		msg = d.Message
	} else {
		msg = &e2e.DecryptedMessageService{RandomID: d.RandomID, Action: d.Action}
	}
	return encodeLayer(d.Layer, d.InSeq, d.OutSeq, msg)
}

func (ct *chatTx) drainPending() error {
	c := &ct.c
	for c.State == StateReady {
		pend, err := ct.tx.Pending(c.ID)
		if err != nil {
			return err
		}
		if len(pend) == 0 {
			c.ResendNext, c.ResendTries = time.Time{}, 0 // no gap left
			return nil
		}
		if pend[0].OutSeq > c.InSeq {
			return nil
		}
		p := pend[0]
		if err := ct.tx.DeletePending(c.ID, p.OutSeq); err != nil {
			return err
		}
		if p.OutSeq < c.InSeq {
			continue
		}
		d, err := DecodeLayer(p.Payload)
		if err != nil {
			return fmt.Errorf("secret: queued message: %w", err)
		}
		if err := ct.applyInOrder(d, p.Date, p.File); err != nil {
			return err
		}
	}
	return nil
}

func (ct *chatTx) handleResend(r *e2e.DecryptedMessageActionResend) error {
	c := &ct.c
	// The peer asks for our messages with wire out_seq_no in [start, end].
	px := 1 - ct.xSeq() // parity of our out_seq_no
	if r.StartSeqNo < 0 || r.EndSeqNo < r.StartSeqNo || r.StartSeqNo%2 != px || r.EndSeqNo%2 != px {
		return ct.abort(ErrBadResend)
	}
	from, to := r.StartSeqNo/2, r.EndSeqNo/2
	if to-from+1 > maxResend || to >= c.OutSeq {
		return ct.abort(ErrBadResend)
	}
	stored, err := ct.tx.Outbox(c.ID, from, to)
	if err != nil {
		return err
	}
	if len(stored) != to-from+1 {
		return ct.abort(ErrBadResend)
	}
	ct.fx.resend = append(ct.fx.resend, [2]int{from, to})
	return nil
}

func (ct *chatTx) updateHisLayer(layer int) {
	c := &ct.c
	if layer > c.HisLayer {
		c.HisLayer = layer
		ct.emit(LayerChanged{Chat: c.ID, PeerLayer: layer, TooNew: layer > Layer})
	}
}

// applyInOrder applies the peer's next message (raw out_seq_no == InSeq).
func (ct *chatTx) applyInOrder(d Decrypted, date int, file *EncryptedFile) error {
	c := &ct.c
	rIn := d.InSeq / 2
	if rIn < c.HisIn {
		return ct.abort(ErrSeqInDecreasing)
	}
	if rIn > c.OutSeq {
		return ct.abort(ErrSeqInAhead)
	}
	if d.Layer < c.HisMessageLayer {
		return ct.abort(ErrLayerDecreased)
	}
	c.HisMessageLayer = d.Layer
	ct.updateHisLayer(d.Layer)
	c.InSeq++
	if rIn > c.HisIn {
		c.HisIn = rIn
		if err := ct.acknowledged(rIn); err != nil {
			return err
		}
	}
	at := time.Unix(int64(date), 0)
	if d.Message != nil {
		return ct.applyMessage(d.Message, at, file)
	}
	return ct.applyAction(d.RandomID, d.Action, at)
}

// acknowledged handles the peer's report that our messages with raw out_seq_no below rIn
// reached it: they leave the resend store, and one whose send we never saw confirmed (the
// answer was lost, or Tacit stopped before recording it) is sent all the same: the peer has it.
func (ct *chatTx) acknowledged(rIn int) error {
	c := &ct.c
	outs, err := ct.tx.Outbox(c.ID, 0, rIn-1)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if o.Sent {
			continue
		}
		msg, err := ct.tx.Message(c.ID, o.RandomID)
		if errors.Is(err, ErrNotFound) {
			continue // a service message, or one deleted since
		}
		if err != nil {
			return err
		}
		if !msg.Out || msg.Sent {
			continue
		}
		msg.Sent = true
		if err := ct.tx.PutMessage(msg); err != nil {
			return err
		}
		ct.emit(MessageSent{Chat: c.ID, RandomID: msg.RandomID, Date: msg.Date})
	}
	return ct.tx.DeleteOutboxBefore(c.ID, rIn)
}

func (ct *chatTx) applyMessage(dm *e2e.DecryptedMessage, at time.Time, file *EncryptedFile) error {
	c := &ct.c
	m := Message{ChatID: c.ID, RandomID: dm.RandomID, Kind: KindText, Date: at, Text: dm.Message,
		TTL: min(max(dm.TTL, 0), maxTTL)}
	m.ReplyTo, _ = dm.GetReplyToRandomID()
	if dm.Media != nil {
		if _, empty := dm.Media.(*e2e.DecryptedMessageMediaEmpty); !empty {
			media, err := mediaFromWire(dm.Media, file)
			if err != nil {
				ct.emit(ErrorEvent{Chat: c.ID, Err: err})
			} else {
				m.Kind, m.Media = KindMedia, media
				if m.Text == "" {
					m.Text = media.Caption
				}
			}
		}
	}
	if reused, err := ct.randomIDReused(m.RandomID); reused || err != nil {
		return err // never replace a message
	}
	if err := ct.tx.PutMessage(m); err != nil {
		return err
	}
	ct.emit(MessageReceived{Message: m})
	return nil
}

// randomIDReused reports (and drops) a message from the peer whose random_id is already in
// the chat: applying it would replace what the user saw.
func (ct *chatTx) randomIDReused(rid int64) (bool, error) {
	_, err := ct.tx.Message(ct.c.ID, rid)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ct.emit(ErrorEvent{Chat: ct.c.ID, Err: fmt.Errorf("%w: %w", ErrDropped, ErrRandomIDReused)})
	return true, nil
}

func (ct *chatTx) applyAction(rid int64, act e2e.DecryptedMessageActionClass, at time.Time) error {
	c := &ct.c
	switch a := act.(type) {
	case *e2e.DecryptedMessageActionSetMessageTTL:
		if reused, err := ct.randomIDReused(rid); reused || err != nil {
			return err
		}
		ttl := min(max(a.TTLSeconds, 0), maxTTL)
		c.TTL = ttl
		m := Message{ChatID: c.ID, RandomID: rid, Kind: KindService, Date: at, Action: ActionSetTTL, ServiceTTL: ttl}
		if err := ct.tx.PutMessage(m); err != nil {
			return err
		}
		ct.emit(TTLChanged{Chat: c.ID, TTL: ttl}, MessageReceived{Message: m})
	case *e2e.DecryptedMessageActionReadMessages:
		var read []int64
		for _, id := range a.RandomIDs {
			m, err := ct.tx.Message(c.ID, id)
			if err != nil || !m.Out || m.Read {
				continue
			}
			m.Read = true
			ct.startTimer(&m)
			if err := ct.tx.PutMessage(m); err != nil {
				return err
			}
			read = append(read, id)
		}
		if len(read) > 0 {
			ct.emit(MessagesRead{Chat: c.ID, RandomIDs: read})
		}
	case *e2e.DecryptedMessageActionDeleteMessages:
		var gone []int64
		for _, id := range a.RandomIDs {
			if _, err := ct.tx.Message(c.ID, id); err != nil {
				continue
			}
			if err := ct.tx.DeleteMessage(c.ID, id); err != nil {
				return err
			}
			gone = append(gone, id)
		}
		if len(gone) > 0 {
			ct.emit(MessagesDeleted{Chat: c.ID, RandomIDs: gone})
		}
	case *e2e.DecryptedMessageActionFlushHistory:
		if err := ct.tx.DeleteMessages(c.ID); err != nil {
			return err
		}
		ct.emit(HistoryFlushed{Chat: c.ID})
	case *e2e.DecryptedMessageActionScreenshotMessages:
		if reused, err := ct.randomIDReused(rid); reused || err != nil {
			return err
		}
		m := Message{ChatID: c.ID, RandomID: rid, Kind: KindService, Date: at, Action: ActionScreenshot,
			ActionIDs: slices.Clone(a.RandomIDs[:min(len(a.RandomIDs), maxActionIDs)])}
		if err := ct.tx.PutMessage(m); err != nil {
			return err
		}
		ct.emit(MessageReceived{Message: m})
	case *e2e.DecryptedMessageActionNotifyLayer:
		if a.Layer >= 0 && a.Layer <= maxReceiveLayer {
			ct.updateHisLayer(a.Layer)
		}
	case *e2e.DecryptedMessageActionTyping:
		ct.emit(Typing{Chat: c.ID})
	case *e2e.DecryptedMessageActionResend, *e2e.DecryptedMessageActionNoop:
		// Resend was handled on receipt.
	case *e2e.DecryptedMessageActionRequestKey:
		return ct.onRequestKey(a)
	case *e2e.DecryptedMessageActionAcceptKey:
		return ct.onAcceptKey(a)
	case *e2e.DecryptedMessageActionCommitKey:
		return ct.onCommitKey(a)
	case *e2e.DecryptedMessageActionAbortKey:
		ct.onAbortKey(a)
	}
	return nil
}

// maxActionIDs bounds the random ids a screenshot notice keeps.
const maxActionIDs = 1000

// startTimer schedules a read message's self-destruction.
func (ct *chatTx) startTimer(m *Message) {
	if m.TTL > 0 && m.ExpiresAt.IsZero() {
		m.ExpiresAt = ct.now.Add(time.Duration(m.TTL) * time.Second)
	}
}
