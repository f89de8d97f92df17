package secret

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sync"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tg/e2e"
	"github.com/gotd/td/tgerr"
)

// Options configure a Manager. The zero value is usable.
type Options struct {
	// Events receives what the app should show (see Event). Nil discards events.
	Events func(Event)
	// Now is the clock (self-destruct timers, re-key age). Default time.Now.
	Now func() time.Time
	// RekeyAfterMessages: a key that encrypted or decrypted more messages is replaced. Default 100.
	RekeyAfterMessages int
	// RekeyAfter: a key in use for longer (and used at least once) is replaced. Default 7 days.
	RekeyAfter time.Duration
	// TickInterval is how often Run expires messages and retries sends. Default 1 s.
	TickInterval time.Duration
}

// Manager runs Tacit's secret chats: it answers server updates, carries out the user's
// actions and keeps everything the protocol depends on in a Storage. Operations on one chat are
// strictly ordered. Incoming chat requests wait for Accept or Decline.
//
// Create it with NewManager, route the update types listed at Handle to it, call Run in a
// goroutine, and Close it when done.
type Manager struct {
	api      API
	store    Storage
	opts     Options
	cfg      config
	events   *eventQueue
	verdicts DHVerdictCache

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	dhMu sync.Mutex

	mu      sync.Mutex
	locks   map[ChatID]*sync.Mutex
	workers map[ChatID]*worker
	ackMax  int
	ackWake chan struct{}
}

type worker struct {
	running bool
	again   bool
}

// NewManager returns a Manager that talks to the server through api and persists into store.
func NewManager(api API, store Storage, opts Options) *Manager {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RekeyAfterMessages <= 0 {
		opts.RekeyAfterMessages = 100
	}
	if opts.RekeyAfter <= 0 {
		opts.RekeyAfter = 7 * 24 * time.Hour
	}
	if opts.TickInterval <= 0 {
		opts.TickInterval = time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{
		api: api, store: store, opts: opts,
		cfg:    config{rekeyAfterUses: opts.RekeyAfterMessages, rekeyAfterAge: opts.RekeyAfter},
		events: newEventQueue(opts.Events),
		ctx:    ctx, cancel: cancel,
		locks:   map[ChatID]*sync.Mutex{},
		workers: map[ChatID]*worker{},
		ackWake: make(chan struct{}, 1),
	}
	m.wg.Add(1)
	go m.acker()
	return m
}

// Close stops the Manager's goroutines and delivers the remaining events. Work in the store
// (inbox, unsent messages) is picked up again by the next Manager's Run.
func (m *Manager) Close() {
	m.mu.Lock() // kick checks the context and adds to wg under m.mu
	m.cancel()
	m.mu.Unlock()
	m.wg.Wait()
	m.events.close()
}

// Run resumes stored work (queued incoming messages, unsent messages, pending discards,
// NotifyLayer after an upgrade) and then, until ctx ends, expires self-destructing messages
// and retries failed sends every TickInterval.
func (m *Manager) Run(ctx context.Context) error {
	if err := m.resume(ctx); err != nil {
		return err
	}
	t := time.NewTicker(m.opts.TickInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-m.ctx.Done():
			return nil
		case <-t.C:
			if err := m.Tick(ctx); err != nil && ctx.Err() == nil {
				m.events.push(ErrorEvent{Err: err})
			}
		}
	}
}

func (m *Manager) resume(ctx context.Context) error {
	var chats []Chat
	var inbox []ChatID
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		if chats, err = tx.Chats(); err != nil {
			return err
		}
		inbox, err = tx.InboxChats()
		return err
	}); err != nil {
		return fmt.Errorf("secret: resume: %w", err)
	}
	for _, c := range chats {
		if c.State == StateReady && c.MyLayer < Layer {
			// Tell the peer about our (new) layer.
			lock := m.chatLock(c.ID)
			lock.Lock()
			fx, err := m.chatUpdate(ctx, c.ID, func(ct *chatTx) error {
				ct.c.MyLayer = Layer
				return ct.enqueueService(&e2e.DecryptedMessageActionNotifyLayer{Layer: Layer})
			})
			lock.Unlock()
			if err != nil {
				return fmt.Errorf("secret: resume: %w", err)
			}
			m.events.push(fx.events...)
		}
		if c.State == StateReady || (c.State == StateClosed && c.DiscardPending) {
			m.kick(c.ID)
		}
	}
	for _, id := range inbox {
		m.kick(id)
	}
	return nil
}

// Tick expires self-destructing messages whose time has come (on both sides each client
// deletes its own copy when its timer runs out) and wakes chats with work left: unsent
// messages, queued incoming messages, a pending discard, a re-key that is due.
func (m *Manager) Tick(ctx context.Context) error {
	now := m.opts.Now()
	var evs []Event
	err := m.store.Update(ctx, func(tx Tx) error {
		evs = nil
		ms, err := tx.Expiring(now)
		if err != nil {
			return err
		}
		byChat := map[ChatID][]int64{}
		var order []ChatID
		for _, msg := range ms {
			if err := tx.DeleteMessage(msg.ChatID, msg.RandomID); err != nil {
				return err
			}
			if _, ok := byChat[msg.ChatID]; !ok {
				order = append(order, msg.ChatID)
			}
			byChat[msg.ChatID] = append(byChat[msg.ChatID], msg.RandomID)
		}
		for _, id := range order {
			evs = append(evs, MessagesDeleted{Chat: id, RandomIDs: byChat[id], Expired: true})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: expire messages: %w", err)
	}
	m.events.push(evs...)
	var wake []ChatID
	err = m.store.View(ctx, func(tx Tx) error {
		wake = nil
		chats, err := tx.Chats()
		if err != nil {
			return err
		}
		for _, c := range chats {
			switch {
			case c.State == StateClosed && c.DiscardPending:
				wake = append(wake, c.ID)
			case c.State == StateReady:
				unsent, err := tx.Outbox(c.ID, 0, math.MaxInt)
				if err != nil {
					return err
				}
				due := rekeyDue(c, now, m.cfg)
				for _, o := range unsent {
					if !o.Sent {
						due = true
						break
					}
				}
				if due {
					wake = append(wake, c.ID)
				}
			}
		}
		ids, err := tx.InboxChats()
		wake = append(wake, ids...)
		return err
	})
	if err != nil {
		return fmt.Errorf("secret: tick: %w", err)
	}
	for _, id := range wake {
		m.kick(id)
	}
	return nil
}

func rekeyDue(c Chat, now time.Time, cfg config) bool {
	if c.State != StateReady || c.Rekey.State != RekeyIdle || len(c.PrevKey) > 0 {
		return false
	}
	return c.KeyUses > cfg.rekeyAfterUses ||
		(c.KeyUses > 0 && !c.KeySince.IsZero() && now.Sub(c.KeySince) > cfg.rekeyAfterAge)
}

func (m *Manager) chatLock(id ChatID) *sync.Mutex {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.locks[id]
	if l == nil {
		l = &sync.Mutex{}
		m.locks[id] = l
	}
	return l
}

// chatUpdate runs fn on chat id in one transaction and stores the chat afterwards. The caller
// holds the chat's lock.
func (m *Manager) chatUpdate(ctx context.Context, id ChatID, fn func(ct *chatTx) error) (*effects, error) {
	return updateChat(ctx, m.store, id, m.opts.Now(), &m.cfg, fn)
}

// updateChat loads chat id, lets fn apply protocol steps to it, starts a re-key if one is
// due, and stores the chat, all in one transaction. It does no network I/O.
func updateChat(ctx context.Context, store Storage, id ChatID, now time.Time, cfg *config, fn func(ct *chatTx) error) (*effects, error) {
	fx := &effects{}
	err := store.Update(ctx, func(tx Tx) error {
		*fx = effects{}
		c, err := tx.Chat(id)
		if err != nil {
			return err
		}
		ct := &chatTx{tx: tx, c: c, now: now, cfg: cfg, fx: fx}
		if err := fn(ct); err != nil {
			return err
		}
		if err := ct.maybeRekey(); err != nil {
			return err
		}
		return tx.PutChat(ct.c)
	})
	if err != nil {
		return nil, err
	}
	return fx, nil
}

// kick makes sure the chat's worker runs: it processes the inbox, sends what is unsent and
// tells the server about a discard.
func (m *Manager) kick(id ChatID) {
	m.mu.Lock()
	w := m.workers[id]
	if w == nil {
		w = &worker{}
		m.workers[id] = w
	}
	if w.running {
		w.again = true
		m.mu.Unlock()
		return
	}
	if m.ctx.Err() != nil {
		m.mu.Unlock()
		return
	}
	w.running = true
	m.wg.Add(1)
	m.mu.Unlock()
	go func() {
		defer m.wg.Done()
		for {
			if err := m.service(m.ctx, id); err != nil && m.ctx.Err() == nil {
				m.events.push(ErrorEvent{Chat: id, Err: err})
			}
			m.mu.Lock()
			if !w.again || m.ctx.Err() != nil {
				w.running = false
				m.mu.Unlock()
				return
			}
			w.again = false
			m.mu.Unlock()
		}
	}()
}

var errNotReadyYet = errors.New("secret: chat not ready yet")

// unknownChatRetention is how long ciphertext for an unknown chat is kept.
const unknownChatRetention = 7 * 24 * time.Hour

// service is one pass of a chat's worker.
func (m *Manager) service(ctx context.Context, id ChatID) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	for {
		var rows []InboxMessage
		if err := m.store.View(ctx, func(tx Tx) (err error) {
			rows, err = tx.Inbox(id)
			return err
		}); err != nil {
			return fmt.Errorf("secret: read inbox: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		stop := false
		for _, row := range rows {
			fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
				switch ct.c.State {
				case StateReady:
					return ct.receive(row)
				case StateClosed:
					return ct.tx.DeleteInbox(row.Seq)
				}
				return errNotReadyYet // kept until the key exchange completes
			})
			if errors.Is(err, ErrNotFound) {
				// A chat we do not know (yet): keep the message for as long as the server
				// would (7 days), then drop the ciphertext.
				if time.Unix(int64(row.Date), 0).Before(m.opts.Now().Add(-unknownChatRetention)) {
					if err := m.store.Update(ctx, func(tx Tx) error { return tx.DeleteInbox(row.Seq) }); err != nil {
						return fmt.Errorf("secret: drop stale message: %w", err)
					}
					continue
				}
				stop = true
				break
			}
			if errors.Is(err, errNotReadyYet) {
				stop = true
				break
			}
			if err != nil {
				return fmt.Errorf("secret: process message: %w", err)
			}
			m.afterCommit(ctx, id, fx)
		}
		if stop {
			break
		}
	}
	// A re-key that became due by age.
	var c Chat
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Chat(id)
		return err
	}); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	if rekeyDue(c, m.opts.Now(), m.cfg) {
		fx, err := m.chatUpdate(ctx, id, func(*chatTx) error { return nil })
		if err != nil {
			return err
		}
		m.afterCommit(ctx, id, fx)
	}
	if c.State == StateClosed {
		return m.discardRemote(ctx, id)
	}
	return m.flush(ctx, id)
}

// afterCommit delivers the effects of a committed transaction. The caller holds the chat lock.
func (m *Manager) afterCommit(ctx context.Context, id ChatID, fx *effects) {
	m.events.push(fx.events...)
	for _, r := range fx.resend {
		if err := m.resend(ctx, id, r[0], r[1]); err != nil {
			m.events.push(ErrorEvent{Chat: id, Err: err})
		}
	}
	if fx.discard {
		if err := m.discardRemote(ctx, id); err != nil {
			m.events.push(ErrorEvent{Chat: id, Err: err})
		}
	}
}

// ---- updates ----

// Handle routes a server update to the manager. It reports whether the update was a secret
// chat update. Updates of the types updateEncryption, updateNewEncryptedMessage,
// updateEncryptedChatTyping and updateEncryptedMessagesRead are handled.
func (m *Manager) Handle(ctx context.Context, u tg.UpdateClass) (bool, error) {
	switch u := u.(type) {
	case *tg.UpdateEncryption:
		return true, m.HandleEncryption(ctx, u)
	case *tg.UpdateNewEncryptedMessage:
		return true, m.HandleNewEncryptedMessage(ctx, u)
	case *tg.UpdateEncryptedChatTyping:
		return true, m.HandleTyping(ctx, u)
	case *tg.UpdateEncryptedMessagesRead:
		return true, m.HandleRead(ctx, u)
	}
	return false, nil
}

// HandleNewEncryptedMessage stores the raw message in the inbox before it returns (the
// caller's update state may advance past it right after), acknowledges it with
// messages.receivedQueue, and lets the chat's worker decrypt and apply it.
func (m *Manager) HandleNewEncryptedMessage(ctx context.Context, u *tg.UpdateNewEncryptedMessage) error {
	var row InboxMessage
	switch msg := u.Message.(type) {
	case *tg.EncryptedMessage:
		row = InboxMessage{ChatID: ChatID(msg.ChatID), RandomID: msg.RandomID, Date: msg.Date,
			Bytes: msg.Bytes, File: fileFromTL(msg.File)}
	case *tg.EncryptedMessageService:
		row = InboxMessage{ChatID: ChatID(msg.ChatID), RandomID: msg.RandomID, Date: msg.Date,
			Bytes: msg.Bytes, Service: true}
	default:
		return nil
	}
	row.Qts = u.Qts
	if err := m.store.Update(ctx, func(tx Tx) error {
		_, err := tx.PutInbox(row)
		return err
	}); err != nil {
		return fmt.Errorf("secret: store incoming message: %w", err)
	}
	if u.Qts > 0 {
		m.ack(u.Qts)
	}
	m.kick(row.ChatID)
	return nil
}

func fileFromTL(f tg.EncryptedFileClass) *EncryptedFile {
	ef, ok := f.(*tg.EncryptedFile)
	if !ok {
		return nil
	}
	return &EncryptedFile{ID: ef.ID, AccessHash: ef.AccessHash, Size: ef.Size, DCID: ef.DCID, KeyFingerprint: int32(ef.KeyFingerprint)}
}

func (m *Manager) ack(qts int) {
	m.mu.Lock()
	m.ackMax = max(m.ackMax, qts)
	m.mu.Unlock()
	select {
	case m.ackWake <- struct{}{}:
	default:
	}
}

// acker confirms stored messages with messages.receivedQueue, coalescing bursts.
func (m *Manager) acker() {
	defer m.wg.Done()
	acked := 0
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-m.ackWake:
		}
		m.mu.Lock()
		q := m.ackMax
		m.mu.Unlock()
		if q <= acked {
			continue
		}
		if _, err := m.api.MessagesReceivedQueue(m.ctx, q); err != nil {
			if m.ctx.Err() == nil {
				m.events.push(ErrorEvent{Err: fmt.Errorf("secret: receivedQueue: %w", err)})
			}
			continue
		}
		acked = q
	}
}

// HandleTyping reports the peer's typing.
func (m *Manager) HandleTyping(_ context.Context, u *tg.UpdateEncryptedChatTyping) error {
	m.events.push(Typing{Chat: ChatID(u.ChatID)})
	return nil
}

// HandleRead starts the self-destruct timers of our messages the peer has read.
func (m *Manager) HandleRead(ctx context.Context, u *tg.UpdateEncryptedMessagesRead) error {
	id := ChatID(u.ChatID)
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		ms, err := ct.tx.Messages(id)
		if err != nil {
			return err
		}
		var read []int64
		for _, msg := range ms {
			if !msg.Out || msg.Read || !msg.Sent || msg.Date.Unix() > int64(u.MaxDate) {
				continue
			}
			msg.Read = true
			ct.startTimer(&msg)
			if err := ct.tx.PutMessage(msg); err != nil {
				return err
			}
			read = append(read, msg.RandomID)
		}
		if len(read) > 0 {
			ct.emit(MessagesRead{Chat: id, RandomIDs: read})
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret: read receipt: %w", err)
	}
	m.afterCommit(ctx, id, fx)
	return nil
}

// HandleEncryption follows a chat's life cycle: requests, acceptance, discards.
func (m *Manager) HandleEncryption(ctx context.Context, u *tg.UpdateEncryption) error {
	switch ch := u.Chat.(type) {
	case *tg.EncryptedChatRequested:
		return m.onRequested(ctx, ch)
	case *tg.EncryptedChatWaiting:
		id := ChatID(ch.ID)
		lock := m.chatLock(id)
		lock.Lock()
		defer lock.Unlock()
		_, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
			if ct.c.AccessHash == 0 {
				ct.c.AccessHash = ch.AccessHash
			}
			return nil
		})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	case *tg.EncryptedChat:
		return m.onEncryptedChat(ctx, ch)
	case *tg.EncryptedChatDiscarded:
		return m.onDiscarded(ctx, ch)
	}
	return nil
}

func (m *Manager) onRequested(ctx context.Context, ch *tg.EncryptedChatRequested) error {
	id := ChatID(ch.ID)
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	var info ChatInfo
	created := false
	err := m.store.Update(ctx, func(tx Tx) error {
		created = false
		if _, err := tx.Chat(id); err == nil {
			return nil // known chat: a duplicate request is ignored
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		c := Chat{ID: id, AccessHash: ch.AccessHash, PeerID: ch.AdminID, State: StateRequested,
			Created: time.Unix(int64(ch.Date), 0), PeerPublic: bytes.Clone(ch.GA), ResendUpTo: -1,
			HisLayer: initialHisLayer}
		info, created = chatInfo(c), true
		return tx.PutChat(c)
	})
	if err != nil {
		return fmt.Errorf("secret: store chat request: %w", err)
	}
	if created {
		m.events.push(ChatRequested{Chat: info})
	}
	return nil
}

func (m *Manager) onEncryptedChat(ctx context.Context, ch *tg.EncryptedChat) error {
	id := ChatID(ch.ID)
	lock := m.chatLock(id)
	lock.Lock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error { return ct.onEncryptedChat(ch) })
	lock.Unlock()
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret: chat %d established: %w", id, err)
	}
	m.events.push(fx.events...)
	m.kick(id) // NotifyLayer, queued messages; a discard after a failed check
	return nil
}

// onEncryptedChat completes the key exchange (originator) or confirms it (responder).
func (ct *chatTx) onEncryptedChat(ch *tg.EncryptedChat) error {
	c := &ct.c
	switch c.State {
	case StateWaiting:
		p := new(big.Int).SetBytes(c.P)
		gb, err := ParsePublicValue(ch.GAOrB, p)
		if err != nil {
			return ct.abort(err)
		}
		a := new(big.Int).SetBytes(c.Secret)
		defer WipeInt(a)
		key, err := SharedKey(gb, a, p)
		if err != nil {
			return ct.abort(err)
		}
		fp := KeyFingerprint(key)
		if fp != ch.KeyFingerprint {
			wipe(key)
			return ct.abort(ErrFingerprint)
		}
		if c.AccessHash == 0 {
			c.AccessHash = ch.AccessHash
		}
		return ct.becomeReady(key, fp)
	case StateAccepting:
		if c.KeyFingerprint != ch.KeyFingerprint {
			return ct.abort(ErrFingerprint)
		}
		return ct.becomeReady(c.Key, c.KeyFingerprint)
	}
	return nil
}

func (ct *chatTx) becomeReady(key []byte, fp int64) error {
	c := &ct.c
	wipe(c.Secret)
	c.Secret, c.PeerPublic = nil, nil
	c.Key, c.KeyFingerprint = key, fp
	c.KeyHash = KeyHash(key)
	c.KeyUses, c.KeySince = 0, ct.now
	c.State = StateReady
	c.HisLayer = max(c.HisLayer, initialHisLayer)
	c.MyLayer = Layer
	if err := ct.enqueueService(&e2e.DecryptedMessageActionNotifyLayer{Layer: Layer}); err != nil {
		return err
	}
	ct.emit(ChatReady{Chat: chatInfo(*c), Fingerprint: Fingerprint{KeyHash: c.KeyHash}})
	return nil
}

func (m *Manager) onDiscarded(ctx context.Context, ch *tg.EncryptedChatDiscarded) error {
	id := ChatID(ch.ID)
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		if ct.c.State == StateClosed {
			ct.c.DiscardPending = false // the server knows
			if ch.HistoryDeleted {
				return ct.tx.DeleteMessages(id)
			}
			return nil
		}
		return ct.close(ClosedByPeer, nil, ch.HistoryDeleted, false)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret: chat %d discarded: %w", id, err)
	}
	m.events.push(fx.events...)
	return nil
}

// ---- sending ----

func inputChat(c Chat) tg.InputEncryptedChat {
	return tg.InputEncryptedChat{ChatID: int(c.ID), AccessHash: c.AccessHash}
}

// sendStored sends a stored outgoing message exactly as stored.
func (m *Manager) sendStored(ctx context.Context, c Chat, o OutboxMessage) (int, *EncryptedFile, error) {
	var (
		res tg.MessagesSentEncryptedMessageClass
		err error
	)
	switch {
	case o.File != nil:
		var f tg.InputEncryptedFileClass
		switch {
		case o.File.Sent != nil:
			f = &tg.InputEncryptedFile{ID: o.File.Sent.ID, AccessHash: o.File.Sent.AccessHash}
		case o.File.Big:
			f = &tg.InputEncryptedFileBigUploaded{ID: o.File.UploadID, Parts: o.File.Parts, KeyFingerprint: int(o.File.KeyFingerprint)}
		default:
			f = &tg.InputEncryptedFileUploaded{ID: o.File.UploadID, Parts: o.File.Parts, MD5Checksum: o.File.MD5, KeyFingerprint: int(o.File.KeyFingerprint)}
		}
		res, err = m.api.MessagesSendEncryptedFile(ctx, &tg.MessagesSendEncryptedFileRequest{
			Peer: inputChat(c), RandomID: o.RandomID, Data: o.Bytes, File: f})
	case o.Service:
		res, err = m.api.MessagesSendEncryptedService(ctx, &tg.MessagesSendEncryptedServiceRequest{
			Peer: inputChat(c), RandomID: o.RandomID, Data: o.Bytes})
	default:
		res, err = m.api.MessagesSendEncrypted(ctx, &tg.MessagesSendEncryptedRequest{
			Peer: inputChat(c), RandomID: o.RandomID, Data: o.Bytes})
	}
	if err != nil {
		return 0, nil, err
	}
	switch r := res.(type) {
	case *tg.MessagesSentEncryptedMessage:
		return r.Date, nil, nil
	case *tg.MessagesSentEncryptedFile:
		return r.Date, fileFromTL(r.File), nil
	}
	return 0, nil, fmt.Errorf("secret: unexpected send result %T", res)
}

// isPeerGone reports send errors that mean the chat is over.
func isPeerGone(err error) bool {
	if tgerr.Is(err, "ENCRYPTION_DECLINED", "ENCRYPTION_ID_INVALID", "CHAT_ID_INVALID") {
		return true
	}
	var rpc *tgerr.Error
	return errors.As(err, &rpc) && rpc.Code == 403
}

// flush sends the chat's unsent messages in seq order, stopping at the first failure (they
// are retried later, never re-encrypted). The caller holds the chat lock.
func (m *Manager) flush(ctx context.Context, id ChatID) error {
	var c Chat
	var outs []OutboxMessage
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		if c, err = tx.Chat(id); err != nil {
			return err
		}
		outs, err = tx.Outbox(id, 0, math.MaxInt)
		return err
	}); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return fmt.Errorf("secret: read outbox: %w", err)
	}
	if c.State != StateReady {
		return nil
	}
	for _, o := range outs {
		if o.Sent {
			continue
		}
		if err := m.sendAndMark(ctx, c, o); err != nil {
			return err
		}
	}
	return nil
}

func (m *Manager) sendAndMark(ctx context.Context, c Chat, o OutboxMessage) error {
	date, file, err := m.sendStored(ctx, c, o)
	if err != nil {
		if isPeerGone(err) {
			fx, uerr := m.chatUpdate(ctx, c.ID, func(ct *chatTx) error {
				return ct.close(ClosedByPeer, err, false, false)
			})
			if uerr == nil {
				m.events.push(fx.events...)
			}
		}
		return fmt.Errorf("secret: send: %w", err)
	}
	var evs []Event
	err = m.store.Update(ctx, func(tx Tx) error {
		evs = nil
		rows, err := tx.Outbox(c.ID, o.OutSeq, o.OutSeq)
		if err != nil {
			return err
		}
		if len(rows) == 1 && rows[0].RandomID == o.RandomID {
			r := rows[0]
			r.Sent = true
			if r.Date == 0 {
				r.Date = date
			}
			if r.File != nil && file != nil && r.File.Sent == nil {
				r.File.Sent = file
			}
			if err := tx.PutOutbox(r); err != nil {
				return err
			}
		}
		msg, err := tx.Message(c.ID, o.RandomID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if msg.Out && !msg.Sent {
			msg.Sent = true
			if date != 0 {
				msg.Date = time.Unix(int64(date), 0)
			}
			if msg.Media != nil && file != nil {
				msg.Media.File = *file
			}
			if err := tx.PutMessage(msg); err != nil {
				return err
			}
			evs = append(evs, MessageSent{Chat: c.ID, RandomID: o.RandomID, Date: msg.Date})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: mark sent: %w", err)
	}
	m.events.push(evs...)
	return nil
}

// resend sends our stored messages with raw out_seq_no in [from, to] again, byte for byte.
func (m *Manager) resend(ctx context.Context, id ChatID, from, to int) error {
	var c Chat
	var outs []OutboxMessage
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		if c, err = tx.Chat(id); err != nil {
			return err
		}
		outs, err = tx.Outbox(id, from, to)
		return err
	}); err != nil {
		return fmt.Errorf("secret: resend: %w", err)
	}
	if c.State != StateReady {
		return nil
	}
	for _, o := range outs {
		if err := m.sendAndMark(ctx, c, o); err != nil {
			return fmt.Errorf("secret: resend: %w", err)
		}
	}
	return nil
}

// discardRemote tells the server about a closed chat (a durable task: retried until it works).
func (m *Manager) discardRemote(ctx context.Context, id ChatID) error {
	var c Chat
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Chat(id)
		return err
	}); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	if !c.DiscardPending {
		return nil
	}
	_, err := m.api.MessagesDiscardEncryption(ctx, &tg.MessagesDiscardEncryptionRequest{ChatID: int(id), DeleteHistory: c.DiscardDeleteHistory})
	if err != nil && !tgerr.Is(err, "ENCRYPTION_ALREADY_DECLINED", "ENCRYPTION_ID_INVALID", "CHAT_ID_INVALID", "CHAT_ID_EMPTY") {
		return fmt.Errorf("secret: discardEncryption: %w", err)
	}
	return m.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Chat(id)
		if err != nil {
			return err
		}
		c.DiscardPending = false
		return tx.PutChat(c)
	})
}

// ---- user actions ----

// dhConfig returns checked DH parameters and fresh server randomness, using the cached
// parameters and the cached safe-prime verdict when the server says nothing changed.
func (m *Manager) dhConfig(ctx context.Context) (int, *big.Int, []byte, error) {
	m.dhMu.Lock()
	defer m.dhMu.Unlock()
	var cached DHConfig
	have := false
	if err := m.store.View(ctx, func(tx Tx) error {
		c, err := tx.DHConfig()
		if err == nil {
			cached, have = c, true
			return nil
		}
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}); err != nil {
		return 0, nil, nil, fmt.Errorf("secret: dh config: %w", err)
	}
	version := 0
	if have {
		version = cached.Version
	}
	res, err := m.api.MessagesGetDhConfig(ctx, &tg.MessagesGetDhConfigRequest{Version: version, RandomLength: KeySize})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("secret: getDhConfig: %w", err)
	}
	var random []byte
	next := cached
	switch r := res.(type) {
	case *tg.MessagesDhConfigNotModified:
		if !have {
			return 0, nil, nil, fmt.Errorf("%w: dhConfigNotModified without a cached config", ErrDHParams)
		}
		random = r.Random
	case *tg.MessagesDhConfig:
		random = r.Random
		if !have || !bytes.Equal(cached.P, r.P) {
			next.Checked = false
		}
		next.Version, next.G, next.P = r.Version, r.G, r.P
	default:
		return 0, nil, nil, fmt.Errorf("secret: getDhConfig: unexpected %T", res)
	}
	p := new(big.Int).SetBytes(next.P)
	if next.Checked {
		err = checkDHShape(next.G, p)
	} else {
		err = m.verdicts.CheckDHParams(next.G, p)
	}
	if err != nil {
		return 0, nil, nil, err
	}
	if !next.Checked || next.Version != cached.Version || !have {
		next.Checked = true
		if err := m.store.Update(ctx, func(tx Tx) error { return tx.PutDHConfig(next) }); err != nil {
			return 0, nil, nil, fmt.Errorf("secret: store dh config: %w", err)
		}
	}
	return next.G, p, random, nil
}

// Start asks userID for a secret chat. The chat is Waiting until the peer accepts. If the
// server refuses, no chat remains (id 0); if the request got lost on the way (a network
// error), the id is returned with the error and the chat stays Waiting.
func (m *Manager) Start(ctx context.Context, userID, accessHash int64) (ChatID, error) {
	g, p, random, err := m.dhConfig(ctx)
	if err != nil {
		return 0, err
	}
	a, ga, err := NewKeyPair(g, p, random)
	if err != nil {
		return 0, err
	}
	defer WipeInt(a)
	var id ChatID
	var info ChatInfo
	err = m.store.Update(ctx, func(tx Tx) error {
		for {
			var b [4]byte
			if _, err := rand.Read(b[:]); err != nil {
				return err
			}
			id = ChatID(binary.LittleEndian.Uint32(b[:]) & 0x7fffffff)
			if id == 0 {
				continue
			}
			if _, err := tx.Chat(id); errors.Is(err, ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
		}
		c := Chat{ID: id, PeerID: userID, Originator: true, State: StateWaiting, Created: m.opts.Now(),
			G: g, P: p.Bytes(), Secret: a.FillBytes(make([]byte, KeySize)), ResendUpTo: -1, HisLayer: initialHisLayer}
		info = chatInfo(c)
		return tx.PutChat(c)
	})
	if err != nil {
		return 0, fmt.Errorf("secret: store new chat: %w", err)
	}
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	res, err := m.api.MessagesRequestEncryption(ctx, &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: userID, AccessHash: accessHash}, RandomID: int(id), GA: ga.Bytes()})
	if err != nil {
		var rpc *tgerr.Error
		if errors.As(err, &rpc) {
			// The server refused: nothing exists there.
			_ = m.store.Update(context.WithoutCancel(ctx), func(tx Tx) error { return tx.DeleteChat(id) })
			return 0, fmt.Errorf("secret: requestEncryption: %w", err)
		}
		// The request may have reached the server: keep the chat Waiting, so that an
		// acceptance still completes it (Discard cancels it).
		m.events.push(ChatWaiting{Chat: info})
		return id, fmt.Errorf("secret: requestEncryption (chat kept waiting): %w", err)
	}
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		switch r := res.(type) {
		case *tg.EncryptedChatWaiting:
			if ChatID(r.ID) != id {
				return ct.abort(ErrChatIDMismatch)
			}
			ct.c.AccessHash = r.AccessHash
			ct.emit(ChatWaiting{Chat: info})
		case *tg.EncryptedChat:
			if ChatID(r.ID) != id {
				return ct.abort(ErrChatIDMismatch)
			}
			return ct.onEncryptedChat(r)
		case *tg.EncryptedChatDiscarded:
			return ct.close(ClosedByPeer, nil, false, false)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("secret: store chat: %w", err)
	}
	m.afterCommit(ctx, id, fx)
	m.kick(id)
	return id, nil
}

// Accept accepts a requested chat: the key exchange completes and the chat becomes ready.
func (m *Manager) Accept(ctx context.Context, id ChatID) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	c, err := m.chat(ctx, id)
	if err != nil {
		return err
	}
	var (
		b, gb *big.Int
		key   []byte
		fp    int64
	)
	switch c.State {
	case StateAccepting:
		// A retry after a failed acceptEncryption: the same b, so that a server which did
		// get the first call sees the same g_b and fingerprint.
		p := new(big.Int).SetBytes(c.P)
		b = new(big.Int).SetBytes(c.Secret)
		gb = new(big.Int).Exp(big.NewInt(int64(c.G)), b, p)
		key, fp = c.Key, c.KeyFingerprint
	case StateRequested:
		g, p, random, err := m.dhConfig(ctx)
		if err != nil {
			return err
		}
		ga, err := ParsePublicValue(c.PeerPublic, p)
		if err != nil {
			fx, uerr := m.chatUpdate(ctx, id, func(ct *chatTx) error { return ct.abort(err) })
			if uerr == nil {
				m.afterCommit(ctx, id, fx)
			}
			return fmt.Errorf("secret: accept: %w", err)
		}
		if b, gb, err = NewKeyPair(g, p, random); err != nil {
			return err
		}
		if key, err = SharedKey(ga, b, p); err != nil {
			WipeInt(b)
			return err
		}
		fp = KeyFingerprint(key)
		// Persist before the server learns about it.
		if _, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
			ct.c.State, ct.c.G, ct.c.P = StateAccepting, g, p.Bytes()
			ct.c.Secret = b.FillBytes(make([]byte, KeySize))
			ct.c.Key, ct.c.KeyFingerprint = key, fp
			return nil
		}); err != nil {
			WipeInt(b)
			return fmt.Errorf("secret: accept: %w", err)
		}
	default:
		return fmt.Errorf("secret: accept: chat is %v", c.State)
	}
	defer WipeInt(b)
	res, err := m.api.MessagesAcceptEncryption(ctx, &tg.MessagesAcceptEncryptionRequest{
		Peer: inputChat(c), GB: gb.Bytes(), KeyFingerprint: fp})
	if err != nil && c.State == StateAccepting && tgerr.Is(err, "ENCRYPTION_ALREADY_ACCEPTED") {
		// Our first call went through and only its answer was lost: the peer holds the key
		// made from this very g_b.
		fx, uerr := m.chatUpdate(ctx, id, func(ct *chatTx) error {
			if ct.c.State != StateAccepting {
				return nil
			}
			return ct.becomeReady(ct.c.Key, ct.c.KeyFingerprint)
		})
		if uerr != nil {
			return fmt.Errorf("secret: accept: %w", uerr)
		}
		m.afterCommit(ctx, id, fx)
		m.kick(id)
		return nil
	}
	if err != nil {
		if tgerr.Is(err, "ENCRYPTION_ALREADY_ACCEPTED", "ENCRYPTION_ALREADY_DECLINED", "CHAT_ID_INVALID") {
			fx, uerr := m.chatUpdate(context.WithoutCancel(ctx), id, func(ct *chatTx) error {
				return ct.close(ClosedByPeer, err, false, false)
			})
			if uerr == nil {
				m.afterCommit(ctx, id, fx)
			}
		}
		// Otherwise the chat stays Accepting; Accept may be called again.
		return fmt.Errorf("secret: acceptEncryption: %w", err)
	}
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		switch r := res.(type) {
		case *tg.EncryptedChat:
			if ChatID(r.ID) != id {
				return ct.abort(ErrChatIDMismatch)
			}
			return ct.onEncryptedChat(r)
		case *tg.EncryptedChatDiscarded:
			return ct.close(ClosedByPeer, nil, false, false)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: accept: %w", err)
	}
	m.afterCommit(ctx, id, fx)
	m.kick(id)
	return nil
}

// Decline refuses a requested chat.
func (m *Manager) Decline(ctx context.Context, id ChatID) error {
	return m.Discard(ctx, id, false)
}

// Discard closes a chat (or cancels a request) for both sides; deleteHistory also wipes the
// history here and asks the peer to do the same. The chat is closed locally at once; if the
// server cannot be told now, that is retried (an ErrorEvent reports the failure).
func (m *Manager) Discard(ctx context.Context, id ChatID, deleteHistory bool) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		if ct.c.State == StateClosed {
			if deleteHistory {
				return ct.tx.DeleteMessages(id)
			}
			return nil
		}
		return ct.close(ClosedByUser, nil, deleteHistory, true)
	})
	if err != nil {
		return fmt.Errorf("secret: discard: %w", err)
	}
	m.events.push(fx.events...)
	if err := m.discardRemote(ctx, id); err != nil {
		// Closed here already; the server is told later (Tick retries).
		m.events.push(ErrorEvent{Chat: id, Err: err})
	}
	return nil
}

func (m *Manager) chat(ctx context.Context, id ChatID) (Chat, error) {
	var c Chat
	err := m.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Chat(id)
		return err
	})
	return c, err
}

// SendOptions tune an outgoing message.
type SendOptions struct {
	// TTL overrides the chat's self-destruct timer for this message (seconds; nil = chat default).
	TTL *int
	// Silent: the peer gets no notification sound.
	Silent bool
	// ReplyTo is the random id of the message answered (0 = none).
	ReplyTo int64
}

// userSend stores one user-visible message and sends it. The message is kept (and retried)
// even when the send fails; the error says so.
func (m *Manager) userSend(ctx context.Context, id ChatID, build func(ct *chatTx) error) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, build)
	if err != nil {
		return err
	}
	m.afterCommit(ctx, id, fx)
	if err := m.flush(ctx, id); err != nil {
		return fmt.Errorf("%w (kept, will retry)", err)
	}
	return nil
}

// SendText sends a text message and returns it as stored.
func (m *Manager) SendText(ctx context.Context, id ChatID, text string, opts SendOptions) (Message, error) {
	var msg Message
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		if ct.c.State != StateReady {
			return ErrNotReady
		}
		rid := nonZeroRandInt64()
		ttl := ct.c.TTL
		if opts.TTL != nil {
			ttl = min(max(*opts.TTL, 0), maxTTL)
		}
		dm := &e2e.DecryptedMessage{RandomID: rid, TTL: ttl, Message: text, Silent: opts.Silent}
		if opts.ReplyTo != 0 {
			dm.SetReplyToRandomID(opts.ReplyTo)
		}
		if _, err := ct.enqueue(dm, rid, false, nil); err != nil {
			return err
		}
		msg = Message{ChatID: id, RandomID: rid, Out: true, Kind: KindText, Date: ct.now, Text: text, TTL: ttl}
		if err := ct.tx.PutMessage(msg); err != nil {
			return err
		}
		ct.emit(MessageQueued{Message: msg})
		return nil
	})
	if err != nil && msg.RandomID == 0 {
		return Message{}, fmt.Errorf("secret: send text: %w", err)
	}
	if stored, gerr := m.message(ctx, id, msg.RandomID); gerr == nil {
		msg = stored
	}
	return msg, err
}

func (m *Manager) message(ctx context.Context, id ChatID, rid int64) (Message, error) {
	var msg Message
	err := m.store.View(ctx, func(tx Tx) (err error) {
		msg, err = tx.Message(id, rid)
		return err
	})
	return msg, err
}

// MarkRead marks every incoming message of the chat as read: their self-destruct timers
// start, and the peer learns it (messages.readEncryptedHistory, and ReadMessages for
// self-destructing messages so that the peer's timers start too).
func (m *Manager) MarkRead(ctx context.Context, id ChatID) error {
	maxDate := 0
	var c Chat
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		maxDate = 0
		c = ct.c
		ms, err := ct.tx.Messages(id)
		if err != nil {
			return err
		}
		var ttlIDs []int64
		for _, msg := range ms {
			if msg.Out || msg.Read {
				continue
			}
			msg.Read = true
			ct.startTimer(&msg)
			if err := ct.tx.PutMessage(msg); err != nil {
				return err
			}
			maxDate = max(maxDate, int(msg.Date.Unix()))
			if msg.TTL > 0 {
				ttlIDs = append(ttlIDs, msg.RandomID)
			}
		}
		if len(ttlIDs) > 0 && ct.c.State == StateReady {
			return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionReadMessages{RandomIDs: ttlIDs})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: mark read: %w", err)
	}
	if maxDate > 0 && c.State == StateReady {
		if _, err := m.api.MessagesReadEncryptedHistory(ctx, &tg.MessagesReadEncryptedHistoryRequest{Peer: inputChat(c), MaxDate: maxDate}); err != nil {
			return fmt.Errorf("secret: readEncryptedHistory: %w", err)
		}
	}
	return nil
}

// SetTTL sets the chat's self-destruct timer (seconds, 0 = off) for both sides.
func (m *Manager) SetTTL(ctx context.Context, id ChatID, seconds int) error {
	if seconds < 0 || seconds > maxTTL {
		return fmt.Errorf("secret: ttl %d out of range", seconds)
	}
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		rid := nonZeroRandInt64()
		if err := ct.enqueueVisibleService(rid, &e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: seconds}); err != nil {
			return err
		}
		ct.c.TTL = seconds
		msg := Message{ChatID: id, RandomID: rid, Out: true, Kind: KindService, Date: ct.now, ServiceTTL: seconds}
		if err := ct.tx.PutMessage(msg); err != nil {
			return err
		}
		ct.emit(TTLChanged{Chat: id, TTL: seconds}, MessageQueued{Message: msg})
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: set ttl: %w", err)
	}
	return nil
}

// SetTyping tells the peer (through the server, unencrypted) that the user is typing.
func (m *Manager) SetTyping(ctx context.Context, id ChatID, typing bool) error {
	c, err := m.chat(ctx, id)
	if err != nil {
		return err
	}
	if c.State != StateReady {
		return ErrNotReady
	}
	if _, err := m.api.MessagesSetEncryptedTyping(ctx, &tg.MessagesSetEncryptedTypingRequest{Peer: inputChat(c), Typing: typing}); err != nil {
		return fmt.Errorf("secret: setEncryptedTyping: %w", err)
	}
	return nil
}

// DeleteMessages deletes messages on both sides. Our own messages the peer has not yet
// received are rewritten in place as self-deletes with the same seq numbers, so their content
// never reaches the peer.
func (m *Manager) DeleteMessages(ctx context.Context, id ChatID, randomIDs []int64) error {
	if len(randomIDs) == 0 {
		return nil
	}
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		want := map[int64]bool{}
		for _, rid := range randomIDs {
			want[rid] = true
			if err := ct.tx.DeleteMessage(id, rid); err != nil {
				return err
			}
		}
		ct.emit(MessagesDeleted{Chat: id, RandomIDs: randomIDs})
		if ct.c.State != StateReady {
			return nil
		}
		outs, err := ct.tx.Outbox(id, 0, math.MaxInt)
		if err != nil {
			return err
		}
		for _, o := range outs {
			if !want[o.RandomID] {
				continue
			}
			if err := ct.rewriteAsSelfDelete(o); err != nil {
				return err
			}
		}
		return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionDeleteMessages{RandomIDs: randomIDs})
	})
	if err != nil {
		return fmt.Errorf("secret: delete messages: %w", err)
	}
	return nil
}

// rewriteAsSelfDelete replaces a stored outgoing message by a service message deleting
// itself, with the same random_id and seq numbers.
func (ct *chatTx) rewriteAsSelfDelete(o OutboxMessage) error {
	c := &ct.c
	x := ct.xSeq()
	payload, err := encodeLayer(sendLayer(c.HisLayer), 2*o.InSeq+x, 2*o.OutSeq+(1-x),
		&e2e.DecryptedMessageService{RandomID: o.RandomID,
			Action: &e2e.DecryptedMessageActionDeleteMessages{RandomIDs: []int64{o.RandomID}}})
	if err != nil {
		return err
	}
	wire, err := Seal(c.Key, c.Originator, payload)
	wipe(payload)
	if err != nil {
		return err
	}
	o.Bytes, o.File, o.Service = wire, nil, false
	return ct.tx.PutOutbox(o)
}

// FlushHistory clears the chat's history on both sides.
func (m *Manager) FlushHistory(ctx context.Context, id ChatID) error {
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		if err := ct.tx.DeleteMessages(id); err != nil {
			return err
		}
		ct.emit(HistoryFlushed{Chat: id})
		if ct.c.State != StateReady {
			return nil
		}
		return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionFlushHistory{})
	})
	if err != nil {
		return fmt.Errorf("secret: flush history: %w", err)
	}
	return nil
}

// Rekey starts a re-key exchange now (they also start by themselves after 100 messages or
// 7 days). The key visualisation does not change.
func (m *Manager) Rekey(ctx context.Context, id ChatID) error {
	_, _, random, err := m.dhConfig(ctx)
	if err != nil {
		return err
	}
	err = m.userSend(ctx, id, func(ct *chatTx) error { return ct.startRekey(random) })
	if err != nil {
		return fmt.Errorf("secret: rekey: %w", err)
	}
	return nil
}

// Fingerprint returns the chat's key visualisation (from the original key).
func (m *Manager) Fingerprint(ctx context.Context, id ChatID) (Fingerprint, error) {
	c, err := m.chat(ctx, id)
	if err != nil {
		return Fingerprint{}, err
	}
	if c.KeyHash == ([KeyHashSize]byte{}) {
		return Fingerprint{}, ErrNotReady
	}
	return Fingerprint{KeyHash: c.KeyHash}, nil
}

// SetVerified records whether the user compared the key visualisation with the peer.
func (m *Manager) SetVerified(ctx context.Context, id ChatID, verified bool) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	_, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		ct.c.Verified = verified
		return nil
	})
	return err
}

// Chats lists all chats.
func (m *Manager) Chats(ctx context.Context) ([]ChatInfo, error) {
	var out []ChatInfo
	err := m.store.View(ctx, func(tx Tx) error {
		cs, err := tx.Chats()
		out = out[:0]
		for _, c := range cs {
			out = append(out, chatInfo(c))
		}
		return err
	})
	return out, err
}

// Chat describes one chat.
func (m *Manager) Chat(ctx context.Context, id ChatID) (ChatInfo, error) {
	c, err := m.chat(ctx, id)
	if err != nil {
		return ChatInfo{}, err
	}
	return chatInfo(c), nil
}

// Messages returns the chat's history, oldest first.
func (m *Manager) Messages(ctx context.Context, id ChatID) ([]Message, error) {
	var out []Message
	err := m.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Messages(id)
		return err
	})
	return out, err
}
