// Package settings owns Tacit's files outside the message database: where a
// profile lives on disk (XDG config and data directories, named profiles, the
// --data override), the versioned preferences file, and custody of the
// database key (OS keyring, or a passphrase-wrapped key file, plus a printable
// recovery key).
//
// It must not import Fyne, ui or app, and of the engine it uses only the
// proxy grammar (mtproto.ParseProxy); it never opens the database:
// it hands the 32-byte database key to its caller (app), which passes it to
// mtproto/store.
//
// Every function that may block (keyring calls over D-Bus, Argon2id) takes a
// context and is meant to be called from a background goroutine, never from
// the Fyne event goroutine.
//
// # Files
//
//	$XDG_CONFIG_HOME/tacit/<profile>/settings.json   Preferences (0600, dir 0700)
//	$XDG_DATA_HOME/tacit/<profile>/key.json          key file (0600, dir 0700)
//	$XDG_DATA_HOME/tacit/<profile>/...               the database (mtproto/store)
//
// With --data DIR both files live in DIR. Every write is atomic (temporary
// file, fsync, rename, fsync of the directory).
//
// # Key custody
//
// The database key is 32 random bytes, made once per data directory and never
// replaced: changing the passphrase, switching modes and using the recovery
// key all keep it, so the database is never re-encrypted and never orphaned.
// The key file (see keyfile.go for the format) exists in both modes:
//
//   - Keyring mode: the key is in the OS keyring (service "tacit", user
//     "<profile>/<key id>"); the key file records that item, so "not found"
//     for an existing profile is ErrKeyMissing, never a reason to make a new
//     key. Any other keyring error is a *KeyringError (ErrKeyringUnavailable).
//     Tacit opens without asking.
//   - Passphrase mode: the key is sealed with XChaCha20-Poly1305 under
//     Argon2id(passphrase) (DefaultKDFParams, stored per file). Tacit starts
//     locked; the passphrase is the app lock. Nothing about the key is in the
//     keyring.
//   - In both modes the key file holds a second sealed copy under the
//     recovery key: 256 random bits plus a checksum, printed once as 14
//     groups of four base32 characters and never stored. If the passphrase is
//     forgotten, or the keyring is lost or unavailable, the recovery key plus
//     the key file unlock the database (UnlockRecovery) and set a new
//     passphrase (ResetPassphrase). The key file is therefore part of any
//     backup of the data directory; without it neither the passphrase nor the
//     recovery key can open the database.
//
// A UI drives it like this: Open tells it what to show (first run, unlocked,
// locked, keyring unavailable, key missing); if the keyring cannot be used at
// first run, OpenResult.Err says why and the UI offers the passphrase instead.
//
// Limits of wiping: keys and passphrases held in []byte are zeroed after use,
// but the keyring API works with Go strings (the base64 key read from or
// written to the keyring, and the printed recovery key), which cannot be
// wiped, and Argon2id's working memory is left to the garbage collector.
package settings
