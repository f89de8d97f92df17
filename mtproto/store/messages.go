package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Message is a cached cloud message (user chats, groups, channels). Secret chat
// messages are secret.Message values stored through the secret chat storage.
type Message struct {
	Peer Peer // the chat the message belongs to
	ID   int  // the server's message id within Peer
	From Peer // the author; zero when unknown (e.g. anonymous channel posts)
	Out  bool // sent by the local user
	Date time.Time
	Text string
	// Entities is the formatting of Text as a JSON array in the app's encoding;
	// nil when there is none. The store only checks that it is valid JSON.
	Entities json.RawMessage
	ReplyTo  int // id of the message replied to; 0 for none
	EditDate time.Time
	// Media is an opaque reference to the server-side media (the app's
	// encoding); nil when none. Downloaded files are kept with CreateMedia.
	Media []byte
	// ExpiresAt is when the server deletes the message (ttl_period); zero = never.
	// DeleteExpired removes it locally at that time.
	ExpiresAt time.Time
}

// PutMessages inserts or updates cloud messages in one transaction. A message
// that was deleted (DeleteMessages) stays deleted even if a stale history page
// delivers it again. The dialog's TopMessage advances when a newer message is
// stored.
func (s *Store) PutMessages(ctx context.Context, msgs ...Message) error {
	defer func() {
		for i := range msgs {
			s.maint.expiresAt(msgs[i].ExpiresAt)
		}
	}()
	return s.writeTx(ctx, "put messages", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, putMessageSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range msgs {
			if err := putMessage(ctx, stmt, &msgs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

const putMessageSQL = `
INSERT INTO messages(peer_kind, peer_id, id, from_kind, from_id, out, date, text, entities, reply_to, edit_date, media, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(peer_kind, peer_id, id) DO UPDATE SET
	from_kind = excluded.from_kind, from_id = excluded.from_id, out = excluded.out, date = excluded.date,
	text = excluded.text, entities = excluded.entities, reply_to = excluded.reply_to,
	edit_date = excluded.edit_date, media = excluded.media, expires_at = excluded.expires_at
WHERE deleted = 0`

func putMessage(ctx context.Context, stmt *sql.Stmt, m *Message) error {
	if m.Peer.IsZero() || m.Peer.Kind == PeerSecret {
		return fmt.Errorf("message %d: invalid peer %v", m.ID, m.Peer)
	}
	var entities any
	if len(m.Entities) > 0 {
		if !json.Valid(m.Entities) {
			return fmt.Errorf("message %d: entities are not valid JSON", m.ID)
		}
		entities = string(m.Entities)
	}
	var media any
	if m.Media != nil {
		media = m.Media
	}
	_, err := stmt.ExecContext(ctx, m.Peer.Kind, m.Peer.ID, m.ID, m.From.Kind, m.From.ID, m.Out,
		timeUnix(m.Date), m.Text, entities, m.ReplyTo, timeUnix(m.EditDate), media, timeUnix(m.ExpiresAt))
	return err
}

// messageColumns lists the columns scanMessage reads, in order.
const messageColumns = `peer_kind, peer_id, id, from_kind, from_id, out, date, text, entities, reply_to, edit_date, media, expires_at`

func scanMessage(rows *sql.Rows) (Message, error) {
	var m Message
	var date, edit, expires int64
	var entities sql.NullString
	err := rows.Scan(&m.Peer.Kind, &m.Peer.ID, &m.ID, &m.From.Kind, &m.From.ID, &m.Out, &date, &m.Text,
		&entities, &m.ReplyTo, &edit, &m.Media, &expires)
	if err != nil {
		return Message{}, err
	}
	m.Date, m.EditDate, m.ExpiresAt = unixTime(date), unixTime(edit), unixTime(expires)
	if entities.Valid {
		m.Entities = json.RawMessage(entities.String)
	}
	return m, nil
}

// Message returns one cached message, or ErrNotFound (also for deleted ones).
func (s *Store) Message(ctx context.Context, p Peer, id int) (Message, error) {
	msgs, err := s.queryMessages(ctx, "message",
		`SELECT `+messageColumns+` FROM messages WHERE peer_kind = ? AND peer_id = ? AND id = ? AND deleted = 0`,
		p.Kind, p.ID, id)
	if err != nil {
		return Message{}, err
	}
	if len(msgs) == 0 {
		return Message{}, fmt.Errorf("store: message %v/%d: %w", p, id, ErrNotFound)
	}
	return msgs[0], nil
}

// Latest returns up to limit of the newest cached messages of p, oldest first
// (ready to display top to bottom). It reads only the local cache.
func (s *Store) Latest(ctx context.Context, p Peer, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	msgs, err := s.queryMessages(ctx, "latest", latestSQL, p.Kind, p.ID, limit)
	reverse(msgs)
	return msgs, err
}

// Before returns up to limit cached messages of p with ids below before, oldest
// first: the page to show above the message with id before.
func (s *Store) Before(ctx context.Context, p Peer, before, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	msgs, err := s.queryMessages(ctx, "before", beforeSQL, p.Kind, p.ID, before, limit)
	reverse(msgs)
	return msgs, err
}

// After returns up to limit cached messages of p with ids above after, oldest first: the page to show
// below the message with id after.
func (s *Store) After(ctx context.Context, p Peer, after, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.queryMessages(ctx, "after", afterSQL, p.Kind, p.ID, after, limit)
}

// The paging queries walk the index of UNIQUE (peer_kind, peer_id, id) from one end or from the message
// paged from, and stop after limit rows: a page costs the same at any depth of a chat of any length
// (TestPagingQueriesUseTheIndex asks SQLite for their plans).
const (
	latestSQL = `SELECT ` + messageColumns + ` FROM messages WHERE peer_kind = ? AND peer_id = ? AND deleted = 0
		 ORDER BY id DESC LIMIT ?`
	beforeSQL = `SELECT ` + messageColumns + ` FROM messages WHERE peer_kind = ? AND peer_id = ? AND id < ? AND deleted = 0
		 ORDER BY id DESC LIMIT ?`
	afterSQL = `SELECT ` + messageColumns + ` FROM messages WHERE peer_kind = ? AND peer_id = ? AND id > ? AND deleted = 0
		 ORDER BY id ASC LIMIT ?`
)

func (s *Store) queryMessages(ctx context.Context, what, query string, args ...any) ([]Message, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// DeleteMessages marks cloud messages of p as deleted: their text, entities and
// media reference are wiped, they leave the search index, their media files are
// deleted, and they are no longer returned. The row remains as a tombstone so
// that a stale history page cannot bring the message back.
func (s *Store) DeleteMessages(ctx context.Context, p Peer, ids ...int) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.writeTx(ctx, "delete messages", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx,
			`UPDATE messages SET deleted = 1, text = '', entities = NULL, media = NULL
			 WHERE peer_kind = ? AND peer_id = ? AND id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, p.Kind, p.ID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.maint.requestCheckpoint()
	return s.emptyTrash(ctx)
}

// DeleteCommonMessages marks messages of the common message box (user chats and
// basic groups, where Telegram's updateDeleteMessages carries only ids) as
// deleted, like DeleteMessages, whatever chat they are in. Channel messages
// are not touched: their ids are per channel.
func (s *Store) DeleteCommonMessages(ctx context.Context, ids ...int) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.writeTx(ctx, "delete messages", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx,
			`UPDATE messages SET deleted = 1, text = '', entities = NULL, media = NULL
			 WHERE peer_kind IN (?, ?) AND id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, PeerUser, PeerChat, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.maint.requestCheckpoint()
	return s.emptyTrash(ctx)
}

// MessageCount returns the number of cached (not deleted) cloud messages of p.
func (s *Store) MessageCount(ctx context.Context, p Peer) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE peer_kind = ? AND peer_id = ? AND deleted = 0`,
		p.Kind, p.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: message count: %w", err)
	}
	return n, nil
}
