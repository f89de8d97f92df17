package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	_ "github.com/ncruces/go-sqlite3/vfs/adiantum" // registers the "adiantum" VFS
)

// KeySize is the length of the database key in bytes.
const KeySize = 32

// File names inside the data directory.
const (
	dbFileName       = "store.db"
	keyCheckFileName = "store.keycheck"
	mediaDirName     = "media"
)

// maxReaders bounds the pool of read-only connections.
const maxReaders = 4

// Errors callers branch on.
var (
	// ErrWrongKey means the key does not open this database: a wrong passphrase
	// or key. The database is left untouched.
	ErrWrongKey = errors.New("store: wrong passphrase or key")
	// ErrCorrupt means the key is right (it matches the key check) but the
	// database file is damaged.
	ErrCorrupt = errors.New("store: database file is corrupt")
	// ErrNewerSchema means the database was written by a newer version of Tacit.
	ErrNewerSchema = errors.New("store: database was written by a newer version of Tacit")
	// ErrNotFound is returned by getters when the requested record does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrClosed is returned when key material is needed after Close (sealing or
	// opening records, new connections). Other methods called after Close fail
	// with database/sql's "database is closed" error.
	ErrClosed = errors.New("store: closed")
)

// Store is an open encrypted database. All methods are safe for concurrent use.
// The app layer owns the Store: it opens it once per account and closes it on exit.
type Store struct {
	dir string
	// w is the single write connection; r is the read-only pool.
	w, r *sql.DB
	keys *derivedKeys
	// maint checkpoints after deletions and deletes what expired (maintain.go).
	maint        *maintainer
	maintStarted bool

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the encrypted database in dir with the raw
// 32-byte key and brings its schema up to date. The caller keeps ownership of
// key; the Store keeps its own copy and wipes it on Close.
//
// A key that does not open an existing database gives ErrWrongKey; a database
// whose key check passes but whose file is damaged gives ErrCorrupt. The key
// check file is written on the first successful open; without it a damaged
// file cannot be told from a wrong key and gives ErrWrongKey. A wrong key never
// reaches SQLite when the key check file exists, so it cannot alter the files.
//
// Open is fast (a few milliseconds for an existing database) but does disk
// I/O; call it off the UI goroutine.
func Open(ctx context.Context, dir string, key []byte) (*Store, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("store: open: key must be %d bytes, got %d", KeySize, len(key))
	}
	if err := prepareDir(dir); err != nil {
		return nil, err
	}

	keyKnown, err := checkKey(dir, key)
	if err != nil {
		return nil, err
	}

	s := &Store{dir: dir, keys: deriveKeys(key)}
	s.maint = newMaintainer(s)
	dsn := "file:" + (&url.URL{Path: filepath.Join(dir, dbFileName)}).EscapedPath() + "?vfs=adiantum"

	s.w, err = driver.Open(dsn, connInit(s.keys, false))
	if err != nil {
		s.keys.wipe()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)

	if err := s.migrate(ctx); err != nil {
		s.w.Close()
		s.keys.wipe()
		return nil, classifyOpenError(err, keyKnown)
	}

	s.r, err = driver.Open(dsn, connInit(s.keys, true))
	if err != nil {
		s.w.Close()
		s.keys.wipe()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s.r.SetMaxOpenConns(maxReaders)
	s.r.SetMaxIdleConns(maxReaders)
	s.r.SetConnMaxLifetime(0)
	s.r.SetConnMaxIdleTime(0)

	// SQLite creates the WAL and shared-memory files with the default mode;
	// they are encrypted, but nobody else needs to read them either.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Chmod(filepath.Join(dir, dbFileName+suffix), 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.Close()
			return nil, fmt.Errorf("store: open: %w", err)
		}
	}
	if !keyKnown {
		if err := writeKeyCheck(dir, key); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.sweepMedia(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.maint.start()
	s.maintStarted = true
	return s, nil
}

// prepareDir creates the data directory and its media subdirectory, restricts
// the directory to its owner, and creates an empty database file with mode
// 0600 so SQLite does not create it with the default mode.
func prepareDir(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, mediaDirName), 0o700); err != nil {
		return fmt.Errorf("store: open: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("store: open: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, dbFileName), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("store: open: %w", err)
	}
	return nil
}

// connInit returns the per-connection set-up: the key first (it must precede any
// read), then the pragmas, then FTS5. The key is given as PRAGMA hexkey rather
// than in the file name, so it never appears in the VFS's URI parameters.
func connInit(keys *derivedKeys, readOnly bool) func(*sqlite3.Conn) error {
	return func(c *sqlite3.Conn) error {
		if err := keys.applyKey(c); err != nil {
			return err
		}
		pragmas := []string{
			"PRAGMA busy_timeout=60000",
			"PRAGMA temp_store=MEMORY",
			"PRAGMA foreign_keys=ON",
			"PRAGMA secure_delete=ON",
		}
		if readOnly {
			pragmas = append(pragmas, "PRAGMA query_only=ON")
		} else {
			pragmas = append(pragmas,
				"PRAGMA journal_mode=WAL",
				"PRAGMA synchronous=FULL",
				// Keep the WAL from growing without bound between checkpoints.
				"PRAGMA journal_size_limit=8388608",
			)
		}
		for _, p := range pragmas {
			if err := c.Exec(p); err != nil {
				return err
			}
		}
		return fts5.Register(c)
	}
}

// classifyOpenError maps SQLite's open-time failures to ErrWrongKey or ErrCorrupt.
// keyKnown says the key check file confirmed the key, so a file that does not
// decrypt to a database is damaged rather than opened with the wrong key.
func classifyOpenError(err error, keyKnown bool) error {
	switch {
	case errors.Is(err, sqlite3.NOTADB):
		if keyKnown {
			return fmt.Errorf("%w (%v)", ErrCorrupt, err)
		}
		return ErrWrongKey
	case errors.Is(err, sqlite3.CORRUPT):
		return fmt.Errorf("%w (%v)", ErrCorrupt, err)
	case errors.Is(err, ErrNewerSchema):
		return err
	}
	return fmt.Errorf("store: open: %w", err)
}

// Close stops the store's background work, checkpoints and truncates the WAL (so what
// was deleted is gone from every file), closes the database and wipes the Store's copies
// of key material. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.maintStarted {
			s.maint.halt()
		}
		if s.w != nil {
			errs = append(errs, s.Checkpoint(context.Background()))
		}
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			errs = append(errs, s.w.Close())
		}
		s.keys.wipe()
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("store: close: %w", err)
		}
	})
	return s.closeErr
}

// Dir returns the data directory the Store was opened in.
func (s *Store) Dir() string { return s.dir }

// Check runs SQLite's quick integrity check over the whole database. It reads
// every page, so it takes time proportional to the database size; run it off
// the UI goroutine. A damaged database gives ErrCorrupt.
func (s *Store) Check(ctx context.Context) error {
	var res string
	if err := s.r.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		if errors.Is(err, sqlite3.CORRUPT) || errors.Is(err, sqlite3.NOTADB) {
			return fmt.Errorf("%w (%v)", ErrCorrupt, err)
		}
		return fmt.Errorf("store: check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("%w: %s", ErrCorrupt, res)
	}
	return nil
}

// ErrCheckpointBusy means a checkpoint could not copy the whole WAL back into the
// database because a reader still used an older snapshot (after waiting the busy timeout).
// The WAL keeps its content until a later checkpoint succeeds.
var ErrCheckpointBusy = errors.New("store: checkpoint: readers still use the old data")

// Checkpoint copies the WAL into the database and truncates it. Deleted rows are
// overwritten in place (secure_delete), but until a checkpoint their old page versions
// remain in the WAL (encrypted); the store checkpoints by itself after transactions that
// replace or drop keys or delete content, and at Close. It waits (up to the busy
// timeout) for readers of older snapshots and gives ErrCheckpointBusy if they remain.
func (s *Store) Checkpoint(ctx context.Context) error {
	var busy, logFrames, copied int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &copied); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("%w (%d of %d frames copied)", ErrCheckpointBusy, copied, logFrames)
	}
	return nil
}

// keyCheckVersion prefixes the key check file.
const keyCheckVersion = 1

// keyCheckValue is HMAC-SHA256(key, label): it confirms a key without revealing
// anything about it.
func keyCheckValue(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("tacit/store/key-check/v1"))
	return append([]byte{keyCheckVersion}, m.Sum(nil)...)
}

// checkKey compares key with the key check file. It returns ErrWrongKey on a
// mismatch, known=true when the file confirmed the key, and known=false when
// there is no usable key check file (a new directory, or one written before the
// file existed).
func checkKey(dir string, key []byte) (known bool, err error) {
	stored, err := os.ReadFile(filepath.Join(dir, keyCheckFileName))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: open: read key check: %w", err)
	}
	want := keyCheckValue(key)
	if len(stored) != len(want) || stored[0] != keyCheckVersion {
		// Unreadable check file: fall back to SQLite's own verdict.
		return false, nil
	}
	if !hmac.Equal(stored, want) {
		return false, ErrWrongKey
	}
	return true, nil
}

// writeKeyCheck stores the key check value atomically (temp file, fsync, rename).
func writeKeyCheck(dir string, key []byte) error {
	if err := writeFileAtomic(filepath.Join(dir, keyCheckFileName), keyCheckValue(key)); err != nil {
		return fmt.Errorf("store: write key check: %w", err)
	}
	return nil
}

// writeFileAtomic replaces path with data so that a crash leaves either the old
// or the new content.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a rename or a new file in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// wipe overwrites b with zeros.
func wipe(b []byte) {
	clear(b)
}
