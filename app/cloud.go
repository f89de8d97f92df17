package app

import (
	"context"
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
		b.diag.report("cache users", b.cache.db.PutUsers(context.Background(), keep...))
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

// onCloudEvent turns pushed cloud changes into UI events and cache rows.
// The UI updates a known dialog from the MessageEvent itself (last message,
// unread count); a DialogEvent goes out only for a chat it has not seen.
func (b *Backend) onCloudEvent(e mtproto.Event) {
	ctx := context.Background()
	switch e.Kind {
	case mtproto.EventNew, mtproto.EventEdited:
		if !e.Peer.Cloud() {
			return
		}
		if b.cache.enabled() {
			b.diag.report("cache a pushed message", b.cache.db.PutMessages(ctx, storeCloudMessage(e.Message)))
		}
		id, isNew := b.rememberPeer(e.Peer, "")
		v := b.view(id, e.Peer)
		msg := b.uiCloudPage(ctx, v, []mtproto.Message{e.Message})[0]
		if e.Kind == mtproto.EventEdited {
			b.events.publish(ui.MessageChangedEvent{Message: msg})
			return
		}
		if isNew {
			// The MessageEvent that follows counts the message as unread.
			b.events.publish(ui.DialogEvent{Dialog: ui.DialogSummary{ID: id, Title: v.title, Kind: dialogKind(e.Peer),
				LastMessage: cloudText(e.Message), LastDate: msg.Date}})
		}
		b.events.publish(ui.MessageEvent{Message: msg})
	case mtproto.EventDeleted:
		ids := make([]int64, len(e.IDs))
		for i, id := range e.IDs {
			ids[i] = int64(id)
		}
		var dialog ui.DialogID // the common message box: the ids are the account's own
		if e.Peer.Cloud() {
			dialog = cloudDialogID(e.Peer)
			if b.cache.enabled() {
				b.diag.report("cache a deletion", b.cache.db.DeleteMessages(ctx, storeCloudPeer(e.Peer), e.IDs...))
			}
		} else if b.cache.enabled() {
			b.diag.report("cache a deletion", b.cache.db.DeleteCommonMessages(ctx, e.IDs...))
		}
		b.events.publish(ui.MessagesDeletedEvent{Dialog: dialog, IDs: ids})
	case mtproto.EventReadByPeer:
		if !e.Peer.Cloud() {
			return
		}
		b.mu.Lock()
		b.readOutbox[e.Peer.Key()] = max(b.readOutbox[e.Peer.Key()], e.MaxID)
		b.mu.Unlock()
		b.events.publish(ui.ReadEvent{Dialog: cloudDialogID(e.Peer), UpTo: int64(e.MaxID)})
	case mtproto.EventTyping:
		if !e.Peer.Cloud() {
			return
		}
		who := e.Message.FromName
		if who == "" {
			who = b.peerName(e.Message.From)
		}
		b.events.publish(ui.TypingEvent{Dialog: cloudDialogID(e.Peer), Who: who})
	}
}
