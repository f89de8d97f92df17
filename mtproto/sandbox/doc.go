// Package sandbox is a local Telegram-compatible server. It speaks real
// MTProto 2.0 (gotd's tgtest server with the obfuscated abridged transport
// Telegram Desktop uses, over TCP on loopback or an in-memory listener) and
// keeps a Telegram data model behind typed handlers: users, phone-code login,
// sign-up, SRP 2-step verification, profiles and usernames, contacts and
// search, dialogs, history, pts and updates.getDifference, groups and
// channels, files, the secret chat relay, sessions and switchable faults.
// Its simulated contacts are headless instances of Tacit's own mtproto
// client.
//
// Updates go out in Telegram's shapes (shapes.go): updateShortMessage and
// updateShortChatMessage for a text message whose sender (and everyone
// else it names) the recipient already knows, updates with users and
// chats for the rest, updatesCombined for several messages pushed to one
// session by one call (updatesTooLong beyond 20), updateShort for a
// single typing, secret chat read or notification settings update, and
// updateShortSentMessage as the answer to messages.sendMessage in a
// private chat.
//
// Every integration test and `tacit --sandbox` run against it; it never
// talks to Telegram. It must not import ui, app or Fyne.
//
// # Adding a feature
//
// Write a file with a method
//
//	func (s *Server) registerFeature(d *tg.ServerDispatcher)
//
// that registers its On<Method> handlers, and list it in registrations()
// in server.go. A handler for a signed-in account is
//
//	func (s *Server) doThing(ctx context.Context, req *tg.ThingRequest) (R, error) {
//		return signedIn(s, ctx, func(o *op) (R, error) {
//			// o.me is the caller's account, o.auth its authorization,
//			// o.session() the session that gets the result; queue pushes
//			// for other sessions on &o.d (toUserLocked, toChannelLocked).
//		})
//	}
//
// signedIn holds s.mu while the function runs and sends the queued pushes
// after releasing it; anyKey is the same for calls that work before login.
// Always return *tgerr.Error values (rpcErr) for failures: a panic or any
// other error becomes an RPC error too, never a closed connection.
//
// # Interception
//
// Every call and every pushed update passes through the Interceptors
// installed with Server.Intercept (intercept.go), in installation order:
// a Call interceptor sees the method, caller, DC, session and layer and
// may delay the call, answer in the handler's place, return an RPC error,
// or return ErrDrop to close the connection before or after the handler
// ran; a Push interceptor may delay, duplicate, hold back (reorder),
// replace (malform) or drop an update on its way to a session. Faults for
// tests are built as Interceptors (FloodWait is one).
package sandbox
