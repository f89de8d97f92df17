// Package privacy is Tacit's privacy policy in code: the notice shown before
// registration, the lockdown run right after sign-up (phone number hidden,
// "find me by number" limited to contacts, contact sign-up notices silenced,
// synced contacts deleted), the reading of 2-step verification state that
// keeps the main window locked, the privacy check-up with one-click
// hardening, session management (including which sessions accept secret
// chats) and adding contacts without sharing the number.
//
// Every change it makes is read back from the server and reported as
// applied only when the server shows the value that was set. A refusal, or an
// answer with other values, is reported as not applied, never as done.
//
// Tacit never imports an address book: nothing here calls
// contacts.importContacts, and the lockdown deletes numbers an earlier client
// uploaded (contacts.resetSaved).
//
// The package speaks to the server only through *tg.Client and returns plain
// data types (strings, bools, enums) that a user interface can show
// directly. It must not import Fyne, ui or app, and it does not own the login
// state machine (package mtproto) or any storage.
package privacy
