package mtproto

import (
	"context"
	"sync"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
)

// entityTap hands the users and chats of every update batch (pushed, in
// an RPC result, or fetched by updates.getDifference) to the Cloud before
// gotd's updates manager records their access hashes. The manager applies
// a message pushed as updateShortMessage or updateShortChatMessage, which
// carries no users, without asking the server again when it has seen the
// sender in any earlier batch, also one no Cloud handler looks at (a
// contact added, a secret chat request); through the tap the Cloud has
// seen that batch too, so the message shows its sender's name and a
// usable peer.
type entityTap struct {
	mu    sync.Mutex
	learn func(users []tg.UserClass, chats []tg.ChatClass)
}

func (t *entityTap) set(learn func([]tg.UserClass, []tg.ChatClass)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.learn = learn
}

// see passes u's users and chats on.
func (t *entityTap) see(u tg.UpdatesClass) {
	t.mu.Lock()
	learn := t.learn
	t.mu.Unlock()
	if learn == nil {
		return
	}
	switch u := u.(type) {
	case *tg.Updates:
		learn(u.Users, u.Chats)
	case *tg.UpdatesCombined:
		learn(u.Users, u.Chats)
	}
}

// tapped is an update handler that shows every batch to the tap first.
type tapped struct {
	tap  *entityTap
	next telegram.UpdateHandler
}

func (h tapped) Handle(ctx context.Context, u tg.UpdatesClass) error {
	h.tap.see(u)
	return h.next.Handle(ctx, u)
}
