package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

// Forward secrecy on disk: someone who copies the data directory while Tacit runs and
// later learns the database key must not recover a key that a re-key replaced, nor a
// message that was deleted or self-destructed, from any file.

// testClock is a settable clock shared by the relay and the managers.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// signalling tells the relay's change signal about every committed write, so the test can
// wait for the managers' background work.
type signalling struct {
	secret.Storage
	changes *secrettest.Signal
}

func (s signalling) Update(ctx context.Context, fn func(tx secret.Tx) error) error {
	err := s.Storage.Update(ctx, fn)
	s.changes.Notify()
	return err
}

type fsPeer struct {
	id  int64
	s   *Store
	dir string
	key []byte
	m   *secret.Manager
	ev  *events
	cli *secrettest.RelayClient
}

func newFSPeer(t *testing.T, relay *secrettest.Relay, clock *testClock, id int64) *fsPeer {
	t.Helper()
	s, dir, key := openTest(t)
	p := &fsPeer{id: id, s: s, dir: dir, key: key, ev: newEvents()}
	var mu sync.Mutex
	p.cli = relay.Connect(id, func(ctx context.Context, u tg.UpdateClass) error {
		mu.Lock()
		m := p.m
		mu.Unlock()
		_, err := m.Handle(ctx, u)
		return err
	})
	mu.Lock()
	p.m = secret.NewManager(p.cli, signalling{s.Secret(), relay.Changes()},
		secret.Options{Events: p.ev.add, Now: clock.Now, RekeyAfterMessages: 1 << 20})
	mu.Unlock()
	t.Cleanup(func() {
		p.cli.Close()
		p.m.Close()
	})
	return p
}

func (p *fsPeer) chat(t *testing.T, id secret.ChatID) secret.Chat {
	t.Helper()
	var c secret.Chat
	if err := p.s.Secret().View(context.Background(), func(tx secret.Tx) (err error) { c, err = tx.Chat(id); return }); err != nil {
		t.Fatal(err)
	}
	return c
}

// diskFinding is something recovered from a copy of the files.
type diskFinding struct{ what, where string }

func (f diskFinding) String() string { return f.what + " in " + f.where }

// stateLoot is what one rebuilt state holds for the attacker.
type stateLoot struct {
	keys        [][]byte // key material of the chat records
	ciphertexts [][]byte // inbox and outbox rows
	plaintexts  []string // message texts and queued payloads
}

// forensics copies dir (its store is open) and reports where any of the targets can be
// recovered with the database key: a target key in a chat record, or a target text in a
// message, a queued payload, the search index, or any stored ciphertext that a key found
// on disk decrypts, in any state SQLite can rebuild from the copy with the WAL cut after
// each commit frame; and a target text anywhere in the decrypted files (free pages, unused
// space, WAL frames SQLite would skip), or data on a free page.
func forensics(t *testing.T, dir string, dbKey []byte, targetKeys [][]byte, texts []string) []diskFinding {
	t.Helper()
	ctx := testContext(t)
	files := map[string][]byte{}
	for _, name := range []string{dbFileName, dbFileName + "-wal", dbFileName + "-shm", keyCheckFileName} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			files[name] = b
		} else if !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	var found []diskFinding
	db := decryptBlocks(files[dbFileName], dbKey)
	wal := decryptBlocks(files[dbFileName+"-wal"], dbKey)
	for _, text := range texts {
		for name, data := range map[string][]byte{"the decrypted database file": db, "the decrypted WAL": wal} {
			if bytes.Contains(data, []byte(text)) {
				found = append(found, diskFinding{fmt.Sprintf("text %q", text), name})
			}
		}
	}
	free := freePages(t, db)
	for i, p := range free {
		if !bytes.Equal(p, make([]byte, len(p))) && !isTrunkOnly(p) {
			found = append(found, diskFinding{"data", fmt.Sprintf("free page %d", i)})
		}
	}

	// The states: the WAL cut after each commit frame, and no WAL at all.
	pageSize := int(binary.BigEndian.Uint16(db[16:18]))
	frameSize := 24 + pageSize
	cuts := []int{0}
	if len(wal) >= 32 {
		salt := wal[16:24]
		for off := 32; off+frameSize <= len(wal); off += frameSize {
			if !bytes.Equal(wal[off+8:off+16], salt) {
				// Left over from before a WAL reset: SQLite skips it, so its pages cannot be
				// checked as a state (the text search above saw them).
				found = append(found, diskFinding{"a frame of an older WAL generation", fmt.Sprintf("the WAL at byte %d", off)})
				break
			}
			if binary.BigEndian.Uint32(wal[off+4:off+8]) != 0 { // a commit frame
				cuts = append(cuts, off+frameSize)
			}
		}
	}
	t.Logf("%d free pages, %d bytes of WAL, %d states", len(free), len(wal), len(cuts))
	var loot []stateLoot
	for _, cut := range cuts {
		state := t.TempDir()
		for name, b := range files {
			switch name {
			case dbFileName + "-shm":
				continue // it indexes the uncut WAL; SQLite rebuilds it
			case dbFileName + "-wal":
				if cut == 0 {
					continue
				}
				// Cut at the end of the encrypted block holding the frame's end: the next
				// frame is incomplete there, so SQLite stops before it.
				b = b[:min(len(b), (cut+vfsBlock-1)/vfsBlock*vfsBlock)]
			}
			if err := os.WriteFile(filepath.Join(state, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		where := fmt.Sprintf("the state after %d bytes of WAL", cut)
		l := plunder(t, ctx, state, dbKey, texts)
		for _, k := range l.keys {
			for _, target := range targetKeys {
				if bytes.Equal(k, target) {
					found = append(found, diskFinding{"the replaced key", where})
				}
			}
		}
		for _, p := range l.plaintexts {
			for _, text := range texts {
				if bytes.Contains([]byte(p), []byte(text)) {
					found = append(found, diskFinding{fmt.Sprintf("text %q", text), where})
				}
			}
		}
		loot = append(loot, l)
	}
	// Stored ciphertext, opened with every key found in any state.
	var keys [][]byte
	for _, l := range loot {
		for _, k := range l.keys {
			if !slices.ContainsFunc(keys, func(have []byte) bool { return bytes.Equal(have, k) }) {
				keys = append(keys, k)
			}
		}
	}
	for i, l := range loot {
		for _, ct := range l.ciphertexts {
			for _, k := range keys {
				for _, fromOriginator := range []bool{true, false} {
					plain, err := secret.Open(k, fromOriginator, ct)
					if err != nil {
						continue
					}
					for _, text := range texts {
						if bytes.Contains(plain, []byte(text)) {
							found = append(found, diskFinding{fmt.Sprintf("text %q decrypted from stored ciphertext", text),
								fmt.Sprintf("the state after %d bytes of WAL", cuts[i])})
						}
					}
				}
			}
		}
	}
	// One finding per kind and place is enough.
	slices.SortFunc(found, func(a, b diskFinding) int { return strings.Compare(a.String(), b.String()) })
	return slices.CompactFunc(found, func(a, b diskFinding) bool { return a == b })
}

// plunder opens one rebuilt state with the database key and takes what it holds.
func plunder(t *testing.T, ctx context.Context, dir string, dbKey []byte, texts []string) stateLoot {
	t.Helper()
	s, err := Open(ctx, dir, dbKey)
	if err != nil {
		t.Fatalf("%s: open: %v", dir, err)
	}
	defer s.Close()
	var l stateLoot
	var chats []secret.Chat
	if err := s.Secret().View(ctx, func(tx secret.Tx) (err error) { chats, err = tx.Chats(); return }); err != nil {
		t.Fatalf("chats: %v", err)
	}
	for _, c := range chats {
		for _, k := range c.KeyMaterial() {
			if len(k) > 0 {
				l.keys = append(l.keys, k)
			}
		}
	}
	column := func(q string) [][]byte {
		rows, err := s.r.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out [][]byte
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	l.ciphertexts = append(column(`SELECT bytes FROM secret_inbox`), column(`SELECT bytes FROM secret_outbox`)...)
	for _, b := range append(column(`SELECT text FROM secret_messages`), column(`SELECT payload FROM secret_pending`)...) {
		l.plaintexts = append(l.plaintexts, string(b))
	}
	for _, text := range texts {
		hits, err := s.Search(ctx, text, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			l.plaintexts = append(l.plaintexts, "search hit: "+h.Text)
		}
	}
	return l
}

func (w *fsWorld) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := w.relay.Changes().WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

type fsWorld struct {
	relay      *secrettest.Relay
	clock      *testClock
	alice, bob *fsPeer
}

func TestForwardSecrecyOnDisk(t *testing.T) {
	ctx := testContext(t)
	w := &fsWorld{relay: secrettest.NewRelay(), clock: &testClock{now: time.Unix(1_800_000_000, 0)}}
	w.relay.Now = w.clock.Now
	w.alice = newFSPeer(t, w.relay, w.clock, 1001)
	w.bob = newFSPeer(t, w.relay, w.clock, 2002)
	alice, bob := w.alice, w.bob

	id, err := alice.m.Start(ctx, bob.id, 0)
	if err != nil {
		t.Fatal(err)
	}
	bob.ev.waitFor(t, "request", func(evs []secret.Event) bool { return countEvents[secret.ChatRequested](evs) == 1 })
	if err := bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*fsPeer{alice, bob} {
		p.ev.waitFor(t, "ready", func(evs []secret.Event) bool { return countEvents[secret.ChatReady](evs) == 1 })
	}
	if _, err := alice.m.SendText(ctx, id, "kept before the re-key", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	bob.ev.waitFor(t, "first message", func(evs []secret.Event) bool { return countEvents[secret.MessageReceived](evs) == 1 })
	firstKey := bytes.Clone(alice.chat(t, id).Key)
	if !bytes.Equal(firstKey, bob.chat(t, id).Key) {
		t.Fatal("the two sides hold different keys")
	}
	// Control: the first key is found while it is in use.
	if found := forensics(t, alice.dir, alice.key, [][]byte{firstKey}, nil); len(found) == 0 {
		t.Fatal("control: the key in use was not found on disk: the check proves nothing")
	}

	// Re-key, and wait until both sides have dropped the first key.
	if err := alice.m.Rekey(ctx, id); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "the re-key done on both sides", func() bool {
		for _, p := range []*fsPeer{alice, bob} {
			c := p.chat(t, id)
			if bytes.Equal(c.Key, firstKey) || len(c.PrevKey) != 0 || c.Rekey.State != secret.RekeyIdle {
				return false
			}
		}
		return true
	})

	// Under the new key: one message deleted by its sender, one that self-destructs.
	// Long enough to fill overflow pages, which become free pages when it goes.
	deleted := strings.Repeat("vanishcanary deleted by Alice ", 1000)
	burnt := "burncanary self-destructs after reading"
	texts := []string{"vanishcanary", "burncanary"}
	gone, err := alice.m.SendText(ctx, id, deleted, secret.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ttl := 5
	if _, err := alice.m.SendText(ctx, id, burnt, secret.SendOptions{TTL: &ttl}); err != nil {
		t.Fatal(err)
	}
	bob.ev.waitFor(t, "both messages", func(evs []secret.Event) bool { return countEvents[secret.MessageReceived](evs) == 3 })
	if err := alice.m.DeleteMessages(ctx, id, []int64{gone.RandomID}); err != nil {
		t.Fatal(err)
	}
	bob.ev.waitFor(t, "the deletion", func(evs []secret.Event) bool { return countEvents[secret.MessagesDeleted](evs) == 1 })
	if err := bob.m.MarkRead(ctx, id); err != nil {
		t.Fatal(err)
	}
	alice.ev.waitFor(t, "the read receipt", func(evs []secret.Event) bool { return countEvents[secret.MessagesRead](evs) >= 1 })
	w.clock.Advance(time.Duration(ttl+1) * time.Second)
	for _, p := range []*fsPeer{alice, bob} {
		if err := p.m.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		p.ev.waitFor(t, "the expiry", func(evs []secret.Event) bool {
			for _, ev := range evs {
				if d, ok := ev.(secret.MessagesDeleted); ok && d.Expired {
					return true
				}
			}
			return false
		})
	}

	// The checkpoints asked for are done; then life goes on and the WAL fills again.
	for _, p := range []*fsPeer{alice, bob} {
		checkpointed(t, p.s)
	}
	if _, err := bob.m.SendText(ctx, id, "after the checkpoint", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	alice.ev.waitFor(t, "the last message", func(evs []secret.Event) bool { return countEvents[secret.MessageReceived](evs) == 1 })

	// Copy the files while the stores are open, once their background work is done.
	for _, p := range []*fsPeer{alice, bob} {
		p.m.Close()
		if found := forensics(t, p.dir, p.key, [][]byte{firstKey}, texts); len(found) > 0 {
			t.Errorf("%d: recoverable with the database key (%d findings): %v", p.id, len(found), found[:min(len(found), 10)])
		}
	}
}
