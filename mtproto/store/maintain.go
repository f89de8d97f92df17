package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// The store's own background work: checkpoints after deletions, and expiry.
//
// Secure deletion overwrites a deleted row in the database, but SQLite writes every change
// to the WAL first: until a checkpoint copies the WAL back and truncates it, old versions
// of the changed pages (a replaced chat key, a deleted message) stay readable there to
// anyone who holds the database key. So every transaction that replaces or drops key
// material or deletes content asks for a checkpoint; the requests of a burst are served by
// one checkpoint, checkpointDelay after the first, and Close checkpoints once more.
//
// Expiry: cloud messages and media files with an expiry time are deleted when it comes
// (at Open for what expired while the store was closed, then at each next expiry time).

// Background timing.
const (
	// checkpointDelay gathers the deletions of a burst into one checkpoint.
	checkpointDelay = 200 * time.Millisecond
	// retryDelay spaces the attempts after a failed checkpoint or expiry run.
	retryDelay = 5 * time.Second
)

// maintainer runs the store's background work on one goroutine.
type maintainer struct {
	s    *Store
	wake chan struct{} // cap 1: something to do
	stop chan struct{}
	done chan struct{}

	mu sync.Mutex
	// requested counts checkpoint requests; done counts those a checkpoint served.
	requested, served uint64
	// nextExpiry is the earliest known expiry time (zero: none known); expiryDue asks
	// for an expiry run now.
	nextExpiry time.Time
	expiryDue  bool
	// changed is closed (and replaced) whenever served or the expiry state changes.
	changed chan struct{}
	// checkpoints counts the checkpoints run.
	checkpoints int
	// onError hears about failures (Store.OnBackgroundError).
	onError func(error)
	// beforeCheckpoint, if set (by tests), runs before each background checkpoint.
	beforeCheckpoint func()
	// retryAfter spaces the attempts after a failure (retryDelay; tests shorten it).
	retryAfter time.Duration
}

func newMaintainer(s *Store) *maintainer {
	return &maintainer{s: s, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		changed: make(chan struct{}), expiryDue: true, retryAfter: retryDelay}
}

func (m *maintainer) start() {
	m.poke()
	go m.run()
}

// halt stops the goroutine and waits for it.
func (m *maintainer) halt() {
	close(m.stop)
	<-m.done
}

func (m *maintainer) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// broadcast wakes the waiters of changed. The caller holds m.mu.
func (m *maintainer) broadcast() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// requestCheckpoint asks for a checkpoint soon.
func (m *maintainer) requestCheckpoint() {
	m.mu.Lock()
	m.requested++
	m.mu.Unlock()
	m.poke()
}

// expiresAt tells the maintainer that something expires at t.
func (m *maintainer) expiresAt(t time.Time) {
	if t.IsZero() {
		return
	}
	m.mu.Lock()
	if m.nextExpiry.IsZero() || t.Before(m.nextExpiry) {
		m.nextExpiry = t
	}
	m.mu.Unlock()
	m.poke()
}

func (m *maintainer) report(err error) {
	m.mu.Lock()
	f := m.onError
	m.mu.Unlock()
	if f != nil {
		f(err)
	}
}

func (m *maintainer) run() {
	defer close(m.done)
	var retry <-chan time.Time // set after a failure: the next attempt waits for it
	for {
		m.mu.Lock()
		work := m.requested > m.served || m.expiryDue
		next := m.nextExpiry
		m.mu.Unlock()
		if !work || retry != nil {
			// Sleep until there is something to do: a request, the next expiry, a retry.
			var expiry <-chan time.Time
			var timer *time.Timer
			if !next.IsZero() {
				timer = time.NewTimer(time.Until(next))
				expiry = timer.C
			}
			select {
			case <-m.stop:
				return
			case <-m.wake:
			case <-expiry:
			case <-retry:
				retry = nil
			}
			if timer != nil {
				timer.Stop()
			}
		}
		// Let a burst of deletions finish: one checkpoint serves them all.
		delay := time.NewTimer(checkpointDelay)
		select {
		case <-m.stop:
			delay.Stop()
			return
		case <-delay.C:
		}
		errExpire := m.expire()
		if errExpire != nil {
			m.report(errExpire)
		}
		errCheckpoint := m.checkpoint()
		if errCheckpoint != nil {
			m.report(errCheckpoint)
		}
		retry = nil
		if errExpire != nil || errCheckpoint != nil {
			m.mu.Lock()
			retry = time.After(m.retryAfter)
			m.mu.Unlock()
		}
	}
}

// expire deletes what has expired, if anything is due.
func (m *maintainer) expire() error {
	now := time.Now()
	m.mu.Lock()
	due := m.expiryDue || (!m.nextExpiry.IsZero() && !m.nextExpiry.After(now))
	m.mu.Unlock()
	if !due {
		return nil
	}
	ctx := context.Background()
	if _, err := m.s.DeleteExpired(ctx, now); err != nil {
		return err
	}
	next, err := m.s.nextExpiry(ctx)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.expiryDue = false
	m.nextExpiry = next
	m.broadcast()
	m.mu.Unlock()
	return nil
}

// checkpoint serves the requests made so far.
func (m *maintainer) checkpoint() error {
	m.mu.Lock()
	hook := m.beforeCheckpoint
	pending := m.requested > m.served
	m.mu.Unlock()
	if !pending {
		return nil
	}
	if hook != nil {
		hook()
	}
	m.mu.Lock()
	target := m.requested
	m.mu.Unlock()
	err := m.s.Checkpoint(context.Background())
	m.mu.Lock()
	m.checkpoints++
	if err == nil {
		m.served = target
		m.broadcast()
	}
	m.mu.Unlock()
	return err
}

// OnBackgroundError sets the function told about failures of the store's own background
// work: checkpoints after deletions (retried every few seconds until they succeed) and the
// deletion of expired messages and media. The errors name what failed and never contain
// message text, names or key material. Set it right after Open; f must not block.
func (s *Store) OnBackgroundError(f func(error)) {
	s.maint.mu.Lock()
	s.maint.onError = f
	s.maint.mu.Unlock()
}

// nextExpiry returns the earliest expiry time of a cached cloud message or media file
// (zero: none).
func (s *Store) nextExpiry(ctx context.Context) (time.Time, error) {
	var next int64
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(min(t), 0) FROM (
		SELECT min(expires_at) AS t FROM messages WHERE expires_at > 0 AND deleted = 0
		UNION ALL SELECT min(expires_at) FROM media WHERE expires_at > 0)`).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: next expiry: %w", err)
	}
	return unixTime(next), nil
}
