package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/store"
	"tacit/settings"
	"tacit/ui"
)

// codeSource is a sandbox in this process, whose login codes and recovery e-mail codes the demo shows.
type codeSource interface {
	Code(phone string) (string, bool)
	EmailCode(userID int64) (string, bool)
}

// session is the window's connection: one client and its Backend at a time. Log out ends it and starts a
// new one with a new auth key, so that no two accounts of this computer share a key the server could link
// them by, and nothing of the old account stays in memory.
type session struct {
	parent context.Context
	opts   mtproto.Options // the client's options; Session and State come from db when it is set
	db     *store.Store    // nil: keep nothing on disk (the demo)
	codes  codeSource      // nil unless the sandbox runs in this process
	hint   string          // the demo banner for a sandbox in another process
	diag   *diagnostics
	prefs  *prefStore            // the user's preferences, kept across log out
	conn   ui.ConnectionSettings // the connection section's; nil against a demo server
	lock   *appLock              // the window's app lock; nil: none
	// connectWait bounds Resume's wait for the first connection; 0: connectWait.
	connectWait time.Duration

	mu   sync.Mutex
	cur  *Backend
	stop func() // stops cur's client and waits for everything it started
}

func newSession(parent context.Context, opts mtproto.Options, db *store.Store, codes codeSource, hint string, diag *diagnostics) *session {
	return &session{parent: parent, opts: opts, db: db, codes: codes, hint: hint, diag: diag,
		prefs: newPrefStore("", settings.Default())}
}

// start builds a client and its Backend and connects it in the background.
func (s *session) start() (*Backend, error) {
	opts := s.opts
	if s.db != nil {
		opts.Session, opts.State, opts.ChannelHashes = s.db.Session(), s.db.UpdateState(), s.db.UpdateState()
	}
	// An update the engines could not keep (a full disk) must not pass in silence.
	opts.OnUpdateError = func(err error) { s.diag.report("keep an update from the server", err) }
	opts.Logger = s.diag.protocol("account")
	// The client reports its connection from the start; the Backend made next takes the reports.
	var cur atomic.Pointer[Backend]
	opts.OnConnectionState = func(st mtproto.ConnectionState) {
		if b := cur.Load(); b != nil {
			b.connectionState(st)
		}
	}
	client, err := mtproto.New(opts)
	if err != nil {
		return nil, err
	}
	var b *Backend
	b = NewBackend(client, loginOptions(func(r privacy.Report) { b.recordLockdown(r) }), s.codes, s.db)
	cur.Store(b)
	b.hint, b.diag, b.renew, b.conn, b.lock = s.hint, s.diag, s.renew, s.conn, s.lock
	b.usePrefs(s.prefs)
	b.connectWait = s.connectWait
	ctx, cancel := context.WithCancel(s.parent)
	wait := connect(ctx, client, b)
	s.mu.Lock()
	s.cur, s.stop = b, func() { cancel(); wait(); b.removeOpened() }
	s.mu.Unlock()
	return b, nil
}

// renew ends the current client, deletes everything of the account from the store (when there is one),
// and starts a new session.
func (s *session) renew(ctx context.Context) (*Backend, error) {
	s.close()
	if s.db != nil {
		if err := s.db.WipeAccount(ctx); err != nil {
			return nil, err
		}
	}
	if s.parent.Err() != nil {
		return nil, errors.New("app: the window is closing")
	}
	return s.start()
}

// current is the Backend of the running session, or nil.
func (s *session) current() *Backend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// close stops the current client, waits for everything it started and removes the readable copies of
// the files the user opened.
func (s *session) close() {
	s.mu.Lock()
	stop := s.stop
	s.cur, s.stop = nil, nil
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
}
