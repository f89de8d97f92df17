package secret

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Vectors of the reference, §6.3, for key = bytes 0x00..0xFF.
const (
	vectorKeyHash = "4916d6bdb7f78e6803698cab32d1586e" + "40aff2e9d2d8922e47afd4648e6967497158785f"
	vectorHex     = "49 16 D6 BD  B7 F7 8E 68\n" +
		"03 69 8C AB  32 D1 58 6E\n" +
		"40 AF F2 E9  D2 D8 92 2E\n" +
		"47 AF D4 64  8E 69 67 49"
)

var vectorIdenticon = [12]string{
	"120121102113",
	"133231323133",
	"230202213000",
	"122103023222",
	"203010130211",
	"232100013322",
	"203312232013",
	"021320122320",
	"310133220113",
	"012123021221",
	"312112011031",
	"021102313311",
}

func TestKeyHashVector(t *testing.T) {
	kh := KeyHash(keyBytes0to255())
	if got := hex.EncodeToString(kh[:]); got != vectorKeyHash {
		t.Fatalf("KeyHash = %s, want %s", got, vectorKeyHash)
	}
}

func TestIdenticonVector(t *testing.T) {
	img := Identicon(KeyHash(keyBytes0to255()))
	for row, want := range vectorIdenticon {
		var got strings.Builder
		for _, v := range img[row] {
			got.WriteByte('0' + v)
		}
		if got.String() != want {
			t.Fatalf("row %d = %s, want %s", row, got.String(), want)
		}
	}
}

func TestEmojiVector(t *testing.T) {
	want := [5]string{"🔧", "🍕", "🐭", "🐚", "🍓"} // indices 168, 226, 84, 109, 251
	if got := Emoji(KeyHash(keyBytes0to255())); got != want {
		t.Fatalf("Emoji = %q, want %q", got, want)
	}
	for i, idx := range []int{168, 226, 84, 109, 251} {
		if emojiTable[idx] != want[i] {
			t.Fatalf("table[%d] = %q", idx, emojiTable[idx])
		}
	}
}

func TestHexFingerprintVector(t *testing.T) {
	kh := KeyHash(keyBytes0to255())
	if got := HexFingerprint(kh); got != vectorHex {
		t.Fatalf("HexFingerprint =\n%s\nwant\n%s", got, vectorHex)
	}
	if got, want := strings.ToUpper(hex.EncodeToString(kh[:])), strings.ToUpper(vectorKeyHash); got != want {
		t.Fatalf("key hash = %s", got)
	}
}

func TestIdenticonRGB(t *testing.T) {
	want := [4][3]uint8{{0xFF, 0xFF, 0xFF}, {0xD5, 0xE6, 0xF3}, {0x2D, 0x57, 0x75}, {0x2F, 0x99, 0xC9}}
	for v, w := range want {
		r, g, b := IdenticonRGB(uint8(v))
		if [3]uint8{r, g, b} != w {
			t.Errorf("IdenticonRGB(%d) = %x %x %x", v, r, g, b)
		}
	}
}

// TestEmojiTable checks the embedded table against the reference's JSON copy and check value
// (SHA-256 of the 333 entries joined by "\n").
func TestEmojiTable(t *testing.T) {
	raw, err := os.ReadFile("testdata/secret-chat-emoji.json")
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON []string
	if err := json.Unmarshal(raw, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if len(fromJSON) != len(emojiTable) {
		t.Fatalf("JSON has %d entries, table %d", len(fromJSON), len(emojiTable))
	}
	for i := range fromJSON {
		if fromJSON[i] != emojiTable[i] {
			t.Fatalf("entry %d: table %q, JSON %q", i, emojiTable[i], fromJSON[i])
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(emojiTable[:], "\n")))
	const want = "bfae463f768800e2f624948a756025ca1a3ff55c8a858b9f0e4ebec8c1d66815"
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("table check value %s, want %s", got, want)
	}
}
