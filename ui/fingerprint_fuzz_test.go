package ui

import (
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCompareKey feeds pasted text to the key comparison of the key screen:
// it never panics; the key's own hex (as shown, in either case) and its own
// emoji always match; the shown hex with one digit changed never does; and a
// match on pasted hex means its digits are the key's.
func FuzzCompareKey(f *testing.F) {
	f.Add([]byte{0xab, 0xcd}, "ABCD", "😀")
	f.Add(make([]byte, 32), strings.Repeat("00", 32), "")
	f.Add(make([]byte, 36), strings.Repeat("0", 64), "🐱 🐶")
	f.Add([]byte{1}, "😀,😁", "😀😁")
	f.Fuzz(func(t *testing.T, keyHash []byte, pasted, emoji string) {
		if !utf8.ValidString(pasted) || !utf8.ValidString(emoji) {
			return
		}
		info := SecretChatInfo{Hex: hexLines(strings.ToUpper(hex.EncodeToString(keyHash)))}
		for i, e := range strings.Fields(emoji) {
			if i < len(info.Emoji) {
				info.Emoji[i] = e
			}
		}
		got := compareKey(info, pasted)
		if got == compareMatch {
			if digits, ok := hexDigits(pasted); ok {
				want, _ := hexDigits(info.Hex)
				if !strings.HasPrefix(want, digits) && !strings.HasPrefix(digits, want) {
					t.Fatalf("%q matches key %s", pasted, info.Hex)
				}
			}
		}
		if len(keyHash) == 0 {
			return
		}
		for _, shown := range []string{info.Hex, strings.ToLower(info.Hex)} {
			if r := compareKey(info, shown); r != compareMatch {
				t.Fatalf("the shown hex %q compares as %d", shown, r)
			}
		}
		changed := []byte(info.Hex)
		if changed[0] == 'A' {
			changed[0] = 'B'
		} else {
			changed[0] = 'A'
		}
		if r := compareKey(info, string(changed)); r == compareMatch {
			t.Fatalf("%q matches %q", changed, info.Hex)
		}
		if e := strings.Join(info.Emoji[:], " "); strings.TrimFunc(e, isKeySeparator) != "" {
			if _, isHex := hexDigits(e); !isHex {
				if r := compareKey(info, e); r != compareMatch {
					t.Fatalf("the shown emoji %q compare as %d", e, r)
				}
			}
		}
	})
}
