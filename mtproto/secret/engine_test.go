package secret

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tg/e2e"
)

// The engine tests drive two chat ends directly, without a Manager or network: what one side
// puts in its outbox is handed to the other side's receive, and the tests can craft any
// message with the chat key.

const testChat ChatID = 77

var telegramPrime = TelegramPrime()

type end struct {
	t      testing.TB
	store  Storage
	cfg    config
	now    time.Time
	next   int // first outbox seq not yet taken
	events []Event
}

func newEnds(t testing.TB) (a, b *end) {
	t.Helper()
	key := make([]byte, KeySize)
	_, _ = rand.Read(key)
	mk := func(originator bool) *end {
		e := &end{t: t, store: NewMemoryStorage(), cfg: config{rekeyAfterUses: math.MaxInt, rekeyAfterAge: 1 << 62}, now: time.Unix(1_800_000_000, 0)}
		c := Chat{ID: testChat, AccessHash: 5, PeerID: 9, Originator: originator, State: StateReady,
			G: 3, P: telegramPrime.Bytes(), Key: bytes.Clone(key), KeyFingerprint: KeyFingerprint(key),
			KeyHash: KeyHash(key), KeySince: e.now, MyLayer: Layer, HisLayer: Layer, ResendUpTo: -1}
		if err := e.store.Update(context.Background(), func(tx Tx) error { return tx.PutChat(c) }); err != nil {
			t.Fatal(err)
		}
		return e
	}
	return mk(true), mk(false)
}

func (e *end) run(fn func(ct *chatTx) error) *effects {
	e.t.Helper()
	fx, err := updateChat(context.Background(), e.store, testChat, e.now, &e.cfg, fn)
	if err != nil {
		e.t.Fatalf("chat update: %v", err)
	}
	e.events = append(e.events, fx.events...)
	return fx
}

func (e *end) chat() Chat {
	var c Chat
	_ = e.store.View(context.Background(), func(tx Tx) (err error) { c, err = tx.Chat(testChat); return })
	return c
}

func (e *end) history() []Message {
	var ms []Message
	_ = e.store.View(context.Background(), func(tx Tx) (err error) { ms, err = tx.Messages(testChat); return })
	return ms
}

// take returns the outbox rows created since the last take.
func (e *end) take() []OutboxMessage {
	var out []OutboxMessage
	_ = e.store.View(context.Background(), func(tx Tx) (err error) { out, err = tx.Outbox(testChat, e.next, math.MaxInt); return })
	if len(out) > 0 {
		e.next = out[len(out)-1].OutSeq + 1
	}
	return out
}

func (e *end) send(text string) OutboxMessage {
	e.t.Helper()
	e.run(func(ct *chatTx) error {
		rid := nonZeroRandInt64()
		if _, err := ct.enqueue(&e2e.DecryptedMessage{RandomID: rid, Message: text}, rid, false, nil); err != nil {
			return err
		}
		return ct.tx.PutMessage(Message{ChatID: testChat, RandomID: rid, Out: true, Kind: KindText, Text: text})
	})
	out := e.take()
	return out[len(out)-1]
}

func (e *end) deliver(o OutboxMessage) *effects {
	e.t.Helper()
	return e.deliverRaw(o.RandomID, o.Bytes)
}

func (e *end) deliverRaw(randomID int64, data []byte) *effects {
	e.t.Helper()
	return e.run(func(ct *chatTx) error {
		row := InboxMessage{ChatID: testChat, RandomID: randomID, Date: 100, Bytes: data}
		seq, err := ct.tx.PutInbox(row)
		if err != nil {
			return err
		}
		row.Seq = seq
		return ct.receive(row)
	})
}

func (e *end) texts() []string {
	var out []string
	for _, m := range e.history() {
		if !m.Out {
			out = append(out, m.Text)
		}
	}
	return out
}

// craft builds a message from e's side with arbitrary seq numbers, layer and random bytes.
func (e *end) craft(in, out, layer, randomBytes int, msg e2e.DecryptedMessageClass) (int64, []byte) {
	e.t.Helper()
	c := e.chat()
	rb := make([]byte, randomBytes)
	l := e2e.DecryptedMessageLayer{RandomBytes: rb, Layer: layer, InSeqNo: in, OutSeqNo: out, Message: msg}
	var buf bin.Buffer
	if err := l.Encode(&buf); err != nil {
		e.t.Fatal(err)
	}
	wire, err := Seal(c.Key, c.Originator, buf.Buf)
	if err != nil {
		e.t.Fatal(err)
	}
	var rid int64
	switch m := msg.(type) {
	case *e2e.DecryptedMessage:
		rid = m.RandomID
	case *e2e.DecryptedMessageService:
		rid = m.RandomID
	}
	return rid, wire
}

// wire seq numbers of e's next message.
func (e *end) nextSeq() (in, out int) {
	c := e.chat()
	x := 0
	if !c.Originator {
		x = 1
	}
	return 2*c.InSeq + x, 2*c.OutSeq + 1 - x
}

func closedWith(evs []Event, target error) bool {
	for _, ev := range evs {
		if c, ok := ev.(ChatClosed); ok && c.Reason == ClosedByProtocol && errors.Is(c.Err, target) {
			return true
		}
	}
	return false
}

func hasDropped(evs []Event) bool {
	for _, ev := range evs {
		if e, ok := ev.(ErrorEvent); ok && errors.Is(e.Err, ErrDropped) {
			return true
		}
	}
	return false
}

func svc(act e2e.DecryptedMessageActionClass) *e2e.DecryptedMessageService {
	return &e2e.DecryptedMessageService{RandomID: nonZeroRandInt64(), Action: act}
}

func text(s string) *e2e.DecryptedMessage {
	return &e2e.DecryptedMessage{RandomID: nonZeroRandInt64(), Message: s}
}

func TestEngineInOrder(t *testing.T) {
	a, b := newEnds(t)
	for _, s := range []string{"x", "y", "z"} {
		b.deliver(a.send(s))
	}
	a.deliver(b.send("back"))
	if got := b.texts(); len(got) != 3 || got[2] != "z" {
		t.Fatalf("b got %v", got)
	}
	if got := a.texts(); len(got) != 1 || got[0] != "back" {
		t.Fatalf("a got %v", got)
	}
	// b's reply acknowledged a's three messages: they left a's resend store.
	var left []OutboxMessage
	_ = a.store.View(context.Background(), func(tx Tx) (err error) { left, err = tx.Outbox(testChat, 0, math.MaxInt); return })
	if len(left) != 0 {
		t.Fatalf("%d acknowledged messages kept in the outbox", len(left))
	}
}

// 5.1.6: our own outgoing blob fed back is rejected (x differs), without effect.
func TestEngineReflectionRejected(t *testing.T) {
	a, _ := newEnds(t)
	o := a.send("mine")
	fx := a.deliver(o)
	if !hasDropped(fx.events) || a.chat().InSeq != 0 || a.chat().State != StateReady {
		t.Fatalf("reflected message not dropped cleanly: %+v", fx.events)
	}
}

// 5.1.8: random_bytes of 14 bytes, trailing bytes: dropped, the chat goes on.
func TestEngineMalformedDropped(t *testing.T) {
	a, b := newEnds(t)
	in, out := a.nextSeq()
	rid, wire := a.craft(in, out, Layer, 14, text("short random"))
	if fx := b.deliverRaw(rid, wire); !hasDropped(fx.events) {
		t.Fatalf("14 random bytes accepted")
	}
	// Trailing bytes after the TL object, inside the length.
	l := e2e.DecryptedMessageLayer{RandomBytes: make([]byte, 15), Layer: Layer, InSeqNo: in, OutSeqNo: out, Message: text("t")}
	var buf bin.Buffer
	_ = l.Encode(&buf)
	buf.PutInt32(0)
	w, _ := Seal(a.chat().Key, true, buf.Buf)
	if fx := b.deliverRaw(0, w); !hasDropped(fx.events) {
		t.Fatalf("trailing bytes accepted")
	}
	// Envelope random_id different from the inner one.
	o := a.send("ok")
	if fx := b.deliverRaw(o.RandomID+1, o.Bytes); !hasDropped(fx.events) {
		t.Fatalf("random_id mismatch accepted")
	}
	// Garbage with the right fingerprint (also what an MTProto 1.0 message looks like to us).
	junk := make([]byte, 8+16+64)
	copy(junk, o.Bytes[:8])
	_, _ = rand.Read(junk[8:])
	if fx := b.deliverRaw(0, junk); !hasDropped(fx.events) {
		t.Fatalf("junk accepted")
	}
	for _, n := range []int{0, 23, 24 + 17} {
		if fx := b.deliverRaw(0, append(bytes.Clone(o.Bytes[:8]), make([]byte, max(n-8, 0))...)[:n]); !hasDropped(fx.events) {
			t.Fatalf("length %d accepted", n)
		}
	}
	b.deliver(o)
	if got := b.texts(); len(got) != 1 || got[0] != "ok" || b.chat().State != StateReady {
		t.Fatalf("chat broken after malformed input: %v %v", got, b.chat().State)
	}
}

// 5.1.9: duplicates (r_out < my_in) of delete / flush / TTL actions have no effect.
func TestEngineDuplicateActionsIgnored(t *testing.T) {
	a, b := newEnds(t)
	b.deliver(a.send("0"))
	b.deliver(a.send("1"))
	for _, act := range []e2e.DecryptedMessageActionClass{
		&e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: 5},
		&e2e.DecryptedMessageActionFlushHistory{},
		&e2e.DecryptedMessageActionDeleteMessages{RandomIDs: []int64{b.history()[0].RandomID}},
	} {
		// Seq numbers of a's message 0: already processed.
		rid, wire := a.craft(0, 1, Layer, 15, svc(act))
		b.deliverRaw(rid, wire)
	}
	if c := b.chat(); c.TTL != 0 || c.InSeq != 2 || c.State != StateReady {
		t.Fatalf("duplicate action applied: ttl %d in %d state %v", c.TTL, c.InSeq, c.State)
	}
	if len(b.history()) != 2 {
		t.Fatalf("duplicate flush/delete applied")
	}
	// And a plain duplicate of a real message.
	o := a.send("2")
	b.deliver(o)
	b.deliver(o)
	if got := b.texts(); len(got) != 3 {
		t.Fatalf("duplicate shown: %v", got)
	}
}

// 5.1.10: a gap is queued and produces exactly one Resend with the peer's wire numbers; the
// fill is processed in order.
func TestEngineGapOneResend(t *testing.T) {
	a, b := newEnds(t)
	m := []OutboxMessage{a.send("0"), a.send("1"), a.send("2"), a.send("3"), a.send("4")}
	b.deliver(m[0])
	b.deliver(m[2])
	b.deliver(m[3])
	b.deliver(m[4])
	if got := b.texts(); len(got) != 1 {
		t.Fatalf("messages behind the gap applied early: %v", got)
	}
	out := b.take()
	if len(out) != 1 {
		t.Fatalf("b sent %d messages for one gap, want 1 Resend", len(out))
	}
	c := b.chat()
	payload, err := Open(c.Key, false, out[0].Bytes)
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeLayer(payload)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := d.Action.(*e2e.DecryptedMessageActionResend)
	// a's message 1 has wire out_seq_no 2*1+1 = 3.
	if !ok || r.StartSeqNo != 3 || r.EndSeqNo != 3 {
		t.Fatalf("resend = %#v, want [3, 3]", d.Action)
	}
	// a honours it with the stored bytes.
	fx := a.deliver(out[0])
	if len(fx.resend) != 1 || fx.resend[0] != [2]int{1, 1} {
		t.Fatalf("a's resend effect %v", fx.resend)
	}
	b.deliver(m[1])
	if got := b.texts(); len(got) != 5 || got[1] != "1" || got[4] != "4" {
		t.Fatalf("after the fill: %v", got)
	}
	if len(b.take()) != 0 {
		t.Fatalf("filling the gap sent more messages")
	}
}

// 5.1.11: parity violation, in_seq decreasing, in_seq ahead of our messages: abort.
func TestEngineSeqAborts(t *testing.T) {
	t.Run("parity", func(t *testing.T) {
		a, b := newEnds(t)
		in, out := a.nextSeq()
		rid, wire := a.craft(in+1, out, Layer, 15, text("p"))
		fx := b.deliverRaw(rid, wire)
		if !closedWith(fx.events, ErrSeqParity) || !fx.discard || b.chat().State != StateClosed || len(b.chat().Key) != 0 {
			t.Fatalf("parity violation not fatal: %+v", fx.events)
		}
	})
	t.Run("out parity", func(t *testing.T) {
		a, b := newEnds(t)
		in, out := a.nextSeq()
		rid, wire := a.craft(in, out+1, Layer, 15, text("p"))
		if fx := b.deliverRaw(rid, wire); !closedWith(fx.events, ErrSeqParity) {
			t.Fatalf("out parity violation not fatal")
		}
	})
	t.Run("in decreasing", func(t *testing.T) {
		a, b := newEnds(t)
		a.deliver(b.send("1"))
		a.deliver(b.send("2"))
		b.deliver(a.send("ack 2")) // in_seq_no reports 2 of b's messages
		rid, wire := a.craft(2*1+0, 2*1+1, Layer, 15, text("claims only 1"))
		if fx := b.deliverRaw(rid, wire); !closedWith(fx.events, ErrSeqInDecreasing) {
			t.Fatalf("decreasing in_seq_no not fatal: %+v", fx.events)
		}
	})
	t.Run("in ahead", func(t *testing.T) {
		a, b := newEnds(t)
		rid, wire := a.craft(2*5+0, 1, Layer, 15, text("acks messages b never sent"))
		if fx := b.deliverRaw(rid, wire); !closedWith(fx.events, ErrSeqInAhead) {
			t.Fatalf("in_seq_no ahead not fatal")
		}
	})
}

// 5.1.12: a decreasing layer aborts; a layer above ours is reported.
func TestEngineLayerRules(t *testing.T) {
	a, b := newEnds(t)
	rid, wire := a.craft(0, 1, Layer+5, 15, text("future"))
	fx := b.deliverRaw(rid, wire)
	tooNew := false
	for _, ev := range fx.events {
		if l, ok := ev.(LayerChanged); ok && l.TooNew && l.PeerLayer == Layer+5 {
			tooNew = true
		}
	}
	if !tooNew || b.chat().State != StateReady {
		t.Fatalf("newer layer not reported: %+v", fx.events)
	}
	rid, wire = a.craft(0, 3, 101, 15, text("older"))
	if fx := b.deliverRaw(rid, wire); !closedWith(fx.events, ErrLayerDecreased) {
		t.Fatalf("decreasing layer not fatal")
	}
	// Layers below what Tacit accepts are dropped by the decoder.
	a2, b2 := newEnds(t)
	rid, wire = a2.craft(0, 1, 23, 15, text("ancient"))
	if fx := b2.deliverRaw(rid, wire); !hasDropped(fx.events) {
		t.Fatalf("layer 23 accepted")
	}
}

// 5.1.13: Resend for an unknown range or more than 1000 messages aborts; an out-of-order
// Resend is honoured once.
func TestEngineResendRules(t *testing.T) {
	t.Run("unknown range", func(t *testing.T) {
		a, b := newEnds(t)
		b.send("only one")
		in, out := a.nextSeq()
		// b's out_seq_no are even (b did not create the chat): ask for 0..4 (3 messages).
		rid, wire := a.craft(in, out, Layer, 15, svc(&e2e.DecryptedMessageActionResend{StartSeqNo: 0, EndSeqNo: 4}))
		if fx := b.deliverRaw(rid, wire); !closedWith(fx.events, ErrBadResend) {
			t.Fatalf("unsatisfiable resend not fatal")
		}
	})
	t.Run("too long", func(t *testing.T) {
		a, b := newEnds(t)
		in, out := a.nextSeq()
		rid, wire := a.craft(in, out, Layer, 15, svc(&e2e.DecryptedMessageActionResend{StartSeqNo: 0, EndSeqNo: 2 * 1001}))
		if fx := b.deliverRaw(rid, wire); !closedWith(fx.events, ErrBadResend) {
			t.Fatalf("resend of > 1000 messages not fatal")
		}
	})
	t.Run("out of order once", func(t *testing.T) {
		a, b := newEnds(t)
		b.send("b0")
		b.send("b1")
		b.take()
		m0 := a.send("a0")
		// a's second message is a Resend of b's two messages; it arrives before m0.
		a.run(func(ct *chatTx) error {
			return ct.enqueueService(&e2e.DecryptedMessageActionResend{StartSeqNo: 0, EndSeqNo: 2})
		})
		r := a.take()[0]
		fx := b.deliver(r)
		if len(fx.resend) != 1 || fx.resend[0] != [2]int{0, 1} {
			t.Fatalf("out-of-order resend not honoured at once: %v", fx.resend)
		}
		fx = b.deliver(r) // duplicate while queued
		if len(fx.resend) != 0 {
			t.Fatalf("queued resend honoured twice")
		}
		fx = b.deliver(m0) // fills the gap, the queued Resend is applied as a no-op
		if len(fx.resend) != 0 || b.chat().InSeq != 2 {
			t.Fatalf("resend honoured again when drained (%v), in %d", fx.resend, b.chat().InSeq)
		}
	})
}

func rekeyState(e *end) Rekey { return e.chat().Rekey }

// 5.1.14: re-keying, including the concurrent-request tie-break and bad messages.
func TestEngineRekey(t *testing.T) {
	t.Run("full exchange", func(t *testing.T) {
		a, b := newEnds(t)
		kh := a.chat().KeyHash
		old := a.chat().KeyFingerprint
		a.run(func(ct *chatTx) error { return ct.startRekey(nil) })
		req := a.take()
		mid := a.send("under the old key")
		b.deliver(req[0])
		acc := b.take()
		bOld := b.send("b under the old key")
		a.deliver(acc[0]) // a commits and switches
		commit := a.take()
		if a.chat().KeyFingerprint == old || len(a.chat().PrevKey) == 0 {
			t.Fatalf("a did not switch keys")
		}
		after := a.send("under the new key")
		if fp, _ := PeekFingerprint(after.Bytes); fp != a.chat().KeyFingerprint {
			t.Fatalf("a still seals with the old key")
		}
		a.deliver(bOld) // b's message under the old key still opens
		if got := a.texts(); len(got) != 1 {
			t.Fatalf("old-key message lost during the switch: %v", got)
		}
		b.deliver(mid)
		b.deliver(commit[0])
		if b.chat().KeyFingerprint != a.chat().KeyFingerprint || len(b.chat().PrevKey) != 0 {
			t.Fatalf("b did not switch/wipe on CommitKey")
		}
		b.deliver(after)
		noop := b.take()
		a.deliver(noop[0])
		if len(a.chat().PrevKey) != 0 {
			t.Fatalf("a kept the old key after a new-key message")
		}
		if a.chat().KeyHash != kh || b.chat().KeyHash != kh {
			t.Fatalf("key visualisation changed")
		}
		if got := b.texts(); len(got) != 2 {
			t.Fatalf("b got %v", got)
		}
	})
	t.Run("new key before commit switches", func(t *testing.T) {
		a, b := newEnds(t)
		a.run(func(ct *chatTx) error { return ct.startRekey(nil) })
		b.deliver(a.take()[0])
		a.deliver(b.take()[0])
		commit := a.take()[0]
		after := a.send("new key, commit still on the way")
		b.deliver(after) // gap: CommitKey missing, but the new key is recognised
		if b.chat().KeyFingerprint != a.chat().KeyFingerprint {
			t.Fatalf("b did not switch on the first new-key message")
		}
		b.take() // its Resend
		b.deliver(commit)
		if got := b.texts(); len(got) != 1 || len(b.chat().PrevKey) != 0 || b.chat().Rekey.State != RekeyIdle {
			t.Fatalf("after the late commit: %v prev %d state %v", got, len(b.chat().PrevKey), b.chat().Rekey.State)
		}
	})
	for _, tc := range []struct {
		name      string
		aID, bID  int64
		winnerIsA bool
		bothAbort bool
	}{
		{"ours larger", 10, 5, true, false},
		{"ours smaller", 5, 10, false, false},
		{"equal", 7, 7, false, true},
	} {
		t.Run("concurrent "+tc.name, func(t *testing.T) {
			a, b := newEnds(t)
			a.run(func(ct *chatTx) error { return ct.startRekeyID(nil, tc.aID) })
			b.run(func(ct *chatTx) error { return ct.startRekeyID(nil, tc.bID) })
			ra, rb := a.take()[0], b.take()[0]
			a.deliver(rb)
			b.deliver(ra)
			outA, outB := a.take(), b.take()
			switch {
			case tc.bothAbort:
				if len(outA)+len(outB) != 0 || rekeyState(a).State != RekeyIdle || rekeyState(b).State != RekeyIdle {
					t.Fatalf("equal ids: a sent %d, b sent %d, states %v %v", len(outA), len(outB), rekeyState(a).State, rekeyState(b).State)
				}
			case tc.winnerIsA:
				if len(outA) != 0 || len(outB) != 1 || rekeyState(b).State != RekeyAccepted || rekeyState(b).ExchangeID != tc.aID {
					t.Fatalf("a's larger id did not win")
				}
				a.deliver(outB[0])
				b.deliver(a.take()[0])
			default:
				if len(outB) != 0 || len(outA) != 1 || rekeyState(a).State != RekeyAccepted || rekeyState(a).ExchangeID != tc.bID {
					t.Fatalf("b's larger id did not win")
				}
				b.deliver(outA[0])
				a.deliver(b.take()[0])
			}
			if !tc.bothAbort && (a.chat().KeyFingerprint != b.chat().KeyFingerprint || rekeyState(a).State != RekeyIdle || rekeyState(b).State != RekeyIdle) {
				t.Fatalf("exchange did not complete")
			}
		})
	}
	t.Run("accept with wrong id or fingerprint", func(t *testing.T) {
		a, b := newEnds(t)
		a.run(func(ct *chatTx) error { return ct.startRekeyID(nil, 42) })
		a.take()
		// Wrong exchange id: ignored.
		in, out := b.nextSeq()
		rid, wire := b.craft(in, out, Layer, 15, svc(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: 43, GB: big.NewInt(3).Bytes(), KeyFingerprint: 1}))
		a.deliverRaw(rid, wire)
		if rekeyState(a).State != RekeyRequested || len(a.take()) != 0 {
			t.Fatalf("AcceptKey with a wrong id had an effect")
		}
		// Right id, valid g_b, wrong fingerprint: a aborts the exchange.
		_, gb, _ := NewKeyPair(3, telegramPrime, nil)
		rid, wire = b.craft(in, out+2, Layer, 15, svc(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: 42, GB: gb.Bytes(), KeyFingerprint: 1}))
		a.deliverRaw(rid, wire)
		sent := a.take()
		if rekeyState(a).State != RekeyIdle || len(sent) != 1 || a.chat().State != StateReady {
			t.Fatalf("fingerprint mismatch: state %v, sent %d", rekeyState(a).State, len(sent))
		}
		payload, _ := Open(a.chat().Key, true, sent[0].Bytes)
		d, _ := DecodeLayer(payload)
		if ab, ok := d.Action.(*e2e.DecryptedMessageActionAbortKey); !ok || ab.ExchangeID != 42 {
			t.Fatalf("a sent %#v, want AbortKey", d.Action)
		}
	})
	t.Run("commit without accept", func(t *testing.T) {
		a, b := newEnds(t)
		old := b.chat().KeyFingerprint
		in, out := a.nextSeq()
		rid, wire := a.craft(in, out, Layer, 15, svc(&e2e.DecryptedMessageActionCommitKey{ExchangeID: 1, KeyFingerprint: 2}))
		b.deliverRaw(rid, wire)
		if b.chat().KeyFingerprint != old || b.chat().State != StateReady {
			t.Fatalf("CommitKey without AcceptKey changed the key")
		}
	})
	t.Run("bad public values", func(t *testing.T) {
		for name, v := range badPublicValues() {
			a, b := newEnds(t)
			in, out := a.nextSeq()
			rid, wire := a.craft(in, out, Layer, 15, svc(&e2e.DecryptedMessageActionRequestKey{ExchangeID: 9, GA: v}))
			b.deliverRaw(rid, wire)
			sent := b.take()
			if len(sent) != 1 || rekeyState(b).State != RekeyIdle {
				t.Fatalf("g_a %s: b state %v, sent %d", name, rekeyState(b).State, len(sent))
			}
			payload, _ := Open(b.chat().Key, false, sent[0].Bytes)
			d, _ := DecodeLayer(payload)
			if _, ok := d.Action.(*e2e.DecryptedMessageActionAbortKey); !ok {
				t.Fatalf("g_a %s: b answered %T, want AbortKey", name, d.Action)
			}
		}
	})
}

// badPublicValues are the g_a/g_b encodings of negative test 1.
func badPublicValues() map[string][]byte {
	p := telegramPrime
	one := big.NewInt(1)
	pow := new(big.Int).Lsh(one, 1984)
	return map[string][]byte{
		"0":         {0},
		"1":         {1},
		"p-1":       new(big.Int).Sub(p, one).Bytes(),
		"p":         p.Bytes(),
		"p+1":       new(big.Int).Add(p, one).Bytes(),
		"2^1984":    pow.Bytes(),
		"p-2^1984":  new(big.Int).Sub(p, pow).Bytes(),
		"257 bytes": append([]byte{1}, p.Bytes()...),
		"empty":     {},
	}
}

// 5.1.1 and 5.1.3 for the initial exchange, on the originator's side.
func TestEngineInitialExchangeChecks(t *testing.T) {
	mk := func() (*end, *big.Int) {
		e := &end{t: t, store: NewMemoryStorage(), cfg: config{rekeyAfterUses: math.MaxInt, rekeyAfterAge: 1 << 62}, now: time.Unix(1_800_000_000, 0)}
		a, _, err := NewKeyPair(3, telegramPrime, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := Chat{ID: testChat, AccessHash: 5, Originator: true, State: StateWaiting, G: 3, P: telegramPrime.Bytes(),
			Secret: a.FillBytes(make([]byte, KeySize)), ResendUpTo: -1, HisLayer: initialHisLayer}
		_ = e.store.Update(context.Background(), func(tx Tx) error { return tx.PutChat(c) })
		return e, a
	}
	for name, v := range badPublicValues() {
		e, _ := mk()
		fx := e.run(func(ct *chatTx) error {
			return ct.onEncryptedChat(&tg.EncryptedChat{ID: int(testChat), AccessHash: 5, GAOrB: v, KeyFingerprint: 1})
		})
		if !closedWith(fx.events, ErrPublicValue) || !fx.discard || len(e.chat().Secret) != 0 {
			t.Fatalf("g_b %s accepted: %+v", name, fx.events)
		}
	}
	// Fingerprint mismatch: discard and tell the user.
	e, a := mk()
	b, gb, _ := NewKeyPair(3, telegramPrime, nil)
	key, _ := SharedKey(new(big.Int).Exp(big.NewInt(3), a, telegramPrime), b, telegramPrime)
	fx := e.run(func(ct *chatTx) error {
		return ct.onEncryptedChat(&tg.EncryptedChat{ID: int(testChat), AccessHash: 5, GAOrB: gb.Bytes(), KeyFingerprint: KeyFingerprint(key) ^ 1})
	})
	if !closedWith(fx.events, ErrFingerprint) || !fx.discard {
		t.Fatalf("fingerprint mismatch not fatal: %+v", fx.events)
	}
	// The right fingerprint: ready, with the same key as the other side, NotifyLayer queued.
	e, a = mk()
	key, _ = SharedKey(new(big.Int).Exp(big.NewInt(3), a, telegramPrime), b, telegramPrime)
	fx = e.run(func(ct *chatTx) error {
		return ct.onEncryptedChat(&tg.EncryptedChat{ID: int(testChat), AccessHash: 5, GAOrB: gb.Bytes(), KeyFingerprint: KeyFingerprint(key)})
	})
	if c := e.chat(); c.State != StateReady || !bytes.Equal(c.Key, key) || c.KeyHash != KeyHash(key) || len(e.take()) != 1 {
		t.Fatalf("valid exchange not completed: %+v", fx.events)
	}
}

// 5.1.18: a shared key whose big-endian encoding is 255 bytes is left-padded; both sides agree.
func TestEngineShortSharedKeyLeftPadded(t *testing.T) {
	p := telegramPrime
	g := big.NewInt(3)
	a, ga, err := NewKeyPair(3, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, gb, err := NewKeyPair(3, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := new(big.Int).Exp(ga, b, p)
	// Step b -> b+1 (g_b *= g, key *= g_a) until the key has a leading zero byte: about 1 in 256.
	for i := 0; i < 100000 && len(k.Bytes()) != KeySize-1; i++ {
		b.Add(b, big.NewInt(1))
		gb.Mul(gb, g).Mod(gb, p)
		k.Mul(k, ga).Mod(k, p)
	}
	if len(k.Bytes()) != KeySize-1 {
		t.Fatal("no 255-byte key found")
	}
	ka, err := SharedKey(gb, a, p)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := SharedKey(ga, b, p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ka, kb) || len(ka) != KeySize || ka[0] != 0 || !bytes.Equal(ka[1:], k.Bytes()) {
		t.Fatalf("short key not left-padded")
	}
	if KeyFingerprint(ka) != KeyFingerprint(kb) {
		t.Fatalf("fingerprints differ")
	}
}

func TestEngineTTLTimerStartsWhenRead(t *testing.T) {
	a, b := newEnds(t)
	a.run(func(ct *chatTx) error {
		return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: 30})
	})
	b.deliver(a.take()[0])
	if b.chat().TTL != 30 {
		t.Fatalf("ttl not applied")
	}
	in, out := a.nextSeq()
	rid, wire := a.craft(in, out, Layer, 15, &e2e.DecryptedMessage{RandomID: 555, TTL: 7, Message: "ttl 7"})
	b.deliverRaw(rid, wire)
	var m Message
	_ = b.store.View(context.Background(), func(tx Tx) (err error) { m, err = tx.Message(testChat, 555); return })
	if m.TTL != 7 || !m.ExpiresAt.IsZero() {
		t.Fatalf("per-message ttl %d, expires %v (must wait for reading)", m.TTL, m.ExpiresAt)
	}
	b.run(func(ct *chatTx) error {
		m, _ := ct.tx.Message(testChat, 555)
		ct.startTimer(&m)
		return ct.tx.PutMessage(m)
	})
	_ = b.store.View(context.Background(), func(tx Tx) (err error) { m, err = tx.Message(testChat, 555); return })
	if !m.ExpiresAt.Equal(b.now.Add(7 * time.Second)) {
		t.Fatalf("expires at %v", m.ExpiresAt)
	}
}

// FuzzReceive feeds arbitrary decrypted payloads, sealed with the chat key, through the whole
// receive path of a ready chat (decode, seq_no, actions, re-key): no input may panic, and
// whatever happens the chat stays consistent.
func FuzzReceive(f *testing.F) {
	f.Add(layerPayload(f, 15, Layer, 0, 1, &e2e.DecryptedMessage{RandomID: 1, Message: "seed"}))
	f.Add(layerPayload(f, 15, Layer, 0, 3, &e2e.DecryptedMessage{RandomID: 1, Message: "gap"}))
	f.Add(layerPayload(f, 15, Layer, 0, 1, &e2e.DecryptedMessageService{RandomID: 1, Action: &e2e.DecryptedMessageActionResend{StartSeqNo: 0, EndSeqNo: 0}}))
	f.Add(layerPayload(f, 15, Layer, 0, 1, &e2e.DecryptedMessageService{RandomID: 1, Action: &e2e.DecryptedMessageActionRequestKey{ExchangeID: 5, GA: []byte{2}}}))
	f.Add(layerPayload(f, 15, Layer, 0, 1, &e2e.DecryptedMessageService{RandomID: 1, Action: &e2e.DecryptedMessageActionCommitKey{ExchangeID: 5, KeyFingerprint: 2}}))
	f.Fuzz(func(t *testing.T, payload []byte) {
		if len(payload)%4 != 0 || len(payload) > 1<<16 {
			return
		}
		a, b := newEnds(t)
		b.send("b0")
		rid := int64(0)
		if d, err := DecodeLayer(payload); err == nil {
			rid = d.RandomID
		}
		wire, err := Seal(a.chat().Key, true, payload)
		if err != nil {
			t.Fatal(err)
		}
		b.deliverRaw(rid, wire)
		c := b.chat()
		if c.State != StateReady && c.State != StateClosed {
			t.Fatalf("state %v", c.State)
		}
		if c.State == StateClosed && len(c.Key) != 0 {
			t.Fatalf("closed chat keeps its key")
		}
		if c.InSeq > 1 {
			t.Fatalf("one message advanced in_seq to %d", c.InSeq)
		}
	})
}

// BenchmarkEngineMessage measures one text message through the protocol engine: serialize,
// seal, store in the outbox, then open, validate, apply seq_no rules and store on the other
// side (in-memory storage, no network).
func BenchmarkEngineMessage(b *testing.B) {
	x, y := newEnds(b)
	text := string(bytes.Repeat([]byte("a"), 256))
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o := x.send(text)
		y.deliver(o)
		if i%64 == 63 {
			x.deliver(y.send("ack")) // keep the resend store small, as acknowledgements do
		}
	}
}

// 5.1.15 (protocol side): attachments whose key/iv length or fingerprint do not match the
// encrypted file, or whose size disagrees, are not offered for download.
func TestEngineMediaValidation(t *testing.T) {
	fk, err := NewFileKey()
	if err != nil {
		t.Fatal(err)
	}
	good := &EncryptedFile{ID: 1, AccessHash: 2, Size: EncryptedFileSize(100), DCID: 2, KeyFingerprint: fk.Fingerprint()}
	doc := func(key, iv []byte, size int64) *e2e.DecryptedMessage {
		m := &e2e.DecryptedMessage{RandomID: nonZeroRandInt64(), Message: "file"}
		m.SetMedia(&e2e.DecryptedMessageMediaDocument{MimeType: "a/b", Size: size, Key: key, Iv: iv,
			Thumb: []byte{1, 2}, ThumbW: 50, ThumbH: 40,
			Attributes: []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: "x.bin"}}})
		return m
	}
	cases := []struct {
		name string
		msg  *e2e.DecryptedMessage
		file *EncryptedFile
		ok   bool
	}{
		{"valid", doc(fk.Key[:], fk.IV[:], 100), good, true},
		{"key 31 bytes", doc(fk.Key[:31], fk.IV[:], 100), good, false},
		{"iv 33 bytes", doc(fk.Key[:], append(bytes.Clone(fk.IV[:]), 0), 100), good, false},
		{"fingerprint mismatch", doc(fk.Key[:], fk.IV[:], 100), &EncryptedFile{ID: 1, AccessHash: 2, Size: good.Size, KeyFingerprint: good.KeyFingerprint ^ 1}, false},
		{"no file", doc(fk.Key[:], fk.IV[:], 100), nil, false},
		{"size larger than the file", doc(fk.Key[:], fk.IV[:], 200), good, false},
		{"file far larger than the size", doc(fk.Key[:], fk.IV[:], 50), good, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newEnds(t)
			in, out := a.nextSeq()
			rid, wire := a.craft(in, out, Layer, 15, tc.msg)
			fx := b.run(func(ct *chatTx) error {
				row := InboxMessage{ChatID: testChat, RandomID: rid, Date: 100, Bytes: wire, File: tc.file}
				seq, err := ct.tx.PutInbox(row)
				if err != nil {
					return err
				}
				row.Seq = seq
				return ct.receive(row)
			})
			h := b.history()
			if len(h) != 1 {
				t.Fatalf("message not shown")
			}
			if tc.ok {
				if h[0].Kind != KindMedia || h[0].Media == nil || h[0].Media.Name != "x.bin" || h[0].Media.File != *good ||
					!bytes.Equal(h[0].Media.Thumb, []byte{1, 2}) {
					t.Fatalf("valid media: %+v", h[0])
				}
				return
			}
			if h[0].Media != nil || h[0].Kind != KindText {
				t.Fatalf("invalid media offered: %+v", h[0].Media)
			}
			found := false
			for _, ev := range fx.events {
				if e, ok := ev.(ErrorEvent); ok && errors.Is(e.Err, ErrMedia) {
					found = true
				}
			}
			if !found {
				t.Fatalf("no ErrMedia reported")
			}
		})
	}
}

// Re-keying starts by itself after more than 100 messages, and after 7 days of use.
func TestEngineRekeyTriggers(t *testing.T) {
	a, b := newEnds(t)
	a.cfg = config{rekeyAfterUses: 100, rekeyAfterAge: 7 * 24 * time.Hour}
	for i := 0; i < 100; i++ {
		b.deliver(a.send("m"))
	}
	if rekeyState(a).State != RekeyIdle {
		t.Fatalf("re-key started after only 100 uses")
	}
	a.send("101st")
	if rekeyState(a).State != RekeyRequested {
		t.Fatalf("no re-key after 101 uses")
	}
	c, d := newEnds(t)
	c.cfg = config{rekeyAfterUses: 100, rekeyAfterAge: 7 * 24 * time.Hour}
	d.deliver(c.send("one"))
	c.now = c.now.Add(7*24*time.Hour + time.Second)
	c.run(func(*chatTx) error { return nil })
	if rekeyState(c).State != RekeyRequested {
		t.Fatalf("no re-key after 7 days")
	}
	// A key that never encrypted anything is not replaced for its age.
	e, _ := newEnds(t)
	e.cfg = c.cfg
	e.now = e.now.Add(30 * 24 * time.Hour)
	e.run(func(*chatTx) error { return nil })
	if rekeyState(e).State != RekeyIdle {
		t.Fatalf("unused key re-keyed for its age")
	}
}
