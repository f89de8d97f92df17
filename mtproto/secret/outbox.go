package secret

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// Outbox: sending stored ciphertext, marking it sent, resends and remote discards.

func inputChat(c Chat) tg.InputEncryptedChat {
	return tg.InputEncryptedChat{ChatID: int(c.ID), AccessHash: c.AccessHash}
}

// sendStored sends a stored outgoing message exactly as stored.
func (m *Manager) sendStored(ctx context.Context, c Chat, o OutboxMessage) (int, *EncryptedFile, error) {
	var (
		res tg.MessagesSentEncryptedMessageClass
		err error
	)
	switch {
	case o.File != nil:
		var f tg.InputEncryptedFileClass
		switch {
		case o.File.Sent != nil:
			f = &tg.InputEncryptedFile{ID: o.File.Sent.ID, AccessHash: o.File.Sent.AccessHash}
		case o.File.Big:
			f = &tg.InputEncryptedFileBigUploaded{ID: o.File.UploadID, Parts: o.File.Parts, KeyFingerprint: int(o.File.KeyFingerprint)}
		default:
			f = &tg.InputEncryptedFileUploaded{ID: o.File.UploadID, Parts: o.File.Parts, MD5Checksum: o.File.MD5, KeyFingerprint: int(o.File.KeyFingerprint)}
		}
		res, err = m.api.MessagesSendEncryptedFile(ctx, &tg.MessagesSendEncryptedFileRequest{
			Peer: inputChat(c), RandomID: o.RandomID, Data: o.Bytes, File: f})
	case o.Service:
		res, err = m.api.MessagesSendEncryptedService(ctx, &tg.MessagesSendEncryptedServiceRequest{
			Peer: inputChat(c), RandomID: o.RandomID, Data: o.Bytes})
	default:
		res, err = m.api.MessagesSendEncrypted(ctx, &tg.MessagesSendEncryptedRequest{
			Peer: inputChat(c), RandomID: o.RandomID, Data: o.Bytes})
	}
	if err != nil {
		return 0, nil, err
	}
	switch r := res.(type) {
	case *tg.MessagesSentEncryptedMessage:
		return r.Date, nil, nil
	case *tg.MessagesSentEncryptedFile:
		return r.Date, fileFromTL(r.File), nil
	}
	return 0, nil, fmt.Errorf("secret: unexpected send result %T", res)
}

// isPeerGone reports send errors that mean the chat is over.
func isPeerGone(err error) bool {
	if tgerr.Is(err, "ENCRYPTION_DECLINED", "ENCRYPTION_ID_INVALID", "CHAT_ID_INVALID") {
		return true
	}
	var rpc *tgerr.Error
	return errors.As(err, &rpc) && rpc.Code == 403
}

// flush sends the chat's unsent messages in seq order, stopping at the first failure (they
// are retried later, never re-encrypted). The caller holds the chat lock.
func (m *Manager) flush(ctx context.Context, id ChatID) error {
	var c Chat
	var outs []OutboxMessage
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		if c, err = tx.Chat(id); err != nil {
			return err
		}
		outs, err = tx.Outbox(id, 0, math.MaxInt)
		return err
	}); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return fmt.Errorf("secret: read outbox: %w", err)
	}
	if c.State != StateReady {
		return nil
	}
	for _, o := range outs {
		if o.Sent {
			continue
		}
		if err := m.sendAndMark(ctx, c, o); err != nil {
			return err
		}
	}
	return nil
}

func (m *Manager) sendAndMark(ctx context.Context, c Chat, o OutboxMessage) error {
	date, file, err := m.sendStored(ctx, c, o)
	if err != nil {
		if isPeerGone(err) {
			fx, uerr := m.chatUpdate(ctx, c.ID, func(ct *chatTx) error {
				return ct.close(ClosedByPeer, err, false, false)
			})
			if uerr != nil {
				return fmt.Errorf("secret: send: %w (and closing the chat failed: %w)", err, uerr)
			}
			m.events.push(fx.events...)
		}
		return fmt.Errorf("secret: send: %w", err)
	}
	var evs []Event
	err = m.store.Update(ctx, func(tx Tx) error {
		evs = nil
		rows, err := tx.Outbox(c.ID, o.OutSeq, o.OutSeq)
		if err != nil {
			return err
		}
		if len(rows) == 1 && rows[0].RandomID == o.RandomID {
			r := rows[0]
			r.Sent = true
			if r.Date == 0 {
				r.Date = date
			}
			if r.File != nil && file != nil && r.File.Sent == nil {
				r.File.Sent = file
			}
			if err := tx.PutOutbox(r); err != nil {
				return err
			}
		}
		msg, err := tx.Message(c.ID, o.RandomID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if msg.Out && !msg.Sent {
			msg.Sent = true
			if date != 0 {
				msg.Date = time.Unix(int64(date), 0)
			}
			if msg.Media != nil && file != nil {
				msg.Media.File = *file
			}
			if err := tx.PutMessage(msg); err != nil {
				return err
			}
			evs = append(evs, MessageSent{Chat: c.ID, RandomID: o.RandomID, Date: msg.Date})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: mark sent: %w", err)
	}
	m.events.push(evs...)
	return nil
}

// resend sends our stored messages with raw out_seq_no in [from, to] again, byte for byte.
func (m *Manager) resend(ctx context.Context, id ChatID, from, to int) error {
	var c Chat
	var outs []OutboxMessage
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		if c, err = tx.Chat(id); err != nil {
			return err
		}
		outs, err = tx.Outbox(id, from, to)
		return err
	}); err != nil {
		return fmt.Errorf("secret: resend: %w", err)
	}
	if c.State != StateReady {
		return nil
	}
	for _, o := range outs {
		if err := m.sendAndMark(ctx, c, o); err != nil {
			return fmt.Errorf("secret: resend: %w", err)
		}
	}
	return nil
}

// discardRemote tells the server about a closed chat (a durable task: retried until it works).
func (m *Manager) discardRemote(ctx context.Context, id ChatID) error {
	var c Chat
	if err := m.store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.Chat(id)
		return err
	}); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}
	if !c.DiscardPending {
		return nil
	}
	_, err := m.api.MessagesDiscardEncryption(ctx, &tg.MessagesDiscardEncryptionRequest{ChatID: int(id), DeleteHistory: c.DiscardDeleteHistory})
	if err != nil && !discardSettled(err) {
		return fmt.Errorf("secret: discardEncryption: %w", err)
	}
	return m.store.Update(ctx, func(tx Tx) error {
		c, err := tx.Chat(id)
		if err != nil {
			return err
		}
		c.DiscardPending = false
		return tx.PutChat(c)
	})
}
