package secret_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// 5.1.16: the raw message is stored before the update handler returns, so a crash right
// after (the update state already advanced) loses nothing: the next run processes it.
func TestInboxSurvivesCrash(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	// Bob's process "dies": updates go to a manager that is already closed (its workers never
	// run), like a crash between storing and processing.
	dead := secret.NewManager(w.bob.conn, w.bob.store, secret.Options{Now: w.clock.Now})
	dead.Close()
	var handled atomic.Int32
	w.bob.conn.SetHandler(func(ctx context.Context, u tg.UpdateClass) error {
		_, err := dead.Handle(ctx, u)
		handled.Add(1)
		return err
	})
	w.bob.m.Close()
	for _, s := range []string{"one", "two"} {
		if _, err := w.alice.m.SendText(ctx, id, s, secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w.waitFor(t, ctx, "updates delivered", func() bool { return handled.Load() >= 2 })
	var inbox []secret.InboxMessage
	_ = w.bob.store.View(ctx, func(tx secret.Tx) (err error) { inbox, err = tx.Inbox(id); return })
	if len(inbox) != 2 {
		t.Fatalf("inbox holds %d messages after the crash, want 2", len(inbox))
	}
	// Restart: a new manager over the same store resumes.
	rec := newRecorder()
	m2 := secret.NewManager(w.bob.conn, w.bob.store, secret.Options{Now: w.clock.Now, Events: rec.add})
	defer m2.Close()
	w.bob.conn.SetHandler(func(ctx context.Context, u tg.UpdateClass) error { _, err := m2.Handle(ctx, u); return err })
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = m2.Run(runCtx) }()
	evs := rec.waitFor(t, "resumed messages", func(evs []secret.Event) bool { return len(received(evs)) == 2 })
	if got := received(evs); got[0].Text != "one" || got[1].Text != "two" {
		t.Fatalf("resumed %q %q", got[0].Text, got[1].Text)
	}
	_ = w.bob.store.View(ctx, func(tx secret.Tx) (err error) { inbox, err = tx.Inbox(id); return })
	if len(inbox) != 0 {
		t.Fatalf("inbox not emptied after processing")
	}
}

// 5.1.17: messages that arrive while our side still waits for encryptedChat are processed
// once the chat is established.
func TestMessagesBeforeChatEstablished(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	ctx := ctxT(t)
	var mu sync.Mutex
	var held []tg.UpdateClass
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if ue, ok := u.(*tg.UpdateEncryption); ok && to == aliceID {
			if _, ok := ue.Chat.(*tg.EncryptedChat); ok {
				mu.Lock()
				held = append(held, u)
				mu.Unlock()
				return false
			}
		}
		return true
	}
	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 1 })
	if err := w.bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.bob.m.SendText(ctx, id, "early", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	// Wait until Alice stored Bob's messages (NotifyLayer and "early") in her inbox.
	w.waitFor(t, ctx, "Alice's inbox holds both messages", func() bool {
		var n int
		_ = w.alice.store.View(ctx, func(tx secret.Tx) error { in, _ := tx.Inbox(id); n = len(in); return nil })
		return n == 2
	})
	if info, _ := w.alice.m.Chat(ctx, id); info.State != secret.StateWaiting {
		t.Fatalf("Alice's chat is %v", info.State)
	}
	w.relay.Filter = nil
	w.relay.Deliver(aliceID, held[0])
	evs := w.alice.rec.waitFor(t, "early message", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	if received(evs)[0].Text != "early" {
		t.Fatalf("got %q", received(evs)[0].Text)
	}
}

// 5.1.3: a server that hands Alice a different key fingerprint makes her discard the chat and
// tell the user.
func TestFingerprintMismatchDiscards(t *testing.T) {
	w := newWorld(t, secret.Options{})
	ctx := ctxT(t)
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		if ue, ok := u.(*tg.UpdateEncryption); ok && to == aliceID {
			if ch, ok := ue.Chat.(*tg.EncryptedChat); ok {
				bad := *ch
				bad.KeyFingerprint ^= 1
				w.relay.Deliver(aliceID, &tg.UpdateEncryption{Date: ue.Date, Chat: &bad})
				return false
			}
		}
		return true
	}
	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 1 })
	if err := w.bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	evs := w.alice.rec.waitFor(t, "closed", func(evs []secret.Event) bool { return count[secret.ChatClosed](evs, nil) == 1 })
	c, _ := find[secret.ChatClosed](evs)
	if c.Reason != secret.ClosedByProtocol || c.Violation != secret.ViolationFingerprint || !errors.Is(c.Err, secret.ErrFingerprint) {
		t.Fatalf("closed %+v", c)
	}
	// The reason is kept with the chat: a manager started later reads it.
	later := secret.NewManager(w.alice.conn, w.alice.store, secret.Options{Now: w.clock.Now})
	defer later.Close()
	if info, err := later.Chat(ctx, id); err != nil || info.Closed != secret.ClosedByProtocol || info.Violation != secret.ViolationFingerprint {
		t.Fatalf("stored chat: %+v, %v; want closed by a fingerprint mismatch", info, err)
	}
	if count[secret.ChatReady](evs, nil) != 0 {
		t.Fatalf("chat reported ready despite the mismatch")
	}
	w.bob.rec.waitFor(t, "discard reaches Bob", func(evs []secret.Event) bool { return count[secret.ChatClosed](evs, nil) == 1 })
	if w.relay.Calls("discardEncryption") != 1 {
		t.Fatalf("discardEncryption called %d times", w.relay.Calls("discardEncryption"))
	}
}

// flakyAPI fails sends while failing is set.
type flakyAPI struct {
	*secrettest.RelayClient
	failing atomic.Bool
}

func (f *flakyAPI) MessagesSendEncrypted(ctx context.Context, req *tg.MessagesSendEncryptedRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	if f.failing.Load() {
		return nil, tgerr.New(500, "MSG_WAIT_FAILED")
	}
	return f.RelayClient.MessagesSendEncrypted(ctx, req)
}

// A failed send keeps the message (stored, not shown as sent); the retry sends the same bytes.
func TestFailedSendRetriedWithStoredBytes(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	flaky := &flakyAPI{RelayClient: w.alice.conn}
	rec := newRecorder()
	m := secret.NewManager(flaky, w.alice.store, secret.Options{Now: w.clock.Now, Events: rec.add, RekeyAfterMessages: 1 << 20})
	defer m.Close()
	w.alice.m.Close()
	flaky.failing.Store(true)
	msg, err := m.SendText(ctx, id, "persistent", secret.SendOptions{})
	if err == nil {
		t.Fatalf("send succeeded while the API fails")
	}
	if msg.RandomID == 0 || msg.Sent {
		t.Fatalf("message not kept as unsent: %+v", msg)
	}
	var stored []secret.OutboxMessage
	_ = w.alice.store.View(ctx, func(tx secret.Tx) (err error) { stored, err = tx.Outbox(id, 0, 1<<30); return })
	var wire []byte
	for _, o := range stored {
		if o.RandomID == msg.RandomID {
			wire = o.Bytes
		}
	}
	if wire == nil {
		t.Fatalf("ciphertext not in the outbox")
	}
	flaky.failing.Store(false)
	if err := m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "sent", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessageSent) bool { return e.RandomID == msg.RandomID }) == 1
	})
	w.bob.rec.waitFor(t, "delivered", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	var sent []byte
	for _, s := range sentFrom(w.relay, aliceID, "sendEncrypted") {
		if s.RandomID == msg.RandomID {
			sent = s.Data
		}
	}
	if string(sent) != string(wire) {
		t.Fatalf("retry re-encrypted the message")
	}
	// receivedQueue confirmed what Bob stored.
	w.waitFor(t, ctx, "receivedQueue confirmation", func() bool { return w.bob.conn.Acked() >= 101 })
}

// Ciphertext for a chat this device does not know is kept for a week (the chat may still
// appear), then dropped.
func TestUnknownChatMessagesExpireFromInbox(t *testing.T) {
	w := newWorld(t, secret.Options{})
	ctx := ctxT(t)
	u := &tg.UpdateNewEncryptedMessage{Qts: 5, Message: &tg.EncryptedMessage{RandomID: 1, ChatID: 4242,
		Date: int(w.clock.Now().Unix()), Bytes: make([]byte, 64), File: &tg.EncryptedFileEmpty{}}}
	if err := w.bob.m.HandleNewEncryptedMessage(ctx, u); err != nil {
		t.Fatal(err)
	}
	inbox := func() int {
		var n int
		_ = w.bob.store.View(ctx, func(tx secret.Tx) error { in, _ := tx.Inbox(4242); n = len(in); return nil })
		return n
	}
	if err := w.bob.m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if inbox() != 1 {
		t.Fatalf("message for an unknown chat dropped at once")
	}
	w.clock.Advance(8 * 24 * time.Hour)
	if err := w.bob.m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, ctx, "stale ciphertext dropped", func() bool { return inbox() == 0 })
}

// failingDiscard fails messages.discardEncryption while failing is set.
type failingDiscard struct {
	*secrettest.RelayClient
	failing atomic.Bool
}

func (f *failingDiscard) MessagesDiscardEncryption(ctx context.Context, req *tg.MessagesDiscardEncryptionRequest) (bool, error) {
	if f.failing.Load() {
		return false, tgerr.New(500, "INTERNAL")
	}
	return f.RelayClient.MessagesDiscardEncryption(ctx, req)
}

// A discard that cannot reach the server is kept as a task and retried; the chat is closed
// locally at once.
func TestDiscardIsDurable(t *testing.T) {
	w := newWorld(t, secret.Options{})
	id := w.establish(t)
	ctx := ctxT(t)
	api := &failingDiscard{RelayClient: w.alice.conn}
	api.failing.Store(true)
	m := secret.NewManager(api, w.alice.store, secret.Options{Now: w.clock.Now})
	defer m.Close()
	w.alice.m.Close()
	if err := m.Discard(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	var c secret.Chat
	_ = w.alice.store.View(ctx, func(tx secret.Tx) (err error) { c, err = tx.Chat(id); return })
	if c.State != secret.StateClosed || !c.DiscardPending || len(c.Key) != 0 {
		t.Fatalf("after a failed discard: state %v pending %v key %d", c.State, c.DiscardPending, len(c.Key))
	}
	api.failing.Store(false)
	if err := m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "discard reaches Bob", func(evs []secret.Event) bool { return count[secret.ChatClosed](evs, nil) == 1 })
}

// After an upgrade (a stored chat announced an older layer) the manager tells the peer its
// layer again.
func TestNotifyLayerAfterUpgrade(t *testing.T) {
	w := newWorld(t, secret.Options{})
	id := w.establish(t)
	ctx := ctxT(t)
	w.alice.m.Close()
	if err := w.alice.store.Update(ctx, func(tx secret.Tx) error {
		c, err := tx.Chat(id)
		if err != nil {
			return err
		}
		c.MyLayer = 101
		return tx.PutChat(c)
	}); err != nil {
		t.Fatal(err)
	}
	before := len(sentFrom(w.relay, aliceID, "sendEncryptedService"))
	m := secret.NewManager(w.alice.conn, w.alice.store, secret.Options{Now: w.clock.Now})
	defer m.Close()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = m.Run(runCtx) }()
	w.waitFor(t, ctx, "NotifyLayer after the upgrade", func() bool {
		return len(sentFrom(w.relay, aliceID, "sendEncryptedService")) > before
	})
	var c secret.Chat
	_ = w.alice.store.View(ctx, func(tx secret.Tx) (err error) { c, err = tx.Chat(id); return })
	if c.MyLayer != secret.Layer {
		t.Fatalf("my layer %d after resume", c.MyLayer)
	}
}

// Deleting a message that has not reached the peer rewrites the stored copy as a self-delete
// with the same seq numbers: the content never leaves, and the sequence has no hole.
func TestDeleteUnsentMessageRewritten(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	flaky := &flakyAPI{RelayClient: w.alice.conn}
	m := secret.NewManager(flaky, w.alice.store, secret.Options{Now: w.clock.Now, RekeyAfterMessages: 1 << 20})
	defer m.Close()
	w.alice.m.Close()
	flaky.failing.Store(true)
	msg, err := m.SendText(ctx, id, "regret this", secret.SendOptions{})
	if err == nil || msg.RandomID == 0 {
		t.Fatalf("send while failing: %v", err)
	}
	var before secret.OutboxMessage
	_ = w.alice.store.View(ctx, func(tx secret.Tx) error {
		os, _ := tx.Outbox(id, 0, 1<<30)
		for _, o := range os {
			if o.RandomID == msg.RandomID {
				before = o
			}
		}
		return nil
	})
	if err := m.DeleteMessages(ctx, id, []int64{msg.RandomID}); err == nil {
		t.Fatalf("delete flushed while the API fails")
	}
	var after secret.OutboxMessage
	_ = w.alice.store.View(ctx, func(tx secret.Tx) error {
		os, _ := tx.Outbox(id, before.OutSeq, before.OutSeq)
		after = os[0]
		return nil
	})
	if after.RandomID != before.RandomID || after.InSeq != before.InSeq || string(after.Bytes) == string(before.Bytes) {
		t.Fatalf("stored message not rewritten in place")
	}
	flaky.failing.Store(false)
	if _, err := m.SendText(ctx, id, "fine now", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	evs := w.bob.rec.waitFor(t, "next message", func(evs []secret.Event) bool { return len(received(evs)) >= 1 })
	for _, r := range received(evs) {
		if r.Text == "regret this" {
			t.Fatalf("deleted content reached the peer")
		}
	}
	if got := received(evs); len(got) != 1 || got[0].Text != "fine now" {
		t.Fatalf("Bob got %+v", got)
	}
	if count[secret.ChatClosed](evs, nil) != 0 {
		t.Fatal("the rewrite broke the sequence")
	}
	for _, s := range sentFrom(w.relay, aliceID, "") {
		if string(s.Data) == string(before.Bytes) {
			t.Fatal("the original ciphertext was sent")
		}
	}
}

// failingAccept fails messages.acceptEncryption once, after the server has processed it
// (the answer is lost).
type failingAccept struct {
	*secrettest.RelayClient
	failed atomic.Bool
}

func (f *failingAccept) MessagesAcceptEncryption(ctx context.Context, req *tg.MessagesAcceptEncryptionRequest) (tg.EncryptedChatClass, error) {
	res, err := f.RelayClient.MessagesAcceptEncryption(ctx, req)
	if !f.failed.Swap(true) {
		return nil, tgerr.New(500, "RPC_TIMEOUT")
	}
	return res, err
}

// A failed acceptEncryption (here: processed by the server, answer lost) leaves the chat
// Accepting; accepting again reuses the same DH value, and the server's "already accepted"
// completes the exchange with the key the peer has.
func TestAcceptRetry(t *testing.T) {
	w := newWorld(t, secret.Options{})
	ctx := ctxT(t)
	api := &failingAccept{RelayClient: w.bob.conn}
	rec := newRecorder()
	m := secret.NewManager(api, w.bob.store, secret.Options{Now: w.clock.Now, Events: rec.add})
	defer m.Close()
	w.bob.conn.SetHandler(func(ctx context.Context, u tg.UpdateClass) error { _, err := m.Handle(ctx, u); return err })
	w.bob.m.Close()
	id, err := w.alice.m.Start(ctx, bobID, 0)
	if err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "request", func(evs []secret.Event) bool { return count[secret.ChatRequested](evs, nil) == 1 })
	if err := m.Accept(ctx, id); err == nil {
		t.Fatal("accept succeeded through a failing API")
	}
	if info, _ := m.Chat(ctx, id); info.State != secret.StateAccepting {
		t.Fatalf("state after a failed accept: %v", info.State)
	}
	if err := m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "ready", func(evs []secret.Event) bool { return count[secret.ChatReady](evs, nil) == 1 })
	w.alice.rec.waitFor(t, "ready", func(evs []secret.Event) bool { return count[secret.ChatReady](evs, nil) == 1 })
	fa, _ := w.alice.m.Fingerprint(ctx, id)
	fb, _ := m.Fingerprint(ctx, id)
	if fa != fb {
		t.Fatal("fingerprints differ after the retried accept")
	}
}

// An outgoing message that self-destructs before the peer acknowledged it (its timer
// started with updateEncryptedMessagesRead) leaves the outbox: the stored copy kept for
// resends becomes a self-delete with the same seq numbers.
func TestExpiredOutgoingMessageLeavesOutbox(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	ttl := 5
	sent, err := w.alice.m.SendText(ctx, id, "gone after reading", secret.SendOptions{TTL: &ttl})
	if err != nil {
		t.Fatal(err)
	}
	w.bob.rec.waitFor(t, "the message", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	// Bob's encrypted messages (his ReadMessages, which would acknowledge Alice's message)
	// do not reach Alice; the server's read receipt does.
	w.relay.Filter = func(to int64, u tg.UpdateClass) bool {
		_, encrypted := u.(*tg.UpdateNewEncryptedMessage)
		return !(encrypted && to == aliceID)
	}
	if err := w.bob.m.MarkRead(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "the read receipt", func(evs []secret.Event) bool { return count[secret.MessagesRead](evs, nil) == 1 })
	var original []byte
	for _, s := range sentFrom(w.relay, aliceID, "sendEncrypted") {
		if s.RandomID == sent.RandomID {
			original = s.Data
		}
	}
	outbox := func() []secret.OutboxMessage {
		var out []secret.OutboxMessage
		if err := w.alice.store.View(ctx, func(tx secret.Tx) (err error) { out, err = tx.Outbox(id, 0, 1<<30); return }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	kept := false
	for _, o := range outbox() {
		kept = kept || (o.RandomID == sent.RandomID && bytes.Equal(o.Bytes, original))
	}
	if original == nil || !kept {
		t.Fatal("the message is not in Alice's outbox before it expires: the test proves nothing")
	}
	w.clock.Advance(time.Duration(ttl+1) * time.Second)
	if err := w.alice.m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := messageByText(ctx, w.alice, id, "gone after reading"); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("the message did not expire: %v", err)
	}
	for _, o := range outbox() {
		if bytes.Equal(o.Bytes, original) {
			t.Fatalf("the expired message's ciphertext is still in the outbox (seq %d)", o.OutSeq)
		}
		if o.RandomID == sent.RandomID && (o.Service || o.File != nil) {
			t.Fatalf("the rewritten row %+v is not a plain self-delete", o)
		}
	}
	// The chat goes on: what Bob sent meanwhile reaches Alice through a Resend.
	w.relay.Filter = nil
	if _, err := w.bob.m.SendText(ctx, id, "still talking", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	w.alice.rec.waitFor(t, "Bob's next message", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
}

// failingAck fails messages.receivedQueue while failing is set.
type failingAck struct {
	*secrettest.RelayClient
	failing atomic.Bool
}

func (f *failingAck) MessagesReceivedQueue(ctx context.Context, maxQts int) ([]int64, error) {
	if f.failing.Load() {
		return nil, tgerr.New(500, "INTERNAL")
	}
	return f.RelayClient.MessagesReceivedQueue(ctx, maxQts)
}

// An acknowledgement (messages.receivedQueue) that failed is reported and tried again at the
// next tick, not only when another message arrives.
func TestFailedAcknowledgementRetried(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	api := &failingAck{RelayClient: w.bob.conn}
	api.failing.Store(true)
	rec := newRecorder()
	m := secret.NewManager(api, w.bob.store, secret.Options{Now: w.clock.Now, Events: rec.add})
	defer m.Close()
	w.bob.m.Close()
	w.bob.conn.SetHandler(func(ctx context.Context, u tg.UpdateClass) error { _, err := m.Handle(ctx, u); return err })
	before := w.bob.conn.Acked()
	if _, err := w.alice.m.SendText(ctx, id, "ack me", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "the failed acknowledgement reported", func(evs []secret.Event) bool {
		return count(evs, func(e secret.ErrorEvent) bool { return tgerr.Is(e.Err, "INTERNAL") }) >= 1
	})
	if w.bob.conn.Acked() != before {
		t.Fatal("acknowledged while the server failed")
	}
	api.failing.Store(false)
	if err := m.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, ctx, "the acknowledgement retried", func() bool { return w.bob.conn.Acked() > before })
}

// storageFailingDelete fails every DeleteChat.
type storageFailingDelete struct{ secret.Storage }

type txFailingDelete struct{ secret.Tx }

var errDeleteFailed = errors.New("disk full")

func (t txFailingDelete) DeleteChat(secret.ChatID) error { return errDeleteFailed }

func (s storageFailingDelete) Update(ctx context.Context, fn func(tx secret.Tx) error) error {
	return s.Storage.Update(ctx, func(tx secret.Tx) error { return fn(txFailingDelete{tx}) })
}

// refusingRequest makes the server refuse every requestEncryption.
type refusingRequest struct{ *secrettest.RelayClient }

func (refusingRequest) MessagesRequestEncryption(context.Context, *tg.MessagesRequestEncryptionRequest) (tg.EncryptedChatClass, error) {
	return nil, tgerr.New(400, "USER_ID_INVALID")
}

// A refused request whose local record cannot be removed is not reported as gone: the
// caller learns the chat is still there, and why.
func TestRefusedRequestThatCannotBeRemovedIsReported(t *testing.T) {
	w := newWorld(t, secret.Options{})
	ctx := ctxT(t)
	store := storageFailingDelete{secret.NewMemoryStorage()}
	m := secret.NewManager(refusingRequest{w.alice.conn}, store, secret.Options{Now: w.clock.Now})
	defer m.Close()
	id, err := m.Start(ctx, bobID, 0)
	if !tgerr.Is(err, "USER_ID_INVALID") || !errors.Is(err, errDeleteFailed) {
		t.Fatalf("Start: %v; want the refusal and the failed removal", err)
	}
	info, cerr := m.Chat(ctx, id)
	if id == 0 || cerr != nil || info.State != secret.StateWaiting {
		t.Fatalf("Start returned chat %d (%+v, %v); want the chat that is still there", id, info, cerr)
	}
}

// lossyAPI lets sends reach the server but loses the server's answer while losing is set.
type lossyAPI struct {
	*secrettest.RelayClient
	losing atomic.Bool
}

func (f *lossyAPI) MessagesSendEncrypted(ctx context.Context, req *tg.MessagesSendEncryptedRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	res, err := f.RelayClient.MessagesSendEncrypted(ctx, req)
	if err == nil && f.losing.Load() {
		return nil, context.DeadlineExceeded
	}
	return res, err
}

// A message the server took while its answer was lost (or Tacit stopped before recording
// it) is sent as far as the peer is concerned: once the peer's in_seq_no covers it, it is
// shown as sent and leaves the outbox, though no send of it was ever confirmed.
func TestPeerAcknowledgementMarksSent(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	lossy := &lossyAPI{RelayClient: w.alice.conn}
	rec := newRecorder()
	m := secret.NewManager(lossy, w.alice.store, secret.Options{Now: w.clock.Now, Events: rec.add, RekeyAfterMessages: 1 << 20})
	defer m.Close()
	w.alice.m.Close()
	w.alice.conn.SetHandler(func(ctx context.Context, u tg.UpdateClass) error {
		_, err := m.Handle(ctx, u)
		return err
	})
	lossy.losing.Store(true)
	msg, err := m.SendText(ctx, id, "answer lost", secret.SendOptions{})
	if err == nil {
		t.Fatal("the send was reported confirmed although its answer was lost")
	}
	if msg.RandomID == 0 || msg.Sent {
		t.Fatalf("message not kept as unsent: %+v", msg)
	}
	w.bob.rec.waitFor(t, "Alice's message at Bob", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	if _, err := w.bob.m.SendText(ctx, id, "reply", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "sent through Bob's acknowledgement", func(evs []secret.Event) bool {
		return count(evs, func(e secret.MessageSent) bool { return e.RandomID == msg.RandomID }) == 1
	})
	var stored secret.Message
	var outbox []secret.OutboxMessage
	if err := w.alice.store.View(ctx, func(tx secret.Tx) (err error) {
		if stored, err = tx.Message(id, msg.RandomID); err != nil {
			return err
		}
		outbox, err = tx.Outbox(id, 0, 1<<30)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !stored.Sent {
		t.Fatal("the stored message is still unsent")
	}
	for _, o := range outbox {
		if o.RandomID == msg.RandomID {
			t.Fatal("the acknowledged message is still in the outbox")
		}
	}
}
