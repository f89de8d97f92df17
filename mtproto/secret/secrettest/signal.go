package secrettest

import (
	"context"
	"sync"
)

// Signal lets a test wait for a condition that other goroutines make true,
// without polling: they call Notify after each change, and WaitFor
// re-checks the condition after each notification.
type Signal struct {
	mu sync.Mutex
	ch chan struct{}
}

// Notify wakes every waiter.
func (s *Signal) Notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

func (s *Signal) next() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// WaitFor returns nil once cond holds, or ctx's error.
func (s *Signal) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		changed := s.next() // taken before the check, so no change is missed
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
