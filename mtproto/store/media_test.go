package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tacit/mtproto/secret"
)

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// putMedia stores content through the streaming writer in uneven pieces.
func putMedia(t testing.TB, s *Store, info MediaInfo, content []byte) MediaID {
	t.Helper()
	ctx := testContext(t)
	w, err := s.CreateMedia(ctx, info)
	if err != nil {
		t.Fatal(err)
	}
	for rest := content; len(rest) > 0; {
		n := min(len(rest), 1+len(rest)%70001)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func readMedia(s *Store, id MediaID) ([]byte, error) {
	r, err := s.OpenMedia(context.Background(), id)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// mediaFile returns the path of the single file in the media directory.
func mediaFile(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, mediaDirName))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("media dir holds %d files, want 1", len(entries))
	}
	return filepath.Join(dir, mediaDirName, entries[0].Name())
}

func TestMediaRoundTrip(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	for _, size := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17, 4 * chunkSize} {
		content := randomBytes(t, size)
		id := putMedia(t, s, MediaInfo{MIME: "application/octet-stream", Name: "f.bin"}, content)
		got, err := readMedia(s, id)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, content) {
			t.Fatalf("size %d: content differs", size)
		}
		info, err := s.Media(ctx, id)
		if err != nil || info.Size != int64(size) || info.Name != "f.bin" || info.Created.IsZero() {
			t.Fatalf("size %d: info %+v, %v", size, info, err)
		}
	}

	// ReadAt and Seek across chunk boundaries.
	content := randomBytes(t, 5*chunkSize+123)
	id := putMedia(t, s, MediaInfo{}, content)
	r, err := s.OpenMedia(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Size() != int64(len(content)) {
		t.Fatalf("Size = %d", r.Size())
	}
	buf := make([]byte, 1000)
	for _, off := range []int64{0, chunkSize - 500, 2*chunkSize + 1, int64(len(content)) - 1000} {
		if n, err := r.ReadAt(buf, off); err != nil || n != 1000 || !bytes.Equal(buf, content[off:off+1000]) {
			t.Fatalf("ReadAt(%d) = %d, %v", off, n, err)
		}
	}
	if n, err := r.ReadAt(buf, int64(len(content))-10); n != 10 || err != io.EOF {
		t.Fatalf("ReadAt past end = %d, %v; want 10, EOF", n, err)
	}
	if _, err := r.Seek(-100, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(tail, content[len(content)-100:]) {
		t.Fatalf("Seek+Read tail: %v", err)
	}
}

func TestMediaAbortLeavesNothing(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	w, err := s.CreateMedia(ctx, MediaInfo{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(randomBytes(t, 3*chunkSize))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, mediaDirName)); len(entries) != 0 {
		t.Fatalf("abort left %d files", len(entries))
	}
	if _, err := w.Write([]byte{1}); err == nil {
		t.Fatal("write after abort succeeded")
	}
}

func TestMediaTamperDetected(t *testing.T) {
	content := make([]byte, 3*chunkSize+1000)
	rand.Read(content)

	tamper := map[string]func(b []byte) []byte{
		"flip bit in first chunk": func(b []byte) []byte { b[10] ^= 1; return b },
		"flip bit in last chunk":  func(b []byte) []byte { b[len(b)-5] ^= 0x80; return b },
		"truncate at chunk boundary": func(b []byte) []byte {
			return b[:2*sealedChunkSize]
		},
		"truncate inside last chunk": func(b []byte) []byte { return b[:len(b)-1] },
		"drop the last chunk keeping size": func(b []byte) []byte {
			// Cut the last box and pad with a copy of the second: size fits, content does not.
			last := b[3*sealedChunkSize:]
			return append(append([]byte{}, b[:3*sealedChunkSize]...), b[sealedChunkSize:sealedChunkSize+len(last)]...)
		},
		"swap two chunks": func(b []byte) []byte {
			c := append([]byte{}, b...)
			copy(c[0:sealedChunkSize], b[sealedChunkSize:2*sealedChunkSize])
			copy(c[sealedChunkSize:2*sealedChunkSize], b[0:sealedChunkSize])
			return c
		},
		"append a byte":  func(b []byte) []byte { return append(b, 0) },
		"append a chunk": func(b []byte) []byte { return append(b, b[:sealedChunkSize]...) },
		"empty file":     func(b []byte) []byte { return nil },
	}
	for name, fn := range tamper {
		t.Run(name, func(t *testing.T) {
			s, dir, _ := openTest(t)
			id := putMedia(t, s, MediaInfo{}, content)
			path := mediaFile(t, dir)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, fn(b), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readMedia(s, id)
			if !errors.Is(err, ErrMediaTampered) {
				t.Fatalf("read tampered file: %d bytes, err %v; want ErrMediaTampered", len(got), err)
			}
		})
	}

	t.Run("file of another row", func(t *testing.T) {
		s, dir, _ := openTest(t)
		a := putMedia(t, s, MediaInfo{}, content)
		b := putMedia(t, s, MediaInfo{}, content)
		ia, _ := s.mediaFileName(a)
		ib, _ := s.mediaFileName(b)
		data, _ := os.ReadFile(filepath.Join(dir, mediaDirName, ib))
		os.WriteFile(filepath.Join(dir, mediaDirName, ia), data, 0o600)
		if _, err := readMedia(s, a); !errors.Is(err, ErrMediaTampered) {
			t.Fatalf("file swapped between rows: %v", err)
		}
	})
}

// mediaFileName returns the on-disk name of a media row (tests only).
func (s *Store) mediaFileName(id MediaID) (string, error) {
	var name string
	err := s.r.QueryRow(`SELECT file FROM media WHERE id = ?`, id).Scan(&name)
	return name, err
}

func TestMediaDeletedWithMessage(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	chat := UserPeer(5)
	if err := s.PutMessages(ctx, Message{Peer: chat, ID: 1, Text: "photo"}, Message{Peer: chat, ID: 2}); err != nil {
		t.Fatal(err)
	}
	owned := putMedia(t, s, MediaInfo{Owner: MessageRef{chat, 1}}, []byte("picture"))
	kept := putMedia(t, s, MediaInfo{Owner: MessageRef{chat, 2}}, []byte("other"))
	secretOwned := putMedia(t, s, MediaInfo{Owner: MessageRef{SecretPeer(8), 77}}, []byte("secret picture"))
	err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		return tx.PutMessage(secret.Message{ChatID: 8, RandomID: 77, Kind: secret.KindMedia})
	})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := s.MediaOf(ctx, MessageRef{chat, 1}); len(list) != 1 || list[0].ID != owned {
		t.Fatalf("MediaOf = %+v", list)
	}
	countFiles := func() int {
		entries, _ := os.ReadDir(filepath.Join(dir, mediaDirName))
		return len(entries)
	}
	if countFiles() != 3 {
		t.Fatalf("%d files", countFiles())
	}

	if err := s.DeleteMessages(ctx, chat, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Media(ctx, owned); !errors.Is(err, ErrNotFound) {
		t.Fatalf("media of deleted message: %v", err)
	}
	if _, err := s.OpenMedia(ctx, owned); !errors.Is(err, ErrNotFound) {
		t.Fatalf("OpenMedia of deleted: %v", err)
	}
	err = s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteMessage(8, 77) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Media(ctx, secretOwned); !errors.Is(err, ErrNotFound) {
		t.Fatalf("media of deleted secret message: %v", err)
	}
	if countFiles() != 1 {
		t.Fatalf("%d files left, want 1", countFiles())
	}
	if got, err := readMedia(s, kept); err != nil || string(got) != "other" {
		t.Fatalf("unrelated media: %q %v", got, err)
	}
}

func TestDeleteExpired(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	now := time.Unix(1_800_000_000, 0)
	chat := ChannelPeer(3)
	if err := s.PutMessages(ctx,
		Message{Peer: chat, ID: 1, Text: "vanishing", ExpiresAt: now.Add(-time.Second)},
		Message{Peer: chat, ID: 2, Text: "later", ExpiresAt: now.Add(time.Hour)},
		Message{Peer: chat, ID: 3, Text: "forever"}); err != nil {
		t.Fatal(err)
	}
	expired := putMedia(t, s, MediaInfo{ExpiresAt: now}, []byte("gone"))
	viaMessage := putMedia(t, s, MediaInfo{Owner: MessageRef{chat, 1}}, []byte("gone too"))
	future := putMedia(t, s, MediaInfo{ExpiresAt: now.Add(time.Minute)}, []byte("stays"))

	n, err := s.DeleteExpired(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("DeleteExpired removed %d, want 2 (one file, one message)", n)
	}
	for _, id := range []MediaID{expired, viaMessage} {
		if _, err := s.Media(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("media %d survived: %v", id, err)
		}
	}
	if _, err := s.Media(ctx, future); err != nil {
		t.Fatal(err)
	}
	if latest, _ := s.Latest(ctx, chat, 10); len(latest) != 2 || latest[0].ID != 2 {
		t.Fatalf("messages after expiry: %+v", latest)
	}
	if hits, _ := s.Search(ctx, "vanishing", 5); len(hits) != 0 {
		t.Fatal("expired message still searchable")
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, mediaDirName)); len(entries) != 1 {
		t.Fatalf("%d files on disk, want 1", len(entries))
	}
	if n, _ := s.DeleteExpired(ctx, now); n != 0 {
		t.Fatalf("second DeleteExpired removed %d", n)
	}
}

func TestOpenSweepsOrphanMedia(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	kept := putMedia(t, s, MediaInfo{}, []byte("kept"))
	// A crash after the file was written but before its row: an orphan.
	orphan := filepath.Join(dir, mediaDirName, "0123456789abcdef0123456789abcdef")
	partial := filepath.Join(dir, mediaDirName, "fedcba9876543210fedcba9876543210"+partSuffix)
	foreign := filepath.Join(dir, mediaDirName, "README")
	for _, p := range []string{orphan, partial, foreign} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, p := range []string{orphan, partial} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s not swept", filepath.Base(p))
		}
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Error("a file the store did not create was removed")
	}
	if got, err := readMedia(s2, kept); err != nil || string(got) != "kept" {
		t.Fatalf("kept media: %q %v", got, err)
	}
}

// FuzzMediaReader feeds arbitrary file contents to the reader of a media row:
// it must never panic and never return bytes that are not the original.
func FuzzMediaReader(f *testing.F) {
	s, dir, _ := openTest(f)
	content := bytes.Repeat([]byte("tacit"), chunkSize/5+100)
	id := putMedia(f, s, MediaInfo{}, content)
	name, err := s.mediaFileName(id)
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, mediaDirName, name)
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:sealedChunkSize])
	f.Add(good[:100])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, file []byte) {
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readMedia(s, id)
		if err == nil && !bytes.Equal(got, content) {
			t.Fatalf("reader returned %d bytes that are not the stored content", len(got))
		}
	})
}
