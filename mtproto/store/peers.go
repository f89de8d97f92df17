package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PeerKind is the namespace of a Telegram identifier: user, basic group, channel
// (which includes supergroups) or secret chat ids are distinct spaces.
type PeerKind uint8

// Peer kinds. The numeric values are stored in the database; never renumber.
const (
	PeerUser    PeerKind = 1
	PeerChat    PeerKind = 2 // basic group
	PeerChannel PeerKind = 3 // channel or supergroup
	PeerSecret  PeerKind = 4 // secret chat (id is the encrypted chat id)
)

// String names the kind for logs and errors.
func (k PeerKind) String() string {
	switch k {
	case PeerUser:
		return "user"
	case PeerChat:
		return "chat"
	case PeerChannel:
		return "channel"
	case PeerSecret:
		return "secret"
	}
	return fmt.Sprintf("peerkind(%d)", uint8(k))
}

// Peer identifies a chat partner or a chat: a kind and an id within it.
// The zero Peer means "none".
type Peer struct {
	Kind PeerKind
	ID   int64
}

// IsZero reports whether p is the zero Peer.
func (p Peer) IsZero() bool { return p.Kind == 0 && p.ID == 0 }

// String formats p as kind:id.
func (p Peer) String() string { return fmt.Sprintf("%s:%d", p.Kind, p.ID) }

// UserPeer returns the Peer of a user.
func UserPeer(id int64) Peer { return Peer{Kind: PeerUser, ID: id} }

// ChatPeer returns the Peer of a basic group.
func ChatPeer(id int64) Peer { return Peer{Kind: PeerChat, ID: id} }

// ChannelPeer returns the Peer of a channel or supergroup.
func ChannelPeer(id int64) Peer { return Peer{Kind: PeerChannel, ID: id} }

// SecretPeer returns the Peer of a secret chat.
func SecretPeer(chatID int32) Peer { return Peer{Kind: PeerSecret, ID: int64(chatID)} }

// SetAccessHash stores the access hash of a user or channel.
func (s *Store) SetAccessHash(ctx context.Context, p Peer, hash int64) error {
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO peers(kind, id, access_hash) VALUES (?, ?, ?)
		 ON CONFLICT(kind, id) DO UPDATE SET access_hash = excluded.access_hash`,
		p.Kind, p.ID, hash)
	if err != nil {
		return fmt.Errorf("store: set access hash: %w", err)
	}
	return nil
}

// AccessHash returns the access hash of p; found is false when none is stored.
func (s *Store) AccessHash(ctx context.Context, p Peer) (hash int64, found bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT access_hash FROM peers WHERE kind = ? AND id = ?`, p.Kind, p.ID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: access hash: %w", err)
	}
	return hash, true, nil
}

// UserFlags are boolean facts about a user.
type UserFlags uint32

// User flags. The numeric values are stored in the database; never renumber.
const (
	UserSelf UserFlags = 1 << iota
	UserBot
	UserContact
	UserDeleted
)

// User is the cached profile of a Telegram user. Phone is empty unless the
// server disclosed it.
type User struct {
	ID         int64
	AccessHash int64 // 0 when unknown; stored in the peers table
	FirstName  string
	LastName   string
	Username   string
	Phone      string
	Flags      UserFlags
}

// Name returns the display name: first and last name, or the username.
func (u User) Name() string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName != "" || u.LastName != "":
		return u.FirstName + u.LastName
	}
	return u.Username
}

// PutUsers inserts or replaces users in one transaction. Each user replaces the
// stored profile completely (a phone the server no longer sends is forgotten);
// a non-zero AccessHash is stored too.
func (s *Store) PutUsers(ctx context.Context, users ...User) error {
	return s.writeTx(ctx, "put users", func(tx *sql.Tx) error {
		for _, u := range users {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO users(id, first_name, last_name, username, phone, flags) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
				 username = excluded.username, phone = excluded.phone, flags = excluded.flags`,
				u.ID, u.FirstName, u.LastName, u.Username, u.Phone, u.Flags); err != nil {
				return err
			}
			if u.AccessHash != 0 {
				if _, err := tx.ExecContext(ctx,
					`INSERT INTO peers(kind, id, access_hash) VALUES (?, ?, ?)
					 ON CONFLICT(kind, id) DO UPDATE SET access_hash = excluded.access_hash`,
					PeerUser, u.ID, u.AccessHash); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// User returns the cached user with id, or ErrNotFound.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	u := User{ID: id}
	var hash sql.NullInt64
	err := s.r.QueryRowContext(ctx,
		`SELECT u.first_name, u.last_name, u.username, u.phone, u.flags, p.access_hash
		 FROM users u LEFT JOIN peers p ON p.kind = 1 AND p.id = u.id WHERE u.id = ?`, id).
		Scan(&u.FirstName, &u.LastName, &u.Username, &u.Phone, &u.Flags, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user: %w", err)
	}
	u.AccessHash = hash.Int64
	return u, nil
}

// SetValue stores a small named value (for example the 2-step verification hint
// or the self user id). Names are chosen by the caller; use a dotted prefix per
// owner ("auth.password_hint").
func (s *Store) SetValue(ctx context.Context, name string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO kv(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`,
		name, value)
	if err != nil {
		return fmt.Errorf("store: set value: %w", err)
	}
	return nil
}

// Value returns the named value, or ErrNotFound.
func (s *Store) Value(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM kv WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: value %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: value: %w", err)
	}
	return v, nil
}

// DeleteValue removes the named value; removing a missing value is not an error.
func (s *Store) DeleteValue(ctx context.Context, name string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM kv WHERE name = ?`, name); err != nil {
		return fmt.Errorf("store: delete value: %w", err)
	}
	return nil
}

// writeTx runs fn in a write transaction and commits it; what names the
// operation in the error.
func (s *Store) writeTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) (err error) {
	defer func() { err = s.diskError(err) }()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		if errors.Is(err, sql.ErrTxDone) && ctx.Err() != nil {
			// database/sql rolled the transaction back when ctx ended: say so, not "already committed".
			err = ctx.Err()
		}
		return fmt.Errorf("store: %s: commit: %w", what, err)
	}
	return nil
}

// unixTime converts a stored Unix time (0 = unset) to time.Time (zero = unset).
func unixTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}

// timeUnix converts t to Unix seconds, mapping the zero time to 0.
func timeUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
