// Package settings owns Tacit's files outside the message database: where a
// profile lives on disk (XDG config and data directories, named profiles, the
// --data override), the versioned preferences file, and custody of the
// database key (OS keyring, or a passphrase-wrapped key file, plus a printable
// recovery key).
//
// It must not import Fyne, ui, app or gotd, and it never opens the database:
// it hands the 32-byte database key to its caller (app), which passes it to
// mtproto/store.
//
// Every function that may block (keyring calls over D-Bus, Argon2id) takes a
// context and is meant to be called from a background goroutine, never from
// the Fyne event goroutine.
package settings
