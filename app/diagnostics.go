package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// diagnostics is the log of failures that reach no page: background work (the secret chat manager's loop,
// cache writes, a connection that ended). Each line says what Tacit was doing and the error's log text.
// The engines' errors carry no message text, phone numbers, codes, passwords or key bytes, and nothing else
// is written here.
type diagnostics struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

func newDiagnostics(w io.Writer) *diagnostics { return &diagnostics{w: w, now: time.Now} }

// report logs that doing what failed with err. A cancelled context is not a failure and is not logged.
func (d *diagnostics) report(what string, err error) {
	if err == nil || errors.Is(err, context.Canceled) || d == nil || d.w == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// A diagnostics line that cannot be written has nowhere else to go: this is the last resort.
	_, _ = fmt.Fprintf(d.w, "%s tacit: %s: %v\n", d.now().UTC().Format(time.RFC3339), what, err)
}
