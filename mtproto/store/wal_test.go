package store

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// TestWALEncryptedAndShmIsIndexOnly checks the files SQLite keeps beside the
// database while it is open: the WAL must be encrypted (a plain WAL starts with
// the magic 0x377f0682/3), and the -shm file, which the VFS does not encrypt,
// must be SQLite's WAL index (page numbers, checksums, salts) and nothing else.
// TestNoPlaintextOnDisk checks both files for known plaintext.
func TestWALEncryptedAndShmIsIndexOnly(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	text := bytes.Repeat([]byte("walcanary "), 400)
	if err := s.PutMessages(ctx, Message{Peer: UserPeer(1), ID: 1, Text: string(text)}); err != nil {
		t.Fatal(err)
	}
	db, _ := os.ReadFile(filepath.Join(dir, dbFileName))
	wal, _ := os.ReadFile(filepath.Join(dir, dbFileName+"-wal"))
	shm, _ := os.ReadFile(filepath.Join(dir, dbFileName+"-shm"))
	if len(db) == 0 || len(wal) < 32 || len(shm) < 136 {
		t.Fatalf("unexpected sizes: db %d wal %d shm %d", len(db), len(wal), len(shm))
	}
	if bytes.HasPrefix(db, []byte("SQLite format 3\x00")) {
		t.Error("database header is plaintext")
	}
	if magic := binary.BigEndian.Uint32(wal); magic == 0x377f0682 || magic == 0x377f0683 {
		t.Error("WAL header is plaintext")
	}
	if bytes.Contains(wal, []byte("walcanary")) {
		t.Error("page content in the WAL")
	}
	// The WAL index starts with its version number, 3007000, in native order.
	if v := binary.LittleEndian.Uint32(shm); v != 3007000 {
		t.Errorf("-shm does not start with the WAL index version (got %d): the check below would be meaningless", v)
	}
	if bytes.Contains(shm, []byte("walcanary")) {
		t.Error("page content in the -shm file")
	}
}

func TestCheckpointTruncatesWAL(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	if err := s.PutMessages(ctx, Message{Peer: UserPeer(1), ID: 1, Text: "to be deleted"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMessages(ctx, UserPeer(1), 1); err != nil {
		t.Fatal(err)
	}
	wal := filepath.Join(dir, dbFileName+"-wal")
	if fi, err := os.Stat(wal); err != nil || fi.Size() == 0 {
		t.Fatalf("WAL empty before the checkpoint (%v): test proves nothing", err)
	}
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(wal); err != nil || fi.Size() != 0 {
		t.Fatalf("WAL after Checkpoint: %v, size %d", err, fi.Size())
	}
}

func TestSecureDeleteSettings(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	var on int
	if err := s.r.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&on); err != nil || on != 1 {
		t.Fatalf("secure_delete = %d, %v", on, err)
	}
	var tempStore int
	if err := s.r.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&tempStore); err != nil || tempStore != 2 {
		t.Fatalf("temp_store = %d (2 = MEMORY), %v", tempStore, err)
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var sync int
	if err := s.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("synchronous = %d (2 = FULL), %v", sync, err)
	}
	var fk int
	if err := s.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	for _, table := range []string{"messages_fts", "secret_messages_fts"} {
		var v int
		err := s.r.QueryRowContext(ctx, `SELECT v FROM `+table+`_config WHERE k = 'secure-delete'`).Scan(&v)
		if err != nil || v != 1 {
			t.Fatalf("%s secure-delete = %d, %v", table, v, err)
		}
	}
}
