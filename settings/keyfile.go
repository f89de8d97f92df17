package settings

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/text/unicode/norm"
)

// KeyFileName is the name of the key file in the data directory. It exists in
// both modes: it records where the database key is kept and always holds the
// recovery copy of the key.
const KeyFileName = "key.json"

// DatabaseKeyLen is the length of the database key.
const DatabaseKeyLen = 32

const (
	keyFileFormat  = "tacit-key"
	keyFileVersion = 1

	kdfArgon2id = "argon2id"
	kdfHKDF     = "hkdf-sha256"

	slotPassphrase = "passphrase"
	slotRecovery   = "recovery"

	saltLen  = 16
	checkLen = sha256.Size
	keyIDLen = 8
)

// Key file format, version 1 (JSON; byte fields are base64):
//
//	{
//	  "format": "tacit-key", "version": 1,
//	  "mode": "keyring" | "passphrase",
//	  "key_id": "<16 hex digits, random, fixed for the life of the key>",
//	  "key_check": HMAC-SHA256(db key, "tacit database key check v1"),
//	  "keyring": {"service": "tacit", "user": "<profile>/<key_id>"},   keyring mode only
//	  "passphrase": slot (kdf "argon2id" with time, memory_kib, threads), passphrase mode only
//	  "recovery": slot (kdf "hkdf-sha256")                             always
//	}
//
// A slot derives 64 bytes from its secret and salt (Argon2id over the
// passphrase in Unicode NFC, or HKDF-SHA256 over the recovery secret):
// the first 32 are the wrapping key, the last 32 key the check value
// HMAC-SHA256(k, "tacit slot check v1|<slot>|<key_id>"). "wrapped" is the
// database key sealed with XChaCha20-Poly1305 under the wrapping key with
// additional data "tacit key file v1|<slot>|<key_id>". The check value tells
// a wrong passphrase (check differs) from a modified file (check matches but
// the seal or key_check does not). It gives an attacker nothing the sealed
// key would not: testing a guess costs one Argon2id either way.

type keyFile struct {
	Format     string      `json:"format"`
	Version    int         `json:"version"`
	Mode       Mode        `json:"mode"`
	KeyID      string      `json:"key_id"`
	KeyCheck   []byte      `json:"key_check"`
	Keyring    *keyringRef `json:"keyring,omitempty"`
	Passphrase *slot       `json:"passphrase,omitempty"`
	Recovery   *slot       `json:"recovery"`
}

type keyringRef struct {
	Service string `json:"service"`
	User    string `json:"user"`
}

type slot struct {
	KDF       string `json:"kdf"`
	Time      uint32 `json:"time,omitempty"`
	MemoryKiB uint32 `json:"memory_kib,omitempty"`
	Threads   uint8  `json:"threads,omitempty"`
	Salt      []byte `json:"salt"`
	Check     []byte `json:"check"`
	Nonce     []byte `json:"nonce"`
	Wrapped   []byte `json:"wrapped"`
}

// KDFParams are the Argon2id parameters for wrapping a passphrase.
type KDFParams struct {
	Time      uint32 // passes
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
}

// DefaultKDFParams are the desktop defaults: 3 passes over 64 MiB with 4
// lanes (the cost is the same on 2 cores as with 2 lanes, and lower on 4).
func DefaultKDFParams() KDFParams { return KDFParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4} }

// Bounds for parameters read from a key file, so that a modified file cannot
// make Tacit allocate gigabytes or spin for minutes.
const (
	maxKDFTime      = 64
	maxKDFMemoryKiB = 1 << 20 // 1 GiB
	maxKDFThreads   = 16
)

func (p KDFParams) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("argon2id time %d outside 1..%d", p.Time, maxKDFTime)
	case p.Threads < 1 || p.Threads > maxKDFThreads:
		return fmt.Errorf("argon2id threads %d outside 1..%d", p.Threads, maxKDFThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB:
		return fmt.Errorf("argon2id memory %d KiB outside %d..%d", p.MemoryKiB, 8*uint32(p.Threads), maxKDFMemoryKiB)
	}
	return nil
}

// ErrKeyFileCorrupt is matched by a *KeyFileError for a key file that cannot
// be read as a key file (truncated, not JSON, missing or malformed fields).
var ErrKeyFileCorrupt = errors.New("key file corrupt")

// ErrKeyFileTampered is matched by a *KeyFileError for a key file whose
// wrapped key fails authentication although the passphrase or recovery key
// was right: the file was modified.
var ErrKeyFileTampered = errors.New("key file modified")

// KeyFileError says which key file is unusable and what is wrong with it.
// Err is ErrKeyFileCorrupt, ErrKeyFileTampered or an I/O error.
type KeyFileError struct {
	Path    string
	Problem string
	Err     error
}

func (e *KeyFileError) Error() string {
	return fmt.Sprintf("settings: key file %s: %s", e.Path, e.Problem)
}

// Unwrap returns the kind of problem.
func (e *KeyFileError) Unwrap() error { return e.Err }

// parseKeyFile decodes and checks the structure of a key file. Problems are
// returned as *KeyFileError with an empty Path (the caller fills it in).
func parseKeyFile(data []byte) (*keyFile, error) {
	corrupt := func(format string, args ...any) error {
		return &KeyFileError{Problem: fmt.Sprintf(format, args...), Err: ErrKeyFileCorrupt}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, corrupt("empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var kf keyFile
	if err := dec.Decode(&kf); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, corrupt("truncated (ends after %d bytes)", len(data))
		case errors.As(err, &se):
			return nil, corrupt("not valid JSON at byte %d", se.Offset)
		case errors.As(err, &te):
			return nil, corrupt("field %q has the wrong type at byte %d", te.Field, te.Offset)
		default:
			// Unknown fields and base64 errors; encoding/json names the
			// field, never a value.
			return nil, corrupt("%v", err)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, corrupt("data after the end of the key file")
	}
	if kf.Format != keyFileFormat {
		return nil, corrupt("not a Tacit key file (format %q)", kf.Format)
	}
	if kf.Version > keyFileVersion {
		return nil, corrupt("version %d was written by a newer Tacit; this build reads up to version %d", kf.Version, keyFileVersion)
	}
	if kf.Version < 1 {
		return nil, corrupt("invalid version %d", kf.Version)
	}
	if b, err := hex.DecodeString(kf.KeyID); err != nil || len(b) != keyIDLen {
		return nil, corrupt("key_id must be %d hexadecimal digits", 2*keyIDLen)
	}
	if len(kf.KeyCheck) != checkLen {
		return nil, corrupt("key_check must be %d bytes, has %d", checkLen, len(kf.KeyCheck))
	}
	switch kf.Mode {
	case ModeKeyring:
		if kf.Keyring == nil || kf.Keyring.Service == "" || kf.Keyring.User == "" {
			return nil, corrupt("mode is keyring but the keyring item is not named")
		}
		if kf.Passphrase != nil {
			return nil, corrupt("mode is keyring but a passphrase slot is present")
		}
	case ModePassphrase:
		if kf.Passphrase == nil {
			return nil, corrupt("mode is passphrase but the passphrase slot is missing")
		}
		if kf.Keyring != nil {
			return nil, corrupt("mode is passphrase but a keyring item is named")
		}
		if err := kf.Passphrase.validate(kdfArgon2id); err != nil {
			return nil, corrupt("passphrase slot: %v", err)
		}
	default:
		return nil, corrupt("unknown mode %q", kf.Mode)
	}
	if kf.Recovery == nil {
		return nil, corrupt("the recovery slot is missing")
	}
	if err := kf.Recovery.validate(kdfHKDF); err != nil {
		return nil, corrupt("recovery slot: %v", err)
	}
	return &kf, nil
}

func (s *slot) validate(kdf string) error {
	if s.KDF != kdf {
		return fmt.Errorf("kdf %q, want %q", s.KDF, kdf)
	}
	if kdf == kdfArgon2id {
		if err := s.params().validate(); err != nil {
			return err
		}
	} else if s.Time != 0 || s.MemoryKiB != 0 || s.Threads != 0 {
		return fmt.Errorf("unexpected argon2id parameters")
	}
	switch {
	case len(s.Salt) != saltLen:
		return fmt.Errorf("salt must be %d bytes, has %d", saltLen, len(s.Salt))
	case len(s.Check) != checkLen:
		return fmt.Errorf("check must be %d bytes, has %d", checkLen, len(s.Check))
	case len(s.Nonce) != chacha20poly1305.NonceSizeX:
		return fmt.Errorf("nonce must be %d bytes, has %d", chacha20poly1305.NonceSizeX, len(s.Nonce))
	case len(s.Wrapped) != DatabaseKeyLen+chacha20poly1305.Overhead:
		return fmt.Errorf("wrapped key must be %d bytes, has %d", DatabaseKeyLen+chacha20poly1305.Overhead, len(s.Wrapped))
	}
	return nil
}

func (s *slot) params() KDFParams {
	return KDFParams{Time: s.Time, MemoryKiB: s.MemoryKiB, Threads: s.Threads}
}

// derive returns the slot's wrapping key and check key (32 bytes each, in one
// 64-byte buffer the caller wipes).
func (s *slot) derive(secret []byte) ([]byte, error) {
	switch s.KDF {
	case kdfArgon2id:
		pass := nfc(secret)
		defer clear(pass)
		return argon2.IDKey(pass, s.Salt, s.Time, s.MemoryKiB, s.Threads, 64), nil
	case kdfHKDF:
		return hkdf.Key(sha256.New, secret, s.Salt, "tacit recovery key v1", 64)
	}
	return nil, fmt.Errorf("unknown kdf %q", s.KDF)
}

// nfc returns a copy of the passphrase in Unicode normalization form C, so
// that the same passphrase typed through different keyboards or input
// methods (composed or decomposed accents) unlocks the same key. The copy is
// allocated large enough (NFC grows text at most threefold) that appending
// never leaves a partial copy behind in a discarded buffer; the caller
// wipes it.
func nfc(pass []byte) []byte {
	return norm.NFC.Append(make([]byte, 0, 3*len(pass)+4), pass...)
}

func slotCheck(checkKey []byte, name, keyID string) []byte {
	m := hmac.New(sha256.New, checkKey)
	m.Write([]byte("tacit slot check v1|" + name + "|" + keyID))
	return m.Sum(nil)
}

func slotAD(name, keyID string) []byte {
	return []byte("tacit key file v1|" + name + "|" + keyID)
}

func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }

func keyCheck(dbKey []byte) []byte {
	m := hmac.New(sha256.New, dbKey)
	m.Write([]byte("tacit database key check v1"))
	return m.Sum(nil)
}

// sealSlot wraps dbKey under secret in a new slot with fresh salt and nonce.
// p is used only for kdfArgon2id.
func sealSlot(kdf string, p KDFParams, name, keyID string, secret, dbKey []byte) (*slot, error) {
	s := &slot{KDF: kdf, Salt: make([]byte, saltLen), Nonce: make([]byte, chacha20poly1305.NonceSizeX)}
	if kdf == kdfArgon2id {
		s.Time, s.MemoryKiB, s.Threads = p.Time, p.MemoryKiB, p.Threads
	}
	if _, err := rand.Read(s.Salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(s.Nonce); err != nil {
		return nil, err
	}
	keys, err := s.derive(secret)
	if err != nil {
		return nil, err
	}
	defer clear(keys)
	aead, err := chacha20poly1305.NewX(keys[:32])
	if err != nil {
		return nil, err
	}
	s.Check = slotCheck(keys[32:], name, keyID)
	s.Wrapped = aead.Seal(nil, s.Nonce, dbKey, slotAD(name, keyID))
	return s, nil
}

// errWrongSecret means the slot's check value does not match: a wrong
// passphrase or recovery key (or a modified salt or parameters, which cannot
// be told apart without the secret).
var errWrongSecret = errors.New("wrong secret")

// openSlot unwraps the database key from slot name of kf with secret. It
// returns errWrongSecret, a *KeyFileError (ErrKeyFileTampered) or the key.
func (kf *keyFile) openSlot(name string, s *slot, secret []byte) ([]byte, error) {
	keys, err := s.derive(secret)
	if err != nil {
		return nil, err
	}
	defer clear(keys)
	if !hmac.Equal(slotCheck(keys[32:], name, kf.KeyID), s.Check) {
		return nil, errWrongSecret
	}
	aead, err := chacha20poly1305.NewX(keys[:32])
	if err != nil {
		return nil, err
	}
	dbKey, err := aead.Open(nil, s.Nonce, s.Wrapped, slotAD(name, kf.KeyID))
	if err != nil {
		return nil, &KeyFileError{Problem: "the " + name + " slot's wrapped key fails authentication: the file was modified", Err: ErrKeyFileTampered}
	}
	if !hmac.Equal(keyCheck(dbKey), kf.KeyCheck) {
		clear(dbKey)
		return nil, &KeyFileError{Problem: "the key in the " + name + " slot does not match key_check: the file was modified", Err: ErrKeyFileTampered}
	}
	return dbKey, nil
}

func (kf *keyFile) encode() ([]byte, error) {
	data, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
