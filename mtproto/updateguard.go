package mtproto

import (
	"context"
	"sync"

	"github.com/gotd/td/telegram/updates"
	"github.com/gotd/td/tg"
)

// qtsGuard keeps the stored qts from moving past a secret chat message that
// was not stored. gotd's updates manager saves the new qts after the
// handlers return, whether they succeeded or not; a message whose handler
// failed (a full disk, a read-only data directory) would then never be
// fetched again, although Tacit never confirmed it to the server. Once a
// handler failed on a batch that carries such a message, the stored qts
// stays where it was for the rest of the session, and the next start fetches
// everything from there again (the secret chat engine recognises what it
// already has). pts, seq and date are saved as usual: cloud messages stay on
// the server and the cache refills.
type qtsGuard struct {
	updates.StateStorage
	handler *tg.UpdateDispatcher
	report  func(error)

	mu     sync.Mutex
	frozen bool
}

func newQTSGuard(storage updates.StateStorage, handler *tg.UpdateDispatcher, report func(error)) *qtsGuard {
	if storage == nil {
		storage = NewMemoryState()
	}
	return &qtsGuard{StateStorage: storage, handler: handler, report: report}
}

// Handle passes u to the dispatcher; a failure on a batch with an encrypted
// message freezes the stored qts.
func (g *qtsGuard) Handle(ctx context.Context, u tg.UpdatesClass) error {
	err := g.handler.Handle(ctx, u)
	if err == nil {
		return nil
	}
	if carriesQts(u) {
		g.mu.Lock()
		g.frozen = true
		g.mu.Unlock()
	}
	if g.report != nil {
		g.report(err)
	}
	return err
}

func carriesQts(u tg.UpdatesClass) bool {
	var list []tg.UpdateClass
	switch u := u.(type) {
	case *tg.Updates:
		list = u.Updates
	case *tg.UpdatesCombined:
		list = u.Updates
	case *tg.UpdateShort:
		list = []tg.UpdateClass{u.Update}
	}
	for _, x := range list {
		if _, ok := x.(*tg.UpdateNewEncryptedMessage); ok {
			return true
		}
	}
	return false
}

func (g *qtsGuard) isFrozen() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.frozen
}

// SetQts saves qts unless a message before it was not stored.
func (g *qtsGuard) SetQts(ctx context.Context, userID int64, qts int) error {
	if g.isFrozen() {
		return nil
	}
	return g.StateStorage.SetQts(ctx, userID, qts)
}

// SetState saves state, keeping the stored qts if a message was not stored.
func (g *qtsGuard) SetState(ctx context.Context, userID int64, state updates.State) error {
	if g.isFrozen() {
		stored, found, err := g.StateStorage.GetState(ctx, userID)
		if err != nil {
			return err
		}
		if found {
			state.Qts = stored.Qts
		}
	}
	return g.StateStorage.SetState(ctx, userID, state)
}
