package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/secret"
	"tacit/ui"
)

// Secret chat dialogs are "s<chat id>"; cloud user dialogs "u<user id>".

func secretDialogID(id secret.ChatID) ui.DialogID {
	return ui.DialogID("s" + strconv.FormatInt(int64(id), 10))
}

func secretChatOf(d ui.DialogID) (secret.ChatID, bool) {
	s := string(d)
	if !strings.HasPrefix(s, "s") {
		return 0, false
	}
	n, err := strconv.ParseInt(s[1:], 10, 32)
	if err != nil {
		return 0, false
	}
	return secret.ChatID(n), true
}

// attachSecret creates the secret chat manager on the client's updates.
// Incoming requests wait for the user: nothing here accepts them.
func (b *Backend) attachSecret(storage secret.Storage) {
	b.secret = secret.NewManager(b.client.API(), storage, secret.Options{Events: b.onSecretEvent})
	m := b.secret
	d := b.client.Dispatcher()
	d.OnEncryption(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryption) error {
		return m.HandleEncryption(ctx, u)
	})
	d.OnNewEncryptedMessage(func(ctx context.Context, _ tg.Entities, u *tg.UpdateNewEncryptedMessage) error {
		return m.HandleNewEncryptedMessage(ctx, u)
	})
	d.OnEncryptedMessagesRead(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryptedMessagesRead) error {
		return m.HandleRead(ctx, u)
	})
	d.OnEncryptedChatTyping(func(ctx context.Context, _ tg.Entities, u *tg.UpdateEncryptedChatTyping) error {
		return m.HandleTyping(ctx, u)
	})
}

func (b *Backend) peerName(id int64) string {
	if u, ok := b.user(id); ok {
		return displayName(u)
	}
	if name := b.cloud.UserName(id); name != "" {
		return name
	}
	if b.cache.enabled() {
		if u, err := b.cache.db.User(context.Background(), id); err == nil && u.Name() != "" {
			return u.Name()
		}
	}
	return "User " + strconv.FormatInt(id, 10)
}

func secretText(m secret.Message) string {
	switch m.Kind {
	case secret.KindMedia:
		if m.Media != nil {
			name := m.Media.Name
			if name == "" {
				name = "file"
			}
			return "📎 " + name
		}
		return "📎 file"
	case secret.KindService:
		if m.ServiceTTL > 0 {
			return fmt.Sprintf("Self-destruct timer set to %s", time.Duration(m.ServiceTTL)*time.Second)
		}
		return "Self-destruct timer turned off"
	}
	return m.Text
}

func (b *Backend) secretMessage(info secret.ChatInfo, m secret.Message) ui.Message {
	sender := "You"
	if !m.Out {
		sender = b.peerName(info.PeerID)
	}
	return ui.Message{ID: m.RandomID, Dialog: secretDialogID(m.ChatID), Out: m.Out, Sender: sender, Text: secretText(m), Date: m.Date}
}

func (b *Backend) secretSummary(ctx context.Context, info secret.ChatInfo) ui.DialogSummary {
	s := ui.DialogSummary{ID: secretDialogID(info.ID), Title: b.peerName(info.PeerID), Kind: ui.KindSecret}
	switch info.State {
	case secret.StateRequested:
		s.LastMessage = "Wants to start a secret chat"
		s.LastDate = info.Created
	case secret.StateWaiting, secret.StateAccepting:
		s.LastMessage = "Waiting for the key exchange…"
		s.LastDate = info.Created
	case secret.StateClosed:
		s.LastMessage = "Secret chat closed"
	}
	if msgs, err := b.secret.Messages(ctx, info.ID); err == nil && len(msgs) > 0 {
		last := msgs[len(msgs)-1]
		s.LastMessage, s.LastDate = secretText(last), last.Date
		for _, m := range msgs {
			if !m.Out && !m.Read {
				s.Unread++
			}
		}
	}
	if s.LastDate.IsZero() {
		s.LastDate = info.Created
	}
	return s
}

// secretDialogs lists the secret chats for the chat list.
func (b *Backend) secretDialogs(ctx context.Context) ([]ui.DialogSummary, error) {
	chats, err := b.secret.Chats(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.DialogSummary, 0, len(chats))
	for _, c := range chats {
		out = append(out, b.secretSummary(ctx, c))
	}
	return out, nil
}

func (b *Backend) secretHistory(ctx context.Context, id secret.ChatID, limit int) ([]ui.Message, error) {
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return nil, secretError(err)
	}
	msgs, err := b.secret.Messages(ctx, id)
	if err != nil {
		return nil, secretError(err)
	}
	if limit > 0 && len(msgs) > limit {
		msgs = msgs[len(msgs)-limit:]
	}
	out := make([]ui.Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, b.secretMessage(info, m))
	}
	return out, nil
}

func secretError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	switch {
	case errors.Is(err, secret.ErrNotReady):
		return &ui.Problem{Message: "The secret chat is not ready yet: the key exchange has not finished.", Err: err}
	case errors.Is(err, secret.ErrNotFound):
		return &ui.Problem{Message: "This secret chat no longer exists.", Err: err}
	case errors.Is(err, secret.ErrRekeyBusy):
		return &ui.Problem{Message: "A key change is already running. Try again in a moment.", Err: err}
	}
	return userError(err)
}

func (b *Backend) onSecretEvent(ev secret.Event) {
	if b.secretHook != nil {
		defer b.secretHook(ev)
	}
	ctx := context.Background()
	var chat secret.ChatID
	switch e := ev.(type) {
	case secret.MessageReceived:
		// The UI updates the chat's row from the message itself.
		if info, err := b.secret.Chat(ctx, e.Message.ChatID); err == nil {
			b.publish(ui.MessageEvent{Message: b.secretMessage(info, e.Message)})
		}
		return
	case secret.ChatRequested:
		chat = e.Chat.ID
	case secret.ChatWaiting:
		chat = e.Chat.ID
	case secret.ChatReady:
		chat = e.Chat.ID
	case secret.ChatClosed:
		chat = e.Chat
	case secret.MessagesDeleted:
		chat = e.Chat
	case secret.HistoryFlushed:
		chat = e.Chat
	case secret.TTLChanged:
		chat = e.Chat
	default:
		return
	}
	if info, err := b.secret.Chat(ctx, chat); err == nil {
		b.publish(ui.DialogEvent{Dialog: b.secretSummary(ctx, info)})
	}
}

// StartSecretChat starts the secret chat with the person of a cloud user
// dialog, or returns the one that is open already.
func (b *Backend) StartSecretChat(ctx context.Context, dialog ui.DialogID) (ui.DialogID, error) {
	_, uid, err := b.peerOf(dialog)
	if err != nil {
		return "", err
	}
	chats, err := b.secret.Chats(ctx)
	if err != nil {
		return "", secretError(err)
	}
	for _, c := range chats {
		if c.PeerID == uid && c.State != secret.StateClosed {
			return secretDialogID(c.ID), nil
		}
	}
	u, _ := b.user(uid)
	id, err := b.secret.Start(ctx, u.ID, u.AccessHash)
	if err != nil && id == 0 {
		return "", secretError(err)
	}
	return secretDialogID(id), nil
}

// AcceptSecretChat accepts an incoming request: the user's decision.
func (b *Backend) AcceptSecretChat(ctx context.Context, dialog ui.DialogID) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return secretError(b.secret.Accept(ctx, id))
}

// DeclineSecretChat declines an incoming request.
func (b *Backend) DeclineSecretChat(ctx context.Context, dialog ui.DialogID) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return secretError(b.secret.Decline(ctx, id))
}

// SetVerified records that the user compared the key with the contact.
func (b *Backend) SetVerified(ctx context.Context, dialog ui.DialogID, verified bool) error {
	id, ok := secretChatOf(dialog)
	if !ok {
		return &ui.Problem{Message: "This is not a secret chat."}
	}
	return secretError(b.secret.SetVerified(ctx, id, verified))
}

// SecretChat describes a secret chat for its header and the key screen.
func (b *Backend) SecretChat(ctx context.Context, dialog ui.DialogID) (ui.SecretChatInfo, error) {
	id, ok := secretChatOf(dialog)
	if !ok {
		return ui.SecretChatInfo{}, &ui.Problem{Message: "This is not a secret chat."}
	}
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return ui.SecretChatInfo{}, secretError(err)
	}
	out := ui.SecretChatInfo{Dialog: dialog, PeerName: b.peerName(info.PeerID), Verified: info.Verified, TTL: info.TTL}
	switch info.State {
	case secret.StateRequested:
		out.State = ui.SecretRequested
	case secret.StateAccepting, secret.StateWaiting:
		out.State = ui.SecretWaiting
	case secret.StateReady:
		out.State = ui.SecretReady
	default:
		out.State = ui.SecretClosed
		out.Closed = "This secret chat was closed; its keys are gone. Start a new one to write again."
	}
	if info.State == secret.StateReady {
		fp, err := b.secret.Fingerprint(ctx, id)
		if err == nil {
			out.Identicon, out.Emoji, out.Hex = fp.Identicon(), fp.Emoji(), fp.Hex()
		}
	}
	return out, nil
}

// secretSend sends a text in a secret chat. A message stored but not yet
// sent (network down) is returned too: the manager sends it later.
func (b *Backend) secretSend(ctx context.Context, id secret.ChatID, text string) (ui.Message, error) {
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return ui.Message{}, secretError(err)
	}
	m, err := b.secret.SendText(ctx, id, text, secret.SendOptions{})
	if err != nil && m.RandomID == 0 {
		return ui.Message{}, secretError(err)
	}
	return b.secretMessage(info, m), nil
}
