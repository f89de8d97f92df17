package app

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/store"
	"tacit/ui"
)

// TestSaveMediaEncryptedAtRest: a document received in a cloud chat is
// saved into the store; its bytes come back intact and appear in no file
// of the data directory.
func TestSaveMediaEncryptedAtRest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	dir := t.TempDir()
	key := bytes.Repeat([]byte{7}, store.KeySize)
	db, err := store.Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// The sender: a plain client.
	sender, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t", Endpoint: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	senderCloud := mtproto.NewCloud(sender, mtproto.CloudOptions{})
	// The user: the app's Backend on the store.
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t", Endpoint: srv.Endpoint(), Session: db.Session(), State: db.UpdateState()})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(client, mtproto.LoginOptions{AllowNoPassword: true}, srv, db)
	events := make(chan ui.Event, 64)
	defer b.Services().Events.Subscribe(func(e ui.Event) { events <- e })()

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 2)
	ready := make(chan struct{}, 2)
	go func() {
		done <- client.Run(runCtx, func(ctx context.Context) error { b.run(ctx); ready <- struct{}{}; <-ctx.Done(); return nil })
	}()
	go func() {
		done <- sender.Run(runCtx, func(ctx context.Context) error { ready <- struct{}{}; <-ctx.Done(); return nil })
	}()
	running := 2 // clients whose Run has not returned yet
	defer func() {
		stop()
		for ; running > 0; running-- {
			<-done
		}
	}()
	for range 2 {
		select {
		case <-ready:
		case err := <-done:
			running--
			t.Fatalf("a client stopped before it was ready: %v", err)
		case <-ctx.Done():
			t.Fatalf("the clients did not become ready: %v", ctx.Err())
		}
	}

	signUpWith := func(l *mtproto.Login, phone, name string) {
		t.Helper()
		if _, err := l.SendCode(ctx, phone); err != nil {
			t.Fatal(err)
		}
		code, _ := srv.Code(phone)
		if _, err := l.SubmitCode(ctx, code); err != nil {
			t.Fatal(err)
		}
		if st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: name, Acknowledged: true}); err != nil || st != mtproto.StageReady {
			t.Fatalf("sign up %s: %v %v", name, st, err)
		}
	}
	signUpWith(b.currentLogin(), "447700900301", "Receiver")
	signUpWith(sender.NewLogin(mtproto.LoginOptions{AllowNoPassword: true}), "447700900302", "Sender")

	data := make([]byte, 700*1024+3)
	for i := range data {
		data[i] = byte(i*131 + i/1024)
	}
	rec, err := mtproto.NewUpload("report.bin", int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := senderCloud.UploadFile(ctx, rec, bytes.NewReader(data), nil); err != nil {
		t.Fatal(err)
	}
	me := client.Self()
	if _, err := senderCloud.SendMedia(ctx, mtproto.Peer{Kind: mtproto.PeerUser, ID: me.ID, AccessHash: me.AccessHash}, rec, mtproto.MediaOptions{MIME: "application/octet-stream"}); err != nil {
		t.Fatal(err)
	}
	var msg ui.Message
	for msg.ID == 0 {
		select {
		case e := <-events:
			if m, ok := e.(ui.MessageEvent); ok && !m.Message.Out {
				msg = m.Message
			}
		case <-ctx.Done():
			t.Fatal("the document did not arrive")
		}
	}
	var last int64
	id, err := (filesService{b}).stored(ctx, msg.Dialog, msg.ID, func(done, total int64) { last = done })
	if err != nil {
		t.Fatalf("save media: %v", err)
	}
	if last != int64(len(data)) {
		t.Errorf("progress ended at %d of %d", last, len(data))
	}
	r, err := db.OpenMedia(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (err %v), want %d identical", len(got), err, len(data))
	}
	if hit, err := findPlaintext(dir, [][]byte{data[1000:1064], data[500000:500064]}); err != nil || hit != "" {
		t.Fatalf("file content in plaintext in %q (%v)", hit, err)
	}
	// A message without media is refused with a reason.
	sent, err := b.Services().Messages.SendText(ctx, msg.Dialog, "thanks", ui.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (filesService{b}).stored(ctx, msg.Dialog, sent.ID, nil); err == nil {
		t.Fatal("saving a text message as media succeeded")
	}
}
