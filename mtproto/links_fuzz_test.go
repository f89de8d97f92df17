package mtproto

import (
	"testing"
)

// FuzzParseLink feeds ParseLink what a user might paste: it must never panic, and whatever it accepts must
// be a valid username.
func FuzzParseLink(f *testing.F) {
	for _, s := range []string{"@alice_demo", "t.me/alice_demo", "https://telegram.me/x_y_z1?start=1",
		"tg://resolve?domain=alice_demo", "tg:resolve?domain=a", "t.me/+123", "https://t.me/%zz", "tg://%", "http://[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, ok := ParseLink(s)
		if !ok {
			if name != "" {
				t.Fatalf("ParseLink(%q) refused but returned %q", s, name)
			}
			return
		}
		if n, err := NormalizeUsername(name); err != nil || n != name {
			t.Fatalf("ParseLink(%q) = %q, which is not a username (%v)", s, name, err)
		}
	})
}
