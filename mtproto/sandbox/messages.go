package sandbox

import (
	"context"
	"sort"

	"github.com/gotd/td/tg"
)

type peerKind int

const (
	peerUserKind peerKind = iota
	peerChatKind
	peerChannelKind
)

// peerRef names a dialog from the box owner's point of view.
type peerRef struct {
	kind peerKind
	id   int64
}

func userPeer(id int64) peerRef { return peerRef{kind: peerUserKind, id: id} }

func (p peerRef) tg() tg.PeerClass {
	switch p.kind {
	case peerChatKind:
		return &tg.PeerChat{ChatID: p.id}
	case peerChannelKind:
		return &tg.PeerChannel{ChannelID: p.id}
	}
	return &tg.PeerUser{UserID: p.id}
}

type msgAction int

const (
	actionNone msgAction = iota
	actionContactSignUp
	actionChatCreate
	actionChatAddUser
	actionChatDeleteUser
	actionChannelCreate
)

// boxMessage is one message in a user's box.
type boxMessage struct {
	id       int
	peer     peerRef
	from     int64
	out      bool
	date     int
	text     string
	entities []tg.MessageEntityClass
	replyTo  int
	editDate int
	action   msgAction
	// twin is the id of the same message in the other party's box.
	twin int

	// Cloud chat fields (chats.go, channels.go, files.go, edits.go).
	// order is a server-wide sequence number: dialogs sort by it.
	order int64
	// copies maps member -> id of this message in that member's box, shared
	// by all copies of one basic-group message.
	copies map[int64]int
	// mentioned marks a copy whose owner is mentioned (or replied to).
	mentioned bool
	// mentions lists users mentioned (channel messages compute mentioned
	// per viewer from it).
	mentions []int64
	deleted  bool
	// post marks a broadcast channel post (no author shown).
	post        bool
	media       *storedFile
	fwd         *fwdInfo
	actionUsers []int64
	actionTitle string
}

// toTG builds a fresh API object (tg objects mutate while encoding, so
// stored state is never encoded directly).
func (m *boxMessage) toTG() tg.MessageClass {
	if m.action != actionNone {
		sm := &tg.MessageService{ID: m.id, Out: m.out, PeerID: m.peer.tg(), Date: m.date}
		if !m.post {
			sm.SetFromID(&tg.PeerUser{UserID: m.from})
		}
		switch m.action {
		case actionContactSignUp:
			sm.Action = &tg.MessageActionContactSignUp{}
		default:
			sm.Action = m.cloudAction()
		}
		return sm
	}
	msg := &tg.Message{ID: m.id, Out: m.out, PeerID: m.peer.tg(), Date: m.date, Message: m.text,
		Mentioned: m.mentioned, MediaUnread: m.mentioned, Post: m.post}
	if !m.post {
		msg.SetFromID(&tg.PeerUser{UserID: m.from})
	}
	if len(m.entities) > 0 {
		msg.SetEntities(cloneEntities(m.entities))
	}
	if m.media != nil {
		msg.SetMedia(m.media.toTG())
	}
	if m.fwd != nil {
		msg.SetFwdFrom(m.fwd.toTG())
	}
	if m.replyTo != 0 {
		msg.SetReplyTo(&tg.MessageReplyHeader{ReplyToMsgID: m.replyTo})
	}
	if m.editDate != 0 {
		msg.SetEditDate(m.editDate)
	}
	return msg
}

// usersOfLocked returns viewer's views of the users a set of messages names.
func (s *Server) usersOfLocked(viewer *user, msgs []*boxMessage) []tg.UserClass {
	seen := map[int64]bool{}
	var out []tg.UserClass
	add := func(id int64) {
		if seen[id] {
			return
		}
		seen[id] = true
		if u := s.st.users[id]; u != nil {
			out = append(out, s.userViewLocked(viewer, u))
		}
	}
	for _, m := range msgs {
		if !m.post { // a broadcast post does not name its admin
			add(m.from)
		}
		if m.peer.kind == peerUserKind {
			add(m.peer.id)
		}
		for _, id := range m.actionUsers {
			add(id)
		}
		if m.fwd != nil && m.fwd.fromUser != 0 {
			add(m.fwd.fromUser)
		}
	}
	return out
}

// appendMessageLocked stores m in owner's box, advances owner's pts and
// pushes the new message to owner's sessions except skip, in the shape
// Telegram would use (shapes.go).
func (s *Server) appendMessageLocked(d *delivery, owner *user, m *boxMessage, skip int64) (pts int) {
	short := shortMessageLocked(owner, m)
	owner.box = append(owner.box, m)
	m.id = len(owner.box)
	if m.order == 0 {
		m.order = s.nextOrderLocked()
	}
	pts = s.addPtsLocked(owner, 1, m, func() tg.UpdateClass {
		return &tg.UpdateNewMessage{Message: m.toTG(), Pts: 0, PtsCount: 1}
	})
	for _, sess := range s.sessionsOfLocked(owner.id, skip) {
		full := &tg.Updates{
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: m.toTG(), Pts: pts, PtsCount: 1}},
			Users:   s.usersOfLocked(owner, []*boxMessage{m}),
			Chats:   s.chatsOfLocked(owner, []*boxMessage{m}),
			Date:    s.unix(),
		}
		var shortUp tg.UpdatesClass
		if short != nil {
			shortUp = short(pts)
		}
		d.queueMessage(sess, owner.id, shortUp, full)
	}
	return pts
}

func (s *Server) registerMessages(d *tg.ServerDispatcher) {
	d.OnMessagesSendMessage(s.sendMessage)
	d.OnMessagesGetHistory(s.getHistory)
	d.OnMessagesGetDialogs(s.getDialogs)
	d.OnMessagesReadHistory(s.readHistory)
}

// resolvePeerLocked returns the user an input peer names (private chats).
func (s *Server) resolvePeerLocked(me *user, p tg.InputPeerClass) (*user, error) {
	switch p := p.(type) {
	case *tg.InputPeerSelf:
		return me, nil
	case *tg.InputPeerUser:
		u := s.st.users[p.UserID]
		if u == nil || u.accessHash != p.AccessHash {
			return nil, rpcErr(400, "PEER_ID_INVALID")
		}
		return u, nil
	case *tg.InputPeerUserFromMessage:
		u := s.st.users[p.UserID]
		if u == nil {
			return nil, rpcErr(400, "PEER_ID_INVALID")
		}
		return u, nil
	}
	return nil, rpcErr(400, "PEER_ID_INVALID")
}

func (s *Server) sendMessage(ctx context.Context, req *tg.MessagesSendMessageRequest) (tg.UpdatesClass, error) {
	switch req.Peer.(type) {
	case *tg.InputPeerChat, *tg.InputPeerChannel:
		return s.sendCloudMessage(ctx, req)
	}
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		if req.Message == "" {
			return nil, rpcErr(400, "MESSAGE_EMPTY")
		}
		if len([]rune(req.Message)) > 4096 {
			return nil, rpcErr(400, "MESSAGE_TOO_LONG")
		}
		to, err := s.resolvePeerLocked(me, req.Peer)
		if err != nil {
			return nil, err
		}
		if id, dup := me.randomIDs[req.RandomID]; dup && req.RandomID != 0 {
			m := me.box[id-1]
			return &tg.UpdateShortSentMessage{Out: true, ID: m.id, Pts: me.pts, PtsCount: 0, Date: m.date}, nil
		}
		replyTo := 0
		if r, ok := req.GetReplyTo(); ok {
			if rr, ok := r.(*tg.InputReplyToMessage); ok {
				replyTo = rr.ReplyToMsgID
			}
		}
		skip := o.session()
		now := s.unix()
		entities := s.storeEntitiesLocked(req.Entities)
		out := &boxMessage{peer: userPeer(to.id), from: me.id, out: true, date: now, text: req.Message, entities: entities, replyTo: replyTo}
		pts := s.appendMessageLocked(d, me, out, skip)
		if req.RandomID != 0 {
			me.randomIDs[req.RandomID] = out.id
		}
		// A blocked sender's message is kept on their side only (blocked.go).
		if to.id != me.id && !blockedLocked(to, me.id) {
			in := &boxMessage{peer: userPeer(me.id), from: me.id, date: now, text: req.Message, entities: entities, twin: out.id, order: out.order}
			if replyTo != 0 && replyTo <= len(me.box) {
				in.replyTo = me.box[replyTo-1].twin
				in.mentioned = !me.box[replyTo-1].out
			}
			in.mentioned = in.mentioned || mentionsUser(entities, to)
			s.appendMessageLocked(d, to, in, 0)
			out.twin = in.id
		}
		res := &tg.UpdateShortSentMessage{Out: true, ID: out.id, Pts: pts, PtsCount: 1, Date: now}
		return res, nil
	})
}

// dialogMessagesLocked lists the messages of one dialog, newest first.
func dialogMessagesLocked(owner *user, p peerRef) []*boxMessage {
	var out []*boxMessage
	for i := len(owner.box) - 1; i >= 0; i-- {
		if owner.box[i].peer == p && !owner.box[i].deleted {
			out = append(out, owner.box[i])
		}
	}
	return out
}

func (s *Server) getHistory(ctx context.Context, req *tg.MessagesGetHistoryRequest) (tg.MessagesMessagesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesMessagesClass, error) {
		me := o.me
		var all []*boxMessage
		switch p := req.Peer.(type) {
		case *tg.InputPeerChannel:
			return s.channelHistoryLocked(me, p, req)
		case *tg.InputPeerChat:
			if _, err := s.chatOfLocked(me, p.ChatID, false); err != nil {
				return nil, err
			}
			all = dialogMessagesLocked(me, peerRef{kind: peerChatKind, id: p.ChatID})
		default:
			peer, err := s.resolvePeerLocked(me, req.Peer)
			if err != nil {
				return nil, err
			}
			all = dialogMessagesLocked(me, userPeer(peer.id))
		}
		start := 0
		if req.OffsetID > 0 {
			for start < len(all) && all[start].id >= req.OffsetID {
				start++
			}
		} else if req.OffsetDate > 0 {
			for start < len(all) && all[start].date >= req.OffsetDate {
				start++
			}
		}
		start += req.AddOffset
		start = max(start, 0)
		limit := req.Limit
		if limit <= 0 || limit > 100 {
			limit = 100
		}
		var page []*boxMessage
		for i := start; i < len(all) && len(page) < limit; i++ {
			m := all[i]
			if req.MaxID > 0 && m.id >= req.MaxID {
				continue
			}
			if req.MinID > 0 && m.id <= req.MinID {
				continue
			}
			page = append(page, m)
		}
		msgs := make([]tg.MessageClass, len(page))
		for i, m := range page {
			msgs[i] = m.toTG()
		}
		return &tg.MessagesMessagesSlice{Count: len(all), Messages: msgs, Users: s.usersOfLocked(me, page), Chats: s.chatsOfLocked(me, page)}, nil
	})
}

type dialogInfo struct {
	peer     peerRef
	top      *boxMessage
	unread   int
	mentions int
	// Channel dialogs: the viewer's read marks and the channel's pts.
	readIn, readOut, pts int
}

// dialogsLocked summarises owner's dialogs, most recent first.
func (s *Server) dialogsLocked(owner *user) []dialogInfo {
	idx := map[peerRef]int{}
	var out []dialogInfo
	for i := len(owner.box) - 1; i >= 0; i-- {
		m := owner.box[i]
		if m.deleted {
			continue
		}
		j, ok := idx[m.peer]
		if !ok {
			j = len(out)
			idx[m.peer] = j
			out = append(out, dialogInfo{peer: m.peer, top: m, readIn: owner.readInbox[m.peer.id], readOut: owner.readOut[m.peer.id]})
		}
		if !m.out && m.id > owner.readInbox[m.peer.id] && m.action == actionNone {
			out[j].unread++
			if m.mentioned {
				out[j].mentions++
			}
		}
	}
	out = append(out, s.channelDialogsLocked(owner)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].top.order > out[j].top.order })
	return out
}

func (s *Server) getDialogs(ctx context.Context, req *tg.MessagesGetDialogsRequest) (tg.MessagesDialogsClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesDialogsClass, error) {
		me := o.me
		folder, _ := req.GetFolderID()
		all := s.folderDialogsLocked(me, folder)
		limit := req.Limit
		if limit <= 0 || limit > 100 {
			limit = 100
		}
		start := dialogsOffsetLocked(all, req)
		var page []dialogInfo
		for _, d := range all[start:] {
			if len(page) == limit {
				break
			}
			page = append(page, d)
		}
		res := &tg.MessagesDialogsSlice{Count: len(all)}
		var tops []*boxMessage
		for _, d := range page {
			dlg := &tg.Dialog{
				Peer: d.peer.tg(), TopMessage: d.top.id, ReadInboxMaxID: d.readIn,
				ReadOutboxMaxID: d.readOut, UnreadCount: d.unread, UnreadMentionsCount: d.mentions,
				NotifySettings: notifySettingsLocked(me, notifyKey{peer: d.peer}),
			}
			if d.peer.kind == peerChannelKind {
				dlg.SetPts(d.pts)
			}
			if folder != 0 {
				dlg.SetFolderID(folder)
			}
			res.Dialogs = append(res.Dialogs, dlg)
			res.Messages = append(res.Messages, s.messageViewLocked(me, d.top))
			tops = append(tops, d.top)
		}
		res.Users = s.usersOfLocked(me, tops)
		res.Chats = s.chatsOfLocked(me, tops)
		return res, nil
	})
}

func (s *Server) readHistory(ctx context.Context, req *tg.MessagesReadHistoryRequest) (*tg.MessagesAffectedMessages, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesAffectedMessages, error) {
		me, d := o.me, &o.d
		if p, ok := req.Peer.(*tg.InputPeerChat); ok {
			return s.readChatHistoryLocked(o, p.ChatID, req.MaxID)
		}
		peer, err := s.resolvePeerLocked(me, req.Peer)
		if err != nil {
			return nil, err
		}
		maxID := min(req.MaxID, len(me.box))
		if maxID <= me.readInbox[peer.id] {
			return &tg.MessagesAffectedMessages{Pts: me.pts, PtsCount: 0}, nil
		}
		me.readInbox[peer.id] = maxID
		skip := o.session()
		pts := s.addPtsLocked(me, 1, nil, func() tg.UpdateClass {
			return &tg.UpdateReadHistoryInbox{Peer: &tg.PeerUser{UserID: peer.id}, MaxID: maxID}
		})
		s.toUserLocked(d, me.id, skip, func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateReadHistoryInbox{Peer: &tg.PeerUser{UserID: peer.id}, MaxID: maxID, Pts: pts, PtsCount: 1}},
				Users: []tg.UserClass{s.userViewLocked(me, peer)}, Date: s.unix()}
		})
		// Tell the sender which of their messages were read.
		if peer.id != me.id {
			twin := 0
			for _, m := range dialogMessagesLocked(me, userPeer(peer.id)) {
				if !m.out && m.id <= maxID && m.twin > twin {
					twin = m.twin
				}
			}
			if twin > peer.readOut[me.id] {
				peer.readOut[me.id] = twin
				ppts := s.addPtsLocked(peer, 1, nil, func() tg.UpdateClass {
					return &tg.UpdateReadHistoryOutbox{Peer: &tg.PeerUser{UserID: me.id}, MaxID: twin}
				})
				s.toUserLocked(d, peer.id, 0, func() tg.UpdatesClass {
					return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateReadHistoryOutbox{Peer: &tg.PeerUser{UserID: me.id}, MaxID: twin, Pts: ppts, PtsCount: 1}},
						Users: []tg.UserClass{s.userViewLocked(peer, me)}, Date: s.unix()}
				})
			}
		}
		return &tg.MessagesAffectedMessages{Pts: pts, PtsCount: 1}, nil
	})
}
