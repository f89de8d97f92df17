package sandbox

import (
	"context"

	"github.com/gotd/td/tg"
)

// Typing, as Telegram has it: messages.setTyping tells the other side of a private chat, or the other
// members of a basic group, what the caller is doing; nothing is stored.

func (s *Server) registerTyping(d *tg.ServerDispatcher) {
	d.OnMessagesSetTyping(s.setTyping)
}

func (s *Server) setTyping(ctx context.Context, req *tg.MessagesSetTypingRequest) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		// updateShort when the viewer knows the typist, as Telegram sends it.
		to := func(uid int64, up tg.UpdateClass) {
			viewer := s.st.users[uid]
			s.toUserLocked(&o.d, uid, 0, func() tg.UpdatesClass { return s.shortOrFullLocked(viewer, up, []*user{me}) })
		}
		switch p := req.Peer.(type) {
		case *tg.InputPeerChat:
			c, err := s.chatOfLocked(me, p.ChatID, true)
			if err != nil {
				return false, err
			}
			for _, uid := range c.members {
				if uid != me.id {
					to(uid, &tg.UpdateChatUserTyping{ChatID: c.id, FromID: &tg.PeerUser{UserID: me.id}, Action: req.Action})
				}
			}
		case *tg.InputPeerChannel:
			// Supergroups show typing too; the sandbox keeps it to private chats and basic groups.
		default:
			u, err := s.resolvePeerLocked(me, req.Peer)
			if err != nil {
				return false, err
			}
			if u.id != me.id && !blockedLocked(u, me.id) {
				to(u.id, &tg.UpdateUserTyping{UserID: me.id, Action: req.Action})
			}
		}
		return true, nil
	})
}
