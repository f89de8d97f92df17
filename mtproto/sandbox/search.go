package sandbox

import (
	"context"
	"sort"
	"strings"

	"github.com/gotd/td/tg"
)

func (s *Server) registerSearch(d *tg.ServerDispatcher) {
	d.OnMessagesSearch(s.search)
	d.OnMessagesSearchGlobal(s.searchGlobal)
}

// matches reports whether m fits a query (case-insensitive substring of
// the text or the file name) and a filter.
func matches(m *boxMessage, q string, filter tg.MessagesFilterClass) bool {
	if m.deleted || m.action != actionNone {
		return false
	}
	switch filter.(type) {
	case nil, *tg.InputMessagesFilterEmpty:
	case *tg.InputMessagesFilterDocument:
		if m.media == nil || m.media.photo {
			return false
		}
	case *tg.InputMessagesFilterPhotos:
		if m.media == nil || !m.media.photo {
			return false
		}
	default:
		return false
	}
	if q == "" {
		return true
	}
	if strings.Contains(strings.ToLower(m.text), q) {
		return true
	}
	return m.media != nil && strings.Contains(strings.ToLower(m.media.name), q)
}

func (s *Server) search(ctx context.Context, req *tg.MessagesSearchRequest) (tg.MessagesMessagesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesMessagesClass, error) {
		me := o.me
		q := strings.ToLower(strings.TrimSpace(req.Q))
		var all []*boxMessage // newest first
		var ch *channel
		switch p := req.Peer.(type) {
		case *tg.InputPeerChannel:
			var err error
			ch, err = s.channelOfLocked(me, p.ChannelID, p.AccessHash, true)
			if err != nil {
				return nil, err
			}
			for i := len(ch.msgs) - 1; i >= 0; i-- {
				all = append(all, ch.msgs[i])
			}
		case *tg.InputPeerEmpty:
			return nil, rpcErr(400, "PEER_ID_INVALID")
		default:
			want, ok := s.peerRefOfInputLocked(me, req.Peer)
			if !ok {
				return nil, rpcErr(400, "PEER_ID_INVALID")
			}
			if want.kind == peerChatKind {
				if _, err := s.chatOfLocked(me, want.id, false); err != nil {
					return nil, err
				}
			}
			all = dialogMessagesLocked(me, want)
		}
		var from int64
		switch f := req.FromID.(type) {
		case *tg.InputPeerUser:
			from = f.UserID
		case *tg.InputPeerSelf:
			from = me.id
		}
		var found []*boxMessage
		for _, m := range all {
			if matches(m, q, req.Filter) && (from == 0 || m.from == from) &&
				(req.MinDate == 0 || m.date >= req.MinDate) && (req.MaxDate == 0 || m.date <= req.MaxDate) {
				found = append(found, m)
			}
		}
		limit := req.Limit
		if limit <= 0 || limit > 100 {
			limit = 100
		}
		skip := req.AddOffset
		var page []*boxMessage
		for _, m := range found {
			if len(page) == limit {
				break
			}
			if (req.OffsetID > 0 && m.id >= req.OffsetID) || (req.MaxID > 0 && m.id >= req.MaxID) || (req.MinID > 0 && m.id <= req.MinID) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			page = append(page, m)
		}
		msgs := make([]tg.MessageClass, len(page))
		for i, m := range page {
			msgs[i] = s.messageViewLocked(me, m)
		}
		if ch != nil {
			return &tg.MessagesChannelMessages{Pts: ch.pts, Count: len(found), Messages: msgs, Topics: []tg.ForumTopicClass{},
				Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: s.usersOfLocked(me, page)}, nil
		}
		return &tg.MessagesMessagesSlice{Count: len(found), Messages: msgs, Users: s.usersOfLocked(me, page), Chats: s.chatsOfLocked(me, page)}, nil
	})
}

// searchGlobal searches every chat and channel of the caller, newest
// first; pages continue after (offset_rate, offset_peer, offset_id).
func (s *Server) searchGlobal(ctx context.Context, req *tg.MessagesSearchGlobalRequest) (tg.MessagesMessagesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesMessagesClass, error) {
		me := o.me
		q := strings.ToLower(strings.TrimSpace(req.Q))
		if q == "" {
			return nil, rpcErr(400, "SEARCH_QUERY_EMPTY")
		}
		folder, hasFolder := req.GetFolderID()
		inFolder := func(p peerRef) bool {
			return !hasFolder || s.cloud.folders[me.id][p] == folder
		}
		var found []*boxMessage
		for _, m := range me.box {
			if inFolder(m.peer) && matches(m, q, req.Filter) {
				found = append(found, m)
			}
		}
		for _, ch := range s.cloud.channels {
			if ch.member(me.id) == nil || !inFolder(peerRef{kind: peerChannelKind, id: ch.id}) {
				continue
			}
			for _, m := range ch.msgs {
				if matches(m, q, req.Filter) {
					found = append(found, m)
				}
			}
		}
		sort.Slice(found, func(i, j int) bool { return found[i].order > found[j].order })
		start := 0
		if req.OffsetRate > 0 || req.OffsetID > 0 {
			anchor, _ := s.peerRefOfInputLocked(me, req.OffsetPeer)
			start = len(found)
			for i, m := range found {
				if m.peer == anchor && m.id == req.OffsetID {
					start = i + 1
					break
				}
				if m.date < req.OffsetRate {
					start = i
					break
				}
			}
		}
		limit := req.Limit
		if limit <= 0 || limit > 100 {
			limit = 100
		}
		page := found[start:min(len(found), start+limit)]
		msgs := make([]tg.MessageClass, len(page))
		for i, m := range page {
			msgs[i] = s.messageViewLocked(me, m)
		}
		res := &tg.MessagesMessagesSlice{Count: len(found), Messages: msgs, Users: s.usersOfLocked(me, page), Chats: s.chatsOfLocked(me, page)}
		if len(page) > 0 && start+len(page) < len(found) {
			res.SetNextRate(page[len(page)-1].date)
		}
		return res, nil
	})
}
