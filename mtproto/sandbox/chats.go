package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
)

// Cloud chats: basic groups live in every member's box (like private
// chats, with the member's own pts and message ids); channels and
// supergroups keep one message list with their own pts (channels.go).

// firstChatID numbers basic groups below the user id range, so a box's
// read marks (keyed by peer id) never mix a user with a group.
const firstChatID = 100

// firstChannelID numbers channels and supergroups.
const firstChannelID = 2000000

// cloudState holds groups, channels, uploads and folders; guarded by Server.mu.
type cloudState struct {
	order         int64
	chats         map[int64]*chat
	nextChatID    int64
	channels      map[int64]*channel
	nextChannelID int64
	uploads       map[uploadKey]*partialUpload
	usedUploads   []uploadKey // oldest first; see keptUploads
	files         map[int64]*storedFile
	folders       map[int64]map[peerRef]int
	diffCalls     map[int64]int
}

func (s *Server) initCloudLocked() {
	if s.cloud.chats != nil {
		return
	}
	s.cloud = cloudState{
		chats:         map[int64]*chat{},
		nextChatID:    firstChatID,
		channels:      map[int64]*channel{},
		nextChannelID: firstChannelID,
		uploads:       map[uploadKey]*partialUpload{},
		files:         map[int64]*storedFile{},
		folders:       map[int64]map[peerRef]int{},
		diffCalls:     map[int64]int{},
	}
}

// nextOrderLocked is the next server-wide message sequence number.
func (s *Server) nextOrderLocked() int64 {
	s.cloud.order++
	return s.cloud.order
}

// chat is a basic group.
type chat struct {
	id      int64
	title   string
	creator int64
	date    int
	version int
	// members in joining order; former members keep their history.
	members []int64
	former  map[int64]bool
}

func (c *chat) isMember(uid int64) bool {
	for _, m := range c.members {
		if m == uid {
			return true
		}
	}
	return false
}

func (s *Server) registerChats(d *tg.ServerDispatcher) {
	s.mu.Lock()
	s.initCloudLocked()
	s.mu.Unlock()
	d.OnMessagesCreateChat(s.createChat)
	d.OnMessagesAddChatUser(s.addChatUser)
	d.OnMessagesDeleteChatUser(s.deleteChatUser)
	d.OnMessagesGetChats(s.getChats)
	d.OnMessagesGetFullChat(s.getFullChat)
	d.OnFoldersEditPeerFolders(s.editPeerFolders)
}

// chatOfLocked returns a group the caller belongs to (or, with former,
// used to belong to: history stays readable after leaving).
func (s *Server) chatOfLocked(me *user, id int64, memberOnly bool) (*chat, error) {
	c := s.cloud.chats[id]
	if c == nil {
		return nil, rpcErr(400, "CHAT_ID_INVALID")
	}
	if c.isMember(me.id) || (!memberOnly && c.former[me.id]) {
		return c, nil
	}
	return nil, rpcErr(403, "CHAT_WRITE_FORBIDDEN")
}

func (s *Server) chatViewLocked(viewer *user, c *chat) tg.ChatClass {
	v := &tg.Chat{ID: c.id, Title: c.title, Photo: &tg.ChatPhotoEmpty{}, ParticipantsCount: len(c.members),
		Date: c.date, Version: c.version, Creator: c.creator == viewer.id, Left: !c.isMember(viewer.id)}
	return v
}

// chatsOfLocked lists the groups and channels a set of messages names.
func (s *Server) chatsOfLocked(viewer *user, msgs []*boxMessage) []tg.ChatClass {
	seen := map[peerRef]bool{}
	var out []tg.ChatClass
	add := func(p peerRef) {
		if seen[p] {
			return
		}
		seen[p] = true
		switch p.kind {
		case peerChatKind:
			if c := s.cloud.chats[p.id]; c != nil {
				out = append(out, s.chatViewLocked(viewer, c))
			}
		case peerChannelKind:
			if ch := s.cloud.channels[p.id]; ch != nil {
				out = append(out, s.channelViewLocked(viewer, ch))
			}
		}
	}
	for _, m := range msgs {
		add(m.peer)
		if m.fwd != nil && m.fwd.fromChannel != 0 {
			add(peerRef{kind: peerChannelKind, id: m.fwd.fromChannel})
		}
	}
	return out
}

// messageViewLocked is m as viewer sees it. Box messages belong to one
// viewer already; channel messages are shared and get out/mentioned here.
func (s *Server) messageViewLocked(viewer *user, m *boxMessage) tg.MessageClass {
	if m.peer.kind != peerChannelKind {
		return m.toTG()
	}
	cp := *m
	cp.out = m.from == viewer.id
	cp.mentioned = false
	if !cp.out {
		for _, id := range m.mentions {
			if id == viewer.id {
				cp.mentioned = true
			}
		}
	}
	return cp.toTG()
}

func (m *boxMessage) cloudAction() tg.MessageActionClass {
	switch m.action {
	case actionChatCreate:
		return &tg.MessageActionChatCreate{Title: m.actionTitle, Users: append([]int64(nil), m.actionUsers...)}
	case actionChatAddUser:
		return &tg.MessageActionChatAddUser{Users: append([]int64(nil), m.actionUsers...)}
	case actionChatDeleteUser:
		uid := int64(0)
		if len(m.actionUsers) > 0 {
			uid = m.actionUsers[0]
		}
		return &tg.MessageActionChatDeleteUser{UserID: uid}
	case actionChannelCreate:
		return &tg.MessageActionChannelCreate{Title: m.actionTitle}
	}
	return &tg.MessageActionEmpty{}
}

// cloneEntities copies entities through their wire form: tg objects set
// their flags while encoding, so stored ones are never handed out.
func cloneEntities(src []tg.MessageEntityClass) []tg.MessageEntityClass {
	out := make([]tg.MessageEntityClass, 0, len(src))
	var b bin.Buffer
	for _, e := range src {
		b.Reset()
		if err := e.Encode(&b); err != nil {
			continue
		}
		c, err := tg.DecodeMessageEntity(&b)
		if err != nil {
			continue
		}
		out = append(out, c)
	}
	return out
}

// storeEntitiesLocked turns client entities into stored ones: a mention by
// input user becomes a mention by id; unknown users are dropped.
func (s *Server) storeEntitiesLocked(in []tg.MessageEntityClass) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	for _, e := range in {
		if im, ok := e.(*tg.InputMessageEntityMentionName); ok {
			var uid int64
			switch u := im.UserID.(type) {
			case *tg.InputUser:
				uid = u.UserID
			case *tg.InputUserFromMessage:
				uid = u.UserID
			}
			if s.st.users[uid] == nil {
				continue
			}
			out = append(out, &tg.MessageEntityMentionName{Offset: im.Offset, Length: im.Length, UserID: uid})
			continue
		}
		out = append(out, e)
	}
	return cloneEntities(out)
}

// mentionsUser reports whether entities mention u by id.
func mentionsUser(entities []tg.MessageEntityClass, u *user) bool {
	for _, e := range entities {
		if m, ok := e.(*tg.MessageEntityMentionName); ok && m.UserID == u.id {
			return true
		}
	}
	return false
}

// mentionedLocked lists users that text/entities mention: by id, or by
// @username written in the text.
func (s *Server) mentionedLocked(text string, entities []tg.MessageEntityClass) []int64 {
	var out []int64
	for _, e := range entities {
		if m, ok := e.(*tg.MessageEntityMentionName); ok {
			out = append(out, m.UserID)
		}
	}
	if strings.Contains(text, "@") {
		for _, u := range s.st.users {
			if u.username != "" && strings.Contains(strings.ToLower(text), "@"+strings.ToLower(u.username)) {
				out = append(out, u.id)
			}
		}
	}
	return out
}

// content is what a send, a media send or a forward delivers.
type content struct {
	text     string
	entities []tg.MessageEntityClass
	// replyTo is an id in the sender's view of the chat.
	replyTo  int
	media    *storedFile
	fwd      *fwdInfo
	randomID int64
}

// fwdInfo is the "forwarded from" header.
type fwdInfo struct {
	fromUser    int64
	fromChannel int64
	channelPost int
	date        int
}

func (f *fwdInfo) toTG() tg.MessageFwdHeader {
	h := tg.MessageFwdHeader{Date: f.date}
	switch {
	case f.fromChannel != 0:
		h.SetFromID(&tg.PeerChannel{ChannelID: f.fromChannel})
		if f.channelPost != 0 {
			h.SetChannelPost(f.channelPost)
		}
	case f.fromUser != 0:
		h.SetFromID(&tg.PeerUser{UserID: f.fromUser})
	}
	return h
}

func checkText(text string, media bool) error {
	if text == "" && !media {
		return rpcErr(400, "MESSAGE_EMPTY")
	}
	if !utf8.ValidString(text) {
		return rpcErr(400, "MESSAGE_INVALID")
	}
	limit := 4096
	if media {
		limit = 1024
	}
	if len([]rune(text)) > limit {
		if media {
			return rpcErr(400, "MEDIA_CAPTION_TOO_LONG")
		}
		return rpcErr(400, "MESSAGE_TOO_LONG")
	}
	return nil
}

func replyToID(r tg.InputReplyToClass) int {
	if rr, ok := r.(*tg.InputReplyToMessage); ok {
		return rr.ReplyToMsgID
	}
	return 0
}

// sendCloudMessage is messages.sendMessage to a group or channel.
func (s *Server) sendCloudMessage(ctx context.Context, req *tg.MessagesSendMessageRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		if err := checkText(req.Message, false); err != nil {
			return nil, err
		}
		r, _ := req.GetReplyTo()
		return s.postLocked(o, req.Peer, content{text: req.Message, entities: s.storeEntitiesLocked(req.Entities),
			replyTo: replyToID(r), randomID: req.RandomID})
	})
}

// postLocked delivers c from the caller to peer (private chat, group or channel)
// and returns the caller's result: updateMessageID and the new message.
func (s *Server) postLocked(o *op, peer tg.InputPeerClass, c content) (tg.UpdatesClass, error) {
	me, d, skip := o.me, &o.d, o.session()
	switch p := peer.(type) {
	case *tg.InputPeerChannel:
		return s.postChannelLocked(d, me, p.ChannelID, p.AccessHash, c, skip)
	case *tg.InputPeerChat:
		ch, err := s.chatOfLocked(me, p.ChatID, true)
		if err != nil {
			return nil, err
		}
		if id, dup := me.randomIDs[c.randomID]; dup && c.randomID != 0 {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateMessageID{ID: id, RandomID: c.randomID}}, Date: s.unix()}, nil
		}
		mine, pts := s.postChatLocked(d, me, ch, c, skip)
		if c.randomID != 0 {
			me.randomIDs[c.randomID] = mine.id
		}
		return &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateMessageID{ID: mine.id, RandomID: c.randomID},
			&tg.UpdateNewMessage{Message: mine.toTG(), Pts: pts, PtsCount: 1},
		}, Users: s.usersOfLocked(me, []*boxMessage{mine}), Chats: s.chatsOfLocked(me, []*boxMessage{mine}), Date: s.unix()}, nil
	}
	to, err := s.resolvePeerLocked(me, peer)
	if err != nil {
		return nil, err
	}
	if id, dup := me.randomIDs[c.randomID]; dup && c.randomID != 0 {
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateMessageID{ID: id, RandomID: c.randomID}}, Date: s.unix()}, nil
	}
	now := s.unix()
	out := &boxMessage{peer: userPeer(to.id), from: me.id, out: true, date: now, text: c.text, entities: c.entities,
		replyTo: c.replyTo, media: c.media, fwd: c.fwd}
	pts := s.appendMessageLocked(d, me, out, skip)
	if c.randomID != 0 {
		me.randomIDs[c.randomID] = out.id
	}
	// A blocked sender's message is kept on their side only (blocked.go).
	if to.id != me.id && !blockedLocked(to, me.id) {
		in := &boxMessage{peer: userPeer(me.id), from: me.id, date: now, text: c.text, entities: c.entities,
			media: c.media, fwd: c.fwd, twin: out.id, order: out.order}
		if c.replyTo > 0 && c.replyTo <= len(me.box) {
			in.replyTo = me.box[c.replyTo-1].twin
			in.mentioned = !me.box[c.replyTo-1].out
		}
		in.mentioned = in.mentioned || mentionsUser(c.entities, to)
		s.appendMessageLocked(d, to, in, 0)
		out.twin = in.id
	}
	return &tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateMessageID{ID: out.id, RandomID: c.randomID},
		&tg.UpdateNewMessage{Message: out.toTG(), Pts: pts, PtsCount: 1},
	}, Users: s.usersOfLocked(me, []*boxMessage{out}), Date: now}, nil
}

// postChatLocked puts one message into every member's box. It returns the
// sender's copy and the sender's pts.
func (s *Server) postChatLocked(d *delivery, from *user, c *chat, ct content, skip int64) (*boxMessage, int) {
	copies := map[int64]int{}
	order := s.nextOrderLocked()
	now := s.unix()
	mentions := s.mentionedLocked(ct.text, ct.entities)
	// The replied-to message, found in the sender's box.
	var replied *boxMessage
	if ct.replyTo > 0 && ct.replyTo <= len(from.box) && from.box[ct.replyTo-1].peer == (peerRef{kind: peerChatKind, id: c.id}) {
		replied = from.box[ct.replyTo-1]
	}
	var mine *boxMessage
	var myPts int
	for _, uid := range c.members {
		owner := s.st.users[uid]
		if owner == nil {
			continue
		}
		m := &boxMessage{peer: peerRef{kind: peerChatKind, id: c.id}, from: from.id, out: uid == from.id, date: now,
			text: ct.text, entities: ct.entities, media: ct.media, fwd: ct.fwd, copies: copies, order: order}
		if replied != nil && replied.copies != nil {
			m.replyTo = replied.copies[uid]
			m.mentioned = uid != from.id && replied.from == uid
		}
		for _, id := range mentions {
			if id == uid && uid != from.id {
				m.mentioned = true
			}
		}
		sk := int64(0)
		if uid == from.id {
			sk = skip
		}
		pts := s.appendMessageLocked(d, owner, m, sk)
		copies[uid] = m.id
		if uid == from.id {
			mine, myPts = m, pts
		}
	}
	return mine, myPts
}

// serviceChatLocked posts a service message (create, add, leave) to a group.
func (s *Server) serviceChatLocked(d *delivery, from *user, c *chat, action msgAction, users []int64, skip int64) (*boxMessage, int) {
	copies := map[int64]int{}
	order := s.nextOrderLocked()
	var mine *boxMessage
	var myPts int
	members := append([]int64(nil), c.members...)
	if action == actionChatDeleteUser && !c.isMember(users[0]) {
		members = append(members, users[0]) // the one who left sees it too
	}
	for _, uid := range members {
		owner := s.st.users[uid]
		if owner == nil {
			continue
		}
		m := &boxMessage{peer: peerRef{kind: peerChatKind, id: c.id}, from: from.id, out: uid == from.id, date: s.unix(),
			action: action, actionUsers: users, actionTitle: c.title, copies: copies, order: order}
		sk := int64(0)
		if uid == from.id {
			sk = skip
		}
		pts := s.appendMessageLocked(d, owner, m, sk)
		copies[uid] = m.id
		if uid == from.id {
			mine, myPts = m, pts
		}
	}
	return mine, myPts
}

func (s *Server) inputUsersLocked(me *user, in []tg.InputUserClass) ([]*user, error) {
	var out []*user
	for _, iu := range in {
		u, err := s.resolveInputUserLocked(me, iu)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func (s *Server) createChat(ctx context.Context, req *tg.MessagesCreateChatRequest) (*tg.MessagesInvitedUsers, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesInvitedUsers, error) {
		me, d := o.me, &o.d
		title := strings.TrimSpace(req.Title)
		if title == "" || len([]rune(title)) > 128 {
			return nil, rpcErr(400, "CHAT_TITLE_EMPTY")
		}
		users, err := s.inputUsersLocked(me, req.Users)
		if err != nil {
			return nil, err
		}
		s.cloud.nextChatID++
		c := &chat{id: s.cloud.nextChatID, title: title, creator: me.id, date: s.unix(), version: 1, members: []int64{me.id}, former: map[int64]bool{}}
		ids := []int64{}
		for _, u := range users {
			if !c.isMember(u.id) {
				c.members = append(c.members, u.id)
				ids = append(ids, u.id)
			}
		}
		s.cloud.chats[c.id] = c
		mine, pts := s.serviceChatLocked(d, me, c, actionChatCreate, ids, o.session())
		return &tg.MessagesInvitedUsers{Updates: &tg.Updates{
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: mine.toTG(), Pts: pts, PtsCount: 1}},
			Users:   s.usersOfLocked(me, []*boxMessage{mine}),
			Chats:   []tg.ChatClass{s.chatViewLocked(me, c)},
			Date:    s.unix(),
		}, MissingInvitees: []tg.MissingInvitee{}}, nil
	})
}

func (s *Server) addChatUser(ctx context.Context, req *tg.MessagesAddChatUserRequest) (*tg.MessagesInvitedUsers, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesInvitedUsers, error) {
		me, d := o.me, &o.d
		c, err := s.chatOfLocked(me, req.ChatID, true)
		if err != nil {
			return nil, err
		}
		u, err := s.resolveInputUserLocked(me, req.UserID)
		if err != nil {
			return nil, err
		}
		if c.isMember(u.id) {
			return nil, rpcErr(400, "USER_ALREADY_PARTICIPANT")
		}
		c.members = append(c.members, u.id)
		delete(c.former, u.id)
		c.version++
		mine, pts := s.serviceChatLocked(d, me, c, actionChatAddUser, []int64{u.id}, o.session())
		return &tg.MessagesInvitedUsers{Updates: &tg.Updates{
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: mine.toTG(), Pts: pts, PtsCount: 1}},
			Users:   s.usersOfLocked(me, []*boxMessage{mine}),
			Chats:   []tg.ChatClass{s.chatViewLocked(me, c)},
			Date:    s.unix(),
		}, MissingInvitees: []tg.MissingInvitee{}}, nil
	})
}

// deleteChatUser removes a member; a user removing themselves leaves.
// Only the creator removes others.
func (s *Server) deleteChatUser(ctx context.Context, req *tg.MessagesDeleteChatUserRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		c, err := s.chatOfLocked(me, req.ChatID, true)
		if err != nil {
			return nil, err
		}
		u, err := s.resolveInputUserLocked(me, req.UserID)
		if err != nil {
			return nil, err
		}
		if u.id != me.id && c.creator != me.id {
			return nil, rpcErr(400, "CHAT_ADMIN_REQUIRED")
		}
		if !c.isMember(u.id) {
			return nil, rpcErr(400, "USER_NOT_PARTICIPANT")
		}
		kept := c.members[:0]
		for _, m := range c.members {
			if m != u.id {
				kept = append(kept, m)
			}
		}
		c.members = kept
		c.former[u.id] = true
		c.version++
		mine, pts := s.serviceChatLocked(d, me, c, actionChatDeleteUser, []int64{u.id}, o.session())
		return &tg.Updates{
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: mine.toTG(), Pts: pts, PtsCount: 1}},
			Users:   s.usersOfLocked(me, []*boxMessage{mine}),
			Chats:   []tg.ChatClass{s.chatViewLocked(me, c)},
			Date:    s.unix(),
		}, nil
	})
}

func (s *Server) getChats(ctx context.Context, ids []int64) (tg.MessagesChatsClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesChatsClass, error) {
		me := o.me
		res := &tg.MessagesChats{Chats: []tg.ChatClass{}}
		for _, id := range ids {
			c, err := s.chatOfLocked(me, id, false)
			if err != nil {
				continue
			}
			res.Chats = append(res.Chats, s.chatViewLocked(me, c))
		}
		return res, nil
	})
}

func (s *Server) getFullChat(ctx context.Context, id int64) (*tg.MessagesChatFull, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesChatFull, error) {
		me := o.me
		c, err := s.chatOfLocked(me, id, false)
		if err != nil {
			return nil, err
		}
		parts := &tg.ChatParticipants{ChatID: c.id, Version: c.version}
		var users []tg.UserClass
		for _, uid := range c.members {
			if uid == c.creator {
				parts.Participants = append(parts.Participants, &tg.ChatParticipantCreator{UserID: uid})
			} else {
				parts.Participants = append(parts.Participants, &tg.ChatParticipant{UserID: uid, InviterID: c.creator, Date: c.date})
			}
			if u := s.st.users[uid]; u != nil {
				users = append(users, s.userViewLocked(me, u))
			}
		}
		full := &tg.ChatFull{ID: c.id, Participants: parts, NotifySettings: tg.PeerNotifySettings{}}
		return &tg.MessagesChatFull{FullChat: full, Chats: []tg.ChatClass{s.chatViewLocked(me, c)}, Users: users}, nil
	})
}

// readChatHistoryLocked marks a group read up to maxID in me's box and
// tells each sender how far their messages were read.
func (s *Server) readChatHistoryLocked(o *op, chatID int64, maxID int) (*tg.MessagesAffectedMessages, error) {
	me, d := o.me, &o.d
	if _, err := s.chatOfLocked(me, chatID, false); err != nil {
		return nil, err
	}
	maxID = min(maxID, len(me.box))
	if maxID <= me.readInbox[chatID] {
		return &tg.MessagesAffectedMessages{Pts: me.pts, PtsCount: 0}, nil
	}
	prev := me.readInbox[chatID]
	me.readInbox[chatID] = maxID
	peer := peerRef{kind: peerChatKind, id: chatID}
	skip := o.session()
	pts := s.addPtsLocked(me, 1, nil, func() tg.UpdateClass {
		return &tg.UpdateReadHistoryInbox{Peer: peer.tg(), MaxID: maxID}
	})
	s.toUserLocked(d, me.id, skip, func() tg.UpdatesClass {
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateReadHistoryInbox{Peer: peer.tg(), MaxID: maxID, Pts: pts, PtsCount: 1}}, Date: s.unix()}
	})
	// Senders learn the highest of their messages now read.
	read := map[int64]int{}
	for _, m := range me.box[prev:maxID] {
		if m.peer == peer && !m.out && m.copies != nil {
			read[m.from] = max(read[m.from], m.copies[m.from])
		}
	}
	for uid, id := range read {
		sender := s.st.users[uid]
		if sender == nil || id <= sender.readOut[chatID] {
			continue
		}
		sender.readOut[chatID] = id
		spts := s.addPtsLocked(sender, 1, nil, func() tg.UpdateClass {
			return &tg.UpdateReadHistoryOutbox{Peer: peer.tg(), MaxID: id}
		})
		s.toUserLocked(d, uid, 0, func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateReadHistoryOutbox{Peer: peer.tg(), MaxID: id, Pts: spts, PtsCount: 1}}, Date: s.unix()}
		})
	}
	return &tg.MessagesAffectedMessages{Pts: pts, PtsCount: 1}, nil
}

// peerRefOfInputLocked names an input peer from me's point of view.
func (s *Server) peerRefOfInputLocked(me *user, p tg.InputPeerClass) (peerRef, bool) {
	switch p := p.(type) {
	case *tg.InputPeerSelf:
		return userPeer(me.id), true
	case *tg.InputPeerUser:
		return userPeer(p.UserID), true
	case *tg.InputPeerChat:
		return peerRef{kind: peerChatKind, id: p.ChatID}, true
	case *tg.InputPeerChannel:
		return peerRef{kind: peerChannelKind, id: p.ChannelID}, true
	}
	return peerRef{}, false
}

// folderDialogsLocked lists me's dialogs in one folder (0 main, 1 archive).
func (s *Server) folderDialogsLocked(me *user, folder int) []dialogInfo {
	var out []dialogInfo
	for _, d := range s.dialogsLocked(me) {
		if s.cloud.folders[me.id][d.peer] == folder {
			out = append(out, d)
		}
	}
	return out
}

// dialogsOffsetLocked is where a getDialogs page starts: after the offset
// peer when given, else after offset_date/offset_id.
func dialogsOffsetLocked(all []dialogInfo, req *tg.MessagesGetDialogsRequest) int {
	var want peerRef
	switch p := req.OffsetPeer.(type) {
	case *tg.InputPeerUser:
		want = userPeer(p.UserID)
	case *tg.InputPeerChat:
		want = peerRef{kind: peerChatKind, id: p.ChatID}
	case *tg.InputPeerChannel:
		want = peerRef{kind: peerChannelKind, id: p.ChannelID}
	}
	if want.id != 0 {
		for i, d := range all {
			if d.peer == want {
				return i + 1
			}
		}
	}
	if req.OffsetDate > 0 {
		for i, d := range all {
			if d.top.date < req.OffsetDate || (d.top.date == req.OffsetDate && req.OffsetID > 0 && d.top.id < req.OffsetID) {
				return i
			}
		}
		return len(all)
	}
	return 0
}

// editPeerFolders moves dialogs between the main list (0) and the archive (1).
func (s *Server) editPeerFolders(ctx context.Context, peers []tg.InputFolderPeer) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		var changed []tg.FolderPeer
		for _, fp := range peers {
			if fp.FolderID != 0 && fp.FolderID != 1 {
				return nil, rpcErr(400, "FOLDER_ID_INVALID")
			}
			p, ok := s.peerRefOfInputLocked(me, fp.Peer)
			if !ok {
				return nil, rpcErr(400, "PEER_ID_INVALID")
			}
			if s.cloud.folders[me.id] == nil {
				s.cloud.folders[me.id] = map[peerRef]int{}
			}
			if fp.FolderID == 0 {
				delete(s.cloud.folders[me.id], p)
			} else {
				s.cloud.folders[me.id][p] = fp.FolderID
			}
			changed = append(changed, tg.FolderPeer{Peer: p.tg(), FolderID: fp.FolderID})
		}
		build := func() []tg.FolderPeer {
			out := make([]tg.FolderPeer, len(changed))
			for i, c := range changed {
				p, _ := s.peerRefOfPeer(c.Peer)
				out[i] = tg.FolderPeer{Peer: p.tg(), FolderID: c.FolderID}
			}
			return out
		}
		pts := s.addPtsLocked(me, 1, nil, func() tg.UpdateClass { return &tg.UpdateFolderPeers{FolderPeers: build()} })
		s.toUserLocked(d, me.id, o.session(), func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateFolderPeers{FolderPeers: build(), Pts: pts, PtsCount: 1}}, Date: s.unix()}
		})
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateFolderPeers{FolderPeers: build(), Pts: pts, PtsCount: 1}}, Date: s.unix()}, nil
	})
}

func (s *Server) peerRefOfPeer(p tg.PeerClass) (peerRef, bool) {
	switch p := p.(type) {
	case *tg.PeerUser:
		return userPeer(p.UserID), true
	case *tg.PeerChat:
		return peerRef{kind: peerChatKind, id: p.ChatID}, true
	case *tg.PeerChannel:
		return peerRef{kind: peerChannelKind, id: p.ChannelID}, true
	}
	return peerRef{}, false
}

// Demo titles.
const (
	DemoGroupTitle   = "Tacit demo group"
	DemoChannelTitle = "Tacit demo channel"
)

// DemoGroups creates, through Alice's client, the demo group (Alice and
// Bob) and the demo channel (Alice its admin), posts a first message in
// each, and from then on adds every user who signs up to both. Call it
// after DemoContacts.
func (s *Server) DemoGroups(ctx context.Context) error {
	var alice, bob *Contact
	for _, c := range s.Contacts() {
		switch c.Name {
		case "Alice":
			alice = c
		case "Bob":
			bob = c
		}
	}
	if alice == nil || bob == nil {
		return errors.New("sandbox: demo groups need the demo contacts (DemoContacts)")
	}
	s.mu.Lock()
	b := s.st.users[bob.UserID]
	bobInput := &tg.InputUser{UserID: b.id, AccessHash: b.accessHash}
	s.mu.Unlock()
	api := alice.client.API()
	created, err := api.MessagesCreateChat(ctx, &tg.MessagesCreateChatRequest{Title: DemoGroupTitle, Users: []tg.InputUserClass{bobInput}})
	if err != nil {
		return fmt.Errorf("sandbox: demo group: %w", err)
	}
	chatID := firstChatOf(created.Updates)
	upd, err := api.ChannelsCreateChannel(ctx, &tg.ChannelsCreateChannelRequest{Broadcast: true, Title: DemoChannelTitle,
		About: "Posts from Tacit's simulated contacts. Channels are cloud chats: Telegram can read them."})
	if err != nil {
		return fmt.Errorf("sandbox: demo channel: %w", err)
	}
	channelID, channelHash := firstChannelOf(upd)
	group := &tg.InputPeerChat{ChatID: chatID}
	chanPeer := &tg.InputPeerChannel{ChannelID: channelID, AccessHash: channelHash}
	if _, err := api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: group, RandomID: randInt64(),
		Message: "Welcome to the demo group. Groups are cloud chats: Telegram can read everything here."}); err != nil {
		return fmt.Errorf("sandbox: demo group post: %w", err)
	}
	if _, err := api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: chanPeer, RandomID: randInt64(),
		Message: "First post in the demo channel."}); err != nil {
		return fmt.Errorf("sandbox: demo channel post: %w", err)
	}
	s.onSignUp(func(uid, hash int64) {
		go alice.welcome(uid, hash, chatID, chanPeer)
	})
	return nil
}

// welcome adds a new user to the demo group and channel and says hello.
func (c *Contact) welcome(uid, hash, chatID int64, channel *tg.InputPeerChannel) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	api := c.client.API()
	u := &tg.InputUser{UserID: uid, AccessHash: hash}
	if _, err := api.MessagesAddChatUser(ctx, &tg.MessagesAddChatUserRequest{ChatID: chatID, UserID: u}); err != nil {
		c.problem("add user %d to the demo group", uid, err)
		return
	}
	if _, err := api.ChannelsInviteToChannel(ctx, &tg.ChannelsInviteToChannelRequest{
		Channel: &tg.InputChannel{ChannelID: channel.ChannelID, AccessHash: channel.AccessHash}, Users: []tg.InputUserClass{u}}); err != nil {
		c.problem("invite user %d to the demo channel", uid, err)
	}
	if _, err := api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: &tg.InputPeerChat{ChatID: chatID}, RandomID: randInt64(),
		Message: "Welcome! This group is a cloud chat, so Telegram can read it. Secret chats are one-to-one only."}); err != nil {
		c.problem("welcome user %d in the demo group", uid, err)
	}
	if _, err := api.MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: channel, RandomID: randInt64(),
		Message: fmt.Sprintf("A new reader joined (%s).", c.srv.firstName(uid))}); err != nil {
		c.problem("announce user %d in the demo channel", uid, err)
	}
}

func (s *Server) firstName(uid int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.st.users[uid]; u != nil {
		return u.first
	}
	return "someone"
}

func firstChatOf(u tg.UpdatesClass) int64 {
	if up, ok := u.(*tg.Updates); ok {
		for _, c := range up.Chats {
			if c, ok := c.(*tg.Chat); ok {
				return c.ID
			}
		}
	}
	return 0
}

func firstChannelOf(u tg.UpdatesClass) (int64, int64) {
	if up, ok := u.(*tg.Updates); ok {
		for _, c := range up.Chats {
			if c, ok := c.(*tg.Channel); ok {
				return c.ID, c.AccessHash
			}
		}
	}
	return 0, 0
}
