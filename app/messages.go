package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"tacit/mtproto"
	"tacit/mtproto/store"
	"tacit/ui"
)

// messagesService implements ui.Messages for cloud and secret chats alike.
type messagesService struct{ *Backend }

// History implements ui.Messages. A secret chat's history is only here (the store, or memory in the demo).
// A cloud chat's newest page comes from the server (the cache when it cannot be reached); older pages come
// from the cache where this session saw the history without a gap, and from the server past that.
func (b messagesService) History(ctx context.Context, dialog ui.DialogID, page ui.Page) ([]ui.Message, error) {
	if page.Limit <= 0 {
		page.Limit = 50
	}
	if id, ok := secretChatOf(dialog); ok {
		return b.secretHistory(ctx, id, page)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return nil, err
	}
	var msgs []mtproto.Message
	switch {
	case page.Around != 0:
		half := max(1, page.Limit/2)
		older, err := b.cloudPage(ctx, peer, ui.Page{Before: page.Around + 1, Limit: half + 1})
		if err != nil {
			return nil, err
		}
		newer, err := b.cloudPage(ctx, peer, ui.Page{After: page.Around, Limit: half})
		if err != nil {
			return nil, err
		}
		msgs = append(older, newer...)
	default:
		if msgs, err = b.cloudPage(ctx, peer, page); err != nil {
			return nil, err
		}
	}
	return b.uiCloudPage(ctx, b.view(dialog, peer), msgs), nil
}

// cloudPage fetches one page of a cloud chat, oldest first.
func (b messagesService) cloudPage(ctx context.Context, peer mtproto.Peer, page ui.Page) ([]mtproto.Message, error) {
	sp := storeCloudPeer(peer)
	key := peer.Key()
	b.mu.Lock()
	complete, known := b.complete[key]
	b.mu.Unlock()
	fromCache := func(msgs []store.Message) []mtproto.Message {
		out := make([]mtproto.Message, 0, len(msgs))
		for _, m := range msgs {
			out = append(out, cachedCloudMessage(peer, m))
		}
		return out
	}
	// Pages the session saw without a gap come from the cache: everything from the message complete up to
	// the newest is there (pushed messages are cached as they arrive).
	if b.cache.enabled() && known {
		switch {
		case page.Before != 0 && int(page.Before) > complete:
			cached, err := b.cache.db.Before(ctx, sp, int(page.Before), page.Limit)
			cached = slices.DeleteFunc(cached, func(m store.Message) bool { return m.ID < complete })
			if err == nil && len(cached) == page.Limit {
				return fromCache(cached), nil
			}
		case page.After != 0 && int(page.After) >= complete:
			if cached, err := b.cache.db.After(ctx, sp, int(page.After), page.Limit); err == nil {
				return fromCache(cached), nil
			}
		}
	}
	var msgs []mtproto.Message
	var err error
	switch {
	case page.After != 0:
		msgs, err = b.cloud.HistoryAfter(ctx, peer, int(page.After), page.Limit)
	default:
		var newest []mtproto.Message
		newest, err = b.cloud.History(ctx, peer, int(page.Before), page.Limit)
		msgs = make([]mtproto.Message, 0, len(newest))
		for i := len(newest) - 1; i >= 0; i-- {
			msgs = append(msgs, newest[i])
		}
	}
	if err != nil {
		// Without the server, what the cache holds is better than nothing.
		if b.cache.enabled() && ctx.Err() == nil {
			var cached []store.Message
			var cerr error
			switch {
			case page.Before != 0:
				cached, cerr = b.cache.db.Before(ctx, sp, int(page.Before), page.Limit)
			case page.After != 0:
				cached, cerr = b.cache.db.After(ctx, sp, int(page.After), page.Limit)
			default:
				cached, cerr = b.cache.db.Latest(ctx, sp, page.Limit)
			}
			if cerr == nil && len(cached) > 0 {
				return fromCache(cached), nil
			}
		}
		return nil, userError(err)
	}
	// The server's page joins what this session saw without a gap.
	b.mu.Lock()
	switch {
	case len(msgs) == 0:
	case page.Before == 0 && page.After == 0:
		b.complete[key] = msgs[0].ID
	case page.Before != 0 && known && int(page.Before) >= complete:
		b.complete[key] = min(complete, msgs[0].ID)
	}
	b.mu.Unlock()
	if b.cache.enabled() && len(msgs) > 0 {
		keep := make([]store.Message, 0, len(msgs))
		for _, m := range msgs {
			keep = append(keep, storeCloudMessage(m))
		}
		b.diag.report("cache history", b.cache.db.PutMessages(ctx, keep...))
	}
	return msgs, nil
}

// SendText implements ui.Messages. Cloud chats never request link previews
// unless the user turned them on; secret chats never do.
func (b messagesService) SendText(ctx context.Context, dialog ui.DialogID, text string, opts ui.SendOptions) (ui.Message, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return ui.Message{}, userError(errEmptyMessage)
	}
	if mtproto.MessageLength(text) > mtproto.MaxMessageLength {
		return ui.Message{}, userError(errMessageTooLong)
	}
	if id, ok := secretChatOf(dialog); ok {
		return b.secretSend(ctx, id, text, opts.ReplyTo)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return ui.Message{}, err
	}
	m, err := b.cloud.SendText(ctx, peer, text, mtproto.SendOptions{ReplyTo: int(opts.ReplyTo)})
	if err != nil {
		return ui.Message{}, userError(err)
	}
	if b.cache.enabled() {
		b.diag.report("cache a sent message", b.cache.db.PutMessages(ctx, storeCloudMessage(m)))
	}
	return b.uiCloudPage(ctx, b.view(dialog, peer), []mtproto.Message{m})[0], nil
}

// MarkRead implements ui.Messages: the server learns the dialog was read up
// to maxID (so other devices clear their counters) and the cache follows. In
// a secret chat the self-destruct timers of what was read start: the window
// learns their ends from MessageChangedEvents.
func (b messagesService) MarkRead(ctx context.Context, dialog ui.DialogID, maxID int64) error {
	if id, ok := secretChatOf(dialog); ok {
		if err := b.secret.MarkRead(ctx, id); err != nil {
			return userError(err)
		}
		b.publishTimers(ctx, id)
		return nil
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return err
	}
	if err := b.cloud.MarkRead(ctx, peer, int(maxID)); err != nil {
		return userError(err)
	}
	if b.cache.enabled() {
		b.diag.report("cache a read mark", b.cache.db.SetUnreadCount(ctx, storeCloudPeer(peer), 0))
	}
	return nil
}

// Typing implements ui.Messages.
func (b messagesService) Typing(ctx context.Context, dialog ui.DialogID) error {
	if id, ok := secretChatOf(dialog); ok {
		return userError(b.secret.SetTyping(ctx, id, true))
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return err
	}
	return userError(b.cloud.SetTyping(ctx, peer, true))
}

// Search implements ui.Messages with the store's full-text index over cloud and secret messages. Without a
// local database (the demo) the secret chats in memory are searched, and the cloud chats on the server.
func (b messagesService) Search(ctx context.Context, query string, limit int) ([]ui.SearchHit, error) {
	if strings.TrimSpace(query) == "" || limit <= 0 {
		return nil, nil
	}
	if !b.cache.enabled() {
		return b.searchWithoutStore(ctx, query, limit)
	}
	hits, err := b.cache.db.Search(ctx, query, limit)
	if err != nil {
		return nil, userError(err)
	}
	out := make([]ui.SearchHit, 0, len(hits))
	for _, h := range hits {
		d := dialogOfStorePeer(h.Ref.Peer)
		if d == "" {
			continue
		}
		out = append(out, ui.SearchHit{Dialog: d, ID: h.Ref.ID, Title: b.dialogTitle(ctx, d), Kind: b.dialogKindOf(d),
			Text: h.Text, Date: h.Date})
	}
	return out, nil
}

// searchWithoutStore searches the demo's secret chats in memory and its cloud chats on the server.
func (b messagesService) searchWithoutStore(ctx context.Context, query string, limit int) ([]ui.SearchHit, error) {
	var out []ui.SearchHit
	words := strings.Fields(strings.ToLower(query))
	chats, err := b.secret.Chats(ctx)
	if err != nil {
		return nil, userError(err)
	}
	for _, c := range chats {
		msgs, err := b.secret.Messages(ctx, c.ID)
		if err != nil {
			return nil, userError(err)
		}
		for _, m := range msgs {
			text := strings.ToLower(m.Text)
			if m.Text != "" && !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
				d := secretDialogID(c.ID)
				out = append(out, ui.SearchHit{Dialog: d, ID: m.RandomID, Title: b.peerName(c.PeerID), Kind: ui.KindSecret,
					Text: m.Text, Date: m.Date})
			}
		}
	}
	found, err := b.cloud.SearchAll(ctx, query)
	if err != nil {
		return nil, userError(err)
	}
	for _, m := range found {
		d, _ := b.rememberPeer(m.Peer, "")
		out = append(out, ui.SearchHit{Dialog: d, ID: int64(m.ID), Title: b.titleOf(d), Kind: dialogKind(m.Peer),
			Text: cloudText(m), Date: m.Date})
	}
	slices.SortStableFunc(out, func(a, c ui.SearchHit) int { return c.Date.Compare(a.Date) })
	return out[:min(len(out), limit)], nil
}

// dialogTitle names a dialog found in the store.
func (b *Backend) dialogTitle(ctx context.Context, d ui.DialogID) string {
	if id, ok := secretChatOf(d); ok {
		if info, err := b.secret.Chat(ctx, id); err == nil {
			return b.peerName(info.PeerID)
		}
		return "Secret chat"
	}
	return b.titleOf(d)
}

// dialogKindOf is the kind of a dialog by its id.
func (b *Backend) dialogKindOf(d ui.DialogID) ui.DialogKind {
	if _, ok := secretChatOf(d); ok {
		return ui.KindSecret
	}
	b.mu.Lock()
	p, ok := b.peers[d]
	b.mu.Unlock()
	if ok {
		return dialogKind(p)
	}
	if strings.HasPrefix(string(d), "g") {
		return ui.KindGroup
	}
	return ui.KindUser
}

// Edit implements ui.Messages for the user's own cloud messages; secret chats cannot edit.
func (b messagesService) Edit(ctx context.Context, dialog ui.DialogID, id int64, text string) (ui.Message, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return ui.Message{}, userError(errEmptyMessage)
	}
	if _, ok := secretChatOf(dialog); ok {
		return ui.Message{}, userError(errSecretEdit)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return ui.Message{}, err
	}
	m, err := b.cloud.Edit(ctx, peer, int(id), text, mtproto.SendOptions{})
	if err != nil {
		return ui.Message{}, userError(err)
	}
	if b.cache.enabled() {
		b.diag.report("cache an edit", b.cache.db.PutMessages(ctx, storeCloudMessage(m)))
	}
	return b.uiCloudPage(ctx, b.view(dialog, peer), []mtproto.Message{m})[0], nil
}

// Delete implements ui.Messages.
func (b messagesService) Delete(ctx context.Context, dialog ui.DialogID, ids []int64, forEveryone bool) error {
	if id, ok := secretChatOf(dialog); ok {
		if forEveryone {
			return userError(b.secret.DeleteMessages(ctx, id, ids))
		}
		return b.deleteSecretHere(ctx, id, ids)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return err
	}
	msgIDs := make([]int, len(ids))
	for i, id := range ids {
		msgIDs[i] = int(id)
	}
	if err := b.cloud.Delete(ctx, peer, msgIDs, forEveryone); err != nil {
		return userError(err)
	}
	if b.cache.enabled() {
		b.diag.report("cache a deletion", b.cache.db.DeleteMessages(ctx, storeCloudPeer(peer), msgIDs...))
	}
	return nil
}

// Forward implements ui.Messages: between cloud chats Telegram forwards; into or out of a secret chat the
// text (and a file) goes as a new message of the user's.
func (b messagesService) Forward(ctx context.Context, from ui.DialogID, ids []int64, to ui.DialogID) error {
	_, fromSecret := secretChatOf(from)
	_, toSecret := secretChatOf(to)
	if !fromSecret && !toSecret {
		src, _, err := b.peerOf(from)
		if err != nil {
			return err
		}
		dst, _, err := b.peerOf(to)
		if err != nil {
			return err
		}
		msgIDs := make([]int, len(ids))
		for i, id := range ids {
			msgIDs[i] = int(id)
		}
		sent, err := b.cloud.Forward(ctx, src, msgIDs, dst, false)
		if err != nil {
			return userError(err)
		}
		if b.cache.enabled() {
			keep := make([]store.Message, 0, len(sent))
			for _, m := range sent {
				keep = append(keep, storeCloudMessage(m))
			}
			b.diag.report("cache a forward", b.cache.db.PutMessages(ctx, keep...))
		}
		return nil
	}
	for _, id := range ids {
		if err := b.copyMessage(ctx, from, id, to); err != nil {
			return err
		}
	}
	return nil
}

// copyMessage sends the text and the file of one message into another chat as the user's own.
func (b messagesService) copyMessage(ctx context.Context, from ui.DialogID, id int64, to ui.DialogID) error {
	page, err := b.History(ctx, from, ui.Page{Around: id, Limit: 2})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(page, func(m ui.Message) bool { return m.ID == id })
	if i < 0 {
		return userError(mtproto.ErrNotFound)
	}
	m := page[i]
	if m.Media != nil {
		data, err := filesService(b).fileBytes(ctx, from, id, nil)
		if err != nil {
			return err
		}
		name := m.Media.Name
		if name == "" {
			name = "photo.jpg"
		}
		_, err = filesService(b).SendFile(ctx, to, ui.Upload{Name: name, Data: data},
			ui.FileOptions{AsPhoto: m.Media.Kind == ui.MediaPhoto, Caption: m.Text}, nil)
		return err
	}
	_, err = b.SendText(ctx, to, m.Text, ui.SendOptions{})
	return err
}

// errors the message roles find themselves; words.go words them.
var (
	errEmptyMessage   = errors.New("app: empty message")
	errMessageTooLong = errors.New("app: message too long")
	errSecretEdit     = errors.New("app: secret chat messages cannot be edited")
)
