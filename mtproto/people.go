package mtproto

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotd/td/tg"
)

// People without phone numbers: the account's own username, and finding others by theirs or by name.
// A phone number is never searched for and never sent here (ResolvePhone is for the one contact the user
// adds by number, explicitly).

// Username rules, as Telegram has them.
const (
	UsernameMinLength = 5
	UsernameMaxLength = 32
)

// UsernameProblem says what is wrong with a username as typed.
type UsernameProblem int

// The problems NormalizeUsername finds.
const (
	UsernameEmpty      UsernameProblem = iota + 1 // nothing was typed
	UsernameShort                                 // fewer than UsernameMinLength characters
	UsernameLong                                  // more than UsernameMaxLength characters
	UsernameCharacters                            // something other than a-z, A-Z, 0-9 and _
	UsernameStart                                 // does not start with a letter
	UsernameEnd                                   // ends with _
)

// UsernameError is a username NormalizeUsername refused. errors.Is(err, ErrUsernameInvalid) holds for it.
type UsernameError struct{ Problem UsernameProblem }

func (e *UsernameError) Error() string {
	return fmt.Sprintf("mtproto: username invalid: problem %d", int(e.Problem))
}

// Is makes a UsernameError match ErrUsernameInvalid.
func (e *UsernameError) Is(target error) bool { return target == ErrUsernameInvalid }

// ErrUsernameInvalid matches every username NormalizeUsername refuses and Telegram's USERNAME_INVALID.
var ErrUsernameInvalid = &Error{Kind: KindUsernameInvalid}

// NormalizeUsername is Tacit's one rule for usernames as the user types them: surrounding spaces and one
// leading "@" are dropped; what is left must be 5 to 32 characters of a-z, A-Z, 0-9 and _, start with a
// letter and not end with _. Case is kept (Telegram compares usernames without it).
func NormalizeUsername(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	if s == "" {
		return "", &UsernameError{Problem: UsernameEmpty}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9', c == '_':
			if i == 0 {
				return "", &UsernameError{Problem: UsernameStart}
			}
		default:
			return "", &UsernameError{Problem: UsernameCharacters}
		}
	}
	switch {
	case len(s) < UsernameMinLength:
		return "", &UsernameError{Problem: UsernameShort}
	case len(s) > UsernameMaxLength:
		return "", &UsernameError{Problem: UsernameLong}
	case s[len(s)-1] == '_':
		return "", &UsernameError{Problem: UsernameEnd}
	}
	return s, nil
}

// User is a person as the people search and the contact list show them.
type User struct {
	// Peer is the private cloud chat with the person.
	Peer      Peer
	FirstName string
	LastName  string
	// Username is the person's public username without "@"; "" when they have none.
	Username string
	// Contact: the person is in the account's contacts.
	Contact bool
	// Self: this is the account itself.
	Self bool
	Bot  bool
}

// Name is the person's display name.
func (u User) Name() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// userOf converts a protocol user.
func userOf(u *tg.User) User {
	out := User{Peer: Peer{Kind: PeerUser, ID: u.ID, AccessHash: u.AccessHash}, FirstName: u.FirstName,
		LastName: u.LastName, Username: u.Username, Contact: u.Contact, Self: u.Self, Bot: u.Bot}
	if out.Username == "" {
		for _, n := range u.Usernames {
			if n.Active {
				out.Username = n.Username
				break
			}
		}
	}
	return out
}

// Me returns the signed-in account as the server has it now (its username may have changed on another
// device).
func (cl *Cloud) Me(ctx context.Context) (User, error) {
	res, err := cl.api().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUserSelf{}})
	if err != nil {
		return User{}, fmt.Errorf("mtproto: who am I: %w", Classify(err))
	}
	cl.learn(res, nil)
	for _, uc := range res {
		if u, ok := uc.(*tg.User); ok {
			return userOf(u), nil
		}
	}
	return User{}, &Error{Kind: KindServer, Reason: "no user in the answer"}
}

// CheckUsername asks whether the account may take name as its username: true when nobody else has it
// (or it is the account's own already). name must pass NormalizeUsername.
func (cl *Cloud) CheckUsername(ctx context.Context, name string) (bool, error) {
	name, err := NormalizeUsername(name)
	if err != nil {
		return false, err
	}
	ok, err := cl.api().AccountCheckUsername(ctx, name)
	if err != nil {
		return false, fmt.Errorf("mtproto: check username: %w", Classify(err))
	}
	return ok, nil
}

// SetUsername makes name the account's public username; "" removes it. Anyone can then find the account
// by it, without knowing its phone number.
func (cl *Cloud) SetUsername(ctx context.Context, name string) (User, error) {
	if strings.TrimSpace(name) != "" {
		var err error
		if name, err = NormalizeUsername(name); err != nil {
			return User{}, err
		}
	} else {
		name = ""
	}
	res, err := cl.api().AccountUpdateUsername(ctx, name)
	if err != nil {
		return User{}, fmt.Errorf("mtproto: set username: %w", Classify(err))
	}
	u, ok := res.(*tg.User)
	if !ok {
		return User{}, &Error{Kind: KindServer, Reason: "no user in the answer"}
	}
	cl.learn([]tg.UserClass{u}, nil)
	return userOf(u), nil
}

// SetName changes the account's first and last name (account.updateProfile); the last name may be empty.
// Telegram refuses an empty first name (KindNameInvalid).
func (cl *Cloud) SetName(ctx context.Context, first, last string) (User, error) {
	req := &tg.AccountUpdateProfileRequest{}
	req.SetFirstName(strings.TrimSpace(first))
	req.SetLastName(strings.TrimSpace(last))
	res, err := cl.api().AccountUpdateProfile(ctx, req)
	if err != nil {
		return User{}, fmt.Errorf("mtproto: set name: %w", Classify(err))
	}
	u, ok := res.(*tg.User)
	if !ok {
		return User{}, &Error{Kind: KindServer, Reason: "no user in the answer"}
	}
	cl.learn([]tg.UserClass{u}, nil)
	return userOf(u), nil
}

// ResolveUsername finds the person (or bot) with the public username name.
func (cl *Cloud) ResolveUsername(ctx context.Context, name string) (User, error) {
	name, err := NormalizeUsername(name)
	if err != nil {
		return User{}, err
	}
	res, err := cl.api().ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: name})
	if err != nil {
		return User{}, fmt.Errorf("mtproto: resolve username: %w", Classify(err))
	}
	return cl.resolved(res)
}

// ResolvePhone finds the person with this phone number (digits only, as NormalizePhone returns them), when
// their privacy settings let the account find them by it. It is for adding one contact the user asked for.
func (cl *Cloud) ResolvePhone(ctx context.Context, phone string) (User, error) {
	res, err := cl.api().ContactsResolvePhone(ctx, phone)
	if err != nil {
		return User{}, fmt.Errorf("mtproto: resolve phone: %w", Classify(err))
	}
	return cl.resolved(res)
}

func (cl *Cloud) resolved(res *tg.ContactsResolvedPeer) (User, error) {
	cl.learn(res.Users, res.Chats)
	p, ok := res.Peer.(*tg.PeerUser)
	if !ok {
		return User{}, &Error{Kind: KindWrongPeer, Reason: "the name belongs to a group or channel"}
	}
	for _, uc := range res.Users {
		if u, ok := uc.(*tg.User); ok && u.ID == p.UserID {
			return userOf(u), nil
		}
	}
	return User{}, &Error{Kind: KindServer, Reason: "no user in the answer"}
}

// SearchPeople finds people by query (a name or the start of a username): mine are the account's contacts
// and the people it has chats with, found by name or username; others are everybody else, found only by a
// username they chose to publish. Groups and channels in the answer are left out.
func (cl *Cloud) SearchPeople(ctx context.Context, query string, limit int) (mine, others []User, err error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil, nil
	}
	res, err := cl.api().ContactsSearch(ctx, &tg.ContactsSearchRequest{Q: query, Limit: limit})
	if err != nil {
		return nil, nil, fmt.Errorf("mtproto: search people: %w", Classify(err))
	}
	cl.learn(res.Users, res.Chats)
	users := map[int64]*tg.User{}
	for _, uc := range res.Users {
		if u, ok := uc.(*tg.User); ok {
			users[u.ID] = u
		}
	}
	pick := func(peers []tg.PeerClass) []User {
		var out []User
		for _, pc := range peers {
			if p, ok := pc.(*tg.PeerUser); ok && users[p.UserID] != nil {
				out = append(out, userOf(users[p.UserID]))
			}
		}
		return out
	}
	return pick(res.MyResults), pick(res.Results), nil
}
