package secret

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tg/e2e"
)

// User actions: what the window asks of a chat, and what it reads back.

func (m *Manager) chat(ctx context.Context, id ChatID) (Chat, error) {
	var c Chat
	err := m.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Chat(id)
		return err
	})
	return c, err
}

// SendOptions tune an outgoing message.
type SendOptions struct {
	// TTL overrides the chat's self-destruct timer for this message (seconds; nil = chat default).
	TTL *int
	// Silent: the peer gets no notification sound.
	Silent bool
	// ReplyTo is the random id of the message answered (0 = none).
	ReplyTo int64
}

// userSend stores one user-visible message and sends it. The message is kept (and retried)
// even when the send fails; the error says so.
func (m *Manager) userSend(ctx context.Context, id ChatID, build func(ct *chatTx) error) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, build)
	if err != nil {
		return err
	}
	m.afterCommit(ctx, id, fx)
	if err := m.flush(ctx, id); err != nil {
		return fmt.Errorf("%w (kept, will retry)", err)
	}
	return nil
}

// SendText sends a text message and returns it as stored.
func (m *Manager) SendText(ctx context.Context, id ChatID, text string, opts SendOptions) (Message, error) {
	var msg Message
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		if ct.c.State != StateReady {
			return ErrNotReady
		}
		rid := nonZeroRandInt64()
		ttl := ct.c.TTL
		if opts.TTL != nil {
			ttl = min(max(*opts.TTL, 0), maxTTL)
		}
		dm := &e2e.DecryptedMessage{RandomID: rid, TTL: ttl, Message: text, Silent: opts.Silent}
		if opts.ReplyTo != 0 {
			dm.SetReplyToRandomID(opts.ReplyTo)
		}
		if _, err := ct.enqueue(dm, rid, false, nil); err != nil {
			return err
		}
		msg = Message{ChatID: id, RandomID: rid, Out: true, Kind: KindText, Date: ct.now, Text: text, TTL: ttl, ReplyTo: opts.ReplyTo}
		if err := ct.tx.PutMessage(msg); err != nil {
			return err
		}
		ct.emit(MessageQueued{Message: msg})
		return nil
	})
	if err != nil && !m.stored(ctx, msg) {
		return Message{}, fmt.Errorf("secret: send text: %w", err)
	}
	return m.reread(ctx, msg), err
}

// reread returns msg as stored now (sent, with the server's date), or msg itself when it
// is gone already (deleted or expired meanwhile) or cannot be read (reported).
func (m *Manager) reread(ctx context.Context, msg Message) Message {
	stored, err := m.message(ctx, msg.ChatID, msg.RandomID)
	switch {
	case err == nil:
		return stored
	case !errors.Is(err, ErrNotFound):
		m.events.push(ErrorEvent{Chat: msg.ChatID, Err: fmt.Errorf("secret: read back a sent message: %w", err)})
	}
	return msg
}

// stored reports whether msg, built inside a transaction that may have
// failed (a full disk), is in the store: only then is it kept and sent later.
func (m *Manager) stored(ctx context.Context, msg Message) bool {
	if msg.RandomID == 0 {
		return false
	}
	_, err := m.message(ctx, msg.ChatID, msg.RandomID)
	return err == nil
}

func (m *Manager) message(ctx context.Context, id ChatID, rid int64) (Message, error) {
	var msg Message
	err := m.store.View(ctx, func(tx Tx) (err error) {
		msg, err = tx.Message(id, rid)
		return err
	})
	return msg, err
}

// MarkRead marks every incoming message of the chat as read: their self-destruct timers
// start, and the peer learns it (messages.readEncryptedHistory, and ReadMessages for
// self-destructing messages so that the peer's timers start too).
func (m *Manager) MarkRead(ctx context.Context, id ChatID) error {
	maxDate := 0
	var c Chat
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		maxDate = 0
		c = ct.c
		ms, err := ct.tx.Messages(id)
		if err != nil {
			return err
		}
		var ttlIDs []int64
		for _, msg := range ms {
			if msg.Out || msg.Read {
				continue
			}
			msg.Read = true
			ct.startTimer(&msg)
			if err := ct.tx.PutMessage(msg); err != nil {
				return err
			}
			maxDate = max(maxDate, int(msg.Date.Unix()))
			if msg.TTL > 0 {
				ttlIDs = append(ttlIDs, msg.RandomID)
			}
		}
		if len(ttlIDs) > 0 && ct.c.State == StateReady {
			return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionReadMessages{RandomIDs: ttlIDs})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: mark read: %w", err)
	}
	if maxDate > 0 && c.State == StateReady {
		if _, err := m.api.MessagesReadEncryptedHistory(ctx, &tg.MessagesReadEncryptedHistoryRequest{Peer: inputChat(c), MaxDate: maxDate}); err != nil {
			return fmt.Errorf("secret: readEncryptedHistory: %w", err)
		}
	}
	return nil
}

// SetTTL sets the chat's self-destruct timer (seconds, 0 = off) for both sides.
func (m *Manager) SetTTL(ctx context.Context, id ChatID, seconds int) error {
	if seconds < 0 || seconds > maxTTL {
		return fmt.Errorf("secret: ttl %d out of range", seconds)
	}
	err := m.userSend(ctx, id, func(ct *chatTx) error { return ct.setTTL(seconds) })
	if err != nil {
		return fmt.Errorf("secret: set ttl: %w", err)
	}
	return nil
}

// setTTL queues the timer action for the peer, sets the chat's timer and keeps the service line both see.
func (ct *chatTx) setTTL(seconds int) error {
	rid := nonZeroRandInt64()
	if err := ct.enqueueVisibleService(rid, &e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: seconds}); err != nil {
		return err
	}
	ct.c.TTL = seconds
	msg := Message{ChatID: ct.c.ID, RandomID: rid, Out: true, Kind: KindService, Date: ct.now, Action: ActionSetTTL, ServiceTTL: seconds}
	if err := ct.tx.PutMessage(msg); err != nil {
		return err
	}
	ct.emit(TTLChanged{Chat: ct.c.ID, TTL: seconds}, MessageQueued{Message: msg})
	return nil
}

// SetTyping tells the peer (through the server, unencrypted) that the user is typing.
func (m *Manager) SetTyping(ctx context.Context, id ChatID, typing bool) error {
	c, err := m.chat(ctx, id)
	if err != nil {
		return err
	}
	if c.State != StateReady {
		return ErrNotReady
	}
	if _, err := m.api.MessagesSetEncryptedTyping(ctx, &tg.MessagesSetEncryptedTypingRequest{Peer: inputChat(c), Typing: typing}); err != nil {
		return fmt.Errorf("secret: setEncryptedTyping: %w", err)
	}
	return nil
}

// DeleteMessages deletes messages on both sides. Our own messages the peer has not yet
// received are rewritten in place as self-deletes with the same seq numbers, so their content
// never reaches the peer.
func (m *Manager) DeleteMessages(ctx context.Context, id ChatID, randomIDs []int64) error {
	if len(randomIDs) == 0 {
		return nil
	}
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		want := map[int64]bool{}
		for _, rid := range randomIDs {
			want[rid] = true
			if err := ct.tx.DeleteMessage(id, rid); err != nil {
				return err
			}
		}
		ct.emit(MessagesDeleted{Chat: id, RandomIDs: randomIDs})
		if ct.c.State != StateReady {
			return nil
		}
		outs, err := ct.tx.Outbox(id, 0, math.MaxInt)
		if err != nil {
			return err
		}
		for _, o := range outs {
			if !want[o.RandomID] {
				continue
			}
			if err := ct.rewriteAsSelfDelete(o); err != nil {
				return err
			}
		}
		return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionDeleteMessages{RandomIDs: randomIDs})
	})
	if err != nil {
		return fmt.Errorf("secret: delete messages: %w", err)
	}
	return nil
}

// rewriteAsSelfDelete replaces a stored outgoing message by a service message deleting
// itself, with the same random_id and seq numbers.
func (ct *chatTx) rewriteAsSelfDelete(o OutboxMessage) error {
	c := &ct.c
	x := ct.xSeq()
	payload, err := encodeLayer(sendLayer(c.HisLayer), 2*o.InSeq+x, 2*o.OutSeq+(1-x),
		&e2e.DecryptedMessageService{RandomID: o.RandomID,
			Action: &e2e.DecryptedMessageActionDeleteMessages{RandomIDs: []int64{o.RandomID}}})
	if err != nil {
		return err
	}
	wire, err := Seal(c.Key, c.Originator, payload)
	wipe(payload)
	if err != nil {
		return err
	}
	o.Bytes, o.File, o.Service = wire, nil, false
	return ct.tx.PutOutbox(o)
}

// FlushHistory clears the chat's history on both sides.
func (m *Manager) FlushHistory(ctx context.Context, id ChatID) error {
	err := m.userSend(ctx, id, func(ct *chatTx) error {
		if err := ct.tx.DeleteMessages(id); err != nil {
			return err
		}
		ct.emit(HistoryFlushed{Chat: id})
		if ct.c.State != StateReady {
			return nil
		}
		return ct.enqueueVisibleService(nonZeroRandInt64(), &e2e.DecryptedMessageActionFlushHistory{})
	})
	if err != nil {
		return fmt.Errorf("secret: flush history: %w", err)
	}
	return nil
}

// Rekey starts a re-key exchange now (they also start by themselves after 100 messages or
// 7 days). The key visualisation does not change.
func (m *Manager) Rekey(ctx context.Context, id ChatID) error {
	_, _, random, err := m.dhConfig(ctx)
	if err != nil {
		return err
	}
	err = m.userSend(ctx, id, func(ct *chatTx) error { return ct.startRekey(random) })
	if err != nil {
		return fmt.Errorf("secret: rekey: %w", err)
	}
	return nil
}

// Fingerprint returns the chat's key visualisation (from the original key).
func (m *Manager) Fingerprint(ctx context.Context, id ChatID) (Fingerprint, error) {
	c, err := m.chat(ctx, id)
	if err != nil {
		return Fingerprint{}, err
	}
	if c.KeyHash == ([KeyHashSize]byte{}) {
		return Fingerprint{}, ErrNotReady
	}
	return Fingerprint{KeyHash: c.KeyHash}, nil
}

// SetVerified records whether the user compared the key visualisation with the peer.
func (m *Manager) SetVerified(ctx context.Context, id ChatID, verified bool) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	_, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		ct.c.Verified = verified
		return nil
	})
	return err
}

// Chats lists all chats.
func (m *Manager) Chats(ctx context.Context) ([]ChatInfo, error) {
	var out []ChatInfo
	err := m.store.View(ctx, func(tx Tx) error {
		cs, err := tx.Chats()
		out = out[:0]
		for _, c := range cs {
			out = append(out, chatInfo(c))
		}
		return err
	})
	return out, err
}

// Chat describes one chat.
func (m *Manager) Chat(ctx context.Context, id ChatID) (ChatInfo, error) {
	c, err := m.chat(ctx, id)
	if err != nil {
		return ChatInfo{}, err
	}
	return chatInfo(c), nil
}

// Messages returns the chat's history, oldest first.
func (m *Manager) Messages(ctx context.Context, id ChatID) ([]Message, error) {
	var out []Message
	err := m.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Messages(id)
		return err
	})
	return out, err
}
