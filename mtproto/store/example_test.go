package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gotd/td/telegram/updates"

	"tacit/mtproto/store"
)

// Example shows how the app layer wires the Store into gotd and reads the
// cache for the UI before any network call.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tacit-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	key := make([]byte, store.KeySize) // in Tacit: from the keyring or the passphrase
	rand.Read(key)
	s, err := store.Open(ctx, dir, key)
	if err != nil {
		log.Fatal(err) // errors.Is(err, store.ErrWrongKey): ask for the passphrase again
	}
	defer s.Close()

	// gotd: telegram.Options{SessionStorage: s.Session()} and the updates manager.
	st := s.UpdateState()
	_ = updates.Config{Storage: st, AccessHasher: st, UserAccessHasher: st}

	// What the protocol side stores as dialogs and messages arrive.
	chat := store.UserPeer(42)
	_ = s.PutDialogs(ctx, store.Dialog{Peer: chat, Kind: store.DialogUser, Title: "Ada", UnreadCount: 1})
	_ = s.PutMessages(ctx, store.Message{Peer: chat, ID: 7, Date: time.Unix(1_700_000_000, 0), Text: "hello from the cache"})

	// What the UI reads at start-up.
	dialogs, _ := s.Dialogs(ctx, 0)
	for _, d := range dialogs {
		latest, _ := s.Latest(ctx, d.Peer, 50)
		fmt.Printf("%s (%s, %d unread): %d cached, last %q\n", d.Title, d.Kind, d.UnreadCount, len(latest), d.Preview)
	}
	hits, _ := s.Search(ctx, `hello "from`, 20)
	fmt.Println(len(hits), "search hit")
	// Output:
	// Ada (user, 1 unread): 1 cached, last "hello from the cache"
	// 1 search hit
}
