package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/gotd/log"
	"github.com/gotd/log/logslog"
)

// DebugEnv is the environment variable that turns on Tacit's debug log: TACIT_DEBUG=1 adds the protocol
// log of the Telegram library (connections, calls and updates by type) and the local sandbox's problems
// to the diagnostics log, on standard error. Like the rest of the log it must hold no message text, phone
// number, code, password or key bytes (TestDebugLogHoldsNoSecrets greps it).
const DebugEnv = "TACIT_DEBUG"

// diagnostics is the log of failures that reach no page: background work (the secret chat manager's loop,
// cache writes, a connection that ended). Each line says what Tacit was doing and the error's log text.
// The engines' errors carry no message text, phone numbers, codes, passwords or key bytes, and nothing else
// is written here.
type diagnostics struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	debug bool // DebugEnv was set: the protocol log goes here too
}

func newDiagnostics(w io.Writer) *diagnostics {
	return &diagnostics{w: w, now: time.Now, debug: os.Getenv(DebugEnv) == "1"}
}

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

// Write writes p to the log whole, between other lines (the protocol log writes through it).
func (d *diagnostics) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.w.Write(p)
}

// protocol is the Telegram library's logger for one client, named who: its debug log when the debug log
// is on, nothing otherwise.
func (d *diagnostics) protocol(who string) log.Logger {
	if d == nil || !d.debug || d.w == nil {
		return log.Nop
	}
	h := slog.NewTextHandler(d, &slog.HandlerOptions{Level: slog.LevelDebug})
	return logslog.New(slog.New(h).With("client", who))
}

// sandboxf logs a problem inside an in-process sandbox that no client hears of (sandbox.Options.Logf),
// when the debug log is on.
func (d *diagnostics) sandboxf(format string, args ...any) {
	if d == nil || !d.debug || d.w == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// The sandbox's lines name it ("sandbox: Alice could not answer: ...").
	_, _ = fmt.Fprintf(d.w, "%s tacit: %s\n", d.now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
}
