package mtproto_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// writeRandomFile writes size deterministic pseudo-random bytes to a file
// in 1 MiB steps (never holding the whole file) and returns its path and
// SHA-256.
func writeRandomFile(t testing.TB, dir, name string, size int64, seed uint64) (string, [32]byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	buf := make([]byte, 1<<20)
	for left := size; left > 0; {
		n := min(left, int64(len(buf)))
		_, _ = rng.Read(buf[:n])
		if _, err := f.Write(buf[:n]); err != nil {
			t.Fatal(err)
		}
		h.Write(buf[:n])
		left -= n
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return path, sum
}

func fileSum(t testing.TB, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// A 50 MB document (12 MB with -short) goes up and down byte-identical,
// with progress, and both transfers survive a dropped connection: the
// interrupted attempt is abandoned and the retry continues where it
// stopped (the upload from the next unsent part with the same file id,
// the download from the partial file's size).
func TestLargeDocumentUpDownloadResumed(t *testing.T) {
	size := int64(50 << 20)
	if testing.Short() {
		size = 12 << 20 // still a "big" file (over 10 MiB)
	}
	ctx := testCtx(t, 8*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700930001", "Ann")
	ben := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ben, "447700930002", "Ben")
	dir := t.TempDir()
	path, sum := writeRandomFile(t, dir, "big.bin", size, 1)

	rec, err := mtproto.NewUpload(path, size)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	// First attempt: the connection drops at 40% and the attempt is given up.
	attempt, cancel := context.WithCancel(ctx)
	dropped := false
	err = ann.cloud.UploadFile(attempt, rec, src, func(done, total int64) {
		if !dropped && done >= total*2/5 {
			dropped = true
			s.DropConnections()
			cancel()
		}
	})
	cancel()
	var te *mtproto.TransferError
	if !errors.As(err, &te) || te.Op != "upload" || te.Done <= 0 || te.Done >= size {
		t.Fatalf("interrupted upload: %v", err)
	}
	if rec.Complete() || rec.Done == 0 {
		t.Fatalf("record after interruption: %+v", rec)
	}
	saved := rec.Done
	var first, last int64 = -1, 0
	monotonic := true
	if err := ann.cloud.UploadFile(ctx, rec, src, func(done, total int64) {
		if first < 0 {
			first = done
		}
		monotonic = monotonic && done > last && total == size
		last = done
	}); err != nil {
		t.Fatalf("resumed upload: %v (%v)", err, errors.Unwrap(errors.Unwrap(err)))
	}
	if first != int64(saved+1)*mtproto.UploadPartSize || last != size || !monotonic || !rec.Complete() {
		t.Fatalf("resumed upload progress: first %d (saved %d parts), last %d, monotonic %v", first, saved, last, monotonic)
	}

	sent, err := ann.cloud.SendMedia(ctx, ben.peer(), rec, mtproto.MediaOptions{Caption: "the **big** one"})
	if err != nil {
		t.Fatal(err)
	}
	if sent.Media == nil || sent.Media.Size != size || sent.Media.Name != "big.bin" || sent.Text != "the big one" {
		t.Fatalf("sent media = %+v", sent)
	}
	got := ben.waitEvent(t, ctx, "document", func(e mtproto.Event) bool { return e.Kind == mtproto.EventNew && e.Message.Media != nil })
	loc := got.Message.Media.Location
	if loc.Size != size || got.Message.Media.Kind != mtproto.MediaDocument {
		t.Fatalf("received media = %+v", got.Message.Media)
	}

	out := filepath.Join(dir, "received.bin")
	attempt, cancel = context.WithCancel(ctx)
	dropped = false
	err = ben.cloud.DownloadFile(attempt, loc, out, func(done, total int64) {
		if !dropped && done >= total/2 {
			dropped = true
			s.DropConnections()
			cancel()
		}
	})
	cancel()
	if !errors.As(err, &te) || te.Op != "download" || te.Name != "received.bin" {
		t.Fatalf("interrupted download: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a half-written download has the final name: %v", err)
	}
	part, err := os.Stat(out + mtproto.PartialSuffix)
	if err != nil || part.Size() < size/2 {
		t.Fatalf("partial file: %v %v", part, err)
	}
	// The retry continues from the partial file; another drop on the way
	// is ridden out inside the call (the part is repeated on the new
	// connection).
	first, last, monotonic, dropped = -1, 0, true, false
	if err := ben.cloud.DownloadFile(ctx, loc, out, func(done, total int64) {
		if first < 0 {
			first = done
		}
		monotonic = monotonic && done > last && total == size
		last = done
		if !dropped && done >= total*3/4 {
			dropped = true
			s.DropConnections()
		}
	}); err != nil {
		t.Fatalf("resumed download: %v (%v)", err, errors.Unwrap(errors.Unwrap(err)))
	}
	if first <= size/2 || last != size || !monotonic {
		t.Fatalf("resumed download progress: first %d, last %d, monotonic %v", first, last, monotonic)
	}
	if fileSum(t, out) != sum {
		t.Fatal("downloaded file differs from the uploaded one")
	}
	if _, err := os.Stat(out + mtproto.PartialSuffix); !os.IsNotExist(err) {
		t.Fatalf("partial file left behind: %v", err)
	}
	found, err := ben.cloud.Search(ctx, ann.peer(), "big.bin")
	if err != nil || len(found) != 1 {
		t.Fatalf("search by file name: %d %v", len(found), err)
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("disk unplugged") }

// Failed transfers say why, can be retried, and never leave a file that
// looks complete.
func TestTransferFailuresReportedAndRetried(t *testing.T) {
	ctx := testCtx(t, 3*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700930011", "Ann")
	ben := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ben, "447700930012", "Ben")
	dir := t.TempDir()

	if _, err := mtproto.NewUpload("empty", 0); !errors.Is(err, mtproto.ErrFileEmpty) {
		t.Fatalf("empty file: %v", err)
	}
	if _, err := mtproto.NewUpload("huge", 2100<<20); !errors.Is(err, mtproto.ErrFileTooBig) {
		t.Fatalf("huge file: %v", err)
	}
	if _, err := ann.cloud.UploadPath(ctx, filepath.Join(dir, "missing"), nil, nil); !errors.Is(err, mtproto.ErrLocalFile) {
		t.Fatalf("missing file: %v", err)
	}
	rec, _ := mtproto.NewUpload("unreadable", 4096)
	if err := ann.cloud.UploadFile(ctx, rec, failingReader{}, nil); !errors.Is(err, mtproto.ErrLocalFile) {
		t.Fatalf("unreadable file: %v", err)
	}

	// The server refuses a part: the reason reaches the caller, the retry
	// succeeds.
	path, sum := writeRandomFile(t, dir, "notes.txt", 1300*1024, 2)
	s.FloodWait(tg.UploadSaveFilePartRequestTypeID, 3600, 1)
	rec, err := ann.cloud.UploadPath(ctx, path, nil, nil)
	var te *mtproto.TransferError
	if !errors.As(err, &te) || !errors.Is(err, mtproto.ErrFloodWait) || rec == nil || rec.Done != 0 {
		t.Fatalf("refused part: %v (record %+v)", err, rec)
	}
	if rec, err = ann.cloud.UploadPath(ctx, path, rec, nil); err != nil || !rec.Complete() || rec.Parts != 3 {
		t.Fatalf("retry: %+v %v", rec, err)
	}
	incomplete := *rec
	incomplete.Done = 1
	if _, err := ann.cloud.SendMedia(ctx, ben.peer(), &incomplete, mtproto.MediaOptions{}); !errors.Is(err, mtproto.ErrFileInvalid) {
		t.Fatalf("sending an incomplete upload: %v", err)
	}
	msg, err := ann.cloud.SendMedia(ctx, ben.peer(), rec, mtproto.MediaOptions{MIME: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	loc := msg.Media.Location

	// A download the server refuses leaves no file under the final name.
	out := filepath.Join(dir, "notes-copy.txt")
	s.FloodWait(tg.UploadGetFileRequestTypeID, 3600, 1)
	if err := ann.cloud.DownloadFile(ctx, loc, out, nil); !errors.Is(err, mtproto.ErrFloodWait) {
		t.Fatalf("refused download: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("a failed download has the final name")
	}
	stale := loc
	stale.FileReference = []byte("stale")
	if err := ann.cloud.DownloadFile(ctx, stale, out, nil); !errors.Is(err, mtproto.ErrFileExpired) {
		t.Fatalf("stale reference: %v", err)
	}
	if err := ann.cloud.DownloadFile(ctx, loc, out, nil); err != nil {
		t.Fatal(err)
	}
	if fileSum(t, out) != sum {
		t.Fatal("retried download differs")
	}

	// A photo must be an image; a real one comes back with its size.
	if _, err := ann.cloud.SendMedia(ctx, ben.peer(), rec, mtproto.MediaOptions{Photo: true}); err == nil {
		t.Fatal("an upload was used twice")
	}
	notImage, _ := writeRandomFile(t, dir, "not-a-photo.jpg", 5000, 3)
	rec, err = ann.cloud.UploadPath(ctx, notImage, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ann.cloud.SendMedia(ctx, ben.peer(), rec, mtproto.MediaOptions{Photo: true}); !errors.Is(err, mtproto.ErrFileInvalid) {
		t.Fatalf("photo that is not an image: %v", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.RGBA{R: 200, A: 255})
	}
	var pngBytes bytes.Buffer
	if err := png.Encode(&pngBytes, img); err != nil {
		t.Fatal(err)
	}
	photoPath := filepath.Join(dir, "dot.png")
	if err := os.WriteFile(photoPath, pngBytes.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err = ann.cloud.UploadPath(ctx, photoPath, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := ann.cloud.SendMedia(ctx, ben.peer(), rec, mtproto.MediaOptions{Photo: true, Caption: "a dot"})
	if err != nil {
		t.Fatal(err)
	}
	if photo.Media.Kind != mtproto.MediaPhoto || photo.Media.Width != 64 || photo.Media.Height != 48 {
		t.Fatalf("photo = %+v", photo.Media)
	}
	seen := ben.waitEvent(t, ctx, "photo", func(e mtproto.Event) bool { return e.Message.Text == "a dot" })
	photoOut := filepath.Join(dir, "dot-copy.png")
	if err := ben.cloud.DownloadFile(ctx, seen.Message.Media.Location, photoOut, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(photoOut); !bytes.Equal(b, pngBytes.Bytes()) {
		t.Fatal("photo differs")
	}
}

// BenchmarkTransfer measures an 8 MiB upload and download through the
// in-memory sandbox (MTProto encryption both ways included).
func BenchmarkTransfer(b *testing.B) {
	const size = 8 << 20
	ctx := testCtx(b, 10*time.Minute)
	s := newSandbox(b)
	ann := startMember(b, ctx, s, memberOpts{})
	signUp(b, ctx, s, ann, "447700930021", "Ann")
	dir := b.TempDir()
	path, sum := writeRandomFile(b, dir, "bench.bin", size, 4)
	b.Run("upload", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			if _, err := ann.cloud.UploadPath(ctx, path, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	rec, err := ann.cloud.UploadPath(ctx, path, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	msg, err := ann.cloud.SendMedia(ctx, ann.peer(), rec, mtproto.MediaOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("download", func(b *testing.B) {
		b.SetBytes(size)
		out := filepath.Join(dir, "out.bin")
		for b.Loop() {
			os.Remove(out)
			if err := ann.cloud.DownloadFile(ctx, msg.Media.Location, out, nil); err != nil {
				b.Fatal(err)
			}
		}
		if fileSum(b, out) != sum {
			b.Fatal("downloaded file differs")
		}
	})
}
