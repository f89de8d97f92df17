package secret

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/gotd/td/tg/e2e"
)

// Re-keying (perfect forward secrecy) and the chat's time-driven work: giving up exchanges
// that do not finish, asking again for messages missing behind a gap.

func (ct *chatTx) chatPrime() (int, *big.Int) {
	return ct.c.G, new(big.Int).SetBytes(ct.c.P)
}

// startRekey begins a re-key exchange as initiator. serverRandom may be nil.
func (ct *chatTx) startRekey(serverRandom []byte) error {
	return ct.startRekeyID(serverRandom, nonZeroRandInt64())
}

func (ct *chatTx) startRekeyID(serverRandom []byte, id int64) error {
	c := &ct.c
	if c.State != StateReady {
		return ErrNotReady
	}
	if c.Rekey.State != RekeyIdle || len(c.PrevKey) > 0 {
		return ErrRekeyBusy
	}
	g, p := ct.chatPrime()
	a, ga, err := NewKeyPair(g, p, serverRandom)
	if err != nil {
		return err
	}
	defer WipeInt(a)
	c.Rekey = Rekey{State: RekeyRequested, ExchangeID: id, Since: ct.now, Secret: a.FillBytes(make([]byte, KeySize))}
	return ct.enqueueService(&e2e.DecryptedMessageActionRequestKey{ExchangeID: id, GA: ga.Bytes()})
}

// maybeRekey starts an exchange when the key has been used enough or long enough.
func (ct *chatTx) maybeRekey() error {
	c := &ct.c
	if c.State != StateReady || c.Rekey.State != RekeyIdle || len(c.PrevKey) > 0 {
		return nil
	}
	due := c.KeyUses > ct.cfg.rekeyAfterUses ||
		(c.KeyUses > 0 && !c.KeySince.IsZero() && ct.now.Sub(c.KeySince) > ct.cfg.rekeyAfterAge)
	if !due {
		return nil
	}
	return ct.startRekey(nil)
}

func (ct *chatTx) onRequestKey(a *e2e.DecryptedMessageActionRequestKey) error {
	c := &ct.c
	switch c.Rekey.State {
	case RekeyRequested:
		switch {
		case c.Rekey.ExchangeID > a.ExchangeID:
			return nil // ours wins; the peer will answer ours
		case c.Rekey.ExchangeID == a.ExchangeID:
			wipe(c.Rekey.Secret)
			c.Rekey = Rekey{}
			return nil
		}
		wipe(c.Rekey.Secret)
		c.Rekey = Rekey{} // theirs wins: answer it
	case RekeyAccepted:
		return nil // an exchange is unfinished
	}
	if len(c.PrevKey) > 0 {
		// The previous exchange is not finished on our side; the peer must wait.
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID})
	}
	g, p := ct.chatPrime()
	ga, err := ParsePublicValue(a.GA, p)
	if err != nil {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("secret: re-key refused: %w", err)})
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID})
	}
	b, gb, err := NewKeyPair(g, p, nil)
	if err != nil {
		return err
	}
	defer WipeInt(b)
	key, err := SharedKey(ga, b, p)
	if err != nil {
		return err
	}
	fp := KeyFingerprint(key)
	c.Rekey = Rekey{State: RekeyAccepted, ExchangeID: a.ExchangeID, Since: ct.now, NewKey: key, NewFingerprint: fp}
	return ct.enqueueService(&e2e.DecryptedMessageActionAcceptKey{ExchangeID: a.ExchangeID, GB: gb.Bytes(), KeyFingerprint: fp})
}

func (ct *chatTx) onAcceptKey(a *e2e.DecryptedMessageActionAcceptKey) error {
	c := &ct.c
	if c.Rekey.State != RekeyRequested || c.Rekey.ExchangeID != a.ExchangeID {
		ct.emit(ErrorEvent{Chat: c.ID, Err: errors.New("secret: AcceptKey for an exchange we did not start ignored")})
		return nil
	}
	_, p := ct.chatPrime()
	abort := func(cause error) error {
		ct.emit(ErrorEvent{Chat: c.ID, Err: fmt.Errorf("secret: re-key aborted: %w", cause)})
		wipe(c.Rekey.Secret)
		c.Rekey = Rekey{}
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID})
	}
	gb, err := ParsePublicValue(a.GB, p)
	if err != nil {
		return abort(err)
	}
	secretA := new(big.Int).SetBytes(c.Rekey.Secret)
	defer WipeInt(secretA)
	key, err := SharedKey(gb, secretA, p)
	if err != nil {
		return abort(err)
	}
	fp := KeyFingerprint(key)
	if fp != a.KeyFingerprint {
		wipe(key)
		return abort(ErrFingerprint)
	}
	// CommitKey still travels under the old key; everything after it uses the new one.
	if err := ct.enqueueService(&e2e.DecryptedMessageActionCommitKey{ExchangeID: a.ExchangeID, KeyFingerprint: fp}); err != nil {
		return err
	}
	wipe(c.Rekey.Secret)
	c.Rekey = Rekey{}
	ct.installKey(key, fp)
	return nil
}

// installKey makes key current, keeping the old one for messages still in flight. The key of
// a given-up exchange can no longer be committed once another key is in use: it goes.
func (ct *chatTx) installKey(key []byte, fp int64) {
	c := &ct.c
	if fp != c.OrphanFingerprint {
		ct.dropOrphan()
	}
	wipe(c.PrevKey)
	c.PrevKey, c.PrevKeyFingerprint = c.Key, c.KeyFingerprint
	c.Key, c.KeyFingerprint = key, fp
	c.KeyUses, c.KeySince = 0, ct.now
	ct.emit(Rekeyed{Chat: c.ID, KeyFingerprint: fp})
}

// switchToNewKey adopts the key of an accepted exchange before its CommitKey arrived.
func (ct *chatTx) switchToNewKey() {
	c := &ct.c
	key := c.Rekey.NewKey
	c.Rekey.NewKey = nil
	ct.installKey(key, c.Rekey.NewFingerprint)
}

// switchToOrphan adopts the key of a given-up exchange that the peer committed after all.
func (ct *chatTx) switchToOrphan() {
	c := &ct.c
	key, fp := c.OrphanKey, c.OrphanFingerprint
	c.OrphanKey, c.OrphanFingerprint, c.OrphanExchangeID = nil, 0, 0
	ct.installKey(key, fp)
}

func (ct *chatTx) dropPrevKey() {
	c := &ct.c
	wipe(c.PrevKey)
	c.PrevKey, c.PrevKeyFingerprint = nil, 0
}

func (ct *chatTx) onCommitKey(a *e2e.DecryptedMessageActionCommitKey) error {
	c := &ct.c
	if len(c.OrphanKey) > 0 && c.OrphanExchangeID == a.ExchangeID && c.OrphanFingerprint == a.KeyFingerprint {
		// The peer committed an exchange we had given up.
		ct.switchToOrphan()
		ct.dropPrevKey()
		return ct.enqueueService(&e2e.DecryptedMessageActionNoop{})
	}
	if c.Rekey.State != RekeyAccepted || c.Rekey.ExchangeID != a.ExchangeID || c.Rekey.NewFingerprint != a.KeyFingerprint {
		ct.emit(ErrorEvent{Chat: c.ID, Err: errors.New("secret: CommitKey for an exchange we did not accept ignored")})
		return nil
	}
	if len(c.Rekey.NewKey) > 0 {
		ct.switchToNewKey()
	}
	c.Rekey = Rekey{}
	// All of the peer's messages under the old key came before its CommitKey.
	ct.dropPrevKey()
	// Let the initiator drop the old key too.
	return ct.enqueueService(&e2e.DecryptedMessageActionNoop{})
}

func (ct *chatTx) onAbortKey(a *e2e.DecryptedMessageActionAbortKey) {
	c := &ct.c
	if c.Rekey.State == RekeyIdle || c.Rekey.ExchangeID != a.ExchangeID {
		return
	}
	if c.Rekey.State == RekeyAccepted && len(c.Rekey.NewKey) == 0 {
		return // we already saw the new key in use: the peer committed
	}
	wipe(c.Rekey.Secret)
	wipe(c.Rekey.NewKey)
	c.Rekey = Rekey{}
	ct.emit(ErrorEvent{Chat: c.ID, Err: errors.New("secret: the peer aborted the re-key")})
}

// housekeepingDue reports whether chat c has time-driven work at now: a re-key exchange to
// give up, a Resend to ask again, a re-key to start.
func housekeepingDue(c Chat, now time.Time, cfg config) bool {
	if c.State != StateReady {
		return false
	}
	return rekeyDue(c, now, cfg) || rekeyExpired(c, now, cfg) ||
		(!c.ResendNext.IsZero() && !now.Before(c.ResendNext))
}

// rekeyExpired reports an exchange that has run for longer than the time limit.
func rekeyExpired(c Chat, now time.Time, cfg config) bool {
	return cfg.rekeyTimeout > 0 && c.Rekey.State != RekeyIdle && !c.Rekey.Since.IsZero() &&
		now.Sub(c.Rekey.Since) > cfg.rekeyTimeout
}

// housekeeping does the chat's time-driven work; updateChat runs it in every transaction.
func (ct *chatTx) housekeeping() error {
	if ct.c.State != StateReady {
		return nil
	}
	if err := ct.giveUpRekey(); err != nil {
		return err
	}
	if err := ct.repeatResend(); err != nil {
		return err
	}
	return ct.maybeRekey()
}

// giveUpRekey ends an exchange that did not finish in time, so that the chat can re-key
// again. Our own request is withdrawn with AbortKey (allowed before Commit). An exchange we
// accepted cannot be aborted any more (the peer may commit it whenever it reads our
// AcceptKey), so its key is kept aside as the orphan key: a late CommitKey, or a message
// under that key, still switches the chat to it.
func (ct *chatTx) giveUpRekey() error {
	c := &ct.c
	if c.Rekey.State != RekeyIdle && c.Rekey.Since.IsZero() {
		c.Rekey.Since = ct.now // an exchange stored before the time limit existed
	}
	if !rekeyExpired(*c, ct.now, *ct.cfg) {
		return nil
	}
	id := c.Rekey.ExchangeID
	switch c.Rekey.State {
	case RekeyRequested:
		wipe(c.Rekey.Secret)
		c.Rekey = Rekey{}
		ct.emit(ErrorEvent{Chat: c.ID, Err: ErrRekeyTimedOut})
		return ct.enqueueService(&e2e.DecryptedMessageActionAbortKey{ExchangeID: id})
	case RekeyAccepted:
		ct.dropOrphan()
		c.OrphanKey, c.OrphanFingerprint, c.OrphanExchangeID = c.Rekey.NewKey, c.Rekey.NewFingerprint, id
		c.Rekey = Rekey{}
		ct.emit(ErrorEvent{Chat: c.ID, Err: ErrRekeyTimedOut})
	}
	return nil
}

// repeatResend asks again for the messages still missing behind a gap when its time has
// come, each repeat waiting twice as long as the one before.
func (ct *chatTx) repeatResend() error {
	c := &ct.c
	if c.ResendNext.IsZero() || ct.now.Before(c.ResendNext) {
		return nil
	}
	pend, err := ct.tx.Pending(c.ID)
	if err != nil {
		return err
	}
	// The missing numbers lie between InSeq and the last queued message.
	queued := map[int]bool{}
	last := -1
	for _, p := range pend {
		queued[p.OutSeq] = true
		last = max(last, p.OutSeq)
	}
	to := -1
	for n := last - 1; n >= c.InSeq; n-- {
		if !queued[n] {
			to = n
			break
		}
	}
	if to < c.InSeq {
		c.ResendNext, c.ResendTries = time.Time{}, 0 // nothing missing any more
		return nil
	}
	from := c.InSeq
	to = min(to, from+maxResend-1)
	c.ResendTries++
	c.ResendNext = ct.now.Add(ct.cfg.resendBackoff(c.ResendTries))
	x := ct.xSeq()
	return ct.enqueueService(&e2e.DecryptedMessageActionResend{StartSeqNo: 2*from + x, EndSeqNo: 2*to + x})
}
