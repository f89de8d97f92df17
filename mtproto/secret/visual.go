package secret

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"strings"
)

// KeyHashSize is the size of a secret chat's key visualisation hash.
const KeyHashSize = 36

// KeyHash returns the key visualisation hash of a chat key: SHA1(key)[0:16] || SHA256(key)[0:20].
// It is computed once from the key the chat was established with and never changes on re-key;
// store it, since the key itself is wiped later.
func KeyHash(key []byte) [KeyHashSize]byte {
	var kh [KeyHashSize]byte
	s1 := sha1.Sum(key)
	s256 := sha256.Sum256(key)
	copy(kh[:16], s1[:16])
	copy(kh[16:], s256[:20])
	clear(s1[:])
	clear(s256[:])
	return kh
}

// Identicon returns the 12x12 key image the official apps draw: cell i (row-major, i = 0..143)
// takes the i-th 2-bit group of keyHash, least significant pair of each byte first. The values
// index the palette of IdenticonRGB.
func Identicon(keyHash [KeyHashSize]byte) [12][12]uint8 {
	var img [12][12]uint8
	for i := range 144 {
		bit := 2 * i
		img[i/12][i%12] = (keyHash[bit/8] >> (bit % 8)) & 3
	}
	return img
}

// IdenticonRGB returns the colour of an identicon cell value (0..3): white, light blue,
// dark blue, blue — #FFFFFF, #D5E6F3, #2D5775, #2F99C9. Values above 3 use their low two bits.
func IdenticonRGB(v uint8) (r, g, b uint8) {
	switch v & 3 {
	case 0:
		return 0xFF, 0xFF, 0xFF
	case 1:
		return 0xD5, 0xE6, 0xF3
	case 2:
		return 0x2D, 0x57, 0x75
	default:
		return 0x2F, 0x99, 0xC9
	}
}

// Emoji returns the five emoji the official apps show for a key: for a = 0..4 the big-endian
// 31-bit integer at keyHash[16+4a:] (top bit cleared) modulo 333 indexes the secret-chat emoji
// table. They carry about 42 bits of the SHA-256 half only; the image and hex carry all 288.
func Emoji(keyHash [KeyHashSize]byte) [5]string {
	var out [5]string
	for a := range out {
		num := binary.BigEndian.Uint32(keyHash[16+4*a:]) & 0x7fffffff
		out[a] = emojiTable[num%uint32(len(emojiTable))]
	}
	return out
}

// HexFingerprint formats the first 32 bytes of keyHash the way the official apps print it for
// reading aloud: 4 lines of 8 upper-case hex pairs, with a double space after the fourth pair,
// lines separated by "\n":
//
//	49 16 D6 BD  B7 F7 8E 68
//	03 69 8C AB  32 D1 58 6E
//	...
func HexFingerprint(keyHash [KeyHashSize]byte) string {
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(4 * 25)
	for i := range 32 {
		switch {
		case i == 0:
		case i%8 == 0:
			b.WriteByte('\n')
		case i%4 == 0:
			b.WriteString("  ")
		default:
			b.WriteByte(' ')
		}
		b.WriteByte(digits[keyHash[i]>>4])
		b.WriteByte(digits[keyHash[i]&15])
	}
	return b.String()
}

// emojiTable is the 333-entry secret-chat emoji table of the official apps, in index order
// (a copy of testdata/secret-chat-emoji.json; TestEmojiTable checks the two agree).
var emojiTable = [333]string{
	"😉", "😍", "😛", "😭", "😱", // 0
	"😡", "😎", "😴", "😵", "😈", // 5
	"😬", "😇", "😏", "👮", "👷", // 10
	"💂", "👶", "👨", "👩", "👴", // 15
	"👵", "😻", "😽", "🙀", "👺", // 20
	"🙈", "🙉", "🙊", "💀", "👽", // 25
	"💩", "🔥", "💥", "💤", "👂", // 30
	"👀", "👃", "👅", "👄", "👍", // 35
	"👎", "👌", "👊", "✌", "✋", // 40
	"👐", "👆", "👇", "👉", "👈", // 45
	"🙏", "👏", "💪", "🚶", "🏃", // 50
	"💃", "👫", "👪", "👬", "👭", // 55
	"💅", "🎩", "👑", "👒", "👟", // 60
	"👞", "👠", "👕", "👗", "👖", // 65
	"👙", "👜", "👓", "🎀", "💄", // 70
	"💛", "💙", "💜", "💚", "💍", // 75
	"💎", "🐶", "🐺", "🐱", "🐭", // 80
	"🐹", "🐰", "🐸", "🐯", "🐨", // 85
	"🐻", "🐷", "🐮", "🐗", "🐴", // 90
	"🐑", "🐘", "🐼", "🐧", "🐥", // 95
	"🐔", "🐍", "🐢", "🐛", "🐝", // 100
	"🐜", "🐞", "🐌", "🐙", "🐚", // 105
	"🐟", "🐬", "🐋", "🐐", "🐊", // 110
	"🐫", "🍀", "🌹", "🌻", "🍁", // 115
	"🌾", "🍄", "🌵", "🌴", "🌳", // 120
	"🌞", "🌚", "🌙", "🌎", "🌋", // 125
	"⚡", "☔", "❄", "⛄", "🌀", // 130
	"🌈", "🌊", "🎓", "🎆", "🎃", // 135
	"👻", "🎅", "🎄", "🎁", "🎈", // 140
	"🔮", "🎥", "📷", "💿", "💻", // 145
	"☎", "📡", "📺", "📻", "🔉", // 150
	"🔔", "⏳", "⏰", "⌚", "🔒", // 155
	"🔑", "🔎", "💡", "🔦", "🔌", // 160
	"🔋", "🚿", "🚽", "🔧", "🔨", // 165
	"🚪", "🚬", "💣", "🔫", "🔪", // 170
	"💊", "💉", "💰", "💵", "💳", // 175
	"✉", "📫", "📦", "📅", "📁", // 180
	"✂", "📌", "📎", "✒", "✏", // 185
	"📐", "📚", "🔬", "🔭", "🎨", // 190
	"🎬", "🎤", "🎧", "🎵", "🎹", // 195
	"🎻", "🎺", "🎸", "👾", "🎮", // 200
	"🃏", "🎲", "🎯", "🏈", "🏀", // 205
	"⚽", "⚾", "🎾", "🎱", "🏉", // 210
	"🎳", "🏁", "🏇", "🏆", "🏊", // 215
	"🏄", "☕", "🍼", "🍺", "🍷", // 220
	"🍴", "🍕", "🍔", "🍟", "🍗", // 225
	"🍱", "🍚", "🍜", "🍡", "🍳", // 230
	"🍞", "🍩", "🍦", "🎂", "🍰", // 235
	"🍪", "🍫", "🍭", "🍯", "🍎", // 240
	"🍏", "🍊", "🍋", "🍒", "🍇", // 245
	"🍉", "🍓", "🍑", "🍌", "🍐", // 250
	"🍍", "🍆", "🍅", "🌽", "🏡", // 255
	"🏥", "🏦", "⛪", "🏰", "⛺", // 260
	"🏭", "🗻", "🗽", "🎠", "🎡", // 265
	"⛲", "🎢", "🚢", "🚤", "⚓", // 270
	"🚀", "✈", "🚁", "🚂", "🚋", // 275
	"🚎", "🚌", "🚙", "🚗", "🚕", // 280
	"🚛", "🚨", "🚔", "🚒", "🚑", // 285
	"🚲", "🚠", "🚜", "🚦", "⚠", // 290
	"🚧", "⛽", "🎰", "🗿", "🎪", // 295
	"🎭", "🇯🇵", "🇰🇷", "🇩🇪", "🇨🇳", // 300
	"🇺🇸", "🇫🇷", "🇪🇸", "🇮🇹", "🇷🇺", // 305
	"🇬🇧", "1⃣", "2⃣", "3⃣", "4⃣", // 310
	"5⃣", "6⃣", "7⃣", "8⃣", "9⃣", // 315
	"0⃣", "🔟", "❗", "❓", "♥", // 320
	"♦", "💯", "🔗", "🔱", "🔴", // 325
	"🔵", "🔶", "🔷", // 330
}
