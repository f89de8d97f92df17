package mtproto

import (
	"context"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// FloodWait is a middleware that honours FLOOD_WAIT_X: when the server asks
// to wait X seconds and X is at most MaxWait, it waits and repeats the call,
// up to MaxRetries times. Longer waits are returned to the caller, who can
// tell the user how long to wait (see Classify).
type FloodWait struct {
	// MaxWait is the longest wait handled silently (default 30 s).
	MaxWait time.Duration
	// MaxRetries bounds the repetitions of one call (default 3).
	MaxRetries int
	// Sleep waits for d or until ctx ends (default: a timer). Tests replace
	// it to observe the requested waits without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Handle implements telegram.Middleware.
func (f FloodWait) Handle(next tg.Invoker) telegram.InvokeFunc {
	maxWait, retries, sleep := f.MaxWait, f.MaxRetries, f.Sleep
	if maxWait <= 0 {
		maxWait = 30 * time.Second
	}
	if retries <= 0 {
		retries = 3
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	return func(ctx context.Context, input bin.Encoder, output bin.Decoder) error {
		for attempt := 0; ; attempt++ {
			err := next.Invoke(ctx, input, output)
			d, ok := tgerr.AsFloodWait(err)
			if !ok || attempt >= retries || d > maxWait {
				return err
			}
			if d <= 0 {
				d = time.Second
			}
			if err := sleep(ctx, d); err != nil {
				return err
			}
		}
	}
}
