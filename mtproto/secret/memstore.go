package secret

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
)

// errReadOnly is returned by writes inside View.
var errReadOnly = errors.New("secret: write in a read-only transaction")

// NewMemoryStorage returns a Storage that keeps everything in memory (tests, demos).
// Transactions are serialized; a failed Update is rolled back.
func NewMemoryStorage() Storage {
	return &memStorage{
		chats:    map[ChatID]Chat{},
		inbox:    map[int64]InboxMessage{},
		pending:  map[pendingKey]PendingMessage{},
		outbox:   map[pendingKey]OutboxMessage{},
		messages: map[ChatID]*memHistory{},
	}
}

type pendingKey struct {
	chat ChatID
	seq  int
}

type memHistory struct {
	order []int64 // random ids in insertion order
	byID  map[int64]Message
}

type memStorage struct {
	mu        sync.Mutex
	chats     map[ChatID]Chat
	inbox     map[int64]InboxMessage
	inboxNext int64
	pending   map[pendingKey]PendingMessage
	outbox    map[pendingKey]OutboxMessage
	messages  map[ChatID]*memHistory
	dh        *DHConfig
}

// memTx records an undo step for every write so that a failed Update can be rolled back.
type memTx struct {
	s        *memStorage
	readOnly bool
	undo     []func()
	// commit runs after fn succeeded: wiping the key material of removed records, which
	// a rollback would still need.
	commit []func()
}

func (s *memStorage) Update(ctx context.Context, fn func(tx Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{s: s}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("secret: memory storage: panic in transaction: %v", r)
			}
		}()
		return fn(tx)
	}()
	if err != nil {
		for i := len(tx.undo) - 1; i >= 0; i-- {
			tx.undo[i]()
		}
		return err
	}
	for _, f := range tx.commit {
		f()
	}
	return nil
}

func (s *memStorage) View(ctx context.Context, fn func(tx Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&memTx{s: s, readOnly: true})
}

func (t *memTx) write() error {
	if t.readOnly {
		return errReadOnly
	}
	return nil
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}

func cloneChat(c Chat) Chat {
	c.P = cloneBytes(c.P)
	c.Secret = cloneBytes(c.Secret)
	c.PeerPublic = cloneBytes(c.PeerPublic)
	c.Key = cloneBytes(c.Key)
	c.PrevKey = cloneBytes(c.PrevKey)
	c.Rekey.Secret = cloneBytes(c.Rekey.Secret)
	c.Rekey.NewKey = cloneBytes(c.Rekey.NewKey)
	c.OrphanKey = cloneBytes(c.OrphanKey)
	return c
}

func cloneFile(f *EncryptedFile) *EncryptedFile {
	if f == nil {
		return nil
	}
	c := *f
	return &c
}

func cloneInbox(m InboxMessage) InboxMessage {
	m.Bytes = cloneBytes(m.Bytes)
	m.File = cloneFile(m.File)
	return m
}

func clonePending(m PendingMessage) PendingMessage {
	m.Payload = cloneBytes(m.Payload)
	m.File = cloneFile(m.File)
	return m
}

func cloneOutbox(m OutboxMessage) OutboxMessage {
	m.Bytes = cloneBytes(m.Bytes)
	if m.File != nil {
		f := *m.File
		f.Sent = cloneFile(f.Sent)
		m.File = &f
	}
	return m
}

func cloneMessage(m Message) Message {
	m.ActionIDs = slices.Clone(m.ActionIDs)
	if m.Media != nil {
		md := *m.Media
		md.Key = cloneBytes(md.Key)
		md.IV = cloneBytes(md.IV)
		md.Thumb = cloneBytes(md.Thumb)
		m.Media = &md
	}
	return m
}

func (t *memTx) Chat(id ChatID) (Chat, error) {
	c, ok := t.s.chats[id]
	if !ok {
		return Chat{}, fmt.Errorf("secret: chat %d: %w", id, ErrNotFound)
	}
	return cloneChat(c), nil
}

func (t *memTx) Chats() ([]Chat, error) {
	out := make([]Chat, 0, len(t.s.chats))
	for _, c := range t.s.chats {
		out = append(out, cloneChat(c))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (t *memTx) PutChat(c Chat) error {
	if err := t.write(); err != nil {
		return err
	}
	old, had := t.s.chats[c.ID]
	t.s.chats[c.ID] = cloneChat(c)
	t.undo = append(t.undo, func() {
		if had {
			t.s.chats[c.ID] = old
		} else {
			delete(t.s.chats, c.ID)
		}
	})
	if had {
		// The stored record is the storage's own copy: once replaced, nothing refers to it.
		t.commit = append(t.commit, func() { wipeChat(old) })
	}
	return nil
}

func (t *memTx) DeleteChat(id ChatID) error {
	if err := t.write(); err != nil {
		return err
	}
	if old, had := t.s.chats[id]; had {
		delete(t.s.chats, id)
		t.undo = append(t.undo, func() { t.s.chats[id] = old })
		t.commit = append(t.commit, func() { wipeChat(old) })
	}
	for seq, m := range t.s.inbox {
		if m.ChatID == id {
			if err := t.DeleteInbox(seq); err != nil {
				return err
			}
		}
	}
	for k, m := range t.s.pending {
		if k.chat == id {
			delete(t.s.pending, k)
			t.undo = append(t.undo, func() { t.s.pending[k] = m })
		}
	}
	if err := t.DeleteOutboxBefore(id, int(^uint(0)>>1)); err != nil {
		return err
	}
	return t.DeleteMessages(id)
}

func (t *memTx) PutInbox(m InboxMessage) (int64, error) {
	if err := t.write(); err != nil {
		return 0, err
	}
	t.s.inboxNext++
	m.Seq = t.s.inboxNext
	t.s.inbox[m.Seq] = cloneInbox(m)
	t.undo = append(t.undo, func() {
		delete(t.s.inbox, m.Seq)
		t.s.inboxNext--
	})
	return m.Seq, nil
}

func (t *memTx) Inbox(chat ChatID) ([]InboxMessage, error) {
	var out []InboxMessage
	for _, m := range t.s.inbox {
		if m.ChatID == chat {
			out = append(out, cloneInbox(m))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

func (t *memTx) InboxChats() ([]ChatID, error) {
	seen := map[ChatID]bool{}
	var out []ChatID
	for _, m := range t.s.inbox {
		if !seen[m.ChatID] {
			seen[m.ChatID] = true
			out = append(out, m.ChatID)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (t *memTx) DeleteInbox(seq int64) error {
	if err := t.write(); err != nil {
		return err
	}
	if old, had := t.s.inbox[seq]; had {
		delete(t.s.inbox, seq)
		t.undo = append(t.undo, func() { t.s.inbox[seq] = old })
	}
	return nil
}

func (t *memTx) PutPending(m PendingMessage) error {
	if err := t.write(); err != nil {
		return err
	}
	k := pendingKey{m.ChatID, m.OutSeq}
	old, had := t.s.pending[k]
	t.s.pending[k] = clonePending(m)
	t.undo = append(t.undo, func() {
		if had {
			t.s.pending[k] = old
		} else {
			delete(t.s.pending, k)
		}
	})
	return nil
}

func (t *memTx) Pending(chat ChatID) ([]PendingMessage, error) {
	var out []PendingMessage
	for k, m := range t.s.pending {
		if k.chat == chat {
			out = append(out, clonePending(m))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OutSeq < out[j].OutSeq })
	return out, nil
}

func (t *memTx) DeletePending(chat ChatID, outSeq int) error {
	if err := t.write(); err != nil {
		return err
	}
	k := pendingKey{chat, outSeq}
	if old, had := t.s.pending[k]; had {
		delete(t.s.pending, k)
		t.undo = append(t.undo, func() { t.s.pending[k] = old })
	}
	return nil
}

func (t *memTx) PutOutbox(m OutboxMessage) error {
	if err := t.write(); err != nil {
		return err
	}
	k := pendingKey{m.ChatID, m.OutSeq}
	old, had := t.s.outbox[k]
	t.s.outbox[k] = cloneOutbox(m)
	t.undo = append(t.undo, func() {
		if had {
			t.s.outbox[k] = old
		} else {
			delete(t.s.outbox, k)
		}
	})
	return nil
}

func (t *memTx) Outbox(chat ChatID, from, to int) ([]OutboxMessage, error) {
	var out []OutboxMessage
	for k, m := range t.s.outbox {
		if k.chat == chat && k.seq >= from && k.seq <= to {
			out = append(out, cloneOutbox(m))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OutSeq < out[j].OutSeq })
	return out, nil
}

func (t *memTx) DeleteOutboxBefore(chat ChatID, seq int) error {
	if err := t.write(); err != nil {
		return err
	}
	for k, m := range t.s.outbox {
		if k.chat == chat && k.seq < seq {
			delete(t.s.outbox, k)
			t.undo = append(t.undo, func() { t.s.outbox[k] = m })
		}
	}
	return nil
}

func (t *memTx) history(chat ChatID) *memHistory {
	h := t.s.messages[chat]
	if h == nil {
		h = &memHistory{byID: map[int64]Message{}}
		t.s.messages[chat] = h
	}
	return h
}

func (t *memTx) PutMessage(m Message) error {
	if err := t.write(); err != nil {
		return err
	}
	h := t.history(m.ChatID)
	old, had := h.byID[m.RandomID]
	h.byID[m.RandomID] = cloneMessage(m)
	if !had {
		h.order = append(h.order, m.RandomID)
	}
	t.undo = append(t.undo, func() {
		if had {
			h.byID[m.RandomID] = old
			return
		}
		delete(h.byID, m.RandomID)
		if i := slices.Index(h.order, m.RandomID); i >= 0 {
			h.order = slices.Delete(h.order, i, i+1)
		}
	})
	return nil
}

func (t *memTx) Message(chat ChatID, randomID int64) (Message, error) {
	if h := t.s.messages[chat]; h != nil {
		if m, ok := h.byID[randomID]; ok {
			return cloneMessage(m), nil
		}
	}
	return Message{}, fmt.Errorf("secret: message %d in chat %d: %w", randomID, chat, ErrNotFound)
}

func (t *memTx) Messages(chat ChatID) ([]Message, error) {
	h := t.s.messages[chat]
	if h == nil {
		return nil, nil
	}
	out := make([]Message, 0, len(h.order))
	for _, id := range h.order {
		out = append(out, cloneMessage(h.byID[id]))
	}
	return out, nil
}

func (t *memTx) DeleteMessage(chat ChatID, randomID int64) error {
	if err := t.write(); err != nil {
		return err
	}
	h := t.s.messages[chat]
	if h == nil {
		return nil
	}
	old, had := h.byID[randomID]
	if !had {
		return nil
	}
	i := slices.Index(h.order, randomID)
	delete(h.byID, randomID)
	h.order = slices.Delete(h.order, i, i+1)
	t.undo = append(t.undo, func() {
		h.byID[randomID] = old
		h.order = slices.Insert(h.order, i, randomID)
	})
	return nil
}

func (t *memTx) DeleteMessages(chat ChatID) error {
	if err := t.write(); err != nil {
		return err
	}
	if old, had := t.s.messages[chat]; had {
		delete(t.s.messages, chat)
		t.undo = append(t.undo, func() { t.s.messages[chat] = old })
	}
	return nil
}

func (t *memTx) Expiring(at time.Time) ([]Message, error) {
	var out []Message
	chats := make([]ChatID, 0, len(t.s.messages))
	for id := range t.s.messages {
		chats = append(chats, id)
	}
	slices.Sort(chats)
	for _, id := range chats {
		h := t.s.messages[id]
		for _, rid := range h.order {
			m := h.byID[rid]
			if !m.ExpiresAt.IsZero() && !m.ExpiresAt.After(at) {
				out = append(out, cloneMessage(m))
			}
		}
	}
	return out, nil
}

func (t *memTx) DHConfig() (DHConfig, error) {
	if t.s.dh == nil {
		return DHConfig{}, fmt.Errorf("secret: dh config: %w", ErrNotFound)
	}
	c := *t.s.dh
	c.P = cloneBytes(c.P)
	return c, nil
}

func (t *memTx) PutDHConfig(c DHConfig) error {
	if err := t.write(); err != nil {
		return err
	}
	old := t.s.dh
	c.P = cloneBytes(c.P)
	t.s.dh = &c
	t.undo = append(t.undo, func() { t.s.dh = old })
	return nil
}

func (t *memTx) DeleteAll() error {
	if err := t.write(); err != nil {
		return err
	}
	s := t.s
	chats, inbox, next, pending, outbox, messages, dh := s.chats, s.inbox, s.inboxNext, s.pending, s.outbox, s.messages, s.dh
	s.chats = map[ChatID]Chat{}
	s.inbox = map[int64]InboxMessage{}
	s.pending = map[pendingKey]PendingMessage{}
	s.outbox = map[pendingKey]OutboxMessage{}
	s.messages = map[ChatID]*memHistory{}
	s.dh = nil
	t.undo = append(t.undo, func() {
		s.chats, s.inbox, s.inboxNext, s.pending, s.outbox, s.messages, s.dh = chats, inbox, next, pending, outbox, messages, dh
	})
	t.commit = append(t.commit, func() {
		for _, c := range chats {
			wipeChat(c)
		}
		for _, h := range messages {
			for _, m := range h.byID {
				if m.Media != nil {
					wipe(m.Media.Key)
					wipe(m.Media.IV)
				}
			}
		}
	})
	return nil
}

// wipeChat zeroes the key material of a chat record the storage no longer holds.
func wipeChat(c Chat) {
	for _, b := range c.KeyMaterial() {
		wipe(b)
	}
}
