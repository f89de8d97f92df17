package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/gotd/td/telegram/peers"
)

// contactsHashValue is the kv name of the contacts hash kept for gotd's peer manager.
const contactsHashValue = "gotd.contacts_hash"

// gotd's peer manager names the id spaces with these key prefixes.
const (
	gotdUsersPrefix   = "users_"
	gotdChatsPrefix   = "chats_"
	gotdChannelPrefix = "channel_"
)

// errUnknownPrefix is returned for a peers.Key whose prefix the store does not know.
var errUnknownPrefix = errors.New("store: unknown peer key prefix")

// Peers returns a peers.Storage (for gotd's peers.Options.Storage) over the
// same access-hash table as SetAccessHash and AccessHash. Phone numbers the
// peer manager resolves are stored inside the encrypted database.
func (s *Store) Peers() peers.Storage { return gotdPeers{s} }

type gotdPeers struct{ s *Store }

var _ peers.Storage = gotdPeers{}

func kindOfPrefix(prefix string) (PeerKind, error) {
	switch prefix {
	case gotdUsersPrefix:
		return PeerUser, nil
	case gotdChatsPrefix:
		return PeerChat, nil
	case gotdChannelPrefix:
		return PeerChannel, nil
	}
	return 0, fmt.Errorf("%w %s", errUnknownPrefix, strconv.Quote(prefix))
}

func prefixOfKind(k PeerKind) string {
	switch k {
	case PeerUser:
		return gotdUsersPrefix
	case PeerChat:
		return gotdChatsPrefix
	case PeerChannel:
		return gotdChannelPrefix
	}
	return ""
}

// Save stores the access hash of key.
func (g gotdPeers) Save(ctx context.Context, key peers.Key, value peers.Value) error {
	kind, err := kindOfPrefix(key.Prefix)
	if err != nil {
		return err
	}
	return g.s.SetAccessHash(ctx, Peer{Kind: kind, ID: key.ID}, value.AccessHash)
}

// Find returns the access hash of key.
func (g gotdPeers) Find(ctx context.Context, key peers.Key) (peers.Value, bool, error) {
	kind, err := kindOfPrefix(key.Prefix)
	if err != nil {
		return peers.Value{}, false, err
	}
	hash, found, err := g.s.AccessHash(ctx, Peer{Kind: kind, ID: key.ID})
	return peers.Value{AccessHash: hash}, found, err
}

// SavePhone remembers which peer a phone number resolved to.
func (g gotdPeers) SavePhone(ctx context.Context, phone string, key peers.Key) error {
	kind, err := kindOfPrefix(key.Prefix)
	if err != nil {
		return err
	}
	_, err = g.s.w.ExecContext(ctx,
		`INSERT INTO peer_phones(phone, kind, id) VALUES (?, ?, ?)
		 ON CONFLICT(phone) DO UPDATE SET kind = excluded.kind, id = excluded.id`, phone, kind, key.ID)
	if err != nil {
		return fmt.Errorf("store: save phone: %w", err)
	}
	return nil
}

// FindPhone returns the peer a phone number resolved to, with its access hash.
func (g gotdPeers) FindPhone(ctx context.Context, phone string) (peers.Key, peers.Value, bool, error) {
	var kind PeerKind
	var id int64
	var hash sql.NullInt64
	err := g.s.r.QueryRowContext(ctx,
		`SELECT ph.kind, ph.id, p.access_hash FROM peer_phones ph
		 LEFT JOIN peers p ON p.kind = ph.kind AND p.id = ph.id WHERE ph.phone = ?`, phone).Scan(&kind, &id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return peers.Key{}, peers.Value{}, false, nil
	}
	if err != nil {
		return peers.Key{}, peers.Value{}, false, fmt.Errorf("store: find phone: %w", err)
	}
	return peers.Key{Prefix: prefixOfKind(kind), ID: id}, peers.Value{AccessHash: hash.Int64}, true, nil
}

// GetContactsHash returns the stored contacts hash (0 when none).
func (g gotdPeers) GetContactsHash(ctx context.Context) (int64, error) {
	v, err := g.s.Value(ctx, contactsHashValue)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: contacts hash: %w", err)
	}
	return n, nil
}

// SaveContactsHash stores the contacts hash.
func (g gotdPeers) SaveContactsHash(ctx context.Context, hash int64) error {
	return g.s.SetValue(ctx, contactsHashValue, []byte(strconv.FormatInt(hash, 10)))
}
