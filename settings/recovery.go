package settings

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// The recovery key is 32 random bytes followed by a 3-byte checksum, written
// in base32 (A-Z, 2-7) as 14 groups of 4 characters:
//
//	ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX
//
// It is shown once, when the key is created, and never stored: the key file
// keeps only a copy of the database key wrapped under a key derived from it
// (HKDF-SHA256; the secret is random, so no slow KDF is needed). With the key
// file it unlocks the database when the passphrase is forgotten or the
// keyring has lost the key, and ResetPassphrase then sets a new passphrase.
const (
	recoverySecretLen   = 32
	recoveryChecksumLen = 3
	recoveryGroupLen    = 4
	recoveryTextLen     = (recoverySecretLen + recoveryChecksumLen) * 8 / 5 // 56
)

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrInvalidRecoveryKey is matched when a recovery key is mistyped: wrong
// length, a character outside the alphabet, or a failed checksum. It does not
// say anything about whether the key would unlock the database.
var ErrInvalidRecoveryKey = errors.New("invalid recovery key")

// newRecoveryKey returns a fresh recovery secret and its printable form.
func newRecoveryKey() (secret []byte, printable string, err error) {
	secret = make([]byte, recoverySecretLen)
	if _, err := rand.Read(secret); err != nil {
		return nil, "", fmt.Errorf("settings: random recovery key: %w", err)
	}
	raw := make([]byte, 0, recoverySecretLen+recoveryChecksumLen)
	raw = append(raw, secret...)
	raw = append(raw, recoveryChecksum(secret)...)
	text := recoveryEncoding.EncodeToString(raw)
	clear(raw)
	var b strings.Builder
	for i := 0; i < len(text); i += recoveryGroupLen {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(text[i : i+recoveryGroupLen])
	}
	return secret, b.String(), nil
}

// parseRecoveryKey returns the secret of a recovery key typed by the user.
// Case, spaces, line breaks and dashes are ignored, and the digits 0, 1 and 8
// (not in the alphabet) are read as the letters O, I and B.
func parseRecoveryKey(s string) ([]byte, error) {
	norm := make([]byte, 0, recoveryTextLen)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '-' || ch == '\t' || ch == '\n' || ch == '\r':
			continue
		case ch >= 'a' && ch <= 'z':
			ch -= 'a' - 'A'
		case ch == '0':
			ch = 'O'
		case ch == '1':
			ch = 'I'
		case ch == '8':
			ch = 'B'
		}
		if !(ch >= 'A' && ch <= 'Z' || ch >= '2' && ch <= '7') {
			clear(norm)
			return nil, fmt.Errorf("settings: %w: it may contain only letters A-Z, digits 2-7 and dashes", ErrInvalidRecoveryKey)
		}
		norm = append(norm, ch)
	}
	if len(norm) != recoveryTextLen {
		n := len(norm)
		clear(norm)
		return nil, fmt.Errorf("settings: %w: it has %d letters and digits, want %d", ErrInvalidRecoveryKey, n, recoveryTextLen)
	}
	raw, err := recoveryEncoding.DecodeString(string(norm))
	clear(norm)
	if err != nil || len(raw) != recoverySecretLen+recoveryChecksumLen {
		clear(raw)
		return nil, fmt.Errorf("settings: %w: not a recovery key", ErrInvalidRecoveryKey)
	}
	secret, sum := raw[:recoverySecretLen], raw[recoverySecretLen:]
	want := recoveryChecksum(secret)
	if string(sum) != string(want) {
		clear(raw)
		return nil, fmt.Errorf("settings: %w: checksum mismatch, check for a typo", ErrInvalidRecoveryKey)
	}
	return secret, nil
}

func recoveryChecksum(secret []byte) []byte {
	h := sha256.New()
	h.Write([]byte("tacit recovery key checksum v1"))
	h.Write(secret)
	return h.Sum(nil)[:recoveryChecksumLen]
}
