package mtproto

import (
	"context"
	"errors"
	"fmt"
)

// Probe connects the way opts says, asks the server for its configuration (help.getConfig) and
// disconnects. It tells whether Telegram can be reached like this before anything else is sent: with a
// proxy, only through it (a *ProxyError when it cannot carry the connection). The session lives in memory
// and is dropped; nothing is stored. Options.Session and State are ignored.
func Probe(ctx context.Context, opts Options) error {
	opts.Session, opts.State, opts.ChannelHashes = nil, nil, nil
	c, err := New(opts)
	if err != nil {
		return err
	}
	stop, err := c.Start(ctx, nil)
	if err != nil {
		var pe *ProxyError
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("mtproto: probe: %w", Classify(err))
	}
	_, err = c.api.HelpGetConfig(ctx)
	if stopErr := stop(); err == nil && stopErr != nil && ctx.Err() == nil {
		err = stopErr
	}
	if err != nil {
		return fmt.Errorf("mtproto: probe: %w", Classify(err))
	}
	return nil
}
