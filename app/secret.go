package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"tacit/mtproto"
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
	b.secretStore = storage
	b.secret = secret.NewManager(b.client.API(), storage, secret.Options{Events: b.onSecretEvent, NewChatTTL: b.newChatTTL,
		RetryTransfer: mtproto.RetryTransient})
	b.secret.Register(b.client.Dispatcher())
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

// secretText is the line a secret message shows: its text, its file, or what a service message did, said
// of who (the person's name, or "You").
func secretText(m secret.Message, who string) string {
	switch m.Kind {
	case secret.KindMedia:
		switch {
		case m.Media == nil:
			return "📎 file"
		case m.Media.Kind == secret.MediaPhoto:
			return "Photo"
		case m.Media.Name != "":
			return "📎 " + m.Media.Name
		}
		return "📎 file"
	case secret.KindService:
		switch m.Action {
		case secret.ActionScreenshot:
			return who + " took a screenshot of the chat."
		case secret.ActionSetTTL:
			if m.ServiceTTL > 0 {
				return fmt.Sprintf("%s set messages to disappear %s after they are read.", who, ui.DurationWords(m.ServiceTTL))
			}
			return who + " turned off disappearing messages."
		}
		return who + " did something this version of Tacit cannot show."
	}
	return m.Text
}

// closedWords says why a secret chat closed, in words for its conversation.
func closedWords(info secret.ChatInfo, peer string) string {
	switch info.Closed {
	case secret.ClosedByPeer:
		return peer + " ended this secret chat. Its keys are gone; what was said stays here to read."
	case secret.ClosedByUser:
		return "You ended this secret chat. Its keys are gone; what was said stays here to read."
	case secret.ClosedDeclinedByPeer:
		return peer + " did not accept the secret chat."
	case secret.ClosedDeclinedByUser:
		return "You declined this secret chat."
	case secret.ClosedLoggedOut:
		return "This secret chat ended when the account logged out on this computer."
	case secret.ClosedByProtocol:
		return "Tacit closed this secret chat to protect you: " + violationWords[info.Violation] +
			" Start a new secret chat and compare its keys with " + peer + "."
	}
	return "This secret chat was closed; its keys are gone."
}

// violationWords say what a failed security check means.
var violationWords = map[secret.Violation]string{
	secret.ViolationNone:        "a security check failed.",
	secret.ViolationFingerprint: "the two ends of the key exchange do not match, so someone may have interfered with it.",
	secret.ViolationKeyExchange: "the encryption values offered were unsafe.",
	secret.ViolationSequence:    "messages were replayed, reordered or lost in a way the protocol does not allow.",
	secret.ViolationLayer:       "the other app fell back to an older protocol version, which is not allowed.",
	secret.ViolationResend:      "the other app asked again for messages that were never sent.",
	secret.ViolationServer:      "the server mixed this chat up with another.",
	secret.ViolationOther:       "a security check failed.",
}

// secretMessage converts a secret chat's message for the window.
func (b *Backend) secretMessage(info secret.ChatInfo, m secret.Message) ui.Message {
	sender := "You"
	if !m.Out {
		sender = b.peerName(info.PeerID)
	}
	out := ui.Message{ID: m.RandomID, Dialog: secretDialogID(m.ChatID), Out: m.Out, Sender: sender,
		Text: secretText(m, sender), Date: m.Date, Service: m.Kind == secret.KindService, TTL: m.TTL, ExpiresAt: m.ExpiresAt}
	if out.Service {
		return out
	}
	if m.Out {
		switch {
		case m.Read:
			out.Status = ui.StatusRead
		case m.Sent:
			out.Status = ui.StatusSent
		default:
			out.Status = ui.StatusSending
		}
	}
	if md := m.Media; md != nil {
		kind := ui.MediaFile
		if md.Kind == secret.MediaPhoto {
			kind = ui.MediaPhoto
		}
		out.Media = &ui.Media{Kind: kind, Name: md.Name, MIME: md.MIME, Size: md.Size, Width: md.W, Height: md.H}
		out.Text = md.Caption
	}
	if m.ReplyTo != 0 {
		out.Reply = &ui.Quote{ID: m.ReplyTo}
	}
	// A secret chat has no server copy: deleting for both asks the peer's app to delete it too, and for me
	// removes it only here. Telegram's secret chats cannot edit; the text can be copied elsewhere.
	out.Can = ui.Abilities{DeleteForMe: true, DeleteForEveryone: info.State == secret.StateReady, Forward: true}
	return out
}

func (b *Backend) secretSummary(ctx context.Context, info secret.ChatInfo) ui.DialogSummary {
	peer := b.peerName(info.PeerID)
	s := ui.DialogSummary{ID: secretDialogID(info.ID), Title: peer, Kind: ui.KindSecret, Closed: info.State == secret.StateClosed,
		Verified: info.Verified}
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
	if msgs, err := b.recentSecret(ctx, info.ID, unreadLimit); err == nil && len(msgs) > 0 {
		last := msgs[len(msgs)-1]
		who := "You"
		if !last.Out {
			who = peer
		}
		s.LastMessage, s.LastDate = secretText(last, who), last.Date
		for _, m := range msgs {
			if !m.Out && !m.Read && m.Kind != secret.KindService {
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

// unreadLimit bounds how far back the chat list counts a secret chat's unread messages.
const unreadLimit = 200

// recentSecret returns up to limit of the newest messages of a secret chat, oldest first.
func (b *Backend) recentSecret(ctx context.Context, id secret.ChatID, limit int) ([]secret.Message, error) {
	if b.cache.enabled() {
		return b.cache.db.SecretLatest(ctx, id, limit)
	}
	msgs, err := b.secret.Messages(ctx, id)
	return msgs[max(0, len(msgs)-limit):], err
}

// secretPage reads one page of a secret chat's history, oldest first: from the store, or from the demo's
// memory.
func (b *Backend) secretPage(ctx context.Context, id secret.ChatID, page ui.Page) ([]secret.Message, error) {
	if b.cache.enabled() {
		db := b.cache.db
		switch {
		case page.Before != 0:
			return db.SecretBefore(ctx, id, page.Before, page.Limit)
		case page.After != 0:
			msgs, err := db.SecretFrom(ctx, id, page.After, page.Limit+1)
			if len(msgs) > 0 {
				msgs = msgs[1:]
			}
			return msgs, err
		case page.Around != 0:
			half := max(1, page.Limit/2)
			older, err := db.SecretBefore(ctx, id, page.Around, half)
			if err != nil {
				return nil, err
			}
			newer, err := db.SecretFrom(ctx, id, page.Around, half+1)
			return append(older, newer...), err
		}
		return db.SecretLatest(ctx, id, page.Limit)
	}
	all, err := b.secret.Messages(ctx, id)
	if err != nil {
		return nil, err
	}
	at := func(rid int64) int {
		return slices.IndexFunc(all, func(m secret.Message) bool { return m.RandomID == rid })
	}
	switch {
	case page.Before != 0:
		i := at(page.Before)
		if i < 0 {
			return nil, secret.ErrNotFound
		}
		return all[max(0, i-page.Limit):i], nil
	case page.After != 0:
		i := at(page.After)
		if i < 0 {
			return nil, secret.ErrNotFound
		}
		return all[i+1 : min(len(all), i+1+page.Limit)], nil
	case page.Around != 0:
		i := at(page.Around)
		if i < 0 {
			return nil, secret.ErrNotFound
		}
		half := max(1, page.Limit/2)
		return all[max(0, i-half):min(len(all), i+half+1)], nil
	}
	return all[max(0, len(all)-page.Limit):], nil
}

// secretHistory is ui.Messages.History for a secret chat.
func (b *Backend) secretHistory(ctx context.Context, id secret.ChatID, page ui.Page) ([]ui.Message, error) {
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return nil, userError(err)
	}
	msgs, err := b.secretPage(ctx, id, page)
	if err != nil {
		return nil, userError(err)
	}
	out := make([]ui.Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, b.secretMessage(info, m))
	}
	for i := range out {
		b.fillQuote(ctx, info, &out[i])
	}
	return out, nil
}

// quotedSecretMessage converts a secret chat's message for the window with the quote of the message it
// answers.
func (b *Backend) quotedSecretMessage(ctx context.Context, info secret.ChatInfo, m secret.Message) ui.Message {
	out := b.secretMessage(info, m)
	b.fillQuote(ctx, info, &out)
	return out
}

// fillQuote fills in a reply's quote from the message it answers, when this computer has it.
func (b *Backend) fillQuote(ctx context.Context, info secret.ChatInfo, m *ui.Message) {
	r := m.Reply
	if r == nil || r.Text != "" {
		return
	}
	q, err := b.secretPage(ctx, info.ID, ui.Page{Around: r.ID, Limit: 1})
	if err != nil {
		return
	}
	for _, qm := range q {
		if qm.RandomID == r.ID {
			shown := b.secretMessage(info, qm)
			r.Sender, r.Text = shown.Sender, quoteOf(shown)
		}
	}
}

// quoteOf says what a quoted message holds.
func quoteOf(m ui.Message) string {
	switch {
	case m.Text != "":
		return m.Text
	case m.Media != nil && m.Media.Kind == ui.MediaPhoto:
		return "Photo"
	case m.Media != nil:
		return m.Media.Name
	}
	return ""
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
			b.events.publish(ui.MessageEvent{Message: b.quotedSecretMessage(ctx, info, e.Message)})
		}
		return
	case secret.MessageQueued:
		// What SendText returns comes back here too (the window shows it once); a timer change the user
		// made is shown from here.
		if info, err := b.secret.Chat(ctx, e.Message.ChatID); err == nil {
			b.events.publish(ui.MessageEvent{Message: b.quotedSecretMessage(ctx, info, e.Message)})
		}
		return
	case secret.MessageSent:
		b.publishSecretChanges(ctx, e.Chat, []int64{e.RandomID})
		return
	case secret.MessagesRead:
		b.events.publish(ui.ReadEvent{Dialog: secretDialogID(e.Chat), IDs: e.RandomIDs})
		b.publishSecretChanges(ctx, e.Chat, e.RandomIDs) // their timers started
		return
	case secret.Typing:
		if info, err := b.secret.Chat(ctx, e.Chat); err == nil {
			b.events.publish(ui.TypingEvent{Dialog: secretDialogID(e.Chat), Who: b.peerName(info.PeerID)})
		}
		return
	case secret.MessagesDeleted:
		b.events.publish(ui.MessagesDeletedEvent{Dialog: secretDialogID(e.Chat), IDs: e.RandomIDs})
		chat = e.Chat
	case secret.HistoryFlushed:
		b.events.publish(ui.MessagesDeletedEvent{Dialog: secretDialogID(e.Chat), All: true})
		chat = e.Chat
	case secret.ChatRequested:
		chat = e.Chat.ID
	case secret.ChatWaiting:
		chat = e.Chat.ID
	case secret.ChatReady:
		chat = e.Chat.ID
	case secret.ChatClosed:
		chat = e.Chat
	case secret.TTLChanged:
		chat = e.Chat
	default:
		return
	}
	if info, err := b.secret.Chat(ctx, chat); err == nil {
		b.events.publish(ui.DialogEvent{Dialog: b.secretSummary(ctx, info)})
	}
}

// publishSecretChanges tells the window how messages of a secret chat stand now (sent, read, their timers).
func (b *Backend) publishSecretChanges(ctx context.Context, id secret.ChatID, rids []int64) {
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return
	}
	for _, rid := range rids {
		msgs, err := b.secretPage(ctx, id, ui.Page{Around: rid, Limit: 1})
		if err != nil {
			continue
		}
		for _, m := range msgs {
			if m.RandomID == rid {
				b.events.publish(ui.MessageChangedEvent{Message: b.quotedSecretMessage(ctx, info, m)})
			}
		}
	}
}

// publishTimers tells the window the ends of the self-destruct timers that marking a chat read started.
func (b *Backend) publishTimers(ctx context.Context, id secret.ChatID) {
	msgs, err := b.recentSecret(ctx, id, unreadLimit)
	if err != nil {
		return
	}
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return
	}
	for _, m := range msgs {
		if !m.Out && !m.ExpiresAt.IsZero() {
			b.events.publish(ui.MessageChangedEvent{Message: b.secretMessage(info, m)})
		}
	}
}

// deleteSecretHere deletes messages of a secret chat from this computer only; the peer keeps theirs.
func (b *Backend) deleteSecretHere(ctx context.Context, id secret.ChatID, rids []int64) error {
	err := b.secretStore.Update(ctx, func(tx secret.Tx) error {
		for _, rid := range rids {
			if err := tx.DeleteMessage(id, rid); err != nil && !errors.Is(err, secret.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return userError(err)
	}
	b.events.publish(ui.MessagesDeletedEvent{Dialog: secretDialogID(id), IDs: rids})
	return nil
}

// secretSend sends a text in a secret chat. A message stored but not yet
// sent (network down) is returned too: the manager sends it later.
func (b *Backend) secretSend(ctx context.Context, id secret.ChatID, text string, replyTo int64) (ui.Message, error) {
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return ui.Message{}, userError(err)
	}
	m, err := b.secret.SendText(ctx, id, text, secret.SendOptions{ReplyTo: replyTo})
	if err != nil && m.RandomID == 0 {
		return ui.Message{}, userError(err)
	}
	return b.quotedSecretMessage(ctx, info, m), nil
}
