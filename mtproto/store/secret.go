package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"tacit/mtproto/secret"
)

// dhConfigValue is the kv name of the cached getDhConfig result.
const dhConfigValue = "secret.dh_config"

// Secret returns the secret chat storage (secret.Storage) backed by the Store.
//
// Chat records (they hold the chat keys, DH exponents and re-key state) are
// serialised and sealed with XChaCha20-Poly1305 under a key derived from the
// database key, with the chat id as associated data, before they reach a row;
// so is the media metadata of each message (it holds the file key and IV).
// Every Update commits durably before it returns.
//
// Functions passed to Update and View must not call other Store methods: the
// write connection is held for the transaction.
func (s *Store) Secret() secret.Storage { return secretStorage{s} }

type secretStorage struct{ s *Store }

var _ secret.Storage = secretStorage{}

// Update runs fn in a write transaction and commits it if fn returns nil.
func (ss secretStorage) Update(ctx context.Context, fn func(tx secret.Tx) error) (err error) {
	defer func() { err = ss.s.diskError(err) }()
	tx, err := ss.s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: secret update: %w", err)
	}
	defer tx.Rollback()
	st := &secretTx{ctx: ctx, tx: tx, keys: ss.s.keys}
	if err := fn(st); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: secret update: commit: %w", err)
	}
	if st.dropped {
		// A key replaced or dropped, or messages deleted: their old versions must not
		// outlive the checkpoint in the WAL.
		ss.s.maint.requestCheckpoint()
	}
	// Messages deleted in the transaction may have left media files behind.
	return ss.s.emptyTrash(ctx)
}

// View runs fn in a read-only transaction: a consistent snapshot in which every
// write fails.
func (ss secretStorage) View(ctx context.Context, fn func(tx secret.Tx) error) error {
	tx, err := ss.s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: secret view: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&secretTx{ctx: ctx, tx: tx, keys: ss.s.keys}); err != nil {
		return err
	}
	return tx.Commit()
}

// secretTx implements secret.Tx on one SQL transaction.
type secretTx struct {
	ctx  context.Context
	tx   *sql.Tx
	keys *derivedKeys
	// held maps each chat read or written in the transaction to digests of its key
	// material, so PutChat can tell that it drops a key without keeping a copy of it.
	held map[secret.ChatID][]keyDigest
	// dropped: the transaction replaced or dropped key material or deleted messages.
	dropped bool
}

// keyDigest identifies a piece of key material without revealing it.
type keyDigest [sha256.Size]byte

func keyDigests(c *secret.Chat) []keyDigest {
	var out []keyDigest
	for _, k := range c.KeyMaterial() {
		if len(k) > 0 {
			out = append(out, sha256.Sum256(k))
		}
	}
	return out
}

// noteHeld records the key material chat c holds in the stored record.
func (t *secretTx) noteHeld(c *secret.Chat) {
	if t.held == nil {
		t.held = map[secret.ChatID][]keyDigest{}
	}
	t.held[c.ID] = keyDigests(c)
}

// keysHeld returns the digests of the stored record's key material.
func (t *secretTx) keysHeld(id secret.ChatID) ([]keyDigest, error) {
	if d, ok := t.held[id]; ok {
		return d, nil
	}
	old, err := t.Chat(id)
	if errors.Is(err, secret.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, k := range old.KeyMaterial() {
		wipe(k)
	}
	return t.held[id], nil
}

var _ secret.Tx = (*secretTx)(nil)

func (t *secretTx) exec(what, query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(t.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", what, err)
	}
	return res, nil
}

func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: secret %s: %w", what, secret.ErrNotFound)
	}
	return fmt.Errorf("store: secret %s: %w", what, err)
}

// Chat returns the chat's state.
func (t *secretTx) Chat(id secret.ChatID) (secret.Chat, error) {
	var sealed []byte
	err := t.tx.QueryRowContext(t.ctx, `SELECT record FROM secret_chats WHERE id = ?`, id).Scan(&sealed)
	if err != nil {
		return secret.Chat{}, notFound("chat", err)
	}
	return t.openChat(id, sealed)
}

func (t *secretTx) openChat(id secret.ChatID, sealed []byte) (secret.Chat, error) {
	plain, err := t.keys.openRecord(purposeSecretChat, sealed, int64(id))
	if err != nil {
		return secret.Chat{}, fmt.Errorf("store: secret chat %d: %w", id, err)
	}
	defer wipe(plain)
	var c secret.Chat
	if err := json.Unmarshal(plain, &c); err != nil {
		return secret.Chat{}, fmt.Errorf("store: secret chat %d: decode: %w", id, err)
	}
	if c.ID != id {
		return secret.Chat{}, fmt.Errorf("store: secret chat %d: record names chat %d", id, c.ID)
	}
	t.noteHeld(&c)
	return c, nil
}

// Chats returns every chat, ordered by id.
func (t *secretTx) Chats() ([]secret.Chat, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, record FROM secret_chats ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: secret chats: %w", err)
	}
	defer rows.Close()
	var out []secret.Chat
	for rows.Next() {
		var id secret.ChatID
		var sealed []byte
		if err := rows.Scan(&id, &sealed); err != nil {
			return nil, fmt.Errorf("store: secret chats: %w", err)
		}
		c, err := t.openChat(id, sealed)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: secret chats: %w", err)
	}
	return out, nil
}

// PutChat stores (replaces) the chat's state, sealed.
func (t *secretTx) PutChat(c secret.Chat) error {
	before, err := t.keysHeld(c.ID)
	if err != nil {
		return fmt.Errorf("store: secret put chat: %w", err)
	}
	after := keyDigests(&c)
	for _, d := range before {
		if !slices.Contains(after, d) {
			t.dropped = true
		}
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: secret put chat: %w", err)
	}
	sealed, err := t.keys.sealRecord(purposeSecretChat, plain, int64(c.ID))
	wipe(plain)
	if err != nil {
		return fmt.Errorf("store: secret put chat: %w", err)
	}
	_, err = t.exec("put chat",
		`INSERT INTO secret_chats(id, peer_id, state, record) VALUES (?, ?, ?, ?)
		 ON CONFLICT(id) DO UPDATE SET peer_id = excluded.peer_id, state = excluded.state, record = excluded.record`,
		c.ID, c.PeerID, c.State, sealed)
	if err != nil {
		return err
	}
	t.noteHeld(&c)
	return nil
}

// DeleteChat removes the chat with its inbox, pending queue, outbox, history
// (and the history's media files).
func (t *secretTx) DeleteChat(id secret.ChatID) error {
	for _, q := range []string{
		`DELETE FROM secret_inbox WHERE chat_id = ?`,
		`DELETE FROM secret_pending WHERE chat_id = ?`,
		`DELETE FROM secret_outbox WHERE chat_id = ?`,
		`DELETE FROM secret_messages WHERE chat_id = ?`,
		`DELETE FROM secret_chats WHERE id = ?`,
	} {
		if _, err := t.exec("delete chat", q, id); err != nil {
			return err
		}
	}
	t.dropped = true
	delete(t.held, id)
	return nil
}

// DeleteAll removes every secret chat with its inbox, pending queue, outbox,
// history (with the history's media files, removed from disk after the commit),
// search index entries and verified marks, and the cached DH configuration.
func (t *secretTx) DeleteAll() error {
	for _, q := range []string{
		`DELETE FROM secret_inbox`,
		`DELETE FROM secret_pending`,
		`DELETE FROM secret_outbox`,
		`DELETE FROM secret_messages`,
		`INSERT INTO secret_messages_fts(secret_messages_fts) VALUES ('delete-all')`,
		`DELETE FROM secret_chats`,
		`DELETE FROM verified`,
	} {
		if _, err := t.exec("delete all", q); err != nil {
			return err
		}
	}
	if _, err := t.exec("delete all", `DELETE FROM kv WHERE name = ?`, dhConfigValue); err != nil {
		return err
	}
	t.dropped = true
	t.held = nil
	return nil
}

// encodeFile serialises an optional file reference; nil stays NULL.
func encodeFile[T any](f *T) (any, error) {
	if f == nil {
		return nil, nil
	}
	return json.Marshal(f)
}

// decodeFile reverses encodeFile.
func decodeFile[T any](b []byte) (*T, error) {
	if b == nil {
		return nil, nil
	}
	f := new(T)
	if err := json.Unmarshal(b, f); err != nil {
		return nil, err
	}
	return f, nil
}

// PutInbox stores a raw incoming message and returns its arrival sequence number.
func (t *secretTx) PutInbox(m secret.InboxMessage) (int64, error) {
	file, err := encodeFile(m.File)
	if err != nil {
		return 0, fmt.Errorf("store: secret put inbox: %w", err)
	}
	res, err := t.exec("put inbox",
		`INSERT INTO secret_inbox(chat_id, random_id, date, bytes, file, service, qts) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ChatID, m.RandomID, m.Date, nonNil(m.Bytes), file, m.Service, m.Qts)
	if err != nil {
		return 0, err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: secret put inbox: %w", err)
	}
	return seq, nil
}

// Inbox returns the chat's raw messages in arrival order.
func (t *secretTx) Inbox(chat secret.ChatID) ([]secret.InboxMessage, error) {
	rows, err := t.tx.QueryContext(t.ctx,
		`SELECT seq, chat_id, random_id, date, bytes, file, service, qts FROM secret_inbox WHERE chat_id = ? ORDER BY seq`, chat)
	if err != nil {
		return nil, fmt.Errorf("store: secret inbox: %w", err)
	}
	defer rows.Close()
	var out []secret.InboxMessage
	for rows.Next() {
		var m secret.InboxMessage
		var file []byte
		if err := rows.Scan(&m.Seq, &m.ChatID, &m.RandomID, &m.Date, &m.Bytes, &file, &m.Service, &m.Qts); err != nil {
			return nil, fmt.Errorf("store: secret inbox: %w", err)
		}
		if m.File, err = decodeFile[secret.EncryptedFile](file); err != nil {
			return nil, fmt.Errorf("store: secret inbox: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: secret inbox: %w", err)
	}
	return out, nil
}

// InboxChats lists the chats with inbox messages, ascending.
func (t *secretTx) InboxChats() ([]secret.ChatID, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT DISTINCT chat_id FROM secret_inbox ORDER BY chat_id`)
	if err != nil {
		return nil, fmt.Errorf("store: secret inbox chats: %w", err)
	}
	defer rows.Close()
	var out []secret.ChatID
	for rows.Next() {
		var id secret.ChatID
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: secret inbox chats: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: secret inbox chats: %w", err)
	}
	return out, nil
}

// DeleteInbox removes one raw message.
func (t *secretTx) DeleteInbox(seq int64) error {
	_, err := t.exec("delete inbox", `DELETE FROM secret_inbox WHERE seq = ?`, seq)
	return err
}

// PutPending stores (or replaces) a queued out-of-order message.
func (t *secretTx) PutPending(m secret.PendingMessage) error {
	file, err := encodeFile(m.File)
	if err != nil {
		return fmt.Errorf("store: secret put pending: %w", err)
	}
	_, err = t.exec("put pending",
		`INSERT INTO secret_pending(chat_id, out_seq, date, payload, file) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT(chat_id, out_seq) DO UPDATE SET date = excluded.date, payload = excluded.payload, file = excluded.file`,
		m.ChatID, m.OutSeq, m.Date, nonNil(m.Payload), file)
	return err
}

// Pending returns the chat's queued messages ordered by OutSeq.
func (t *secretTx) Pending(chat secret.ChatID) ([]secret.PendingMessage, error) {
	rows, err := t.tx.QueryContext(t.ctx,
		`SELECT chat_id, out_seq, date, payload, file FROM secret_pending WHERE chat_id = ? ORDER BY out_seq`, chat)
	if err != nil {
		return nil, fmt.Errorf("store: secret pending: %w", err)
	}
	defer rows.Close()
	var out []secret.PendingMessage
	for rows.Next() {
		var m secret.PendingMessage
		var file []byte
		if err := rows.Scan(&m.ChatID, &m.OutSeq, &m.Date, &m.Payload, &file); err != nil {
			return nil, fmt.Errorf("store: secret pending: %w", err)
		}
		if m.File, err = decodeFile[secret.EncryptedFile](file); err != nil {
			return nil, fmt.Errorf("store: secret pending: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: secret pending: %w", err)
	}
	return out, nil
}

// DeletePending removes one queued message.
func (t *secretTx) DeletePending(chat secret.ChatID, outSeq int) error {
	_, err := t.exec("delete pending", `DELETE FROM secret_pending WHERE chat_id = ? AND out_seq = ?`, chat, outSeq)
	return err
}

// outboxRecord is the part of an OutboxMessage kept as JSON beside the columns.
type outboxRecord struct {
	InSeq int                `json:"in_seq"`
	File  *secret.OutboxFile `json:"file,omitempty"`
}

// PutOutbox stores (or replaces) an outgoing message.
func (t *secretTx) PutOutbox(m secret.OutboxMessage) error {
	rec, err := json.Marshal(outboxRecord{InSeq: m.InSeq, File: m.File})
	if err != nil {
		return fmt.Errorf("store: secret put outbox: %w", err)
	}
	_, err = t.exec("put outbox",
		`INSERT INTO secret_outbox(chat_id, out_seq, random_id, bytes, service, file, sent, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT(chat_id, out_seq) DO UPDATE SET random_id = excluded.random_id, bytes = excluded.bytes,
		 service = excluded.service, file = excluded.file, sent = excluded.sent, date = excluded.date`,
		m.ChatID, m.OutSeq, m.RandomID, nonNil(m.Bytes), m.Service, rec, m.Sent, m.Date)
	return err
}

// Outbox returns the chat's outgoing messages with from <= OutSeq <= to.
func (t *secretTx) Outbox(chat secret.ChatID, from, to int) ([]secret.OutboxMessage, error) {
	rows, err := t.tx.QueryContext(t.ctx,
		`SELECT chat_id, out_seq, random_id, bytes, service, file, sent, date FROM secret_outbox
		 WHERE chat_id = ? AND out_seq BETWEEN ? AND ? ORDER BY out_seq`, chat, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: secret outbox: %w", err)
	}
	defer rows.Close()
	var out []secret.OutboxMessage
	for rows.Next() {
		var m secret.OutboxMessage
		var rec []byte
		if err := rows.Scan(&m.ChatID, &m.OutSeq, &m.RandomID, &m.Bytes, &m.Service, &rec, &m.Sent, &m.Date); err != nil {
			return nil, fmt.Errorf("store: secret outbox: %w", err)
		}
		var r outboxRecord
		if err := json.Unmarshal(rec, &r); err != nil {
			return nil, fmt.Errorf("store: secret outbox: %w", err)
		}
		m.InSeq, m.File = r.InSeq, r.File
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: secret outbox: %w", err)
	}
	return out, nil
}

// DeleteOutboxBefore removes the chat's outgoing messages with OutSeq < seq.
func (t *secretTx) DeleteOutboxBefore(chat secret.ChatID, seq int) error {
	_, err := t.exec("delete outbox", `DELETE FROM secret_outbox WHERE chat_id = ? AND out_seq < ?`, chat, seq)
	return err
}

// PutMessage inserts or replaces a message; a replaced message keeps its place.
func (t *secretTx) PutMessage(m secret.Message) error {
	var media any
	if m.Media != nil {
		plain, err := json.Marshal(m.Media)
		if err != nil {
			return fmt.Errorf("store: secret put message: %w", err)
		}
		media, err = t.keys.sealRecord(purposeSecretMeta, plain, int64(m.ChatID), m.RandomID)
		wipe(plain)
		if err != nil {
			return fmt.Errorf("store: secret put message: %w", err)
		}
	}
	var actionIDs any
	if len(m.ActionIDs) > 0 {
		b, err := json.Marshal(m.ActionIDs)
		if err != nil {
			return fmt.Errorf("store: secret put message: %w", err)
		}
		actionIDs = string(b)
	}
	_, err := t.exec("put message",
		`INSERT INTO secret_messages(chat_id, random_id, out, kind, date, text, media, action, service_ttl, action_ids, ttl, sent, read, expires_at, reply_to)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT(chat_id, random_id) DO UPDATE SET out = excluded.out, kind = excluded.kind, date = excluded.date,
		 text = excluded.text, media = excluded.media, action = excluded.action, service_ttl = excluded.service_ttl,
		 action_ids = excluded.action_ids, ttl = excluded.ttl, sent = excluded.sent, read = excluded.read,
		 expires_at = excluded.expires_at, reply_to = excluded.reply_to`,
		m.ChatID, m.RandomID, m.Out, m.Kind, timeUnix(m.Date), m.Text, media, m.Action, m.ServiceTTL, actionIDs, m.TTL,
		m.Sent, m.Read, timeUnix(m.ExpiresAt), m.ReplyTo)
	return err
}

// secretMessageColumns lists the columns scanSecretMessage reads, in order.
const secretMessageColumns = `chat_id, random_id, out, kind, date, text, media, action, service_ttl, action_ids, ttl, sent, read, expires_at, reply_to`

func scanSecretMessage(keys *derivedKeys, rows interface{ Scan(...any) error }) (secret.Message, error) {
	var m secret.Message
	var date, expires int64
	var media []byte
	var actionIDs sql.NullString
	if err := rows.Scan(&m.ChatID, &m.RandomID, &m.Out, &m.Kind, &date, &m.Text, &media, &m.Action, &m.ServiceTTL,
		&actionIDs, &m.TTL, &m.Sent, &m.Read, &expires, &m.ReplyTo); err != nil {
		return secret.Message{}, err
	}
	m.Date, m.ExpiresAt = unixTime(date), unixTime(expires)
	if actionIDs.Valid {
		if err := json.Unmarshal([]byte(actionIDs.String), &m.ActionIDs); err != nil {
			return secret.Message{}, err
		}
	}
	if media != nil {
		plain, err := keys.openRecord(purposeSecretMeta, media, int64(m.ChatID), m.RandomID)
		if err != nil {
			return secret.Message{}, err
		}
		defer wipe(plain)
		m.Media = new(secret.Media)
		if err := json.Unmarshal(plain, m.Media); err != nil {
			return secret.Message{}, err
		}
	}
	return m, nil
}

func querySecretMessages(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, keys *derivedKeys, what, query string, args ...any) ([]secret.Message, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", what, err)
	}
	defer rows.Close()
	var out []secret.Message
	for rows.Next() {
		m, err := scanSecretMessage(keys, rows)
		if err != nil {
			return nil, fmt.Errorf("store: secret %s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", what, err)
	}
	return out, nil
}

// Message returns one message.
func (t *secretTx) Message(chat secret.ChatID, randomID int64) (secret.Message, error) {
	row := t.tx.QueryRowContext(t.ctx,
		`SELECT `+secretMessageColumns+` FROM secret_messages WHERE chat_id = ? AND random_id = ?`, chat, randomID)
	m, err := scanSecretMessage(t.keys, row)
	if err != nil {
		return secret.Message{}, notFound("message", err)
	}
	return m, nil
}

// Messages returns the chat's whole history in insertion order. For paging use
// Store.SecretLatest and Store.SecretBefore.
func (t *secretTx) Messages(chat secret.ChatID) ([]secret.Message, error) {
	return querySecretMessages(t.ctx, t.tx, t.keys, "messages",
		`SELECT `+secretMessageColumns+` FROM secret_messages WHERE chat_id = ? ORDER BY rowid`, chat)
}

// DeleteMessage removes one message (and its media files).
func (t *secretTx) DeleteMessage(chat secret.ChatID, randomID int64) error {
	return t.deleteMessages("delete message", `DELETE FROM secret_messages WHERE chat_id = ? AND random_id = ?`, chat, randomID)
}

// DeleteMessages removes the chat's whole history.
func (t *secretTx) DeleteMessages(chat secret.ChatID) error {
	return t.deleteMessages("delete messages", `DELETE FROM secret_messages WHERE chat_id = ?`, chat)
}

func (t *secretTx) deleteMessages(what, query string, args ...any) error {
	res, err := t.exec(what, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: secret %s: %w", what, err)
	}
	if n > 0 {
		t.dropped = true
	}
	return nil
}

// Expiring returns the messages of all chats due to self-destruct by tm.
func (t *secretTx) Expiring(tm time.Time) ([]secret.Message, error) {
	return querySecretMessages(t.ctx, t.tx, t.keys, "expiring",
		`SELECT `+secretMessageColumns+` FROM secret_messages WHERE expires_at > 0 AND expires_at <= ? ORDER BY expires_at, rowid`,
		tm.Unix())
}

// DHConfig returns the cached DH configuration.
func (t *secretTx) DHConfig() (secret.DHConfig, error) {
	var b []byte
	err := t.tx.QueryRowContext(t.ctx, `SELECT value FROM kv WHERE name = ?`, dhConfigValue).Scan(&b)
	if err != nil {
		return secret.DHConfig{}, notFound("dh config", err)
	}
	var c secret.DHConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return secret.DHConfig{}, fmt.Errorf("store: secret dh config: %w", err)
	}
	return c, nil
}

// PutDHConfig replaces the cached DH configuration.
func (t *secretTx) PutDHConfig(c secret.DHConfig) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: secret put dh config: %w", err)
	}
	_, err = t.exec("put dh config",
		`INSERT INTO kv(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`, dhConfigValue, b)
	return err
}

// SecretLatest returns up to limit of the newest messages of a secret chat,
// oldest first, for the conversation view.
func (s *Store) SecretLatest(ctx context.Context, chat secret.ChatID, limit int) ([]secret.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	msgs, err := querySecretMessages(ctx, s.r, s.keys, "latest",
		`SELECT `+secretMessageColumns+` FROM secret_messages WHERE chat_id = ? ORDER BY rowid DESC LIMIT ?`, chat, limit)
	reverse(msgs)
	return msgs, err
}

// SecretBefore returns up to limit messages of a secret chat older than the
// message randomID, oldest first. An unknown randomID gives ErrNotFound.
func (s *Store) SecretBefore(ctx context.Context, chat secret.ChatID, randomID int64, limit int) ([]secret.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	var rowid int64
	err := s.r.QueryRowContext(ctx, `SELECT rowid FROM secret_messages WHERE chat_id = ? AND random_id = ?`, chat, randomID).Scan(&rowid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: secret before: message %d: %w", randomID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: secret before: %w", err)
	}
	msgs, err := querySecretMessages(ctx, s.r, s.keys, "before",
		`SELECT `+secretMessageColumns+` FROM secret_messages WHERE chat_id = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`,
		chat, rowid, limit)
	reverse(msgs)
	return msgs, err
}

// SecretFrom returns up to limit messages of a secret chat starting with the message randomID and going
// newer, oldest first. An unknown randomID gives ErrNotFound.
func (s *Store) SecretFrom(ctx context.Context, chat secret.ChatID, randomID int64, limit int) ([]secret.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	var rowid int64
	err := s.r.QueryRowContext(ctx, `SELECT rowid FROM secret_messages WHERE chat_id = ? AND random_id = ?`, chat, randomID).Scan(&rowid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: secret from: message %d: %w", randomID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: secret from: %w", err)
	}
	return querySecretMessages(ctx, s.r, s.keys, "from",
		`SELECT `+secretMessageColumns+` FROM secret_messages WHERE chat_id = ? AND rowid >= ? ORDER BY rowid ASC LIMIT ?`,
		chat, rowid, limit)
}

// nonNil returns b, or an empty slice for nil so NOT NULL blob columns accept it.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
