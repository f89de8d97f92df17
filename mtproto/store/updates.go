package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gotd/td/telegram/updates"
)

// errNoState is returned by the Set* methods of the update state when no state
// exists for the user yet, as updates.StateStorage requires.
var errNoState = errors.New("store: no update state for this user")

// UpdateState returns the storage gotd's updates manager persists its state
// through (updates.Config.Storage, AccessHasher and UserAccessHasher). Every
// call commits durably before it returns.
func (s *Store) UpdateState() *UpdateState { return &UpdateState{s: s} }

// UpdateState implements updates.StateStorage, updates.ChannelAccessHasher and
// updates.UserAccessHasher on the Store.
type UpdateState struct{ s *Store }

var (
	_ updates.StateStorage        = (*UpdateState)(nil)
	_ updates.ChannelAccessHasher = (*UpdateState)(nil)
	_ updates.UserAccessHasher    = (*UpdateState)(nil)
)

// GetState returns the common update state of userID.
func (u *UpdateState) GetState(ctx context.Context, userID int64) (state updates.State, found bool, err error) {
	err = u.s.r.QueryRowContext(ctx, `SELECT pts, qts, date, seq FROM update_state WHERE user_id = ?`, userID).
		Scan(&state.Pts, &state.Qts, &state.Date, &state.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return updates.State{}, false, nil
	}
	if err != nil {
		return updates.State{}, false, fmt.Errorf("store: get update state: %w", err)
	}
	return state, true, nil
}

// SetState replaces the common update state of userID.
func (u *UpdateState) SetState(ctx context.Context, userID int64, state updates.State) error {
	_, err := u.s.w.ExecContext(ctx,
		`INSERT INTO update_state(user_id, pts, qts, date, seq) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT(user_id) DO UPDATE SET pts = excluded.pts, qts = excluded.qts, date = excluded.date, seq = excluded.seq`,
		userID, state.Pts, state.Qts, state.Date, state.Seq)
	if err != nil {
		return fmt.Errorf("store: set update state: %w", err)
	}
	return nil
}

// setField updates existing state columns; it fails with errNoState when the
// user has no state yet.
func (u *UpdateState) setField(ctx context.Context, what, query string, args ...any) error {
	res, err := u.s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", what, errNoState)
	}
	return nil
}

// SetPts stores pts.
func (u *UpdateState) SetPts(ctx context.Context, userID int64, pts int) error {
	return u.setField(ctx, "set pts", `UPDATE update_state SET pts = ? WHERE user_id = ?`, pts, userID)
}

// SetQts stores qts.
func (u *UpdateState) SetQts(ctx context.Context, userID int64, qts int) error {
	return u.setField(ctx, "set qts", `UPDATE update_state SET qts = ? WHERE user_id = ?`, qts, userID)
}

// SetDate stores date.
func (u *UpdateState) SetDate(ctx context.Context, userID int64, date int) error {
	return u.setField(ctx, "set date", `UPDATE update_state SET date = ? WHERE user_id = ?`, date, userID)
}

// SetSeq stores seq.
func (u *UpdateState) SetSeq(ctx context.Context, userID int64, seq int) error {
	return u.setField(ctx, "set seq", `UPDATE update_state SET seq = ? WHERE user_id = ?`, seq, userID)
}

// SetDateSeq stores date and seq together.
func (u *UpdateState) SetDateSeq(ctx context.Context, userID int64, date, seq int) error {
	return u.setField(ctx, "set date and seq", `UPDATE update_state SET date = ?, seq = ? WHERE user_id = ?`, date, seq, userID)
}

// GetChannelPts returns the pts of a channel.
func (u *UpdateState) GetChannelPts(ctx context.Context, userID, channelID int64) (pts int, found bool, err error) {
	err = u.s.r.QueryRowContext(ctx, `SELECT pts FROM channel_pts WHERE user_id = ? AND channel_id = ?`, userID, channelID).Scan(&pts)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: get channel pts: %w", err)
	}
	return pts, true, nil
}

// SetChannelPts stores the pts of a channel.
func (u *UpdateState) SetChannelPts(ctx context.Context, userID, channelID int64, pts int) error {
	_, err := u.s.w.ExecContext(ctx,
		`INSERT INTO channel_pts(user_id, channel_id, pts) VALUES (?, ?, ?)
		 ON CONFLICT(user_id, channel_id) DO UPDATE SET pts = excluded.pts`, userID, channelID, pts)
	if err != nil {
		return fmt.Errorf("store: set channel pts: %w", err)
	}
	return nil
}

// ForEachChannels calls f for every channel with a stored pts, in channel id order.
// The rows are read before f runs, so f may call back into the Store.
func (u *UpdateState) ForEachChannels(ctx context.Context, userID int64, f func(ctx context.Context, channelID int64, pts int) error) error {
	type channelPts struct {
		id  int64
		pts int
	}
	rows, err := u.s.r.QueryContext(ctx, `SELECT channel_id, pts FROM channel_pts WHERE user_id = ? ORDER BY channel_id`, userID)
	if err != nil {
		return fmt.Errorf("store: channels: %w", err)
	}
	var list []channelPts
	for rows.Next() {
		var c channelPts
		if err := rows.Scan(&c.id, &c.pts); err != nil {
			rows.Close()
			return fmt.Errorf("store: channels: %w", err)
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("store: channels: %w", err)
	}
	rows.Close()
	for _, c := range list {
		if err := f(ctx, c.id, c.pts); err != nil {
			return err
		}
	}
	return nil
}

// SetChannelAccessHash stores a channel access hash seen by the updates manager.
func (u *UpdateState) SetChannelAccessHash(ctx context.Context, userID, channelID, accessHash int64) error {
	return u.setHash(ctx, userID, PeerChannel, channelID, accessHash)
}

// GetChannelAccessHash returns a channel access hash stored by SetChannelAccessHash.
func (u *UpdateState) GetChannelAccessHash(ctx context.Context, userID, channelID int64) (int64, bool, error) {
	return u.getHash(ctx, userID, PeerChannel, channelID)
}

// SetUserAccessHash stores a user access hash seen by the updates manager.
func (u *UpdateState) SetUserAccessHash(ctx context.Context, userID, targetUserID, accessHash int64) error {
	return u.setHash(ctx, userID, PeerUser, targetUserID, accessHash)
}

// GetUserAccessHash returns a user access hash stored by SetUserAccessHash.
func (u *UpdateState) GetUserAccessHash(ctx context.Context, userID, targetUserID int64) (int64, bool, error) {
	return u.getHash(ctx, userID, PeerUser, targetUserID)
}

func (u *UpdateState) setHash(ctx context.Context, userID int64, kind PeerKind, id, hash int64) error {
	_, err := u.s.w.ExecContext(ctx,
		`INSERT INTO update_access_hash(user_id, kind, peer_id, access_hash) VALUES (?, ?, ?, ?)
		 ON CONFLICT(user_id, kind, peer_id) DO UPDATE SET access_hash = excluded.access_hash`,
		userID, kind, id, hash)
	if err != nil {
		return fmt.Errorf("store: set %s access hash: %w", kind, err)
	}
	return nil
}

func (u *UpdateState) getHash(ctx context.Context, userID int64, kind PeerKind, id int64) (hash int64, found bool, err error) {
	err = u.s.r.QueryRowContext(ctx,
		`SELECT access_hash FROM update_access_hash WHERE user_id = ? AND kind = ? AND peer_id = ?`,
		userID, kind, id).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: get %s access hash: %w", kind, err)
	}
	return hash, true, nil
}
