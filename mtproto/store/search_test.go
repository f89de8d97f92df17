package store

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tacit/mtproto/secret"
)

// searchFixture stores a few cloud and secret messages for search tests.
func searchFixture(t testing.TB) *Store {
	t.Helper()
	ctx := testContext(t)
	s, _, _ := openTest(t)
	err := s.PutMessages(ctx,
		Message{Peer: UserPeer(1), ID: 1, Date: time.Unix(100, 0), Text: "The zebra crossed the road"},
		Message{Peer: UserPeer(1), ID: 2, Date: time.Unix(200, 0), Text: `she said "NEAR" (twice) AND left*`},
		Message{Peer: ChannelPeer(2), ID: 1, Date: time.Unix(300, 0), Text: "Café au lait, zebras everywhere"},
	)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Secret().Update(ctx, func(tx secret.Tx) error {
		return tx.PutMessage(secret.Message{ChatID: 9, RandomID: -5, Kind: secret.KindText, Date: time.Unix(400, 0), Text: "secret zebra meeting"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSearchFindsBothKinds(t *testing.T) {
	ctx := testContext(t)
	s := searchFixture(t)
	hits, err := s.Search(ctx, "zebra", 10)
	if err != nil {
		t.Fatal(err)
	}
	// Prefix on the last word: "zebra" also finds "zebras"; newest first.
	if len(hits) != 3 || hits[0].Ref != (MessageRef{SecretPeer(9), -5}) ||
		hits[1].Ref != (MessageRef{ChannelPeer(2), 1}) || hits[2].Ref != (MessageRef{UserPeer(1), 1}) {
		t.Fatalf("hits = %+v", hits)
	}
	if hits[0].Text != "secret zebra meeting" || !hits[0].Date.Equal(time.Unix(400, 0)) {
		t.Fatalf("hit details: %+v", hits[0])
	}
	if hits, _ := s.Search(ctx, "zebra", 1); len(hits) != 1 || hits[0].Ref.Peer != SecretPeer(9) {
		t.Fatalf("limit 1: %+v", hits)
	}
	// All words must match; diacritics are folded.
	if hits, _ := s.Search(ctx, "cafe zebras", 10); len(hits) != 1 || hits[0].Ref.Peer != ChannelPeer(2) {
		t.Fatalf("cafe zebras: %+v", hits)
	}
	// Operators are text: NEAR and AND are words of message 2.
	if hits, _ := s.Search(ctx, `"NEAR" AND (twice)`, 10); len(hits) != 1 || hits[0].Ref != (MessageRef{UserPeer(1), 2}) {
		t.Fatalf("operator words: %+v", hits)
	}
	if hits, _ := s.Search(ctx, "zebra NOT", 10); len(hits) != 0 {
		t.Fatalf("NOT treated as an operator: %+v", hits)
	}
}

// hostileQueries are inputs that are FTS5 syntax errors if passed through.
var hostileQueries = []string{
	``, ` `, `"`, `""`, `"""`, `'`, `*`, `**`, `zebra*`, `*zebra`, `^`, `^zebra`, `(`, `)`, `()`, `(zebra`,
	`zebra)`, `NEAR`, `NEAR(`, `NEAR(zebra road)`, `NEAR(zebra road, 2)`, `AND`, `OR`, `NOT`, `zebra AND`,
	`OR zebra`, `NOT NOT`, `a OR OR b`, `text:zebra`, `{text}:zebra`, `-zebra`, `+zebra`, `zebra:`, `:`,
	`col : x`, `"unterminated`, `a"b"c`, `\"`, `\`, `%`, `_`, `;DROP TABLE messages;--`, "\x00", "zeb\x00ra",
	"\xff\xfe", "\u200b", "🦓", "🦓 zebra", "日本語", "ﾃｽﾄ", strings.Repeat("zebra ", 500), strings.Repeat("(", 1000),
	"a\tb\nc\rd", "x" + strings.Repeat("\u0301", 50), "\u0301", "＂zebra＂",
}

func TestSearchHostileQueriesNeverError(t *testing.T) {
	ctx := testContext(t)
	s := searchFixture(t)
	for _, q := range hostileQueries {
		if _, err := s.Search(ctx, q, 10); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
}

func TestFTSQueryShape(t *testing.T) {
	cases := map[string]string{
		`zebra`:                  `"zebra"*`,
		`zebra road`:             `"zebra" "road"*`,
		`say "hi"`:               `"say" """hi"""*`,
		`NEAR(a b)`:              `"NEAR(a" "b)"*`,
		`*** ( )`:                ``,
		"tab\tsep":               `"tab" "sep"*`,
		"ctl\x00inside":          `"ctl" "inside"*`,
		strings.Repeat("w ", 40): strings.TrimSuffix(strings.Repeat(`"w" `, maxQueryTerms), " ") + "*",
	}
	for in, want := range cases {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSearchQuery(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	s := searchFixture(f)
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := s.Search(t.Context(), q, 5); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if m := ftsQuery(q); m != "" && !utf8.ValidString(m) {
			t.Fatalf("ftsQuery(%q) produced invalid UTF-8 %q", q, m)
		}
	})
}

func ExampleStore_Search() {
	// Search(ctx, `he said "NEAR" (x)`, 20) looks for messages containing all
	// of the words he, said, NEAR and x (the last also as a prefix); FTS5
	// operators in user input are plain words.
	fmt.Println(ftsQuery(`he said "NEAR" (x)`))
	// Output: "he" "said" """NEAR""" "(x)"*
}
