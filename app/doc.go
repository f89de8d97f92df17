// Package app is Tacit's composition root. It builds settings, the key, the
// store, the mtproto client (or an in-process sandbox) and the window, and it
// implements ui.Backend: the only place where a UI action becomes a protocol
// call. Protocol events reach the UI through Backend.Subscribe; the ui
// package moves them onto the Fyne event goroutine.
//
// It also runs the headless self-test (`tacit selftest`) and the standalone
// sandbox server (`tacit sandbox serve`).
package app
