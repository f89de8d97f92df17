package sandbox

import (
	"context"
	"sort"

	"github.com/gotd/td/tg"
)

func (s *Server) registerEdits(d *tg.ServerDispatcher) {
	d.OnMessagesEditMessage(s.editMessage)
	d.OnMessagesDeleteMessages(s.deleteMessages)
	d.OnChannelsDeleteMessages(s.deleteChannelMessages)
	d.OnMessagesForwardMessages(s.forwardMessages)
}

// copiesLocked lists every box copy of a private or group message:
// owner -> id, the given one included.
func (s *Server) copiesLocked(owner *user, m *boxMessage) map[int64]int {
	if m.copies != nil {
		return m.copies
	}
	out := map[int64]int{owner.id: m.id}
	if m.peer.kind == peerUserKind && m.peer.id != owner.id && m.twin != 0 {
		out[m.peer.id] = m.twin
	}
	return out
}

// editMessage changes the text (and entities) of one's own message, in
// every copy, and tells every member's sessions.
func (s *Server) editMessage(ctx context.Context, req *tg.MessagesEditMessageRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		if err := checkText(req.Message, false); err != nil {
			return nil, err
		}
		entities := s.storeEntitiesLocked(req.Entities)
		skip := o.session()
		now := s.unix()
		if p, ok := req.Peer.(*tg.InputPeerChannel); ok {
			ch, err := s.channelOfLocked(me, p.ChannelID, p.AccessHash, true)
			if err != nil {
				return nil, err
			}
			if req.ID <= 0 || req.ID > len(ch.msgs) || ch.msgs[req.ID-1].deleted {
				return nil, rpcErr(400, "MESSAGE_ID_INVALID")
			}
			m := ch.msgs[req.ID-1]
			if m.action != actionNone || (m.from != me.id && !(m.post && ch.member(me.id).admin)) {
				return nil, rpcErr(403, "MESSAGE_AUTHOR_REQUIRED")
			}
			if m.text == req.Message && len(entities) == len(m.entities) {
				return nil, rpcErr(400, "MESSAGE_NOT_MODIFIED")
			}
			m.text, m.entities, m.editDate = req.Message, entities, now
			m.mentions = s.mentionedLocked(m.text, m.entities)
			pts := s.addChannelEventLocked(ch, 1, nil, func() tg.UpdateClass {
				return &tg.UpdateEditChannelMessage{Message: m.toTG()}
			})
			s.toChannelLocked(d, ch, skip, []*boxMessage{m}, func(viewer *user) tg.UpdateClass {
				return &tg.UpdateEditChannelMessage{Message: s.messageViewLocked(viewer, m), Pts: pts, PtsCount: 1}
			})
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateEditChannelMessage{Message: s.messageViewLocked(me, m), Pts: pts, PtsCount: 1}},
				Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: s.usersOfLocked(me, []*boxMessage{m}), Date: now}, nil
		}
		if req.ID <= 0 || req.ID > len(me.box) || me.box[req.ID-1].deleted {
			return nil, rpcErr(400, "MESSAGE_ID_INVALID")
		}
		mine := me.box[req.ID-1]
		want, ok := s.peerRefOfInputLocked(me, req.Peer)
		if !ok || want != mine.peer {
			return nil, rpcErr(400, "MESSAGE_ID_INVALID")
		}
		if !mine.out || mine.action != actionNone {
			return nil, rpcErr(403, "MESSAGE_AUTHOR_REQUIRED")
		}
		if mine.text == req.Message && len(entities) == len(mine.entities) {
			return nil, rpcErr(400, "MESSAGE_NOT_MODIFIED")
		}
		var res *tg.Updates
		for uid, id := range s.copiesLocked(me, mine) {
			owner := s.st.users[uid]
			if owner == nil || id <= 0 || id > len(owner.box) || owner.box[id-1].deleted {
				continue
			}
			m := owner.box[id-1]
			m.text, m.entities, m.editDate = req.Message, entities, now
			pts := s.addPtsLocked(owner, 1, nil, func() tg.UpdateClass { return &tg.UpdateEditMessage{Message: m.toTG()} })
			sk := int64(0)
			if uid == me.id {
				sk = skip
				res = &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateEditMessage{Message: m.toTG(), Pts: pts, PtsCount: 1}},
					Users: s.usersOfLocked(me, []*boxMessage{m}), Chats: s.chatsOfLocked(me, []*boxMessage{m}), Date: now}
			}
			s.toUserLocked(d, uid, sk, func() tg.UpdatesClass {
				return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateEditMessage{Message: m.toTG(), Pts: pts, PtsCount: 1}},
					Users: s.usersOfLocked(owner, []*boxMessage{m}), Chats: s.chatsOfLocked(owner, []*boxMessage{m}), Date: now}
			})
		}
		return res, nil
	})
}

// deleteMessages deletes from the caller's box; with revoke also every
// other copy: in private chats always, in groups for one's own messages
// (or any message, for the group's creator).
func (s *Server) deleteMessages(ctx context.Context, req *tg.MessagesDeleteMessagesRequest) (*tg.MessagesAffectedMessages, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesAffectedMessages, error) {
		me, d := o.me, &o.d
		byOwner := map[int64][]int{}
		for _, id := range req.ID {
			if id <= 0 || id > len(me.box) || me.box[id-1].deleted {
				continue
			}
			m := me.box[id-1]
			byOwner[me.id] = append(byOwner[me.id], id)
			if !req.Revoke {
				continue
			}
			allowed := m.peer.kind == peerUserKind
			if m.peer.kind == peerChatKind {
				c := s.cloud.chats[m.peer.id]
				allowed = m.out || (c != nil && c.creator == me.id)
			}
			if !allowed {
				continue
			}
			for uid, cid := range s.copiesLocked(me, m) {
				if uid != me.id {
					byOwner[uid] = append(byOwner[uid], cid)
				}
			}
		}
		skip := o.session()
		res := &tg.MessagesAffectedMessages{Pts: me.pts}
		owners := make([]int64, 0, len(byOwner))
		for uid := range byOwner {
			owners = append(owners, uid)
		}
		sort.Slice(owners, func(i, j int) bool { return owners[i] < owners[j] })
		for _, uid := range owners {
			owner := s.st.users[uid]
			if owner == nil {
				continue
			}
			var ids []int
			for _, id := range byOwner[uid] {
				if id > 0 && id <= len(owner.box) && !owner.box[id-1].deleted {
					owner.box[id-1].deleted = true
					ids = append(ids, id)
				}
			}
			if len(ids) == 0 {
				continue
			}
			pts := s.addPtsLocked(owner, len(ids), nil, func() tg.UpdateClass {
				return &tg.UpdateDeleteMessages{Messages: append([]int(nil), ids...)}
			})
			sk := int64(0)
			if uid == me.id {
				sk = skip
				res.Pts, res.PtsCount = pts, len(ids)
			}
			s.toUserLocked(d, uid, sk, func() tg.UpdatesClass {
				return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateDeleteMessages{Messages: append([]int(nil), ids...), Pts: pts, PtsCount: len(ids)}}, Date: s.unix()}
			})
		}
		return res, nil
	})
}

// deleteChannelMessages deletes channel messages for everyone: one's own,
// or any as an admin.
func (s *Server) deleteChannelMessages(ctx context.Context, req *tg.ChannelsDeleteMessagesRequest) (*tg.MessagesAffectedMessages, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesAffectedMessages, error) {
		me, d := o.me, &o.d
		ch, err := s.inputChannelLocked(me, req.Channel, true)
		if err != nil {
			return nil, err
		}
		admin := ch.member(me.id).admin
		var ids []int
		for _, id := range req.ID {
			if id <= 0 || id > len(ch.msgs) || ch.msgs[id-1].deleted {
				continue
			}
			m := ch.msgs[id-1]
			if m.from != me.id && !admin {
				return nil, rpcErr(403, "MESSAGE_DELETE_FORBIDDEN")
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return &tg.MessagesAffectedMessages{Pts: ch.pts}, nil
		}
		for _, id := range ids {
			ch.msgs[id-1].deleted = true
		}
		pts := s.addChannelEventLocked(ch, len(ids), nil, func() tg.UpdateClass {
			return &tg.UpdateDeleteChannelMessages{ChannelID: ch.id, Messages: append([]int(nil), ids...)}
		})
		s.toChannelLocked(d, ch, o.session(), nil, func(*user) tg.UpdateClass {
			return &tg.UpdateDeleteChannelMessages{ChannelID: ch.id, Messages: append([]int(nil), ids...), Pts: pts, PtsCount: len(ids)}
		})
		return &tg.MessagesAffectedMessages{Pts: pts, PtsCount: len(ids)}, nil
	})
}

// sourceMessageLocked finds a message to forward, as me sees it.
func (s *Server) sourceMessagesLocked(me *user, from tg.InputPeerClass, ids []int) ([]*boxMessage, *channel, error) {
	var out []*boxMessage
	if p, ok := from.(*tg.InputPeerChannel); ok {
		ch, err := s.channelOfLocked(me, p.ChannelID, p.AccessHash, true)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range ids {
			if id <= 0 || id > len(ch.msgs) || ch.msgs[id-1].deleted || ch.msgs[id-1].action != actionNone {
				return nil, nil, rpcErr(400, "MESSAGE_ID_INVALID")
			}
			out = append(out, ch.msgs[id-1])
		}
		return out, ch, nil
	}
	want, ok := s.peerRefOfInputLocked(me, from)
	if !ok {
		return nil, nil, rpcErr(400, "PEER_ID_INVALID")
	}
	for _, id := range ids {
		if id <= 0 || id > len(me.box) || me.box[id-1].deleted || me.box[id-1].peer != want || me.box[id-1].action != actionNone {
			return nil, nil, rpcErr(400, "MESSAGE_ID_INVALID")
		}
		out = append(out, me.box[id-1])
	}
	return out, nil, nil
}

// forwardMessages copies messages to another chat with a "forwarded from"
// header naming the original author, or without one (drop_author).
func (s *Server) forwardMessages(ctx context.Context, req *tg.MessagesForwardMessagesRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me := o.me
		if len(req.ID) == 0 || len(req.ID) != len(req.RandomID) || len(req.ID) > 100 {
			return nil, rpcErr(400, "RANDOM_ID_INVALID")
		}
		src, ch, err := s.sourceMessagesLocked(me, req.FromPeer, req.ID)
		if err != nil {
			return nil, err
		}
		res := &tg.Updates{Date: s.unix()}
		for i, m := range src {
			c := content{text: m.text, entities: cloneEntities(m.entities), media: m.media, randomID: req.RandomID[i]}
			if req.DropMediaCaptions && m.media != nil {
				c.text, c.entities = "", nil
			}
			if !req.DropAuthor {
				switch {
				case m.fwd != nil:
					f := *m.fwd
					c.fwd = &f
				case ch != nil && m.post:
					c.fwd = &fwdInfo{fromChannel: ch.id, channelPost: m.id, date: m.date}
				default:
					c.fwd = &fwdInfo{fromUser: m.from, date: m.date}
				}
			}
			u, err := s.postLocked(o, req.ToPeer, c)
			if err != nil {
				return nil, err
			}
			if up, ok := u.(*tg.Updates); ok {
				res.Updates = append(res.Updates, up.Updates...)
				res.Users = append(res.Users, up.Users...)
				res.Chats = append(res.Chats, up.Chats...)
			}
		}
		return res, nil
	})
}
