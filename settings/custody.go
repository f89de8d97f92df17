package settings

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// DefaultKeyringTimeout bounds a keyring call when the caller's context has
// no earlier deadline. It is long because an unlock prompt waits for the
// user; the UI should offer a Cancel button that cancels the context.
const DefaultKeyringTimeout = 30 * time.Second

// MinPassphraseLen is the shortest passphrase accepted, in characters.
const MinPassphraseLen = 8

var (
	// ErrWrongPassphrase: the passphrase does not unlock the key file.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrWrongRecoveryKey: a well-formed recovery key that does not unlock
	// the key file (it belongs to another profile or an older key).
	ErrWrongRecoveryKey = errors.New("wrong recovery key")
	// ErrKeyMissing: the key file says the key is in the keyring, but the
	// keyring has no such item. The database exists, so a new key must not
	// be made; the recovery key restores access.
	ErrKeyMissing = errors.New("database key missing from the system keyring")
	// ErrKeyringEntryInvalid: the keyring item exists but does not hold this
	// profile's key.
	ErrKeyringEntryInvalid = errors.New("keyring item does not hold this profile's key")
	// ErrKeyFileMissing: the data directory holds files but no key file, so
	// a new key would orphan them.
	ErrKeyFileMissing = errors.New("data directory has files but no key file")
	// ErrAlreadyCreated: a key already exists for this data directory.
	ErrAlreadyCreated = errors.New("a database key already exists")
	// ErrNoKey: the operation needs a key, but none has been created.
	ErrNoKey = errors.New("no database key has been created")
	// ErrWrongMode: the operation does not apply to the profile's mode (for
	// example UnlockPassphrase on a keyring profile).
	ErrWrongMode = errors.New("operation does not apply to this key custody mode")
	// ErrPassphraseTooShort: a new passphrase is shorter than
	// MinPassphraseLen characters.
	ErrPassphraseTooShort = errors.New("passphrase too short")
	// ErrStaleKeyringEntry: the operation succeeded, but the database key
	// could not be removed from the keyring (the error also wraps the
	// *KeyringError). The UI should tell the user to delete the item
	// "tacit" / KeyringError.User with the system's keyring manager.
	ErrStaleKeyringEntry = errors.New("old keyring item could not be removed")
)

// Custody keeps the 32-byte database key of one data directory, either in the
// OS keyring (ModeKeyring) or wrapped by a passphrase (ModePassphrase), and
// always with a recovery copy wrapped by the recovery key; see KeyFileName.
//
// Every method may block (keyring over D-Bus, Argon2id): call them from a
// goroutine, never from the UI event goroutine. Methods are safe for
// concurrent use; they run one at a time.
//
// Keys returned to the caller are fresh slices the caller must wipe (Wipe)
// when done. Passphrases passed in are wiped by Custody before the method
// returns, whatever the outcome; the caller must not use them afterwards.
type Custody struct {
	dir            string
	profile        string
	kr             Keyring
	kdf            KDFParams
	keyringTimeout time.Duration
	mu             sync.Mutex
}

// Option configures a Custody.
type Option func(*Custody)

// WithKDFParams sets the Argon2id parameters for passphrases wrapped from now
// on (existing key files keep theirs). Parameters weaker than
// DefaultKDFParams are for tests only.
func WithKDFParams(p KDFParams) Option { return func(c *Custody) { c.kdf = p } }

// NewCustody returns the key custody of dataDir (Paths.Data). profile names
// the keyring item (with the key's random ID, so two data directories of the
// same profile never share an item); kr is usually SystemKeyring{}.
func NewCustody(dataDir, profile string, kr Keyring, opts ...Option) *Custody {
	if profile == "" {
		profile = DefaultProfile
	}
	c := &Custody{dir: dataDir, profile: profile, kr: kr, kdf: DefaultKDFParams(), keyringTimeout: DefaultKeyringTimeout}
	for _, o := range opts {
		o(c)
	}
	return c
}

// KeyFilePath is the path of the key file.
func (c *Custody) KeyFilePath() string { return filepath.Join(c.dir, KeyFileName) }

// Status is what Open found and what the UI should do next.
type Status int

const (
	// StatusFirstRun: no key exists yet. Offer CreateWithKeyring or
	// CreateWithPassphrase; OpenResult.Err is nil if the keyring answered,
	// otherwise why it cannot be used (suggest the passphrase).
	StatusFirstRun Status = iota + 1
	// StatusUnlocked: a keyring profile; OpenResult.Key holds the key.
	StatusUnlocked
	// StatusLocked: a passphrase profile, which starts locked. Ask for the
	// passphrase (UnlockPassphrase), with "forgot passphrase" leading to
	// the recovery key (UnlockRecovery, ResetPassphrase).
	StatusLocked
	// StatusKeyringUnavailable: a keyring profile whose keyring did not
	// answer (OpenResult.Err, a *KeyringError, says why). Offer retry, or
	// the recovery key with a new passphrase (ResetPassphrase).
	StatusKeyringUnavailable
	// StatusKeyMissing: a keyring profile whose key is gone from the
	// keyring (OpenResult.Err is ErrKeyMissing). Ask for the recovery key.
	StatusKeyMissing
)

func (s Status) String() string {
	switch s {
	case StatusFirstRun:
		return "first run"
	case StatusUnlocked:
		return "unlocked"
	case StatusLocked:
		return "locked"
	case StatusKeyringUnavailable:
		return "keyring unavailable"
	case StatusKeyMissing:
		return "key missing"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// OpenResult is the outcome of Open.
type OpenResult struct {
	Status Status
	// Key is the database key for StatusUnlocked, nil otherwise. The caller
	// wipes it.
	Key []byte
	// Err explains StatusKeyringUnavailable and StatusKeyMissing, and for
	// StatusFirstRun tells why the keyring cannot be offered (nil if it can).
	Err error
}

// Open finds out where the profile stands, unlocking it if it is a keyring
// profile. Its error is for what the UI cannot resolve by a simple prompt: an
// unreadable or corrupt key file (*KeyFileError), a data directory with files
// but no key file (ErrKeyFileMissing), a keyring item that holds some other
// key (ErrKeyringEntryInvalid; the recovery key still works), or I/O errors.
func (c *Custody) Open(ctx context.Context) (OpenResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if errors.Is(err, ErrNoKey) {
		_, perr := c.keyringGet(ctx, c.profile)
		if errors.Is(perr, keyring.ErrNotFound) {
			perr = nil
		}
		return OpenResult{Status: StatusFirstRun, Err: perr}, nil
	}
	if err != nil {
		return OpenResult{}, err
	}
	if kf.Mode == ModePassphrase {
		return OpenResult{Status: StatusLocked}, nil
	}
	key, err := c.unlockKeyring(ctx, kf)
	switch {
	case err == nil:
		return OpenResult{Status: StatusUnlocked, Key: key}, nil
	case errors.Is(err, ErrKeyringUnavailable):
		return OpenResult{Status: StatusKeyringUnavailable, Err: err}, nil
	case errors.Is(err, ErrKeyMissing):
		return OpenResult{Status: StatusKeyMissing, Err: err}, nil
	}
	return OpenResult{}, err
}

// Mode returns the profile's custody mode from the key file, without
// touching the keyring. It returns ErrNoKey before a key is created.
func (c *Custody) Mode() (Mode, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if err != nil {
		return "", err
	}
	return kf.Mode, nil
}

// KeyringAvailable reports whether the keyring answers, so that moving the
// key there can be offered: nil when it does, a *KeyringError otherwise.
func (c *Custody) KeyringAvailable(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.keyringGet(ctx, c.profile)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// CreateWithKeyring creates the database key, stores it in the keyring and
// writes the key file. It returns the key and the recovery key, to be shown
// to the user once. If the keyring is unavailable it returns a *KeyringError
// and creates nothing.
func (c *Custody) CreateWithKeyring(ctx context.Context) (key []byte, recovery string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, key, recSecret, recovery, err := c.newKey()
	if err != nil {
		return nil, "", err
	}
	defer clear(recSecret)
	kf.Mode = ModeKeyring
	kf.Keyring = c.keyringRef(kf.KeyID)
	if err := c.keyringSet(ctx, kf.Keyring.User, base64.StdEncoding.EncodeToString(key)); err != nil {
		clear(key)
		return nil, "", err
	}
	if err := c.store(kf); err != nil {
		// Best effort: the key was never handed out, so nothing uses it.
		_ = c.keyringDelete(ctx, kf.Keyring.User)
		clear(key)
		return nil, "", err
	}
	return key, recovery, nil
}

// CreateWithPassphrase creates the database key wrapped by pass and writes
// the key file. It returns the key and the recovery key, to be shown once.
// pass is wiped.
func (c *Custody) CreateWithPassphrase(ctx context.Context, pass []byte) (key []byte, recovery string, err error) {
	defer clear(pass)
	c.mu.Lock()
	defer c.mu.Unlock()
	if utf8.RuneCount(pass) < MinPassphraseLen {
		return nil, "", fmt.Errorf("settings: %w: use at least %d characters", ErrPassphraseTooShort, MinPassphraseLen)
	}
	kf, key, recSecret, recovery, err := c.newKey()
	if err != nil {
		return nil, "", err
	}
	defer clear(recSecret)
	kf.Mode = ModePassphrase
	if kf.Passphrase, err = c.sealPassphrase(ctx, kf, pass, key); err == nil {
		err = c.store(kf)
	}
	if err != nil {
		clear(key)
		return nil, "", err
	}
	return key, recovery, nil
}

// UnlockKeyring returns the database key of a keyring profile. Errors:
// *KeyringError (ErrKeyringUnavailable), ErrKeyMissing,
// ErrKeyringEntryInvalid, ErrWrongMode, ErrNoKey, *KeyFileError.
func (c *Custody) UnlockKeyring(ctx context.Context) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if err != nil {
		return nil, err
	}
	return c.unlockKeyring(ctx, kf)
}

// UnlockPassphrase returns the database key of a passphrase profile. A wrong
// passphrase gives ErrWrongPassphrase; a modified key file a *KeyFileError
// (ErrKeyFileTampered). pass is wiped.
func (c *Custody) UnlockPassphrase(ctx context.Context, pass []byte) ([]byte, error) {
	defer clear(pass)
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if err != nil {
		return nil, err
	}
	return c.unlockPassphrase(ctx, kf, pass)
}

// UnlockRecovery returns the database key using the recovery key, in either
// mode. A mistyped recovery key gives ErrInvalidRecoveryKey, a well-formed
// but wrong one ErrWrongRecoveryKey. It changes nothing on disk; see
// ResetPassphrase to set a new passphrase with it.
func (c *Custody) UnlockRecovery(ctx context.Context, recovery string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if err != nil {
		return nil, err
	}
	return c.unlockRecovery(ctx, kf, recovery)
}

// ChangePassphrase re-wraps the same database key under newPass. Both
// passphrases are wiped.
func (c *Custody) ChangePassphrase(ctx context.Context, oldPass, newPass []byte) error {
	defer clear(oldPass)
	defer clear(newPass)
	c.mu.Lock()
	defer c.mu.Unlock()
	if utf8.RuneCount(newPass) < MinPassphraseLen {
		return fmt.Errorf("settings: %w: use at least %d characters", ErrPassphraseTooShort, MinPassphraseLen)
	}
	kf, err := c.load()
	if err != nil {
		return err
	}
	key, err := c.unlockPassphrase(ctx, kf, oldPass)
	if err != nil {
		return err
	}
	defer clear(key)
	if kf.Passphrase, err = c.sealPassphrase(ctx, kf, newPass, key); err != nil {
		return err
	}
	return c.store(kf)
}

// SwitchToKeyring moves a passphrase profile's key into the keyring (the same
// key; the database is untouched). The key file is rewritten only after the
// keyring has stored the key, so a failure leaves the passphrase working.
// pass is wiped.
func (c *Custody) SwitchToKeyring(ctx context.Context, pass []byte) error {
	defer clear(pass)
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if err != nil {
		return err
	}
	key, err := c.unlockPassphrase(ctx, kf, pass)
	if err != nil {
		return err
	}
	defer clear(key)
	ref := c.keyringRef(kf.KeyID)
	if err := c.keyringSet(ctx, ref.User, base64.StdEncoding.EncodeToString(key)); err != nil {
		return err
	}
	kf.Mode, kf.Keyring, kf.Passphrase = ModeKeyring, ref, nil
	return c.store(kf)
}

// SwitchToPassphrase moves a keyring profile's key behind newPass (the same
// key; the database is untouched) and then removes it from the keyring. If
// only the removal fails, the switch has happened and the error matches
// ErrStaleKeyringEntry. newPass is wiped.
func (c *Custody) SwitchToPassphrase(ctx context.Context, newPass []byte) error {
	defer clear(newPass)
	c.mu.Lock()
	defer c.mu.Unlock()
	if utf8.RuneCount(newPass) < MinPassphraseLen {
		return fmt.Errorf("settings: %w: use at least %d characters", ErrPassphraseTooShort, MinPassphraseLen)
	}
	kf, err := c.load()
	if err != nil {
		return err
	}
	key, err := c.unlockKeyring(ctx, kf)
	if err != nil {
		return err
	}
	defer clear(key)
	return c.rewrapAsPassphrase(ctx, kf, key, newPass)
}

// ResetPassphrase uses the recovery key to put the profile into passphrase
// mode with newPass, in either mode: for a forgotten passphrase, and for a
// keyring profile whose keyring is unavailable or lost the key. The database
// key stays the same. A keyring item of the old mode is removed if possible
// (ErrStaleKeyringEntry otherwise, after the reset has happened). It returns
// the database key. newPass is wiped.
func (c *Custody) ResetPassphrase(ctx context.Context, recovery string, newPass []byte) ([]byte, error) {
	defer clear(newPass)
	c.mu.Lock()
	defer c.mu.Unlock()
	if utf8.RuneCount(newPass) < MinPassphraseLen {
		return nil, fmt.Errorf("settings: %w: use at least %d characters", ErrPassphraseTooShort, MinPassphraseLen)
	}
	kf, err := c.load()
	if err != nil {
		return nil, err
	}
	key, err := c.unlockRecovery(ctx, kf, recovery)
	if err != nil {
		return nil, err
	}
	err = c.rewrapAsPassphrase(ctx, kf, key, newPass)
	if err != nil && !errors.Is(err, ErrStaleKeyringEntry) {
		clear(key)
		return nil, err
	}
	return key, err
}

// RenewRecoveryKey replaces the recovery key (for example after the old one
// was exposed): the old one stops working and the new one is returned, to be
// shown once. A passphrase profile needs its passphrase (wiped); a keyring
// profile reads the key from the keyring and ignores pass (nil is fine).
func (c *Custody) RenewRecoveryKey(ctx context.Context, pass []byte) (string, error) {
	defer clear(pass)
	c.mu.Lock()
	defer c.mu.Unlock()
	kf, err := c.load()
	if err != nil {
		return "", err
	}
	var key []byte
	if kf.Mode == ModePassphrase {
		key, err = c.unlockPassphrase(ctx, kf, pass)
	} else {
		key, err = c.unlockKeyring(ctx, kf)
	}
	if err != nil {
		return "", err
	}
	defer clear(key)
	secret, recovery, err := newRecoveryKey()
	if err != nil {
		return "", err
	}
	defer clear(secret)
	if kf.Recovery, err = sealSlot(kdfHKDF, KDFParams{}, slotRecovery, kf.KeyID, secret, key); err != nil {
		return "", fmt.Errorf("settings: wrap key: %w", err)
	}
	if err := c.store(kf); err != nil {
		return "", err
	}
	return recovery, nil
}

// rewrapAsPassphrase writes kf in passphrase mode with key wrapped by pass,
// then deletes the keyring item of a keyring-mode kf.
func (c *Custody) rewrapAsPassphrase(ctx context.Context, kf *keyFile, key, pass []byte) error {
	s, err := c.sealPassphrase(ctx, kf, pass, key)
	if err != nil {
		return err
	}
	old := kf.Keyring
	kf.Mode, kf.Keyring, kf.Passphrase = ModePassphrase, nil, s
	if err := c.store(kf); err != nil {
		return err
	}
	if old == nil {
		return nil
	}
	if err := c.keyringDelete(ctx, old.User); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("settings: %w: %w", ErrStaleKeyringEntry, err)
	}
	return nil
}

func (c *Custody) keyringRef(keyID string) *keyringRef {
	return &keyringRef{Service: KeyringService, User: c.profile + "/" + keyID}
}

// newKey makes a fresh database key, key ID and recovery key, and a key file
// with the recovery slot, after checking that no key or data exists yet.
func (c *Custody) newKey() (kf *keyFile, key, recSecret []byte, recovery string, err error) {
	if _, err := c.load(); err == nil {
		return nil, nil, nil, "", fmt.Errorf("settings: %w in %s", ErrAlreadyCreated, c.dir)
	} else if !errors.Is(err, ErrNoKey) {
		return nil, nil, nil, "", err
	}
	id := make([]byte, keyIDLen)
	key = make([]byte, DatabaseKeyLen)
	if _, err := rand.Read(id); err != nil {
		return nil, nil, nil, "", fmt.Errorf("settings: random: %w", err)
	}
	if _, err := rand.Read(key); err != nil {
		return nil, nil, nil, "", fmt.Errorf("settings: random: %w", err)
	}
	kf = &keyFile{Format: keyFileFormat, Version: keyFileVersion, KeyID: hex.EncodeToString(id), KeyCheck: keyCheck(key)}
	recSecret, recovery, err = newRecoveryKey()
	if err == nil {
		kf.Recovery, err = sealSlot(kdfHKDF, KDFParams{}, slotRecovery, kf.KeyID, recSecret, key)
	}
	if err != nil {
		clear(key)
		clear(recSecret)
		return nil, nil, nil, "", fmt.Errorf("settings: create recovery key: %w", err)
	}
	return kf, key, recSecret, recovery, nil
}

func (c *Custody) sealPassphrase(ctx context.Context, kf *keyFile, pass, key []byte) (*slot, error) {
	if err := c.kdf.validate(); err != nil {
		return nil, fmt.Errorf("settings: %v", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := sealSlot(kdfArgon2id, c.kdf, slotPassphrase, kf.KeyID, pass, key)
	if err != nil {
		return nil, fmt.Errorf("settings: wrap key: %w", err)
	}
	return s, nil
}

func (c *Custody) unlockKeyring(ctx context.Context, kf *keyFile) ([]byte, error) {
	if kf.Mode != ModeKeyring {
		return nil, fmt.Errorf("settings: unlock with keyring: %w (profile uses %s)", ErrWrongMode, kf.Mode)
	}
	v, err := c.keyringGet(ctx, kf.Keyring.User)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, fmt.Errorf("settings: %w (item %s/%s)", ErrKeyMissing, KeyringService, kf.Keyring.User)
	}
	if err != nil {
		return nil, err
	}
	key, derr := base64.StdEncoding.DecodeString(v)
	if derr != nil || len(key) != DatabaseKeyLen || !hmacEqual(keyCheck(key), kf.KeyCheck) {
		clear(key)
		return nil, fmt.Errorf("settings: %w (item %s/%s)", ErrKeyringEntryInvalid, KeyringService, kf.Keyring.User)
	}
	return key, nil
}

func (c *Custody) unlockPassphrase(ctx context.Context, kf *keyFile, pass []byte) ([]byte, error) {
	if kf.Mode != ModePassphrase {
		return nil, fmt.Errorf("settings: unlock with passphrase: %w (profile uses %s)", ErrWrongMode, kf.Mode)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key, err := kf.openSlot(slotPassphrase, kf.Passphrase, pass)
	return key, c.slotError(err, ErrWrongPassphrase)
}

func (c *Custody) unlockRecovery(ctx context.Context, kf *keyFile, recovery string) ([]byte, error) {
	secret, err := parseRecoveryKey(recovery)
	if err != nil {
		return nil, err
	}
	defer clear(secret)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key, err := kf.openSlot(slotRecovery, kf.Recovery, secret)
	return key, c.slotError(err, ErrWrongRecoveryKey)
}

func (c *Custody) slotError(err, wrong error) error {
	var kfe *KeyFileError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errWrongSecret):
		return fmt.Errorf("settings: %w", wrong)
	case errors.As(err, &kfe):
		kfe.Path = c.KeyFilePath()
		return kfe
	}
	return fmt.Errorf("settings: unwrap key: %w", err)
}

// load reads and parses the key file. With no key file it returns ErrNoKey if
// the data directory holds nothing else, ErrKeyFileMissing otherwise.
func (c *Custody) load() (*keyFile, error) {
	path := c.KeyFilePath()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if others := c.otherFiles(); len(others) > 0 {
			return nil, fmt.Errorf("settings: %w: %s holds %s but no %s; a new key would make them unreadable, so restore %s from a backup or move the directory away",
				ErrKeyFileMissing, c.dir, strings.Join(others, ", "), KeyFileName, KeyFileName)
		}
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, &KeyFileError{Path: path, Problem: "cannot read: " + err.Error(), Err: err}
	}
	kf, err := parseKeyFile(data)
	if err != nil {
		var kfe *KeyFileError
		if errors.As(err, &kfe) {
			kfe.Path = path
		}
		return nil, err
	}
	return kf, nil
}

// otherFiles lists entries of the data directory that are neither the key
// file, the preferences file (--data puts it there) nor their temporary files
// (up to three names, for the message).
func (c *Custody) otherFiles() []string {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if n == KeyFileName || n == PreferencesFileName ||
			strings.HasPrefix(n, tempPrefix(KeyFileName)) || strings.HasPrefix(n, tempPrefix(PreferencesFileName)) {
			continue
		}
		if len(names) == 3 {
			names = append(names, "...")
			break
		}
		names = append(names, n)
	}
	return names
}

func (c *Custody) store(kf *keyFile) error {
	data, err := kf.encode()
	if err != nil {
		return fmt.Errorf("settings: encode key file: %w", err)
	}
	if err := ensurePrivateDir(c.dir); err != nil {
		return err
	}
	if err := writeFileAtomic(c.KeyFilePath(), data, 0o600); err != nil {
		return fmt.Errorf("settings: write key file: %w", err)
	}
	return nil
}
