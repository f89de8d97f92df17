package sandbox

import (
	"slices"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest"
)

// Update shapes, as Telegram sends them. A new text message in a private
// chat is pushed as updateShortMessage, one in a basic group as
// updateShortChatMessage, when the recipient already knows everyone the
// message names (the sender, the chat, a forward's origin, users mentioned
// by id); otherwise, and for media and service messages, as updates with
// the users and chats attached. Several new messages pushed to one
// session by one call (a forward of many) go together as updatesCombined,
// or as updatesTooLong when there are more than pushBatchLimit. A single
// non-message update that names nobody new (typing, also in a secret
// chat, a secret chat read, notification settings) goes as updateShort.
// messages.sendMessage to a private chat answers updateShortSentMessage.

// knowsUserLocked reports whether owner already knows user x: itself, a
// contact, or someone met in its message box (a dialog, a group message,
// a service message naming them).
func knowsUserLocked(owner *user, x int64) bool {
	if x == owner.id {
		return true
	}
	if _, ok := owner.contacts[x]; ok {
		return true
	}
	for i := len(owner.box) - 1; i >= 0; i-- { // newest first: whom one knows one usually met lately
		m := owner.box[i]
		if m.from == x || m.peer == userPeer(x) || slices.Contains(m.actionUsers, x) {
			return true
		}
	}
	return false
}

// knowsChatLocked reports whether owner already has messages of chat p.
func knowsChatLocked(owner *user, p peerRef) bool {
	for i := len(owner.box) - 1; i >= 0; i-- {
		if owner.box[i].peer == p {
			return true
		}
	}
	return false
}

// shortMessageLocked is the short form of m for its owner, or nil when
// Telegram would send the full one. Call it before m enters owner's box.
func shortMessageLocked(owner *user, m *boxMessage) func(pts int) tg.UpdatesClass {
	if m.action != actionNone || m.media != nil || m.post || m.peer.kind == peerChannelKind {
		return nil
	}
	users := []int64{m.from}
	if m.peer.kind == peerUserKind {
		users = append(users, m.peer.id)
	} else if !knowsChatLocked(owner, m.peer) {
		return nil
	}
	if m.fwd != nil {
		if m.fwd.fromChannel != 0 {
			return nil
		}
		users = append(users, m.fwd.fromUser)
	}
	for _, e := range m.entities {
		if e, ok := e.(*tg.MessageEntityMentionName); ok {
			users = append(users, e.UserID)
		}
	}
	for _, x := range users {
		if x != 0 && !knowsUserLocked(owner, x) {
			return nil
		}
	}
	return func(pts int) tg.UpdatesClass {
		if m.peer.kind == peerUserKind {
			u := &tg.UpdateShortMessage{Out: m.out, Mentioned: m.mentioned, MediaUnread: m.mentioned, ID: m.id,
				UserID: m.peer.id, Message: m.text, Pts: pts, PtsCount: 1, Date: m.date}
			if len(m.entities) > 0 {
				u.SetEntities(cloneEntities(m.entities))
			}
			if m.fwd != nil {
				u.SetFwdFrom(m.fwd.toTG())
			}
			if m.replyTo != 0 {
				u.SetReplyTo(&tg.MessageReplyHeader{ReplyToMsgID: m.replyTo})
			}
			return u
		}
		u := &tg.UpdateShortChatMessage{Out: m.out, Mentioned: m.mentioned, MediaUnread: m.mentioned, ID: m.id,
			FromID: m.from, ChatID: m.peer.id, Message: m.text, Pts: pts, PtsCount: 1, Date: m.date}
		if len(m.entities) > 0 {
			u.SetEntities(cloneEntities(m.entities))
		}
		if m.fwd != nil {
			u.SetFwdFrom(m.fwd.toTG())
		}
		if m.replyTo != 0 {
			u.SetReplyTo(&tg.MessageReplyHeader{ReplyToMsgID: m.replyTo})
		}
		return u
	}
}

// sessionsOfLocked lists the sessions of uid's authorizations except skip.
func (s *Server) sessionsOfLocked(uid int64, skip int64) []tgtest.Session {
	var out []tgtest.Session
	for _, a := range s.authsOfLocked(uid) {
		for _, sess := range a.sessions {
			if sess.ID != skip {
				out = append(out, sess)
			}
		}
	}
	return out
}

// pushBatchLimit is the most new messages one push carries; beyond it the
// session is told updatesTooLong and fetches them with
// updates.getDifference (the limit is the sandbox's choice).
const pushBatchLimit = 20

// queueMessage queues a new-message push: short (nil if none) or full. A
// second message for a session already queued in this call joins the
// first as one updatesCombined.
func (d *delivery) queueMessage(sess tgtest.Session, uid int64, short tg.UpdatesClass, full *tg.Updates) {
	for i := range d.items {
		it := &d.items[i]
		if it.session.ID != sess.ID || it.full == nil {
			continue
		}
		it.full = &tg.Updates{Updates: append(it.full.Updates, full.Updates...),
			Users: mergeUsers(it.full.Users, full.Users), Chats: mergeChats(it.full.Chats, full.Chats), Date: full.Date}
		it.updates = &tg.UpdatesCombined{Updates: it.full.Updates, Users: it.full.Users, Chats: it.full.Chats, Date: full.Date}
		if len(it.full.Updates) > pushBatchLimit {
			it.updates = &tg.UpdatesTooLong{}
		}
		return
	}
	it := pushItem{session: sess, user: uid, updates: full, full: full}
	if short != nil {
		it.updates = short
	}
	d.items = append(d.items, it)
}

func mergeUsers(a, b []tg.UserClass) []tg.UserClass {
	out := append([]tg.UserClass(nil), a...)
	for _, u := range b {
		if !slices.ContainsFunc(out, func(x tg.UserClass) bool { return x.GetID() == u.GetID() }) {
			out = append(out, u)
		}
	}
	return out
}

func mergeChats(a, b []tg.ChatClass) []tg.ChatClass {
	out := append([]tg.ChatClass(nil), a...)
	for _, c := range b {
		if !slices.ContainsFunc(out, func(x tg.ChatClass) bool { return x.GetID() == c.GetID() }) {
			out = append(out, c)
		}
	}
	return out
}

// shortOrFull is an updateShort for one update when viewer knows every
// user it names, else updates with those users attached.
func (s *Server) shortOrFullLocked(viewer *user, up tg.UpdateClass, names []*user) tg.UpdatesClass {
	date := s.unix()
	users := []tg.UserClass{}
	known := true
	for _, u := range names {
		known = known && knowsUserLocked(viewer, u.id)
		users = append(users, s.userViewLocked(viewer, u))
	}
	if known {
		return &tg.UpdateShort{Update: up, Date: date}
	}
	return &tg.Updates{Updates: []tg.UpdateClass{up}, Users: users, Chats: []tg.ChatClass{}, Date: date}
}
