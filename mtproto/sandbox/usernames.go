package sandbox

import (
	"context"
	"sort"
	"strings"

	"github.com/gotd/td/tg"
)

// Profiles: names and bio (account.updateProfile), and usernames, as
// Telegram has them: 5-32 characters of a-z, 0-9 and _,
// starting with a letter and not ending with _, unique regardless of case
// (the owner's spelling is kept and shown). account.checkUsername,
// account.updateUsername, contacts.resolveUsername and contacts.search
// answer with Telegram's error names.

const (
	usernameMin = 5
	usernameMax = 32
	// searchLimitMax caps contacts.search results per section.
	searchLimitMax = 50
)

// validUsername reports whether name follows Telegram's username rules.
func validUsername(name string) bool {
	if len(name) < usernameMin || len(name) > usernameMax {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9', c == '_':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return name[len(name)-1] != '_'
}

// usernameKey is the case-insensitive identity of a username.
func usernameKey(name string) string { return strings.ToLower(name) }

func (s *Server) registerUsernames(d *tg.ServerDispatcher) {
	d.OnAccountCheckUsername(s.checkUsername)
	d.OnAccountUpdateUsername(s.updateUsername)
	d.OnAccountUpdateProfile(s.updateProfile)
	d.OnContactsResolveUsername(s.resolveUsername)
	d.OnContactsSearch(s.searchContacts)
}

// checkUsername: true when the caller may take name (free, or already
// theirs), false when someone else holds it.
func (s *Server) checkUsername(ctx context.Context, name string) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		if !validUsername(name) {
			return false, rpcErr(400, "USERNAME_INVALID")
		}
		holder := s.st.byUsername[usernameKey(name)]
		return holder == nil || holder.id == me.id, nil
	})
}

func (s *Server) updateUsername(ctx context.Context, name string) (tg.UserClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UserClass, error) {
		if err := s.setUsernameLocked(o.me, name); err != nil {
			return nil, err
		}
		s.announceNameLocked(o)
		return s.userViewLocked(o.me, o.me), nil
	})
}

// aboutMax is the longest bio Telegram accepts (without Premium).
const aboutMax = 70

// updateProfile changes the caller's name and bio (each only when given).
func (s *Server) updateProfile(ctx context.Context, req *tg.AccountUpdateProfileRequest) (tg.UserClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UserClass, error) {
		me := o.me
		first, last, about := me.first, me.last, me.about
		if v, ok := req.GetFirstName(); ok {
			first = strings.TrimSpace(v)
			if first == "" || len([]rune(first)) > 64 {
				return nil, rpcErr(400, "FIRSTNAME_INVALID")
			}
		}
		if v, ok := req.GetLastName(); ok {
			last = strings.TrimSpace(v)
			if len([]rune(last)) > 64 {
				return nil, rpcErr(400, "LASTNAME_INVALID")
			}
		}
		if v, ok := req.GetAbout(); ok {
			about = strings.TrimSpace(v)
			if len([]rune(about)) > aboutMax {
				return nil, rpcErr(400, "ABOUT_TOO_LONG")
			}
		}
		renamed := first != me.first || last != me.last
		me.first, me.last, me.about = first, last, about
		if renamed {
			s.announceNameLocked(o)
		}
		return s.userViewLocked(me, me), nil
	})
}

// announceNameLocked tells the caller's other sessions, and everyone who
// has the caller as a contact, the caller's name and username
// (updateUserName; contacts see the name they saved).
func (s *Server) announceNameLocked(o *op) {
	me := o.me
	build := func(viewer *user) func() tg.UpdatesClass {
		return func() tg.UpdatesClass {
			v := s.userViewLocked(viewer, me)
			up := &tg.UpdateUserName{UserID: me.id, FirstName: v.FirstName, LastName: v.LastName, Usernames: []tg.Username{}}
			if me.username != "" {
				up.Usernames = []tg.Username{{Editable: true, Active: true, Username: me.username}}
			}
			return &tg.Updates{Updates: []tg.UpdateClass{up}, Users: []tg.UserClass{v}, Date: s.unix()}
		}
	}
	s.toUserLocked(&o.d, me.id, o.session(), build(me))
	for _, other := range s.sortedUsersLocked() {
		if other.id != me.id && isContactLocked(other, me) {
			s.toUserLocked(&o.d, other.id, 0, build(other))
		}
	}
}

// setUsernameLocked gives u the username name ("" removes it).
func (s *Server) setUsernameLocked(u *user, name string) error {
	if name == u.username {
		return rpcErr(400, "USERNAME_NOT_MODIFIED")
	}
	if name != "" && !validUsername(name) {
		return rpcErr(400, "USERNAME_INVALID")
	}
	if name != "" {
		if holder := s.st.byUsername[usernameKey(name)]; holder != nil && holder.id != u.id {
			return rpcErr(400, "USERNAME_OCCUPIED")
		}
	}
	if u.username != "" {
		delete(s.st.byUsername, usernameKey(u.username))
	}
	u.username = name
	if name != "" {
		s.st.byUsername[usernameKey(name)] = u
	}
	return nil
}

func (s *Server) resolveUsername(ctx context.Context, req *tg.ContactsResolveUsernameRequest) (*tg.ContactsResolvedPeer, error) {
	return signedIn(s, ctx, func(o *op) (*tg.ContactsResolvedPeer, error) {
		me := o.me
		if !validUsername(req.Username) {
			return nil, rpcErr(400, "USERNAME_INVALID")
		}
		target := s.st.byUsername[usernameKey(req.Username)]
		if target == nil {
			return nil, rpcErr(400, "USERNAME_NOT_OCCUPIED")
		}
		return &tg.ContactsResolvedPeer{
			Peer:  &tg.PeerUser{UserID: target.id},
			Chats: []tg.ChatClass{},
			Users: []tg.UserClass{s.userViewLocked(me, target)},
		}, nil
	})
}

// searchContacts is contacts.search. My results are the caller's contacts
// and the people they have a private chat with whose name (any word of it)
// or username starts with the query; global results are everybody else
// whose username starts with it. Names are never searched globally, and a
// phone number is never matched: a person can be found by someone who
// does not know them only through a username they chose to publish.
func (s *Server) searchContacts(ctx context.Context, req *tg.ContactsSearchRequest) (*tg.ContactsFound, error) {
	return signedIn(s, ctx, func(o *op) (*tg.ContactsFound, error) {
		me := o.me
		q := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(req.Q), "@")))
		if q == "" {
			return nil, rpcErr(400, "QUERY_TOO_SHORT")
		}
		limit := req.Limit
		if limit <= 0 || limit > searchLimitMax {
			limit = searchLimitMax
		}
		known := map[int64]bool{}
		for id := range me.contacts {
			known[id] = true
		}
		for _, m := range me.box {
			if m.peer.kind == peerUserKind && !m.deleted {
				known[m.peer.id] = true
			}
		}
		res := &tg.ContactsFound{MyResults: []tg.PeerClass{}, Results: []tg.PeerClass{}, Chats: []tg.ChatClass{}, Users: []tg.UserClass{}}
		var mine, global []*user
		for _, u := range s.sortedUsersLocked() {
			if u.id == me.id {
				continue
			}
			byName := known[u.id] && nameMatches(s.userViewLocked(me, u), q)
			byUsername := u.username != "" && strings.HasPrefix(usernameKey(u.username), q)
			switch {
			case known[u.id] && (byName || byUsername):
				mine = append(mine, u)
			case byUsername:
				global = append(global, u)
			}
		}
		// The exact username first; the rest in account order.
		rank := func(list []*user) {
			sort.SliceStable(list, func(i, j int) bool {
				return usernameKey(list[i].username) == q && usernameKey(list[j].username) != q
			})
		}
		rank(mine)
		rank(global)
		for _, u := range mine[:min(len(mine), limit)] {
			res.MyResults = append(res.MyResults, &tg.PeerUser{UserID: u.id})
			res.Users = append(res.Users, s.userViewLocked(me, u))
		}
		for _, u := range global[:min(len(global), limit)] {
			res.Results = append(res.Results, &tg.PeerUser{UserID: u.id})
			res.Users = append(res.Users, s.userViewLocked(me, u))
		}
		return res, nil
	})
}

// nameMatches reports whether a word of the name as the viewer sees it
// starts with q (lower case).
func nameMatches(v *tg.User, q string) bool {
	full := strings.ToLower(strings.TrimSpace(v.FirstName + " " + v.LastName))
	if strings.HasPrefix(full, q) {
		return true
	}
	for _, w := range strings.Fields(full) {
		if strings.HasPrefix(w, q) {
			return true
		}
	}
	return false
}
