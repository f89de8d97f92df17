package secret

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
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
	ct.emit(ChatClosed{Chat: c.ID, Reason: reason, HistoryDeleted: deleteHistory, Err: cause})
	return nil
}

func (ct *chatTx) wipeKeys() {
	c := &ct.c
	wipe(c.Secret)
	wipe(c.Key)
	wipe(c.PrevKey)
	wipe(c.Rekey.Secret)
	wipe(c.Rekey.NewKey)
	c.Secret, c.Key, c.PrevKey, c.PeerPublic = nil, nil, nil, nil
	c.PrevKeyFingerprint = 0
	c.Rekey = Rekey{}
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
	fp, _ := PeekFingerprint(row.Bytes)
	var key []byte
	usedNew, usedCurrent := false, false
	switch {
	case len(c.Key) > 0 && fp == c.KeyFingerprint:
		key, usedCurrent = c.Key, true
	case len(c.PrevKey) > 0 && fp == c.PrevKeyFingerprint:
		key = c.PrevKey
	case c.Rekey.State == RekeyAccepted && len(c.Rekey.NewKey) > 0 && fp == c.Rekey.NewFingerprint:
		key, usedNew = c.Rekey.NewKey, true
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
		if len(pend) == 0 || pend[0].OutSeq > c.InSeq {
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
		// Our messages below rIn reached the peer: they leave the resend store.
		if err := ct.tx.DeleteOutboxBefore(c.ID, rIn); err != nil {
			return err
		}
	}
	at := time.Unix(int64(date), 0)
	if d.Message != nil {
		return ct.applyMessage(d.Message, at, file)
	}
	return ct.applyAction(d.RandomID, d.Action, at)
}

func (ct *chatTx) applyMessage(dm *e2e.DecryptedMessage, at time.Time, file *EncryptedFile) error {
	c := &ct.c
	m := Message{ChatID: c.ID, RandomID: dm.RandomID, Kind: KindText, Date: at, Text: dm.Message,
		TTL: min(max(dm.TTL, 0), maxTTL)}
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
	if _, err := ct.tx.Message(c.ID, m.RandomID); err == nil {
		return nil // random_id already shown: never replace a message
	}
	if err := ct.tx.PutMessage(m); err != nil {
		return err
	}
	ct.emit(MessageReceived{Message: m})
	return nil
}

// ErrMedia reports an attachment that fails validation; the message is shown without it.
var ErrMedia = errors.New("secret: invalid attachment")

func mediaFromWire(mc e2e.DecryptedMessageMediaClass, file *EncryptedFile) (*Media, error) {
	var md Media
	switch v := mc.(type) {
	case *e2e.DecryptedMessageMediaPhoto:
		md = Media{Kind: MediaPhoto, MIME: "image/jpeg", Size: int64(v.Size), Key: v.Key, IV: v.Iv,
			Thumb: v.Thumb, ThumbW: v.ThumbW, ThumbH: v.ThumbH, W: v.W, H: v.H, Caption: v.Caption}
	case *e2e.DecryptedMessageMediaDocument:
		md = Media{Kind: MediaDocument, MIME: v.MimeType, Size: v.Size, Key: v.Key, IV: v.Iv,
			Thumb: v.Thumb, ThumbW: v.ThumbW, ThumbH: v.ThumbH, Caption: v.Caption}
		for _, a := range v.Attributes {
			switch a := a.(type) {
			case *e2e.DocumentAttributeFilename:
				md.Name = a.FileName
			case *e2e.DocumentAttributeImageSize:
				md.W, md.H = a.W, a.H
			}
		}
	case *e2e.DecryptedMessageMediaDocument46:
		md = Media{Kind: MediaDocument, MIME: v.MimeType, Size: int64(v.Size), Key: v.Key, IV: v.Iv,
			Thumb: v.Thumb, ThumbW: v.ThumbW, ThumbH: v.ThumbH, Caption: v.Caption}
		for _, a := range v.Attributes {
			if f, ok := a.(*e2e.DocumentAttributeFilename); ok {
				md.Name = f.FileName
			}
		}
	default:
		return nil, fmt.Errorf("%w: unsupported media %T", ErrMedia, mc)
	}
	if file == nil {
		return nil, fmt.Errorf("%w: no file attached", ErrMedia)
	}
	fk, err := ParseFileKey(md.Key, md.IV, file.KeyFingerprint)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMedia, err)
	}
	fk.Wipe()
	if md.Size < 0 || md.Size > file.Size || file.Size >= md.Size+16 {
		return nil, fmt.Errorf("%w: size does not match the encrypted file", ErrMedia)
	}
	if len(md.Thumb) > maxThumbBytes || md.ThumbW > maxThumbSide || md.ThumbH > maxThumbSide {
		md.Thumb, md.ThumbW, md.ThumbH = nil, 0, 0
	}
	md.Key, md.IV, md.Thumb = bytes.Clone(md.Key), bytes.Clone(md.IV), bytes.Clone(md.Thumb)
	md.File = *file
	return &md, nil
}

// Thumbnail limits: larger thumbnails are dropped.
const (
	maxThumbBytes = 6000
	maxThumbSide  = 100
)

func (ct *chatTx) applyAction(rid int64, act e2e.DecryptedMessageActionClass, at time.Time) error {
	c := &ct.c
	switch a := act.(type) {
	case *e2e.DecryptedMessageActionSetMessageTTL:
		ttl := min(max(a.TTLSeconds, 0), maxTTL)
		c.TTL = ttl
		m := Message{ChatID: c.ID, RandomID: rid, Kind: KindService, Date: at, ServiceTTL: ttl}
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
		m := Message{ChatID: c.ID, RandomID: rid, Kind: KindService, Date: at, Text: "screenshot"}
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

// startTimer schedules a read message's self-destruction.
func (ct *chatTx) startTimer(m *Message) {
	if m.TTL > 0 && m.ExpiresAt.IsZero() {
		m.ExpiresAt = ct.now.Add(time.Duration(m.TTL) * time.Second)
	}
}

// --- re-keying ---

func (ct *chatTx) chatPrime() (int, *big.Int) {
	return ct.c.G, new(big.Int).SetBytes(ct.c.P)
}

// startRekey begins a re-key exchange as initiator. serverRandom may be nil.
func (ct *chatTx) startRekey(serverRandom []byte) error {
	return ct.startRekeyID(serverRandom, nonZeroRandInt64())
}

func (ct *chatTx) startRekeyID(serverRandom []byte, id int64) error {
	c := &ct.c
	if c.State != StateReady {
		return ErrNotReady
	}
	if c.Rekey.State != RekeyIdle || len(c.PrevKey) > 0 {
		return ErrRekeyBusy
	}
	g, p := ct.chatPrime()
	a, ga, err := NewKeyPair(g, p, serverRandom)
	if err != nil {
		return err
	}
	defer WipeInt(a)
	c.Rekey = Rekey{State: RekeyRequested, ExchangeID: id, Secret: a.FillBytes(make([]byte, KeySize))}
	return ct.enqueueService(&e2e.DecryptedMessageActionRequestKey{ExchangeID: id, GA: ga.Bytes()})
}

// maybeRekey starts an exchange when the key has been used enough or long enough.
func (ct *chatTx) maybeRekey() error {
	c := &ct.c
	if c.State != StateReady || c.Rekey.State != RekeyIdle || len(c.PrevKey) > 0 {
		return nil
	}
	due := c.KeyUses > ct.cfg.rekeyAfterUses ||
		(c.KeyUses > 0 && !c.KeySince.IsZero() && ct.now.Sub(c.KeySince) > ct.cfg.rekeyAfterAge)
	if !due {
		return nil
	}
	return ct.startRekey(nil)
}

func (ct *chatTx) onRequestKey(a *e2e.DecryptedMessageActionRequestKey) error {
	c := &ct.c
	switch c.Rekey.State {
	case RekeyRequested:
		switch {
		case c.Rekey.ExchangeID > a.ExchangeID:
			return nil // ours wins; the peer will answer ours
		case c.Rekey.ExchangeID == a.ExchangeID:
			wipe(c.Rekey.Secret)
			c.Rekey = Rekey{}
			return nil
		}
		wipe(c.Rekey.Secret)
		c.Rekey = Rekey{} // theirs wins: answer it
	case RekeyAccepted:
		return nil // an exchange is unfinished
	}
	if len(c.PrevKey) > 0 {
		// The previous exchange is not finished on our side; the peer must wait.
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID})
	}
	g, p := ct.chatPrime()
	ga, err := ParsePublicValue(a.GA, p)
	if err != nil {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("secret: re-key refused: %w", err)})
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID})
	}
	b, gb, err := NewKeyPair(g, p, nil)
	if err != nil {
		return err
	}
	defer WipeInt(b)
	key, err := SharedKey(ga, b, p)
	if err != nil {
		return err
	}
	fp := KeyFingerprint(key)
	c.Rekey = Rekey{State: RekeyAccepted, ExchangeID: a.ExchangeID, NewKey: key, NewFingerprint: fp}
	return ct.enqueueService(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: a.ExchangeID, GB: gb.Bytes(), KeyFingerprint: fp})
}

func (ct *chatTx) onAcceptKey(a *e2e.DecryptedMessageActionAcceptKey) error {
	c := &ct.c
	if c.Rekey.State != RekeyRequested || c.Rekey.ExchangeID != a.ExchangeID {
		ct.emit(ErrorEvent{Chat: c.ID, Err: errors.New("secret: AcceptKey for an exchange we did not start ignored")})
		return nil
	}
	_, p := ct.chatPrime()
	abort := func(cause error) error {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("secret: re-key aborted: %w", cause)})
		wipe(c.Rekey.Secret)
		c.Rekey = Rekey{}
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID})
	}
	gb, err := ParsePublicValue(a.GB, p)
	if err != nil {
		return abort(err)
	}
	secretA := new(big.Int).SetBytes(c.Rekey.Secret)
	defer WipeInt(secretA)
	key, err := SharedKey(gb, secretA, p)
	if err != nil {
		return abort(err)
	}
	fp := KeyFingerprint(key)
	if fp != a.KeyFingerprint {
		wipe(key)
		return abort(ErrFingerprint)
	}
	// CommitKey still travels under the old key; everything after it uses the new one.
	if err := ct.enqueueService(&e2e.DecryptedMessageActionCommitKey{ExchangeID: a.ExchangeID, KeyFingerprint: fp}); err != nil {
		return err
	}
	wipe(c.Rekey.Secret)
	c.Rekey = Rekey{}
	ct.installKey(key, fp)
	return nil
}

// installKey makes key current, keeping the old one for messages still in flight.
func (ct *chatTx) installKey(key []byte, fp int64) {
	c := &ct.c
	wipe(c.PrevKey)
	c.PrevKey, c.PrevKeyFingerprint = c.Key, c.KeyFingerprint
	c.Key, c.KeyFingerprint = key, fp
	c.KeyUses, c.KeySince = 0, ct.now
	ct.emit(Rekeyed{Chat: c.ID, KeyFingerprint: fp})
}

// switchToNewKey adopts the key of an accepted exchange before its CommitKey arrived.
func (ct *chatTx) switchToNewKey() {
	c := &ct.c
	key := c.Rekey.NewKey
	c.Rekey.NewKey = nil
	ct.installKey(key, c.Rekey.NewFingerprint)
}

func (ct *chatTx) dropPrevKey() {
	c := &ct.c
	wipe(c.PrevKey)
	c.PrevKey, c.PrevKeyFingerprint = nil, 0
}

func (ct *chatTx) onCommitKey(a *e2e.DecryptedMessageActionCommitKey) error {
	c := &ct.c
	if c.Rekey.State != RekeyAccepted || c.Rekey.ExchangeID != a.ExchangeID || c.Rekey.NewFingerprint != a.KeyFingerprint {
		ct.emit(ErrorEvent{Chat: c.ID, Err: errors.New("secret: CommitKey for an exchange we did not accept ignored")})
		return nil
	}
	if len(c.Rekey.NewKey) > 0 {
		ct.switchToNewKey()
	}
	c.Rekey = Rekey{}
	// All of the peer's messages under the old key came before its CommitKey.
	ct.dropPrevKey()
	// Let the initiator drop the old key too.
	return ct.enqueueService(&e2e.DecryptedMessageActionNoop{})
}

func (ct *chatTx) onAbortKey(a *e2e.DecryptedMessageActionAbortKey) {
	c := &ct.c
	if c.Rekey.State == RekeyIdle || c.Rekey.ExchangeID != a.ExchangeID {
		return
	}
	if c.Rekey.State == RekeyAccepted && len(c.Rekey.NewKey) == 0 {
		return // we already saw the new key in use: the peer committed
	}
	wipe(c.Rekey.Secret)
	wipe(c.Rekey.NewKey)
	c.Rekey = Rekey{}
	ct.emit(ErrorEvent{Chat: c.ID, Err: errors.New("secret: the peer aborted the re-key")})
}
