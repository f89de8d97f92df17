package ui

import (
	"context"
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The key comparison screen of a secret chat: the key drawn as the 12x12 picture the official apps draw,
// as five emoji and as hex, a field to paste what the peer sent and say whether it is the same key, and the
// "verified" mark the user sets once they have compared.

// identiconPalette holds the colours of the identicon cell values 0..3: white, light blue, dark blue, blue
// (the palette of mtproto/secret.IdenticonRGB; a test checks they agree).
var identiconPalette = [4]color.NRGBA{
	{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF},
	{R: 0xD5, G: 0xE6, B: 0xF3, A: 0xFF},
	{R: 0x2D, G: 0x57, B: 0x75, A: 0xFF},
	{R: 0x2F, G: 0x99, B: 0xC9, A: 0xFF},
}

// identiconColor returns the colour of an identicon cell value; values above 3 use their low two bits.
func identiconColor(v uint8) color.NRGBA { return identiconPalette[v&3] }

// identiconSize is the side of the key picture on the key screen.
const identiconSize = 240

// newIdenticon draws cells as a square of 12x12 sharp-edged blocks, identiconSize wide, in a thin frame
// (cell value 0 is white and would vanish on a light background).
func newIdenticon(cells [12][12]uint8) fyne.CanvasObject {
	img := canvas.NewRasterWithPixels(func(x, y, w, h int) color.Color {
		if w <= 0 || h <= 0 || x < 0 || y < 0 || x >= w || y >= h {
			return color.Transparent
		}
		return identiconColor(cells[y*12/h][x*12/w])
	})
	img.SetMinSize(fyne.NewSize(identiconSize, identiconSize))
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor = color.NRGBA{R: 0x9E, G: 0x9E, B: 0x9E, A: 0xFF} // visible on light and dark themes
	frame.StrokeWidth = 2
	return container.NewStack(img, frame)
}

// keyComparison is the outcome of comparing what the peer sent with the chat's key.
type keyComparison int

const (
	compareNothing    keyComparison = iota // nothing pasted yet, or no key to compare with
	compareIncomplete                      // so far the same, but not a whole fingerprint yet
	compareMatch                           // the same key
	compareMismatch                        // a different key
)

// isKeySeparator reports whether r may stand between the groups of a pasted fingerprint.
func isKeySeparator(r rune) bool {
	return unicode.IsSpace(r) || r == ':' || r == '-' || r == ',' || r == '.' || r == '\uFE0F' || r == '\uFE0E' || r == '\u200B'
}

// hexDigits returns the hex digits of s in upper case with the separators between groups dropped, and
// whether s held nothing else.
func hexDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isKeySeparator(r):
		case r >= '0' && r <= '9' || r >= 'A' && r <= 'F':
			b.WriteRune(r)
		case r >= 'a' && r <= 'f':
			b.WriteRune(unicode.ToUpper(r))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// emojiKey returns s without separators and emoji presentation selectors, so emoji pasted with or without
// spaces, commas or variation selectors compare equal.
func emojiKey(s string) string {
	return strings.Map(func(r rune) rune {
		if isKeySeparator(r) {
			return -1
		}
		return r
	}, s)
}

// fingerprintHexDigits is the number of hex digits the official apps show (the first 32 bytes of the key
// hash); keyHashHexDigits is the number of hex digits of the whole 36-byte key hash.
const (
	fingerprintHexDigits = 64
	keyHashHexDigits     = 72
)

// compareKey compares what the user pasted (the hex or the emoji the peer sent, in any case, with any
// spaces or line breaks) with the key of info. Hex is compared on the 32 bytes the apps show, or on all of
// info.Hex when that much was pasted; emoji on all five.
func compareKey(info SecretChatInfo, pasted string) keyComparison {
	if strings.TrimFunc(pasted, isKeySeparator) == "" {
		return compareNothing
	}
	if got, ok := hexDigits(pasted); ok {
		want, _ := hexDigits(info.Hex)
		if want == "" {
			return compareNothing
		}
		switch {
		case got == want:
			return compareMatch
		case len(got) == fingerprintHexDigits && strings.HasPrefix(want, got):
			return compareMatch
		case len(got) == keyHashHexDigits && len(want) == fingerprintHexDigits && strings.HasPrefix(got, want):
			return compareMatch // all 36 bytes pasted where only 32 are known
		case len(got) < fingerprintHexDigits && strings.HasPrefix(want, got):
			return compareIncomplete
		default:
			return compareMismatch
		}
	}
	want := emojiKey(strings.Join(info.Emoji[:], ""))
	if want == "" {
		return compareNothing
	}
	got := emojiKey(pasted)
	switch {
	case got == want:
		return compareMatch
	case strings.HasPrefix(want, got):
		return compareIncomplete
	default:
		return compareMismatch
	}
}

// hexLines lays the key's hex out as the official apps print it: 4 lines of 8 pairs with a wider gap after
// the fourth pair. Hex of another length is shown as the application gave it.
func hexLines(hex string) string {
	digits, ok := hexDigits(hex)
	if !ok || len(digits) < fingerprintHexDigits {
		return hex
	}
	var b strings.Builder
	for i := 0; i < fingerprintHexDigits; i += 2 {
		pair := i / 2
		switch {
		case pair == 0:
		case pair%8 == 0:
			b.WriteByte('\n')
		case pair%4 == 0:
			b.WriteString("  ")
		default:
			b.WriteByte(' ')
		}
		b.WriteString(digits[i : i+2])
	}
	return b.String()
}

// Sentences of the key screen.
const (
	keyMatchText      = "Match: this is the same key."
	keyMismatchText   = "Different key — do not trust this chat"
	keyIncompleteText = "The same so far. Paste all 32 pairs of hex digits, or all five emoji."
)

// keyScreen is the key comparison screen of the open secret chat, shown as a dialog over the window.
type keyScreen struct {
	c      *conversation
	info   SecretChatInfo
	dialog *dialog.CustomDialog

	emoji     *canvas.Text
	hex       *widget.Label
	copyHex   *widget.Button
	paste     *widget.Entry
	result    *widget.Label
	verified  *widget.Check
	verifyErr *widget.Label
	saving    *busyIndicator

	// quiet is set while the UI itself changes the check box, so that no SetVerified call follows.
	quiet bool
}

// showKeys opens the key comparison screen for the open secret chat.
func (c *conversation) showKeys() {
	if c.secret == nil || c.dialog.Kind != KindSecret {
		return
	}
	k := &keyScreen{c: c, info: *c.secret}
	name := k.peerName()

	k.emoji = canvas.NewText(strings.Join(k.info.Emoji[:], "  "), theme.Color(theme.ColorNameForeground))
	k.emoji.TextSize = 36
	k.emoji.Alignment = fyne.TextAlignCenter

	k.hex = widget.NewLabelWithStyle(hexLines(k.info.Hex), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	k.copyHex = widget.NewButtonWithIcon("Copy hex", theme.ContentCopyIcon(), func() {
		c.m.u.app.Clipboard().SetContent(hexLines(k.info.Hex))
	})
	k.copyHex.Importance = widget.LowImportance

	explain := wrapped("Compare this key with the one " + name + " sees, in person or over a channel you " +
		"already trust (not this chat). The picture, the emoji and the hex are three forms of the same key: " +
		"one of them is enough. If they are the same, nobody stands between you. The key is renewed from time " +
		"to time; the picture stays the same for the life of the chat.")
	explain.SizeName = theme.SizeNameCaptionText

	k.paste = widget.NewMultiLineEntry()
	k.paste.Wrapping = fyne.TextWrapWord
	k.paste.SetMinRowsVisible(2)
	k.paste.SetPlaceHolder("Paste the hex or the emoji " + name + " sent you")
	k.paste.OnChanged = func(string) { k.compare() }
	k.result = wrapped("")
	k.result.TextStyle = fyne.TextStyle{Bold: true}
	k.result.Hide()

	k.verified = widget.NewCheck("I compared the keys with "+name+": they are the same", nil)
	k.verified.SetChecked(k.info.Verified)
	k.verified.OnChanged = k.setVerified
	k.verifyErr = errorLabel()
	k.saving = newBusy(k.verified)

	hexHead := widget.NewLabelWithStyle("Hex", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewVBox(container.NewCenter(newIdenticon(k.info.Identicon)), container.NewPadded(k.emoji))
	right := container.NewVBox(
		container.NewHBox(hexHead, layoutSpacer(), k.copyHex),
		k.hex,
		explain,
	)
	top := container.NewBorder(nil, nil, left, nil, container.NewPadded(right))
	content := container.NewVBox(
		top,
		widget.NewSeparator(),
		labeled("Compare with what "+name+" sent you", k.paste, k.result),
		widget.NewSeparator(),
		container.NewHBox(k.verified, k.saving.activity),
		k.verifyErr,
	)
	k.dialog = dialog.NewCustom("Encryption key of your secret chat with "+name, "Done",
		container.New(&widthLayout{width: 680}, content), c.m.u.win)
	k.dialog.SetOnClosed(func() {
		if c.keys == k {
			c.keys = nil
		}
	})
	c.keys = k
	k.dialog.Show()
	c.m.u.win.Canvas().Focus(k.paste)
}

func (k *keyScreen) peerName() string {
	if k.info.PeerName != "" {
		return k.info.PeerName
	}
	return k.c.dialog.Title
}

// compare shows whether what is pasted is the chat's key.
func (k *keyScreen) compare() {
	switch compareKey(k.info, k.paste.Text) {
	case compareNothing:
		k.result.Hide()
		return
	case compareIncomplete:
		k.result.SetText(keyIncompleteText)
		k.result.Importance = widget.LowImportance
	case compareMatch:
		k.result.SetText(keyMatchText)
		k.result.Importance = widget.SuccessImportance
	default:
		k.result.SetText(keyMismatchText)
		k.result.Importance = widget.DangerImportance
	}
	k.result.Refresh()
	k.result.Show()
}

// setVerified remembers the user's mark through the application; on failure the check box goes back.
func (k *keyScreen) setVerified(on bool) {
	if k.quiet {
		return
	}
	setError(k.verifyErr, "")
	k.saving.set(true)
	c, id := k.c, k.info.Dialog
	if id == "" {
		id = c.dialog.ID
	}
	c.m.u.background(func(ctx context.Context) func() {
		err := c.m.u.svc.Secret.SetVerified(ctx, id, on)
		return func() {
			k.saving.set(false)
			if err != nil {
				showProblem(k.verifyErr, err)
				k.setChecked(!on)
				return
			}
			k.info.Verified = on
			if c.dialog.ID == id && c.secret != nil {
				c.secret.Verified = on
				c.showSecret()
			}
		}
	})
}

// setChecked changes the check box without calling the application.
func (k *keyScreen) setChecked(on bool) {
	k.quiet = true
	k.verified.SetChecked(on)
	k.quiet = false
}

// update takes a newer description of the chat into the open screen. The key does not change for the life
// of a chat; the verified mark may (from another window of the same account, say).
func (k *keyScreen) update(info SecretChatInfo) {
	k.info.Verified = info.Verified
	if !k.saving.active {
		k.setChecked(info.Verified)
	}
}
