package privacy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
)

// Blocked users. Someone on the account's blocklist can no longer write to it, start a secret chat with
// it, or see its online status and photo; Telegram does not tell them. Block and Unblock read the list back
// and report a change the server did not keep as ErrBlockNotKept.

// BlockedUser is one person on the account's blocklist.
type BlockedUser struct {
	ID         int64
	AccessHash int64
	FirstName  string
	LastName   string
	// Username is the person's public username without "@"; "" when they have none.
	Username string
	// Since is when they were blocked.
	Since time.Time
}

// Typed failures of Block and Unblock; errors.Is finds them. The server's own error, when there was one,
// is wrapped beside them.
var (
	// ErrBlockSelf: the account cannot block itself (Telegram's CONTACT_ID_INVALID).
	ErrBlockSelf = errors.New("privacy: an account cannot block itself")
	// ErrBlockUnknown: the server does not know the person (PEER_ID_INVALID).
	ErrBlockUnknown = errors.New("privacy: the server does not know this person")
	// ErrBlockNotKept: the server accepted the change, but the blocklist read back does not show it.
	ErrBlockNotKept = errors.New("privacy: the blocklist read back does not show the change")
)

const (
	// blockedPage is how many people one contacts.getBlocked asks for.
	blockedPage = 100
	// blockedPages bounds the pages read, against a server that never says the list is complete.
	blockedPages = 100
)

// Blocked lists the people on the account's blocklist, most recently blocked first, reading every page.
// Blocked channels (Telegram blocks them as message senders) are not listed.
func Blocked(ctx context.Context, api *tg.Client) ([]BlockedUser, error) {
	var out []BlockedUser
	seen := 0
	for range blockedPages {
		res, err := api.ContactsGetBlocked(ctx, &tg.ContactsGetBlockedRequest{Offset: seen, Limit: blockedPage})
		if err != nil {
			return nil, fmt.Errorf("privacy: blocked users: %w", mtproto.Classify(err))
		}
		var (
			blocked []tg.PeerBlocked
			users   []tg.UserClass
			total   int
		)
		switch r := res.(type) {
		case *tg.ContactsBlocked:
			blocked, users, total = r.Blocked, r.Users, seen+len(r.Blocked)
		case *tg.ContactsBlockedSlice:
			blocked, users, total = r.Blocked, r.Users, r.Count
		default:
			return nil, fmt.Errorf("privacy: blocked users: unexpected %T", res)
		}
		byID := make(map[int64]*tg.User, len(users))
		for _, u := range users {
			if u, ok := u.(*tg.User); ok {
				byID[u.ID] = u
			}
		}
		for _, b := range blocked {
			p, ok := b.PeerID.(*tg.PeerUser)
			if !ok {
				continue
			}
			x := BlockedUser{ID: p.UserID, Since: time.Unix(int64(b.Date), 0)}
			if u := byID[p.UserID]; u != nil {
				x.AccessHash, x.FirstName, x.LastName, x.Username = u.AccessHash, u.FirstName, u.LastName, activeUsername(u)
			}
			out = append(out, x)
		}
		seen += len(blocked)
		if len(blocked) == 0 || seen >= total {
			return out, nil
		}
	}
	return out, nil
}

// activeUsername is a user's public username: the main one, else the first active one of several.
func activeUsername(u *tg.User) string {
	if u.Username != "" {
		return u.Username
	}
	for _, n := range u.Usernames {
		if n.Active {
			return n.Username
		}
	}
	return ""
}

// Block adds the person to the account's blocklist and reads the list back. Blocking someone already
// blocked is not an error.
func Block(ctx context.Context, api *tg.Client, person mtproto.Peer) error {
	return setBlocked(ctx, api, person, true)
}

// Unblock takes the person off the account's blocklist and reads the list back. Unblocking someone who is
// not blocked is not an error.
func Unblock(ctx context.Context, api *tg.Client, person mtproto.Peer) error {
	return setBlocked(ctx, api, person, false)
}

func setBlocked(ctx context.Context, api *tg.Client, person mtproto.Peer, block bool) error {
	what := "unblock"
	if block {
		what = "block"
	}
	if person.Kind != mtproto.PeerUser {
		return fmt.Errorf("privacy: %s: %w", what, ErrBlockUnknown)
	}
	peer := &tg.InputPeerUser{UserID: person.ID, AccessHash: person.AccessHash}
	var err error
	if block {
		_, err = api.ContactsBlock(ctx, &tg.ContactsBlockRequest{ID: peer})
	} else {
		_, err = api.ContactsUnblock(ctx, &tg.ContactsUnblockRequest{ID: peer})
	}
	switch {
	case tgerr.Is(err, "CONTACT_ID_INVALID"):
		return fmt.Errorf("privacy: %s: %w: %w", what, ErrBlockSelf, mtproto.Classify(err))
	case tgerr.Is(err, "PEER_ID_INVALID", "USER_ID_INVALID", "INPUT_USER_DEACTIVATED"):
		return fmt.Errorf("privacy: %s: %w: %w", what, ErrBlockUnknown, mtproto.Classify(err))
	case err != nil:
		return fmt.Errorf("privacy: %s: %w", what, mtproto.Classify(err))
	}
	list, err := Blocked(ctx, api)
	if err != nil {
		return fmt.Errorf("privacy: %s: read back: %w", what, err)
	}
	listed := false
	for _, b := range list {
		listed = listed || b.ID == person.ID
	}
	if listed != block {
		return fmt.Errorf("privacy: %s: %w", what, ErrBlockNotKept)
	}
	return nil
}
