package store

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/ncruces/go-sqlite3"
)

// Failures of the disk under the data directory. DiskProblem finds them in
// the errors the store (or anything else writing there) returns.
var (
	// ErrDiskFull: the disk is full; the write did not happen (SQLite rolled
	// it back; nothing is half-written).
	ErrDiskFull = errors.New("store: the disk is full")
	// ErrReadOnly: the data directory cannot be written (a read-only file
	// system, or no permission).
	ErrReadOnly = errors.New("store: the data directory cannot be written")
)

// DiskProblem returns ErrDiskFull or ErrReadOnly when err was caused by the
// disk, and nil otherwise.
func DiskProblem(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDiskFull), errors.Is(err, sqlite3.FULL), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return ErrDiskFull
	case errors.Is(err, ErrReadOnly), errors.Is(err, sqlite3.READONLY), errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		return ErrReadOnly
	}
	return nil
}

// diskError marks err with ErrDiskFull or ErrReadOnly when the disk caused
// it. SQLite reports a write refused by a full disk as a plain I/O error
// (the reason does not cross into it), so after a failed write the data
// directory's file system is asked: no room left, or mounted read-only.
func (s *Store) diskError(err error) error {
	if err == nil || DiskProblem(err) != nil {
		return err
	}
	if !errors.Is(err, sqlite3.IOERR) {
		return err
	}
	if p := diskState(s.dir); p != nil {
		return &diskErr{problem: p, err: err}
	}
	return err
}

// diskErr is err, marked with the disk problem that caused it.
type diskErr struct{ problem, err error }

func (e *diskErr) Error() string   { return e.err.Error() + " (" + e.problem.Error() + ")" }
func (e *diskErr) Unwrap() []error { return []error{e.problem, e.err} }
