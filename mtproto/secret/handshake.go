package secret

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tg/e2e"
	"github.com/gotd/td/tgerr"
)

// Handshake: a chat's life cycle, from the request through the DH exchange to the discard.

// HandleEncryption follows a chat's life cycle: requests, acceptance, discards.
func (m *Manager) HandleEncryption(ctx context.Context, u *tg.UpdateEncryption) error {
	if m.loggingOut.Load() {
		return nil
	}
	return ignoreLogOut(m.handleEncryption(ctx, u))
}

func (m *Manager) handleEncryption(ctx context.Context, u *tg.UpdateEncryption) error {
	switch ch := u.Chat.(type) {
	case *tg.EncryptedChatRequested:
		return m.onRequested(ctx, ch)
	case *tg.EncryptedChatWaiting:
		id := ChatID(ch.ID)
		lock := m.chatLock(id)
		lock.Lock()
		defer lock.Unlock()
		_, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
			if ct.c.AccessHash == 0 {
				ct.c.AccessHash = ch.AccessHash
			}
			return nil
		})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	case *tg.EncryptedChat:
		return m.onEncryptedChat(ctx, ch)
	case *tg.EncryptedChatDiscarded:
		return m.onDiscarded(ctx, ch)
	}
	return nil
}

func (m *Manager) onRequested(ctx context.Context, ch *tg.EncryptedChatRequested) error {
	id := ChatID(ch.ID)
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	var info ChatInfo
	created := false
	err := m.store.Update(ctx, func(tx Tx) error {
		created = false
		if _, err := tx.Chat(id); err == nil {
			return nil // known chat: a duplicate request is ignored
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		c := Chat{ID: id, AccessHash: ch.AccessHash, PeerID: ch.AdminID, State: StateRequested,
			Created: time.Unix(int64(ch.Date), 0), PeerPublic: bytes.Clone(ch.GA), ResendUpTo: -1,
			HisLayer: initialHisLayer}
		info, created = chatInfo(c), true
		return tx.PutChat(c)
	})
	if err != nil {
		return fmt.Errorf("secret: store chat request: %w", err)
	}
	if created {
		m.events.push(ChatRequested{Chat: info})
	}
	return nil
}

func (m *Manager) onEncryptedChat(ctx context.Context, ch *tg.EncryptedChat) error {
	id := ChatID(ch.ID)
	lock := m.chatLock(id)
	lock.Lock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error { return ct.onEncryptedChat(ch) })
	lock.Unlock()
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret: chat %d established: %w", id, err)
	}
	m.events.push(fx.events...)
	m.kick(id) // NotifyLayer, queued messages; a discard after a failed check
	return nil
}

// onEncryptedChat completes the key exchange (originator) or confirms it (responder).
func (ct *chatTx) onEncryptedChat(ch *tg.EncryptedChat) error {
	c := &ct.c
	switch c.State {
	case StateWaiting:
		p := new(big.Int).SetBytes(c.P)
		gb, err := ParsePublicValue(ch.GAOrB, p)
		if err != nil {
			return ct.abort(err)
		}
		a := new(big.Int).SetBytes(c.Secret)
		defer WipeInt(a)
		key, err := SharedKey(gb, a, p)
		if err != nil {
			return ct.abort(err)
		}
		fp := KeyFingerprint(key)
		if fp != ch.KeyFingerprint {
			wipe(key)
			return ct.abort(ErrFingerprint)
		}
		if c.AccessHash == 0 {
			c.AccessHash = ch.AccessHash
		}
		return ct.becomeReady(key, fp)
	case StateAccepting:
		if c.KeyFingerprint != ch.KeyFingerprint {
			return ct.abort(ErrFingerprint)
		}
		return ct.becomeReady(c.Key, c.KeyFingerprint)
	}
	return nil
}

func (ct *chatTx) becomeReady(key []byte, fp int64) error {
	c := &ct.c
	wipe(c.Secret)
	c.Secret, c.PeerPublic = nil, nil
	c.Key, c.KeyFingerprint = key, fp
	c.KeyHash = KeyHash(key)
	c.KeyUses, c.KeySince = 0, ct.now
	c.State = StateReady
	c.HisLayer = max(c.HisLayer, initialHisLayer)
	c.MyLayer = Layer
	if err := ct.enqueueService(&e2e.DecryptedMessageActionNotifyLayer{Layer: Layer}); err != nil {
		return err
	}
	ct.emit(ChatReady{Chat: chatInfo(*c), Fingerprint: Fingerprint{KeyHash: c.KeyHash}})
	if ct.cfg.newChatTTL == nil || c.TTL != 0 {
		return nil
	}
	if ttl := min(max(ct.cfg.newChatTTL(), 0), maxTTL); ttl > 0 {
		return ct.setTTL(ttl)
	}
	return nil
}

func (m *Manager) onDiscarded(ctx context.Context, ch *tg.EncryptedChatDiscarded) error {
	id := ChatID(ch.ID)
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		if ct.c.State == StateClosed {
			ct.c.DiscardPending = false // the server knows
			if ch.HistoryDeleted {
				return ct.tx.DeleteMessages(id)
			}
			return nil
		}
		reason := ClosedByPeer
		if ct.c.State == StateWaiting {
			reason = ClosedDeclinedByPeer // our request, refused
		}
		return ct.close(reason, nil, ch.HistoryDeleted, false)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret: chat %d discarded: %w", id, err)
	}
	m.events.push(fx.events...)
	return nil
}

// dhConfig returns checked DH parameters and fresh server randomness, using the cached
// parameters and the cached safe-prime verdict when the server says nothing changed.
func (m *Manager) dhConfig(ctx context.Context) (int, *big.Int, []byte, error) {
	m.dhMu.Lock()
	defer m.dhMu.Unlock()
	var cached DHConfig
	have := false
	if err := m.store.View(ctx, func(tx Tx) error {
		c, err := tx.DHConfig()
		if err == nil {
			cached, have = c, true
			return nil
		}
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	}); err != nil {
		return 0, nil, nil, fmt.Errorf("secret: dh config: %w", err)
	}
	version := 0
	if have {
		version = cached.Version
	}
	res, err := m.api.MessagesGetDhConfig(ctx, &tg.MessagesGetDhConfigRequest{Version: version, RandomLength: KeySize})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("secret: getDhConfig: %w", err)
	}
	var random []byte
	next := cached
	switch r := res.(type) {
	case *tg.MessagesDhConfigNotModified:
		if !have {
			return 0, nil, nil, fmt.Errorf("%w: dhConfigNotModified without a cached config", ErrDHParams)
		}
		random = r.Random
	case *tg.MessagesDhConfig:
		random = r.Random
		if !have || !bytes.Equal(cached.P, r.P) {
			next.Checked = false
		}
		next.Version, next.G, next.P = r.Version, r.G, r.P
	default:
		return 0, nil, nil, fmt.Errorf("secret: getDhConfig: unexpected %T", res)
	}
	p := new(big.Int).SetBytes(next.P)
	if next.Checked {
		err = checkDHShape(next.G, p)
	} else {
		err = m.verdicts.CheckDHParams(next.G, p)
	}
	if err != nil {
		return 0, nil, nil, err
	}
	if !next.Checked || next.Version != cached.Version || !have {
		next.Checked = true
		if err := m.store.Update(ctx, func(tx Tx) error { return tx.PutDHConfig(next) }); err != nil {
			return 0, nil, nil, fmt.Errorf("secret: store dh config: %w", err)
		}
	}
	return next.G, p, random, nil
}

// Start asks userID for a secret chat. The chat is Waiting until the peer accepts. If the
// server refuses, no chat remains (id 0); if the request got lost on the way (a network
// error), the id is returned with the error and the chat stays Waiting (so it does when the
// refused request cannot be removed from the storage; Discard removes it).
func (m *Manager) Start(ctx context.Context, userID, accessHash int64) (ChatID, error) {
	g, p, random, err := m.dhConfig(ctx)
	if err != nil {
		return 0, err
	}
	a, ga, err := NewKeyPair(g, p, random)
	if err != nil {
		return 0, err
	}
	defer WipeInt(a)
	var id ChatID
	var info ChatInfo
	err = m.store.Update(ctx, func(tx Tx) error {
		for {
			var b [4]byte
			if _, err := rand.Read(b[:]); err != nil {
				return err
			}
			id = ChatID(binary.LittleEndian.Uint32(b[:]) & 0x7fffffff)
			if id == 0 {
				continue
			}
			if _, err := tx.Chat(id); errors.Is(err, ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
		}
		c := Chat{ID: id, PeerID: userID, Originator: true, State: StateWaiting, Created: m.opts.Now(),
			G: g, P: p.Bytes(), Secret: a.FillBytes(make([]byte, KeySize)), ResendUpTo: -1, HisLayer: initialHisLayer}
		info = chatInfo(c)
		return tx.PutChat(c)
	})
	if err != nil {
		return 0, fmt.Errorf("secret: store new chat: %w", err)
	}
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	res, err := m.api.MessagesRequestEncryption(ctx, &tg.MessagesRequestEncryptionRequest{
		UserID: &tg.InputUser{UserID: userID, AccessHash: accessHash}, RandomID: int(id), GA: ga.Bytes()})
	if err != nil {
		var rpc *tgerr.Error
		if errors.As(err, &rpc) {
			// The server refused: nothing exists there, and nothing is kept here.
			if derr := m.store.Update(context.WithoutCancel(ctx), func(tx Tx) error { return tx.DeleteChat(id) }); derr != nil {
				// The chat stays Waiting here until discarded; say so.
				return id, fmt.Errorf("secret: requestEncryption: %w (and the request could not be removed here: %w)", err, derr)
			}
			return 0, fmt.Errorf("secret: requestEncryption: %w", err)
		}
		// The request may have reached the server: keep the chat Waiting, so that an
		// acceptance still completes it (Discard cancels it).
		m.events.push(ChatWaiting{Chat: info})
		return id, fmt.Errorf("secret: requestEncryption (chat kept waiting): %w", err)
	}
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		switch r := res.(type) {
		case *tg.EncryptedChatWaiting:
			if ChatID(r.ID) != id {
				return ct.abort(ErrChatIDMismatch)
			}
			ct.c.AccessHash = r.AccessHash
			ct.emit(ChatWaiting{Chat: info})
		case *tg.EncryptedChat:
			if ChatID(r.ID) != id {
				return ct.abort(ErrChatIDMismatch)
			}
			return ct.onEncryptedChat(r)
		case *tg.EncryptedChatDiscarded:
			return ct.close(ClosedDeclinedByPeer, nil, false, false)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("secret: store chat: %w", err)
	}
	m.afterCommit(ctx, id, fx)
	m.kick(id)
	return id, nil
}

// Accept accepts a requested chat: the key exchange completes and the chat becomes ready.
func (m *Manager) Accept(ctx context.Context, id ChatID) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	c, err := m.chat(ctx, id)
	if err != nil {
		return err
	}
	var (
		b, gb *big.Int
		key   []byte
		fp    int64
	)
	switch c.State {
	case StateAccepting:
		// A retry after a failed acceptEncryption: the same b, so that a server which did
		// get the first call sees the same g_b and fingerprint.
		p := new(big.Int).SetBytes(c.P)
		b = new(big.Int).SetBytes(c.Secret)
		gb = new(big.Int).Exp(big.NewInt(int64(c.G)), b, p)
		key, fp = c.Key, c.KeyFingerprint
	case StateRequested:
		g, p, random, err := m.dhConfig(ctx)
		if err != nil {
			return err
		}
		ga, err := ParsePublicValue(c.PeerPublic, p)
		if err != nil {
			fx, uerr := m.chatUpdate(ctx, id, func(ct *chatTx) error { return ct.abort(err) })
			if uerr != nil {
				return fmt.Errorf("secret: accept: %w (and closing the chat failed: %w)", err, uerr)
			}
			m.afterCommit(ctx, id, fx)
			return fmt.Errorf("secret: accept: %w", err)
		}
		if b, gb, err = NewKeyPair(g, p, random); err != nil {
			return err
		}
		if key, err = SharedKey(ga, b, p); err != nil {
			WipeInt(b)
			return err
		}
		fp = KeyFingerprint(key)
		// Persist before the server learns about it.
		if _, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
			ct.c.State, ct.c.G, ct.c.P = StateAccepting, g, p.Bytes()
			ct.c.Secret = b.FillBytes(make([]byte, KeySize))
			ct.c.Key, ct.c.KeyFingerprint = key, fp
			return nil
		}); err != nil {
			WipeInt(b)
			return fmt.Errorf("secret: accept: %w", err)
		}
	default:
		return fmt.Errorf("secret: accept: chat is %v", c.State)
	}
	defer WipeInt(b)
	res, err := m.api.MessagesAcceptEncryption(ctx, &tg.MessagesAcceptEncryptionRequest{
		Peer: inputChat(c), GB: gb.Bytes(), KeyFingerprint: fp})
	if err != nil && c.State == StateAccepting && tgerr.Is(err, "ENCRYPTION_ALREADY_ACCEPTED") {
		// Our first call went through and only its answer was lost: the peer holds the key
		// made from this very g_b.
		fx, uerr := m.chatUpdate(ctx, id, func(ct *chatTx) error {
			if ct.c.State != StateAccepting {
				return nil
			}
			return ct.becomeReady(ct.c.Key, ct.c.KeyFingerprint)
		})
		if uerr != nil {
			return fmt.Errorf("secret: accept: %w", uerr)
		}
		m.afterCommit(ctx, id, fx)
		m.kick(id)
		return nil
	}
	if err != nil {
		if tgerr.Is(err, "ENCRYPTION_ALREADY_ACCEPTED", "ENCRYPTION_ALREADY_DECLINED", "CHAT_ID_INVALID") {
			fx, uerr := m.chatUpdate(context.WithoutCancel(ctx), id, func(ct *chatTx) error {
				return ct.close(ClosedByPeer, err, false, false)
			})
			if uerr != nil {
				return fmt.Errorf("secret: acceptEncryption: %w (and closing the chat failed: %w)", err, uerr)
			}
			m.afterCommit(ctx, id, fx)
		}
		// Otherwise the chat stays Accepting; Accept may be called again.
		return fmt.Errorf("secret: acceptEncryption: %w", err)
	}
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		switch r := res.(type) {
		case *tg.EncryptedChat:
			if ChatID(r.ID) != id {
				return ct.abort(ErrChatIDMismatch)
			}
			return ct.onEncryptedChat(r)
		case *tg.EncryptedChatDiscarded:
			return ct.close(ClosedByPeer, nil, false, false)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("secret: accept: %w", err)
	}
	m.afterCommit(ctx, id, fx)
	m.kick(id)
	return nil
}

// Decline refuses a requested chat.
func (m *Manager) Decline(ctx context.Context, id ChatID) error {
	return m.Discard(ctx, id, false)
}

// Discard closes a chat (or cancels a request) for both sides; deleteHistory also wipes the
// history here and asks the peer to do the same. The chat is closed locally at once; if the
// server cannot be told now, that is retried (an ErrorEvent reports the failure).
func (m *Manager) Discard(ctx context.Context, id ChatID, deleteHistory bool) error {
	lock := m.chatLock(id)
	lock.Lock()
	defer lock.Unlock()
	fx, err := m.chatUpdate(ctx, id, func(ct *chatTx) error {
		if ct.c.State == StateClosed {
			if deleteHistory {
				return ct.tx.DeleteMessages(id)
			}
			return nil
		}
		reason := ClosedByUser
		if ct.c.State == StateRequested {
			reason = ClosedDeclinedByUser
		}
		return ct.close(reason, nil, deleteHistory, true)
	})
	if err != nil {
		return fmt.Errorf("secret: discard: %w", err)
	}
	m.events.push(fx.events...)
	if err := m.discardRemote(ctx, id); err != nil {
		// Closed here already; the server is told later (Tick retries).
		m.events.push(ErrorEvent{Chat: id, Err: err})
	}
	return nil
}
