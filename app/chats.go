package app

import (
	"context"
	"sort"

	"tacit/mtproto"
	"tacit/mtproto/store"
	"tacit/ui"
)

// chatsService implements ui.Chats: cloud chats of every kind and secret chats in one list.
type chatsService struct{ *Backend }

// Dialogs implements ui.Chats: cloud chats of every kind, then secret
// chats, most recent first. Without the server it shows the cached list.
func (b chatsService) Dialogs(ctx context.Context) ([]ui.DialogSummary, error) {
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
		if !d.CanPost {
			s.CannotPost = cannotPostWords(d.Peer)
		}
		b.mu.Lock()
		b.canPost[d.Peer.Key()] = d.CanPost
		b.readOutbox[d.Peer.Key()] = max(b.readOutbox[d.Peer.Key()], d.ReadOutboxMax)
		b.mu.Unlock()
		out = append(out, s)
		cacheDialogs = append(cacheDialogs, store.Dialog{Peer: storeCloudPeer(d.Peer), Kind: storeDialogKind(d.Peer),
			Title: d.Title, UnreadCount: d.Unread})
		if d.Top.ID != 0 {
			cacheMsgs = append(cacheMsgs, storeCloudMessage(d.Top))
		}
	}
	if b.cache.enabled() {
		b.diag.report("cache the chat list", b.cache.db.PutDialogs(ctx, cacheDialogs...))
		b.diag.report("cache the chat list's messages", b.cache.db.PutMessages(ctx, cacheMsgs...))
	}
	if secrets, err := b.secretDialogs(ctx); err == nil {
		out = append(out, secrets...)
	}
	sortDialogs(out)
	return out, nil
}

// cachedDialogs is the chat list from the store, for when the server
// cannot be reached.
func (b chatsService) cachedDialogs(ctx context.Context) ([]ui.DialogSummary, error) {
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
			if h, ok, err := b.cache.db.AccessHash(ctx, d.Peer); err != nil {
				b.diag.report("read a cached access hash", err)
			} else if ok {
				p.AccessHash = h
			}
		case store.PeerChat:
			p = mtproto.Peer{Kind: mtproto.PeerGroup, ID: d.Peer.ID}
		case store.PeerChannel:
			p = mtproto.Peer{Kind: mtproto.PeerChannel, ID: d.Peer.ID}
			if d.Kind == store.DialogSupergroup {
				p.Kind = mtproto.PeerSupergroup
			}
			if h, ok, err := b.cache.db.AccessHash(ctx, d.Peer); err != nil {
				b.diag.report("read a cached access hash", err)
			} else if ok {
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

// sortDialogs orders the chat list newest first; equal dates keep their order.
func sortDialogs(ds []ui.DialogSummary) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].LastDate.After(ds[j].LastDate) })
}
