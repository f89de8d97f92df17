package mtproto

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gotd/td/tg"
)

// Message is one cloud-chat message as the UI shows it.
type Message struct {
	ID   int
	Peer Peer
	// From is the author's user id; 0 for broadcast channel posts.
	From     int64
	FromName string
	Out      bool
	Date     time.Time
	Text     string
	Entities []Entity
	ReplyTo  int
	// Edited is the time of the last edit; zero if never edited.
	Edited    time.Time
	Forward   *Forward
	Media     *MediaInfo
	Mentioned bool
	// Service describes a service message ("created the group"); empty
	// for ordinary messages.
	Service string
}

// Forward tells where a forwarded message came from. A forward with the
// sender hidden has no Forward at all.
type Forward struct {
	FromUser    int64
	FromName    string
	FromChannel int64
	ChannelPost int
	Date        time.Time
}

// message converts a protocol message using the entities Cloud knows.
func (cl *Cloud) message(mc tg.MessageClass) (Message, bool) {
	switch m := mc.(type) {
	case *tg.Message:
		out := Message{ID: m.ID, Peer: cl.peerOf(m.PeerID), Out: m.Out, Date: unixTime(m.Date), Text: m.Message, Mentioned: m.Mentioned}
		if from, ok := m.GetFromID(); ok {
			if u, ok := from.(*tg.PeerUser); ok {
				out.From = u.UserID
			}
		} else if out.Peer.Kind == PeerUser && !m.Out {
			out.From = out.Peer.ID
		}
		if out.From == 0 && out.Peer.Kind == PeerUser && m.Out {
			out.From = cl.selfID()
		}
		out.FromName = cl.UserName(out.From)
		out.Entities = entitiesFromTG(m.Entities)
		if r, ok := m.GetReplyTo(); ok {
			if h, ok := r.(*tg.MessageReplyHeader); ok {
				out.ReplyTo = h.ReplyToMsgID
			}
		}
		if d, ok := m.GetEditDate(); ok {
			out.Edited = unixTime(d)
		}
		if f, ok := m.GetFwdFrom(); ok {
			fw := &Forward{Date: unixTime(f.Date)}
			switch p := f.FromID.(type) {
			case *tg.PeerUser:
				fw.FromUser = p.UserID
				fw.FromName = cl.UserName(p.UserID)
			case *tg.PeerChannel:
				fw.FromChannel = p.ChannelID
				fw.FromName = cl.title(Peer{Kind: PeerChannel, ID: p.ChannelID})
			}
			if fw.FromName == "" {
				fw.FromName = f.FromName
			}
			fw.ChannelPost, _ = f.GetChannelPost()
			out.Forward = fw
		}
		if md, ok := m.GetMedia(); ok {
			out.Media = mediaFromTG(md)
		}
		return out, true
	case *tg.MessageService:
		out := Message{ID: m.ID, Peer: cl.peerOf(m.PeerID), Out: m.Out, Date: unixTime(m.Date)}
		if from, ok := m.GetFromID(); ok {
			if u, ok := from.(*tg.PeerUser); ok {
				out.From = u.UserID
				out.FromName = cl.UserName(u.UserID)
			}
		}
		out.Service = cl.describeAction(out.FromName, m.Action)
		return out, true
	}
	return Message{}, false
}

func (cl *Cloud) describeAction(who string, a tg.MessageActionClass) string {
	if who == "" {
		who = "Someone"
	}
	names := func(ids []int64) string {
		var n []string
		for _, id := range ids {
			if s := cl.UserName(id); s != "" {
				n = append(n, s)
			}
		}
		return strings.Join(n, ", ")
	}
	switch a := a.(type) {
	case *tg.MessageActionChatCreate:
		return fmt.Sprintf("%s created the group %q", who, a.Title)
	case *tg.MessageActionChannelCreate:
		return fmt.Sprintf("Channel %q created", a.Title)
	case *tg.MessageActionChatAddUser:
		return fmt.Sprintf("%s added %s", who, names(a.Users))
	case *tg.MessageActionChatDeleteUser:
		if n := names([]int64{a.UserID}); n != "" && n != who {
			return fmt.Sprintf("%s removed %s", who, n)
		}
		return fmt.Sprintf("%s left", who)
	case *tg.MessageActionContactSignUp:
		return fmt.Sprintf("%s joined Telegram", who)
	}
	return "Service message"
}

// messages converts a result's message list.
func (cl *Cloud) messagesOf(res tg.MessagesMessagesClass) []Message {
	var raw []tg.MessageClass
	switch r := res.(type) {
	case *tg.MessagesMessages:
		cl.learn(r.Users, r.Chats)
		raw = r.Messages
	case *tg.MessagesMessagesSlice:
		cl.learn(r.Users, r.Chats)
		raw = r.Messages
	case *tg.MessagesChannelMessages:
		cl.learn(r.Users, r.Chats)
		raw = r.Messages
	}
	out := make([]Message, 0, len(raw))
	for _, m := range raw {
		if msg, ok := cl.message(m); ok {
			out = append(out, msg)
		}
	}
	return out
}

// History returns up to limit messages of peer older than the message
// before (0: the newest), newest first. Page backwards by passing the
// last returned ID as before.
func (cl *Cloud) History(ctx context.Context, peer Peer, before, limit int) ([]Message, error) {
	in, err := inputPeer(peer)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	res, err := cl.api().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: in, OffsetID: before, Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("mtproto: history of %s: %w", peer, Classify(err))
	}
	return cl.messagesOf(res), nil
}

// HistoryAfter returns up to limit messages of peer newer than the message
// after, oldest first: the page below it.
func (cl *Cloud) HistoryAfter(ctx context.Context, peer Peer, after, limit int) ([]Message, error) {
	in, err := inputPeer(peer)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	res, err := cl.api().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: in, OffsetID: after + 1,
		AddOffset: -limit, Limit: limit, MinID: after})
	if err != nil {
		return nil, fmt.Errorf("mtproto: history of %s: %w", peer, Classify(err))
	}
	msgs := cl.messagesOf(res)
	out := make([]Message, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].ID > after {
			out = append(out, msgs[i])
		}
	}
	return out, nil
}

// SetTyping tells the other side of peer that the user is typing (or,
// with typing false, stopped).
func (cl *Cloud) SetTyping(ctx context.Context, peer Peer, typing bool) error {
	in, err := inputPeer(peer)
	if err != nil {
		return err
	}
	var action tg.SendMessageActionClass = &tg.SendMessageTypingAction{}
	if !typing {
		action = &tg.SendMessageCancelAction{}
	}
	if _, err := cl.api().MessagesSetTyping(ctx, &tg.MessagesSetTypingRequest{Peer: in, Action: action}); err != nil {
		return fmt.Errorf("mtproto: typing in %s: %w", peer, Classify(err))
	}
	return nil
}

// Search finds messages in one chat whose text (or file name) contains
// query, newest first.
func (cl *Cloud) Search(ctx context.Context, peer Peer, query string) ([]Message, error) {
	in, err := inputPeer(peer)
	if err != nil {
		return nil, err
	}
	res, err := cl.api().MessagesSearch(ctx, &tg.MessagesSearchRequest{Peer: in, Q: query, Filter: &tg.InputMessagesFilterEmpty{}, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("mtproto: search in %s: %w", peer, Classify(err))
	}
	return cl.messagesOf(res), nil
}

// SearchAll finds messages in every cloud chat, newest first (at most 100).
func (cl *Cloud) SearchAll(ctx context.Context, query string) ([]Message, error) {
	res, err := cl.api().MessagesSearchGlobal(ctx, &tg.MessagesSearchGlobalRequest{Q: query, Filter: &tg.InputMessagesFilterEmpty{},
		OffsetPeer: &tg.InputPeerEmpty{}, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("mtproto: search: %w", Classify(err))
	}
	return cl.messagesOf(res), nil
}

// MarkRead marks peer read up to maxID (a read receipt: the other side
// sees it).
func (cl *Cloud) MarkRead(ctx context.Context, peer Peer, maxID int) error {
	if peer.IsChannel() {
		ch, err := inputChannel(peer)
		if err != nil {
			return err
		}
		if _, err := cl.api().ChannelsReadHistory(ctx, &tg.ChannelsReadHistoryRequest{Channel: ch, MaxID: maxID}); err != nil {
			return fmt.Errorf("mtproto: mark %s read: %w", peer, Classify(err))
		}
		return nil
	}
	in, err := inputPeer(peer)
	if err != nil {
		return err
	}
	if _, err := cl.api().MessagesReadHistory(ctx, &tg.MessagesReadHistoryRequest{Peer: in, MaxID: maxID}); err != nil {
		return fmt.Errorf("mtproto: mark %s read: %w", peer, Classify(err))
	}
	return nil
}
