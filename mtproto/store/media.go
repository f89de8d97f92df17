package store

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// Media files are sealed in chunks: every chunkSize bytes of plaintext become
// one XChaCha20-Poly1305 box under the file's own random key, with the chunk
// index and a final-chunk flag in the nonce, so reordered, dropped, truncated or
// appended chunks fail authentication. There is no header: the file is the
// concatenation of the boxes and its size determines the chunk count.
const (
	chunkSize       = 64 << 10
	sealedChunkSize = chunkSize + chacha20poly1305.Overhead
	mediaKeySize    = chacha20poly1305.KeySize
	mediaAAD        = "tacit/store/media/v1"
	partSuffix      = ".part"
)

// ErrMediaTampered means a media file does not match its key: it was modified,
// truncated, extended or replaced.
var ErrMediaTampered = errors.New("store: media file failed authentication")

// MediaID identifies a stored media file.
type MediaID int64

// MediaInfo describes a stored media file.
type MediaInfo struct {
	ID MediaID // set by Commit
	// Owner is the message the file belongs to; the file is deleted with it.
	// The zero MessageRef means the file stands alone (e.g. an avatar).
	Owner MessageRef
	MIME  string
	// Name is the original file name; it stays inside the encrypted database
	// (the file on disk has a random name).
	Name    string
	Size    int64     // plaintext size; set by Commit
	Created time.Time // set by Commit
	// ExpiresAt is when DeleteExpired removes the file; zero = never.
	ExpiresAt time.Time
}

// mediaNonce builds the nonce of chunk index: big-endian index, final flag, zeros.
func mediaNonce(dst *[chacha20poly1305.NonceSizeX]byte, index uint64, final bool) []byte {
	clear(dst[:])
	binary.BigEndian.PutUint64(dst[:8], index)
	if final {
		dst[8] = 1
	}
	return dst[:]
}

// MediaWriter streams a new media file to disk, sealing it chunk by chunk.
// Nothing is visible to readers until Commit; Abort (or a crash) leaves nothing
// behind once the store is opened again. A MediaWriter is not safe for
// concurrent use.
type MediaWriter struct {
	s     *Store
	info  MediaInfo
	f     *os.File
	name  string // final file name inside media/
	key   []byte
	aead  cipher.AEAD
	buf   []byte // pending plaintext, at most chunkSize
	out   []byte // sealed chunk scratch
	index uint64
	size  int64
	nonce [chacha20poly1305.NonceSizeX]byte
	err   error // sticky
	done  bool
}

// CreateMedia starts a new media file described by info (ID, Size and Created
// are ignored). Write the content, then Commit.
func (s *Store) CreateMedia(ctx context.Context, info MediaInfo) (*MediaWriter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, fmt.Errorf("store: create media: %w", err)
	}
	name := hex.EncodeToString(rnd[:])
	key := make([]byte, mediaKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("store: create media: %w", err)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("store: create media: %w", err)
	}
	f, err := os.OpenFile(s.mediaPath(name+partSuffix), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: create media: %w", err)
	}
	return &MediaWriter{
		s: s, info: info, f: f, name: name, key: key, aead: aead,
		buf: make([]byte, 0, chunkSize),
		out: make([]byte, 0, sealedChunkSize),
	}, nil
}

func (s *Store) mediaPath(name string) string { return filepath.Join(s.dir, mediaDirName, name) }

// Write appends p to the file.
func (w *MediaWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("store: media writer is closed")
	}
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		// A full buffer is sealed only once more data arrives: the last chunk
		// must carry the final flag, and only Commit knows which one is last.
		if len(w.buf) == chunkSize {
			if err := w.sealChunk(false); err != nil {
				return n, err
			}
		}
		k := min(chunkSize-len(w.buf), len(p))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		n += k
		w.size += int64(k)
	}
	return n, nil
}

func (w *MediaWriter) sealChunk(final bool) error {
	w.out = w.aead.Seal(w.out[:0], mediaNonce(&w.nonce, w.index, final), w.buf, []byte(mediaAAD))
	if _, err := w.f.Write(w.out); err != nil {
		w.err = fmt.Errorf("store: write media: %w", err)
		return w.err
	}
	clear(w.buf)
	w.buf = w.buf[:0]
	w.index++
	return nil
}

// Commit seals the last chunk, makes the file durable and records it (with its
// key) in the database. It returns the new file's id.
func (w *MediaWriter) Commit(ctx context.Context) (id MediaID, err error) {
	if w.done {
		return 0, errors.New("store: media writer is closed")
	}
	w.done = true
	defer func() {
		// After a failure the next Open removes a partial file left behind.
		if cerr := w.cleanup(); cerr != nil && err == nil {
			err = fmt.Errorf("store: commit media: %w", cerr)
		}
	}()
	if w.err != nil {
		return 0, w.err
	}
	if err := w.sealChunk(true); err != nil {
		return 0, err
	}
	if err := w.f.Sync(); err != nil {
		return 0, fmt.Errorf("store: commit media: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return 0, fmt.Errorf("store: commit media: %w", err)
	}
	w.f = nil
	if err := os.Rename(w.s.mediaPath(w.name+partSuffix), w.s.mediaPath(w.name)); err != nil {
		return 0, fmt.Errorf("store: commit media: %w", err)
	}
	if err := syncDir(filepath.Join(w.s.dir, mediaDirName)); err != nil {
		os.Remove(w.s.mediaPath(w.name))
		return 0, fmt.Errorf("store: commit media: %w", err)
	}
	now := time.Now()
	res, err := w.s.w.ExecContext(ctx,
		`INSERT INTO media(file, file_key, size, mime, name, created, expires_at, owner_kind, owner_peer, owner_msg)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.name, w.key, w.size, w.info.MIME, w.info.Name, now.Unix(), timeUnix(w.info.ExpiresAt),
		w.info.Owner.Peer.Kind, w.info.Owner.Peer.ID, w.info.Owner.ID)
	if err != nil {
		os.Remove(w.s.mediaPath(w.name))
		return 0, fmt.Errorf("store: commit media: %w", err)
	}
	rowid, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: commit media: %w", err)
	}
	w.s.maint.expiresAt(w.info.ExpiresAt)
	return MediaID(rowid), nil
}

// Abort discards the file. Calling Abort after Commit does nothing. An error
// means the partial file could not be removed (the next Open removes it).
func (w *MediaWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	if err := w.cleanup(); err != nil {
		return fmt.Errorf("store: abort media: %w", err)
	}
	return nil
}

// cleanup closes and removes the partial file if it is still there, and wipes
// the key and buffered plaintext. It reports a partial file it could not remove.
func (w *MediaWriter) cleanup() error {
	if w.f != nil {
		w.f.Close() // the file is removed next; its content does not matter
		w.f = nil
	}
	err := os.Remove(w.s.mediaPath(w.name + partSuffix))
	wipe(w.key)
	clear(w.buf[:cap(w.buf)])
	if errors.Is(err, os.ErrNotExist) {
		return nil // committed (renamed) or never written
	}
	return err
}

// Media returns the description of a stored file, or ErrNotFound.
func (s *Store) Media(ctx context.Context, id MediaID) (MediaInfo, error) {
	list, err := s.queryMedia(ctx, `WHERE id = ?`, id)
	if err != nil {
		return MediaInfo{}, err
	}
	if len(list) == 0 {
		return MediaInfo{}, fmt.Errorf("store: media %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// MediaOf returns the files that belong to a message, oldest first.
func (s *Store) MediaOf(ctx context.Context, ref MessageRef) ([]MediaInfo, error) {
	return s.queryMedia(ctx, `WHERE owner_kind = ? AND owner_peer = ? AND owner_msg = ? ORDER BY id`,
		ref.Peer.Kind, ref.Peer.ID, ref.ID)
}

func (s *Store) queryMedia(ctx context.Context, where string, args ...any) ([]MediaInfo, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT id, size, mime, name, created, expires_at, owner_kind, owner_peer, owner_msg FROM media `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: media: %w", err)
	}
	defer rows.Close()
	var out []MediaInfo
	for rows.Next() {
		var m MediaInfo
		var created, expires int64
		if err := rows.Scan(&m.ID, &m.Size, &m.MIME, &m.Name, &created, &expires,
			&m.Owner.Peer.Kind, &m.Owner.Peer.ID, &m.Owner.ID); err != nil {
			return nil, fmt.Errorf("store: media: %w", err)
		}
		m.Created, m.ExpiresAt = unixTime(created), unixTime(expires)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: media: %w", err)
	}
	return out, nil
}

// DeleteMedia deletes a stored file and its row. Deleting a missing file is not
// an error.
func (s *Store) DeleteMedia(ctx context.Context, id MediaID) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM media WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete media: %w", err)
	}
	s.maint.requestCheckpoint() // the file's key goes with the row
	return s.emptyTrash(ctx)
}

// DeleteExpired deletes everything whose time has come at now: media files
// with an ExpiresAt, and cloud messages with an ExpiresAt (with their media).
// It returns how many items were removed. Secret chat messages are not touched:
// their self-destruct timers belong to the secret chat manager, which deletes
// them on both sides. The store runs it by itself, at Open and whenever the
// next expiry time comes; a checkpoint follows a deletion.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	var removed int64
	err := s.writeTx(ctx, "delete expired", func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM media WHERE expires_at > 0 AND expires_at <= ?`,
			`UPDATE messages SET deleted = 1, text = '', entities = NULL, media = NULL
			 WHERE expires_at > 0 AND expires_at <= ? AND deleted = 0`,
		} {
			res, err := tx.ExecContext(ctx, q, now.Unix())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			removed += n
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if removed > 0 {
		s.maint.requestCheckpoint()
	}
	return int(removed), s.emptyTrash(ctx)
}

// emptyTrash removes the files whose rows were deleted, then forgets them.
func (s *Store) emptyTrash(ctx context.Context) error {
	rows, err := s.w.QueryContext(ctx, `SELECT file FROM media_trash`)
	if err != nil {
		return fmt.Errorf("store: empty media trash: %w", err)
	}
	var files []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return fmt.Errorf("store: empty media trash: %w", err)
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: empty media trash: %w", err)
	}
	for _, f := range files {
		if !validMediaName(f) {
			continue
		}
		if err := os.Remove(s.mediaPath(f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("store: empty media trash: %w", err)
		}
		if _, err := s.w.ExecContext(ctx, `DELETE FROM media_trash WHERE file = ?`, f); err != nil {
			return fmt.Errorf("store: empty media trash: %w", err)
		}
	}
	return nil
}

// validMediaName accepts only the names CreateMedia generates, so a damaged row
// can never make the store remove a file outside media/.
func validMediaName(name string) bool {
	if len(name) != 32 {
		return false
	}
	_, err := hex.DecodeString(name)
	return err == nil
}

// sweepMedia runs at Open: it empties the trash and removes files that no row
// refers to (a crash between writing a file and recording it) and partial files.
func (s *Store) sweepMedia(ctx context.Context) error {
	if err := s.emptyTrash(ctx); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, mediaDirName))
	if err != nil {
		return fmt.Errorf("store: sweep media: %w", err)
	}
	known := make(map[string]bool)
	rows, err := s.r.QueryContext(ctx, `SELECT file FROM media`)
	if err != nil {
		return fmt.Errorf("store: sweep media: %w", err)
	}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return fmt.Errorf("store: sweep media: %w", err)
		}
		known[f] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: sweep media: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		orphan := strings.HasSuffix(name, partSuffix) && validMediaName(strings.TrimSuffix(name, partSuffix))
		orphan = orphan || (validMediaName(name) && !known[name])
		if orphan && e.Type().IsRegular() {
			if err := os.Remove(s.mediaPath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("store: sweep media: %w", err)
			}
		}
	}
	return nil
}

// MediaReader reads a stored media file, verifying every chunk before returning
// any of its bytes. It implements io.Reader, io.ReaderAt, io.Seeker and
// io.Closer. Read and Seek share an offset and are not safe for concurrent use;
// ReadAt is.
type MediaReader struct {
	f      *os.File
	aead   cipher.AEAD
	size   int64 // plaintext size
	chunks uint64
	off    int64 // for Read and Seek

	mu     sync.Mutex
	cached uint64 // index of the chunk in plain; valid when havePlain
	plain  []byte
	sealed []byte
	have   bool
}

// OpenMedia opens a stored file for reading. A file whose size does not fit
// its record gives ErrMediaTampered; damaged chunks fail when they are read.
func (s *Store) OpenMedia(ctx context.Context, id MediaID) (*MediaReader, error) {
	var name string
	var key []byte
	var size int64
	err := s.r.QueryRowContext(ctx, `SELECT file, file_key, size FROM media WHERE id = ?`, id).Scan(&name, &key, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: open media %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open media: %w", err)
	}
	defer wipe(key)
	if !validMediaName(name) {
		return nil, fmt.Errorf("store: open media %d: %w", id, ErrMediaTampered)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("store: open media: %w", err)
	}
	f, err := os.Open(s.mediaPath(name))
	if err != nil {
		return nil, fmt.Errorf("store: open media: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: open media: %w", err)
	}
	chunks, plain, ok := sealedLayout(st.Size())
	if !ok || plain != size {
		f.Close()
		return nil, fmt.Errorf("store: open media %d: %w", id, ErrMediaTampered)
	}
	return &MediaReader{
		f: f, aead: aead, size: size, chunks: chunks,
		plain:  make([]byte, 0, chunkSize),
		sealed: make([]byte, sealedChunkSize),
	}, nil
}

// sealedLayout derives the chunk count and plaintext size from a sealed file's
// size; ok is false for sizes no writer produces.
func sealedLayout(fileSize int64) (chunks uint64, plain int64, ok bool) {
	if fileSize < chacha20poly1305.Overhead {
		return 0, 0, false
	}
	n := (fileSize + sealedChunkSize - 1) / sealedChunkSize
	last := fileSize - (n-1)*sealedChunkSize
	if last < chacha20poly1305.Overhead {
		return 0, 0, false
	}
	return uint64(n), fileSize - n*chacha20poly1305.Overhead, true
}

// Size returns the plaintext size.
func (r *MediaReader) Size() int64 { return r.size }

// Read reads plaintext at the current offset.
func (r *MediaReader) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.off)
	r.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Seek sets the offset for the next Read.
func (r *MediaReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, errors.New("store: media seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("store: media seek: negative offset")
	}
	r.off = offset
	return offset, nil
}

// ReadAt reads plaintext at off, authenticating each chunk it touches.
func (r *MediaReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("store: media read: negative offset")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for len(p) > 0 {
		if off >= r.size {
			return n, io.EOF
		}
		idx := uint64(off / chunkSize)
		if err := r.loadChunk(idx); err != nil {
			return n, err
		}
		k := copy(p, r.plain[off-int64(idx)*chunkSize:])
		p = p[k:]
		n += k
		off += int64(k)
	}
	if off >= r.size && n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// loadChunk decrypts chunk idx into r.plain.
func (r *MediaReader) loadChunk(idx uint64) error {
	if r.have && r.cached == idx {
		return nil
	}
	r.have = false
	final := idx == r.chunks-1
	length := sealedChunkSize
	if final {
		length = int(r.size-int64(idx)*chunkSize) + chacha20poly1305.Overhead
	}
	buf := r.sealed[:length]
	if _, err := r.f.ReadAt(buf, int64(idx)*sealedChunkSize); err != nil {
		if errors.Is(err, io.EOF) {
			return ErrMediaTampered
		}
		return fmt.Errorf("store: media read: %w", err)
	}
	var nonce [chacha20poly1305.NonceSizeX]byte
	plain, err := r.aead.Open(r.plain[:0], mediaNonce(&nonce, idx, final), buf, []byte(mediaAAD))
	if err != nil {
		return ErrMediaTampered
	}
	r.plain, r.cached, r.have = plain, idx, true
	return nil
}

// Close closes the file and wipes the buffered plaintext.
func (r *MediaReader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.plain[:cap(r.plain)])
	r.have = false
	return r.f.Close()
}
