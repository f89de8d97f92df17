package sandbox

import (
	"context"

	"github.com/gotd/td/tg"
)

// differenceLimit is how many events one updates.getDifference returns;
// more come as a differenceSlice.
const differenceLimit = 100

func (s *Server) registerUpdates(d *tg.ServerDispatcher) {
	d.OnUpdatesGetState(s.getState)
	d.OnUpdatesGetDifference(s.getDifference)
}

// addPtsLocked appends an event to u's pts log. build makes the update
// (with pts filled in by the caller of getDifference); message is set for
// new messages.
func (s *Server) addPtsLocked(u *user, count int, message *boxMessage, build func() tg.UpdateClass) int {
	u.pts += count
	pts := u.pts
	u.ptsLog = append(u.ptsLog, ptsEntry{pts: pts, count: count, message: message, date: s.unix(), build: build})
	return pts
}

// addQtsLocked appends an encrypted message to u's qts log and returns its qts.
func (s *Server) addQtsLocked(u *user, msg func() tg.EncryptedMessageClass) int {
	u.qts++
	u.qtsLog = append(u.qtsLog, qtsEntry{qts: u.qts, message: msg, date: s.unix()})
	return u.qts
}

func (s *Server) stateLocked(u *user) tg.UpdatesState {
	unread := 0
	for _, d := range s.dialogsLocked(u) {
		unread += d.unread
	}
	return tg.UpdatesState{Pts: u.pts, Qts: u.qts, Date: s.unix(), Seq: 0, UnreadCount: unread}
}

func (s *Server) getState(ctx context.Context) (*tg.UpdatesState, error) {
	return signedIn(s, ctx, func(o *op) (*tg.UpdatesState, error) {
		me := o.me
		st := s.stateLocked(me)
		return &st, nil
	})
}

func (s *Server) getDifference(ctx context.Context, req *tg.UpdatesGetDifferenceRequest) (tg.UpdatesDifferenceClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesDifferenceClass, error) {
		me := o.me
		var (
			msgs    []tg.MessageClass
			boxMsgs []*boxMessage
			other   []tg.UpdateClass
			enc     []tg.EncryptedMessageClass
			n       int
			st      = s.stateLocked(me)
			sliced  bool
		)
		for _, e := range me.ptsLog {
			if e.pts <= req.Pts {
				continue
			}
			if n == differenceLimit {
				sliced = true
				break
			}
			n++
			st.Pts = e.pts
			if e.message != nil {
				msgs = append(msgs, e.message.toTG())
				boxMsgs = append(boxMsgs, e.message)
				continue
			}
			u := e.build()
			setPts(u, e.pts, e.count)
			other = append(other, u)
		}
		for _, e := range me.qtsLog {
			if e.qts <= req.Qts {
				continue
			}
			if n == differenceLimit {
				sliced = true
				break
			}
			n++
			st.Qts = e.qts
			enc = append(enc, e.message())
		}
		if !sliced {
			st = s.stateLocked(me)
		}
		// Channels keep their own pts: name the ones that changed meanwhile
		// and let the client ask each for its difference.
		channelUps, channelChats := s.channelTooLongLocked(me, req.Date)
		other = append(other, channelUps...)
		n += len(channelUps)
		if n == 0 {
			return &tg.UpdatesDifferenceEmpty{Date: st.Date, Seq: st.Seq}, nil
		}
		users := s.usersOfLocked(me, boxMsgs)
		users = append(users, s.extraDifferenceUsersLocked(me, other)...)
		chats := append(s.chatsOfLocked(me, boxMsgs), channelChats...)
		if sliced {
			return &tg.UpdatesDifferenceSlice{NewMessages: msgs, NewEncryptedMessages: enc, OtherUpdates: other,
				Users: users, Chats: chats, IntermediateState: st}, nil
		}
		return &tg.UpdatesDifference{NewMessages: msgs, NewEncryptedMessages: enc, OtherUpdates: other,
			Users: users, Chats: chats, State: st}, nil
	})
}

// extraDifferenceUsersLocked lists users other updates refer to.
func (s *Server) extraDifferenceUsersLocked(me *user, updates []tg.UpdateClass) []tg.UserClass {
	var out []tg.UserClass
	seen := map[int64]bool{}
	for _, u := range updates {
		var peer tg.PeerClass
		switch u := u.(type) {
		case *tg.UpdateReadHistoryInbox:
			peer = u.Peer
		case *tg.UpdateReadHistoryOutbox:
			peer = u.Peer
		}
		if p, ok := peer.(*tg.PeerUser); ok && !seen[p.UserID] {
			seen[p.UserID] = true
			if x := s.st.users[p.UserID]; x != nil {
				out = append(out, s.userViewLocked(me, x))
			}
		}
	}
	return out
}

// setPts fills pts and pts_count into an update built from the log.
func setPts(u tg.UpdateClass, pts, count int) {
	switch u := u.(type) {
	case *tg.UpdateNewMessage:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateEditMessage:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateDeleteMessages:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateReadHistoryInbox:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateReadHistoryOutbox:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateReadMessagesContents:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateWebPage:
		u.Pts, u.PtsCount = pts, count
	case *tg.UpdateFolderPeers:
		u.Pts, u.PtsCount = pts, count
	}
}
