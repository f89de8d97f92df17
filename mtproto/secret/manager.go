package secret

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gotd/td/tg/e2e"
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
	// RekeyTimeout: a re-key exchange that has not finished after this long is given up, so
	// that the chat can re-key again. Default 24 hours.
	RekeyTimeout time.Duration
	// ResendRetry: a gap whose missing messages have not come this long after the Resend
	// that asked for them is asked for again, then after twice as long each time (at most
	// every 10 minutes). Default 10 s.
	ResendRetry time.Duration
	// TickInterval is how often Run expires messages and retries sends. Default 1 s.
	TickInterval time.Duration
	// NewChatTTL, when set, is the self-destruct timer (seconds, 0 = none) a chat gets when it becomes
	// ready: the timer action is queued right after the layer notice, in the transaction that makes the
	// chat ready, so it is sent once and survives a crash. It is asked at that moment (the user's
	// current choice) and must return at once.
	NewChatTTL func() int
	// RetryTransfer, when set, runs each file part's upload and each chunk's download, repeating it
	// after failures it judges passing (a dropped connection the client recovers from); the client
	// package owns that judgement (mtproto.RetryTransient). Nil tries each once.
	RetryTransfer func(ctx context.Context, call func() error) error
}

// Manager runs Tacit's secret chats: it answers server updates, carries out the user's
// actions and keeps everything the protocol depends on in a Storage. Operations on one chat are
// strictly ordered. Incoming chat requests wait for Accept or Decline.
//
// Create it with NewManager, route the update types listed at Handle to it, call Run in a
// goroutine, and Close it when done. LogOut ends the account's chats and leaves the Manager
// ready for the next account.
type Manager struct {
	api      API
	base     Storage // the Storage as given
	store    Storage // base, refusing writes while LogOut runs
	opts     Options
	cfg      config
	events   *eventQueue
	verdicts DHVerdictCache

	closed chan struct{} // closed by Close

	dhMu     sync.Mutex
	logoutMu sync.Mutex // one LogOut at a time

	// gate orders LogOut against writers: every write transaction holds it for reading
	// and refuses to start once loggingOut is set; LogOut sets the flag holding it for
	// writing, so no write of the old account lands after LogOut deleted everything.
	gate       sync.RWMutex
	loggingOut atomic.Bool

	mu       sync.Mutex
	isClosed bool
	// ctx is the background work of the current account (chat workers, the acker):
	// Close and LogOut cancel it, and LogOut starts a new one.
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	locks   map[ChatID]*sync.Mutex
	workers map[ChatID]*worker
	ackMax  int
	ackWake chan struct{}
	// ackHeld is set once an incoming message could not be stored: from then on the
	// acker confirms nothing past ackCap (confirming a later qts would confirm that
	// message too, and the server may forget it). The next start fetches it again.
	ackHeld bool
	ackCap  int
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
	if opts.RekeyTimeout <= 0 {
		opts.RekeyTimeout = 24 * time.Hour
	}
	if opts.ResendRetry <= 0 {
		opts.ResendRetry = 10 * time.Second
	}
	m := &Manager{
		api: api, base: store, opts: opts,
		cfg: config{rekeyAfterUses: opts.RekeyAfterMessages, rekeyAfterAge: opts.RekeyAfter, rekeyTimeout: opts.RekeyTimeout,
			resendRetry: opts.ResendRetry, newChatTTL: opts.NewChatTTL},
		events:  newEventQueue(opts.Events),
		closed:  make(chan struct{}),
		locks:   map[ChatID]*sync.Mutex{},
		workers: map[ChatID]*worker{},
		ackWake: make(chan struct{}, 1),
	}
	m.store = gatedStorage{m}
	m.mu.Lock()
	m.startWork()
	m.mu.Unlock()
	return m
}

// startWork starts the background work of an account. The caller holds m.mu.
func (m *Manager) startWork() {
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.wg.Add(1)
	go m.acker(m.ctx)
}

// Close stops the Manager's goroutines and delivers the remaining events. Work in the store
// (inbox, unsent messages) is picked up again by the next Manager's Run.
func (m *Manager) Close() {
	m.mu.Lock() // kick checks the context and adds to wg under m.mu
	if m.isClosed {
		m.mu.Unlock()
		return
	}
	m.isClosed = true
	close(m.closed)
	m.cancel()
	m.mu.Unlock()
	m.wg.Wait()
	m.events.close()
}

// Run resumes stored work (queued incoming messages, unsent messages, pending discards,
// NotifyLayer after an upgrade) and then, until ctx ends or the Manager is closed, expires
// self-destructing messages and retries failed sends every TickInterval.
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
		case <-m.closed:
			return nil
		case <-t.C:
			if m.loggingOut.Load() {
				continue
			}
			if err := m.Tick(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrLoggingOut) {
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
	// An acknowledgement that failed is tried again.
	select {
	case m.ackWake <- struct{}{}:
	default:
	}
	if err := m.expire(ctx, now); err != nil {
		return err
	}
	var wake []ChatID
	err := m.store.View(ctx, func(tx Tx) error {
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
				due := housekeepingDue(c, now, m.cfg)
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

// expire deletes the messages whose self-destruct time has come, chat by chat under the
// chat's lock. An expired message of ours that the peer has not acknowledged yet stays in the
// outbox for resends only as a self-delete with the same seq numbers: its ciphertext goes.
func (m *Manager) expire(ctx context.Context, now time.Time) error {
	var due []Message
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		due, err = tx.Expiring(now)
		return err
	}); err != nil {
		return fmt.Errorf("secret: expire messages: %w", err)
	}
	byChat := map[ChatID][]int64{}
	var order []ChatID
	for _, msg := range due {
		if _, ok := byChat[msg.ChatID]; !ok {
			order = append(order, msg.ChatID)
		}
		byChat[msg.ChatID] = append(byChat[msg.ChatID], msg.RandomID)
	}
	for _, id := range order {
		lock := m.chatLock(id)
		lock.Lock()
		fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error { return ct.expire(byChat[id]) })
		if errors.Is(err, ErrNotFound) {
			// History of a chat whose record is gone.
			fx = &effects{}
			err = m.store.Update(ctx, func(tx Tx) error {
				fx.events = nil
				gone, err := expireMessages(tx, id, byChat[id], now)
				if len(gone) > 0 {
					fx.events = []Event{MessagesDeleted{Chat: id, RandomIDs: gone, Expired: true}}
				}
				return err
			})
		}
		lock.Unlock()
		if err != nil {
			return fmt.Errorf("secret: expire messages: %w", err)
		}
		m.events.push(fx.events...)
	}
	return nil
}

// expireMessages deletes those of the messages that are still there and due at now, and
// returns them.
func expireMessages(tx Tx, id ChatID, randomIDs []int64, now time.Time) ([]int64, error) {
	var gone []int64
	for _, rid := range randomIDs {
		msg, err := tx.Message(id, rid)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if msg.ExpiresAt.IsZero() || msg.ExpiresAt.After(now) {
			continue
		}
		if err := tx.DeleteMessage(id, rid); err != nil {
			return nil, err
		}
		gone = append(gone, rid)
	}
	return gone, nil
}

// expire deletes the chat's expired messages among randomIDs.
func (ct *chatTx) expire(randomIDs []int64) error {
	c := &ct.c
	gone, err := expireMessages(ct.tx, c.ID, randomIDs, ct.now)
	if err != nil || len(gone) == 0 {
		return err
	}
	if c.State == StateReady {
		expired := map[int64]bool{}
		for _, rid := range gone {
			expired[rid] = true
		}
		outs, err := ct.tx.Outbox(c.ID, 0, math.MaxInt)
		if err != nil {
			return err
		}
		for _, o := range outs {
			if expired[o.RandomID] {
				if err := ct.rewriteAsSelfDelete(o); err != nil {
					return err
				}
			}
		}
	}
	ct.emit(MessagesDeleted{Chat: c.ID, RandomIDs: gone, Expired: true})
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

// updateChat loads chat id, lets fn apply protocol steps to it, does the chat's time-driven
// work (housekeeping: a re-key to start or give up, a Resend to repeat), and stores the
// chat, all in one transaction. It does no network I/O.
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
		if err := ct.housekeeping(); err != nil {
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
	if m.ctx.Err() != nil || m.loggingOut.Load() {
		m.mu.Unlock()
		return
	}
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
	w.running = true
	ctx := m.ctx
	m.wg.Add(1)
	m.mu.Unlock()
	go func() {
		defer m.wg.Done()
		for {
			if err := m.service(ctx, id); err != nil && ctx.Err() == nil && !errors.Is(err, ErrLoggingOut) {
				m.events.push(ErrorEvent{Chat: id, Err: err})
			}
			m.mu.Lock()
			if !w.again || ctx.Err() != nil {
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
	// Time-driven work: a re-key due by age, an exchange to give up, a Resend to repeat.
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
	if housekeepingDue(c, m.opts.Now(), m.cfg) {
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
