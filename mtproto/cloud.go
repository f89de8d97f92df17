package mtproto

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gotd/td/tg"
)

// Cloud chats are private chats, groups, supergroups and channels stored
// on Telegram's servers: Telegram can read every message in them. Cloud
// is their API for Tacit's chat list and conversation view. Its data types
// (Peer, Dialog, Message, MediaInfo, FileLocation) carry no gotd types, so
// the UI can use them directly.

// PeerKind says what kind of cloud chat a Peer is.
type PeerKind int

// Kinds of cloud chat.
const (
	// PeerUnknown is the zero value: no chat.
	PeerUnknown PeerKind = iota
	// PeerUser is a private cloud chat with one person (or with oneself).
	PeerUser
	// PeerGroup is a basic group.
	PeerGroup
	// PeerSupergroup is a supergroup (a channel where members write).
	PeerSupergroup
	// PeerChannel is a broadcast channel (only admins post).
	PeerChannel
)

func (k PeerKind) String() string {
	switch k {
	case PeerUser:
		return "user"
	case PeerGroup:
		return "group"
	case PeerSupergroup:
		return "supergroup"
	case PeerChannel:
		return "channel"
	}
	return "unknown"
}

// Peer names a cloud chat. AccessHash is the proof Telegram wants with
// users and channels; keep it with the id.
type Peer struct {
	Kind       PeerKind
	ID         int64
	AccessHash int64
}

// Cloud reports whether this is a cloud chat, i.e. readable by Telegram.
// Every valid Peer is: secret chats are not Peers.
func (p Peer) Cloud() bool { return p.Kind != PeerUnknown }

// IsChannel reports whether p is a supergroup or broadcast channel (which
// number messages per chat and have their own update sequence).
func (p Peer) IsChannel() bool { return p.Kind == PeerSupergroup || p.Kind == PeerChannel }

func (p Peer) String() string { return fmt.Sprintf("%s:%d", p.Kind, p.ID) }

// Key identifies the chat without its access hash (for maps).
func (p Peer) Key() string {
	k := p.Kind
	if k == PeerSupergroup {
		k = PeerChannel
	}
	return fmt.Sprintf("%d:%d", k, p.ID)
}

// EventKind says what an Event reports.
type EventKind int

// Kinds of Event.
const (
	// EventNew is a new message (also one's own, sent from any device).
	EventNew EventKind = iota + 1
	// EventEdited is an edited message.
	EventEdited
	// EventDeleted lists deleted message ids. For private chats and basic
	// groups Peer is unknown (zero): those ids are unique per account.
	EventDeleted
	// EventRead says Peer was read up to MaxID on another device.
	EventRead
	// EventReadByPeer says the other side read outgoing messages of Peer
	// up to MaxID.
	EventReadByPeer
	// EventChatChanged says a group or channel changed (joined, left,
	// rights): reload the dialog list.
	EventChatChanged
	// EventTyping says someone (Message.From, named Message.FromName) is
	// typing in Peer. It lapses after a few seconds unless repeated.
	EventTyping
)

// Event is a change in the cloud chats, delivered to CloudOptions.OnEvent.
type Event struct {
	Kind    EventKind
	Peer    Peer
	Message Message
	IDs     []int
	MaxID   int
}

// CloudOptions configure Cloud.
type CloudOptions struct {
	// LinkPreviews lets Telegram build link previews for links sent in
	// cloud chats. Off by default: Tacit sends no_webpage unless enabled
	// (here or later with SetLinkPreviews).
	LinkPreviews bool
	// OnEvent receives pushed changes. It runs on the updates goroutine:
	// hand work off instead of blocking.
	OnEvent func(Event)
}

// Cloud is the cloud-chat API of one Client.
type Cloud struct {
	c    *Client
	opts CloudOptions
	// previews is whether link previews are allowed now (CloudOptions.LinkPreviews, then SetLinkPreviews).
	previews atomic.Bool

	mu    sync.Mutex
	users map[int64]*tg.User
	chans map[int64]*tg.Channel
	chats map[int64]*tg.Chat
}

// NewCloud makes the cloud-chat API of c. Call it before c.Run: it
// takes over the dispatcher's handlers for new, edited and deleted
// messages, read marks and channel changes (OnNewMessage,
// OnNewChannelMessage, OnEditMessage, OnEditChannelMessage,
// OnDeleteMessages, OnDeleteChannelMessages, OnReadHistoryInbox,
// OnReadHistoryOutbox, OnReadChannelInbox, OnChannel), replacing any
// registered before; receive those through CloudOptions.OnEvent.
func NewCloud(c *Client, opts CloudOptions) *Cloud {
	cl := &Cloud{c: c, opts: opts, users: map[int64]*tg.User{}, chans: map[int64]*tg.Channel{}, chats: map[int64]*tg.Chat{}}
	cl.previews.Store(opts.LinkPreviews)
	c.tap.set(cl.learn)
	d := c.Dispatcher()
	d.OnNewMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateNewMessage) error {
		cl.learnEntities(e)
		cl.emitMessage(EventNew, u.Message)
		return nil
	})
	d.OnNewChannelMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateNewChannelMessage) error {
		cl.learnEntities(e)
		cl.emitMessage(EventNew, u.Message)
		return nil
	})
	d.OnEditMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateEditMessage) error {
		cl.learnEntities(e)
		cl.emitMessage(EventEdited, u.Message)
		return nil
	})
	d.OnEditChannelMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateEditChannelMessage) error {
		cl.learnEntities(e)
		cl.emitMessage(EventEdited, u.Message)
		return nil
	})
	d.OnDeleteMessages(func(ctx context.Context, e tg.Entities, u *tg.UpdateDeleteMessages) error {
		cl.emit(Event{Kind: EventDeleted, IDs: append([]int(nil), u.Messages...)})
		return nil
	})
	d.OnDeleteChannelMessages(func(ctx context.Context, e tg.Entities, u *tg.UpdateDeleteChannelMessages) error {
		cl.learnEntities(e)
		cl.emit(Event{Kind: EventDeleted, Peer: cl.channelPeer(u.ChannelID), IDs: append([]int(nil), u.Messages...)})
		return nil
	})
	d.OnReadHistoryInbox(func(ctx context.Context, e tg.Entities, u *tg.UpdateReadHistoryInbox) error {
		cl.learnEntities(e)
		cl.emit(Event{Kind: EventRead, Peer: cl.peerOf(u.Peer), MaxID: u.MaxID})
		return nil
	})
	d.OnReadHistoryOutbox(func(ctx context.Context, e tg.Entities, u *tg.UpdateReadHistoryOutbox) error {
		cl.learnEntities(e)
		cl.emit(Event{Kind: EventReadByPeer, Peer: cl.peerOf(u.Peer), MaxID: u.MaxID})
		return nil
	})
	d.OnReadChannelInbox(func(ctx context.Context, e tg.Entities, u *tg.UpdateReadChannelInbox) error {
		cl.learnEntities(e)
		cl.emit(Event{Kind: EventRead, Peer: cl.channelPeer(u.ChannelID), MaxID: u.MaxID})
		return nil
	})
	d.OnUserTyping(func(ctx context.Context, e tg.Entities, u *tg.UpdateUserTyping) error {
		cl.learnEntities(e)
		cl.emitTyping(cl.peerOf(&tg.PeerUser{UserID: u.UserID}), u.UserID, u.Action)
		return nil
	})
	d.OnChatUserTyping(func(ctx context.Context, e tg.Entities, u *tg.UpdateChatUserTyping) error {
		cl.learnEntities(e)
		if from, ok := u.FromID.(*tg.PeerUser); ok {
			cl.emitTyping(Peer{Kind: PeerGroup, ID: u.ChatID}, from.UserID, u.Action)
		}
		return nil
	})
	d.OnChannel(func(ctx context.Context, e tg.Entities, u *tg.UpdateChannel) error {
		cl.learnEntities(e)
		cl.emit(Event{Kind: EventChatChanged, Peer: cl.channelPeer(u.ChannelID)})
		return nil
	})
	return cl
}

func (cl *Cloud) emit(e Event) {
	if cl.opts.OnEvent != nil {
		cl.opts.OnEvent(e)
	}
}

// emitTyping reports someone typing, unless the action is the end of it.
func (cl *Cloud) emitTyping(p Peer, from int64, action tg.SendMessageActionClass) {
	if _, cancelled := action.(*tg.SendMessageCancelAction); cancelled || from == cl.selfID() {
		return
	}
	cl.emit(Event{Kind: EventTyping, Peer: p, Message: Message{From: from, FromName: cl.UserName(from)}})
}

func (cl *Cloud) emitMessage(kind EventKind, m tg.MessageClass) {
	msg, ok := cl.message(m)
	if !ok {
		return
	}
	cl.emit(Event{Kind: kind, Peer: msg.Peer, Message: msg})
}

func (cl *Cloud) api() *tg.Client { return cl.c.API() }

func (cl *Cloud) selfID() int64 {
	if u := cl.c.Self(); u != nil {
		return u.ID
	}
	return 0
}

// learnEntities remembers access hashes and names from pushed updates.
func (cl *Cloud) learnEntities(e tg.Entities) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for id, u := range e.Users {
		cl.users[id] = u
	}
	for id, c := range e.Chats {
		cl.chats[id] = c
	}
	for id, c := range e.Channels {
		if !c.Min {
			cl.chans[id] = c
		}
	}
}

// learn remembers users and chats of an RPC result.
func (cl *Cloud) learn(users []tg.UserClass, chats []tg.ChatClass) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && !u.Min {
			cl.users[u.ID] = u
		}
	}
	for _, c := range chats {
		switch c := c.(type) {
		case *tg.Chat:
			cl.chats[c.ID] = c
		case *tg.Channel:
			if !c.Min {
				cl.chans[c.ID] = c
			}
		case *tg.ChannelForbidden:
			delete(cl.chans, c.ID)
		}
	}
}

func (cl *Cloud) channelPeer(id int64) Peer {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return channelPeerLocked(cl.chans[id], id)
}

func channelPeerLocked(c *tg.Channel, id int64) Peer {
	if c == nil {
		return Peer{Kind: PeerChannel, ID: id}
	}
	k := PeerChannel
	if c.Megagroup {
		k = PeerSupergroup
	}
	return Peer{Kind: k, ID: id, AccessHash: c.AccessHash}
}

// peerOf turns a protocol peer into a Peer with what is known about it.
func (cl *Cloud) peerOf(p tg.PeerClass) Peer {
	switch p := p.(type) {
	case *tg.PeerUser:
		cl.mu.Lock()
		defer cl.mu.Unlock()
		pe := Peer{Kind: PeerUser, ID: p.UserID}
		if u := cl.users[p.UserID]; u != nil {
			pe.AccessHash = u.AccessHash
		}
		return pe
	case *tg.PeerChat:
		return Peer{Kind: PeerGroup, ID: p.ChatID}
	case *tg.PeerChannel:
		return cl.channelPeer(p.ChannelID)
	}
	return Peer{}
}

// UserName is the display name of a user seen in any result or update.
func (cl *Cloud) UserName(id int64) string {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if u := cl.users[id]; u != nil {
		return strings.TrimSpace(u.FirstName + " " + u.LastName)
	}
	return ""
}

// UserPeer is the private chat with a user seen in any result or update.
func (cl *Cloud) UserPeer(id int64) (Peer, bool) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	u := cl.users[id]
	if u == nil {
		return Peer{}, false
	}
	return Peer{Kind: PeerUser, ID: id, AccessHash: u.AccessHash}, true
}

// title is the name of a chat.
func (cl *Cloud) title(p Peer) string {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	switch p.Kind {
	case PeerUser:
		if u := cl.users[p.ID]; u != nil {
			if u.Self {
				return "Saved Messages"
			}
			return strings.TrimSpace(u.FirstName + " " + u.LastName)
		}
	case PeerGroup:
		if c := cl.chats[p.ID]; c != nil {
			return c.Title
		}
	case PeerSupergroup, PeerChannel:
		if c := cl.chans[p.ID]; c != nil {
			return c.Title
		}
	}
	return ""
}

func inputPeer(p Peer) (tg.InputPeerClass, error) {
	switch p.Kind {
	case PeerUser:
		return &tg.InputPeerUser{UserID: p.ID, AccessHash: p.AccessHash}, nil
	case PeerGroup:
		return &tg.InputPeerChat{ChatID: p.ID}, nil
	case PeerSupergroup, PeerChannel:
		return &tg.InputPeerChannel{ChannelID: p.ID, AccessHash: p.AccessHash}, nil
	}
	return nil, &Error{Kind: KindWrongPeer, Reason: "no such chat kind"}
}

func inputChannel(p Peer) (*tg.InputChannel, error) {
	if !p.IsChannel() {
		return nil, &Error{Kind: KindWrongPeer, Reason: "not a channel or supergroup"}
	}
	return &tg.InputChannel{ChannelID: p.ID, AccessHash: p.AccessHash}, nil
}

func inputUser(p Peer) (*tg.InputUser, error) {
	if p.Kind != PeerUser {
		return nil, &Error{Kind: KindWrongPeer, Reason: "not a person"}
	}
	return &tg.InputUser{UserID: p.ID, AccessHash: p.AccessHash}, nil
}

func unixTime(t int) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0)
}
