package settings

import "time"

// WithKeyringTimeout sets the longest wait for one keyring call.
func WithKeyringTimeout(d time.Duration) Option { return func(c *Custody) { c.keyringTimeout = d } }

// Wipe overwrites b with zeros. Use it on keys returned by Custody.
func Wipe(b []byte) { clear(b) }
