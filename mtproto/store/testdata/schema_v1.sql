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
