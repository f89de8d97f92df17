package secret

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg/e2e"
)

// Layer numbers of the end-to-end schema.
const (
	// Layer is the secret chat layer Tacit speaks (the layer of gotd's tg/e2e schema).
	Layer = 144
	// MinSendLayer is the lowest layer Tacit writes into an outgoing decryptedMessageLayer.
	MinSendLayer = 73
	// MinReceiveLayer is the lowest layer an incoming message may carry (key visualisation
	// and the current message constructors exist from layer 46 on).
	MinReceiveLayer = 46
	// maxReceiveLayer bounds an incoming layer number; anything above is garbage.
	maxReceiveLayer = 1 << 16
	// initialHisLayer is the peer's layer assumed until it tells us.
	initialHisLayer = 46
	// minRandomBytes: messages with fewer random bytes must be ignored.
	minRandomBytes = 15
	// sendRandomBytes random bytes are sent (TL-encodes to exactly 32 bytes).
	sendRandomBytes = 31
)

// ErrMalformed reports a decrypted payload that is not an acceptable decryptedMessageLayer.
var ErrMalformed = errors.New("secret: malformed decrypted payload")

// Decrypted is a validated decrypted payload, normalised to the current constructors.
type Decrypted struct {
	// Sequenced is false only for a bare NotifyLayer service message (no seq numbers).
	Sequenced bool
	Layer     int
	InSeq     int // wire in_seq_no
	OutSeq    int // wire out_seq_no
	// RandomID of the inner message.
	RandomID int64
	// Exactly one of Message and Action is set.
	Message *e2e.DecryptedMessage
	Action  e2e.DecryptedMessageActionClass
}

// TooNew reports a layer newer than Tacit understands ("please update the app").
func (d Decrypted) TooNew() bool { return d.Layer > Layer }

func malformed(reason string) error { return fmt.Errorf("%w: %s", ErrMalformed, reason) }

// DecodeLayer parses a decrypted payload (the TL object inside the E2E record) with every
// TL-level check: the object is a decryptedMessageLayer consuming all bytes, with at least 15
// random bytes, a plausible layer and non-negative seq numbers. A bare decryptedMessageService
// is accepted only when its action is NotifyLayer. It never panics.
func DecodeLayer(payload []byte) (d Decrypted, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = Decrypted{}, malformed("decoder panic")
		}
	}()
	buf := &bin.Buffer{Buf: payload}
	id, err := buf.PeekID()
	if err != nil {
		return Decrypted{}, malformed("no constructor")
	}
	switch id {
	case e2e.DecryptedMessageLayerTypeID:
		var l e2e.DecryptedMessageLayer
		if err := l.Decode(buf); err != nil {
			return Decrypted{}, malformed("decode layer")
		}
		if buf.Len() != 0 {
			return Decrypted{}, malformed("trailing bytes")
		}
		if len(l.RandomBytes) < minRandomBytes {
			return Decrypted{}, malformed("too few random bytes")
		}
		if l.Layer < MinReceiveLayer || l.Layer > maxReceiveLayer {
			return Decrypted{}, malformed("layer out of range")
		}
		if l.InSeqNo < 0 || l.OutSeqNo < 0 {
			return Decrypted{}, malformed("negative seq_no")
		}
		d = Decrypted{Sequenced: true, Layer: l.Layer, InSeq: l.InSeqNo, OutSeq: l.OutSeqNo}
		if err := d.setMessage(l.Message); err != nil {
			return Decrypted{}, err
		}
		return d, nil
	case e2e.DecryptedMessageServiceTypeID, e2e.DecryptedMessageService8TypeID:
		msg, err := e2e.DecodeDecryptedMessage(buf)
		if err != nil {
			return Decrypted{}, malformed("decode service")
		}
		if buf.Len() != 0 {
			return Decrypted{}, malformed("trailing bytes")
		}
		var act e2e.DecryptedMessageActionClass
		var rid int64
		switch m := msg.(type) {
		case *e2e.DecryptedMessageService:
			act, rid = m.Action, m.RandomID
		case *e2e.DecryptedMessageService8:
			if len(m.RandomBytes) < minRandomBytes {
				return Decrypted{}, malformed("too few random bytes")
			}
			act, rid = m.Action, m.RandomID
		}
		n, ok := act.(*e2e.DecryptedMessageActionNotifyLayer)
		if !ok {
			return Decrypted{}, malformed("bare service message other than NotifyLayer")
		}
		if n.Layer < 0 || n.Layer > maxReceiveLayer {
			return Decrypted{}, malformed("layer out of range")
		}
		return Decrypted{Layer: n.Layer, RandomID: rid, Action: act}, nil
	}
	return Decrypted{}, malformed("unexpected constructor")
}

func (d *Decrypted) setMessage(m e2e.DecryptedMessageClass) error {
	switch m := m.(type) {
	case *e2e.DecryptedMessage:
		d.Message, d.RandomID = m, m.RandomID
	case *e2e.DecryptedMessage46:
		d.RandomID = m.RandomID
		d.Message = &e2e.DecryptedMessage{RandomID: m.RandomID, TTL: m.TTL, Message: m.Message,
			Media: m.Media, Entities: m.Entities, ViaBotName: m.ViaBotName, ReplyToRandomID: m.ReplyToRandomID}
	case *e2e.DecryptedMessageService:
		d.Action, d.RandomID = m.Action, m.RandomID
	case *e2e.DecryptedMessageService8:
		d.Action, d.RandomID = m.Action, m.RandomID
	default:
		return malformed("message constructor not allowed at this layer")
	}
	if d.Message != nil && d.Message.TTL < 0 {
		return malformed("negative ttl")
	}
	if d.Action == nil && d.Message == nil {
		return malformed("empty message")
	}
	return nil
}

// encodeLayer serializes a decryptedMessageLayer with fresh random bytes.
func encodeLayer(layer, inSeq, outSeq int, msg e2e.DecryptedMessageClass) ([]byte, error) {
	rb := make([]byte, sendRandomBytes)
	if _, err := rand.Read(rb); err != nil {
		return nil, fmt.Errorf("secret: random bytes: %w", err)
	}
	l := e2e.DecryptedMessageLayer{RandomBytes: rb, Layer: layer, InSeqNo: inSeq, OutSeqNo: outSeq, Message: msg}
	var buf bin.Buffer
	if err := l.Encode(&buf); err != nil {
		return nil, fmt.Errorf("secret: encode layer: %w", err)
	}
	return buf.Buf, nil
}

// sendLayer is the layer to write for a peer at hisLayer: min(Layer, hisLayer), at least MinSendLayer.
func sendLayer(hisLayer int) int {
	return max(MinSendLayer, min(Layer, hisLayer))
}
