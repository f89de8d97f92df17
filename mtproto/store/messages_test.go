package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tacit/mtproto/secret"
)

func TestMessagesPaging(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	chat := ChannelPeer(42)
	other := UserPeer(7)
	var msgs []Message
	for id := 1; id <= 120; id++ {
		msgs = append(msgs, Message{Peer: chat, ID: id, From: UserPeer(int64(id % 3)), Date: time.Unix(int64(1000+id), 0),
			Text: fmt.Sprintf("message %d", id)})
	}
	msgs = append(msgs, Message{Peer: other, ID: 500, Text: "elsewhere"})
	if err := s.PutMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}

	latest, err := s.Latest(ctx, chat, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 50 || latest[0].ID != 71 || latest[49].ID != 120 {
		t.Fatalf("Latest: %d messages, first %d last %d; want 50, 71..120", len(latest), latest[0].ID, latest[49].ID)
	}
	page, err := s.Before(ctx, chat, latest[0].ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 50 || page[0].ID != 21 || page[49].ID != 70 {
		t.Fatalf("Before(71): first %d last %d", page[0].ID, page[49].ID)
	}
	page, _ = s.Before(ctx, chat, 21, 50)
	if len(page) != 20 || page[0].ID != 1 {
		t.Fatalf("Before(21): %d messages", len(page))
	}
	if page, _ := s.Before(ctx, chat, 1, 50); len(page) != 0 {
		t.Fatalf("Before(1) = %d messages", len(page))
	}
	// Paging down again, and past the end.
	if page, err := s.After(ctx, chat, 20, 50); err != nil || len(page) != 50 || page[0].ID != 21 || page[49].ID != 70 {
		t.Fatalf("After(20): %d messages, %v", len(page), err)
	}
	if page, _ := s.After(ctx, chat, 100, 50); len(page) != 20 || page[19].ID != 120 {
		t.Fatalf("After(100): %d messages", len(page))
	}

	// Round trip of every field, and update in place.
	full := Message{Peer: chat, ID: 5, From: ChannelPeer(42), Out: true, Date: time.Unix(5000, 0),
		Text: "edited", Entities: json.RawMessage(`[{"type":"bold","offset":0,"length":6}]`), ReplyTo: 4,
		EditDate: time.Unix(6000, 0), Media: []byte{1, 2, 3}, ExpiresAt: time.Unix(4_000_000_000, 0)} // far off: the store's expiry sweep must not take it meanwhile
	if err := s.PutMessages(ctx, full); err != nil {
		t.Fatal(err)
	}
	got, err := s.Message(ctx, chat, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "edited" || got.From != full.From || !got.Out || !got.Date.Equal(full.Date) || string(got.Entities) != string(full.Entities) ||
		got.ReplyTo != 4 || !got.EditDate.Equal(full.EditDate) || string(got.Media) != "\x01\x02\x03" || !got.ExpiresAt.Equal(full.ExpiresAt) {
		t.Fatalf("round trip: %+v", got)
	}
	if err := s.PutMessages(ctx, Message{Peer: chat, ID: 6, Entities: json.RawMessage(`{bad`)}); err == nil {
		t.Fatal("invalid entities JSON accepted")
	}
	if err := s.PutMessages(ctx, Message{Peer: SecretPeer(1), ID: 6}); err == nil {
		t.Fatal("cloud message with a secret peer accepted")
	}

	// Deletion leaves a tombstone that a stale page cannot revive.
	if err := s.DeleteMessages(ctx, chat, 120, 119); err != nil {
		t.Fatal(err)
	}
	if err := s.PutMessages(ctx, Message{Peer: chat, ID: 120, Text: "message 120"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Message(ctx, chat, 120); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted message came back: %v", err)
	}
	latest, _ = s.Latest(ctx, chat, 2)
	if len(latest) != 2 || latest[1].ID != 118 {
		t.Fatalf("Latest after delete: %+v", latest)
	}
	if n, _ := s.MessageCount(ctx, chat); n != 118 {
		t.Fatalf("MessageCount = %d, want 118", n)
	}
	if hits, _ := s.Search(ctx, "message 120", 10); len(hits) != 0 {
		t.Fatalf("deleted message still searchable: %+v", hits)
	}
}

// TestPagingQueriesUseTheIndex checks that a page of a chat is found through the index on (peer, id) and
// read in its order: no scan of the table, no sort of the chat's messages.
func TestPagingQueriesUseTheIndex(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"latest": {latestSQL, []any{PeerChannel, 1, 50}},
		"before": {beforeSQL, []any{PeerChannel, 1, 1000, 50}},
		"after":  {afterSQL, []any{PeerChannel, 1, 1000, 50}},
	} {
		rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "; ")
		if len(plan) != 1 || !strings.HasPrefix(plan[0], "SEARCH messages USING INDEX") || !strings.Contains(plan[0], "peer_id=?") {
			t.Errorf("%s: plan %q, want one search of the (peer, id) index", name, all)
		}
		if strings.Contains(all, "TEMP B-TREE") {
			t.Errorf("%s: plan %q sorts the chat's messages", name, all)
		}
	}
}

func TestDeleteCommonMessages(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	if err := s.PutMessages(ctx,
		Message{Peer: UserPeer(1), ID: 10, Text: "a"},
		Message{Peer: ChatPeer(2), ID: 11, Text: "b"},
		Message{Peer: ChannelPeer(3), ID: 10, Text: "c"},
		Message{Peer: UserPeer(1), ID: 12, Text: "d"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCommonMessages(ctx, 10, 11); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    Peer
		id   int
		gone bool
	}{{UserPeer(1), 10, true}, {ChatPeer(2), 11, true}, {ChannelPeer(3), 10, false}, {UserPeer(1), 12, false}} {
		_, err := s.Message(ctx, c.p, c.id)
		if gone := errors.Is(err, ErrNotFound); gone != c.gone {
			t.Errorf("%v/%d: deleted=%v, want %v", c.p, c.id, gone, c.gone)
		}
	}
}

func TestDialogs(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	day := func(d int) time.Time { return time.Unix(int64(d)*86400, 0) }
	dialogs := []Dialog{
		{Peer: UserPeer(1), Kind: DialogUser, Title: "old", TopDate: day(1)},
		{Peer: ChannelPeer(2), Kind: DialogChannel, Title: "news", TopDate: day(5), UnreadCount: 3},
		{Peer: ChatPeer(3), Kind: DialogGroup, Title: "pinned 2", TopDate: day(0), PinOrder: 2},
		{Peer: ChannelPeer(4), Kind: DialogSupergroup, Title: "pinned 1", TopDate: day(0), PinOrder: 1},
		{Peer: SecretPeer(5), Kind: DialogSecret, Title: "secret", TopDate: day(2)},
		{Peer: UserPeer(6), Kind: DialogUser, Title: "archived", TopDate: day(9), FolderID: ArchiveFolder},
	}
	if err := s.PutDialogs(ctx, dialogs...); err != nil {
		t.Fatal(err)
	}
	// A new cloud message advances its dialog; an old one does not.
	if err := s.PutMessages(ctx,
		Message{Peer: UserPeer(1), ID: 10, Date: day(6), Text: "hello there"},
		Message{Peer: UserPeer(1), ID: 3, Date: day(0), Text: "older"}); err != nil {
		t.Fatal(err)
	}
	// A secret message advances the secret dialog.
	err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		return tx.PutMessage(secret.Message{ChatID: 5, RandomID: 99, Kind: secret.KindText, Date: day(7), Text: "psst"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetUnreadCount(ctx, ChannelPeer(2), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUnreadCount(ctx, UserPeer(404), 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SetUnreadCount(missing) = %v", err)
	}

	got, err := s.Dialogs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range got {
		titles = append(titles, d.Title)
	}
	want := []string{"pinned 1", "pinned 2", "secret", "old", "news"}
	if fmt.Sprint(titles) != fmt.Sprint(want) {
		t.Fatalf("order = %v, want %v", titles, want)
	}
	if got[3].TopMessage != 10 || got[3].Preview != "hello there" || got[2].Preview != "psst" || got[4].UnreadCount != 0 {
		t.Fatalf("dialog details: %+v", got)
	}
	if !got[0].Pinned() || got[2].Pinned() {
		t.Fatal("Pinned() wrong")
	}
	if n, err := s.UnreadTotal(ctx, 0); err != nil || n != 0 {
		t.Fatalf("UnreadTotal = %d, %v", n, err)
	}
	if err := s.SetUnreadCount(ctx, SecretPeer(5), 4); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.UnreadTotal(ctx, 0); n != 4 {
		t.Fatalf("UnreadTotal = %d, want 4", n)
	}
	arch, _ := s.Dialogs(ctx, ArchiveFolder)
	if len(arch) != 1 || !arch[0].Archived() {
		t.Fatalf("archive = %+v", arch)
	}

	if err := s.DeleteDialog(ctx, UserPeer(1)); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.MessageCount(ctx, UserPeer(1)); n != 0 {
		t.Fatal("DeleteDialog kept messages")
	}
	if got, _ := s.Dialogs(ctx, 0); len(got) != 4 {
		t.Fatalf("DeleteDialog: %d dialogs left", len(got))
	}
}

func TestUsersAndPeers(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	u := User{ID: 9, AccessHash: 123, FirstName: "Ada", LastName: "L", Username: "ada", Phone: "15550001", Flags: UserContact}
	if err := s.PutUsers(ctx, u, User{ID: 10, FirstName: "B"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.User(ctx, 9)
	if err != nil || got != u {
		t.Fatalf("User = %+v, %v", got, err)
	}
	if got.Name() != "Ada L" {
		t.Fatalf("Name = %q", got.Name())
	}
	// The server stops sending the phone: it is forgotten.
	u.Phone = ""
	if err := s.PutUsers(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, 9); got.Phone != "" {
		t.Fatal("phone kept after the server withheld it")
	}
	if h, ok, err := s.AccessHash(ctx, UserPeer(9)); err != nil || !ok || h != 123 {
		t.Fatalf("AccessHash = %d %v %v", h, ok, err)
	}
	if _, ok, _ := s.AccessHash(ctx, UserPeer(10)); ok {
		t.Fatal("zero access hash stored")
	}
	if err := s.SetAccessHash(ctx, ChannelPeer(9), -1); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := s.AccessHash(ctx, ChannelPeer(9)); h != -1 {
		t.Fatal("channel hash")
	}
	if h, _, _ := s.AccessHash(ctx, UserPeer(9)); h != 123 {
		t.Fatal("kinds share a namespace")
	}
	if _, err := s.User(ctx, 404); !errors.Is(err, ErrNotFound) {
		t.Fatalf("User(missing) = %v", err)
	}
}

func TestVerifiedMarks(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	h1 := [36]byte{1, 2, 3}
	h2 := [36]byte{9}
	if ok, _, err := s.Verified(ctx, 5, h1); err != nil || ok {
		t.Fatalf("fresh chat verified: %v %v", ok, err)
	}
	if err := s.SetVerified(ctx, 5, h1, true); err != nil {
		t.Fatal(err)
	}
	if ok, at, _ := s.Verified(ctx, 5, h1); !ok || at.IsZero() {
		t.Fatal("mark not kept")
	}
	if ok, _, _ := s.Verified(ctx, 5, h2); ok {
		t.Fatal("mark applies to a different key hash")
	}
	if ok, _, _ := s.Verified(ctx, 6, h1); ok {
		t.Fatal("mark applies to a different chat")
	}
	if err := s.SetVerified(ctx, 5, h1, false); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := s.Verified(ctx, 5, h1); ok {
		t.Fatal("mark not removed")
	}
}

func TestSecretPaging(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		for i := int64(1); i <= 30; i++ {
			// Random ids are not ordered; the history order is insertion order.
			if err := tx.PutMessage(secret.Message{ChatID: 3, RandomID: (i * 7919) % 101, Kind: secret.KindText, Text: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := s.SecretLatest(ctx, 3, 10)
	if err != nil || len(latest) != 10 || latest[0].Text != "21" || latest[9].Text != "30" {
		t.Fatalf("SecretLatest = %+v, %v", latest, err)
	}
	page, err := s.SecretBefore(ctx, 3, latest[0].RandomID, 15)
	if err != nil || len(page) != 15 || page[0].Text != "6" || page[14].Text != "20" {
		t.Fatalf("SecretBefore = %+v, %v", page, err)
	}
	if _, err := s.SecretBefore(ctx, 3, 1000, 5); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SecretBefore(unknown) = %v", err)
	}
	from, err := s.SecretFrom(ctx, 3, page[10].RandomID, 8)
	if err != nil || len(from) != 8 || from[0].Text != "16" || from[7].Text != "23" {
		t.Fatalf("SecretFrom = %+v, %v", from, err)
	}
	if _, err := s.SecretFrom(ctx, 3, 1000, 5); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SecretFrom(unknown) = %v", err)
	}
}

func TestSecretUpdateErrorRollsBack(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	boom := errors.New("boom")
	err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		if err := tx.PutMessage(secret.Message{ChatID: 1, RandomID: 1, Text: "zzzunique"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if hits, _ := s.Search(context.Background(), "zzzunique", 5); len(hits) != 0 {
		t.Fatal("rolled-back message is in the search index")
	}
}
