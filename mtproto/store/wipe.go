package store

import (
	"context"
	"database/sql"
	"fmt"
)

// accountTables lists every table that holds something of the signed-in account, in an
// order the triggers are happy with. WipeAccount empties all of them; a table added by a
// later migration belongs here (TestWipeAccountCoversEveryTable fails otherwise).
var accountTables = []string{
	// Secret chats: raw and queued messages first, then the history (its media rows go
	// with it), the chats with their keys, the verified marks.
	"secret_inbox", "secret_pending", "secret_outbox", "secret_messages", "secret_chats", "verified",
	// Cloud chats: messages (their media rows go with them), dialogs, people.
	"messages", "dialogs", "users", "peers", "peer_phones",
	// The session (auth key), the update state and the access hashes seen by it.
	"session", "update_state", "channel_pts", "update_access_hash",
	// Media files not owned by a message, and every stored value (2-step verification hint,
	// the lockdown marker, cached DH parameters, the contacts hash).
	"media", "kv",
	// AUTOINCREMENT counters.
	"sqlite_sequence",
}

// ftsTables are the full-text indexes over messages; they are emptied with the index's
// own 'delete-all' command so no term of the account stays in them.
var ftsTables = []string{"messages_fts", "secret_messages_fts"}

// WipeAccount deletes everything the store holds of the signed-in account, for log out:
// session and auth key, update state, peers and access hashes, users, dialogs, cloud
// messages and their search index, secret chats with their keys, inbox, queues, outbox,
// history and verified marks, every stored value (such as the privacy lockdown marker) and
// every media file. Deleted rows are overwritten (secure_delete) and the WAL is
// checkpointed and truncated before WipeAccount returns, so nothing of the account can be
// read from the files afterwards, even with the database key.
//
// The store stays open and usable for the next account (same key). Stop everything that
// writes to the store (the client, downloads) first: what they write afterwards belongs to
// nobody.
func (s *Store) WipeAccount(ctx context.Context) error {
	err := s.writeTx(ctx, "wipe account", func(tx *sql.Tx) error {
		for _, table := range accountTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		for _, fts := range ftsTables {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+fts+`(`+fts+`) VALUES ('delete-all')`); err != nil {
				return fmt.Errorf("%s: %w", fts, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Files whose rows went, and anything else in media/ (no row refers to any file now).
	if err := s.sweepMedia(ctx); err != nil {
		return fmt.Errorf("store: wipe account: %w", err)
	}
	if err := s.Checkpoint(ctx); err != nil {
		return fmt.Errorf("store: wipe account: %w", err)
	}
	return nil
}
