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

func TestEmptyFileRoundTrip(t *testing.T) { testFileRoundTrip(t, 0, false) }
