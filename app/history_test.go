package app

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tacit/mtproto/store"
	"tacit/ui"
)

// TestHistoryPagesAndSearch: against the sandbox, with the encrypted store, a cloud chat and a secret chat
// of 120 messages each page back to their first message in pages of 50 (each message once, in order),
// and the search finds a word in either.
func TestHistoryPagesAndSearch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := demoSandbox(t, ctx)
	db, err := store.Open(ctx, t.TempDir(), bytes.Repeat([]byte{5}, store.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close the store: %v", err)
		}
	})
	w := openWindow(t, ctx, srv, db)
	w.signUp(ctx, "+44 7700 900470", "Pia")
	bob, err := w.svc.People.ResolveUsername(ctx, "bob_demo")
	if err != nil {
		t.Fatal(err)
	}
	secretChat, err := w.svc.Secret.StartSecretChat(ctx, bob.Dialog)
	if err != nil {
		t.Fatal(err)
	}
	w.ready(ctx, secretChat)

	const n = 120
	for _, dialog := range []ui.DialogID{bob.Dialog, secretChat} {
		for i := range n {
			text := fmt.Sprintf("page test %03d", i)
			if i == 17 {
				text += " with a rare marmalade word"
			}
			if _, err := w.svc.Messages.SendText(ctx, dialog, text, ui.SendOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}

	for _, dialog := range []ui.DialogID{bob.Dialog, secretChat} {
		var mine []string // this account's messages, oldest first, as paged back
		page := ui.Page{Limit: 50}
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatalf("%s: paging does not end", dialog)
			}
			ms, err := w.svc.Messages.History(ctx, dialog, page)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				break
			}
			if len(ms) > page.Limit {
				t.Fatalf("%s: a page of %d messages, asked for %d", dialog, len(ms), page.Limit)
			}
			var texts []string
			for _, m := range ms {
				if m.Out {
					texts = append(texts, m.Text)
				}
			}
			mine = append(texts, mine...)
			page.Before = ms[0].ID
		}
		var want []string
		for i := range n {
			text := fmt.Sprintf("page test %03d", i)
			if i == 17 {
				text += " with a rare marmalade word"
			}
			want = append(want, text)
		}
		if !slices.Equal(mine, want) {
			t.Fatalf("%s: paged back %d of my messages, want the %d sent, each once and in order:\n%q", dialog, len(mine), n, mine)
		}
	}

	hits, err := w.svc.Messages.Search(ctx, "marmalade", 10)
	if err != nil {
		t.Fatal(err)
	}
	found := map[ui.DialogID]bool{}
	for _, h := range hits {
		found[h.Dialog] = true
	}
	if len(hits) != 2 || !found[bob.Dialog] || !found[secretChat] {
		t.Fatalf("search for a word sent in both chats: %+v", hits)
	}
}
