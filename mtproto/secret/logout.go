package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// Log out: ending every chat of the account and forgetting it, so that the next account
// served by the same Manager (or a new one on the same Storage) finds nothing of it.

// ErrLoggingOut is returned by actions attempted while LogOut runs.
var ErrLoggingOut = errors.New("secret: logging out")

// LogOutReport says which chats the server was told about.
type LogOutReport struct {
	// Discarded lists the chats the server confirmed as ended, with their history deleted
	// for the peer too.
	Discarded []ChatID
	// Unreached lists the chats the server could not be told about (no network, ctx ended,
	// the server refused). They are gone from this computer all the same; the peer keeps
	// its copy until it ends the chat itself.
	Unreached []ChatFailure
}

// ChatFailure names a chat and why an operation on it failed.
type ChatFailure struct {
	Chat   ChatID
	PeerID int64
	Err    error
}

// LogOut ends every secret chat of the account and forgets it:
//
//  1. every chat that is not closed yet is closed here (ClosedLoggedOut: keys wiped, queued
//     messages dropped); background work stops and no update or action of the account is
//     applied any more;
//  2. the server is told, chat by chat, with messages.discardEncryption delete_history=true
//     (requests are declined, our own requests cancelled), for as long as ctx allows;
//  3. everything is deleted from the Storage (Tx.DeleteAll: chats, keys, messages, media,
//     inbox, outbox, pending requests, verified marks);
//  4. the Manager's memory of the account is dropped: workers, unconfirmed acknowledgements
//     (messages.receivedQueue), undelivered events.
//
// Step 3 runs even when ctx has ended. The returned error is non-nil only when the local
// deletion failed (the report still says what the server was told). Afterwards the Manager
// serves the next account: Run goes on (or is started again), and updates and actions are
// accepted again. Events of the old account are not delivered any more: the caller knows it
// logged out.
func (m *Manager) LogOut(ctx context.Context) (LogOutReport, error) {
	m.logoutMu.Lock()
	defer m.logoutMu.Unlock()
	m.mu.Lock()
	closed := m.isClosed
	m.mu.Unlock()
	if closed {
		return LogOutReport{}, errors.New("secret: log out: the manager is closed")
	}

	// Keep the old account's writes out, then stop its background work.
	m.events.mute(true)
	m.gate.Lock()
	m.loggingOut.Store(true)
	m.gate.Unlock()
	m.mu.Lock()
	m.cancel()
	m.mu.Unlock()
	m.wg.Wait()
	defer m.renew()

	local := context.WithoutCancel(ctx)
	toTell, err := m.closeAllForLogOut(local)
	if err != nil {
		return LogOutReport{}, fmt.Errorf("secret: log out: %w", err)
	}
	report := m.discardAll(ctx, toTell)
	if err := m.base.Update(local, func(tx Tx) error { return tx.DeleteAll() }); err != nil {
		return report, fmt.Errorf("secret: log out: delete local data: %w", err)
	}
	return report, nil
}

// closeAllForLogOut closes every chat here and returns the chats the server has to be told
// about.
func (m *Manager) closeAllForLogOut(ctx context.Context) ([]Chat, error) {
	var chats []Chat
	if err := m.base.View(ctx, func(tx Tx) (err error) {
		chats, err = tx.Chats()
		return err
	}); err != nil {
		return nil, err
	}
	var tell []Chat
	for _, c := range chats {
		lock := m.chatLock(c.ID)
		lock.Lock()
		var after Chat
		_, err := updateChat(ctx, m.base, c.ID, m.opts.Now(), &m.cfg, func(ct *chatTx) error {
			defer func() { after = ct.c }()
			if ct.c.State == StateClosed {
				if ct.c.DiscardPending {
					ct.c.DiscardDeleteHistory = true
				}
				return nil
			}
			return ct.close(ClosedLoggedOut, nil, true, true)
		})
		lock.Unlock()
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("close chat %d: %w", c.ID, err)
		}
		if after.DiscardPending {
			tell = append(tell, after)
		}
	}
	return tell, nil
}

// discardAll tells the server about each chat for as long as ctx allows.
func (m *Manager) discardAll(ctx context.Context, chats []Chat) LogOutReport {
	var r LogOutReport
	for _, c := range chats {
		if err := ctx.Err(); err != nil {
			r.Unreached = append(r.Unreached, ChatFailure{Chat: c.ID, PeerID: c.PeerID, Err: err})
			continue
		}
		_, err := m.api.MessagesDiscardEncryption(ctx, &tg.MessagesDiscardEncryptionRequest{ChatID: int(c.ID), DeleteHistory: true})
		if err != nil && !discardSettled(err) {
			r.Unreached = append(r.Unreached, ChatFailure{Chat: c.ID, PeerID: c.PeerID,
				Err: fmt.Errorf("secret: discardEncryption: %w", err)})
			continue
		}
		r.Discarded = append(r.Discarded, c.ID)
	}
	return r
}

// discardSettled reports the discardEncryption errors that mean the chat is already over at
// the server.
func discardSettled(err error) bool {
	return tgerr.Is(err, "ENCRYPTION_ALREADY_DECLINED", "ENCRYPTION_ID_INVALID", "CHAT_ID_INVALID", "CHAT_ID_EMPTY")
}

// renew drops what the Manager remembers of the old account and starts the background work
// of the next one.
func (m *Manager) renew() {
	m.mu.Lock()
	for id, l := range m.locks {
		// A lock still held belongs to an action that started before LogOut; it finds its
		// chat gone. The others go with the account's chat ids.
		if l.TryLock() {
			delete(m.locks, id)
			l.Unlock()
		}
	}
	m.workers = map[ChatID]*worker{}
	m.ackMax = 0
	m.ackHeld, m.ackCap = false, 0
	select {
	case <-m.ackWake:
	default:
	}
	if !m.isClosed {
		m.startWork()
	}
	m.mu.Unlock()
	m.events.drop()
	m.events.mute(false)
	m.loggingOut.Store(false)
}

// gatedStorage is the Manager's view of its Storage: writes are refused while LogOut runs.
type gatedStorage struct{ m *Manager }

func (g gatedStorage) Update(ctx context.Context, fn func(tx Tx) error) error {
	g.m.gate.RLock()
	defer g.m.gate.RUnlock()
	if g.m.loggingOut.Load() {
		return ErrLoggingOut
	}
	return g.m.base.Update(ctx, fn)
}

func (g gatedStorage) View(ctx context.Context, fn func(tx Tx) error) error {
	return g.m.base.View(ctx, fn)
}
