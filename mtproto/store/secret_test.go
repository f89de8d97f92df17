package store

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

func TestSecretStorageConformance(t *testing.T) {
	secrettest.RunStorageTests(t, func(t *testing.T) secret.Storage {
		s, _, _ := openTest(t)
		return s.Secret()
	})
}

// TestSecretChatRecordSealed checks that chat records are sealed inside the
// database: the key bytes are not in the row, and a row moved to another chat
// id (or damaged) fails authentication instead of loading.
func TestSecretChatRecordSealed(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	c1 := secrettest.SampleChat(1)
	c2 := secrettest.SampleChat(2)
	err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		if err := tx.PutChat(c1); err != nil {
			return err
		}
		return tx.PutChat(c2)
	})
	if err != nil {
		t.Fatal(err)
	}
	var rec []byte
	if err := s.r.QueryRowContext(ctx, `SELECT record FROM secret_chats WHERE id = 1`).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(rec, c1.Key[:32]) || bytes.Contains(rec, []byte(base64.StdEncoding.EncodeToString(c1.Key[:48]))) {
		t.Fatal("chat key readable in the row")
	}
	// Move chat 1's record to chat 2.
	if _, err := s.w.ExecContext(ctx, `UPDATE secret_chats SET record = ? WHERE id = 2`, rec); err != nil {
		t.Fatal(err)
	}
	err = s.Secret().View(ctx, func(tx secret.Tx) error { _, err := tx.Chat(2); return err })
	if err == nil || errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("moved record: %v, want an authentication error", err)
	}
	// Flip one bit of chat 1's record.
	rec[len(rec)/2] ^= 1
	if _, err := s.w.ExecContext(ctx, `UPDATE secret_chats SET record = ? WHERE id = 1`, rec); err != nil {
		t.Fatal(err)
	}
	err = s.Secret().View(ctx, func(tx secret.Tx) error { _, err := tx.Chats(); return err })
	if err == nil {
		t.Fatal("damaged record loaded")
	}
}
