package app

import (
	"context"

	"tacit/mtproto"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// secretService implements ui.SecretChats on the secret chat manager. Incoming requests wait for the
// user: only AcceptSecretChat, called when the user taps Accept, accepts one.
type secretService struct{ *Backend }

// StartSecretChat starts the secret chat with the person of a cloud user
// dialog or of a closed secret chat, or returns the one that is open already.
func (b secretService) StartSecretChat(ctx context.Context, dialog ui.DialogID) (ui.DialogID, error) {
	peer, uid, err := b.personOf(ctx, dialog)
	if err != nil {
		return "", err
	}
	chats, err := b.secret.Chats(ctx)
	if err != nil {
		return "", userError(err)
	}
	for _, c := range chats {
		if c.PeerID == uid && c.State != secret.StateClosed {
			return secretDialogID(c.ID), nil
		}
	}
	id, err := b.secret.Start(ctx, peer.ID, peer.AccessHash)
	if err != nil && id == 0 {
		return "", userError(err)
	}
	return secretDialogID(id), nil
}

// AcceptSecretChat accepts an incoming request: the user's decision.
func (b secretService) AcceptSecretChat(ctx context.Context, dialog ui.DialogID) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return userError(b.secret.Accept(ctx, id))
}

// DeclineSecretChat declines an incoming request.
func (b secretService) DeclineSecretChat(ctx context.Context, dialog ui.DialogID) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return userError(b.secret.Decline(ctx, id))
}

// SetVerified records that the user compared the key with the contact.
func (b secretService) SetVerified(ctx context.Context, dialog ui.DialogID, verified bool) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return userError(b.secret.SetVerified(ctx, id, verified))
}

// SecretChat describes a secret chat for its header and the key screen.
func (b secretService) SecretChat(ctx context.Context, dialog ui.DialogID) (ui.SecretChatInfo, error) {
	id, ok := secretChatOf(dialog)
	if !ok {
		return ui.SecretChatInfo{}, &ui.Problem{Message: "This is not a secret chat."}
	}
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return ui.SecretChatInfo{}, userError(err)
	}
	out := ui.SecretChatInfo{Dialog: dialog, PeerName: b.peerName(info.PeerID), Verified: info.Verified, TTL: info.TTL}
	if info.NewerPeer {
		out.Notice = out.PeerName + "'s app speaks a newer version of the secret chat protocol than this Tacit: " +
			"some of what they send may not be shown. Update Tacit."
	}
	switch info.State {
	case secret.StateRequested:
		out.State = ui.SecretRequested
	case secret.StateAccepting, secret.StateWaiting:
		out.State = ui.SecretWaiting
	case secret.StateReady:
		out.State = ui.SecretReady
	default:
		out.State = ui.SecretClosed
		out.Closed = closedWords(info, out.PeerName)
	}
	if info.State == secret.StateReady {
		fp, err := b.secret.Fingerprint(ctx, id)
		if err == nil {
			out.Identicon, out.Emoji, out.Hex = fp.Identicon(), fp.Emoji(), fp.Hex()
		}
	}
	return out, nil
}

// personOf finds the person of a cloud user dialog or of a secret chat, with the access hash a new secret
// chat request needs.
func (b secretService) personOf(ctx context.Context, dialog ui.DialogID) (mtproto.Peer, int64, error) {
	id, isSecret := secretChatOf(dialog)
	if !isSecret {
		peer, uid, err := b.peerOf(dialog)
		if err != nil {
			return mtproto.Peer{}, 0, err
		}
		if peer.Kind != mtproto.PeerUser {
			return mtproto.Peer{}, 0, &ui.Problem{Message: "Secret chats are between two people: a group or a channel cannot have one."}
		}
		return peer, uid, nil
	}
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return mtproto.Peer{}, 0, userError(err)
	}
	if u, ok := b.user(info.PeerID); ok {
		return mtproto.Peer{Kind: mtproto.PeerUser, ID: u.ID, AccessHash: u.AccessHash}, u.ID, nil
	}
	if p, ok := b.cloud.UserPeer(info.PeerID); ok {
		return p, info.PeerID, nil
	}
	if b.cache.enabled() {
		h, ok, err := b.cache.db.AccessHash(ctx, store.UserPeer(info.PeerID))
		if err != nil {
			return mtproto.Peer{}, 0, userError(err)
		}
		if ok {
			return mtproto.Peer{Kind: mtproto.PeerUser, ID: info.PeerID, AccessHash: h}, info.PeerID, nil
		}
	}
	return mtproto.Peer{}, 0, &ui.Problem{Message: "Tacit does not know how to reach " + b.peerName(info.PeerID) +
		" yet. Open the chat list again, or find them by username, then start the secret chat."}
}

// SetTTL sets the self-destruct timer of a secret chat for both people.
func (b secretService) SetTTL(ctx context.Context, dialog ui.DialogID, seconds int) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return userError(b.secret.SetTTL(ctx, id, seconds))
}

// DeleteSecretChat ends a secret chat that is still open (the peer's app is asked to delete its history
// too) and deletes it from this computer with its messages, files and keys.
func (b secretService) DeleteSecretChat(ctx context.Context, dialog ui.DialogID) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return userError(err)
	}
	if info.State != secret.StateClosed {
		if err := b.secret.Discard(ctx, id, true); err != nil {
			return userError(err)
		}
	}
	return userError(b.secretStore.Update(ctx, func(tx secret.Tx) error { return tx.DeleteChat(id) }))
}
