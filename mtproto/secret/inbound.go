package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/gotd/td/tg"
)

// Inbound: server updates that carry secret messages, read receipts and typing, and the acknowledgement of the queue.

// Register routes the four secret chat update types of d to the manager: chat life cycle,
// new encrypted messages, read receipts and typing. It replaces any handlers d had for them.
func (m *Manager) Register(d *tg.UpdateDispatcher) {
	d.OnEncryption(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryption) error {
		return m.HandleEncryption(ctx, u)
	})
	d.OnNewEncryptedMessage(func(ctx context.Context, _ tg.Entities, u *tg.UpdateNewEncryptedMessage) error {
		return m.HandleNewEncryptedMessage(ctx, u)
	})
	d.OnEncryptedMessagesRead(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryptedMessagesRead) error {
		return m.HandleRead(ctx, u)
	})
	d.OnEncryptedChatTyping(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryptedChatTyping) error {
		return m.HandleTyping(ctx, u)
	})
}

// Handle routes a server update to the manager. It reports whether the update was a secret
// chat update. Updates of the types updateEncryption, updateNewEncryptedMessage,
// updateEncryptedChatTyping and updateEncryptedMessagesRead are handled.
func (m *Manager) Handle(ctx context.Context, u tg.UpdateClass) (bool, error) {
	switch u := u.(type) {
	case *tg.UpdateEncryption:
		return true, m.HandleEncryption(ctx, u)
	case *tg.UpdateNewEncryptedMessage:
		return true, m.HandleNewEncryptedMessage(ctx, u)
	case *tg.UpdateEncryptedChatTyping:
		return true, m.HandleTyping(ctx, u)
	case *tg.UpdateEncryptedMessagesRead:
		return true, m.HandleRead(ctx, u)
	}
	return false, nil
}

// HandleNewEncryptedMessage stores the raw message in the inbox before it returns (the
// caller's update state may advance past it right after), acknowledges it with
// messages.receivedQueue, and lets the chat's worker decrypt and apply it.
func (m *Manager) HandleNewEncryptedMessage(ctx context.Context, u *tg.UpdateNewEncryptedMessage) error {
	if m.loggingOut.Load() {
		return nil
	}
	var row InboxMessage
	switch msg := u.Message.(type) {
	case *tg.EncryptedMessage:
		row = InboxMessage{ChatID: ChatID(msg.ChatID), RandomID: msg.RandomID, Date: msg.Date,
			Bytes: msg.Bytes, File: fileFromTL(msg.File)}
	case *tg.EncryptedMessageService:
		row = InboxMessage{ChatID: ChatID(msg.ChatID), RandomID: msg.RandomID, Date: msg.Date,
			Bytes: msg.Bytes, Service: true}
	default:
		return nil
	}
	row.Qts = u.Qts
	if err := m.store.Update(ctx, func(tx Tx) error {
		_, err := tx.PutInbox(row)
		return err
	}); err != nil {
		m.holdAcks()
		return ignoreLogOut(fmt.Errorf("secret: store incoming message: %w", err))
	}
	if u.Qts > 0 {
		m.ack(u.Qts)
	}
	m.kick(row.ChatID)
	return nil
}

func fileFromTL(f tg.EncryptedFileClass) *EncryptedFile {
	ef, ok := f.(*tg.EncryptedFile)
	if !ok {
		return nil
	}
	return &EncryptedFile{ID: ef.ID, AccessHash: ef.AccessHash, Size: ef.Size, DCID: ef.DCID, KeyFingerprint: int32(ef.KeyFingerprint)}
}

func (m *Manager) ack(qts int) {
	m.mu.Lock()
	m.ackMax = max(m.ackMax, qts)
	m.mu.Unlock()
	select {
	case m.ackWake <- struct{}{}:
	default:
	}
}

// holdAcks stops confirming messages past those confirmable now: a message that could not
// be stored is not confirmed, neither by itself nor by a later qts. Updates with a qts
// are handled in order, so everything confirmable now was stored before it.
func (m *Manager) holdAcks() {
	m.mu.Lock()
	if !m.ackHeld {
		m.ackHeld, m.ackCap = true, m.ackMax
	}
	m.mu.Unlock()
}

// confirmable returns the highest qts the acker may confirm.
func (m *Manager) confirmable() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ackHeld {
		return min(m.ackMax, m.ackCap)
	}
	return m.ackMax
}

// acker confirms stored messages with messages.receivedQueue, coalescing bursts, until ctx
// (the account's background work) ends.
func (m *Manager) acker(ctx context.Context) {
	defer m.wg.Done()
	acked := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.ackWake:
		}
		q := m.confirmable()
		if q <= acked {
			continue
		}
		if _, err := m.api.MessagesReceivedQueue(ctx, q); err != nil {
			if ctx.Err() == nil {
				m.events.push(ErrorEvent{Err: fmt.Errorf("secret: receivedQueue: %w", err)})
			}
			continue
		}
		acked = q
	}
}

// HandleTyping reports the peer's typing.
func (m *Manager) HandleTyping(_ context.Context, u *tg.UpdateEncryptedChatTyping) error {
	if m.loggingOut.Load() {
		return nil
	}
	m.events.push(Typing{Chat: ChatID(u.ChatID)})
	return nil
}

// HandleRead starts the self-destruct timers of our messages the peer has read.
func (m *Manager) HandleRead(ctx context.Context, u *tg.UpdateEncryptedMessagesRead) error {
	if m.loggingOut.Load() {
		return nil
	}
	id := ChatID(u.ChatID)
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		ms, err := ct.tx.Messages(id)
		if err != nil {
			return err
		}
		var read []int64
		for _, msg := range ms {
			if !msg.Out || msg.Read || !msg.Sent || msg.Date.Unix() > int64(u.MaxDate) {
				continue
			}
			msg.Read = true
			ct.startTimer(&msg)
			if err := ct.tx.PutMessage(msg); err != nil {
				return err
			}
			read = append(read, msg.RandomID)
		}
		if len(read) > 0 {
			ct.emit(MessagesRead{Chat: id, RandomIDs: read})
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return ignoreLogOut(fmt.Errorf("secret: read receipt: %w", err))
	}
	m.afterCommit(ctx, id, fx)
	return nil
}

// ignoreLogOut turns the refusal of an update that arrived while the account logs out into
// success: the update belongs to the account being forgotten.
func ignoreLogOut(err error) error {
	if errors.Is(err, ErrLoggingOut) {
		return nil
	}
	return err
}
