package store

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ncruces/go-sqlite3/driver"
)

// Environment of the child process of TestKillDuringMigration.
const (
	migrateChildDirEnv = "TACIT_STORE_MIGRATE_CHILD_DIR"
	migrateChildKeyEnv = "TACIT_STORE_MIGRATE_CHILD_KEY"
)

// migrateCrashMessages is how many messages the version-1 database holds:
// enough that rebuilding the search indexes (migration 5) takes a while, so
// that kills land inside the migrations.
const migrateCrashMessages = 8000

// TestKillDuringMigration opens a copy of a version-1 database in a child
// process, which migrates it to the current schema, and kills the child
// with SIGKILL after a random delay (seeded by TACIT_CRASH_SEED, logged);
// then it opens the copy again: the migrations complete and every row of
// the old database is there and found by search. TACIT_MIGRATE_KILLS sets
// the number of rounds (default 4).
func TestKillDuringMigration(t *testing.T) {
	if dir := os.Getenv(migrateChildDirEnv); dir != "" {
		migrateChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	rounds := 4
	if s := os.Getenv("TACIT_MIGRATE_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("TACIT_MIGRATE_KILLS=%q", s)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TACIT_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TACIT_CRASH_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("kill delays seeded with %d (TACIT_CRASH_SEED=%d draws them again)", seed, seed)
	rng := mrand.New(mrand.NewPCG(seed, 0x6d16))

	ctx := testContext(t)
	key := testKey(t)
	template := t.TempDir()
	buildVersion1(t, ctx, template, key)

	// A first round without a kill measures how long a child takes to open
	// (and migrate) a copy; the kills are drawn over that span, as a
	// fraction of it, so that most land inside the migrations whatever the
	// speed of the machine.
	span := migrateOnce(t, ctx, template, key, 0)
	t.Logf("a child opens and migrates a copy in %s", span.Round(time.Millisecond))
	inside := 0
	for range rounds {
		delay := time.Duration(rng.Float64() * float64(span))
		if migrateOnce(t, ctx, template, key, delay) == 0 {
			inside++
		}
	}
	t.Logf("%d of %d kills landed before the store finished opening (migrations included); every copy opened afterwards with all its data", inside, rounds)
	if path := os.Getenv("TACIT_RELIABILITY_REPORT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		_, err = fmt.Fprintf(f, "crash\t%s\tkills=%d\tduring=%d\tmessages=%d\tlost=0\tseed=%d\n", t.Name(), rounds, inside, migrateCrashMessages, seed)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// migrateOnce opens a fresh copy of template in a child process and kills
// the child after delay (0: once it opened the store), then checks the copy.
// It returns how long the child took to open the store, or 0 when the kill
// came first.
func migrateOnce(t *testing.T, ctx context.Context, template string, key []byte, delay time.Duration) time.Duration {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, template, dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKillDuringMigration$", "-test.count=1")
	cmd.Env = append(os.Environ(), migrateChildDirEnv+"="+dir, migrateChildKeyEnv+"="+hex.EncodeToString(key))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "OPENED" {
				close(opened)
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	var timeout <-chan time.Time
	if delay > 0 {
		timer := time.NewTimer(delay)
		defer timer.Stop()
		timeout = timer.C
	}
	var took time.Duration
	select {
	case <-timeout:
	case <-opened:
		took = time.Since(start) // the migrations completed before the kill
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the child exited by itself")
	}
	checkMigrated(t, ctx, dir, key)
	return took
}

func migrateChild(dir string) {
	key, err := hex.DecodeString(os.Getenv(migrateChildKeyEnv))
	if err != nil {
		os.Exit(2)
	}
	s, err := Open(context.Background(), dir, key)
	if err != nil {
		fmt.Println("FAILED", err)
		os.Exit(3)
	}
	defer s.Close()
	fmt.Println("OPENED")
	// Wait for the kill with the store open.
	select {}
}

// buildVersion1 writes a version-1 database (the frozen first schema, its
// test rows and migrateCrashMessages more messages) into dir.
func buildVersion1(t *testing.T, ctx context.Context, dir string, key []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, mediaDirName), 0o700); err != nil {
		t.Fatal(err)
	}
	dsn := "file:" + (&url.URL{Path: filepath.Join(dir, dbFileName)}).EscapedPath() + "?vfs=adiantum"
	db, err := driver.Open(dsn, connInit(deriveKeys(key), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, f := range []string{"testdata/schema_v1.sql", "testdata/data_v1.sql"} {
		sqlText, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(sqlText)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// One statement writes them all: a loop of inserts costs minutes under
	// the race detector on a busy machine.
	if _, err := db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i+1 < ?)
		INSERT INTO messages(peer_kind, peer_id, id, date, text)
		SELECT 1, 56, i+1, 1700000000+i, 'migrated message ' || i || ' about topic' || (i % 97) FROM n`, migrateCrashMessages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
}

// checkMigrated opens the database in dir and checks it is at the current
// schema with every message of buildVersion1 there and searchable.
func checkMigrated(t *testing.T, ctx context.Context, dir string, key []byte) {
	t.Helper()
	s, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatalf("open after a kill during migration: %v", err)
	}
	defer s.Close()
	var version int
	if err := s.r.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil || version != SchemaVersion() {
		t.Fatalf("user_version = %d (%v), want %d", version, err, SchemaVersion())
	}
	if n, err := s.MessageCount(ctx, UserPeer(56)); err != nil || n != migrateCrashMessages {
		t.Fatalf("%d messages after the migration (%v), want %d", n, err, migrateCrashMessages)
	}
	if v, err := s.Value(ctx, "auth.password_hint"); err != nil || string(v) != "old hint" {
		t.Fatalf("kv: %q %v", v, err)
	}
	hits, err := s.Search(ctx, "topic42", migrateCrashMessages)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range migrateCrashMessages {
		if i%97 == 42 {
			want++
		}
	}
	if len(hits) != want {
		t.Fatalf("search finds %d of the %d migrated messages about topic42", len(hits), want)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
