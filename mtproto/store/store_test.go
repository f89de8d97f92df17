package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func testContext(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openTest opens a store in a fresh directory and closes it at the end of the test.
func openTest(t testing.TB) (*Store, string, []byte) {
	t.Helper()
	dir := t.TempDir()
	key := testKey(t)
	s, err := Open(testContext(t), dir, key)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir, key
}

func TestOpenReopenKeepsData(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	if err := s.SetValue(ctx, "a.b", []byte("value")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	v, err := s2.Value(ctx, "a.b")
	if err != nil || string(v) != "value" {
		t.Fatalf("Value = %q, %v", v, err)
	}
	if _, err := s2.Value(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing value: %v, want ErrNotFound", err)
	}
}

func TestOpenRejectsBadKeyLength(t *testing.T) {
	if _, err := Open(testContext(t), t.TempDir(), make([]byte, 16)); err == nil {
		t.Fatal("16-byte key accepted")
	}
}

func TestWrongKey(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	if err := s.SetValue(ctx, "x", []byte("y")); err != nil {
		t.Fatal(err)
	}
	s.Close()

	before := snapshotDir(t, dir)
	wrong := testKey(t)
	_, err := Open(ctx, dir, wrong)
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key: %v, want ErrWrongKey", err)
	}
	if errors.Is(err, ErrCorrupt) {
		t.Fatal("wrong key reported as corrupt")
	}
	if after := snapshotDir(t, dir); !equalSnapshots(before, after) {
		t.Fatal("opening with the wrong key changed the data directory")
	}

	// Without the key check file, SQLite's own verdict must still say "wrong key".
	if err := os.Remove(filepath.Join(dir, keyCheckFileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dir, wrong); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong key without key check: %v, want ErrWrongKey", err)
	}
	// The right key still works and restores the key check file.
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatalf("right key: %v", err)
	}
	s2.Close()
	if _, err := os.Stat(filepath.Join(dir, keyCheckFileName)); err != nil {
		t.Fatalf("key check not rewritten: %v", err)
	}
}

func TestCorruptIsNotWrongKey(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	if err := s.SetValue(ctx, "x", []byte("y")); err != nil {
		t.Fatal(err)
	}
	s.Close()

	db := filepath.Join(dir, dbFileName)
	f, err := os.OpenFile(db, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 4096)
	rand.Read(junk)
	if _, err := f.WriteAt(junk, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()

	_, err = Open(ctx, dir, key)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupt file: %v, want ErrCorrupt", err)
	}
	if errors.Is(err, ErrWrongKey) {
		t.Fatal("corrupt file reported as wrong key")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	if _, err := s.w.ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dir, key); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("newer schema: %v, want ErrNewerSchema", err)
	}
}

type fileSnapshot map[string][]byte

func snapshotDir(t testing.TB, dir string) fileSnapshot {
	t.Helper()
	snap := fileSnapshot{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		snap[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func equalSnapshots(a, b fileSnapshot) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func TestFilesArePrivate(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	putMedia(t, s, MediaInfo{}, []byte("x"))
	if err := s.SetValue(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v: readable by others", path, perm)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
