//go:build !unix

package ui

import "testing"

// processCPU is not measured here; the benchmarks then report no CPU time.
func processCPU(*testing.B) int64 { return 0 }
