package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SetVerified records (verified=true) or removes the user's mark that the key
// visualisation of secret chat chatID with key hash keyHash (secret.KeyHash)
// was compared with the peer's. The mark belongs to that exact key hash: a chat
// whose key hash differs is not verified.
func (s *Store) SetVerified(ctx context.Context, chatID int32, keyHash [36]byte, verified bool) error {
	var err error
	if verified {
		_, err = s.w.ExecContext(ctx,
			`INSERT INTO verified(chat_id, key_hash, verified_at) VALUES (?, ?, ?)
			 ON CONFLICT(chat_id, key_hash) DO NOTHING`, chatID, keyHash[:], time.Now().Unix())
	} else {
		_, err = s.w.ExecContext(ctx, `DELETE FROM verified WHERE chat_id = ? AND key_hash = ?`, chatID, keyHash[:])
	}
	if err != nil {
		return fmt.Errorf("store: set verified: %w", err)
	}
	return nil
}

// Verified reports whether the key hash of chat chatID was marked verified and
// when.
func (s *Store) Verified(ctx context.Context, chatID int32, keyHash [36]byte) (ok bool, at time.Time, err error) {
	var sec int64
	err = s.r.QueryRowContext(ctx, `SELECT verified_at FROM verified WHERE chat_id = ? AND key_hash = ?`,
		chatID, keyHash[:]).Scan(&sec)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, nil
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("store: verified: %w", err)
	}
	return true, unixTime(sec), nil
}
