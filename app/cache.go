package app

import (
	"context"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/store"
)

// cache keeps what the user has seen in the encrypted store so that the
// window opens from it and history stays readable offline. A nil cache
// (the demo without a data directory) keeps nothing.
type cache struct {
	db *store.Store
}

func (c cache) enabled() bool { return c.db != nil }

func storeUser(u *tg.User) store.User {
	out := store.User{ID: u.ID, AccessHash: u.AccessHash, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
	if u.Phone != "" && !u.Self {
		out.Phone = u.Phone
	}
	return out
}

func storePeer(p tg.PeerClass) (store.Peer, bool) {
	switch p := p.(type) {
	case *tg.PeerUser:
		return store.UserPeer(p.UserID), true
	case *tg.PeerChat:
		return store.ChatPeer(p.ChatID), true
	case *tg.PeerChannel:
		return store.ChannelPeer(p.ChannelID), true
	}
	return store.Peer{}, false
}

func storeMessage(m tg.MessageClass) (store.Message, bool) {
	msg, ok := m.(*tg.Message)
	if !ok {
		return store.Message{}, false
	}
	peer, ok := storePeer(msg.PeerID)
	if !ok {
		return store.Message{}, false
	}
	out := store.Message{Peer: peer, ID: msg.ID, Out: msg.Out, Date: time.Unix(int64(msg.Date), 0), Text: msg.Message}
	if from, ok := storePeer(msg.FromID); ok {
		out.From = from
	}
	if r, ok := msg.ReplyTo.(*tg.MessageReplyHeader); ok {
		out.ReplyTo = r.ReplyToMsgID
	}
	if msg.EditDate != 0 {
		out.EditDate = time.Unix(int64(msg.EditDate), 0)
	}
	return out, true
}

// users stores profiles and access hashes.
func (c cache) users(ctx context.Context, users []tg.UserClass) error {
	if !c.enabled() {
		return nil
	}
	var out []store.User
	for _, u := range users {
		if u, ok := u.(*tg.User); ok {
			out = append(out, storeUser(u))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return c.db.PutUsers(ctx, out...)
}

// messages stores messages and makes sure their dialogs exist.
func (c cache) messages(ctx context.Context, msgs []tg.MessageClass, title func(store.Peer) string) error {
	if !c.enabled() {
		return nil
	}
	var out []store.Message
	for _, m := range msgs {
		if sm, ok := storeMessage(m); ok {
			out = append(out, sm)
		}
	}
	if len(out) == 0 {
		return nil
	}
	seen := map[store.Peer]bool{}
	var dialogs []store.Dialog
	existing, err := c.db.Dialogs(ctx, 0)
	if err != nil {
		return err
	}
	for _, d := range existing {
		seen[d.Peer] = true
	}
	for _, m := range out {
		if seen[m.Peer] {
			continue
		}
		seen[m.Peer] = true
		dialogs = append(dialogs, store.Dialog{Peer: m.Peer, Kind: store.DialogUser, Title: title(m.Peer)})
	}
	if len(dialogs) > 0 {
		if err := c.db.PutDialogs(ctx, dialogs...); err != nil {
			return err
		}
	}
	return c.db.PutMessages(ctx, out...)
}
