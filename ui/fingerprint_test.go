package ui

import (
	"encoding/hex"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tacit/mtproto/secret"
)

func TestIdenticonPaletteMatchesSecret(t *testing.T) {
	for v := range 8 {
		r, g, b := secret.IdenticonRGB(uint8(v))
		got := identiconColor(uint8(v))
		if got.R != r || got.G != g || got.B != b || got.A != 0xFF {
			t.Errorf("value %d: ui draws %v, secret says #%02X%02X%02X", v, got, r, g, b)
		}
	}
}

func TestCompareKey(t *testing.T) {
	var kh [secret.KeyHashSize]byte
	for i := range kh {
		kh[i] = byte(0xA0 + i)
	}
	info := SecretChatInfo{Hex: secret.HexFingerprint(kh), Emoji: secret.Emoji(kh)}
	full := strings.ToUpper(hex.EncodeToString(kh[:])) // all 36 bytes
	lower := strings.ToLower(info.Hex)
	differs := strings.Replace(info.Hex, "A0", "A1", 1)
	emoji := info.Emoji

	tests := []struct {
		name   string
		info   SecretChatInfo
		pasted string
		want   keyComparison
	}{
		{"empty", info, "", compareNothing},
		{"only spaces", info, " \n\t ", compareNothing},
		{"as shown", info, info.Hex, compareMatch},
		{"lower case", info, lower, compareMatch},
		{"one line, no spaces", info, strings.Join(strings.Fields(info.Hex), ""), compareMatch},
		{"windows line breaks and colons", info, strings.ReplaceAll(strings.ReplaceAll(info.Hex, "\n", "\r\n"), " ", ":"), compareMatch},
		{"leading and trailing blanks", info, "\n  " + info.Hex + "  \n", compareMatch},
		{"all 36 bytes", info, full, compareMatch},
		{"36 bytes known, 32 pasted", SecretChatInfo{Hex: full}, info.Hex, compareMatch},
		{"one digit different", info, differs, compareMismatch},
		{"one pair missing at the end", info, info.Hex[:len(info.Hex)-3], compareIncomplete},
		{"first line only", info, strings.Split(info.Hex, "\n")[0], compareIncomplete},
		{"wrong from the start", info, "FF", compareMismatch},
		{"one pair too many", info, info.Hex + " 00", compareMismatch},
		{"36 bytes, last one different", info, full[:70] + "00", compareMatch}, // the 32 shown bytes agree
		{"36 bytes known, last one different", SecretChatInfo{Hex: full}, full[:70] + "00", compareMismatch},
		{"not hex", info, "49 16 D6 BX", compareMismatch},
		{"emoji with spaces", info, strings.Join(emoji[:], " "), compareMatch},
		{"emoji run together", info, strings.Join(emoji[:], ""), compareMatch},
		{"emoji with presentation selectors and commas", info, strings.Join(emoji[:], "\uFE0F, "), compareMatch},
		{"first three emoji", info, strings.Join(emoji[:3], " "), compareIncomplete},
		{"emoji in another order", info, strings.Join([]string{emoji[1], emoji[0], emoji[2], emoji[3], emoji[4]}, " "), mismatchUnlessEqual(emoji[0], emoji[1])},
		{"other emoji", info, "🐶 🐱 🐭 🐹 🐰", compareMismatch},
		{"no key yet", SecretChatInfo{}, info.Hex, compareNothing},
		{"no key yet, emoji", SecretChatInfo{}, "🐶", compareNothing},
	}
	for _, tt := range tests {
		if got := compareKey(tt.info, tt.pasted); got != tt.want {
			t.Errorf("%s: compareKey(%q) = %d, want %d", tt.name, tt.pasted, got, tt.want)
		}
	}
}

// mismatchUnlessEqual is the result of swapping two emoji: a mismatch, unless they are the same.
func mismatchUnlessEqual(a, b string) keyComparison {
	if a == b {
		return compareMatch
	}
	return compareMismatch
}

func TestHexLines(t *testing.T) {
	var kh [secret.KeyHashSize]byte
	for i := range kh {
		kh[i] = byte(i * 7)
	}
	want := secret.HexFingerprint(kh)
	for _, in := range []string{want, strings.ToUpper(hex.EncodeToString(kh[:])), strings.ToLower(strings.Join(strings.Fields(want), ""))} {
		if got := hexLines(in); got != want {
			t.Errorf("hexLines(%q) =\n%s\nwant\n%s", in, got, want)
		}
	}
	if got := hexLines("12 34"); got != "12 34" {
		t.Errorf("short hex changed to %q", got)
	}
}

// openKeys opens the ready secret chat s1 and its key screen.
func openKeys(t *testing.T) (*harness, *fakes, *keyScreen) {
	t.Helper()
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("s1"))
	u.settle()
	c := m.conv
	if !c.keyButton.Visible() || c.keyButton.Text != "Key not compared yet — Compare keys" {
		t.Fatalf("key button (visible %v) %q", c.keyButton.Visible(), c.keyButton.Text)
	}
	u.tap(c.keyButton)
	if c.keys == nil || u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the key screen did not open")
	}
	return u, b, c.keys
}

func TestKeyScreenShowsTheKeyAndComparesPastedText(t *testing.T) {
	u, _, k := openKeys(t)
	if k.hex.Text != testKeyHex || !k.hex.TextStyle.Monospace {
		t.Fatalf("hex %q (monospace %v)", k.hex.Text, k.hex.TextStyle.Monospace)
	}
	if n := strings.Count(k.hex.Text, "\n"); n != 3 {
		t.Fatalf("hex in %d lines", n+1)
	}
	if k.emoji.Text != "😉  🐼  🍕  🚀  ⚽" {
		t.Fatalf("emoji %q", k.emoji.Text)
	}
	if k.result.Visible() {
		t.Fatal("a result before anything was pasted")
	}

	cases := []struct {
		pasted     string
		text       string
		importance widget.Importance
	}{
		{strings.ToLower(strings.ReplaceAll(testKeyHex, "\n", " ")), keyMatchText, widget.SuccessImportance},
		{"😉 🐼 🍕 🚀 ⚽", keyMatchText, widget.SuccessImportance},
		{strings.Replace(testKeyHex, "1F", "1E", 1), keyMismatchText, widget.DangerImportance},
		{"😉 🐼 🍕 🚀 🏀", keyMismatchText, widget.DangerImportance},
		{"00 01 02", keyIncompleteText, widget.LowImportance},
	}
	for _, tc := range cases {
		k.paste.SetText("")
		test.Type(k.paste, tc.pasted)
		if !k.result.Visible() || k.result.Text != tc.text || k.result.Importance != tc.importance {
			t.Errorf("pasted %q: result (visible %v) %q importance %v, want %q %v",
				tc.pasted, k.result.Visible(), k.result.Text, k.result.Importance, tc.text, tc.importance)
		}
	}
	k.paste.SetText("")
	if k.result.Visible() {
		t.Fatal("result still shown for an empty field")
	}

	// Copy puts the hex on the clipboard, to send to the peer.
	u.tap(k.copyHex)
	if got := u.app.Clipboard().Content(); got != testKeyHex {
		t.Fatalf("clipboard %q", got)
	}
}

func TestVerifiedMarkCallsSetVerified(t *testing.T) {
	u, b, k := openKeys(t)
	c := u.main.conv
	if k.verified.Checked {
		t.Fatal("an unverified chat shows as verified")
	}
	test.Tap(k.verified)
	u.settle()
	if len(b.secret.verifyCalls) != 1 || !b.secret.verifyCalls[0] || !b.secret.secrets["s1"].Verified {
		t.Fatalf("SetVerified calls %v", b.secret.verifyCalls)
	}
	if c.keyButton.Text != "Keys compared ✓" || !c.keyButton.Visible() {
		t.Fatalf("header says %q after verifying", c.keyButton.Text)
	}

	// A failure puts the mark back and says why.
	b.secret.verifyErr = &Problem{Message: "Could not save the mark."}
	test.Tap(k.verified)
	u.settle()
	if len(b.secret.verifyCalls) != 2 || b.secret.verifyCalls[1] {
		t.Fatalf("SetVerified calls %v", b.secret.verifyCalls)
	}
	if !k.verified.Checked {
		t.Fatal("the mark stayed off after a failed call")
	}
	wantError(t, k.verifyErr, "Could not save the mark")
	if c.keyButton.Text != "Keys compared ✓" {
		t.Fatalf("header says %q after a failed change", c.keyButton.Text)
	}
	if len(b.secret.verifyCalls) != 2 {
		t.Fatal("putting the mark back called the application")
	}

	// Unmarking works too, and the header follows. The screen reopens from the header button.
	b.secret.verifyErr = nil
	test.Tap(k.verified)
	u.settle()
	if len(b.secret.verifyCalls) != 3 || b.secret.verifyCalls[2] || c.keyButton.Text != "Key not compared yet — Compare keys" {
		t.Fatalf("SetVerified calls %v, header %q", b.secret.verifyCalls, c.keyButton.Text)
	}
	k.dialog.Hide()
	if c.keys != nil {
		t.Fatal("the closed key screen is still referenced")
	}
	b.secret.setSecret("s1", func(s *SecretChatInfo) { s.Verified = true }) // marked from elsewhere
	b.events.emit(DialogEvent{Dialog: u.main.dialogs[u.main.index("s1")]})
	u.settle()
	if c.keyButton.Text != "Keys compared ✓" {
		t.Fatalf("header says %q after the mark changed", c.keyButton.Text)
	}
	u.tap(c.keyButton)
	if c.keys == nil || !c.keys.verified.Checked || len(b.secret.verifyCalls) != 3 {
		t.Fatalf("the reopened key screen does not show the remembered mark (SetVerified calls %v)", b.secret.verifyCalls)
	}
}
