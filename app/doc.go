// Package app is Tacit's composition root. It builds settings, the key, the store, the mtproto client (or
// an in-process sandbox) and the window, and it implements the window's role interfaces (ui.Rules,
// ui.Login, ui.Chats, ui.Messages, ui.SecretChats, ui.Account, ui.Events, ui.DemoHints and ui.Vault), one
// file per role over the shared Backend: the only place where a UI action becomes a protocol call, and the
// only place where the words a user reads about a failure are made (words.go). Protocol events reach the
// UI through the Events role; the ui package moves them onto the Fyne event goroutine.
//
// A session (session.go) is one client and its Backend; log out ends it, wipes the account from the store
// and starts a new one with a new auth key. Failures that reach no page go to a diagnostics log that never
// holds message text, numbers, codes, passwords or keys.
//
// It also runs the headless self-test (`tacit selftest`) and the standalone sandbox server (`tacit sandbox
// serve`).
package app
