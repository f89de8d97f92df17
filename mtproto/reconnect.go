package mtproto

import (
	"fmt"

	"github.com/gotd/td/tg"
)

// Catching up after a reconnect: Telegram does not send a new connection what it pushed while the old
// one was down, so a client that reconnects must ask for the difference itself, or an idle client
// would only learn of those messages when the next update reveals the gap.

// connectionChanged follows the primary connection; it runs inside gotd's connection life cycle and must
// not block.
func (c *Client) connectionChanged(s ConnectionState) {
	if f := c.opts.OnConnectionState; f != nil {
		f(s)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case StateDisconnected:
		c.connectionLost = true
	case StateReady:
		if c.connectionLost && c.updatesOn {
			c.connectionLost = false
			go c.catchUp()
		}
	}
}

// catchUp asks the updates manager for the difference since its state, as after updatesTooLong.
func (c *Client) catchUp() {
	c.mu.Lock()
	ctx := c.runCtx
	c.mu.Unlock()
	if ctx == nil || ctx.Err() != nil {
		return
	}
	if err := c.updates.Handle(ctx, &tg.UpdatesTooLong{}); err != nil && ctx.Err() == nil && c.opts.OnUpdateError != nil {
		c.opts.OnUpdateError(fmt.Errorf("mtproto: catch up after a reconnect: %w", err))
	}
}
