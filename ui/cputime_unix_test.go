//go:build unix

package ui

import (
	"syscall"
	"testing"
)

// processCPU returns the CPU time the process has used so far (user and system, all threads), in
// nanoseconds.
func processCPU(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
