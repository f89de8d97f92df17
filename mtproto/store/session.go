package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gotd/td/session"
)

// Session returns a session.Storage backed by the Store, for
// telegram.Options.SessionStorage. The session blob (it holds the MTProto auth
// key) is sealed with a key derived from the database key before it is written,
// and it is committed durably before StoreSession returns.
func (s *Store) Session() session.Storage { return sessionStorage{s} }

// sessionStorage implements session.Storage.
type sessionStorage struct{ s *Store }

var _ session.Storage = sessionStorage{}

// LoadSession returns the stored session, or session.ErrNotFound.
func (ss sessionStorage) LoadSession(ctx context.Context) ([]byte, error) {
	var sealed []byte
	err := ss.s.r.QueryRowContext(ctx, `SELECT data FROM session WHERE id = 1`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, session.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: load session: %w", err)
	}
	data, err := ss.s.keys.openRecord(purposeSession, sealed, 1)
	if err != nil {
		return nil, fmt.Errorf("store: load session: %w", err)
	}
	return data, nil
}

// StoreSession replaces the stored session with data.
func (ss sessionStorage) StoreSession(ctx context.Context, data []byte) error {
	sealed, err := ss.s.keys.sealRecord(purposeSession, data, 1)
	if err != nil {
		return fmt.Errorf("store: store session: %w", err)
	}
	_, err = ss.s.w.ExecContext(ctx,
		`INSERT INTO session(id, data) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data`, sealed)
	if err != nil {
		return fmt.Errorf("store: store session: %w", err)
	}
	return nil
}

// DeleteSession forgets the session (on log-out).
func (s *Store) DeleteSession(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM session`); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	s.maint.requestCheckpoint() // the auth key goes with the row
	return nil
}
