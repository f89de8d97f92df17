// Package store is Tacit's encrypted local database.
//
// It owns everything Tacit keeps on disk about an account: the MTProto session
// (it implements gotd's session.Storage, so the auth key never sits in a plain
// file), the updates state (updates.StateStorage and the access hashers), peers
// and access hashes (also as gotd's peers.Storage), users, dialogs, cloud messages, the secret chat state with
// its inbox, pending queue and outbox (it implements secret.Storage), the
// "verified" marks of key fingerprints, small named values (such as the 2-step
// verification hint), a full-text index over cloud and secret messages, and
// media files.
//
// # On disk
//
// A data directory holds:
//
//	store.db, store.db-wal, store.db-shm  SQLite through the adiantum encrypting VFS
//	store.keycheck                        HMAC of a constant under the database key
//	media/                                one file per cached media item, each sealed
//	                                      with its own random key (see CreateMedia)
//
// The database is encrypted page by page (Adiantum, 4 KiB blocks) with the raw
// 32-byte key given to Open; no KDF runs inside the store. The WAL is encrypted
// with the same key. The -shm file is SQLite's WAL index, which the VFS does not
// encrypt: it holds page numbers, checksums and salts, never page content (both
// are checked by tests). Temporary tables and indexes are kept in memory
// (temp_store=MEMORY) so no temporary file is written.
// Adiantum gives confidentiality only, not integrity, so the secret chat records
// (which hold key material) and the session blob are additionally sealed with
// XChaCha20-Poly1305 under a key derived from the database key (HKDF-SHA256),
// bound to their row identity.
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL: every commit fsyncs the WAL
// before the call returns, so a pts, qts or seq number, a session, a secret chat
// key or an outbox entry that a method has stored survives a crash or power loss
// the moment the method returns. NORMAL would be faster (0.3 vs 0.6 ms per commit)
// but may lose the last transactions on power loss, which would let Tacit
// acknowledge updates to the server that it then forgets. All writes go through a
// single connection; reads use a small pool of read-only connections and never
// block on writes.
//
// # Deleting
//
// Deleted means gone from the files, also for someone who later holds the database key:
// secure_delete overwrites deleted rows, the search indexes remove the terms of deleted
// text, and after every transaction that replaces or drops key material (a re-key, a
// discarded chat, a deleted session) or deletes messages or media, the store checkpoints
// and truncates the WAL by itself (one checkpoint serves a burst), and again at Close.
// Cloud messages and media files with an expiry time are deleted when it comes, by the
// store itself (at Open, then on schedule). Failures of this background work go to the
// function set with OnBackgroundError and are retried.
//
// # Use
//
// The app layer opens one Store per account and hands its parts to the
// protocol code and reads the cache for the UI:
//
//	s, err := store.Open(ctx, dataDir, key) // ErrWrongKey: ask for the passphrase again
//	telegram.Options{SessionStorage: s.Session(), ...}
//	st := s.UpdateState()
//	updates.Config{Storage: st, AccessHasher: st, UserAccessHasher: st, ...}
//	peers.Options{Storage: s.Peers(), ...} (if gotd's peer manager is used)
//	secret manager: s.Secret() (secret.Storage)
//	UI at start-up, before any network call: s.Dialogs(ctx, 0), then
//	s.Latest(ctx, peer, 50) or s.SecretLatest(ctx, chat, 50) for the open chat;
//	s.Before / s.SecretBefore when scrolling up; s.Search for the search box.
//
// On log out the app first ends the secret chats (secret.Manager.LogOut, which empties the
// secret chat storage), then stops the client and calls s.WipeAccount(ctx): every table of
// the account and every media file is emptied and the WAL checkpointed and truncated, and
// the Store (same key) serves the next account.
//
// Every method may block on disk I/O: call them off the Fyne event goroutine.
//
// # Boundaries
//
// The store is storage only: it speaks no protocol, makes no network calls and
// imports no UI code (fyne, ui, app, settings). Key custody (keyring, passphrase)
// belongs to package settings; the app layer opens the Store with the key and
// owns its lifetime.
package store
