package ui

import (
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestMessageTimesAndServiceLinesAreLegible: the time and the self-destruct countdown under a received
// message, and a service line ("You set messages to disappear…"), stand out from what they are drawn on
// (WCAG's 4.5:1 for text). Fyne draws a low-importance label in its disabled colour, which is nearly the
// colour of a received message's bubble.
func TestMessageTimesAndServiceLinesAreLegible(t *testing.T) {
	u, b := readyUI(t)
	c := openDialog(u, "s1")
	b.events.emit(MessageEvent{Message: Message{ID: 70, Dialog: "s1", Service: true, Text: "You set messages to disappear 1 minute after they are read.", Date: time.Now()}})
	b.events.emit(MessageEvent{Message: Message{ID: 71, Dialog: "s1", Sender: "Alice", Text: "Gone in a minute", TTL: 60, ExpiresAt: time.Now().Add(time.Minute), Date: time.Now()}})
	u.drain()
	seen := map[int64]bool{}
	for _, o := range test.LaidOutObjects(c.list.view) {
		r, ok := o.(*messageRow)
		if !ok || !r.Visible() || r.item.kind != itemMessage {
			continue
		}
		m := r.msg
		switch {
		case m.Service:
			wantContrast(t, "service line", r.pillText, r.pill.FillColor)
		case !m.Out:
			wantContrast(t, "time under a received message", r.footer, bubbleColor(false))
		default:
			wantContrast(t, "time under a sent message", r.footer, bubbleColor(true))
		}
		seen[m.ID] = true
	}
	for _, id := range []int64{1, 2, 70, 71} {
		if !seen[id] {
			t.Errorf("message %d not drawn", id)
		}
	}
}

func wantContrast(t *testing.T, what string, l *widget.Label, bg color.Color) {
	t.Helper()
	name := theme.ColorNameForeground
	switch l.Importance {
	case widget.LowImportance:
		name = theme.ColorNameDisabled
	case widget.HighImportance:
		name = theme.ColorNamePrimary
	}
	if r := contrast(theme.Color(name), bg); r < 4.5 {
		t.Errorf("%s %q: contrast %.1f:1 with what it is drawn on", what, l.Text, r)
	}
}

// contrast is WCAG's contrast ratio of two colours (bg blended over the theme's background).
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, al := c.RGBA()
		br, bg, bb, _ := theme.Color(theme.ColorNameBackground).RGBA()
		mix := func(v, base uint32) float64 {
			x := (float64(v) + float64(base)*(1-float64(al)/0xffff)) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*mix(r, br) + 0.7152*mix(g, bg) + 0.0722*mix(bl, bb)
	}
	la, lb := lum(a), lum(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}
