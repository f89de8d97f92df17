// Package mtproto owns everything in Tacit that speaks Telegram's API: the
// construction of the gotd client (data centres, server keys, resolver, proxy
// dialer and the fixed device strings sent in initConnection), its connection
// lifecycle, FLOOD_WAIT handling, the login state machine (phone, code,
// sign-up, 2-step password, QR) and the cloud messaging calls.
//
// It imports no Fyne, no ui and no app package. Secret chats live in
// mtproto/secret, the encrypted database in mtproto/store, privacy policy in
// mtproto/privacy and the local Telegram-compatible server in mtproto/sandbox.
package mtproto
