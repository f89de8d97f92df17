package mtproto

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gotd/td/tg"
)

// EntityKind is a text style or link.
type EntityKind int

// Kinds of Entity.
const (
	EntityBold EntityKind = iota + 1
	EntityItalic
	EntityCode
	EntityPre
	EntityLink    // URL is the target
	EntityURL     // the text itself is a URL
	EntityMention // UserID is the person mentioned
	EntityStrike
	EntityUnderline
)

// Entity styles a range of a message's text. Offset and Length count
// UTF-16 code units, as Telegram does.
type Entity struct {
	Kind   EntityKind
	Offset int
	Length int
	URL    string
	UserID int64
}

// SendOptions tune SendText and Edit.
type SendOptions struct {
	// ReplyTo is the id of the message answered (0: none).
	ReplyTo int
	// Entities, when not nil, style Text as given; otherwise Text is
	// read as markup (ParseMarkup).
	Entities []Entity
	// NoLinkPreview asks for no link preview even when previews are on.
	NoLinkPreview bool
	// Silent sends without a notification.
	Silent bool
}

// ParseMarkup reads Tacit's simple markup: **bold**, _italic_, `code`,
// ~~strike~~, [text](https://link) and [name](tg://user?id=123) for a
// mention. A marker without its closing partner stays literal text.
func ParseMarkup(s string) (string, []Entity) {
	var (
		out      []rune
		entities []Entity
		units    int // UTF-16 length of out
	)
	rs := []rune(s)
	unitsOf := func(r []rune) int { return len(utf16.Encode(r)) }
	// find returns the index of marker m in rs at or after i, or -1.
	find := func(i int, m string) int {
		mr := []rune(m)
		for j := i; j+len(mr) <= len(rs); j++ {
			if string(rs[j:j+len(mr)]) == m {
				return j
			}
		}
		return -1
	}
	pairs := []struct {
		marker string
		kind   EntityKind
	}{{"**", EntityBold}, {"~~", EntityStrike}, {"`", EntityCode}, {"_", EntityItalic}}
	for i := 0; i < len(rs); {
		matched := false
		for _, p := range pairs {
			m := []rune(p.marker)
			if i+len(m) > len(rs) || string(rs[i:i+len(m)]) != p.marker {
				continue
			}
			end := find(i+len(m), p.marker)
			if end <= i+len(m) {
				continue
			}
			inner := rs[i+len(m) : end]
			if p.kind == EntityItalic && (strings.ContainsAny(string(inner), "\n") ||
				(i > 0 && isWordRune(rs[i-1])) || (end+1 < len(rs) && isWordRune(rs[end+1]))) {
				continue // snake_case_names are not italic
			}
			entities = append(entities, Entity{Kind: p.kind, Offset: units, Length: unitsOf(inner)})
			out = append(out, inner...)
			units += unitsOf(inner)
			i = end + len(m)
			matched = true
			break
		}
		if matched {
			continue
		}
		if rs[i] == '[' {
			if close := find(i+1, "]("); close > i+1 {
				if end := find(close+2, ")"); end > close+2 {
					text, target := rs[i+1:close], string(rs[close+2:end])
					if e, ok := linkEntity(target); ok {
						e.Offset, e.Length = units, unitsOf(text)
						entities = append(entities, e)
						out = append(out, text...)
						units += unitsOf(text)
						i = end + 1
						continue
					}
				}
			}
		}
		out = append(out, rs[i])
		units += unitsOf(rs[i : i+1])
		i++
	}
	return string(out), entities
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func linkEntity(target string) (Entity, bool) {
	u, err := url.Parse(target)
	if err != nil {
		return Entity{}, false
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return Entity{}, false
		}
		return Entity{Kind: EntityLink, URL: target}, true
	case "tg":
		if u.Host == "user" {
			id, err := strconv.ParseInt(u.Query().Get("id"), 10, 64)
			if err == nil && id > 0 {
				return Entity{Kind: EntityMention, UserID: id}, true
			}
		}
	}
	return Entity{}, false
}

func entitiesFromTG(in []tg.MessageEntityClass) []Entity {
	var out []Entity
	for _, e := range in {
		var x Entity
		switch e := e.(type) {
		case *tg.MessageEntityBold:
			x = Entity{Kind: EntityBold, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityItalic:
			x = Entity{Kind: EntityItalic, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityCode:
			x = Entity{Kind: EntityCode, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityPre:
			x = Entity{Kind: EntityPre, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityStrike:
			x = Entity{Kind: EntityStrike, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityUnderline:
			x = Entity{Kind: EntityUnderline, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityTextURL:
			x = Entity{Kind: EntityLink, Offset: e.Offset, Length: e.Length, URL: e.URL}
		case *tg.MessageEntityURL:
			x = Entity{Kind: EntityURL, Offset: e.Offset, Length: e.Length}
		case *tg.MessageEntityMentionName:
			x = Entity{Kind: EntityMention, Offset: e.Offset, Length: e.Length, UserID: e.UserID}
		default:
			continue
		}
		out = append(out, x)
	}
	return out
}

// entitiesToTG builds protocol entities; a mention needs the person's
// access hash, known from any earlier result or update.
func (cl *Cloud) entitiesToTG(in []Entity) []tg.MessageEntityClass {
	var out []tg.MessageEntityClass
	for _, e := range in {
		switch e.Kind {
		case EntityBold:
			out = append(out, &tg.MessageEntityBold{Offset: e.Offset, Length: e.Length})
		case EntityItalic:
			out = append(out, &tg.MessageEntityItalic{Offset: e.Offset, Length: e.Length})
		case EntityCode:
			out = append(out, &tg.MessageEntityCode{Offset: e.Offset, Length: e.Length})
		case EntityPre:
			out = append(out, &tg.MessageEntityPre{Offset: e.Offset, Length: e.Length})
		case EntityStrike:
			out = append(out, &tg.MessageEntityStrike{Offset: e.Offset, Length: e.Length})
		case EntityUnderline:
			out = append(out, &tg.MessageEntityUnderline{Offset: e.Offset, Length: e.Length})
		case EntityLink:
			out = append(out, &tg.MessageEntityTextURL{Offset: e.Offset, Length: e.Length, URL: e.URL})
		case EntityURL:
			out = append(out, &tg.MessageEntityURL{Offset: e.Offset, Length: e.Length})
		case EntityMention:
			if p, ok := cl.UserPeer(e.UserID); ok {
				out = append(out, &tg.InputMessageEntityMentionName{Offset: e.Offset, Length: e.Length,
					UserID: &tg.InputUser{UserID: p.ID, AccessHash: p.AccessHash}})
			}
		}
	}
	return out
}

func (cl *Cloud) textAndEntities(text string, opts SendOptions) (string, []tg.MessageEntityClass) {
	entities := opts.Entities
	if entities == nil {
		text, entities = ParseMarkup(text)
	}
	return text, cl.entitiesToTG(entities)
}

func randomID() int64 {
	var b [8]byte
	rand.Read(b[:]) // crypto/rand never returns an error: it crashes the program instead
	return int64(binary.LittleEndian.Uint64(b[:]))
}

// noWebpage says whether to ask Telegram for no link preview: always,
// unless previews are enabled and the message does not opt out.
func (cl *Cloud) noWebpage(opts SendOptions) bool {
	return !cl.previews.Load() || opts.NoLinkPreview
}

// SetLinkPreviews allows or forbids link previews in the cloud chats from
// the next message on (CloudOptions.LinkPreviews).
func (cl *Cloud) SetLinkPreviews(on bool) { cl.previews.Store(on) }

// SendText sends a text message to a cloud chat.
func (cl *Cloud) SendText(ctx context.Context, peer Peer, text string, opts SendOptions) (Message, error) {
	in, err := inputPeer(peer)
	if err != nil {
		return Message{}, err
	}
	plain, entities := cl.textAndEntities(text, opts)
	req := &tg.MessagesSendMessageRequest{Peer: in, Message: plain, RandomID: randomID(), NoWebpage: cl.noWebpage(opts), Silent: opts.Silent}
	if len(entities) > 0 {
		req.SetEntities(entities)
	}
	if opts.ReplyTo != 0 {
		req.SetReplyTo(&tg.InputReplyToMessage{ReplyToMsgID: opts.ReplyTo})
	}
	res, err := cl.api().MessagesSendMessage(ctx, req)
	if err != nil {
		return Message{}, fmt.Errorf("mtproto: send to %s: %w", peer, Classify(err))
	}
	if short, ok := res.(*tg.UpdateShortSentMessage); ok {
		m := Message{ID: short.ID, Peer: peer, From: cl.selfID(), Out: true, Date: unixTime(short.Date), Text: plain,
			ReplyTo: opts.ReplyTo, Entities: entitiesFromTG(entities)}
		if ents, ok := short.GetEntities(); ok {
			m.Entities = entitiesFromTG(ents)
		}
		return m, nil
	}
	msgs := cl.messagesOfUpdates(res)
	if len(msgs) == 0 {
		return Message{}, &Error{Kind: KindServer, Reason: "no sent message in the answer"}
	}
	return msgs[0], nil
}

// messagesOfUpdates picks the new or edited messages out of an RPC result.
func (cl *Cloud) messagesOfUpdates(u tg.UpdatesClass) []Message {
	var ups []tg.UpdateClass
	switch u := u.(type) {
	case *tg.Updates:
		cl.learn(u.Users, u.Chats)
		ups = u.Updates
	case *tg.UpdatesCombined:
		cl.learn(u.Users, u.Chats)
		ups = u.Updates
	case *tg.UpdateShort:
		ups = []tg.UpdateClass{u.Update}
	}
	var out []Message
	for _, up := range ups {
		var mc tg.MessageClass
		switch up := up.(type) {
		case *tg.UpdateNewMessage:
			mc = up.Message
		case *tg.UpdateNewChannelMessage:
			mc = up.Message
		case *tg.UpdateEditMessage:
			mc = up.Message
		case *tg.UpdateEditChannelMessage:
			mc = up.Message
		default:
			continue
		}
		if m, ok := cl.message(mc); ok {
			out = append(out, m)
		}
	}
	return out
}

// Edit replaces the text of one's own message; every member sees the edit.
func (cl *Cloud) Edit(ctx context.Context, peer Peer, id int, text string, opts SendOptions) (Message, error) {
	in, err := inputPeer(peer)
	if err != nil {
		return Message{}, err
	}
	plain, entities := cl.textAndEntities(text, opts)
	req := &tg.MessagesEditMessageRequest{Peer: in, ID: id, NoWebpage: cl.noWebpage(opts)}
	req.SetMessage(plain)
	req.SetEntities(entities)
	res, err := cl.api().MessagesEditMessage(ctx, req)
	if err != nil {
		return Message{}, fmt.Errorf("mtproto: edit in %s: %w", peer, Classify(err))
	}
	msgs := cl.messagesOfUpdates(res)
	if len(msgs) == 0 {
		return Message{}, &Error{Kind: KindServer, Reason: "no edited message in the answer"}
	}
	return msgs[0], nil
}

// Delete deletes messages. forEveryone removes them for every member
// where Telegram allows it (private chats; one's own messages in groups);
// otherwise only from this account. In channels and supergroups deletion
// is always for everyone and needs authorship or admin rights.
func (cl *Cloud) Delete(ctx context.Context, peer Peer, ids []int, forEveryone bool) error {
	if peer.IsChannel() {
		if !forEveryone {
			return &Error{Kind: KindDeleteForEveryone}
		}
		ch, err := inputChannel(peer)
		if err != nil {
			return err
		}
		if _, err := cl.api().ChannelsDeleteMessages(ctx, &tg.ChannelsDeleteMessagesRequest{Channel: ch, ID: ids}); err != nil {
			return fmt.Errorf("mtproto: delete in %s: %w", peer, Classify(err))
		}
		return nil
	}
	if _, err := inputPeer(peer); err != nil {
		return err
	}
	if _, err := cl.api().MessagesDeleteMessages(ctx, &tg.MessagesDeleteMessagesRequest{Revoke: forEveryone, ID: ids}); err != nil {
		return fmt.Errorf("mtproto: delete in %s: %w", peer, Classify(err))
	}
	return nil
}

// Forward copies messages from one chat to another. hideSender drops the
// "forwarded from" header, so the copy looks like the user's own message.
func (cl *Cloud) Forward(ctx context.Context, from Peer, ids []int, to Peer, hideSender bool) ([]Message, error) {
	src, err := inputPeer(from)
	if err != nil {
		return nil, err
	}
	dst, err := inputPeer(to)
	if err != nil {
		return nil, err
	}
	rnd := make([]int64, len(ids))
	for i := range rnd {
		rnd[i] = randomID()
	}
	res, err := cl.api().MessagesForwardMessages(ctx, &tg.MessagesForwardMessagesRequest{FromPeer: src, ID: ids, RandomID: rnd,
		ToPeer: dst, DropAuthor: hideSender})
	if err != nil {
		return nil, fmt.Errorf("mtproto: forward to %s: %w", to, Classify(err))
	}
	return cl.messagesOfUpdates(res), nil
}

// MaxMessageLength is the most characters a text message may hold; longer ones Telegram refuses
// (MESSAGE_TOO_LONG), and secret chats keep to the same limit.
const MaxMessageLength = 4096

// MessageLength counts text as the limit does: Unicode characters, without surrounding space.
func MessageLength(text string) int { return utf8.RuneCountInString(strings.TrimSpace(text)) }
