package secret_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"tacit/mtproto/secret"
)

func testFileRoundTrip(t *testing.T, size int, wantBig bool) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	data := make([]byte, size)
	_, _ = rand.Read(data)
	var lastDone, lastTotal int64
	thumb := []byte{0xff, 0xd8, 0xff, 0xd9}
	sent, err := w.alice.m.SendFile(ctx, id, bytes.NewReader(data), int64(size), "report.bin", "application/octet-stream",
		secret.FileOptions{Caption: "the file", Thumb: thumb, ThumbW: 90, ThumbH: 60}, func(done, total int64) { lastDone, lastTotal = done, total })
	if err != nil {
		t.Fatal(err)
	}
	if lastDone != int64(size) || lastTotal != int64(size) {
		t.Fatalf("upload progress ended at %d/%d", lastDone, lastTotal)
	}
	if !sent.Sent || sent.Media == nil || sent.Media.File.ID == 0 {
		t.Fatalf("sent message %+v", sent)
	}
	if big := w.relay.BigUploads() == 1; big != wantBig {
		t.Fatalf("big upload used = %v, want %v", big, wantBig)
	}
	evs := w.bob.rec.waitFor(t, "file", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	got := received(evs)[0]
	if got.Kind != secret.KindMedia || got.Media == nil || got.Media.Name != "report.bin" ||
		got.Media.Size != int64(size) || got.Text != "the file" || !bytes.Equal(got.Media.Thumb, thumb) {
		t.Fatalf("received %+v", got)
	}
	var out bytes.Buffer
	if err := w.bob.m.DownloadFile(ctx, id, got.RandomID, &out, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("downloaded file differs (%d bytes, want %d)", out.Len(), size)
	}
	// The server only ever saw ciphertext.
	if size >= 64 && bytes.Contains(joinSent(w), data[:64]) {
		t.Fatalf("plaintext reached the relay")
	}
}

func joinSent(w *world) []byte {
	var b []byte
	for _, s := range w.relay.SentLog() {
		b = append(b, s.Data...)
	}
	return b
}

func TestFileRoundTrip(t *testing.T) { testFileRoundTrip(t, 3*1024*1024+123, false) }

func TestBigFileRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("12 MB")
	}
	testFileRoundTrip(t, 12*1024*1024+5, true)
}

func TestEmptyFileRefused(t *testing.T) {
	w := newWorld(t, secret.Options{})
	id := w.establish(t)
	if _, err := w.alice.m.SendFile(ctxT(t), id, bytes.NewReader(nil), 0, "empty", "text/plain", secret.FileOptions{}, nil); err == nil {
		t.Fatal("empty file accepted")
	}
}

func TestPhotoWithThumbnail(t *testing.T) {
	w := newWorld(t, secret.Options{RekeyAfterMessages: 1 << 20})
	id := w.establish(t)
	ctx := ctxT(t)
	data := make([]byte, 200*1024)
	_, _ = rand.Read(data)
	thumb := bytes.Repeat([]byte{7}, 1500)
	if _, err := w.alice.m.SendFile(ctx, id, bytes.NewReader(data), int64(len(data)), "p.jpg", "image/jpeg",
		secret.FileOptions{Photo: true, W: 1280, H: 960, Thumb: thumb, ThumbW: 90, ThumbH: 67, Caption: "view"}, nil); err != nil {
		t.Fatal(err)
	}
	evs := w.bob.rec.waitFor(t, "photo", func(evs []secret.Event) bool { return len(received(evs)) == 1 })
	got := received(evs)[0]
	md := got.Media
	if md == nil || md.Kind != secret.MediaPhoto || md.W != 1280 || md.H != 960 || !bytes.Equal(md.Thumb, thumb) ||
		md.ThumbW != 90 || got.Text != "view" {
		t.Fatalf("photo %+v", md)
	}
	var out bytes.Buffer
	if err := w.bob.m.DownloadFile(ctx, id, got.RandomID, &out, nil); err != nil || !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("photo download: %v", err)
	}
}
