package secret

import (
	"bytes"
	"encoding/binary"
	"math/big"
	"testing"

	"github.com/gotd/td/tg/e2e"
)

// FuzzDecryptedMessage builds every kind of decrypted message the peer can
// send (each service action, each media kind, plain text) from the input's
// fields, seals it with the chat key under seq numbers near the expected
// ones, and hands it to the receiving end, which may first be in the middle
// of a re-key. Random bytes rarely form a valid TL object, so this target
// reaches the handlers of every action that FuzzReceive, fed raw payloads,
// seldom does. The receiving chat must stay consistent whatever arrives.
func FuzzDecryptedMessage(f *testing.F) {
	for kind := range uint8(fuzzKinds) {
		f.Add(kind, uint8(0), int8(0), int64(5), int64(0), int32(3), []byte{2}, "text", false)
	}
	big := bytes.Repeat([]byte{0x5a}, KeySize)                                              // a valid public value
	f.Add(uint8(7), uint8(0), int8(0), int64(4), int64(0), int32(0), big, "", false)        // RequestKey
	f.Add(uint8(8), uint8(1), int8(0), int64(0), int64(0), int32(0), big, "", true)         // AcceptKey for our exchange
	f.Add(uint8(9), uint8(2), int8(0), int64(0), int64(0), int32(0), []byte{}, "", true)    // CommitKey for the one we accepted
	f.Add(uint8(10), uint8(2), int8(0), int64(0), int64(0), int32(0), []byte{}, "", true)   // AbortKey
	f.Add(uint8(13), uint8(0), int8(0), int64(0), int64(0), int32(64), []byte{}, "f", true) // document
	f.Add(uint8(1), uint8(0), int8(2), int64(0), int64(0), int32(0), []byte{}, "", true)    // read ahead of a gap
	f.Fuzz(func(t *testing.T, kind, prep uint8, seqShift int8, x, y int64, n int32, data []byte, text string, own bool) {
		a, b := newEnds(t)
		// b has sent two messages (their ids are what Read/Delete/Screenshot
		// name when own is set) and a has received them.
		var mine []int64
		for _, s := range []string{"b0", "b1"} {
			o := b.send(s)
			a.deliver(o)
			mine = append(mine, o.RandomID)
		}
		exchange := x
		switch prep % 3 {
		case 1: // b asked for a new key
			b.run(func(ct *chatTx) error { return ct.startRekeyID(nil, exchange) })
		case 2: // b answered a's request for a new key
			rid, wire := a.craftNext(&e2e.DecryptedMessageService{RandomID: nonZeroRandInt64(),
				Action: &e2e.DecryptedMessageActionRequestKey{ExchangeID: exchange, GA: fuzzPublic(a)}})
			b.deliverRaw(rid, wire)
			a.advanceOut()
		}
		before := b.chat()

		ids := randomIDs(data)
		if own {
			ids = append(ids, mine...)
		}
		msg, file := fuzzMessage(t, b, kind, x, y, n, data, text, ids)
		in, out := a.nextSeq()
		out += 2 * int(seqShift)
		rid, wire := a.craft(in, out, Layer, 15, msg)
		b.run(func(ct *chatTx) error {
			row := InboxMessage{ChatID: testChat, RandomID: rid, Date: 100, Bytes: wire, File: file}
			seq, err := ct.tx.PutInbox(row)
			if err != nil {
				return err
			}
			row.Seq = seq
			return ct.receive(row)
		})

		c := b.chat()
		switch c.State {
		case StateReady:
			if len(c.Key) != KeySize || KeyFingerprint(c.Key) != c.KeyFingerprint {
				t.Fatalf("key of %d bytes, fingerprint %x for %x", len(c.Key), c.KeyFingerprint, KeyFingerprint(c.Key))
			}
			if c.KeyHash != before.KeyHash {
				t.Fatal("the key picture changed")
			}
			if c.InSeq > before.InSeq+1 {
				t.Fatalf("one message advanced in_seq from %d to %d", before.InSeq, c.InSeq)
			}
			// The chat still works: b can write.
			b.send("after")
		case StateClosed:
			if len(c.Key) != 0 || len(c.PrevKey) != 0 || len(c.Rekey.Secret) != 0 || len(c.Rekey.NewKey) != 0 {
				t.Fatal("closed chat keeps key material")
			}
		default:
			t.Fatalf("state %v", c.State)
		}
	})
}

// fuzzKinds is how many message kinds fuzzMessage builds.
const fuzzKinds = 20

// fuzzMessage builds message kind k from the fuzz fields. It may attach an
// encrypted file reference (for media).
func fuzzMessage(t *testing.T, b *end, k uint8, x, y int64, n int32, data []byte, text string, ids []int64) (e2e.DecryptedMessageClass, *EncryptedFile) {
	rid := nonZeroRandInt64()
	service := func(act e2e.DecryptedMessageActionClass) e2e.DecryptedMessageClass {
		return &e2e.DecryptedMessageService{RandomID: rid, Action: act}
	}
	file := &EncryptedFile{ID: x, AccessHash: y, Size: int64(n), DCID: 2, KeyFingerprint: int32(y)}
	half := len(data) / 2
	key, iv := data[:half], data[half:]
	switch k % fuzzKinds {
	case 0:
		return service(&e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: int(n)}), nil
	case 1:
		return service(&e2e.DecryptedMessageActionReadMessages{RandomIDs: ids}), nil
	case 2:
		return service(&e2e.DecryptedMessageActionDeleteMessages{RandomIDs: ids}), nil
	case 3:
		return service(&e2e.DecryptedMessageActionScreenshotMessages{RandomIDs: ids}), nil
	case 4:
		return service(&e2e.DecryptedMessageActionFlushHistory{}), nil
	case 5:
		return service(&e2e.DecryptedMessageActionResend{StartSeqNo: int(x), EndSeqNo: int(y)}), nil
	case 6:
		return service(&e2e.DecryptedMessageActionNotifyLayer{Layer: int(n)}), nil
	case 7:
		return service(&e2e.DecryptedMessageActionRequestKey{ExchangeID: x, GA: data}), nil
	case 8:
		// AcceptKey: y == 0 means "the fingerprint that matches g_b", so
		// that valid public values get as far as a new key.
		fp := y
		if fp == 0 {
			fp = fingerprintWith(data, new(big.Int).SetBytes(b.chat().Rekey.Secret), fuzzPrime)
		}
		return service(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: x, GB: data, KeyFingerprint: fp}), nil
	case 9:
		fp := y
		if fp == 0 {
			fp = b.chat().Rekey.NewFingerprint
		}
		return service(&e2e.DecryptedMessageActionCommitKey{ExchangeID: x, KeyFingerprint: fp}), nil
	case 10:
		return service(&e2e.DecryptedMessageActionAbortKey{ExchangeID: x}), nil
	case 11:
		return service(&e2e.DecryptedMessageActionNoop{}), nil
	case 12:
		return service(&e2e.DecryptedMessageActionTyping{Action: &e2e.SendMessageTypingAction{}}), nil
	case 13:
		doc := &e2e.DecryptedMessageMediaDocument{MimeType: text, Size: int64(n), Key: key, Iv: iv, Thumb: data,
			ThumbW: int(x), ThumbH: int(y), Caption: text,
			Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: text}, &e2e.DocumentAttributeImageSize{W: int(n), H: int(x)}}}
		return fuzzWithMedia(rid, text, doc, x), file
	case 14:
		photo := &e2e.DecryptedMessageMediaPhoto{Thumb: data, ThumbW: int(n), ThumbH: int(n), W: int(x), H: int(y), Size: int(n), Key: key, Iv: iv, Caption: text}
		return fuzzWithMedia(rid, text, photo, x), file
	case 15:
		doc := &e2e.DecryptedMessageMediaDocument46{MimeType: text, Size: int(n), Key: key, Iv: iv, Thumb: data,
			Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: text}}}
		return fuzzWithMedia(rid, text, doc, x), file
	case 16:
		return fuzzWithMedia(rid, text, &e2e.DecryptedMessageMediaWebPage{URL: text}, x), nil
	case 17:
		return fuzzWithMedia(rid, text, &e2e.DecryptedMessageMediaContact{PhoneNumber: text, UserID: int(n)}, x), nil
	case 18:
		m := &e2e.DecryptedMessage{RandomID: rid, TTL: int(n), Message: text}
		m.SetReplyToRandomID(x)
		m.SetEntities([]e2e.MessageEntityClass{&e2e.MessageEntityBold{Offset: int(x), Length: int(n)},
			&e2e.MessageEntityMentionName{Offset: int(y), Length: int(n), UserID: int(x)}})
		return m, nil
	default:
		return &e2e.DecryptedMessage{RandomID: rid, TTL: int(n), Message: text}, nil
	}
}

func fuzzWithMedia(rid int64, text string, md e2e.DecryptedMessageMediaClass, x int64) e2e.DecryptedMessageClass {
	m := &e2e.DecryptedMessage{RandomID: rid, Message: text}
	m.SetMedia(md)
	if x&1 == 1 {
		m.SetGroupedID(x)
	}
	return m
}

// randomIDs reads data as little-endian int64s.
func randomIDs(data []byte) []int64 {
	var ids []int64
	for len(data) >= 8 {
		ids = append(ids, int64(binary.LittleEndian.Uint64(data)))
		data = data[8:]
	}
	return ids
}

// fuzzPublic is a valid g_a for a re-key request from e.
func fuzzPublic(e *end) []byte {
	c := e.chat()
	_, ga, err := NewKeyPair(c.G, new(big.Int).SetBytes(c.P), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return ga.Bytes()
}

// craftNext crafts msg under e's next seq numbers.
func (e *end) craftNext(msg e2e.DecryptedMessageClass) (int64, []byte) {
	in, out := e.nextSeq()
	return e.craft(in, out, Layer, 15, msg)
}

// advanceOut counts a crafted message as sent by e.
func (e *end) advanceOut() {
	e.run(func(ct *chatTx) error {
		ct.c.OutSeq++
		return nil
	})
}
