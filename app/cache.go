package app

import (
	"github.com/gotd/td/tg"

	"tacit/mtproto/store"
)

// cache keeps what the user has seen in the encrypted store so that the
// window opens from it and history stays readable offline. A nil store
// (the demo, which keeps nothing on disk) keeps nothing.
type cache struct {
	db *store.Store
}

func (c cache) enabled() bool { return c.db != nil }

// storeUser is the cached profile of u. The phone is kept only when the
// server disclosed it and it is not the user's own.
func storeUser(u *tg.User) store.User {
	out := store.User{ID: u.ID, AccessHash: u.AccessHash, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
	if u.Phone != "" && !u.Self {
		out.Phone = u.Phone
	}
	return out
}
