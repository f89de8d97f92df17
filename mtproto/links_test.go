package mtproto

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeUsername(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    string
		problem UsernameProblem
	}{
		{"alice_demo", "alice_demo", 0},
		{"  @Alice_Demo ", "Alice_Demo", 0},
		{"abcde", "abcde", 0},
		{strings.Repeat("a", 32), strings.Repeat("a", 32), 0},
		{"a1_2b", "a1_2b", 0},
		{"", "", UsernameEmpty},
		{" @ ", "", UsernameEmpty},
		{"abcd", "", UsernameShort},
		{strings.Repeat("a", 33), "", UsernameLong},
		{"1alice", "", UsernameStart},
		{"_alice", "", UsernameStart},
		{"alice_", "", UsernameEnd},
		{"ali ce", "", UsernameCharacters},
		{"alïce", "", UsernameCharacters},
		{"alice-demo", "", UsernameCharacters},
		{"@@alice", "", UsernameCharacters},
	} {
		got, err := NormalizeUsername(c.in)
		var ue *UsernameError
		switch {
		case c.problem == 0 && (err != nil || got != c.want):
			t.Errorf("NormalizeUsername(%q) = %q, %v; want %q", c.in, got, err, c.want)
		case c.problem != 0 && (!errors.As(err, &ue) || ue.Problem != c.problem || !errors.Is(err, ErrUsernameInvalid)):
			t.Errorf("NormalizeUsername(%q) error %v; want problem %d", c.in, err, c.problem)
		}
	}
}

func TestParseLink(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" = not a person's link
	}{
		{"@alice_demo", "alice_demo"},
		{"t.me/alice_demo", "alice_demo"},
		{"https://t.me/alice_demo", "alice_demo"},
		{"http://t.me/alice_demo/", "alice_demo"},
		{"  https://www.t.me/Alice_Demo?start=hello  ", "Alice_Demo"},
		{"https://telegram.me/alice_demo", "alice_demo"},
		{"telegram.dog/alice_demo", "alice_demo"},
		{"HTTPS://T.ME/alice_demo", "alice_demo"},
		{"tg://resolve?domain=alice_demo", "alice_demo"},
		{"tg://resolve?domain=alice_demo&start=x", "alice_demo"},
		{"TG://RESOLVE?domain=alice_demo", "alice_demo"},
		{"tg:resolve?domain=alice_demo", "alice_demo"},

		{"alice_demo", ""},          // a plain word is a search, not a link
		{"@al", ""},                 // too short
		{"t.me/joinchat/AAAA", ""},  // invite
		{"t.me/+AbCdEf", ""},        // invite
		{"t.me/+15550000001", ""},   // phone link
		{"t.me/alice_demo/12", ""},  // message link
		{"t.me/proxy?server=x", ""}, // proxy
		{"t.me/socks?server=x", ""}, // proxy
		{"https://example.org/alice_demo", ""},
		{"https://t.me.evil.org/alice_demo", ""},
		{"https://user@t.me/alice_demo", ""},
		{"https://t.me:8443/alice_demo", ""},
		{"ftp://t.me/alice_demo", ""},
		{"tg://resolve?phone=15550000001", ""},
		{"tg://resolve?domain=@alice_demo", ""},
		{"tg://join?invite=abc", ""},
		{"tg://resolve", ""},
		{"see t.me/alice_demo", ""},
		{"t.me/alice%5Fdemo", ""},
		{"t.me/", ""},
		{"", ""},
		{"https://t.me/" + strings.Repeat("a", 3000), ""},
	} {
		got, ok := ParseLink(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("ParseLink(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
