package secret

import (
	"errors"
	"slices"
	"testing"

	"github.com/gotd/td/tg/e2e"
)

// What the user is told: service notices as typed actions, why a chat closed, a peer on a
// newer layer.

func TestEngineScreenshotNoticeIsItsOwnAction(t *testing.T) {
	a, b := newEnds(t)
	shown := a.send("on screen")
	b.deliver(shown)
	in, out := a.nextSeq()
	rid, wire := a.craft(in, out, Layer, 15, svc(&e2e.DecryptedMessageActionScreenshotMessages{RandomIDs: []int64{shown.RandomID}}))
	fx := b.deliverRaw(rid, wire)
	var got Message
	for _, ev := range fx.events {
		if r, ok := ev.(MessageReceived); ok {
			got = r.Message
		}
	}
	if got.Kind != KindService || got.Action != ActionScreenshot || !slices.Equal(got.ActionIDs, []int64{shown.RandomID}) ||
		got.ServiceTTL != 0 || got.Text != "" {
		t.Fatalf("screenshot notice delivered as %+v", got)
	}
	hist := b.history()
	if last := hist[len(hist)-1]; last.Action != ActionScreenshot || !slices.Equal(last.ActionIDs, got.ActionIDs) {
		t.Fatalf("screenshot notice stored as %+v", last)
	}
	// A timer change is an action too.
	in, out = a.nextSeq()
	rid, wire = a.craft(in, out+2, Layer, 15, svc(&e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: 0}))
	b.deliverRaw(rid, wire)
	hist = b.history()
	if last := hist[len(hist)-1]; last.Action != ActionSetTTL || last.ServiceTTL != 0 {
		t.Fatalf("timer notice stored as %+v", last)
	}
}

// A message from the peer that reuses the random_id of a message already in the chat is
// dropped: it must not replace what the user saw.
func TestEngineReusedRandomIDDropped(t *testing.T) {
	a, b := newEnds(t)
	original := a.send("original words")
	b.deliver(original)
	in, out := a.nextSeq()
	for i, msg := range []e2e.DecryptedMessageClass{
		&e2e.DecryptedMessageService{RandomID: original.RandomID, Action: &e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: 30}},
		&e2e.DecryptedMessageService{RandomID: original.RandomID, Action: &e2e.DecryptedMessageActionScreenshotMessages{}},
		&e2e.DecryptedMessage{RandomID: original.RandomID, Message: "other words"},
	} {
		rid, wire := a.craft(in, out+2*i, Layer, 15, msg)
		fx := b.deliverRaw(rid, wire)
		reported := false
		for _, ev := range fx.events {
			if e, ok := ev.(ErrorEvent); ok && errors.Is(e.Err, ErrRandomIDReused) && errors.Is(e.Err, ErrDropped) {
				reported = true
			}
			if _, ok := ev.(MessageReceived); ok {
				t.Fatalf("message %d with a reused random_id was shown", i)
			}
		}
		if !reported {
			t.Fatalf("message %d with a reused random_id not reported: %+v", i, fx.events)
		}
		hist := b.history()
		if len(hist) != 1 || hist[0].Kind != KindText || hist[0].Text != "original words" || hist[0].Action != ActionNone {
			t.Fatalf("after message %d the history is %+v", i, hist)
		}
		if c := b.chat(); c.TTL != 0 || c.State != StateReady || c.InSeq != 2+i {
			t.Fatalf("after message %d: ttl %d state %v in %d", i, c.TTL, c.State, c.InSeq)
		}
	}
}

// A chat closed by a failed security check records which one, in the chat itself (the app
// reads it from ChatInfo at any later time) and in the event.
func TestEngineCloseReasonRecorded(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(a, b *end) *effects
		want   Violation
	}{
		{"parity", func(a, b *end) *effects {
			in, out := a.nextSeq()
			rid, wire := a.craft(in+1, out, Layer, 15, text("p"))
			return b.deliverRaw(rid, wire)
		}, ViolationSequence},
		{"in ahead", func(a, b *end) *effects {
			rid, wire := a.craft(2*5, 1, Layer, 15, text("acks messages never sent"))
			return b.deliverRaw(rid, wire)
		}, ViolationSequence},
		{"layer decreased", func(a, b *end) *effects {
			rid, wire := a.craft(0, 1, Layer, 15, text("now"))
			b.deliverRaw(rid, wire)
			rid, wire = a.craft(0, 3, 101, 15, text("older"))
			return b.deliverRaw(rid, wire)
		}, ViolationLayer},
		{"impossible resend", func(a, b *end) *effects {
			rid, wire := a.craft(0, 1, Layer, 15, svc(&e2e.DecryptedMessageActionResend{StartSeqNo: 1, EndSeqNo: 41}))
			return b.deliverRaw(rid, wire)
		}, ViolationResend},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newEnds(t)
			fx := tc.break_(a, b)
			var closed ChatClosed
			for _, ev := range fx.events {
				if c, ok := ev.(ChatClosed); ok {
					closed = c
				}
			}
			if closed.Reason != ClosedByProtocol || closed.Violation != tc.want {
				t.Fatalf("closed event %+v, want %v", closed, tc.want)
			}
			info := chatInfo(b.chat())
			if info.State != StateClosed || info.Closed != ClosedByProtocol || info.Violation != tc.want {
				t.Fatalf("chat info after the abort: state %v closed %v violation %v", info.State, info.Closed, info.Violation)
			}
		})
	}
}

func TestEngineNewerPeerLayer(t *testing.T) {
	a, b := newEnds(t)
	if info := chatInfo(b.chat()); info.NewerPeer {
		t.Fatalf("a peer on layer %d reported as newer", info.PeerLayer)
	}
	rid, wire := a.craft(0, 1, Layer+3, 15, text("from the future"))
	b.deliverRaw(rid, wire)
	info := chatInfo(b.chat())
	if !info.NewerPeer || info.PeerLayer != Layer+3 || info.Layer != Layer {
		t.Fatalf("chat info for a newer peer: newer %v, peer layer %d, sending layer %d", info.NewerPeer, info.PeerLayer, info.Layer)
	}
}
