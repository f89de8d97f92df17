package app

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/store"
	"tacit/ui"
)

// Cloud dialogs are "u<user id>", "g<basic group id>" and "c<channel or
// supergroup id>"; secret chats "s<chat id>" (secret.go).

func dialogID(userID int64) ui.DialogID { return ui.DialogID("u" + strconv.FormatInt(userID, 10)) }

func cloudDialogID(p mtproto.Peer) ui.DialogID {
	id := strconv.FormatInt(p.ID, 10)
	switch p.Kind {
	case mtproto.PeerGroup:
		return ui.DialogID("g" + id)
	case mtproto.PeerSupergroup, mtproto.PeerChannel:
		return ui.DialogID("c" + id)
	}
	return ui.DialogID("u" + id)
}

func dialogKind(p mtproto.Peer) ui.DialogKind {
	switch p.Kind {
	case mtproto.PeerGroup, mtproto.PeerSupergroup:
		return ui.KindGroup
	case mtproto.PeerChannel:
		return ui.KindChannel
	}
	return ui.KindUser
}

func storeCloudPeer(p mtproto.Peer) store.Peer {
	switch p.Kind {
	case mtproto.PeerGroup:
		return store.ChatPeer(p.ID)
	case mtproto.PeerSupergroup, mtproto.PeerChannel:
		return store.ChannelPeer(p.ID)
	}
	return store.UserPeer(p.ID)
}

func storeDialogKind(p mtproto.Peer) store.DialogKind {
	switch p.Kind {
	case mtproto.PeerGroup:
		return store.DialogGroup
	case mtproto.PeerSupergroup:
		return store.DialogSupergroup
	case mtproto.PeerChannel:
		return store.DialogChannel
	}
	return store.DialogUser
}

// remember keeps users met outside the cloud API (resolved contacts).
func (b *Backend) remember(users []tg.UserClass) {
	var keep []store.User
	b.mu.Lock()
	for _, u := range users {
		if u, ok := u.(*tg.User); ok {
			b.users[u.ID] = u
			b.peers[dialogID(u.ID)] = mtproto.Peer{Kind: mtproto.PeerUser, ID: u.ID, AccessHash: u.AccessHash}
			b.titles[dialogID(u.ID)] = displayName(u)
			keep = append(keep, storeUser(u))
		}
	}
	b.mu.Unlock()
	if b.cache.enabled() && len(keep) > 0 {
		_ = b.cache.db.PutUsers(context.Background(), keep...)
	}
}

func (b *Backend) user(id int64) (*tg.User, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[id]
	return u, ok
}

func displayName(u *tg.User) string {
	if u == nil {
		return "Unknown"
	}
	if u.Self {
		return "Saved Messages"
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// rememberPeer records a cloud chat the UI may name by its dialog id, with
// its title when known. It reports whether the dialog was new.
func (b *Backend) rememberPeer(p mtproto.Peer, title string) (ui.DialogID, bool) {
	id := cloudDialogID(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	_, known := b.peers[id]
	b.peers[id] = p
	if title != "" {
		b.titles[id] = title
	}
	return id, !known
}

// peerOf finds the cloud chat of a dialog the UI was given.
func (b *Backend) peerOf(id ui.DialogID) (mtproto.Peer, int64, error) {
	b.mu.Lock()
	p, ok := b.peers[id]
	b.mu.Unlock()
	if ok {
		return p, p.ID, nil
	}
	s := string(id)
	if strings.HasPrefix(s, "u") {
		if uid, err := strconv.ParseInt(s[1:], 10, 64); err == nil {
			if p, ok := b.cloud.UserPeer(uid); ok {
				return p, uid, nil
			}
		}
	}
	return mtproto.Peer{}, 0, &ui.Problem{Message: "This chat is not known yet; reload the chat list."}
}

func cloudText(m mtproto.Message) string {
	switch {
	case m.Service != "":
		return m.Service
	case m.Media != nil && m.Text == "":
		if m.Media.Name != "" {
			return "📎 " + m.Media.Name
		}
		return "📎 file"
	case m.Media != nil:
		return "📎 " + m.Text
	}
	return m.Text
}

func (b *Backend) uiMessage(dialog ui.DialogID, title string, m mtproto.Message) ui.Message {
	sender := "You"
	if !m.Out {
		sender = m.FromName
		if sender == "" {
			sender = title
		}
	}
	return ui.Message{ID: int64(m.ID), Dialog: dialog, Out: m.Out, Sender: sender, Text: cloudText(m), Date: m.Date}
}

func storeCloudMessage(m mtproto.Message) store.Message {
	out := store.Message{Peer: storeCloudPeer(m.Peer), ID: m.ID, Out: m.Out, Date: m.Date, Text: cloudText(m), ReplyTo: m.ReplyTo, EditDate: m.Edited}
	if m.From != 0 {
		out.From = store.UserPeer(m.From)
	}
	return out
}

// Dialogs implements ui.Backend: cloud chats of every kind, then secret
// chats, most recent first. Without the server it shows the cached list.
func (b *Backend) Dialogs(ctx context.Context) ([]ui.DialogSummary, error) {
	ds, err := b.cloud.Dialogs(ctx, mtproto.FolderMain)
	if err != nil {
		if b.cache.enabled() && ctx.Err() == nil {
			if cached, cerr := b.cachedDialogs(ctx); cerr == nil && len(cached) > 0 {
				return cached, nil
			}
		}
		return nil, userError(err)
	}
	out := make([]ui.DialogSummary, 0, len(ds))
	var cacheDialogs []store.Dialog
	var cacheMsgs []store.Message
	for _, d := range ds {
		id, _ := b.rememberPeer(d.Peer, d.Title)
		s := ui.DialogSummary{ID: id, Title: d.Title, Kind: dialogKind(d.Peer), Unread: d.Unread,
			LastMessage: cloudText(d.Top), LastDate: d.Top.Date}
		out = append(out, s)
		cacheDialogs = append(cacheDialogs, store.Dialog{Peer: storeCloudPeer(d.Peer), Kind: storeDialogKind(d.Peer),
			Title: d.Title, UnreadCount: d.Unread})
		if d.Top.ID != 0 {
			cacheMsgs = append(cacheMsgs, storeCloudMessage(d.Top))
		}
	}
	if b.cache.enabled() {
		_ = b.cache.db.PutDialogs(ctx, cacheDialogs...)
		_ = b.cache.db.PutMessages(ctx, cacheMsgs...)
	}
	if secrets, err := b.secretDialogs(ctx); err == nil {
		out = append(out, secrets...)
	}
	sortDialogs(out)
	return out, nil
}

// cachedDialogs is the chat list from the store, for when the server
// cannot be reached.
func (b *Backend) cachedDialogs(ctx context.Context) ([]ui.DialogSummary, error) {
	ds, err := b.cache.db.Dialogs(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []ui.DialogSummary
	for _, d := range ds {
		var p mtproto.Peer
		switch d.Peer.Kind {
		case store.PeerUser:
			p = mtproto.Peer{Kind: mtproto.PeerUser, ID: d.Peer.ID}
			if h, ok, _ := b.cache.db.AccessHash(ctx, d.Peer); ok {
				p.AccessHash = h
			}
		case store.PeerChat:
			p = mtproto.Peer{Kind: mtproto.PeerGroup, ID: d.Peer.ID}
		case store.PeerChannel:
			p = mtproto.Peer{Kind: mtproto.PeerChannel, ID: d.Peer.ID}
			if d.Kind == store.DialogSupergroup {
				p.Kind = mtproto.PeerSupergroup
			}
			if h, ok, _ := b.cache.db.AccessHash(ctx, d.Peer); ok {
				p.AccessHash = h
			}
		default:
			continue
		}
		id, _ := b.rememberPeer(p, d.Title)
		out = append(out, ui.DialogSummary{ID: id, Title: d.Title, Kind: dialogKind(p),
			LastMessage: d.Preview, LastDate: d.TopDate, Unread: d.UnreadCount})
	}
	return out, nil
}

// History implements ui.Backend: the newest messages, oldest first.
func (b *Backend) History(ctx context.Context, dialog ui.DialogID, limit int) ([]ui.Message, error) {
	if id, ok := secretChatOf(dialog); ok {
		return b.secretHistory(ctx, id, limit)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return nil, err
	}
	msgs, err := b.cloud.History(ctx, peer, 0, limit)
	if err != nil {
		if b.cache.enabled() && ctx.Err() == nil {
			if cached, cerr := b.cache.db.Latest(ctx, storeCloudPeer(peer), limit); cerr == nil && len(cached) > 0 {
				return b.fromStore(dialog, cached), nil
			}
		}
		return nil, userError(err)
	}
	title := b.titleOf(dialog)
	out := make([]ui.Message, 0, len(msgs))
	var keep []store.Message
	for i := len(msgs) - 1; i >= 0; i-- {
		out = append(out, b.uiMessage(dialog, title, msgs[i]))
		keep = append(keep, storeCloudMessage(msgs[i]))
	}
	if b.cache.enabled() && len(keep) > 0 {
		_ = b.cache.db.PutMessages(ctx, keep...)
	}
	return out, nil
}

// titleOf is the title of a cloud dialog as the chat list showed it.
func (b *Backend) titleOf(dialog ui.DialogID) string {
	b.mu.Lock()
	title, p := b.titles[dialog], b.peers[dialog]
	b.mu.Unlock()
	if title == "" && p.Kind == mtproto.PeerUser {
		title = b.cloud.UserName(p.ID)
	}
	return title
}

func (b *Backend) fromStore(dialog ui.DialogID, msgs []store.Message) []ui.Message {
	out := make([]ui.Message, 0, len(msgs))
	for _, m := range msgs {
		sender := "You"
		if !m.Out {
			sender = ""
			if su, err := b.cache.db.User(context.Background(), m.From.ID); err == nil {
				sender = su.Name()
			}
		}
		out = append(out, ui.Message{ID: int64(m.ID), Dialog: dialog, Out: m.Out, Sender: sender, Text: m.Text, Date: m.Date})
	}
	return out
}

// SendText implements ui.Backend. Cloud chats never request link previews
// unless the user turned them on; secret chats never do.
func (b *Backend) SendText(ctx context.Context, dialog ui.DialogID, text string) (ui.Message, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return ui.Message{}, &ui.Problem{Message: "Write something first."}
	}
	if id, ok := secretChatOf(dialog); ok {
		return b.secretSend(ctx, id, text)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return ui.Message{}, err
	}
	m, err := b.cloud.SendText(ctx, peer, text, mtproto.SendOptions{})
	if err != nil {
		return ui.Message{}, userError(err)
	}
	if b.cache.enabled() {
		_ = b.cache.db.PutMessages(ctx, storeCloudMessage(m))
	}
	return b.uiMessage(dialog, "", m), nil
}

// MarkRead implements ui.Backend: the server learns the dialog was read up
// to maxID (so other devices clear their counters) and the cache follows.
func (b *Backend) MarkRead(ctx context.Context, dialog ui.DialogID, maxID int64) error {
	if id, ok := secretChatOf(dialog); ok {
		return secretError(b.secret.MarkRead(ctx, id))
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return err
	}
	if err := b.cloud.MarkRead(ctx, peer, int(maxID)); err != nil {
		return userError(err)
	}
	if b.cache.enabled() {
		_ = b.cache.db.SetUnreadCount(ctx, storeCloudPeer(peer), 0)
	}
	return nil
}

// onCloudEvent turns pushed cloud changes into UI events and cache rows.
// The UI updates a known dialog from the MessageEvent itself (last message,
// unread count); a DialogEvent goes out only for a chat it has not seen.
func (b *Backend) onCloudEvent(e mtproto.Event) {
	if e.Kind != mtproto.EventNew && e.Kind != mtproto.EventEdited {
		return
	}
	if !e.Peer.Cloud() {
		return
	}
	if b.cache.enabled() {
		_ = b.cache.db.PutMessages(context.Background(), storeCloudMessage(e.Message))
	}
	if e.Kind != mtproto.EventNew {
		return
	}
	id, isNew := b.rememberPeer(e.Peer, "")
	title := b.titleOf(id)
	msg := b.uiMessage(id, title, e.Message)
	if isNew {
		// The MessageEvent that follows counts the message as unread.
		b.publish(ui.DialogEvent{Dialog: ui.DialogSummary{ID: id, Title: title, Kind: dialogKind(e.Peer),
			LastMessage: msg.Text, LastDate: msg.Date}})
	}
	b.publish(ui.MessageEvent{Message: msg})
}

// sortDialogs orders the chat list newest first; equal dates keep their order.
func sortDialogs(ds []ui.DialogSummary) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].LastDate.After(ds[j].LastDate) })
}
