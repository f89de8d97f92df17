package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDiagnosticsReport(t *testing.T) {
	var buf bytes.Buffer
	d := newDiagnostics(&buf)
	d.now = func() time.Time { return time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC) }
	d.report("cache history", nil)
	d.report("cache history", fmt.Errorf("put: %w", context.Canceled))
	if buf.Len() != 0 {
		t.Fatalf("nothing failed, yet: %q", buf.String())
	}
	d.report("cache history", errors.New("store: disk I/O error"))
	if got, want := buf.String(), "2026-12-06T01:02:03Z tacit: cache history: store: disk I/O error\n"; got != want {
		t.Fatalf("line %q, want %q", got, want)
	}
	var nilLog *diagnostics
	nilLog.report("no log", errors.New("x")) // a Backend without a log does not crash
	if strings.Count(buf.String(), "\n") != 1 {
		t.Fatal("more than one line")
	}
}
