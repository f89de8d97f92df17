package store

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/telegram/updates"

	"tacit/mtproto/secret"
)

const (
	benchMessages       = 100_000
	benchSecretMessages = 10_000
)

var benchChat = ChannelPeer(777)

// benchFixture is a database with benchMessages cloud messages in one chat
// (about 1 % contain "zebra") and benchSecretMessages secret messages, built
// once per test binary in a single transaction.
var benchFixture = sync.OnceValues(func() (*Store, error) {
	dir, err := os.MkdirTemp("", "tacit-store-bench-")
	if err != nil {
		return nil, err
	}
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, key)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	msgs := make([]Message, benchMessages)
	for i := range msgs {
		msgs[i] = Message{Peer: benchChat, ID: i + 1, From: UserPeer(int64(rng.IntN(50))),
			Date: time.Unix(1_600_000_000+int64(i)*60, 0), Text: benchText(rng)}
	}
	if err := s.PutMessages(ctx, msgs...); err != nil {
		return nil, err
	}
	err = s.Secret().Update(ctx, func(tx secret.Tx) error {
		for i := range benchSecretMessages {
			if err := tx.PutMessage(secret.Message{ChatID: 5, RandomID: rng.Int64(), Kind: secret.KindText,
				Date: time.Unix(1_600_000_000+int64(i)*600, 0), Text: benchText(rng)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	benchFixtureDir = dir
	return s, nil
})

// benchFixtureDir is removed by TestMain.
var benchFixtureDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchFixtureDir != "" {
		if s, err := benchFixture(); err == nil {
			s.Close()
		}
		os.RemoveAll(benchFixtureDir)
	}
	os.Exit(code)
}

var benchWords = strings.Fields(`the a to and of in is it you that he was for on are with as I his they be at one
have this from or had by hot word but what some we can out other were all there when up use your how said an each
she which do their time if will way about many then them write would like so these her long make thing see him two
has look more day could go come did number sound no most people my over know water than call first who may down side
been now find any new work part take get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say help low line differ turn cause much mean
before move right boy old too same tell does set three want air well also play small end put home read hand port large
spell add even land here must big high such follow act why ask men change went light kind off need house picture try
us again animal point mother world near build self earth father head stand own page should country found answer school
grow study still learn plant cover food sun four between state keep eye never last let thought city tree cross farm
hard start might story saw far sea draw left late run don't while press close night real life few north open seem
together next white children begin got walk example ease paper group always music those both mark often letter until
mile river car feet care second book carry took science eat room friend began idea fish mountain stop once base hear
horse cut sure watch color face wood main enough plain girl usual young ready above ever red list though feel talk
bird soon body dog family direct pose leave song measure door product black short numeral class wind question happen
complete ship area half rock order fire south problem piece told knew pass since top whole king space heard best hour
better true during hundred five remember step early hold west ground interest reach fast verb sing listen six table
travel less morning ten simple several vowel toward war lay against pattern slow center love person money serve appear
road map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine note wait
plan figure star box noun field rest correct able pound done beauty drive stood contain front teach week final gave
green oh quick develop ocean warm free minute strong special mind behind clear tail produce fact street inch multiply
nothing course stay wheel full force blue object decide surface deep moon island foot system busy test record boat
common gold possible plane stead dry wonder laugh thousand ago ran check game shape equate miss brought heat snow tire
bring yes distant fill east paint language among grand ball yet wave drop heart am present heavy dance engine position
arm wide sail material size vary settle speak weight general ice matter circle pair include divide syllable felt
perhaps pick sudden count square reason length represent art subject region energy hunt probable bed brother egg ride
cell believe fraction forest sit race window store summer train sleep prove lone leg exercise wall catch mount wish sky
board joy winter sat written wild instrument kept glass grass cow job edge sign visit past soft fun bright gas weather`)

// benchText returns 5 to 34 words; about 1 % of texts contain "zebra".
func benchText(rng *rand.Rand) string {
	n := 5 + rng.IntN(30)
	words := make([]string, n)
	for i := range words {
		words[i] = benchWords[rng.IntN(len(benchWords))]
	}
	if rng.IntN(100) == 0 {
		words[rng.IntN(n)] = "zebra"
	}
	return strings.Join(words, " ")
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := benchFixture()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAppendMessage stores one cloud message per transaction (durable commit).
func BenchmarkAppendMessage(b *testing.B) {
	s, _, _ := openTest(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.PutMessages(ctx, Message{Peer: benchChat, ID: i + 1, Date: time.Unix(int64(i), 0), Text: benchText(rng)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendSecretMessage stores what receiving one secret message costs:
// the chat state, the decrypted message and the inbox delete, in one transaction.
func BenchmarkAppendSecretMessage(b *testing.B) {
	s, _, _ := openTest(b)
	ctx := context.Background()
	chat := secret.Chat{ID: 1, State: secret.StateReady, Key: make([]byte, 256), ResendUpTo: -1}
	rng := rand.New(rand.NewPCG(5, 6))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		err := s.Secret().Update(ctx, func(tx secret.Tx) error {
			seq, err := tx.PutInbox(secret.InboxMessage{ChatID: 1, RandomID: int64(i), Bytes: make([]byte, 200)})
			if err != nil {
				return err
			}
			chat.InSeq++
			if err := tx.PutChat(chat); err != nil {
				return err
			}
			if err := tx.PutMessage(secret.Message{ChatID: 1, RandomID: int64(i), Kind: secret.KindText, Text: benchText(rng)}); err != nil {
				return err
			}
			return tx.DeleteInbox(seq)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeleteAndCheckpoint is what deleting one secret message costs until it is gone
// from the files: the deleting transaction and the checkpoint that truncates the WAL (the
// store runs one per burst of deletions).
func BenchmarkDeleteAndCheckpoint(b *testing.B) {
	s, _, _ := openTest(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	put := func(id int64) {
		err := s.Secret().Update(ctx, func(tx secret.Tx) error {
			return tx.PutMessage(secret.Message{ChatID: 1, RandomID: id, Kind: secret.KindText, Text: benchText(rng)})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for id := range int64(1000) {
		put(id)
	}
	b.ResetTimer()
	for i := int64(0); b.Loop(); i++ {
		b.StopTimer()
		put(1000 + i)
		b.StartTimer()
		if err := s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.DeleteMessage(1, 1000+i) }); err != nil {
			b.Fatal(err)
		}
		if err := s.Checkpoint(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetPts is one durable update-state write.
func BenchmarkSetPts(b *testing.B) {
	s, _, _ := openTest(b)
	ctx := context.Background()
	u := s.UpdateState()
	if err := u.SetState(ctx, 1, updates.State{}); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if err := u.SetPts(ctx, 1, i); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLatest50 loads the newest 50 messages of a 100,000-message chat.
func BenchmarkLatest50(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		msgs, err := s.Latest(ctx, benchChat, 50)
		if err != nil || len(msgs) != 50 {
			b.Fatalf("%d messages, %v", len(msgs), err)
		}
	}
}

// BenchmarkBefore50 loads 50 messages from the middle of the chat (scrolling back).
func BenchmarkBefore50(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		msgs, err := s.Before(ctx, benchChat, benchMessages/2, 50)
		if err != nil || len(msgs) != 50 {
			b.Fatalf("%d messages, %v", len(msgs), err)
		}
	}
}

// chatPage is the page the window asks for as a chat opens and as it scrolls up.
const chatPage = 50

// BenchmarkOpen100kChat is what opening a 100,000-message chat asks of the store: its newest page of 50.
// The database is seeded once per test binary (benchFixture), so -count runs reuse it.
func BenchmarkOpen100kChat(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		msgs, err := s.Latest(ctx, benchChat, chatPage)
		if err != nil || len(msgs) != chatPage || msgs[chatPage-1].ID != benchMessages {
			b.Fatalf("%d messages, %v", len(msgs), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/page")
}

// BenchmarkScroll100kChat pages backwards from the newest message of a 100,000-message chat through 1,000
// messages, 50 at a time, as the window asks while the user scrolls up; ns/page is the time of one page.
func BenchmarkScroll100kChat(b *testing.B) {
	const scrolled = 1000
	s := benchStore(b)
	ctx := context.Background()
	first, err := s.Latest(ctx, benchChat, chatPage)
	if err != nil || len(first) != chatPage {
		b.Fatalf("%d messages, %v", len(first), err)
	}
	pages := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for oldest := first[0].ID; oldest > first[0].ID-scrolled; {
			msgs, err := s.Before(ctx, benchChat, oldest, chatPage)
			if err != nil || len(msgs) != chatPage || msgs[chatPage-1].ID != oldest-1 {
				b.Fatalf("page before %d: %d messages, %v", oldest, len(msgs), err)
			}
			oldest = msgs[0].ID
			pages++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pages), "ns/page")
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
}

// BenchmarkDialogs loads the chat list (one dialog with a 100,000-message history
// plus 200 small ones).
func BenchmarkDialogs(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var ds []Dialog
	for i := range 200 {
		ds = append(ds, Dialog{Peer: UserPeer(int64(i + 1)), Kind: DialogUser, Title: fmt.Sprint("user ", i), TopDate: time.Unix(int64(i), 0)})
	}
	ds = append(ds, Dialog{Peer: benchChat, Kind: DialogChannel, Title: "big", TopMessage: benchMessages})
	if err := s.PutDialogs(ctx, ds...); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Dialogs(ctx, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch runs full-text queries over 100,000 cloud and 10,000 secret messages.
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, q := range []struct{ name, query string }{
		{"rare", "zebra"},           // ~1 % of messages
		{"common", "water"},         // a frequent word
		{"two-words", "water mou"},  // AND plus prefix
		{"no-hit", "qwertyuiopasd"}, // nothing
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q.query, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMediaWrite and BenchmarkMediaRead measure the sealed media stream.
func BenchmarkMediaWrite(b *testing.B) {
	s, _, _ := openTest(b)
	ctx := context.Background()
	data := make([]byte, 4<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		w, err := s.CreateMedia(ctx, MediaInfo{})
		if err != nil {
			b.Fatal(err)
		}
		w.Write(data)
		id, err := w.Commit(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.DeleteMedia(ctx, id)
		b.StartTimer()
	}
}

func BenchmarkMediaRead(b *testing.B) {
	s, _, _ := openTest(b)
	ctx := context.Background()
	data := make([]byte, 4<<20)
	id := putMedia(b, s, MediaInfo{}, data)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		r, err := s.OpenMedia(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkOpen opens an existing database (key check, migrations check, media sweep).
func BenchmarkOpen(b *testing.B) {
	s, dir, key := openTest(b)
	s.Close()
	ctx := context.Background()
	for b.Loop() {
		s, err := Open(ctx, dir, key)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Dialogs(ctx, 0); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
