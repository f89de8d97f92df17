package secret

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// Fuzz targets for what the server says during a key exchange: the DH
// configuration, its answers to requestEncryption and acceptEncryption, and
// the chat updates (requested, waiting, established, discarded). The server
// is not trusted: whatever it sends, Tacit never panics, never makes a chat
// ready on parameters or public values that fail the checks, and never keeps
// a key in a closed chat.

// serverAnswers is an API whose answers a fuzz target sets: getDhConfig,
// requestEncryption and acceptEncryption answer what the fields hold; every
// other method fails with an RPC error at once.
type serverAnswers struct {
	mu      sync.Mutex
	dh      tg.MessagesDhConfigClass
	request tg.EncryptedChatClass
	accept  tg.EncryptedChatClass
}

var errFuzzServer = tgerr.New(400, "FUZZ_SERVER")

func (s *serverAnswers) set(dh tg.MessagesDhConfigClass, request, accept tg.EncryptedChatClass) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dh, s.request, s.accept = dh, request, accept
}

func (s *serverAnswers) MessagesGetDhConfig(context.Context, *tg.MessagesGetDhConfigRequest) (tg.MessagesDhConfigClass, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dh == nil {
		return nil, errFuzzServer
	}
	return s.dh, nil
}

func (s *serverAnswers) MessagesRequestEncryption(context.Context, *tg.MessagesRequestEncryptionRequest) (tg.EncryptedChatClass, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.request == nil {
		return nil, errFuzzServer
	}
	return s.request, nil
}

func (s *serverAnswers) MessagesAcceptEncryption(context.Context, *tg.MessagesAcceptEncryptionRequest) (tg.EncryptedChatClass, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accept == nil {
		return nil, errFuzzServer
	}
	return s.accept, nil
}

func (*serverAnswers) MessagesDiscardEncryption(context.Context, *tg.MessagesDiscardEncryptionRequest) (bool, error) {
	return false, errFuzzServer
}

func (*serverAnswers) MessagesSendEncrypted(context.Context, *tg.MessagesSendEncryptedRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	return nil, errFuzzServer
}

func (*serverAnswers) MessagesSendEncryptedService(context.Context, *tg.MessagesSendEncryptedServiceRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	return nil, errFuzzServer
}

func (*serverAnswers) MessagesSendEncryptedFile(context.Context, *tg.MessagesSendEncryptedFileRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	return nil, errFuzzServer
}

func (*serverAnswers) MessagesReadEncryptedHistory(context.Context, *tg.MessagesReadEncryptedHistoryRequest) (bool, error) {
	return false, errFuzzServer
}

func (*serverAnswers) MessagesSetEncryptedTyping(context.Context, *tg.MessagesSetEncryptedTypingRequest) (bool, error) {
	return false, errFuzzServer
}

func (*serverAnswers) MessagesReceivedQueue(context.Context, int) ([]int64, error) {
	return nil, errFuzzServer
}

func (*serverAnswers) UploadSaveFilePart(context.Context, *tg.UploadSaveFilePartRequest) (bool, error) {
	return false, errFuzzServer
}

func (*serverAnswers) UploadSaveBigFilePart(context.Context, *tg.UploadSaveBigFilePartRequest) (bool, error) {
	return false, errFuzzServer
}

func (*serverAnswers) UploadGetFile(context.Context, *tg.UploadGetFileRequest) (tg.UploadFileClass, error) {
	return nil, errFuzzServer
}

// fuzzHandshake is one fuzz process's manager. The safe-prime verdict for
// Telegram's prime costs about a second, so the manager (and its verdict
// cache) lives for the whole process, and every input uses fresh chat ids.
var fuzzHandshake struct {
	once sync.Once
	api  *serverAnswers
	mgr  *Manager
	st   Storage
}

func handshakeManager() (*serverAnswers, *Manager, Storage) {
	fuzzHandshake.once.Do(func() {
		fuzzHandshake.api = &serverAnswers{}
		fuzzHandshake.st = NewMemoryStorage()
		fuzzHandshake.mgr = NewManager(fuzzHandshake.api, fuzzHandshake.st, Options{})
	})
	return fuzzHandshake.api, fuzzHandshake.mgr, fuzzHandshake.st
}

func decodeEncryptedChat(data []byte) tg.EncryptedChatClass {
	if len(data) == 0 {
		return nil
	}
	ch, err := tg.DecodeEncryptedChat(&bin.Buffer{Buf: data})
	if err != nil {
		return nil
	}
	return ch
}

func encodeTLBytes(t testing.TB, e bin.Encoder) []byte {
	t.Helper()
	var b bin.Buffer
	if err := e.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Copy()
}

// FuzzStart runs Start against a server whose getDhConfig answer (g, p,
// random, or "not modified") and requestEncryption answer are the input.
// Parameters that fail CheckDHParams must fail Start; a chat that became
// ready holds a 256-byte key whose fingerprint it records.
func FuzzStart(f *testing.F) {
	good := fuzzPrime.Bytes()
	f.Add(3, good, []byte{1, 2, 3}, false, encodeTLBytes(f, &tg.EncryptedChatWaiting{ID: 1, AccessHash: 2}))
	f.Add(2, good, []byte{}, false, []byte{})
	f.Add(3, good[:255], []byte{}, false, []byte{})
	f.Add(7, append([]byte{0}, good...), []byte{}, true, encodeTLBytes(f, &tg.EncryptedChatDiscarded{ID: 1}))
	f.Add(4, good, bytes.Repeat([]byte{0xff}, 256), false, encodeTLBytes(f, &tg.EncryptedChat{ID: 1, GAOrB: []byte{2}, KeyFingerprint: 5}))
	f.Fuzz(func(t *testing.T, g int, p, random []byte, notModified bool, answer []byte) {
		api, m, st := handshakeManager()
		var dh tg.MessagesDhConfigClass = &tg.MessagesDhConfig{G: g, P: p, Version: int(len(p)), Random: random}
		if notModified {
			dh = &tg.MessagesDhConfigNotModified{Random: random}
		}
		api.set(dh, decodeEncryptedChat(answer), nil)
		before, err := loadDHConfig(st)
		if err != nil {
			t.Fatal(err)
		}
		id, err := m.Start(context.Background(), 42, 43)
		if err != nil {
			if id != 0 {
				checkChatInvariants(t, st, id)
			}
			return
		}
		// Start succeeded: the parameters it used passed the checks.
		used := before
		if !notModified {
			used = DHConfig{G: g, P: p}
		}
		if CheckDHParams(used.G, new(big.Int).SetBytes(used.P)) != nil {
			t.Fatalf("Start accepted g=%d and a %d-byte p that fail the checks", used.G, len(used.P))
		}
		checkChatInvariants(t, st, id)
	})
}

func loadDHConfig(st Storage) (DHConfig, error) {
	var c DHConfig
	err := st.View(context.Background(), func(tx Tx) (err error) {
		c, err = tx.DHConfig()
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	return c, err
}

// checkChatInvariants fails if the chat is ready with a key that does not
// fit, or closed with key material left.
func checkChatInvariants(t *testing.T, st Storage, id ChatID) {
	t.Helper()
	var c Chat
	err := st.View(context.Background(), func(tx Tx) (err error) { c, err = tx.Chat(id); return })
	if errors.Is(err, ErrNotFound) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	switch c.State {
	case StateReady:
		if len(c.Key) != KeySize || KeyFingerprint(c.Key) != c.KeyFingerprint || c.KeyHash != KeyHash(c.Key) {
			t.Fatalf("ready chat %d with a %d-byte key or a fingerprint that does not match it", id, len(c.Key))
		}
		if len(c.Secret) != 0 {
			t.Fatalf("ready chat %d keeps its DH secret", id)
		}
	case StateClosed:
		if len(c.Key) != 0 || len(c.Secret) != 0 || len(c.PrevKey) != 0 {
			t.Fatalf("closed chat %d keeps key material", id)
		}
	}
}

// FuzzHandleEncryption delivers a server chat update (decoded from the
// input, or built from its fields) to chats in every state of the exchange:
// one we asked for (waiting for g_b), one we accepted, a ready one, and one
// the peer requests (whose g_a the input sets), which is then accepted.
// g_b and g_a that fail CheckPublicValue never make a chat ready, and a
// wrong fingerprint never does either.
func FuzzHandleEncryption(f *testing.F) {
	f.Add([]byte{}, uint8(2), []byte{2}, int64(0), false)
	f.Add([]byte{}, uint8(2), []byte{}, int64(1), false)
	f.Add([]byte{}, uint8(1), []byte{5}, int64(0), true)
	f.Add([]byte{}, uint8(3), []byte{}, int64(0), true)
	f.Add([]byte{}, uint8(0), bytes.Repeat([]byte{0xc7}, 256), int64(0), false)
	f.Add(encodeTLBytes(f, &tg.EncryptedChatRequested{ID: 1, GA: []byte{1}}), uint8(0), []byte{}, int64(0), false)
	f.Add(encodeTLBytes(f, &tg.EncryptedChatEmpty{ID: 1}), uint8(0), []byte{}, int64(0), false)
	f.Fuzz(func(t *testing.T, raw []byte, kind uint8, public []byte, fp int64, flag bool) {
		api, m, st := handshakeManager()
		ctx := context.Background()
		ids := newFuzzChats(t, st)
		p := fuzzPrime
		api.set(&tg.MessagesDhConfig{G: 3, P: p.Bytes(), Version: 1, Random: public}, nil, nil)

		var ch tg.EncryptedChatClass
		target := ids[int(kind/5)%3] // waiting, accepting or ready
		switch kind % 5 {
		case 0: // any server object
			ch = decodeEncryptedChat(raw)
			if ch == nil {
				return
			}
		case 1:
			ch = &tg.EncryptedChatWaiting{ID: int(target), AccessHash: fp}
		case 2:
			// The answer to our request: g_b, and the fingerprint of the key
			// it makes with our secret when fp is 0 (so valid g_b values get
			// as far as becoming ready).
			if fp == 0 {
				fp = fingerprintWith(public, fuzzWaitingSecret, p)
			}
			ch = &tg.EncryptedChat{ID: int(target), AccessHash: 9, GAOrB: public, KeyFingerprint: fp}
		case 3:
			ch = &tg.EncryptedChatDiscarded{ID: int(target), HistoryDeleted: flag}
		case 4:
			ch = &tg.EncryptedChatRequested{ID: int(ids[3]), AccessHash: fp, AdminID: 9, ParticipantID: 1, GA: public}
		}
		if err := m.HandleEncryption(ctx, &tg.UpdateEncryption{Chat: ch}); err != nil && !errors.Is(err, ErrNotFound) {
			var rpc *tgerr.Error
			if !errors.As(err, &rpc) {
				t.Logf("HandleEncryption: %v", err)
			}
		}
		// A requested chat: accept it, with the server answering the input.
		if r, ok := ch.(*tg.EncryptedChatRequested); ok {
			api.set(&tg.MessagesDhConfig{G: 3, P: p.Bytes(), Version: 1}, nil, decodeEncryptedChat(raw))
			acceptErr := m.Accept(ctx, ChatID(r.ID))
			if r.ID == int(ids[3]) && CheckPublicValue(new(big.Int).SetBytes(r.GA), p) != nil {
				if acceptErr == nil {
					t.Fatalf("accepted a request with an invalid g_a (%d bytes)", len(r.GA))
				}
				if c := mustChat(t, st, ids[3]); c.State == StateReady || c.State == StateAccepting {
					t.Fatalf("a request with an invalid g_a (%d bytes) went on to %v", len(r.GA), c.State)
				}
			}
		}
		if e, ok := ch.(*tg.EncryptedChat); ok && ChatID(e.ID) == ids[0] {
			c := mustChat(t, st, ids[0])
			if c.State == StateReady {
				if CheckPublicValue(new(big.Int).SetBytes(e.GAOrB), p) != nil {
					t.Fatalf("ready on an invalid g_b (%d bytes)", len(e.GAOrB))
				}
				if c.KeyFingerprint != e.KeyFingerprint {
					t.Fatalf("ready with fingerprint %x, server said %x", c.KeyFingerprint, e.KeyFingerprint)
				}
			}
		}
		for _, id := range ids {
			checkChatInvariants(t, st, id)
		}
	})
}

// fuzzWaitingSecret is the DH secret of the chat that waits for g_b.
var fuzzWaitingSecret = big.NewInt(0).SetBytes(bytes.Repeat([]byte{0x5a}, KeySize))

func fingerprintWith(public []byte, a, p *big.Int) int64 {
	gb := new(big.Int).SetBytes(public)
	if gb.Sign() == 0 {
		return 0
	}
	key := new(big.Int).Exp(gb, a, p).FillBytes(make([]byte, KeySize))
	return KeyFingerprint(key)
}

var fuzzChatIDs struct {
	mu   sync.Mutex
	next ChatID
}

// newFuzzChats stores three fresh chats: waiting for g_b (our request),
// accepting (we sent g_b) and ready. It returns their ids and a fourth, unused one.
func newFuzzChats(t *testing.T, st Storage) []ChatID {
	t.Helper()
	fuzzChatIDs.mu.Lock()
	base := fuzzChatIDs.next + 1000
	fuzzChatIDs.next += 4
	fuzzChatIDs.mu.Unlock()
	ids := []ChatID{base, base + 1, base + 2, base + 3}
	key := bytes.Repeat([]byte{7}, KeySize)
	err := st.Update(context.Background(), func(tx Tx) error {
		chats := []Chat{
			{ID: ids[0], PeerID: 9, Originator: true, State: StateWaiting, G: 3, P: fuzzPrime.Bytes(),
				Secret: fuzzWaitingSecret.FillBytes(make([]byte, KeySize)), ResendUpTo: -1, HisLayer: initialHisLayer},
			{ID: ids[1], AccessHash: 3, PeerID: 9, State: StateAccepting, G: 3, P: fuzzPrime.Bytes(),
				Secret: bytes.Repeat([]byte{3}, KeySize), Key: bytes.Clone(key), KeyFingerprint: KeyFingerprint(key),
				ResendUpTo: -1, HisLayer: initialHisLayer},
			{ID: ids[2], AccessHash: 3, PeerID: 9, State: StateReady, G: 3, P: fuzzPrime.Bytes(),
				Key: bytes.Clone(key), KeyFingerprint: KeyFingerprint(key), KeyHash: KeyHash(key),
				MyLayer: Layer, HisLayer: Layer, ResendUpTo: -1},
		}
		for _, c := range chats {
			if err := tx.PutChat(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func mustChat(t *testing.T, st Storage, id ChatID) Chat {
	t.Helper()
	var c Chat
	if err := st.View(context.Background(), func(tx Tx) (err error) { c, err = tx.Chat(id); return }); err != nil {
		t.Fatal(err)
	}
	return c
}

// fuzzPrime is Telegram's DH prime, the p of every fuzzed chat.
var fuzzPrime = TelegramPrime()
