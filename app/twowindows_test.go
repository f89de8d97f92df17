package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tacit/mtproto/sandbox"
	"tacit/ui"
)

// Two people, each in their own window on one sandbox, find each other by username alone (neither knows
// the other's number), start and accept a secret chat, see the same key in all three forms and mark it compared, and exchange
// texts both ways and a 1 MB file that arrives byte for byte. This is what "start two windows to talk"
// in the README promises.
func TestTwoWindowsTalk(t *testing.T) {
	t.Run("in process", func(t *testing.T) { twoWindowsTalk(t, false) })
	// As with `tacit sandbox serve`: the sandbox listens on loopback TCP and each window finds it through
	// the endpoint file.
	t.Run("over TCP through the endpoint file", func(t *testing.T) { twoWindowsTalk(t, true) })
}

func twoWindowsTalk(t *testing.T, tcp bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opts := sandbox.Options{}
	if tcp {
		opts.Listen = "127.0.0.1:0"
	}
	srv := newSandbox(t, opts)
	endpoint := srv.Endpoint()
	if tcp {
		var err error
		path := filepath.Join(t.TempDir(), "endpoint.json")
		if err := writeEndpoint(path, srv); err != nil {
			t.Fatal(err)
		}
		if endpoint, _, err = readEndpoint(path); err != nil {
			t.Fatal(err)
		}
		if endpoint.Dial != nil {
			t.Fatal("the endpoint file's endpoint dials in memory, not over TCP")
		}
	}
	ann := openWindowAt(t, ctx, srv, endpoint, nil)
	ann.signUp(ctx, "+44 7700 900401", "Ann")
	ben := openWindowAt(t, ctx, srv, endpoint, nil)
	ben.signUp(ctx, "+44 7700 900402", "Ben")
	if err := ann.svc.People.SetUsername(ctx, "ann_two_windows"); err != nil {
		t.Fatal(err)
	}

	// Ben finds Ann by a pasted link and opens her: that starts the secret chat.
	name, ok := ben.svc.Rules.PersonLink("https://t.me/ann_two_windows")
	if !ok {
		t.Fatal("the link to Ann was not read")
	}
	found, err := ben.svc.People.ResolveUsername(ctx, name)
	if err != nil || found.Name != "Ann" {
		t.Fatalf("resolve Ann: %+v %v", found, err)
	}
	benChat, err := ben.svc.Secret.StartSecretChat(ctx, found.Dialog)
	if err != nil {
		t.Fatal(err)
	}

	// Ann sees Ben's request under his name (she never met him) and accepts it.
	request := ann.waitDialog(ctx, "Ben's secret chat request", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindSecret && d.Title == "Ben"
	})
	if err := ann.svc.Secret.AcceptSecretChat(ctx, request.ID); err != nil {
		t.Fatal(err)
	}
	annKey := ann.waitSecret(ctx, request.ID, ui.SecretReady)
	benKey := ben.waitSecret(ctx, benChat, ui.SecretReady)
	if annKey.Hex == "" || annKey.Hex != benKey.Hex || annKey.Emoji != benKey.Emoji || annKey.Identicon != benKey.Identicon {
		t.Fatalf("the two windows show different keys:\nAnn %s %v\nBen %s %v", annKey.Hex, annKey.Emoji, benKey.Hex, benKey.Emoji)
	}
	if annKey.PeerName != "Ben" || benKey.PeerName != "Ann" {
		t.Fatalf("peer names: Ann sees %q, Ben sees %q", annKey.PeerName, benKey.PeerName)
	}
	// They compared the keys: each marks the chat verified, and the mark is kept.
	for _, side := range []struct {
		w    *window
		chat ui.DialogID
	}{{ann, request.ID}, {ben, benChat}} {
		if err := side.w.svc.Secret.SetVerified(ctx, side.chat, true); err != nil {
			t.Fatal(err)
		}
		if info, err := side.w.svc.Secret.SecretChat(ctx, side.chat); err != nil || !info.Verified {
			t.Fatalf("after marking the key compared: %+v %v", info, err)
		}
	}

	// Texts both ways.
	if _, err := ben.svc.Messages.SendText(ctx, benChat, "hello from Ben", ui.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ann.waitText(ctx, request.ID, "hello from Ben")
	if _, err := ann.svc.Messages.SendText(ctx, request.ID, "hello back from Ann", ui.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	ben.waitText(ctx, benChat, "hello back from Ann")

	// A 1 MB file from Ann to Ben, byte for byte.
	data := make([]byte, 1<<20)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	sent, err := ann.svc.Files.SendFile(ctx, request.ID, ui.Upload{Name: "notes.bin", Data: data}, ui.FileOptions{Caption: "the notes"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Media == nil || sent.Media.Size != int64(len(data)) {
		t.Fatalf("the sent file: %+v", sent.Media)
	}
	ben.waitText(ctx, benChat, "the notes")
	history, err := ben.svc.Messages.History(ctx, benChat, ui.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(history, func(m ui.Message) bool { return m.Text == "the notes" })
	got := history[i]
	if got.Out || got.Media == nil || got.Media.Name != "notes.bin" {
		t.Fatalf("Ben's copy of the file message: %+v", got)
	}
	var last int64
	var back bytes.Buffer
	if err := ben.svc.Files.SaveAs(ctx, benChat, got.ID, &back, func(done, total int64) {
		if done < last {
			t.Errorf("download progress went back from %d to %d", last, done)
		}
		last = done
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Bytes(), data) {
		t.Fatalf("Ben got %d bytes that differ from the %d Ann sent", back.Len(), len(data))
	}
}
