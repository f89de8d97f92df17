package store

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3/driver"

	"tacit/mtproto/secret"
)

// TestFirstSchemaIsFrozen guards the released first migration: the migration
// test below builds its database from the frozen copy, so editing migration 1
// in place (instead of adding a new one) must fail here.
func TestFirstSchemaIsFrozen(t *testing.T) {
	frozen, err := os.ReadFile("testdata/schema_v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(frozen)) != strings.TrimSpace(migrations[0]) {
		t.Fatal("migration 1 differs from testdata/schema_v1.sql: released migrations must not change; add a new one")
	}
}

func TestMigrationFromFirstSchema(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	key := testKey(t)
	if err := os.MkdirAll(filepath.Join(dir, mediaDirName), 0o700); err != nil {
		t.Fatal(err)
	}

	// Build a version-1 database from the frozen schema and data files.
	dsn := "file:" + (&url.URL{Path: filepath.Join(dir, dbFileName)}).EscapedPath() + "?vfs=adiantum"
	db, err := driver.Open(dsn, connInit(deriveKeys(key), false))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"testdata/schema_v1.sql", "testdata/data_v1.sql"} {
		sqlText, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(sqlText)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	sealed, err := deriveKeys(key).sealRecord(purposeSession, []byte("old session blob"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO session(id, data) VALUES (1, ?); `, sealed); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Open migrates to the current schema.
	s, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatalf("Open of a version-1 database: %v", err)
	}
	defer s.Close()
	var version int
	if err := s.r.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion() {
		t.Fatalf("user_version = %d (%v), want %d", version, err, SchemaVersion())
	}

	// Every v1 row is still there and readable through the API.
	if v, err := s.Value(ctx, "auth.password_hint"); err != nil || string(v) != "old hint" {
		t.Fatalf("kv: %q %v", v, err)
	}
	if b, err := s.Session().LoadSession(ctx); err != nil || string(b) != "old session blob" {
		t.Fatalf("session: %q %v", b, err)
	}
	st, found, err := s.UpdateState().GetState(ctx, 1001)
	if err != nil || !found || st.Pts != 500 || st.Qts != 20 || st.Seq != 7 {
		t.Fatalf("update state: %+v %v %v", st, found, err)
	}
	if pts, _, _ := s.UpdateState().GetChannelPts(ctx, 1001, 300); pts != 42 {
		t.Fatalf("channel pts = %d", pts)
	}
	if h, _, _ := s.UpdateState().GetChannelAccessHash(ctx, 1001, 300); h != -99 {
		t.Fatalf("channel hash = %d", h)
	}
	if u, err := s.User(ctx, 55); err != nil || u.FirstName != "Grace" || u.AccessHash != 1234 || u.Flags != UserContact {
		t.Fatalf("user: %+v %v", u, err)
	}
	msgs, err := s.Latest(ctx, UserPeer(55), 10)
	if err != nil || len(msgs) != 2 || msgs[0].Text != "first message from the old schema" ||
		string(msgs[1].Entities) != `[{"type":"italic"}]` || msgs[1].ReplyTo != 1 || string(msgs[1].Media) != "\x01\x02" ||
		!msgs[1].ExpiresAt.IsZero() {
		t.Fatalf("messages: %+v %v", msgs, err)
	}
	if hits, err := s.Search(ctx, "old schema", 5); err != nil || len(hits) != 1 {
		t.Fatalf("search over migrated messages: %+v %v", hits, err)
	}
	ds, err := s.Dialogs(ctx, 0)
	if err != nil || len(ds) != 1 || ds[0].Title != "Grace" || ds[0].UnreadCount != 2 || !ds[0].Pinned() {
		t.Fatalf("dialogs: %+v %v", ds, err)
	}

	// The tables added by later migrations work.
	if err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		return tx.PutMessage(secret.Message{ChatID: 1, RandomID: 1, Kind: secret.KindText, Text: "new table"})
	}); err != nil {
		t.Fatal(err)
	}
	id := putMedia(t, s, MediaInfo{Owner: MessageRef{UserPeer(55), 1}, ExpiresAt: time.Now().Add(time.Hour)}, []byte("x"))
	if _, err := s.Media(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.PutMessages(ctx, Message{Peer: UserPeer(55), ID: 9, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsAreIdempotentAcrossOpens(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	s.Close()
	for range 3 {
		s, err := Open(ctx, dir, key)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

// Migration 6 gives the service messages stored before it their action: the text
// "screenshot" was a screenshot notice, every other service line a timer.
func TestMigrationServiceActions(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	key := testKey(t)
	if err := os.MkdirAll(filepath.Join(dir, mediaDirName), 0o700); err != nil {
		t.Fatal(err)
	}
	dsn := "file:" + (&url.URL{Path: filepath.Join(dir, dbFileName)}).EscapedPath() + "?vfs=adiantum"
	db, err := driver.Open(dsn, connInit(deriveKeys(key), false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, db, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO secret_messages(chat_id, random_id, out, kind, date, text, service_ttl)
		VALUES (1, 1, 0, 3, 10, 'screenshot', 0), (1, 2, 1, 3, 11, '', 30), (1, 3, 0, 3, 12, '', 0), (1, 4, 0, 1, 13, 'hello', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ms []secret.Message
	if err := s.Secret().View(ctx, func(tx secret.Tx) (err error) { ms, err = tx.Messages(1); return }); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		action secret.Action
		ttl    int
		text   string
	}{{secret.ActionScreenshot, 0, ""}, {secret.ActionSetTTL, 30, ""}, {secret.ActionSetTTL, 0, ""}, {secret.ActionNone, 0, "hello"}}
	if len(ms) != len(want) {
		t.Fatalf("%d messages after the migration", len(ms))
	}
	for i, w := range want {
		if ms[i].Action != w.action || ms[i].ServiceTTL != w.ttl || ms[i].Text != w.text {
			t.Errorf("message %d: action %v ttl %d text %q, want %v %d %q", i, ms[i].Action, ms[i].ServiceTTL, ms[i].Text, w.action, w.ttl, w.text)
		}
	}
	if hits, err := s.Search(ctx, "screenshot", 5); err != nil || len(hits) != 0 {
		t.Errorf("the old screenshot text is still searchable: %v, %v", hits, err)
	}
}
