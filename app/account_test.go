package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// TestLogOutLeavesNothing: A signs up, accepts a secret chat, writes in it, sends a file, marks the key as
// compared and leaves a second request waiting; A logs out and B signs up in the same window and profile.
// B sees nothing of A, the store holds nothing of A, and the sandbox saw A's secret chats discarded with
// their history.
func TestLogOutLeavesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		onDisk  bool
		phoneA  string
		phoneB  string
		dataDir string
	}{
		{name: "encrypted store", onDisk: true, phoneA: "+44 7700 900401", phoneB: "+44 7700 900402"},
		{name: "in-memory demo", phoneA: "+44 7700 900403", phoneB: "+44 7700 900404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp) // temporary files of the store and the engines land where the test looks
			srv := demoSandbox(t, ctx)
			dir := t.TempDir()
			var db *store.Store
			if tc.onDisk {
				var err error
				if db, err = store.Open(ctx, dir, bytes.Repeat([]byte{7}, store.KeySize)); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
			}
			w := openWindow(t, ctx, srv, db)
			canary := "canary-" + randomHex(t)
			fileCanary := []byte("file-canary-" + randomHex(t))

			w.signUp(ctx, tc.phoneA, "Avery")
			aliceChat := w.waitDialog(ctx, "Alice's request", func(d ui.DialogSummary) bool {
				return d.Kind == ui.KindSecret && d.Title == "Alice"
			})
			bobChat := w.waitDialog(ctx, "Bob's request", func(d ui.DialogSummary) bool {
				return d.Kind == ui.KindSecret && d.Title == "Bob"
			})
			w.waitSecret(ctx, aliceChat.ID, ui.SecretRequested)
			if err := w.svc.Secret.AcceptSecretChat(ctx, aliceChat.ID); err != nil {
				t.Fatal(err)
			}
			w.waitSecret(ctx, aliceChat.ID, ui.SecretReady)
			if _, err := w.svc.Messages.SendText(ctx, aliceChat.ID, canary, ui.SendOptions{}); err != nil {
				t.Fatal(err)
			}
			id, _ := secretChatOf(aliceChat.ID)
			if _, err := w.b.secret.SendFile(ctx, id, bytes.NewReader(fileCanary), int64(len(fileCanary)), "canary.bin",
				"application/octet-stream", secret.FileOptions{}, nil); err != nil {
				t.Fatal(err)
			}
			if err := w.svc.Secret.SetVerified(ctx, aliceChat.ID, true); err != nil {
				t.Fatal(err)
			}
			// Alice answers the text and sends the file back: both sides hold the canaries now.
			waitHistory(t, ctx, w, aliceChat.ID, "back-canary.bin")
			cloud := w.waitDialog(ctx, "Alice's cloud chat", func(d ui.DialogSummary) bool {
				return d.Kind == ui.KindUser && d.Title == "Alice"
			})
			if _, err := w.svc.Messages.SendText(ctx, cloud.ID, canary, ui.SendOptions{}); err != nil {
				t.Fatal(err)
			}
			if tc.onDisk {
				if hits, err := db.Search(ctx, canary, 10); err != nil || len(hits) == 0 {
					t.Fatalf("before log out the cloud canary is not in the store: %v %v", hits, err)
				}
			}
			userA, _ := srv.UserByPhone(strings.NewReplacer("+", "", " ", "").Replace(tc.phoneA))

			out, err := w.svc.Account.LogOut(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if out.Notice != "" {
				t.Errorf("the server was reachable, yet: %q", out.Notice)
			}
			for _, d := range []ui.DialogID{aliceChat.ID, bobChat.ID} {
				chat, _ := secretChatOf(d)
				if end := srv.SecretChatEnd(int(chat)); !end.Discarded || end.By != userA || !end.HistoryDeleted {
					t.Errorf("secret chat %d at the sandbox: %+v, want discarded by %d with its history", chat, end, userA)
				}
			}

			w.use(out.Next)
			w.signUp(ctx, tc.phoneB, "Blake")
			// B's own chats arrive (the contacts greet every new user); none of them is A's.
			w.waitDialog(ctx, "B's request from Alice", func(d ui.DialogSummary) bool {
				return d.Kind == ui.KindSecret && d.Title == "Alice"
			})
			dialogs, err := w.svc.Chats.Dialogs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range dialogs {
				if d.ID == aliceChat.ID || d.ID == bobChat.ID {
					t.Errorf("B sees A's secret chat %s", d.ID)
				}
				if strings.Contains(d.LastMessage, "canary") {
					t.Errorf("B's chat list shows A's message in %q", d.Title)
				}
				msgs, err := w.svc.Messages.History(ctx, d.ID, ui.Page{Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range msgs {
					if strings.Contains(m.Text, "canary") || (m.Media != nil && strings.Contains(m.Media.Name, "canary")) {
						t.Errorf("B reads A's message %q in %q", m.Text, d.Title)
					}
				}
				if d.Kind == ui.KindSecret {
					if info, err := w.svc.Secret.SecretChat(ctx, d.ID); err == nil && info.Verified {
						t.Errorf("B's secret chat %s carries A's verified mark", d.ID)
					}
				}
			}
			for _, d := range []ui.DialogID{aliceChat.ID, bobChat.ID} {
				if _, err := w.svc.Secret.SecretChat(ctx, d); err == nil {
					t.Errorf("A's secret chat %s still answers", d)
				}
			}
			if tc.onDisk {
				if hits, err := db.Search(ctx, canary, 10); err != nil || len(hits) != 0 {
					t.Errorf("the store still finds A's message: %v %v", hits, err)
				}
				if err := db.Checkpoint(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for _, root := range []string{dir, tmp} {
				hit, err := findPlaintext(root, [][]byte{[]byte(canary), fileCanary})
				if err != nil {
					t.Fatal(err)
				}
				if hit != "" {
					t.Errorf("A's canary is in %s", hit)
				}
			}
		})
	}
}

// waitHistory waits until the dialog holds a message containing text, or a file whose name contains it.
func waitHistory(t testing.TB, ctx context.Context, w *window, dialog ui.DialogID, text string) {
	t.Helper()
	for {
		msgs, err := w.svc.Messages.History(ctx, dialog, ui.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.Contains(m.Text, text) || (m.Media != nil && strings.Contains(m.Media.Name, text)) {
				return
			}
		}
		select {
		case <-w.events:
		case <-ctx.Done():
			t.Fatalf("no %q in %s: %+v", text, dialog, msgs)
		}
	}
}

func randomHex(t testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
