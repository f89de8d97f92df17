package secret

import (
	"errors"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg/e2e"
)

func encodeTL(t testing.TB, obj bin.Encoder) []byte {
	var b bin.Buffer
	if err := obj.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Buf
}

func layerPayload(t testing.TB, rb, layer, in, out int, msg e2e.DecryptedMessageClass) []byte {
	return encodeTL(t, &e2e.DecryptedMessageLayer{RandomBytes: make([]byte, rb), Layer: layer, InSeqNo: in, OutSeqNo: out, Message: msg})
}

func TestDecodeLayerAccepts(t *testing.T) {
	d, err := DecodeLayer(layerPayload(t, 15, Layer, 2, 3, &e2e.DecryptedMessage{RandomID: 9, TTL: 4, Message: "hi"}))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Sequenced || d.Layer != Layer || d.InSeq != 2 || d.OutSeq != 3 || d.RandomID != 9 || d.Message.Message != "hi" || d.Message.TTL != 4 {
		t.Fatalf("decoded %+v", d)
	}
	// decryptedMessage46 is normalised.
	d, err = DecodeLayer(layerPayload(t, 31, 73, 0, 1, &e2e.DecryptedMessage46{RandomID: 5, Message: "old"}))
	if err != nil || d.Message == nil || d.Message.Message != "old" || d.RandomID != 5 {
		t.Fatalf("message46: %+v, %v", d, err)
	}
	// A bare NotifyLayer service message carries no seq numbers.
	d, err = DecodeLayer(encodeTL(t, &e2e.DecryptedMessageService{RandomID: 3, Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: 101}}))
	if err != nil || d.Sequenced || d.Layer != 101 {
		t.Fatalf("bare NotifyLayer: %+v, %v", d, err)
	}
	d, err = DecodeLayer(encodeTL(t, &e2e.DecryptedMessageService8{RandomID: 3, RandomBytes: make([]byte, 15), Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: 46}}))
	if err != nil || d.Sequenced || d.Layer != 46 {
		t.Fatalf("bare NotifyLayer (service8): %+v, %v", d, err)
	}
	if !(Decrypted{Layer: Layer + 1}).TooNew() || (Decrypted{Layer: Layer}).TooNew() {
		t.Fatalf("TooNew")
	}
}

func TestDecodeLayerRejects(t *testing.T) {
	ok := layerPayload(t, 15, Layer, 0, 1, &e2e.DecryptedMessage{RandomID: 1, Message: "x"})
	cases := map[string][]byte{
		"empty":             nil,
		"short":             {1, 2},
		"random bytes 14":   layerPayload(t, 14, Layer, 0, 1, &e2e.DecryptedMessage{RandomID: 1}),
		"trailing bytes":    append(append([]byte(nil), ok...), 0, 0, 0, 0),
		"truncated":         ok[:len(ok)-4],
		"layer 45":          layerPayload(t, 15, 45, 0, 1, &e2e.DecryptedMessage{RandomID: 1}),
		"layer huge":        layerPayload(t, 15, 1<<20, 0, 1, &e2e.DecryptedMessage{RandomID: 1}),
		"negative in":       layerPayload(t, 15, Layer, -2, 1, &e2e.DecryptedMessage{RandomID: 1}),
		"negative out":      layerPayload(t, 15, Layer, 0, -1, &e2e.DecryptedMessage{RandomID: 1}),
		"negative ttl":      layerPayload(t, 15, Layer, 0, 1, &e2e.DecryptedMessage{RandomID: 1, TTL: -1}),
		"message8 inside":   layerPayload(t, 15, Layer, 0, 1, &e2e.DecryptedMessage8{RandomID: 1, RandomBytes: make([]byte, 15), Media: &e2e.DecryptedMessageMediaEmpty{}}),
		"message23 inside":  layerPayload(t, 15, Layer, 0, 1, &e2e.DecryptedMessage23{RandomID: 1, Media: &e2e.DecryptedMessageMediaEmpty{}}),
		"bare message":      encodeTL(t, &e2e.DecryptedMessage{RandomID: 1, Message: "no layer"}),
		"bare other action": encodeTL(t, &e2e.DecryptedMessageService{RandomID: 1, Action: &e2e.DecryptedMessageActionFlushHistory{}}),
		"bare service8 short random": encodeTL(t, &e2e.DecryptedMessageService8{RandomID: 3, RandomBytes: make([]byte, 14),
			Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: 46}}),
		"unknown constructor": {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0},
	}
	for name, p := range cases {
		if _, err := DecodeLayer(p); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestSendLayer(t *testing.T) {
	for his, want := range map[int]int{0: MinSendLayer, 46: MinSendLayer, 73: 73, 101: 101, 144: 144, 151: 144} {
		if got := sendLayer(his); got != want {
			t.Errorf("sendLayer(%d) = %d, want %d", his, got, want)
		}
	}
}

func FuzzDecodeLayer(f *testing.F) {
	f.Add(layerPayload(f, 15, Layer, 0, 1, &e2e.DecryptedMessage{RandomID: 1, Message: "seed"}))
	f.Add(layerPayload(f, 31, Layer, 4, 7, &e2e.DecryptedMessageService{RandomID: 2, Action: &e2e.DecryptedMessageActionResend{StartSeqNo: 1, EndSeqNo: 5}}))
	f.Add(encodeTL(f, &e2e.DecryptedMessageService{RandomID: 3, Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: 144}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		d, err := DecodeLayer(payload)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if (d.Message == nil) == (d.Action == nil) {
			t.Fatalf("exactly one of Message and Action must be set: %+v", d)
		}
		if d.Sequenced && (d.InSeq < 0 || d.OutSeq < 0 || d.Layer < MinReceiveLayer) {
			t.Fatalf("accepted out-of-range values: %+v", d)
		}
		// What was accepted can be applied to a chat without panicking.
		_, _ = reencodeDecrypted(d)
	})
}
