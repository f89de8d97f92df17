package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations is the schema history. Entry i brings the database from
// user_version i to i+1. Entries are never edited once released: a change is a
// new entry. Every migration runs inside one transaction together with the
// user_version bump, so a crash leaves the database at the old or the new
// version, never in between.
var migrations = []string{
	// 1: account state and cloud chats.
	`
CREATE TABLE kv (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE session (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	data BLOB NOT NULL
);

CREATE TABLE update_state (
	user_id INTEGER PRIMARY KEY,
	pts     INTEGER NOT NULL,
	qts     INTEGER NOT NULL,
	date    INTEGER NOT NULL,
	seq     INTEGER NOT NULL
);

CREATE TABLE channel_pts (
	user_id    INTEGER NOT NULL,
	channel_id INTEGER NOT NULL,
	pts        INTEGER NOT NULL,
	PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID;

CREATE TABLE update_access_hash (
	user_id     INTEGER NOT NULL,
	kind        INTEGER NOT NULL,
	peer_id     INTEGER NOT NULL,
	access_hash INTEGER NOT NULL,
	PRIMARY KEY (user_id, kind, peer_id)
) WITHOUT ROWID;

CREATE TABLE peers (
	kind        INTEGER NOT NULL,
	id          INTEGER NOT NULL,
	access_hash INTEGER NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE TABLE users (
	id         INTEGER PRIMARY KEY,
	first_name TEXT NOT NULL DEFAULT '',
	last_name  TEXT NOT NULL DEFAULT '',
	username   TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	flags      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE dialogs (
	peer_kind    INTEGER NOT NULL,
	peer_id      INTEGER NOT NULL,
	kind         INTEGER NOT NULL,
	title        TEXT NOT NULL DEFAULT '',
	unread_count INTEGER NOT NULL DEFAULT 0,
	top_message  INTEGER NOT NULL DEFAULT 0,
	top_date     INTEGER NOT NULL DEFAULT 0,
	pin_order    INTEGER NOT NULL DEFAULT 0,
	folder_id    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (peer_kind, peer_id)
) WITHOUT ROWID;

CREATE TABLE messages (
	rowid     INTEGER PRIMARY KEY,
	peer_kind INTEGER NOT NULL,
	peer_id   INTEGER NOT NULL,
	id        INTEGER NOT NULL,
	from_kind INTEGER NOT NULL DEFAULT 0,
	from_id   INTEGER NOT NULL DEFAULT 0,
	out       INTEGER NOT NULL DEFAULT 0,
	date      INTEGER NOT NULL DEFAULT 0,
	text      TEXT NOT NULL DEFAULT '',
	entities  TEXT,
	reply_to  INTEGER NOT NULL DEFAULT 0,
	edit_date INTEGER NOT NULL DEFAULT 0,
	media     BLOB,
	deleted   INTEGER NOT NULL DEFAULT 0,
	UNIQUE (peer_kind, peer_id, id)
);

CREATE VIRTUAL TABLE messages_fts USING fts5(
	text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.deleted = 0 AND new.text <> '' BEGIN
	INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
	DELETE FROM messages_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, deleted ON messages BEGIN
	DELETE FROM messages_fts WHERE rowid = old.rowid;
	INSERT INTO messages_fts(rowid, text) SELECT new.rowid, new.text
		WHERE new.deleted = 0 AND new.text <> '';
END;

CREATE TRIGGER messages_dialog_top AFTER INSERT ON messages
WHEN new.deleted = 0 BEGIN
	UPDATE dialogs SET top_message = new.id, top_date = new.date
	WHERE peer_kind = new.peer_kind AND peer_id = new.peer_id AND top_message < new.id;
END;
`,
	// 2: secret chats and verified fingerprints.
	`
CREATE TABLE secret_chats (
	id      INTEGER PRIMARY KEY,
	peer_id INTEGER NOT NULL,
	state   INTEGER NOT NULL,
	record  BLOB NOT NULL
);

CREATE TABLE secret_inbox (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_id   INTEGER NOT NULL,
	random_id INTEGER NOT NULL,
	date      INTEGER NOT NULL,
	bytes     BLOB NOT NULL,
	file      BLOB,
	service   INTEGER NOT NULL,
	qts       INTEGER NOT NULL
);
CREATE INDEX secret_inbox_chat ON secret_inbox(chat_id, seq);

CREATE TABLE secret_pending (
	chat_id INTEGER NOT NULL,
	out_seq INTEGER NOT NULL,
	date    INTEGER NOT NULL,
	payload BLOB NOT NULL,
	file    BLOB,
	PRIMARY KEY (chat_id, out_seq)
) WITHOUT ROWID;

CREATE TABLE secret_outbox (
	chat_id   INTEGER NOT NULL,
	out_seq   INTEGER NOT NULL,
	random_id INTEGER NOT NULL,
	bytes     BLOB NOT NULL,
	service   INTEGER NOT NULL,
	file      BLOB,
	sent      INTEGER NOT NULL,
	date      INTEGER NOT NULL,
	PRIMARY KEY (chat_id, out_seq)
) WITHOUT ROWID;

CREATE TABLE secret_messages (
	rowid       INTEGER PRIMARY KEY,
	chat_id     INTEGER NOT NULL,
	random_id   INTEGER NOT NULL,
	out         INTEGER NOT NULL,
	kind        INTEGER NOT NULL,
	date        INTEGER NOT NULL,
	text        TEXT NOT NULL DEFAULT '',
	media       BLOB,
	service_ttl INTEGER NOT NULL DEFAULT 0,
	ttl         INTEGER NOT NULL DEFAULT 0,
	sent        INTEGER NOT NULL DEFAULT 0,
	read        INTEGER NOT NULL DEFAULT 0,
	expires_at  INTEGER NOT NULL DEFAULT 0,
	UNIQUE (chat_id, random_id)
);
CREATE INDEX secret_messages_chat ON secret_messages(chat_id, rowid);
CREATE INDEX secret_messages_expiry ON secret_messages(expires_at) WHERE expires_at > 0;

CREATE VIRTUAL TABLE secret_messages_fts USING fts5(
	text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO secret_messages_fts(secret_messages_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER secret_messages_fts_insert AFTER INSERT ON secret_messages
WHEN new.text <> '' BEGIN
	INSERT INTO secret_messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER secret_messages_fts_delete AFTER DELETE ON secret_messages BEGIN
	DELETE FROM secret_messages_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER secret_messages_fts_update AFTER UPDATE OF text ON secret_messages BEGIN
	DELETE FROM secret_messages_fts WHERE rowid = old.rowid;
	INSERT INTO secret_messages_fts(rowid, text) SELECT new.rowid, new.text WHERE new.text <> '';
END;

CREATE TRIGGER secret_messages_dialog_top AFTER INSERT ON secret_messages BEGIN
	UPDATE dialogs SET top_date = max(top_date, new.date)
	WHERE peer_kind = 4 AND peer_id = new.chat_id;
END;

CREATE TABLE verified (
	chat_id     INTEGER NOT NULL,
	key_hash    BLOB NOT NULL,
	verified_at INTEGER NOT NULL,
	PRIMARY KEY (chat_id, key_hash)
) WITHOUT ROWID;
`,
	// 3: media files and message expiry.
	`
ALTER TABLE messages ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_expiry ON messages(expires_at) WHERE expires_at > 0;

CREATE TABLE media (
	id          INTEGER PRIMARY KEY,
	file        TEXT NOT NULL UNIQUE,
	file_key    BLOB NOT NULL,
	size        INTEGER NOT NULL,
	mime        TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL DEFAULT 0,
	owner_kind  INTEGER NOT NULL DEFAULT 0,
	owner_peer  INTEGER NOT NULL DEFAULT 0,
	owner_msg   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX media_owner ON media(owner_kind, owner_peer, owner_msg) WHERE owner_kind <> 0;
CREATE INDEX media_expiry ON media(expires_at) WHERE expires_at > 0;

-- Files whose rows are gone; removed from disk after the deleting transaction commits.
CREATE TABLE media_trash (
	file TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER media_to_trash AFTER DELETE ON media BEGIN
	INSERT OR IGNORE INTO media_trash(file) VALUES (old.file);
END;
CREATE TRIGGER messages_media_delete AFTER DELETE ON messages BEGIN
	DELETE FROM media WHERE owner_kind = old.peer_kind AND owner_peer = old.peer_id AND owner_msg = old.id;
END;
CREATE TRIGGER messages_media_mark_deleted AFTER UPDATE OF deleted ON messages
WHEN new.deleted <> 0 BEGIN
	DELETE FROM media WHERE owner_kind = old.peer_kind AND owner_peer = old.peer_id AND owner_msg = old.id;
END;
CREATE TRIGGER secret_messages_media_delete AFTER DELETE ON secret_messages BEGIN
	DELETE FROM media WHERE owner_kind = 4 AND owner_peer = old.chat_id AND owner_msg = old.random_id;
END;
`,
	// 4: phone numbers resolved by gotd's peer manager.
	`
CREATE TABLE peer_phones (
	phone TEXT PRIMARY KEY,
	kind  INTEGER NOT NULL,
	id    INTEGER NOT NULL
) WITHOUT ROWID;
`,
	// 5: search indexes that forget deleted text. A contentless_delete index only marks
	// a deleted row and keeps its terms; an index whose triggers give the deleted row's
	// text to the 'delete' command removes the terms (with secure-delete, in place). The
	// indexes are rebuilt from the live rows, which also drops the terms of everything
	// deleted before.
	`
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5(
	text, content='', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts(rowid, text) SELECT rowid, text FROM messages WHERE deleted = 0 AND text <> '';
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.deleted = 0 AND new.text <> '' BEGIN
	INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.deleted = 0 AND old.text <> '' BEGIN
	INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, deleted ON messages BEGIN
	INSERT INTO messages_fts(messages_fts, rowid, text) SELECT 'delete', old.rowid, old.text
		WHERE old.deleted = 0 AND old.text <> '';
	INSERT INTO messages_fts(rowid, text) SELECT new.rowid, new.text
		WHERE new.deleted = 0 AND new.text <> '';
END;

DROP TRIGGER secret_messages_fts_insert;
DROP TRIGGER secret_messages_fts_delete;
DROP TRIGGER secret_messages_fts_update;
DROP TABLE secret_messages_fts;
CREATE VIRTUAL TABLE secret_messages_fts USING fts5(
	text, content='', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO secret_messages_fts(secret_messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO secret_messages_fts(rowid, text) SELECT rowid, text FROM secret_messages WHERE text <> '';
CREATE TRIGGER secret_messages_fts_insert AFTER INSERT ON secret_messages
WHEN new.text <> '' BEGIN
	INSERT INTO secret_messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER secret_messages_fts_delete AFTER DELETE ON secret_messages
WHEN old.text <> '' BEGIN
	INSERT INTO secret_messages_fts(secret_messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER secret_messages_fts_update AFTER UPDATE OF text ON secret_messages BEGIN
	INSERT INTO secret_messages_fts(secret_messages_fts, rowid, text) SELECT 'delete', old.rowid, old.text
		WHERE old.text <> '';
	INSERT INTO secret_messages_fts(rowid, text) SELECT new.rowid, new.text WHERE new.text <> '';
END;
`,
	// 6: what a secret chat service message announces (secret.Action) and its data. Before,
	// a screenshot notice was stored as the text "screenshot" and every other service line
	// was a self-destruct timer.
	`
ALTER TABLE secret_messages ADD COLUMN action INTEGER NOT NULL DEFAULT 0;
ALTER TABLE secret_messages ADD COLUMN action_ids TEXT;
UPDATE secret_messages SET action = 2, text = '' WHERE kind = 3 AND text = 'screenshot';
UPDATE secret_messages SET action = 1 WHERE kind = 3 AND action = 0;
`,
	// 7: the message a secret chat message replies to (its random id).
	`
ALTER TABLE secret_messages ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;
`,
}

// migrate brings the database up to the latest schema (len(migrations)). A migration may have dropped
// data (an old search index): a checkpoint follows.
func (s *Store) migrate(ctx context.Context) error {
	var before int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&before); err != nil {
		return err
	}
	if err := migrateTo(ctx, s.w, len(migrations)); err != nil {
		return err
	}
	if before < len(migrations) {
		s.maint.requestCheckpoint()
	}
	return nil
}

// migrateTo applies migrations up to version target, each in its own
// transaction together with its user_version bump.
func migrateTo(ctx context.Context, db *sql.DB, target int) error {
	for {
		done, err := migrateStep(ctx, db, target)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration; done reports that none was needed.
func migrateStep(ctx context.Context, db *sql.DB, target int) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, err
	}
	if version > len(migrations) {
		return false, fmt.Errorf("%w (schema %d, this build knows %d)", ErrNewerSchema, version, len(migrations))
	}
	if version >= target {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("store: migration %d: %w", version+1, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
		return false, fmt.Errorf("store: migration %d: %w", version+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: migration %d: %w", version+1, err)
	}
	return false, nil
}
