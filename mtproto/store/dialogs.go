package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// DialogKind says what a dialog is, for labels such as "cloud: Telegram can
// read this" versus "end-to-end encrypted".
type DialogKind uint8

// Dialog kinds. The numeric values are stored in the database; never renumber.
const (
	DialogUser       DialogKind = 1 // cloud chat with a user
	DialogGroup      DialogKind = 2 // basic group
	DialogSupergroup DialogKind = 3
	DialogChannel    DialogKind = 4 // broadcast channel
	DialogSecret     DialogKind = 5 // end-to-end encrypted secret chat
)

// String names the kind.
func (k DialogKind) String() string {
	switch k {
	case DialogUser:
		return "user"
	case DialogGroup:
		return "group"
	case DialogSupergroup:
		return "supergroup"
	case DialogChannel:
		return "channel"
	case DialogSecret:
		return "secret"
	}
	return fmt.Sprintf("dialogkind(%d)", uint8(k))
}

// ArchiveFolder is the folder id Telegram uses for archived chats.
const ArchiveFolder = 1

// Dialog is one entry of the chat list.
type Dialog struct {
	Peer  Peer
	Kind  DialogKind
	Title string
	// UnreadCount is the number of unread incoming messages.
	UnreadCount int
	// TopMessage is the id of the newest cloud message (0 for secret chats);
	// TopDate its date, used to order the list. Storing a newer message with
	// PutMessages (or a secret message) advances both.
	TopMessage int
	TopDate    time.Time
	// PinOrder is 0 for an unpinned dialog; pinned dialogs come first, in
	// ascending PinOrder.
	PinOrder int
	// FolderID is the chat folder (ArchiveFolder for archived chats).
	FolderID int
	// Preview is the text of the newest message, filled in by Dialogs; it is
	// ignored by PutDialogs.
	Preview string
}

// Pinned reports whether the dialog is pinned.
func (d Dialog) Pinned() bool { return d.PinOrder != 0 }

// Archived reports whether the dialog is in the archive folder.
func (d Dialog) Archived() bool { return d.FolderID == ArchiveFolder }

// PutDialogs inserts or replaces dialogs in one transaction.
func (s *Store) PutDialogs(ctx context.Context, dialogs ...Dialog) error {
	return s.writeTx(ctx, "put dialogs", func(tx *sql.Tx) error {
		for _, d := range dialogs {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO dialogs(peer_kind, peer_id, kind, title, unread_count, top_message, top_date, pin_order, folder_id)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				 ON CONFLICT(peer_kind, peer_id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
				 unread_count = excluded.unread_count, top_message = excluded.top_message, top_date = excluded.top_date,
				 pin_order = excluded.pin_order, folder_id = excluded.folder_id`,
				d.Peer.Kind, d.Peer.ID, d.Kind, d.Title, d.UnreadCount, d.TopMessage, timeUnix(d.TopDate), d.PinOrder, d.FolderID); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetUnreadCount sets the unread counter of a dialog. It returns ErrNotFound
// if the dialog does not exist.
func (s *Store) SetUnreadCount(ctx context.Context, p Peer, n int) error {
	res, err := s.w.ExecContext(ctx, `UPDATE dialogs SET unread_count = ? WHERE peer_kind = ? AND peer_id = ?`, n, p.Kind, p.ID)
	if err != nil {
		return fmt.Errorf("store: set unread count: %w", err)
	}
	changed, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: set unread count: %w", err)
	}
	if changed == 0 {
		return fmt.Errorf("store: set unread count of %v: %w", p, ErrNotFound)
	}
	return nil
}

// Dialogs returns the chat list of one folder (0 = main list, ArchiveFolder =
// archive) in display order: pinned first by PinOrder, then newest first. It
// reads only the local cache, so the UI can show it before any network call.
func (s *Store) Dialogs(ctx context.Context, folderID int) ([]Dialog, error) {
	rows, err := s.r.QueryContext(ctx, `
SELECT d.peer_kind, d.peer_id, d.kind, d.title, d.unread_count, d.top_message, d.top_date, d.pin_order, d.folder_id,
	CASE WHEN d.peer_kind = 4
		THEN (SELECT text FROM secret_messages WHERE chat_id = d.peer_id ORDER BY rowid DESC LIMIT 1)
		ELSE (SELECT text FROM messages WHERE peer_kind = d.peer_kind AND peer_id = d.peer_id AND id = d.top_message AND deleted = 0)
	END
FROM dialogs d
WHERE d.folder_id = ?
ORDER BY d.pin_order = 0, d.pin_order, d.top_date DESC, d.peer_kind, d.peer_id`, folderID)
	if err != nil {
		return nil, fmt.Errorf("store: dialogs: %w", err)
	}
	defer rows.Close()
	var out []Dialog
	for rows.Next() {
		var d Dialog
		var top int64
		var preview sql.NullString
		if err := rows.Scan(&d.Peer.Kind, &d.Peer.ID, &d.Kind, &d.Title, &d.UnreadCount, &d.TopMessage, &top,
			&d.PinOrder, &d.FolderID, &preview); err != nil {
			return nil, fmt.Errorf("store: dialogs: %w", err)
		}
		d.TopDate = unixTime(top)
		d.Preview = preview.String
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dialogs: %w", err)
	}
	return out, nil
}

// UnreadTotal returns the sum of the unread counters of one folder's dialogs
// (for a badge or the window title).
func (s *Store) UnreadTotal(ctx context.Context, folderID int) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(unread_count), 0) FROM dialogs WHERE folder_id = ?`, folderID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unread total: %w", err)
	}
	return n, nil
}

// DeleteDialog removes a dialog from the list together with its cached cloud
// messages (and their media). Secret chat history is removed through the
// secret chat storage (secret.Tx.DeleteChat), not here.
func (s *Store) DeleteDialog(ctx context.Context, p Peer) error {
	err := s.writeTx(ctx, "delete dialog", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE peer_kind = ? AND peer_id = ?`, p.Kind, p.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM dialogs WHERE peer_kind = ? AND peer_id = ?`, p.Kind, p.ID)
		return err
	})
	if err != nil {
		return err
	}
	s.maint.requestCheckpoint()
	return s.emptyTrash(ctx)
}
