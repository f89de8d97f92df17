//go:build !linux

package store

// diskState cannot ask the file system here; DiskProblem still recognises
// the errors that name their cause.
func diskState(string) error { return nil }
