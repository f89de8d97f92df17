package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"tacit/mtproto/secret"
)

// FuzzSecretRecords puts arbitrary bytes into one stored column of the
// secret chat tables (sealed records, file references, the DH cache, the
// session) and reads everything back through the store: a damaged or
// tampered row is an error, never a panic, never a record that names another
// chat, and never a forged sealed record. With seal set, the bytes are
// sealed with the store's own key first, so the decoders behind the
// authentication see arbitrary plaintext too (a record written by a future
// or broken version). Every input runs in a transaction that is rolled back,
// so the store on disk stays as it was prepared.
func FuzzSecretRecords(f *testing.F) {
	f.Add(uint8(0), []byte(`{"ID":1}`), true)
	f.Add(uint8(0), []byte(`{"ID":2,"Key":"AAAA"}`), true)
	f.Add(uint8(1), []byte(`{"Kind":1,"Key":"AQ==","File":{"ID":3}}`), true)
	f.Add(uint8(2), []byte(`{"ID":1,"Size":-1}`), false)
	f.Add(uint8(3), []byte(`{"InSeq":3,"File":{"Parts":-1}}`), false)
	f.Add(uint8(4), []byte(`null`), false)
	f.Add(uint8(5), []byte(`{"G":3,"P":"xw=="}`), false)
	f.Add(uint8(6), []byte{0xff, 0xfe}, false)
	f.Add(uint8(7), []byte{1, 2, 3}, true)
	f.Add(uint8(0), make([]byte, 40), false)
	s, err := prepareRecordsStore(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	// Untouched, every record reads back, so each input reaches the decoders.
	err = s.Secret().View(context.Background(), func(tx secret.Tx) error {
		if _, err := tx.Chat(fuzzChat); err != nil {
			return err
		}
		if m, err := tx.Message(fuzzChat, fuzzRandomID); err != nil || m.Media == nil {
			return fmt.Errorf("message: %v", err)
		}
		if in, err := tx.Inbox(fuzzChat); err != nil || len(in) != 1 || in[0].File == nil {
			return fmt.Errorf("inbox: %v", err)
		}
		if p, err := tx.Pending(fuzzChat); err != nil || len(p) != 1 || p[0].File == nil {
			return fmt.Errorf("pending: %v", err)
		}
		if o, err := tx.Outbox(fuzzChat, 0, 1); err != nil || len(o) != 1 || o[0].File == nil {
			return fmt.Errorf("outbox: %v", err)
		}
		_, err := tx.DHConfig()
		return err
	})
	if err != nil {
		f.Fatalf("the prepared store does not read back: %v", err)
	}
	f.Fuzz(func(t *testing.T, column uint8, data []byte, seal bool) {
		ctx := context.Background()
		c := recordColumns[int(column)%len(recordColumns)]
		value := data
		if seal && c.purpose != "" {
			sealed, err := s.keys.sealRecord(c.purpose, data, c.ids...)
			if err != nil {
				t.Fatal(err)
			}
			value = sealed
		}
		err := s.Secret().Update(ctx, func(stx secret.Tx) error {
			tx := stx.(*secretTx)
			if _, err := tx.tx.ExecContext(ctx, c.update, value); err != nil {
				return errRollback // a value the column refuses: nothing to read
			}
			readEverything(t, stx, seal && c.purpose != "", c)
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("update: %v", err)
		}
		if c.purpose != "" && !seal {
			if _, err := s.keys.openRecord(c.purpose, value, c.ids...); err == nil {
				t.Fatalf("%s: bytes not sealed with the store's key were opened", c.name)
			}
		}
	})
}

var errRollback = errors.New("roll back")

// recordColumn is one stored column the fuzz target overwrites.
type recordColumn struct {
	name    string
	update  string  // SQL that sets the column to ?
	purpose string  // the sealing purpose of the column, if sealed
	ids     []int64 // the associated ids of its row
}

const (
	fuzzChat     secret.ChatID = 1
	fuzzRandomID int64         = 55
)

var recordColumns = []recordColumn{
	{"chat record", `UPDATE secret_chats SET record = ? WHERE id = 1`, purposeSecretChat, []int64{int64(fuzzChat)}},
	{"message media", `UPDATE secret_messages SET media = ? WHERE chat_id = 1 AND random_id = 55`, purposeSecretMeta, []int64{int64(fuzzChat), fuzzRandomID}},
	{"inbox file", `UPDATE secret_inbox SET file = ? WHERE chat_id = 1`, "", nil},
	{"outbox file", `UPDATE secret_outbox SET file = ? WHERE chat_id = 1`, "", nil},
	{"pending file", `UPDATE secret_pending SET file = ? WHERE chat_id = 1`, "", nil},
	{"dh config", `UPDATE kv SET value = ? WHERE name = '` + dhConfigValue + `'`, "", nil},
	{"message text", `UPDATE secret_messages SET text = ? WHERE chat_id = 1 AND random_id = 55`, "", nil},
	{"session", `UPDATE session SET data = ? WHERE id = 1`, purposeSession, []int64{1}},
	{"message kind", `UPDATE secret_messages SET kind = ? WHERE chat_id = 1`, "", nil},
	{"chat id", `UPDATE secret_chats SET id = ? WHERE id = 1`, "", nil},
}

// readEverything reads every secret record back; each read may fail, none
// may panic or return a record of another chat.
func readEverything(t *testing.T, tx secret.Tx, sealedByUs bool, c recordColumn) {
	t.Helper()
	if ch, err := tx.Chat(fuzzChat); err == nil {
		if ch.ID != fuzzChat {
			t.Fatalf("chat %d read as chat %d", fuzzChat, ch.ID)
		}
		if c.name == "chat record" && !sealedByUs {
			t.Fatal("a chat record that was not sealed with the store's key was opened")
		}
	}
	if chats, err := tx.Chats(); err == nil {
		for _, ch := range chats {
			if ch.ID == 0 {
				t.Fatal("a chat with id 0")
			}
		}
	}
	if ms, err := tx.Messages(fuzzChat); err == nil {
		for _, m := range ms {
			if m.ChatID != fuzzChat {
				t.Fatalf("message of chat %d listed in chat %d", m.ChatID, fuzzChat)
			}
			if m.RandomID == fuzzRandomID && m.Media != nil && c.name == "message media" && !sealedByUs {
				t.Fatal("media metadata that was not sealed with the store's key was opened")
			}
		}
	}
	_, _ = tx.Message(fuzzChat, fuzzRandomID)
	_, _ = tx.Inbox(fuzzChat)
	_, _ = tx.InboxChats()
	_, _ = tx.Pending(fuzzChat)
	_, _ = tx.Outbox(fuzzChat, 0, 1<<30)
	_, _ = tx.DHConfig()
	_, _ = tx.Expiring(time.Unix(1<<40, 0))
}

// prepareRecordsStore opens a store in dir with one row in every secret table.
func prepareRecordsStore(dir string) (*Store, error) {
	ctx := context.Background()
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	s, err := Open(ctx, dir, key)
	if err != nil {
		return nil, err
	}
	k := make([]byte, secret.KeySize)
	file := &secret.EncryptedFile{ID: 1, AccessHash: 2, Size: 32, DCID: 2, KeyFingerprint: 3}
	err = s.Secret().Update(ctx, func(tx secret.Tx) error {
		if err := tx.PutChat(secret.Chat{ID: fuzzChat, PeerID: 9, State: secret.StateReady, Key: k, ResendUpTo: -1}); err != nil {
			return err
		}
		if err := tx.PutMessage(secret.Message{ChatID: fuzzChat, RandomID: fuzzRandomID, Kind: secret.KindText, Text: "hello",
			Date: time.Unix(100, 0), ExpiresAt: time.Unix(200, 0),
			Media: &secret.Media{Kind: secret.MediaDocument, Key: k[:32], IV: k[:32], File: *file}}); err != nil {
			return err
		}
		if _, err := tx.PutInbox(secret.InboxMessage{ChatID: fuzzChat, RandomID: 56, Date: 1, Bytes: []byte{1}, File: file}); err != nil {
			return err
		}
		if err := tx.PutPending(secret.PendingMessage{ChatID: fuzzChat, OutSeq: 3, Date: 1, Payload: []byte{1}, File: file}); err != nil {
			return err
		}
		if err := tx.PutOutbox(secret.OutboxMessage{ChatID: fuzzChat, OutSeq: 0, RandomID: 57, Bytes: []byte{1},
			File: &secret.OutboxFile{UploadID: 1, Parts: 1, Sent: file}}); err != nil {
			return err
		}
		return tx.PutDHConfig(secret.DHConfig{Version: 1, G: 3, P: []byte{7}})
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Session().StoreSession(ctx, []byte(`{"Version":1}`)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
