package store

import (
	"bytes"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/ncruces/go-sqlite3"
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
)

// derivedKeys holds the Store's copy of the database key (for new
// connections) and the record-sealing key derived from it.
type derivedKeys struct {
	mu   sync.RWMutex
	db   []byte // the database key, for PRAGMA hexkey on new connections
	seal []byte // XChaCha20-Poly1305 key for records sealed inside the database
}

// deriveKeys derives the sealing key with HKDF-SHA256 from the database key.
func deriveKeys(dbKey []byte) *derivedKeys {
	k, err := hkdf.Key(sha256.New, dbKey, nil, "tacit/store/record-seal/v1", chacha20poly1305.KeySize)
	if err != nil {
		// HKDF only fails for absurd output lengths.
		panic(fmt.Sprintf("store: derive keys: %v", err))
	}
	return &derivedKeys{db: bytes.Clone(dbKey), seal: k}
}

// applyKey keys a new connection with the database key (no KDF runs: the raw
// key is given in hex). The hex text is transient, but Go strings cannot be
// wiped; the []byte copies held here are wiped on Close.
func (d *derivedKeys) applyKey(c *sqlite3.Conn) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.db == nil {
		return ErrClosed
	}
	pragma := make([]byte, 0, 16+2*len(d.db)+1)
	pragma = append(pragma, "PRAGMA hexkey='"...)
	pragma = hex.AppendEncode(pragma, d.db)
	pragma = append(pragma, '\'')
	err := c.Exec(string(pragma))
	wipe(pragma)
	return err
}

// wipe zeroes the derived keys; later seal/open calls fail with ErrClosed.
func (d *derivedKeys) wipe() {
	d.mu.Lock()
	defer d.mu.Unlock()
	wipe(d.seal)
	wipe(d.db)
	d.seal, d.db = nil, nil
}

// aad builds the associated data: purpose label || 0 || big-endian ids.
func aad(purpose string, ids ...int64) []byte {
	b := make([]byte, 0, len(purpose)+1+8*len(ids))
	b = append(b, purpose...)
	b = append(b, 0)
	for _, id := range ids {
		b = binary.BigEndian.AppendUint64(b, uint64(id))
	}
	return b
}

// sealRecord encrypts plaintext for the row (purpose, ids): nonce || ciphertext || tag.
func (d *derivedKeys) sealRecord(purpose string, plaintext []byte, ids ...int64) ([]byte, error) {
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
	return aead.Seal(out, out, plaintext, aad(purpose, ids...)), nil
}

// openRecord reverses sealRecord for the same (purpose, id).
func (d *derivedKeys) openRecord(purpose string, sealed []byte, ids ...int64) ([]byte, error) {
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
	pt, err := aead.Open(nil, nonce, ct, aad(purpose, ids...))
	if err != nil {
		return nil, errUnseal
	}
	return pt, nil
}
