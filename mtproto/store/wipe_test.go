package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram/peers"
	"github.com/gotd/td/telegram/updates"

	"tacit/mtproto/secret"
)

// accountCanaries is one account's worth of recognisable data.
type accountCanaries struct {
	cloudText, secretText, pendingText string
	username, phone, hint, title, file string
	chatKey, authKey, fileKey, media   []byte
}

func newCanaries(t *testing.T) accountCanaries {
	c := accountCanaries{
		cloudText:   "oboecanarycloud message of the old account",
		secretText:  "tubacanarysecret message of the old account",
		pendingText: "harpcanarypending queued payload",
		username:    "celestacanaryname",
		phone:       "+15550142857",
		hint:        "lutecanaryhint",
		title:       "violacanarytitle",
		file:        "zithercanaryfile.pdf",
		chatKey:     randomBytes(t, 256),
		authKey:     randomBytes(t, 256),
		fileKey:     randomBytes(t, 32),
		media:       randomBytes(t, 2*chunkSize+17),
	}
	copy(c.media[100:], "pianocanarymedia")
	return c
}

func (c accountCanaries) needles() []needle {
	return []needle{
		{"cloud message text", []byte("oboecanarycloud")},
		{"secret message text", []byte("tubacanarysecret")},
		{"pending payload", []byte("harpcanarypending")},
		{"username", []byte("celestacanaryname")},
		{"phone", []byte("5550142857")},
		{"2FA hint", []byte("lutecanaryhint")},
		{"dialog title", []byte("violacanarytitle")},
		{"file name", []byte("zithercanaryfile")},
		{"chat key", c.chatKey[200:232]},
		{"auth key", c.authKey[200:232]},
		{"secret file key", c.fileKey},
		{"media content", []byte("pianocanarymedia")},
	}
}

// fillAccount puts c into every table of s.
func fillAccount(t *testing.T, ctx context.Context, s *Store, c accountCanaries) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutUsers(ctx, User{ID: 77, FirstName: "Old", Username: c.username, Phone: c.phone, AccessHash: 5}))
	must(s.SetAccessHash(ctx, ChannelPeer(88), 6))
	must(s.Peers().SavePhone(ctx, c.phone, peers.Key{Prefix: "users_", ID: 77}))
	must(s.PutDialogs(ctx, Dialog{Peer: UserPeer(77), Kind: DialogUser, Title: c.title},
		Dialog{Peer: SecretPeer(9), Kind: DialogSecret, Title: c.title}))
	// Enough history to fill many pages, which become free pages when deleted.
	msgs := []Message{{Peer: UserPeer(77), ID: 1, Date: time.Now(), Text: c.cloudText}}
	for i := 2; i < 300; i++ {
		msgs = append(msgs, Message{Peer: UserPeer(77), ID: i, Date: time.Now(), Text: strings.Repeat(c.cloudText+" ", 8)})
	}
	must(s.PutMessages(ctx, msgs...))
	loader := session.Loader{Storage: s.Session()}
	must(loader.Save(ctx, &session.Data{DC: 2, AuthKey: c.authKey, AuthKeyID: []byte{1, 2, 3, 4, 5, 6, 7, 8}}))
	st := s.UpdateState()
	must(st.SetState(ctx, 77, updates.State{Pts: 10, Qts: 11, Date: 12, Seq: 13}))
	must(st.SetChannelPts(ctx, 77, 88, 14))
	must(st.SetUserAccessHash(ctx, 77, 99, 15))
	must(s.SetValue(ctx, "auth.password_hint", []byte(c.hint)))
	must(s.SetValue(ctx, "privacy.lockdown_pending", []byte{1}))
	must(s.Secret().Update(ctx, func(tx secret.Tx) error {
		ch := secret.Chat{ID: 9, PeerID: 77, State: secret.StateReady, Key: c.chatKey, ResendUpTo: -1}
		if err := tx.PutChat(ch); err != nil {
			return err
		}
		if _, err := tx.PutInbox(secret.InboxMessage{ChatID: 9, RandomID: 3, Bytes: []byte("raw")}); err != nil {
			return err
		}
		if err := tx.PutPending(secret.PendingMessage{ChatID: 9, OutSeq: 4, Payload: []byte(c.pendingText)}); err != nil {
			return err
		}
		if err := tx.PutOutbox(secret.OutboxMessage{ChatID: 9, OutSeq: 0, RandomID: 1, Bytes: []byte("ciphertext")}); err != nil {
			return err
		}
		if err := tx.PutDHConfig(secret.DHConfig{Version: 1, G: 3, P: []byte{7}}); err != nil {
			return err
		}
		return tx.PutMessage(secret.Message{ChatID: 9, RandomID: 1, Kind: secret.KindMedia, Date: time.Now(), Text: c.secretText,
			Media: &secret.Media{Kind: secret.MediaDocument, Name: c.file, Key: c.fileKey, IV: c.fileKey}})
	}))
	must(s.SetVerified(ctx, 9, [36]byte{1}, true))
	for _, owner := range []MessageRef{{SecretPeer(9), 1}, {}} {
		w, err := s.CreateMedia(ctx, MediaInfo{Owner: owner, Name: c.file, MIME: "application/pdf"})
		must(err)
		_, err = w.Write(c.media)
		must(err)
		_, err = w.Commit(ctx)
		must(err)
	}
}

// sealedForms returns the sealed records of the account as they are stored (someone with
// the database key who found one could open it), and the media files' keys, which the
// media table holds as they are.
func sealedForms(t *testing.T, ctx context.Context, s *Store) []needle {
	t.Helper()
	var out []needle
	for _, q := range []string{`SELECT data FROM session`, `SELECT record FROM secret_chats`, `SELECT media FROM secret_messages WHERE media IS NOT NULL`, `SELECT file_key FROM media`} {
		rows, err := s.r.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, needle{"stored form of " + q, b[:min(len(b), 48)]})
		}
		rows.Close()
	}
	if len(out) < 5 {
		t.Fatalf("only %d sealed records found", len(out))
	}
	return out
}

func tableRows(t *testing.T, ctx context.Context, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWipeAccount(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	c := newCanaries(t)
	fillAccount(t, ctx, s, c)
	for _, table := range accountTables {
		if tableRows(t, ctx, s, table) == 0 {
			t.Fatalf("table %s is empty before the wipe: the test proves nothing for it", table)
		}
	}
	needles := append(c.needles(), sealedForms(t, ctx, s)...)
	// The scan finds the account while it is there.
	if err := s.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	before := findInDir(t, dir, key, needles)
	for _, want := range []string{"cloud message text", "secret message text", "username", "phone", "stored form of SELECT file_key FROM media", "stored form of SELECT record FROM secret_chats"} {
		if !slices.ContainsFunc(before, func(f string) bool { return strings.HasPrefix(f, want+" in ") }) {
			t.Fatalf("control: %s not found before the wipe (found %v)", want, before)
		}
	}

	if err := s.WipeAccount(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range append(slices.Clone(accountTables), "media_trash") {
		if n := tableRows(t, ctx, s, table); n != 0 {
			t.Errorf("table %s keeps %d rows", table, n)
		}
	}
	if hits, err := s.Search(ctx, "oboecanarycloud", 10); err != nil || len(hits) != 0 {
		t.Errorf("search after the wipe: %v, %v", hits, err)
	}
	if found := findInDir(t, dir, key, needles); len(found) > 0 {
		t.Errorf("the account is still readable with the key: %v", found)
	}
	db := decryptFile(t, dir+"/"+dbFileName, key)
	free := freePages(t, db)
	for i, p := range free {
		if !bytes.Equal(p, make([]byte, len(p))) && !isTrunkOnly(p) {
			t.Errorf("free page %d of %d holds data", i, len(free))
		}
	}
	t.Logf("%d free pages after the wipe", len(free))

	// The store serves the next account.
	if err := s.PutUsers(ctx, User{ID: 5, FirstName: "New"}); err != nil {
		t.Fatal(err)
	}
	loader := session.Loader{Storage: s.Session()}
	if err := loader.Save(ctx, &session.Data{DC: 1, AuthKey: randomBytes(t, 256), AuthKeyID: []byte{8, 7, 6, 5, 4, 3, 2, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if u, err := s2.User(ctx, 5); err != nil || u.FirstName != "New" {
		t.Fatalf("the next account's user: %+v, %v", u, err)
	}
	if _, err := s2.User(ctx, 77); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the old account's user after reopening: %v", err)
	}
}

// isTrunkOnly reports a freelist trunk page that holds nothing but page numbers.
func isTrunkOnly(p []byte) bool {
	n := int(p[4])<<24 | int(p[5])<<16 | int(p[6])<<8 | int(p[7])
	end := 8 + 4*n
	return end <= len(p) && bytes.Equal(p[end:], make([]byte, len(p)-end))
}

// Every table of the schema is either emptied by WipeAccount or holds nothing of an
// account (the media trash, emptied right after; the search indexes' own tables).
func TestWipeAccountCoversEveryTable(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	rows, err := s.r.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		covered := slices.Contains(accountTables, name) || name == "media_trash"
		for _, fts := range ftsTables {
			covered = covered || name == fts || strings.HasPrefix(name, fts+"_")
		}
		if !covered {
			t.Errorf("table %s is not emptied by WipeAccount", name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// The secret chat storage's DeleteAll (the local half of the secret manager's LogOut) takes
// the history's media files and the verified marks with it.
func TestSecretDeleteAllTakesMediaAndMarks(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	c := newCanaries(t)
	fillAccount(t, ctx, s, c)
	if err := s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteAll() }); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"secret_chats", "secret_inbox", "secret_pending", "secret_outbox", "secret_messages", "verified"} {
		if n := tableRows(t, ctx, s, table); n != 0 {
			t.Errorf("%s keeps %d rows", table, n)
		}
	}
	if ok, _, err := s.Verified(ctx, 9, [36]byte{1}); err != nil || ok {
		t.Errorf("verified mark after DeleteAll: %v, %v", ok, err)
	}
	if media, err := s.MediaOf(ctx, MessageRef{SecretPeer(9), 1}); err != nil || len(media) != 0 {
		t.Errorf("the secret message's media after DeleteAll: %v, %v", media, err)
	}
	// The standalone file and the cloud cache are not the secret manager's.
	if n := tableRows(t, ctx, s, "media"); n != 1 {
		t.Errorf("%d media rows left, want the standalone one", n)
	}
	if hits, err := s.Search(ctx, "tubacanarysecret", 5); err != nil || len(hits) != 0 {
		t.Errorf("secret text still searchable: %v, %v", hits, err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, mediaDirName))
	if err != nil || len(entries) != 1 {
		t.Errorf("media directory holds %d files, want 1 (%v)", len(entries), err)
	}
}
