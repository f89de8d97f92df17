package store

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// errUnseal is the single error for every failure to open a sealed record.
var errUnseal = errors.New("store: sealed record failed authentication")

// Record purposes: each sealed record's associated data starts with one of these
// labels, so a record of one kind can never be opened as another.
const (
	purposeSession    = "tacit/store/session"
	purposeSecretChat = "tacit/store/secret-chat"
	purposeSecretMeta = "tacit/store/secret-message-media"
	purposeOutboxFile = "tacit/store/secret-outbox"
)

// derivedKeys holds the record-sealing key derived from the database key.
type derivedKeys struct {
	mu   sync.RWMutex
	seal []byte // XChaCha20-Poly1305 key for records sealed inside the database
}

// deriveKeys derives the sealing key with HKDF-SHA256 from the database key.
func deriveKeys(dbKey []byte) *derivedKeys {
	k, err := hkdf.Key(sha256.New, dbKey, nil, "tacit/store/record-seal/v1", chacha20poly1305.KeySize)
	if err != nil {
		// HKDF only fails for absurd output lengths.
		panic(fmt.Sprintf("store: derive keys: %v", err))
	}
	return &derivedKeys{seal: k}
}

// wipe zeroes the derived keys; later seal/open calls fail with ErrClosed.
func (d *derivedKeys) wipe() {
	d.mu.Lock()
	defer d.mu.Unlock()
	wipe(d.seal)
	d.seal = nil
}

// aad builds the associated data: purpose label || 0 || big-endian id.
func aad(purpose string, id int64) []byte {
	b := make([]byte, 0, len(purpose)+9)
	b = append(b, purpose...)
	b = append(b, 0)
	return binary.BigEndian.AppendUint64(b, uint64(id))
}

// sealRecord encrypts plaintext for the row (purpose, id): nonce || ciphertext || tag.
func (d *derivedKeys) sealRecord(purpose string, id int64, plaintext []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.seal == nil {
		return nil, ErrClosed
	}
	aead, err := chacha20poly1305.NewX(d.seal)
	if err != nil {
		return nil, fmt.Errorf("store: seal: %w", err)
	}
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("store: seal: %w", err)
	}
	return aead.Seal(out, out, plaintext, aad(purpose, id)), nil
}

// openRecord reverses sealRecord for the same (purpose, id).
func (d *derivedKeys) openRecord(purpose string, id int64, sealed []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.seal == nil {
		return nil, ErrClosed
	}
	aead, err := chacha20poly1305.NewX(d.seal)
	if err != nil {
		return nil, fmt.Errorf("store: open record: %w", err)
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errUnseal
	}
	nonce, ct := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	pt, err := aead.Open(nil, nonce, ct, aad(purpose, id))
	if err != nil {
		return nil, errUnseal
	}
	return pt, nil
}
