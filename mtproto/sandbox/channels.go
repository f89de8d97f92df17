package sandbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotd/td/tg"
)

// channelDifferenceMax caps one updates.getChannelDifference answer.
const channelDifferenceMax = 100

// channelTooLong is the gap (in events) past which getChannelDifference
// answers channelDifferenceTooLong: the client reloads history instead.
const channelTooLong = 1000

// channel is a supergroup (megagroup) or a broadcast channel: one message
// list shared by all members, numbered per channel, with its own pts.
type channel struct {
	id, accessHash int64
	title          string
	about          string
	megagroup      bool
	creator        int64
	date           int
	members        map[int64]*channelMember
	msgs           []*boxMessage // index = id-1
	pts            int
	log            []ptsEntry
	randomIDs      map[int64]int
}

type channelMember struct {
	admin   bool
	left    bool
	readMax int
}

func (ch *channel) member(uid int64) *channelMember {
	if m := ch.members[uid]; m != nil && !m.left {
		return m
	}
	return nil
}

func (s *Server) registerChannels(d *tg.ServerDispatcher) {
	d.OnChannelsCreateChannel(s.createChannel)
	d.OnChannelsInviteToChannel(s.inviteToChannel)
	d.OnChannelsLeaveChannel(s.leaveChannel)
	d.OnChannelsEditAdmin(s.editAdmin)
	d.OnChannelsGetChannels(s.getChannels)
	d.OnChannelsGetFullChannel(s.getFullChannel)
	d.OnChannelsReadHistory(s.readChannelHistory)
	d.OnUpdatesGetChannelDifference(s.getChannelDifference)
}

// channelOfLocked checks the id, access hash and, with memberOnly,
// membership.
func (s *Server) channelOfLocked(me *user, id, hash int64, memberOnly bool) (*channel, error) {
	ch := s.cloud.channels[id]
	if ch == nil || ch.accessHash != hash {
		return nil, rpcErr(400, "CHANNEL_INVALID")
	}
	if memberOnly && ch.member(me.id) == nil {
		return nil, rpcErr(400, "CHANNEL_PRIVATE")
	}
	return ch, nil
}

func (s *Server) inputChannelLocked(me *user, in tg.InputChannelClass, memberOnly bool) (*channel, error) {
	switch c := in.(type) {
	case *tg.InputChannel:
		return s.channelOfLocked(me, c.ChannelID, c.AccessHash, memberOnly)
	}
	return nil, rpcErr(400, "CHANNEL_INVALID")
}

func (s *Server) channelViewLocked(viewer *user, ch *channel) tg.ChatClass {
	v := &tg.Channel{ID: ch.id, Title: ch.title, Photo: &tg.ChatPhotoEmpty{}, Date: ch.date,
		Megagroup: ch.megagroup, Broadcast: !ch.megagroup, Creator: ch.creator == viewer.id}
	v.SetAccessHash(ch.accessHash)
	n := 0
	for _, m := range ch.members {
		if !m.left {
			n++
		}
	}
	v.SetParticipantsCount(n)
	m := ch.member(viewer.id)
	v.Left = m == nil
	if m != nil && m.admin {
		v.SetAdminRights(tg.ChatAdminRights{ChangeInfo: true, PostMessages: true, EditMessages: true,
			DeleteMessages: true, InviteUsers: true, PinMessages: true})
	}
	return v
}

// addChannelEventLocked appends to the channel's pts log.
func (s *Server) addChannelEventLocked(ch *channel, count int, message *boxMessage, build func() tg.UpdateClass) int {
	ch.pts += count
	ch.log = append(ch.log, ptsEntry{pts: ch.pts, count: count, message: message, build: build, date: s.unix()})
	return ch.pts
}

// toChannelLocked queues an update for every session of every member
// except the session skip; build runs per member (views differ). The
// users sent along are only those msgs name: members never learn who
// else reads a channel.
func (s *Server) toChannelLocked(d *delivery, ch *channel, skip int64, msgs []*boxMessage, build func(viewer *user) tg.UpdateClass) {
	for uid, m := range ch.members {
		if m.left {
			continue
		}
		viewer := s.st.users[uid]
		if viewer == nil {
			continue
		}
		s.toUserLocked(d, uid, skip, func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{build(viewer)}, Chats: []tg.ChatClass{s.channelViewLocked(viewer, ch)},
				Users: s.usersOfLocked(viewer, msgs), Date: s.unix()}
		})
	}
}

// appendChannelMessageLocked stores m as the next channel message, logs
// it with pts and pushes it to every member (skip excepted).
func (s *Server) appendChannelMessageLocked(d *delivery, ch *channel, m *boxMessage, skip int64, push bool) int {
	ch.msgs = append(ch.msgs, m)
	m.id = len(ch.msgs)
	m.peer = peerRef{kind: peerChannelKind, id: ch.id}
	if m.order == 0 {
		m.order = s.nextOrderLocked()
	}
	pts := s.addChannelEventLocked(ch, 1, m, nil)
	if push {
		s.toChannelLocked(d, ch, skip, []*boxMessage{m}, func(viewer *user) tg.UpdateClass {
			return &tg.UpdateNewChannelMessage{Message: s.messageViewLocked(viewer, m), Pts: pts, PtsCount: 1}
		})
	}
	return pts
}

// postChannelLocked sends c to a channel: members write in supergroups,
// only admins in broadcast channels.
func (s *Server) postChannelLocked(d *delivery, me *user, id, hash int64, c content, skip int64) (tg.UpdatesClass, error) {
	ch, err := s.channelOfLocked(me, id, hash, true)
	if err != nil {
		return nil, err
	}
	if !ch.megagroup && !ch.member(me.id).admin {
		return nil, rpcErr(403, "CHAT_WRITE_FORBIDDEN")
	}
	if mid, dup := ch.randomIDs[c.randomID]; dup && c.randomID != 0 {
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateMessageID{ID: mid, RandomID: c.randomID}}, Date: s.unix()}, nil
	}
	m := &boxMessage{from: me.id, date: s.unix(), text: c.text, entities: c.entities, media: c.media, fwd: c.fwd, post: !ch.megagroup}
	m.mentions = s.mentionedLocked(c.text, c.entities)
	if c.replyTo > 0 && c.replyTo <= len(ch.msgs) && !ch.msgs[c.replyTo-1].deleted {
		m.replyTo = c.replyTo
		if r := ch.msgs[c.replyTo-1]; r.from != me.id && !r.post {
			m.mentions = append(m.mentions, r.from)
		}
	}
	pts := s.appendChannelMessageLocked(d, ch, m, skip, true)
	if c.randomID != 0 {
		ch.randomIDs[c.randomID] = m.id
	}
	return &tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateMessageID{ID: m.id, RandomID: c.randomID},
		&tg.UpdateNewChannelMessage{Message: s.messageViewLocked(me, m), Pts: pts, PtsCount: 1},
	}, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: s.usersOfLocked(me, []*boxMessage{m}), Date: s.unix()}, nil
}

func (s *Server) createChannel(ctx context.Context, req *tg.ChannelsCreateChannelRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		title := strings.TrimSpace(req.Title)
		if title == "" || len([]rune(title)) > 128 {
			return nil, rpcErr(400, "CHAT_TITLE_EMPTY")
		}
		if req.Broadcast == req.Megagroup {
			return nil, rpcErr(400, "CHANNELS_TOO_MUCH") // exactly one kind, as Telegram's clients send
		}
		s.cloud.nextChannelID++
		ch := &channel{id: s.cloud.nextChannelID, accessHash: randInt64(), title: title, about: req.About, megagroup: req.Megagroup,
			creator: me.id, date: s.unix(), members: map[int64]*channelMember{me.id: {admin: true}}, randomIDs: map[int64]int{}}
		s.cloud.channels[ch.id] = ch
		m := &boxMessage{from: me.id, date: s.unix(), action: actionChannelCreate, actionTitle: title, post: !ch.megagroup}
		pts := s.appendChannelMessageLocked(d, ch, m, o.session(), true)
		return &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateChannel{ChannelID: ch.id},
			&tg.UpdateNewChannelMessage{Message: s.messageViewLocked(me, m), Pts: pts, PtsCount: 1},
		}, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: []tg.UserClass{s.userViewLocked(me, me)}, Date: s.unix()}, nil
	})
}

func (s *Server) inviteToChannel(ctx context.Context, req *tg.ChannelsInviteToChannelRequest) (*tg.MessagesInvitedUsers, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesInvitedUsers, error) {
		me, d := o.me, &o.d
		ch, err := s.inputChannelLocked(me, req.Channel, true)
		if err != nil {
			return nil, err
		}
		if !ch.megagroup && !ch.member(me.id).admin {
			return nil, rpcErr(400, "CHAT_ADMIN_REQUIRED")
		}
		users, err := s.inputUsersLocked(me, req.Users)
		if err != nil {
			return nil, err
		}
		var added []int64
		for _, u := range users {
			if ch.member(u.id) != nil {
				continue
			}
			ch.members[u.id] = &channelMember{}
			added = append(added, u.id)
		}
		if len(added) == 0 {
			return nil, rpcErr(400, "USER_ALREADY_PARTICIPANT")
		}
		res := &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Date: s.unix()}
		for _, uid := range added {
			u := s.st.users[uid]
			s.toUserLocked(d, uid, 0, func() tg.UpdatesClass {
				return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, Chats: []tg.ChatClass{s.channelViewLocked(u, ch)}, Date: s.unix()}
			})
		}
		if ch.megagroup {
			m := &boxMessage{from: me.id, date: s.unix(), action: actionChatAddUser, actionUsers: added}
			pts := s.appendChannelMessageLocked(d, ch, m, o.session(), true)
			res.Updates = append(res.Updates, &tg.UpdateNewChannelMessage{Message: s.messageViewLocked(me, m), Pts: pts, PtsCount: 1})
			res.Users = s.usersOfLocked(me, []*boxMessage{m})
		}
		return &tg.MessagesInvitedUsers{Updates: res, MissingInvitees: []tg.MissingInvitee{}}, nil
	})
}

func (s *Server) leaveChannel(ctx context.Context, in tg.InputChannelClass) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		ch, err := s.inputChannelLocked(me, in, true)
		if err != nil {
			return nil, err
		}
		ch.members[me.id].left = true
		ch.members[me.id].admin = false
		s.toUserLocked(d, me.id, o.session(), func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Date: s.unix()}
		})
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Date: s.unix()}, nil
	})
}

// editAdmin grants or removes admin rights; only the creator may.
func (s *Server) editAdmin(ctx context.Context, req *tg.ChannelsEditAdminRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me, d := o.me, &o.d
		ch, err := s.inputChannelLocked(me, req.Channel, true)
		if err != nil {
			return nil, err
		}
		if ch.creator != me.id {
			return nil, rpcErr(400, "CHAT_ADMIN_REQUIRED")
		}
		u, err := s.resolveInputUserLocked(me, req.UserID)
		if err != nil {
			return nil, err
		}
		m := ch.member(u.id)
		if m == nil {
			return nil, rpcErr(400, "USER_NOT_PARTICIPANT")
		}
		r := req.AdminRights
		m.admin = r.ChangeInfo || r.PostMessages || r.EditMessages || r.DeleteMessages || r.BanUsers || r.InviteUsers || r.PinMessages || r.AddAdmins
		s.toUserLocked(d, u.id, 0, func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, Chats: []tg.ChatClass{s.channelViewLocked(u, ch)}, Date: s.unix()}
		})
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateChannel{ChannelID: ch.id}}, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Date: s.unix()}, nil
	})
}

func (s *Server) getChannels(ctx context.Context, ids []tg.InputChannelClass) (tg.MessagesChatsClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesChatsClass, error) {
		me := o.me
		res := &tg.MessagesChats{Chats: []tg.ChatClass{}}
		for _, in := range ids {
			ch, err := s.inputChannelLocked(me, in, false)
			if err != nil {
				return nil, err
			}
			res.Chats = append(res.Chats, s.channelViewLocked(me, ch))
		}
		return res, nil
	})
}

func (s *Server) getFullChannel(ctx context.Context, in tg.InputChannelClass) (*tg.MessagesChatFull, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesChatFull, error) {
		me := o.me
		ch, err := s.inputChannelLocked(me, in, false)
		if err != nil {
			return nil, err
		}
		info := s.channelDialogLocked(me, ch)
		full := &tg.ChannelFull{ID: ch.id, About: ch.about, ReadInboxMaxID: info.readIn, ReadOutboxMaxID: info.readOut,
			UnreadCount: info.unread, ChatPhoto: &tg.PhotoEmpty{}, NotifySettings: tg.PeerNotifySettings{}, BotInfo: []tg.BotInfo{}, Pts: ch.pts}
		n, admins := 0, 0
		for _, m := range ch.members {
			if !m.left {
				n++
				if m.admin {
					admins++
				}
			}
		}
		full.SetParticipantsCount(n)
		full.SetAdminsCount(admins)
		return &tg.MessagesChatFull{FullChat: full, Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: []tg.UserClass{}}, nil
	})
}

// channelDialogLocked summarises a channel for one member.
func (s *Server) channelDialogLocked(me *user, ch *channel) dialogInfo {
	info := dialogInfo{peer: peerRef{kind: peerChannelKind, id: ch.id}, pts: ch.pts}
	if m := ch.members[me.id]; m != nil {
		info.readIn = m.readMax
	}
	for uid, m := range ch.members {
		if uid != me.id {
			info.readOut = max(info.readOut, m.readMax)
		}
	}
	for i := len(ch.msgs) - 1; i >= 0; i-- {
		m := ch.msgs[i]
		if m.deleted {
			continue
		}
		if info.top == nil {
			info.top = m
		}
		if m.id <= info.readIn {
			break
		}
		if m.from != me.id && m.action == actionNone {
			info.unread++
			for _, id := range m.mentions {
				if id == me.id {
					info.mentions++
				}
			}
		}
	}
	return info
}

// channelDialogsLocked lists the channels owner belongs to as dialogs.
func (s *Server) channelDialogsLocked(owner *user) []dialogInfo {
	var out []dialogInfo
	for _, ch := range s.cloud.channels {
		if ch.member(owner.id) == nil {
			continue
		}
		if info := s.channelDialogLocked(owner, ch); info.top != nil {
			out = append(out, info)
		}
	}
	return out
}

// channelHistoryLocked is messages.getHistory for a channel.
func (s *Server) channelHistoryLocked(me *user, p *tg.InputPeerChannel, req *tg.MessagesGetHistoryRequest) (tg.MessagesMessagesClass, error) {
	ch, err := s.channelOfLocked(me, p.ChannelID, p.AccessHash, true)
	if err != nil {
		return nil, err
	}
	// Channel ids are dense: walk down from the offset without building
	// the whole list (a channel may hold many thousands of posts).
	limit := req.Limit
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	top := len(ch.msgs)
	if req.OffsetID > 0 {
		top = min(top, req.OffsetID-1)
	}
	if req.MaxID > 0 {
		top = min(top, req.MaxID-1)
	}
	var page []*boxMessage
	skip := req.AddOffset
	count := 0
	for _, m := range ch.msgs {
		if !m.deleted {
			count++
		}
	}
	for id := top; id >= 1 && len(page) < limit; id-- {
		m := ch.msgs[id-1]
		if m.deleted || (req.OffsetDate > 0 && m.date >= req.OffsetDate) {
			continue
		}
		if req.MinID > 0 && m.id <= req.MinID {
			break
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
	return &tg.MessagesChannelMessages{Pts: ch.pts, Count: count, Messages: msgs, Topics: []tg.ForumTopicClass{},
		Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: s.usersOfLocked(me, page)}, nil
}

func (s *Server) readChannelHistory(ctx context.Context, req *tg.ChannelsReadHistoryRequest) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me, d := o.me, &o.d
		ch, err := s.inputChannelLocked(me, req.Channel, true)
		if err != nil {
			return false, err
		}
		m := ch.member(me.id)
		maxID := min(req.MaxID, len(ch.msgs))
		if maxID <= m.readMax {
			return true, nil
		}
		m.readMax = maxID
		still := s.channelDialogLocked(me, ch).unread
		s.toUserLocked(d, me.id, o.session(), func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateReadChannelInbox{ChannelID: ch.id, MaxID: maxID, StillUnreadCount: still, Pts: ch.pts}},
				Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Date: s.unix()}
		})
		return true, nil
	})
}

// getChannelDifference returns the channel's events after pts: up to the
// client's limit (at most channelDifferenceMax) per answer, final when
// nothing is left; after a gap of more than channelTooLong events, a
// channelDifferenceTooLong with the dialog and the latest messages.
func (s *Server) getChannelDifference(ctx context.Context, req *tg.UpdatesGetChannelDifferenceRequest) (tg.UpdatesChannelDifferenceClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesChannelDifferenceClass, error) {
		me := o.me
		ch, err := s.inputChannelLocked(me, req.Channel, true)
		if err != nil {
			return nil, err
		}
		s.cloud.diffCalls[ch.id]++
		if req.Pts < 0 || req.Pts > ch.pts {
			return nil, rpcErr(400, "PERSISTENT_TIMESTAMP_INVALID")
		}
		limit := req.Limit
		if limit <= 0 || limit > channelDifferenceMax {
			limit = channelDifferenceMax
		}
		if req.Pts == ch.pts {
			return &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: ch.pts, Timeout: 30}, nil
		}
		// Events are logged in pts order, one per pts step or more.
		start := firstEventAfter(ch.log, req.Pts)
		if len(ch.log)-start > channelTooLong {
			info := s.channelDialogLocked(me, ch)
			dlg := &tg.Dialog{Peer: info.peer.tg(), TopMessage: info.top.id, ReadInboxMaxID: info.readIn, ReadOutboxMaxID: info.readOut,
				UnreadCount: info.unread, UnreadMentionsCount: info.mentions, NotifySettings: tg.PeerNotifySettings{}}
			dlg.SetPts(ch.pts)
			var page []*boxMessage
			for id := len(ch.msgs); id >= 1 && len(page) < limit; id-- {
				if m := ch.msgs[id-1]; !m.deleted {
					page = append(page, m)
				}
			}
			msgs := make([]tg.MessageClass, len(page))
			for i, m := range page {
				msgs[i] = s.messageViewLocked(me, m)
			}
			return &tg.UpdatesChannelDifferenceTooLong{Final: true, Timeout: 30, Dialog: dlg, Messages: msgs,
				Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}, Users: s.usersOfLocked(me, page)}, nil
		}
		res := &tg.UpdatesChannelDifference{Final: true, Timeout: 30, Pts: req.Pts, NewMessages: []tg.MessageClass{}, OtherUpdates: []tg.UpdateClass{}}
		var msgs []*boxMessage
		for i := start; i < len(ch.log); i++ {
			e := ch.log[i]
			if i-start == limit {
				res.Final = false
				break
			}
			res.Pts = e.pts
			if e.message != nil {
				if !e.message.deleted {
					res.NewMessages = append(res.NewMessages, s.messageViewLocked(me, e.message))
					msgs = append(msgs, e.message)
				}
				continue
			}
			u := e.build()
			setChannelPts(u, e.pts, e.count)
			res.OtherUpdates = append(res.OtherUpdates, u)
		}
		res.Chats = []tg.ChatClass{s.channelViewLocked(me, ch)}
		res.Users = s.usersOfLocked(me, msgs)
		return res, nil
	})
}

// firstEventAfter is the index of the first log entry with pts > after.
func firstEventAfter(log []ptsEntry, after int) int {
	lo, hi := 0, len(log)
	for lo < hi {
		mid := (lo + hi) / 2
		if log[mid].pts <= after {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func setChannelPts(u tg.UpdateClass, pts, count int) {
	switch u := u.(type) {
	case *tg.UpdateEditChannelMessage:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateDeleteChannelMessages:
		u.Pts, u.PtsCount = pts, count
	}
}

// channelTooLongLocked lists, for getDifference, the channels of me that
// changed since date: the client then asks each for its difference.
func (s *Server) channelTooLongLocked(me *user, since int) ([]tg.UpdateClass, []tg.ChatClass) {
	var ups []tg.UpdateClass
	var chats []tg.ChatClass
	for _, ch := range s.cloud.channels {
		if ch.member(me.id) == nil || len(ch.log) == 0 || ch.log[len(ch.log)-1].date < since {
			continue
		}
		u := &tg.UpdateChannelTooLong{ChannelID: ch.id}
		u.SetPts(ch.pts)
		ups = append(ups, u)
		chats = append(chats, s.channelViewLocked(me, ch))
	}
	return ups, chats
}

// SeedChannelPosts adds n posts by author to the channel with this title,
// server-side and without pushes, as if they were sent while every member
// was offline; members catch up through getChannelDifference or history.
// text(i) makes the i-th post (0-based). For tests and demos.
func (s *Server) SeedChannelPosts(title string, author int64, n int, text func(i int) string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ch *channel
	for _, c := range s.cloud.channels {
		if c.title == title {
			ch = c
		}
	}
	if ch == nil {
		return fmt.Errorf("sandbox: no channel titled %q", title)
	}
	if ch.member(author) == nil {
		return fmt.Errorf("sandbox: user %d is not in %q", author, title)
	}
	var d delivery
	for i := range n {
		m := &boxMessage{from: author, date: s.unix(), text: text(i), post: !ch.megagroup}
		s.appendChannelMessageLocked(&d, ch, m, 0, false)
	}
	return nil
}

// ChannelDifferenceCalls counts updates.getChannelDifference calls for the
// channel with this title.
func (s *Server) ChannelDifferenceCalls(title string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cloud.channels {
		if c.title == title {
			return s.cloud.diffCalls[c.id]
		}
	}
	return 0
}
