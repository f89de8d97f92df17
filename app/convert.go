package app

import (
	"context"
	"encoding/json"
	"strconv"

	"tacit/mtproto"
	"tacit/mtproto/store"
	"tacit/ui"
)

// Cloud messages as the window shows them, from the server or from the cache. The cache keeps what the
// window needs beyond the text in the message's opaque media field (cloudMeta), so a page read back from
// the store shows the same bubble as one fetched from the server.

// cloudMeta is the app's encoding of a cached cloud message's media field.
type cloudMeta struct {
	Media    *mtproto.MediaInfo `json:"media,omitempty"`
	Forward  string             `json:"fwd,omitempty"`
	Service  bool               `json:"svc,omitempty"`
	FromName string             `json:"from,omitempty"`
}

func encodeMeta(m mtproto.Message) []byte {
	meta := cloudMeta{Media: m.Media, Service: m.Service != "", FromName: m.FromName}
	if m.Forward != nil {
		meta.Forward = m.Forward.FromName
	}
	if meta == (cloudMeta{}) {
		return nil
	}
	b, err := json.Marshal(meta)
	if err != nil {
		return nil // plain data: cannot fail; a message without its extras is still the message
	}
	return b
}

// storeCloudMessage is the cached form of a cloud message.
func storeCloudMessage(m mtproto.Message) store.Message {
	out := store.Message{Peer: storeCloudPeer(m.Peer), ID: m.ID, Out: m.Out, Date: m.Date, Text: m.Text,
		ReplyTo: m.ReplyTo, EditDate: m.Edited, Media: encodeMeta(m)}
	if m.Service != "" {
		out.Text = m.Service
	}
	if m.From != 0 {
		out.From = store.UserPeer(m.From)
	}
	return out
}

// cachedCloudMessage reads a cached message back as the server's form.
func cachedCloudMessage(peer mtproto.Peer, m store.Message) mtproto.Message {
	out := mtproto.Message{ID: m.ID, Peer: peer, From: m.From.ID, Out: m.Out, Date: m.Date, Text: m.Text,
		ReplyTo: m.ReplyTo, Edited: m.EditDate}
	var meta cloudMeta
	if len(m.Media) > 0 && json.Unmarshal(m.Media, &meta) == nil {
		out.Media, out.FromName = meta.Media, meta.FromName
		if meta.Forward != "" {
			out.Forward = &mtproto.Forward{FromName: meta.Forward}
		}
		if meta.Service {
			out.Service, out.Text = m.Text, ""
		}
	}
	return out
}

// cloudText is a one-line description of a cloud message, for the chat list and quotes.
func cloudText(m mtproto.Message) string {
	switch {
	case m.Service != "":
		return m.Service
	case m.Media != nil && m.Text == "":
		if m.Media.Kind == mtproto.MediaPhoto {
			return "Photo"
		}
		if m.Media.Name != "" {
			return "📎 " + m.Media.Name
		}
		return "📎 file"
	case m.Media != nil:
		return "📎 " + m.Text
	}
	return m.Text
}

// cloudView is what converting a page of one cloud chat needs to know about the chat.
type cloudView struct {
	dialog     ui.DialogID
	peer       mtproto.Peer
	title      string
	readOutbox int  // outgoing messages up to this id were read by the other side
	admin      bool // the user may post in the channel (and delete its posts)
}

// view gathers what converting messages of dialog needs.
func (b *Backend) view(dialog ui.DialogID, peer mtproto.Peer) cloudView {
	b.mu.Lock()
	read := b.readOutbox[peer.Key()]
	admin := b.canPost[peer.Key()]
	b.mu.Unlock()
	return cloudView{dialog: dialog, peer: peer, title: b.titleOf(dialog), readOutbox: read, admin: admin}
}

// uiCloudMessage converts one cloud message for the window; quotes holds the messages a page answers.
func (b *Backend) uiCloudMessage(v cloudView, m mtproto.Message, quotes map[int]mtproto.Message) ui.Message {
	sender := "You"
	if !m.Out {
		sender = m.FromName
		if sender == "" && m.From != 0 {
			sender = b.peerName(m.From)
		}
		if sender == "" {
			sender = v.title
		}
	}
	out := ui.Message{ID: int64(m.ID), Dialog: v.dialog, Out: m.Out, Sender: sender, Text: m.Text, Date: m.Date,
		Edited: !m.Edited.IsZero()}
	if m.Service != "" {
		out.Text, out.Service = m.Service, true
		return out
	}
	if m.Out {
		out.Status = ui.StatusSent
		if m.ID <= v.readOutbox {
			out.Status = ui.StatusRead
		}
	}
	if m.Forward != nil {
		out.Forwarded = m.Forward.FromName
		if out.Forwarded == "" {
			out.Forwarded = "a hidden sender"
		}
	}
	if md := m.Media; md != nil {
		kind := ui.MediaFile
		if md.Kind == mtproto.MediaPhoto {
			kind = ui.MediaPhoto
		}
		out.Media = &ui.Media{Kind: kind, Name: md.Name, MIME: md.MIME, Size: md.Size, Width: md.Width, Height: md.Height}
	}
	if m.ReplyTo != 0 {
		q := ui.Quote{ID: int64(m.ReplyTo)}
		if r, ok := quotes[m.ReplyTo]; ok {
			q.Sender, q.Text = "You", cloudText(r)
			if !r.Out {
				q.Sender = r.FromName
				if q.Sender == "" {
					q.Sender = v.title
				}
			}
		}
		out.Reply = &q
	}
	channel := v.peer.IsChannel()
	out.Can = ui.Abilities{
		Edit:              m.Out && m.Media == nil && m.Text != "",
		DeleteForMe:       !channel,
		DeleteForEveryone: v.peer.Kind == mtproto.PeerUser || m.Out || (v.peer.Kind == mtproto.PeerChannel && v.admin),
		Forward:           true,
	}
	return out
}

// uiCloudPage converts a page (oldest first), finding the messages its replies answer in the page, the
// cache, or else leaving their quotes empty.
func (b *Backend) uiCloudPage(ctx context.Context, v cloudView, msgs []mtproto.Message) []ui.Message {
	quotes := map[int]mtproto.Message{}
	for _, m := range msgs {
		quotes[m.ID] = m
	}
	for _, m := range msgs {
		if m.ReplyTo == 0 || !b.cache.enabled() {
			continue
		}
		if _, ok := quotes[m.ReplyTo]; ok {
			continue
		}
		if cm, err := b.cache.db.Message(ctx, storeCloudPeer(v.peer), m.ReplyTo); err == nil {
			quotes[m.ReplyTo] = cachedCloudMessage(v.peer, cm)
		}
	}
	out := make([]ui.Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, b.uiCloudMessage(v, m, quotes))
	}
	return out
}

// dialogOfStorePeer is the window's dialog of a chat as the store names it.
func dialogOfStorePeer(p store.Peer) ui.DialogID {
	id := strconv.FormatInt(p.ID, 10)
	switch p.Kind {
	case store.PeerUser:
		return ui.DialogID("u" + id)
	case store.PeerChat:
		return ui.DialogID("g" + id)
	case store.PeerChannel:
		return ui.DialogID("c" + id)
	case store.PeerSecret:
		return ui.DialogID("s" + id)
	}
	return ""
}
