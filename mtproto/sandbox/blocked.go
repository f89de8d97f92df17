package sandbox

import (
	"context"
	"slices"

	"github.com/gotd/td/tg"
)

// Blocked users, as Telegram documents them (core.telegram.org/api/block and the method pages of
// contacts.block, contacts.unblock, contacts.getBlocked and messages.requestEncryption, read for this):
//
//   - contacts.block and contacts.unblock take an InputPeer. Naming yourself is CONTACT_ID_INVALID; a
//     peer the server does not know (or a wrong access hash) is PEER_ID_INVALID. Blocking someone already
//     blocked, or unblocking someone who is not, succeeds and changes nothing. my_stories_from works on a
//     second list, the story blocklist, which only hides stories (the sandbox keeps it, and nothing else
//     reads it).
//   - Every change is announced with updatePeerBlocked to the blocker's other logged-in sessions; the
//     blocked person is told nothing.
//   - contacts.getBlocked pages with offset and limit, most recently blocked first, with the users named:
//     contacts.blocked when the page holds the whole list, contacts.blockedSlice with the total count
//     otherwise.
//   - Someone on the main blocklist can no longer write to the blocker. Telegram does not tell them: a
//     private message is accepted and shows as sent on their side, but never reaches the blocker (the
//     official apps leave it with one tick). Their typing is not shown either.
//   - They cannot start a secret chat with the blocker: messages.requestEncryption answers 403
//     USER_IS_BLOCKED ("you were blocked by this user").
//
// The blocklists live on the user (user.blocked, user.storyBlocked), oldest first.

// blockedEntry is one peer on a blocklist.
type blockedEntry struct {
	id   int64
	date int
}

// maxBlockedPage bounds one contacts.getBlocked page.
const maxBlockedPage = 100

func (s *Server) registerBlocked(d *tg.ServerDispatcher) {
	d.OnContactsBlock(func(ctx context.Context, req *tg.ContactsBlockRequest) (bool, error) {
		return s.setBlocked(ctx, req.ID, req.MyStoriesFrom, true)
	})
	d.OnContactsUnblock(func(ctx context.Context, req *tg.ContactsUnblockRequest) (bool, error) {
		return s.setBlocked(ctx, req.ID, req.MyStoriesFrom, false)
	})
	d.OnContactsGetBlocked(s.getBlocked)
}

// blocklistOf is me's main blocklist, or the story blocklist.
func blocklistOf(me *user, stories bool) *[]blockedEntry {
	if stories {
		return &me.storyBlocked
	}
	return &me.blocked
}

// blockedLocked reports whether owner has blocked other (the main blocklist). s.mu must be held.
func blockedLocked(owner *user, other int64) bool {
	return slices.ContainsFunc(owner.blocked, func(e blockedEntry) bool { return e.id == other })
}

// blockTargetLocked resolves the peer of contacts.block and contacts.unblock.
func (s *Server) blockTargetLocked(me *user, peer tg.InputPeerClass) (*user, error) {
	switch p := peer.(type) {
	case *tg.InputPeerSelf:
		return nil, rpcErr(400, "CONTACT_ID_INVALID")
	case *tg.InputPeerUser:
		if p.UserID == me.id {
			return nil, rpcErr(400, "CONTACT_ID_INVALID")
		}
		u := s.st.users[p.UserID]
		if u == nil || u.accessHash != p.AccessHash {
			return nil, rpcErr(400, "PEER_ID_INVALID")
		}
		return u, nil
	}
	// Telegram also blocks channels as message senders; the sandbox blocks people only.
	return nil, rpcErr(400, "PEER_ID_INVALID")
}

func (s *Server) setBlocked(ctx context.Context, peer tg.InputPeerClass, stories, block bool) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		target, err := s.blockTargetLocked(me, peer)
		if err != nil {
			return false, err
		}
		list := blocklistOf(me, stories)
		i := slices.IndexFunc(*list, func(e blockedEntry) bool { return e.id == target.id })
		switch {
		case block && i >= 0, !block && i < 0:
			return true, nil
		case block:
			*list = append(*list, blockedEntry{id: target.id, date: s.unix()})
		default:
			*list = slices.Delete(*list, i, i+1)
		}
		date := s.unix()
		s.toUserLocked(&o.d, me.id, o.session(), func() tg.UpdatesClass {
			up := &tg.UpdatePeerBlocked{PeerID: &tg.PeerUser{UserID: target.id}}
			up.SetBlocked(block)
			up.SetBlockedMyStoriesFrom(stories)
			return &tg.Updates{Updates: []tg.UpdateClass{up}, Users: []tg.UserClass{s.userViewLocked(me, target)},
				Chats: []tg.ChatClass{}, Date: date}
		})
		return true, nil
	})
}

func (s *Server) getBlocked(ctx context.Context, req *tg.ContactsGetBlockedRequest) (tg.ContactsBlockedClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.ContactsBlockedClass, error) {
		me := o.me
		list := *blocklistOf(me, req.MyStoriesFrom)
		limit := req.Limit
		if limit <= 0 || limit > maxBlockedPage {
			limit = maxBlockedPage
		}
		offset := max(req.Offset, 0)
		var blocked []tg.PeerBlocked
		var users []tg.UserClass
		for i := len(list) - 1 - offset; i >= 0 && len(blocked) < limit; i-- {
			e := list[i]
			blocked = append(blocked, tg.PeerBlocked{PeerID: &tg.PeerUser{UserID: e.id}, Date: e.date})
			if u := s.st.users[e.id]; u != nil {
				users = append(users, s.userViewLocked(me, u))
			}
		}
		if blocked == nil {
			blocked = []tg.PeerBlocked{}
		}
		if users == nil {
			users = []tg.UserClass{}
		}
		if offset == 0 && len(blocked) == len(list) {
			return &tg.ContactsBlocked{Blocked: blocked, Chats: []tg.ChatClass{}, Users: users}, nil
		}
		return &tg.ContactsBlockedSlice{Count: len(list), Blocked: blocked, Chats: []tg.ChatClass{}, Users: users}, nil
	})
}
