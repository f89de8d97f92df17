package ui

import (
	"image/color"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// maxShownRunes is the most of a message's text a row draws; a longer text ends with "…" and a button that
// shows all of it. Telegram's own limit is 4,096, so only hostile or broken input is cut.
const maxShownRunes = 4500

// messageRow draws one row of the list: a message bubble (author, forward, quote, photo or file, text,
// time, ticks, countdown), a service line, a date, or the unread line. Rows are reused for other items as
// the list scrolls; set changes what a row shows.
type messageRow struct {
	widget.BaseWidget
	v    *messageView
	item listItem
	msg  Message

	pill     *canvas.Rectangle // behind a date, service or unread line
	pillText *widget.Label

	bg, outline *canvas.Rectangle
	sender      *widget.Label
	forwarded   *widget.Label
	quote       *quoteBox
	media       *mediaBox
	body        *widget.Label
	more        *widget.Button
	footer      *widget.Label
	timer       *widget.Icon
	ticks       [2]*widget.Icon
	objects     []fyne.CanvasObject
}

func newMessageRow(v *messageView) *messageRow {
	r := &messageRow{v: v}
	r.pill = canvas.NewRectangle(color.Transparent)
	r.pillText = widget.NewLabel("")
	r.pillText.Alignment = fyne.TextAlignCenter
	r.pillText.Wrapping = fyne.TextWrapWord
	r.pillText.SizeName = theme.SizeNameCaptionText
	r.bg = canvas.NewRectangle(color.Transparent)
	r.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	r.outline = canvas.NewRectangle(color.Transparent)
	r.outline.CornerRadius = r.bg.CornerRadius
	r.outline.StrokeWidth = 2
	r.sender = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.sender.SizeName = theme.SizeNameCaptionText
	r.sender.Truncation = fyne.TextTruncateEllipsis
	r.forwarded = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	r.forwarded.SizeName = theme.SizeNameCaptionText
	r.forwarded.Importance = widget.LowImportance
	r.forwarded.Truncation = fyne.TextTruncateEllipsis
	r.quote = newQuoteBox(func() { v.l.c.jumpToQuote(r.msg) })
	r.media = newMediaBox(v.l.c, r)
	r.body = widget.NewLabel("")
	r.body.Wrapping = fyne.TextWrapWord
	r.more = widget.NewButton("Show the whole message", func() { v.l.c.showWholeText(r.msg) })
	r.more.Importance = widget.LowImportance
	r.footer = widget.NewLabel("")
	r.footer.SizeName = theme.SizeNameCaptionText
	r.timer = widget.NewIcon(theme.HistoryIcon())
	for i := range r.ticks {
		r.ticks[i] = widget.NewIcon(theme.NewPrimaryThemedResource(theme.ConfirmIcon()))
	}
	r.objects = []fyne.CanvasObject{r.pill, r.pillText, r.bg, r.sender, r.forwarded, r.quote, r.media, r.body,
		r.more, r.footer, r.timer, r.ticks[0], r.ticks[1], r.outline}
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer implements fyne.Widget.
func (r *messageRow) CreateRenderer() fyne.WidgetRenderer { return &messageRowRenderer{r: r} }

type messageRowRenderer struct{ r *messageRow }

func (rr *messageRowRenderer) Layout(size fyne.Size)        { rr.r.arrange(size.Width) }
func (rr *messageRowRenderer) MinSize() fyne.Size           { return fyne.NewSize(120, 20) }
func (rr *messageRowRenderer) Refresh()                     { rr.r.arrange(rr.r.Size().Width) }
func (rr *messageRowRenderer) Destroy()                     {}
func (rr *messageRowRenderer) Objects() []fyne.CanvasObject { return rr.r.objects }

// set makes the row show it.
func (r *messageRow) set(it listItem) {
	l := r.v.l
	r.item = it
	for _, o := range r.objects {
		o.Hide()
	}
	switch it.kind {
	case itemDay:
		r.msg = Message{}
		r.setPill(dayLabel(it.day, l.c.m.now()), theme.Color(theme.ColorNameInputBackground), widget.MediumImportance)
	case itemUnread:
		r.msg = Message{}
		r.setPill("Unread messages", primaryTint(0x30), widget.HighImportance)
	case itemMessage:
		r.msg = l.msgs[it.msg]
		if r.msg.Service {
			// Italic sets a service line apart; Fyne's muted colour would be too faint on its pill.
			r.setPill(r.msg.Text, theme.Color(theme.ColorNameInputBackground), widget.MediumImportance)
			r.pillText.TextStyle = fyne.TextStyle{Italic: true}
			r.pillText.Refresh()
			break
		}
		r.setBubble()
	}
}

func (r *messageRow) setPill(text string, fill color.Color, imp widget.Importance) {
	r.pill.FillColor = fill
	r.pill.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	r.pill.Show()
	r.pillText.TextStyle = fyne.TextStyle{Bold: imp == widget.HighImportance}
	r.pillText.Importance = imp
	r.pillText.SetText(text)
	r.pillText.Show()
}

func (r *messageRow) setBubble() {
	l, m := r.v.l, r.msg
	kind := l.c.dialog.Kind
	r.bg.FillColor = bubbleColor(m.Out)
	if l.flash == m.ID {
		r.bg.FillColor = primaryTint(0x70)
	}
	r.bg.Show()
	if l.selected == m.ID && r.v.focused {
		r.outline.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.outline.Show()
	}
	if !m.Out && (kind == KindGroup || kind == KindChannel) && m.Sender != "" {
		// Hidden by set: Show lays the new text out, once; cut with "…" only when too wide (fitLine).
		r.sender.Text, r.sender.Truncation = m.Sender, fyne.TextTruncateOff
		r.sender.Show()
	}
	if m.Forwarded != "" {
		r.forwarded.Text = "Forwarded from " + m.Forwarded
		r.forwarded.Show()
	}
	if m.Reply != nil {
		r.quote.set(*m.Reply)
		r.quote.Show()
	}
	if m.Media != nil {
		r.media.set(m)
		r.media.Show()
	}
	text, cut := shownText(m.Text)
	if cut {
		r.more.Show()
	}
	// Fyne's muted (disabled) colour is too faint on either bubble: the small size sets the time apart.
	r.footer.Importance = widget.MediumImportance
	r.footer.Text = footerText(m, l.c.m.now())
	r.footer.Show()
	if !m.ExpiresAt.IsZero() || m.TTL > 0 {
		r.timer.Show()
	}
	if m.Out {
		switch m.Status {
		case StatusSending:
			r.ticks[0].SetResource(theme.NewPrimaryThemedResource(theme.HistoryIcon()))
			r.ticks[0].Show()
		case StatusSent:
			r.ticks[0].SetResource(theme.NewPrimaryThemedResource(theme.ConfirmIcon()))
			r.ticks[0].Show()
		case StatusRead:
			r.ticks[0].SetResource(theme.NewPrimaryThemedResource(theme.ConfirmIcon()))
			r.ticks[0].Show()
			r.ticks[1].Show()
		}
	}
	// The text last: a wrapping label measures its lines anew at each width it is laid out at, so it is
	// given the width the bubble will give it (the other parts decide the bubble's width) before its text.
	innerW := float32(0)
	if l.width > 0 {
		innerW = r.bubbleWidth(l.width, text) - 4
		fitLine(r.sender, innerW)
	}
	if text != "" {
		r.body.Selectable = l.c.selecting == m.ID
		if innerW > 0 && r.body.Size().Width != innerW {
			r.body.SetText("")
			r.body.Resize(fyne.NewSize(innerW, r.body.Size().Height))
		}
		r.body.Text = text
		r.body.Show()
	}
}

// fitLine cuts the one-line label l with "…" only when its text is wider than w: working the cut out costs
// more than laying out the rest of a row, and names mostly fit.
func fitLine(l *widget.Label, w float32) {
	if !l.Visible() {
		return
	}
	t := fyne.TextTruncateOff
	if fyne.MeasureText(l.Text, theme.Size(l.SizeName), l.TextStyle).Width+2*theme.Size(theme.SizeNameInnerPadding) > w {
		t = fyne.TextTruncateEllipsis
	}
	if l.Truncation != t {
		l.Truncation = t
		l.Refresh()
	}
}

// shownText is the part of a message's text a row draws, and whether it was cut.
func shownText(s string) (string, bool) {
	if utf8.RuneCountInString(s) <= maxShownRunes {
		return s, false
	}
	return string([]rune(s)[:maxShownRunes]) + "…", true
}

// tick updates the countdown of the row's message.
func (r *messageRow) tick() {
	if r.item.kind == itemMessage && r.footer.Visible() {
		r.footer.SetText(footerText(r.msg, r.v.l.c.m.now()))
	}
}

// heightAt lays the row out at width and returns its height.
func (r *messageRow) heightAt(width float32) float32 { return r.arrange(width) }

// Layout geometry of a bubble.
const (
	bubbleInset  = 10 // px between the bubble and the list's edge
	bubbleGutter = 60 // px the bubble leaves free on the other side, at least
	bubbleMinW   = 96
	labelTighten = 8 // labels carry their own padding; consecutive ones overlap by this much
	iconSize     = 14
)

// arrange places the row's parts for width and returns the row's height.
func (r *messageRow) arrange(width float32) float32 {
	if width <= 0 {
		return 0
	}
	if r.pill.Visible() {
		return r.arrangePill(width)
	}
	if !r.bg.Visible() {
		return 0
	}
	body := ""
	if r.body.Visible() {
		body = r.body.Text
	}
	bw := r.bubbleWidth(width, body)
	x := float32(bubbleInset)
	if r.msg.Out {
		x = width - bw - bubbleInset - scrollBarWidth
	}
	innerX, innerW := x+2, bw-4
	y := float32(2)
	stack := func(o fyne.CanvasObject, h float32) {
		o.Move(fyne.NewPos(innerX, y))
		o.Resize(fyne.NewSize(innerW, h))
		y += h - labelTighten
	}
	label := func(l *widget.Label) {
		if l.Visible() {
			l.Resize(fyne.NewSize(innerW, l.MinSize().Height))
			stack(l, l.MinSize().Height)
		}
	}
	fitLine(r.sender, innerW)
	label(r.sender)
	label(r.forwarded)
	if r.quote.Visible() {
		h := r.quote.MinSize().Height
		r.quote.Move(fyne.NewPos(innerX+6, y+labelTighten/2))
		r.quote.Resize(fyne.NewSize(innerW-12, h))
		y += h + labelTighten/2
	}
	if r.media.Visible() {
		s := r.media.sizeFor(innerW - 8)
		r.media.Move(fyne.NewPos(innerX+4, y+labelTighten/2))
		r.media.Resize(s)
		y += s.Height + labelTighten
	}
	label(r.body)
	if r.more.Visible() {
		h := r.more.MinSize().Height
		r.more.Move(fyne.NewPos(innerX, y+labelTighten))
		r.more.Resize(fyne.NewSize(min(innerW, r.more.MinSize().Width), h))
		y += h + labelTighten
	}
	// The footer line: countdown, time and ticks at the right.
	fh := r.footer.MinSize().Height
	fw := r.footer.MinSize().Width
	right := innerX + innerW - 4
	for i := len(r.ticks) - 1; i >= 0; i-- {
		if r.ticks[i].Visible() {
			right -= iconSize - 4*float32(i)
			r.ticks[i].Move(fyne.NewPos(right, y+(fh-iconSize)/2))
			r.ticks[i].Resize(fyne.NewSquareSize(iconSize))
		}
	}
	r.footer.Move(fyne.NewPos(right-fw+4, y))
	r.footer.Resize(fyne.NewSize(fw, fh))
	if r.timer.Visible() {
		r.timer.Move(fyne.NewPos(right-fw+4-iconSize+6, y+(fh-iconSize)/2))
		r.timer.Resize(fyne.NewSquareSize(iconSize))
	}
	y += fh - 2
	r.bg.Move(fyne.NewPos(x, 0))
	r.bg.Resize(fyne.NewSize(bw, y))
	r.outline.Move(fyne.NewPos(x, 0))
	r.outline.Resize(fyne.NewSize(bw, y))
	return y
}

// arrangePill lays out a centred date, service or unread line.
func (r *messageRow) arrangePill(width float32) float32 {
	maxW := width * 0.8
	w := min(maxW, r.pillText.MinSize().Width)
	if r.pillText.Wrapping != fyne.TextWrapOff {
		w = min(maxW, fyne.MeasureText(r.pillText.Text, theme.Size(theme.SizeNameCaptionText), r.pillText.TextStyle).Width+
			2*theme.Size(theme.SizeNameInnerPadding)+2)
	}
	r.pillText.Resize(fyne.NewSize(w, 10))
	h := r.pillText.MinSize().Height
	x := (width - w) / 2
	r.pillText.Move(fyne.NewPos(x, 0))
	r.pillText.Resize(fyne.NewSize(w, h))
	if r.item.kind == itemUnread {
		r.pill.Move(fyne.NewPos(0, 4))
		r.pill.Resize(fyne.NewSize(width, h-8))
	} else {
		r.pill.Move(fyne.NewPos(x, 4))
		r.pill.Resize(fyne.NewSize(w, h-8))
	}
	return h
}

// bubbleWidth is the width of the bubble in a list width wide, with body as its text.
func (r *messageRow) bubbleWidth(width float32, body string) float32 {
	maxW := max(bubbleMinW, min(width*0.78, width-bubbleGutter-bubbleInset))
	return clamp(r.naturalWidth(body), bubbleMinW, maxW)
}

// naturalWidth is how wide the bubble wants to be for its content (body is its text), before the list's
// limit.
func (r *messageRow) naturalWidth(body string) float32 {
	pad := 2*theme.Size(theme.SizeNameInnerPadding) + 6
	text := theme.Size(theme.SizeNameText)
	caption := theme.Size(theme.SizeNameCaptionText)
	w := fyne.MeasureText(r.footer.Text, caption, fyne.TextStyle{}).Width + pad + 3*iconSize
	if r.sender.Visible() {
		w = max(w, fyne.MeasureText(r.sender.Text, caption, fyne.TextStyle{Bold: true}).Width+pad)
	}
	if r.forwarded.Visible() {
		w = max(w, fyne.MeasureText(r.forwarded.Text, caption, fyne.TextStyle{Italic: true}).Width+pad)
	}
	if r.quote.Visible() {
		w = max(w, r.quote.naturalWidth()+pad)
	}
	if r.media.Visible() {
		w = max(w, r.media.naturalWidth()+16)
	}
	if body != "" {
		if utf8.RuneCountInString(body) > 400 || strings.Count(body, "\n") > 40 {
			return 1 << 20 // long: as wide as allowed
		}
		for line := range strings.SplitSeq(body, "\n") {
			w = max(w, fyne.MeasureText(line, text, fyne.TextStyle{}).Width+pad+2)
		}
	}
	if r.more.Visible() {
		return 1 << 20
	}
	return w
}

// Tapped implements fyne.Tappable: a tap selects the message and gives the list the keyboard.
func (r *messageRow) Tapped(*fyne.PointEvent) {
	if r.item.kind != itemMessage {
		r.v.focus()
		return
	}
	r.v.l.setSelected(r.msg.ID)
	r.v.focus()
}

// TappedSecondary implements fyne.SecondaryTappable: a right click opens the message's menu.
func (r *messageRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.item.kind != itemMessage || r.msg.Service {
		return
	}
	r.v.l.setSelected(r.msg.ID)
	r.v.l.c.showMenu(r.msg, ev.AbsolutePosition)
}

// primaryTint is the theme's primary colour at alpha a.
func primaryTint(a uint8) color.Color {
	cr, cg, cb, _ := theme.Color(theme.ColorNamePrimary).RGBA()
	return color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: a}
}
