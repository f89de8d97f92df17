// Package sandbox is a local Telegram-compatible server. It speaks real
// MTProto 2.0 (gotd's tgtest server with the obfuscated abridged transport
// Telegram Desktop uses, over TCP on loopback or an in-memory listener) and
// keeps a Telegram data model behind typed handlers: users, phone-code login,
// sign-up, SRP 2-step verification, contacts, dialogs, history, pts and
// updates.getDifference, sessions and switchable faults. Its simulated
// contacts are headless instances of Tacit's own mtproto client.
//
// Every integration test and `tacit --sandbox` run against it; it never
// talks to Telegram. It must not import ui, app or Fyne.
//
// Adding a feature: write a file with a method
//
//	func (s *Server) registerFeature(d *tg.ServerDispatcher)
//
// that registers its On<Method> handlers, and list it in registrations()
// in server.go. Handlers read the caller with s.caller(ctx) / s.me(ctx),
// mutate state under s.mu, queue pushes on a *delivery and send them after
// unlocking (see messages.go for the pattern). Always return *tgerr.Error
// values (rpcErr) for failures: any other error closes the connection.
package sandbox
