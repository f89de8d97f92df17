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
