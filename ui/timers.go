package ui

import (
	"context"
	"sync"
	"time"
)

// Work the window starts that is not one call of a page: timers, tickers, transfers, progress.

// progressEvery is how often a transfer's progress is drawn.
const progressEvery = 100 * time.Millisecond

// detached runs work on its own goroutine with ctx (not the page's, and without the call timeout: a large
// transfer may take long) and applies what it returns on the event goroutine, unless the window closed.
func (u *UI) detached(ctx context.Context, work func(ctx context.Context) (apply func())) {
	u.inflight.Add(1)
	go func() {
		apply := work(ctx)
		u.onMain(func() {
			defer u.inflight.Add(-1)
			if apply != nil && u.ctx.Err() == nil {
				apply()
			}
		})
	}()
}

// throttledProgress returns a Progress that may be called from any goroutine and shows at most every
// progressEvery (and always the end) on the event goroutine.
func (u *UI) throttledProgress(show func(done, total int64)) Progress {
	var mu sync.Mutex
	var last time.Time
	return func(done, total int64) {
		mu.Lock()
		now := time.Now()
		skip := now.Sub(last) < progressEvery && (total <= 0 || done < total)
		if !skip {
			last = now
		}
		mu.Unlock()
		if !skip {
			u.onMain(func() { show(done, total) })
		}
	}
}
