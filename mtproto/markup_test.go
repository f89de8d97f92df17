package mtproto

import (
	"slices"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
)

func TestParseMarkup(t *testing.T) {
	for _, c := range []struct {
		in   string
		text string
		want []Entity
	}{
		{"plain", "plain", nil},
		{"**bold** and _it_", "bold and it", []Entity{{Kind: EntityBold, Offset: 0, Length: 4}, {Kind: EntityItalic, Offset: 9, Length: 2}}},
		{"run `go test`", "run go test", []Entity{{Kind: EntityCode, Offset: 4, Length: 7}}},
		{"~~gone~~", "gone", []Entity{{Kind: EntityStrike, Offset: 0, Length: 4}}},
		{"[site](https://example.org/a?b=c)", "site", []Entity{{Kind: EntityLink, Offset: 0, Length: 4, URL: "https://example.org/a?b=c"}}},
		{"hi [Ann](tg://user?id=42)", "hi Ann", []Entity{{Kind: EntityMention, Offset: 3, Length: 3, UserID: 42}}},
		// Offsets count UTF-16 units: the emoji is two.
		{"😀 **x**", "😀 x", []Entity{{Kind: EntityBold, Offset: 3, Length: 1}}},
		// Unclosed or empty markers stay literal.
		{"2 ** 3", "2 ** 3", nil},
		{"snake_case_name", "snake_case_name", nil},
		{"(_note_)", "(note)", []Entity{{Kind: EntityItalic, Offset: 1, Length: 4}}},
		{"****", "****", nil},
		{"[x](javascript:alert(1))", "[x](javascript:alert(1))", nil},
		{"[x](tg://user?id=-1)", "[x](tg://user?id=-1)", nil},
		{"_a\nb_", "_a\nb_", nil},
	} {
		text, got := ParseMarkup(c.in)
		if text != c.text || !slices.Equal(got, c.want) {
			t.Errorf("ParseMarkup(%q) = %q %+v, want %q %+v", c.in, text, got, c.text, c.want)
		}
	}
}

func checkEntities(t *testing.T, text string, es []Entity) {
	units := len(utf16.Encode([]rune(text)))
	for _, e := range es {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > units {
			t.Fatalf("entity %+v outside %q (%d units)", e, text, units)
		}
	}
}

func FuzzParseMarkup(f *testing.F) {
	for _, s := range []string{"**a** _b_ `c` ~~d~~", "[x](https://e.org)", "[y](tg://user?id=5)", "😀**😀**", "*", "[](", "_\n_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		text, es := ParseMarkup(s)
		checkEntities(t, text, es)
	})
}

// FuzzCloudMessage feeds arbitrary server bytes, decoded as a message or
// an update, through the conversions the UI relies on: they must never
// panic.
func FuzzCloudMessage(f *testing.F) {
	seed := func(e bin.Encoder) {
		var b bin.Buffer
		if err := e.Encode(&b); err == nil {
			f.Add(b.Copy())
		}
	}
	msg := &tg.Message{ID: 7, PeerID: &tg.PeerChannel{ChannelID: 3}, Message: "hi", Date: 1}
	msg.SetFromID(&tg.PeerUser{UserID: 9})
	msg.SetEntities([]tg.MessageEntityClass{&tg.MessageEntityBold{Offset: 0, Length: 2}, &tg.MessageEntityMentionName{UserID: 9, Length: 1}})
	msg.SetReplyTo(&tg.MessageReplyHeader{ReplyToMsgID: 3})
	fwd := tg.MessageFwdHeader{Date: 1}
	fwd.SetFromID(&tg.PeerChannel{ChannelID: 4})
	fwd.SetChannelPost(2)
	msg.SetFwdFrom(fwd)
	msg.SetMedia(&tg.MessageMediaDocument{Document: &tg.Document{ID: 1, AccessHash: 2, FileReference: []byte{1}, MimeType: "a/b", Size: 10,
		Attributes: []tg.DocumentAttributeClass{&tg.DocumentAttributeFilename{FileName: "f"}}}})
	seed(msg)
	seed(&tg.MessageService{ID: 1, PeerID: &tg.PeerChat{ChatID: 1}, Action: &tg.MessageActionChatAddUser{Users: []int64{1, 2}}})
	seed(&tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 1}, Media: &tg.MessageMediaPhoto{Photo: &tg.Photo{ID: 1,
		Sizes: []tg.PhotoSizeClass{&tg.PhotoSize{Type: "y", W: 1, H: 1, Size: 5}, &tg.PhotoSizeEmpty{}}}}})
	seed(&tg.MessageEmpty{ID: 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		cl := NewCloud(&Client{dispatcher: tg.NewUpdateDispatcher()}, CloudOptions{})
		b := &bin.Buffer{Buf: data}
		m, err := tg.DecodeMessage(b)
		if err != nil {
			return
		}
		if out, ok := cl.message(m); ok {
			checkEntitiesLoose(out.Entities)
			_ = out.Peer.Cloud()
		}
		cl.messagesOfUpdates(&tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: m}, &tg.UpdateEditChannelMessage{Message: m}}})
		cl.emitMessage(EventNew, m)
	})
}

// checkEntitiesLoose only touches the entities: server offsets are not
// trusted to fit the text, and nothing may assume they do.
func checkEntitiesLoose(es []Entity) {
	for _, e := range es {
		_ = e.Kind
	}
}
