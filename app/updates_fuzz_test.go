package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/ui"
)

// FuzzServerUpdates decodes arbitrary bytes as the updates a server pushes
// and hands them to the dispatcher of a Backend as the app wires it: the
// cloud chat conversions (messages, edits, deletions, read marks, channels,
// the entities they carry) and the secret chat updates (requests, encrypted
// messages, read receipts, typing) through to the events the window
// receives. Nothing the server sends may panic the app, and every event the
// window gets names a dialog.
func FuzzServerUpdates(f *testing.F) {
	seed := func(u tg.UpdatesClass) {
		var b bin.Buffer
		if err := u.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Copy())
	}
	user := &tg.User{ID: 9, AccessHash: 1, FirstName: "Ann"}
	user.SetFirstName("Ann")
	msg := &tg.Message{ID: 7, PeerID: &tg.PeerUser{UserID: 9}, Message: "hi", Date: 1}
	msg.SetFromID(&tg.PeerUser{UserID: 9})
	chanMsg := &tg.Message{ID: 8, PeerID: &tg.PeerChannel{ChannelID: 3}, Message: "post", Date: 2}
	seed(&tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: msg, Pts: 1, PtsCount: 1}}, Users: []tg.UserClass{user}})
	seed(&tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewChannelMessage{Message: chanMsg, Pts: 1, PtsCount: 1}},
		Chats: []tg.ChatClass{&tg.Channel{ID: 3, AccessHash: 4, Title: "news", Photo: &tg.ChatPhotoEmpty{}}}})
	seed(&tg.UpdatesCombined{Updates: []tg.UpdateClass{
		&tg.UpdateEditMessage{Message: msg},
		&tg.UpdateDeleteMessages{Messages: []int{7}},
		&tg.UpdateReadHistoryInbox{Peer: &tg.PeerUser{UserID: 9}, MaxID: 7},
		&tg.UpdateReadHistoryOutbox{Peer: &tg.PeerChat{ChatID: 5}, MaxID: 7},
		&tg.UpdateReadChannelInbox{ChannelID: 3, MaxID: 8},
		&tg.UpdateChannel{ChannelID: 3},
		&tg.UpdateDeleteChannelMessages{ChannelID: 3, Messages: []int{8}},
	}, Users: []tg.UserClass{user}})
	seed(&tg.UpdateShort{Update: &tg.UpdateEncryption{Chat: &tg.EncryptedChatRequested{ID: 11, AccessHash: 2, AdminID: 9, ParticipantID: 1, GA: []byte{1, 2}}}})
	seed(&tg.Updates{Updates: []tg.UpdateClass{
		&tg.UpdateNewEncryptedMessage{Message: &tg.EncryptedMessage{RandomID: 1, ChatID: 11, Date: 1, Bytes: make([]byte, 40), File: &tg.EncryptedFile{ID: 1, Size: 32}}, Qts: 1},
		&tg.UpdateEncryptedMessagesRead{ChatID: 11, MaxDate: 5},
		&tg.UpdateEncryptedChatTyping{ChatID: 11},
		&tg.UpdateEncryption{Chat: &tg.EncryptedChatDiscarded{ID: 11}},
	}})
	seed(&tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.MessageService{ID: 1, PeerID: &tg.PeerChat{ChatID: 5},
		Action: &tg.MessageActionChatAddUser{Users: []int64{1, 2}}}}}})
	seed(&tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.MessageEmpty{ID: 3}}}})

	endpoint := fuzzEndpoint(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := tg.DecodeUpdates(&bin.Buffer{Buf: data})
		if err != nil {
			return
		}
		client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "fuzz", Endpoint: endpoint})
		if err != nil {
			t.Fatal(err)
		}
		b := NewBackend(client, loginOptions(nil), nil, nil)
		defer b.secret.Close()
		b.Services().Events.Subscribe(func(e ui.Event) {
			switch e := e.(type) {
			case ui.MessageEvent:
				if e.Message.Dialog == "" {
					t.Errorf("a message event without a dialog: %+v", e)
				}
			case ui.DialogEvent:
				if e.Dialog.ID == "" {
					t.Errorf("a dialog event without a dialog: %+v", e)
				}
			}
		})
		// A handler may refuse an update (the secret chat manager reports
		// what it could not store); it must not panic.
		if err := client.Dispatcher().Handle(context.Background(), u); err != nil {
			t.Logf("handle: %v", err)
		}
	})
}

// fuzzEndpoint is an endpoint nobody listens on: the fuzzed clients never run.
func fuzzEndpoint(f *testing.F) mtproto.Endpoint {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	return mtproto.Endpoint{
		DC:         2,
		DCOptions:  []tg.DCOption{{ID: 2, IPAddress: "127.0.0.1", Port: 1}},
		PublicKeys: []telegram.PublicKey{{RSA: &key.PublicKey}},
	}
}
