package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// waitMaint waits, without polling, until cond holds; cond is re-checked whenever the
// store's background work finishes a checkpoint or an expiry run.
func waitMaint(t *testing.T, s *Store, what string, cond func() bool) {
	t.Helper()
	ctx := testContext(t)
	for {
		s.maint.mu.Lock()
		changed := s.maint.changed
		s.maint.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// checkpointed waits until every checkpoint requested so far has been served.
func checkpointed(t *testing.T, s *Store) {
	t.Helper()
	s.maint.mu.Lock()
	target := s.maint.requested
	s.maint.mu.Unlock()
	waitMaint(t, s, "the requested checkpoint", func() bool {
		s.maint.mu.Lock()
		defer s.maint.mu.Unlock()
		return s.maint.served >= target
	})
}

func requests(s *Store) uint64 {
	s.maint.mu.Lock()
	defer s.maint.mu.Unlock()
	return s.maint.requested
}

func walSize(t *testing.T, dir string) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, dbFileName+"-wal"))
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// Deleting content or replacing a key empties the WAL without anyone calling Checkpoint;
// writes that keep every key ask for nothing.
func TestDeletionsCheckpointTheWAL(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	chat := secrettest.SampleChat(3)
	steps := []struct {
		name       string
		checkpoint bool
		do         func() error
	}{
		{"store a chat", false, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.PutChat(chat) })
		}},
		{"store messages", false, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error {
				for i := int64(1); i <= 3; i++ {
					if err := tx.PutMessage(secret.Message{ChatID: 3, RandomID: i, Kind: secret.KindText, Text: "text"}); err != nil {
						return err
					}
				}
				return nil
			})
		}},
		{"advance the counters", false, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error {
				c, err := tx.Chat(3)
				if err != nil {
					return err
				}
				c.InSeq++
				c.KeyUses++
				return tx.PutChat(c)
			})
		}},
		{"delete a message", true, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteMessage(3, 1) })
		}},
		{"delete a message that is not there", false, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteMessage(3, 1) })
		}},
		{"replace the key (re-key)", true, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error {
				c, err := tx.Chat(3)
				if err != nil {
					return err
				}
				c.PrevKey, c.Key = c.Key, randomBytes(t, 256)
				return tx.PutChat(c)
			})
		}},
		{"put the chat unread (no key read first)", false, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error {
				c := chat
				c.PrevKey, c.Key = nil, nil
				if err := s.Secret().View(ctx, func(v secret.Tx) (err error) { c, err = v.Chat(3); return }); err != nil {
					return err
				}
				c.TTL = 9
				return tx.PutChat(c)
			})
		}},
		{"drop the previous key", true, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error {
				c, err := tx.Chat(3)
				if err != nil {
					return err
				}
				c.PrevKey = nil
				return tx.PutChat(c)
			})
		}},
		{"flush the history", true, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteMessages(3) })
		}},
		{"store a cloud message", false, func() error {
			return s.PutMessages(ctx, Message{Peer: UserPeer(1), ID: 1, Text: "cloud"})
		}},
		{"delete a cloud message", true, func() error { return s.DeleteMessages(ctx, UserPeer(1), 1) }},
		{"delete a dialog", true, func() error { return s.DeleteDialog(ctx, UserPeer(1)) }},
		{"delete the session", true, func() error { return s.DeleteSession(ctx) }},
		{"delete the chat", true, func() error {
			return s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteChat(3) })
		}},
	}
	for _, st := range steps {
		before := requests(s)
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		asked := requests(s) > before
		if asked != st.checkpoint {
			t.Fatalf("%s: checkpoint requested = %v, want %v", st.name, asked, st.checkpoint)
		}
		if !st.checkpoint {
			continue
		}
		checkpointed(t, s)
		if n := walSize(t, dir); n != 0 {
			t.Fatalf("%s: the WAL holds %d bytes after the checkpoint", st.name, n)
		}
	}
}

// A burst of deletions costs one checkpoint: requests made while one is pending are served
// together.
func TestCheckpointsCoalesced(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	const n = 40
	var msgs []Message
	for i := 1; i <= n; i++ {
		msgs = append(msgs, Message{Peer: UserPeer(1), ID: i, Text: "burst"})
	}
	if err := s.PutMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	checkpointed(t, s)
	s.maint.mu.Lock()
	before := s.maint.checkpoints
	s.maint.mu.Unlock()

	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s.maint.mu.Lock()
	s.maint.beforeCheckpoint = func() {
		once.Do(func() {
			close(entered)
			<-release
		})
	}
	s.maint.mu.Unlock()
	// The first deletion wakes the background work, which then waits here ...
	if err := s.DeleteMessages(ctx, UserPeer(1), 1); err != nil {
		t.Fatal(err)
	}
	<-entered
	// ... while the rest of the burst arrives.
	for i := 2; i <= n; i++ {
		if err := s.DeleteMessages(ctx, UserPeer(1), i); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	checkpointed(t, s)
	s.maint.mu.Lock()
	ran := s.maint.checkpoints - before
	s.maint.mu.Unlock()
	if ran != 1 {
		t.Fatalf("%d deletions cost %d checkpoints, want 1", n, ran)
	}
	if size := walSize(t, dir); size != 0 {
		t.Fatalf("the WAL holds %d bytes", size)
	}
}

// Expired cloud messages and media go by themselves: what expired while the store was
// closed at Open, the rest when its time comes.
func TestExpiryRunsByItself(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	past := time.Now().Add(-time.Minute)
	if err := s.PutMessages(ctx,
		Message{Peer: UserPeer(1), ID: 1, Text: "expired while running", ExpiresAt: past},
		Message{Peer: UserPeer(1), ID: 2, Text: "stays"}); err != nil {
		t.Fatal(err)
	}
	gone := func(s *Store, id int) func() bool {
		return func() bool {
			_, err := s.Message(ctx, UserPeer(1), id)
			return errors.Is(err, ErrNotFound)
		}
	}
	waitMaint(t, s, "the expired message deleted", gone(s, 1))
	checkpointed(t, s)
	if _, err := s.Message(ctx, UserPeer(1), 2); err != nil {
		t.Fatalf("a message without expiry: %v", err)
	}

	// Expired while closed: a file and a message written with the clock of another day.
	w, err := s.CreateMedia(ctx, MediaInfo{Name: "f", ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("file")); err != nil {
		t.Fatal(err)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	raw.maint.halt() // no background work while the rows are backdated
	raw.maintStarted = false
	if _, err := raw.w.ExecContext(ctx, `UPDATE media SET expires_at = ?`, past.Unix()); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.w.ExecContext(ctx, `UPDATE messages SET expires_at = ? WHERE id = 2`, past.Unix()); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	waitMaint(t, s2, "expired at start-up", func() bool {
		_, err := s2.Media(ctx, id)
		return gone(s2, 2)() && errors.Is(err, ErrNotFound)
	})
	if entries, err := os.ReadDir(filepath.Join(dir, mediaDirName)); err != nil || len(entries) != 0 {
		t.Fatalf("media directory after expiry: %d files, %v", len(entries), err)
	}
}

func TestCloseTruncatesTheWAL(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	if err := s.PutMessages(ctx, Message{Peer: UserPeer(1), ID: 1, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if walSize(t, dir) == 0 {
		t.Fatal("empty WAL before Close: the test proves nothing")
	}
	// A reader keeps the database open, so closing the Store is not SQLite's last close.
	other, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := walSize(t, dir); n != 0 {
		t.Fatalf("the WAL holds %d bytes after Close", n)
	}
}

// A checkpoint that readers block is reported (without any content) and tried again until
// it succeeds.
func TestCheckpointFailureReportedAndRetried(t *testing.T) {
	ctx := testContext(t)
	s, dir, _ := openTest(t)
	problems := make(chan error, 16)
	s.OnBackgroundError(func(err error) {
		select {
		case problems <- err:
		default:
		}
	})
	s.maint.mu.Lock()
	s.maint.retryAfter = time.Millisecond
	s.maint.mu.Unlock()
	if _, err := s.w.ExecContext(ctx, `PRAGMA busy_timeout = 1`); err != nil {
		t.Fatal(err)
	}
	if err := s.PutMessages(ctx, Message{Peer: UserPeer(1), ID: 1, Text: "secret words"}); err != nil {
		t.Fatal(err)
	}
	// A reader holds the snapshot from before the deletion.
	reader, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMessages(ctx, UserPeer(1), 1); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-problems:
		if !errors.Is(err, ErrCheckpointBusy) {
			t.Fatalf("reported %v, want ErrCheckpointBusy", err)
		}
		if strings.Contains(err.Error(), "secret words") {
			t.Fatalf("the report holds message text: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the blocked checkpoint was not reported")
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	checkpointed(t, s)
	if size := walSize(t, dir); size != 0 {
		t.Fatalf("the WAL holds %d bytes after the retried checkpoint", size)
	}
}
