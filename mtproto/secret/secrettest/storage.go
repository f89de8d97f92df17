// Package secrettest holds test helpers for tacit/mtproto/secret: a conformance suite that
// every secret.Storage implementation must pass. It is imported only by tests and touches
// nothing but the Storage it is handed.
package secrettest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"tacit/mtproto/secret"
)

// RunStorageTests runs the conformance suite against fresh stores made by newStorage.
func RunStorageTests(t *testing.T, newStorage func(t *testing.T) secret.Storage) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s secret.Storage)
	}{
		{"ChatRoundTrip", testChatRoundTrip},
		{"NotFound", testNotFound},
		{"Rollback", testRollback},
		{"ViewIsReadOnly", testViewReadOnly},
		{"Inbox", testInbox},
		{"Pending", testPending},
		{"Outbox", testOutbox},
		{"Messages", testMessages},
		{"Expiring", testExpiring},
		{"DeleteChatCascades", testDeleteChat},
		{"ReturnsCopies", testCopies},
		{"DHConfig", testDHConfig},
		{"DeleteAll", testDeleteAll},
		{"ServiceMessages", testServiceMessages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStorage(t)) })
	}
}

func update(t *testing.T, s secret.Storage, fn func(tx secret.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t *testing.T, s secret.Storage, fn func(tx secret.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

func seq(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }

// ok returns v and fails the test when err is set: ok(tx.Inbox(1))(t).
func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("storage: %v", err)
		}
		return v
	}
}

// SampleChat returns a chat with every field set, for round-trip tests.
func SampleChat(id secret.ChatID) secret.Chat {
	return secret.Chat{
		ID: id, AccessHash: -77, PeerID: 1 << 40, Originator: true, State: secret.StateReady,
		Created: time.Unix(1700000000, 0).UTC(), G: 3, P: seq(256, 0xC7), Secret: seq(256, 1),
		PeerPublic: seq(256, 2), Key: seq(256, 3), KeyFingerprint: -5, PrevKey: seq(256, 4),
		PrevKeyFingerprint: 6, KeyHash: [36]byte{1, 2, 3, 35: 9}, KeyUses: 99,
		KeySince: time.Unix(1700000100, 0).UTC(),
		Rekey: secret.Rekey{State: secret.RekeyAccepted, ExchangeID: -123, Since: time.Unix(1700000200, 0).UTC(),
			Secret: seq(256, 5), NewKey: seq(256, 6), NewFingerprint: 7},
		OrphanKey: seq(256, 8), OrphanFingerprint: -9, OrphanExchangeID: 10,
		MyLayer: 144, HisLayer: 143, HisMessageLayer: 101, InSeq: 10, OutSeq: 11, HisIn: 9, ResendUpTo: 8,
		ResendNext: time.Unix(1700000300, 0).UTC(), ResendTries: 3, TTL: 30,
		Verified: true, DiscardPending: true, DiscardDeleteHistory: true,
		Closed: secret.ClosedByProtocol, Violation: secret.ViolationSequence,
	}
}

func testChatRoundTrip(t *testing.T, s secret.Storage) {
	want := SampleChat(42)
	update(t, s, func(tx secret.Tx) error {
		if err := tx.PutChat(want); err != nil {
			return err
		}
		return tx.PutChat(secret.Chat{ID: 7, State: secret.StateRequested, ResendUpTo: -1})
	})
	view(t, s, func(tx secret.Tx) error {
		got, err := tx.Chat(42)
		if err != nil {
			return err
		}
		if !chatEqual(got, want) {
			t.Errorf("chat round trip:\n got %+v\nwant %+v", got, want)
		}
		all, err := tx.Chats()
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].ID != 7 || all[1].ID != 42 {
			t.Errorf("Chats() = %d chats, want ids [7 42]", len(all))
		}
		return nil
	})
	// Overwrite.
	want.State = secret.StateClosed
	want.Key = nil
	update(t, s, func(tx secret.Tx) error { return tx.PutChat(want) })
	view(t, s, func(tx secret.Tx) error {
		got, err := tx.Chat(42)
		if err != nil {
			return err
		}
		if got.State != secret.StateClosed || len(got.Key) != 0 {
			t.Errorf("overwrite not applied: state %v, key len %d", got.State, len(got.Key))
		}
		return nil
	})
}

func chatEqual(a, b secret.Chat) bool {
	eq := bytes.Equal
	return a.ID == b.ID && a.AccessHash == b.AccessHash && a.PeerID == b.PeerID &&
		a.Originator == b.Originator && a.State == b.State && a.Created.Equal(b.Created) &&
		a.G == b.G && eq(a.P, b.P) && eq(a.Secret, b.Secret) && eq(a.PeerPublic, b.PeerPublic) &&
		eq(a.Key, b.Key) && a.KeyFingerprint == b.KeyFingerprint && eq(a.PrevKey, b.PrevKey) &&
		a.PrevKeyFingerprint == b.PrevKeyFingerprint && a.KeyHash == b.KeyHash &&
		a.KeyUses == b.KeyUses && a.KeySince.Equal(b.KeySince) &&
		a.Rekey.State == b.Rekey.State && a.Rekey.ExchangeID == b.Rekey.ExchangeID && a.Rekey.Since.Equal(b.Rekey.Since) &&
		eq(a.OrphanKey, b.OrphanKey) && a.OrphanFingerprint == b.OrphanFingerprint && a.OrphanExchangeID == b.OrphanExchangeID &&
		a.ResendNext.Equal(b.ResendNext) && a.ResendTries == b.ResendTries && a.Closed == b.Closed && a.Violation == b.Violation &&
		eq(a.Rekey.Secret, b.Rekey.Secret) && eq(a.Rekey.NewKey, b.Rekey.NewKey) &&
		a.Rekey.NewFingerprint == b.Rekey.NewFingerprint && a.MyLayer == b.MyLayer &&
		a.HisLayer == b.HisLayer && a.HisMessageLayer == b.HisMessageLayer && a.InSeq == b.InSeq && a.OutSeq == b.OutSeq &&
		a.HisIn == b.HisIn && a.ResendUpTo == b.ResendUpTo && a.TTL == b.TTL &&
		a.Verified == b.Verified && a.DiscardPending == b.DiscardPending &&
		a.DiscardDeleteHistory == b.DiscardDeleteHistory
}

func testNotFound(t *testing.T, s secret.Storage) {
	view(t, s, func(tx secret.Tx) error {
		if _, err := tx.Chat(1); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("Chat(missing) error = %v, want ErrNotFound", err)
		}
		if _, err := tx.Message(1, 2); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("Message(missing) error = %v, want ErrNotFound", err)
		}
		if _, err := tx.DHConfig(); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("DHConfig(missing) error = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testRollback(t *testing.T, s secret.Storage) {
	update(t, s, func(tx secret.Tx) error {
		if err := tx.PutChat(secret.Chat{ID: 1, InSeq: 1}); err != nil {
			return err
		}
		_, err := tx.PutInbox(secret.InboxMessage{ChatID: 1, Bytes: []byte("a")})
		return err
	})
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx secret.Tx) error {
		if err := tx.PutChat(secret.Chat{ID: 1, InSeq: 2}); err != nil {
			return err
		}
		if err := tx.PutChat(secret.Chat{ID: 2}); err != nil {
			return err
		}
		in, err := tx.Inbox(1)
		if err != nil || len(in) != 1 {
			t.Fatalf("inbox inside tx: %v, %d rows", err, len(in))
		}
		if err := tx.DeleteInbox(in[0].Seq); err != nil {
			return err
		}
		if _, err := tx.PutInbox(secret.InboxMessage{ChatID: 2}); err != nil {
			return err
		}
		if err := tx.PutPending(secret.PendingMessage{ChatID: 1, OutSeq: 3}); err != nil {
			return err
		}
		if err := tx.PutOutbox(secret.OutboxMessage{ChatID: 1, OutSeq: 0}); err != nil {
			return err
		}
		if err := tx.PutMessage(secret.Message{ChatID: 1, RandomID: 5}); err != nil {
			return err
		}
		if err := tx.PutDHConfig(secret.DHConfig{Version: 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want the function's error", err)
	}
	view(t, s, func(tx secret.Tx) error {
		c, err := tx.Chat(1)
		if err != nil || c.InSeq != 1 {
			t.Errorf("chat after rollback: %+v, %v; want InSeq 1", c, err)
		}
		if _, err := tx.Chat(2); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("chat 2 survived rollback")
		}
		in := ok(tx.Inbox(1))(t)
		in2 := ok(tx.Inbox(2))(t)
		if len(in) != 1 || len(in2) != 0 {
			t.Errorf("inbox after rollback: %d/%d rows, want 1/0", len(in), len(in2))
		}
		p := ok(tx.Pending(1))(t)
		o := ok(tx.Outbox(1, 0, 100))(t)
		m := ok(tx.Messages(1))(t)
		if len(p)+len(o)+len(m) != 0 {
			t.Errorf("rows survived rollback: pending %d outbox %d messages %d", len(p), len(o), len(m))
		}
		if _, err := tx.DHConfig(); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("dh config survived rollback")
		}
		return nil
	})
}

func testViewReadOnly(t *testing.T, s secret.Storage) {
	err := s.View(context.Background(), func(tx secret.Tx) error {
		return tx.PutChat(secret.Chat{ID: 1})
	})
	if err == nil {
		t.Errorf("PutChat inside View succeeded")
	}
	view(t, s, func(tx secret.Tx) error {
		if _, err := tx.Chat(1); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("write inside View was kept")
		}
		return nil
	})
}

func testInbox(t *testing.T, s secret.Storage) {
	var seqs []int64
	update(t, s, func(tx secret.Tx) error {
		for i, chat := range []secret.ChatID{5, 3, 5, 5} {
			n, err := tx.PutInbox(secret.InboxMessage{ChatID: chat, RandomID: int64(i), Date: i,
				Bytes: []byte{byte(i)}, Service: i == 2, Qts: 10 + i,
				File: &secret.EncryptedFile{ID: int64(i), AccessHash: 2, Size: 3, DCID: 4, KeyFingerprint: -5}})
			if err != nil {
				return err
			}
			seqs = append(seqs, n)
		}
		return nil
	})
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("inbox seqs not increasing: %v", seqs)
		}
	}
	view(t, s, func(tx secret.Tx) error {
		in, err := tx.Inbox(5)
		if err != nil {
			return err
		}
		if len(in) != 3 || in[0].RandomID != 0 || in[1].RandomID != 2 || in[2].RandomID != 3 {
			t.Fatalf("Inbox(5) order wrong: %+v", in)
		}
		m := in[1]
		if m.Seq != seqs[2] || m.Date != 2 || !bytes.Equal(m.Bytes, []byte{2}) || !m.Service ||
			m.Qts != 12 || m.File == nil || *m.File != (secret.EncryptedFile{ID: 2, AccessHash: 2, Size: 3, DCID: 4, KeyFingerprint: -5}) {
			t.Errorf("inbox row round trip: %+v", m)
		}
		chats, err := tx.InboxChats()
		if err != nil {
			return err
		}
		if len(chats) != 2 || chats[0] != 3 || chats[1] != 5 {
			t.Errorf("InboxChats = %v, want [3 5]", chats)
		}
		return nil
	})
	update(t, s, func(tx secret.Tx) error { return tx.DeleteInbox(seqs[1]) })
	view(t, s, func(tx secret.Tx) error {
		if in := ok(tx.Inbox(3))(t); len(in) != 0 {
			t.Errorf("deleted inbox row still there")
		}
		if chats := ok(tx.InboxChats())(t); len(chats) != 1 || chats[0] != 5 {
			t.Errorf("InboxChats after delete = %v", chats)
		}
		return nil
	})
}

func testPending(t *testing.T, s secret.Storage) {
	update(t, s, func(tx secret.Tx) error {
		for _, n := range []int{7, 3, 5} {
			if err := tx.PutPending(secret.PendingMessage{ChatID: 1, OutSeq: n, Date: n, Payload: []byte{byte(n)}}); err != nil {
				return err
			}
		}
		if err := tx.PutPending(secret.PendingMessage{ChatID: 2, OutSeq: 1}); err != nil {
			return err
		}
		// Replace.
		return tx.PutPending(secret.PendingMessage{ChatID: 1, OutSeq: 5, Date: 50, Payload: []byte{50},
			File: &secret.EncryptedFile{ID: 9}})
	})
	view(t, s, func(tx secret.Tx) error {
		p, err := tx.Pending(1)
		if err != nil {
			return err
		}
		if len(p) != 3 || p[0].OutSeq != 3 || p[1].OutSeq != 5 || p[2].OutSeq != 7 {
			t.Fatalf("Pending order: %+v", p)
		}
		if p[1].Date != 50 || !bytes.Equal(p[1].Payload, []byte{50}) || p[1].File == nil || p[1].File.ID != 9 {
			t.Errorf("pending replace: %+v", p[1])
		}
		return nil
	})
	update(t, s, func(tx secret.Tx) error { return tx.DeletePending(1, 3) })
	view(t, s, func(tx secret.Tx) error {
		if p := ok(tx.Pending(1))(t); len(p) != 2 || p[0].OutSeq != 5 {
			t.Errorf("DeletePending: %+v", p)
		}
		if p := ok(tx.Pending(2))(t); len(p) != 1 {
			t.Errorf("other chat's pending affected")
		}
		return nil
	})
}

func testOutbox(t *testing.T, s secret.Storage) {
	update(t, s, func(tx secret.Tx) error {
		for n := 4; n >= 0; n-- {
			m := secret.OutboxMessage{ChatID: 1, OutSeq: n, InSeq: n + 10, RandomID: int64(100 + n), Bytes: seq(40, byte(n)), Service: n%2 == 0}
			if n == 2 {
				m.File = &secret.OutboxFile{UploadID: 77, Parts: 3, Big: true, MD5: "abc", KeyFingerprint: -8}
			}
			if err := tx.PutOutbox(m); err != nil {
				return err
			}
		}
		return tx.PutOutbox(secret.OutboxMessage{ChatID: 2, OutSeq: 1})
	})
	view(t, s, func(tx secret.Tx) error {
		o, err := tx.Outbox(1, 1, 3)
		if err != nil {
			return err
		}
		if len(o) != 3 || o[0].OutSeq != 1 || o[2].OutSeq != 3 {
			t.Fatalf("Outbox(1,1,3) = %+v", o)
		}
		f := o[1]
		if f.RandomID != 102 || f.InSeq != 12 || !bytes.Equal(f.Bytes, seq(40, 2)) || !f.Service || f.File == nil ||
			f.File.UploadID != 77 || f.File.Parts != 3 || !f.File.Big || f.File.MD5 != "abc" || f.File.KeyFingerprint != -8 {
			t.Errorf("outbox round trip: %+v", f)
		}
		return nil
	})
	// Mark sent, with the server's file.
	update(t, s, func(tx secret.Tx) error {
		o, err := tx.Outbox(1, 2, 2)
		if err != nil {
			return err
		}
		m := o[0]
		m.Sent, m.Date = true, 1234
		m.File.Sent = &secret.EncryptedFile{ID: 1, AccessHash: 2, Size: 3, DCID: 2, KeyFingerprint: 5}
		return tx.PutOutbox(m)
	})
	update(t, s, func(tx secret.Tx) error { return tx.DeleteOutboxBefore(1, 2) })
	view(t, s, func(tx secret.Tx) error {
		o := ok(tx.Outbox(1, 0, 1<<30))(t)
		if len(o) != 3 || o[0].OutSeq != 2 {
			t.Fatalf("after DeleteOutboxBefore(2): %+v", o)
		}
		if !o[0].Sent || o[0].Date != 1234 || o[0].File.Sent == nil || o[0].File.Sent.AccessHash != 2 {
			t.Errorf("mark sent not kept: %+v", o[0])
		}
		if o2 := ok(tx.Outbox(2, 0, 10))(t); len(o2) != 1 {
			t.Errorf("other chat's outbox affected")
		}
		return nil
	})
}

func sampleMessage(chat secret.ChatID, id int64) secret.Message {
	return secret.Message{ChatID: chat, RandomID: id, Out: id%2 == 0, Kind: secret.KindMedia,
		Date: time.Unix(1700000000+id, 0).UTC(), Text: "hi", TTL: 5, Sent: true, Read: true,
		Media: &secret.Media{Kind: secret.MediaPhoto, Name: "a.jpg", MIME: "image/jpeg", Size: 10,
			Key: seq(32, 1), IV: seq(32, 2), Thumb: []byte{3}, ThumbW: 4, ThumbH: 5, W: 6, H: 7,
			Caption: "c", File: secret.EncryptedFile{ID: 8, AccessHash: 9, Size: 16, DCID: 2, KeyFingerprint: 11}}}
}

func testMessages(t *testing.T, s secret.Storage) {
	update(t, s, func(tx secret.Tx) error {
		for _, id := range []int64{30, 10, 20} {
			if err := tx.PutMessage(sampleMessage(1, id)); err != nil {
				return err
			}
		}
		m := sampleMessage(1, 10)
		m.Read, m.Text = false, "edited"
		return tx.PutMessage(m)
	})
	view(t, s, func(tx secret.Tx) error {
		ms, err := tx.Messages(1)
		if err != nil {
			return err
		}
		if len(ms) != 3 || ms[0].RandomID != 30 || ms[1].RandomID != 10 || ms[2].RandomID != 20 {
			t.Fatalf("history order after replace: %+v", ms)
		}
		if ms[1].Text != "edited" || ms[1].Read {
			t.Errorf("replace not applied: %+v", ms[1])
		}
		got, err := tx.Message(1, 20)
		if err != nil {
			return err
		}
		want := sampleMessage(1, 20)
		if got.Kind != want.Kind || !got.Date.Equal(want.Date) || got.Out != want.Out || got.TTL != 5 ||
			got.Media == nil || got.Media.Name != "a.jpg" || !bytes.Equal(got.Media.Key, want.Media.Key) ||
			!bytes.Equal(got.Media.IV, want.Media.IV) || !bytes.Equal(got.Media.Thumb, want.Media.Thumb) ||
			got.Media.File != want.Media.File || got.Media.W != 6 || got.Media.Caption != "c" {
			t.Errorf("message round trip:\n got %+v\nwant %+v", got, want)
		}
		return nil
	})
	update(t, s, func(tx secret.Tx) error { return tx.DeleteMessage(1, 10) })
	view(t, s, func(tx secret.Tx) error {
		ms := ok(tx.Messages(1))(t)
		if len(ms) != 2 || ms[0].RandomID != 30 || ms[1].RandomID != 20 {
			t.Errorf("after DeleteMessage: %+v", ms)
		}
		return nil
	})
	update(t, s, func(tx secret.Tx) error {
		if err := tx.PutMessage(sampleMessage(2, 1)); err != nil {
			return err
		}
		return tx.DeleteMessages(1)
	})
	view(t, s, func(tx secret.Tx) error {
		if ms := ok(tx.Messages(1))(t); len(ms) != 0 {
			t.Errorf("DeleteMessages left %d", len(ms))
		}
		if ms := ok(tx.Messages(2))(t); len(ms) != 1 {
			t.Errorf("other chat's history affected")
		}
		return nil
	})
}

func testExpiring(t *testing.T, s secret.Storage) {
	base := time.Unix(1800000000, 0).UTC()
	update(t, s, func(tx secret.Tx) error {
		for i := int64(1); i <= 4; i++ {
			m := secret.Message{ChatID: secret.ChatID(i % 2), RandomID: i, Kind: secret.KindText}
			if i != 4 {
				m.ExpiresAt = base.Add(time.Duration(i) * time.Second)
			}
			if err := tx.PutMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx secret.Tx) error {
		ms, err := tx.Expiring(base.Add(2 * time.Second))
		if err != nil {
			return err
		}
		ids := map[int64]bool{}
		for _, m := range ms {
			ids[m.RandomID] = true
		}
		if len(ms) != 2 || !ids[1] || !ids[2] {
			t.Errorf("Expiring(base+2s) = %v, want messages 1 and 2", ids)
		}
		return nil
	})
}

func testDeleteChat(t *testing.T, s secret.Storage) {
	update(t, s, func(tx secret.Tx) error {
		for _, id := range []secret.ChatID{1, 2} {
			if err := tx.PutChat(secret.Chat{ID: id}); err != nil {
				return err
			}
			if _, err := tx.PutInbox(secret.InboxMessage{ChatID: id}); err != nil {
				return err
			}
			if err := tx.PutPending(secret.PendingMessage{ChatID: id, OutSeq: 1}); err != nil {
				return err
			}
			if err := tx.PutOutbox(secret.OutboxMessage{ChatID: id, OutSeq: 1}); err != nil {
				return err
			}
			if err := tx.PutMessage(secret.Message{ChatID: id, RandomID: 1}); err != nil {
				return err
			}
		}
		return tx.DeleteChat(1)
	})
	view(t, s, func(tx secret.Tx) error {
		if _, err := tx.Chat(1); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("chat 1 not deleted")
		}
		in := ok(tx.Inbox(1))(t)
		p := ok(tx.Pending(1))(t)
		o := ok(tx.Outbox(1, 0, 10))(t)
		m := ok(tx.Messages(1))(t)
		if len(in)+len(p)+len(o)+len(m) != 0 {
			t.Errorf("DeleteChat left rows: inbox %d pending %d outbox %d messages %d", len(in), len(p), len(o), len(m))
		}
		in = ok(tx.Inbox(2))(t)
		p = ok(tx.Pending(2))(t)
		o = ok(tx.Outbox(2, 0, 10))(t)
		m = ok(tx.Messages(2))(t)
		if len(in) != 1 || len(p) != 1 || len(o) != 1 || len(m) != 1 {
			t.Errorf("DeleteChat(1) touched chat 2")
		}
		return nil
	})
}

func testCopies(t *testing.T, s secret.Storage) {
	c := SampleChat(1)
	update(t, s, func(tx secret.Tx) error {
		if err := tx.PutChat(c); err != nil {
			return err
		}
		return tx.PutOutbox(secret.OutboxMessage{ChatID: 1, OutSeq: 0, Bytes: []byte{1, 2, 3}})
	})
	c.Key[0] ^= 0xff // mutate the caller's copy after the put
	view(t, s, func(tx secret.Tx) error {
		got := ok(tx.Chat(1))(t)
		if got.Key[0] != 3 {
			t.Errorf("store shares the key slice with the caller")
		}
		got.Key[0] = 0
		again := ok(tx.Chat(1))(t)
		if again.Key[0] != 3 {
			t.Errorf("store returns its own key slice")
		}
		o := ok(tx.Outbox(1, 0, 0))(t)
		o[0].Bytes[0] = 9
		o2 := ok(tx.Outbox(1, 0, 0))(t)
		if o2[0].Bytes[0] != 1 {
			t.Errorf("store returns its own outbox bytes")
		}
		return nil
	})
}

func testDHConfig(t *testing.T, s secret.Storage) {
	want := secret.DHConfig{Version: 3, G: 3, P: seq(256, 0xC7), Checked: true}
	update(t, s, func(tx secret.Tx) error { return tx.PutDHConfig(want) })
	view(t, s, func(tx secret.Tx) error {
		got, err := tx.DHConfig()
		if err != nil {
			return err
		}
		if got.Version != 3 || got.G != 3 || !bytes.Equal(got.P, want.P) || !got.Checked {
			t.Errorf("dh config round trip: %+v", got)
		}
		return nil
	})
}

// fill stores a chat with a row of every kind, for the deletion tests.
func fill(tx secret.Tx, id secret.ChatID) error {
	if err := tx.PutChat(SampleChat(id)); err != nil {
		return err
	}
	if _, err := tx.PutInbox(secret.InboxMessage{ChatID: id, Bytes: []byte{1}}); err != nil {
		return err
	}
	if err := tx.PutPending(secret.PendingMessage{ChatID: id, OutSeq: 1, Payload: []byte{2}}); err != nil {
		return err
	}
	if err := tx.PutOutbox(secret.OutboxMessage{ChatID: id, OutSeq: 1, Bytes: []byte{3}}); err != nil {
		return err
	}
	m := sampleMessage(id, 1)
	m.ExpiresAt = time.Unix(1800000000, 0)
	return tx.PutMessage(m)
}

// leftovers counts what the storage still holds of chat id.
func leftovers(tx secret.Tx, id secret.ChatID) (int, error) {
	n := 0
	if _, err := tx.Chat(id); err == nil {
		n++
	} else if !errors.Is(err, secret.ErrNotFound) {
		return 0, err
	}
	in, err := tx.Inbox(id)
	if err != nil {
		return 0, err
	}
	p, err := tx.Pending(id)
	if err != nil {
		return 0, err
	}
	o, err := tx.Outbox(id, 0, 1<<30)
	if err != nil {
		return 0, err
	}
	m, err := tx.Messages(id)
	if err != nil {
		return 0, err
	}
	return n + len(in) + len(p) + len(o) + len(m), nil
}

func testDeleteAll(t *testing.T, s secret.Storage) {
	update(t, s, func(tx secret.Tx) error {
		for _, id := range []secret.ChatID{1, 2} {
			if err := fill(tx, id); err != nil {
				return err
			}
		}
		return tx.PutDHConfig(secret.DHConfig{Version: 3, G: 3, P: seq(256, 0xC7), Checked: true})
	})
	// A failed transaction keeps everything.
	boom := errors.New("boom")
	if err := s.Update(context.Background(), func(tx secret.Tx) error {
		if err := tx.DeleteAll(); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Update error = %v, want the function's error", err)
	}
	view(t, s, func(tx secret.Tx) error {
		for _, id := range []secret.ChatID{1, 2} {
			n, err := leftovers(tx, id)
			if err != nil {
				return err
			}
			if n != 5 {
				t.Errorf("chat %d after a rolled back DeleteAll: %d records, want 5", id, n)
			}
		}
		return nil
	})
	if err := s.View(context.Background(), func(tx secret.Tx) error { return tx.DeleteAll() }); err == nil {
		t.Errorf("DeleteAll inside View succeeded")
	}

	update(t, s, func(tx secret.Tx) error { return tx.DeleteAll() })
	view(t, s, func(tx secret.Tx) error {
		chats, err := tx.Chats()
		if err != nil {
			return err
		}
		if len(chats) != 0 {
			t.Errorf("DeleteAll left %d chats", len(chats))
		}
		for _, id := range []secret.ChatID{1, 2} {
			n, err := leftovers(tx, id)
			if err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("DeleteAll left %d records of chat %d", n, id)
			}
		}
		if ids, err := tx.InboxChats(); err != nil || len(ids) != 0 {
			t.Errorf("InboxChats after DeleteAll = %v, %v", ids, err)
		}
		if ms, err := tx.Expiring(time.Unix(1<<40, 0)); err != nil || len(ms) != 0 {
			t.Errorf("Expiring after DeleteAll = %d messages, %v", len(ms), err)
		}
		if _, err := tx.DHConfig(); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("DHConfig after DeleteAll: %v, want ErrNotFound", err)
		}
		return nil
	})
	// The storage serves the next account.
	update(t, s, func(tx secret.Tx) error { return fill(tx, 1) })
	view(t, s, func(tx secret.Tx) error {
		n, err := leftovers(tx, 1)
		if err != nil {
			return err
		}
		if n != 5 {
			t.Errorf("storage after DeleteAll holds %d records of a new chat, want 5", n)
		}
		return nil
	})
}

func testServiceMessages(t *testing.T, s secret.Storage) {
	want := []secret.Message{
		{ChatID: 1, RandomID: 1, Kind: secret.KindService, Date: time.Unix(1700000000, 0).UTC(), Action: secret.ActionSetTTL, ServiceTTL: 60},
		{ChatID: 1, RandomID: 2, Kind: secret.KindService, Date: time.Unix(1700000001, 0).UTC(), Action: secret.ActionSetTTL},
		{ChatID: 1, RandomID: 3, Kind: secret.KindService, Date: time.Unix(1700000002, 0).UTC(), Action: secret.ActionScreenshot,
			ActionIDs: []int64{-5, 1 << 62}},
		{ChatID: 1, RandomID: 4, Kind: secret.KindService, Date: time.Unix(1700000003, 0).UTC(), Action: secret.ActionScreenshot},
	}
	update(t, s, func(tx secret.Tx) error {
		for _, m := range want {
			if err := tx.PutMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx secret.Tx) error {
		got, err := tx.Messages(1)
		if err != nil {
			return err
		}
		if len(got) != len(want) {
			t.Fatalf("%d service messages, want %d", len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Kind != w.Kind || g.Action != w.Action || g.ServiceTTL != w.ServiceTTL || !slices.Equal(g.ActionIDs, w.ActionIDs) ||
				!g.Date.Equal(w.Date) || g.Text != "" {
				t.Errorf("service message %d round trip:\n got %+v\nwant %+v", i, g, w)
			}
		}
		return nil
	})
}
