package ui

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The parts of a bubble beyond text: the quote of the message a reply answers, and a photo or file.

// quoteBox shows the message a reply answers: a bar, its author and its first line. A tap jumps to it.
type quoteBox struct {
	widget.BaseWidget
	bar    *canvas.Rectangle
	sender *widget.Label
	text   *widget.Label
	onTap  func()
}

func newQuoteBox(onTap func()) *quoteBox {
	q := &quoteBox{bar: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)), onTap: onTap}
	q.sender = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	q.sender.SizeName = theme.SizeNameCaptionText
	q.sender.Truncation = fyne.TextTruncateEllipsis
	q.text = widget.NewLabel("")
	q.text.SizeName = theme.SizeNameCaptionText
	q.text.Truncation = fyne.TextTruncateEllipsis
	q.ExtendBaseWidget(q)
	return q
}

func (q *quoteBox) set(m Quote) {
	q.sender.SetText(m.Sender)
	text := previewLine(m.Text, 120)
	if text == "" {
		text = "Message"
	}
	q.text.SetText(text)
}

func (q *quoteBox) naturalWidth() float32 {
	caption := theme.Size(theme.SizeNameCaptionText)
	return max(fyne.MeasureText(q.sender.Text, caption, fyne.TextStyle{Bold: true}).Width,
		fyne.MeasureText(q.text.Text, caption, fyne.TextStyle{}).Width) + 2*theme.Size(theme.SizeNameInnerPadding) + 12
}

// Tapped implements fyne.Tappable.
func (q *quoteBox) Tapped(*fyne.PointEvent) {
	if q.onTap != nil {
		q.onTap()
	}
}

// Cursor implements desktop.Cursorable: the quote is a link to the message.
func (q *quoteBox) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer implements fyne.Widget.
func (q *quoteBox) CreateRenderer() fyne.WidgetRenderer { return &quoteRenderer{q: q} }

type quoteRenderer struct{ q *quoteBox }

func (r *quoteRenderer) Layout(size fyne.Size) {
	q := r.q
	q.bar.Move(fyne.NewPos(0, 4))
	q.bar.Resize(fyne.NewSize(3, size.Height-8))
	h := q.sender.MinSize().Height
	q.sender.Move(fyne.NewPos(2, -2))
	q.sender.Resize(fyne.NewSize(size.Width-2, h))
	q.text.Move(fyne.NewPos(2, h-labelTighten-2))
	q.text.Resize(fyne.NewSize(size.Width-2, q.text.MinSize().Height))
}

func (r *quoteRenderer) MinSize() fyne.Size {
	h := r.q.sender.MinSize().Height + r.q.text.MinSize().Height - labelTighten - 4
	return fyne.NewSize(60, h)
}

func (r *quoteRenderer) Refresh() {
	r.q.bar.FillColor = theme.Color(theme.ColorNamePrimary)
	r.q.bar.Refresh()
	r.q.sender.Refresh()
	r.q.text.Refresh()
}
func (r *quoteRenderer) Destroy() {}
func (r *quoteRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.q.bar, r.q.sender, r.q.text}
}

// Sizes of media in a bubble.
const (
	photoMaxW, photoMaxH = 320, 280
	fileBoxW             = 300
)

// mediaBox shows a message's photo (a thumbnail that opens the viewer) or file (name, size, Open and Save
// as, and the progress of a transfer with Cancel).
type mediaBox struct {
	widget.BaseWidget
	c   *conversation
	row *messageRow
	msg Message

	frame *canvas.Rectangle
	image *canvas.Image
	note  *widget.Label // under a photo that is loading or failed; a file's size or transfer

	icon     *widget.Icon
	name     *widget.Label
	open     *widget.Button
	save     *widget.Button
	cancel   *widget.Button
	progress *widget.ProgressBar
	objects  []fyne.CanvasObject
}

func newMediaBox(c *conversation, row *messageRow) *mediaBox {
	b := &mediaBox{c: c, row: row}
	b.frame = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	b.frame.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	b.image = canvas.NewImageFromImage(nil)
	b.image.FillMode = canvas.ImageFillContain
	b.image.ScaleMode = canvas.ImageScaleSmooth
	b.note = widget.NewLabel("")
	b.note.SizeName = theme.SizeNameCaptionText
	b.note.Truncation = fyne.TextTruncateEllipsis
	b.icon = widget.NewIcon(theme.FileIcon())
	b.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.name.Truncation = fyne.TextTruncateEllipsis
	b.open = widget.NewButtonWithIcon("Open", theme.FileApplicationIcon(), func() { c.openFile(b.msg) })
	b.save = widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), func() { c.saveFileAs(b.msg) })
	b.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { c.cancelTransfer(b.msg.ID) })
	for _, btn := range []*widget.Button{b.open, b.save, b.cancel} {
		btn.Importance = widget.LowImportance
	}
	b.progress = widget.NewProgressBar()
	b.objects = []fyne.CanvasObject{b.frame, b.image, b.note, b.icon, b.name, b.open, b.save, b.cancel, b.progress}
	b.ExtendBaseWidget(b)
	return b
}

func (b *mediaBox) isPhoto() bool { return b.msg.Media != nil && b.msg.Media.Kind == MediaPhoto }

// set shows m's media and asks for a photo's picture when it is not loaded yet.
func (b *mediaBox) set(m Message) {
	b.msg = m
	for _, o := range b.objects {
		o.Hide()
	}
	md := m.Media
	tr := b.c.transfers[m.ID]
	if b.isPhoto() {
		b.frame.Show()
		p := b.c.photos.get(m.Dialog, m.ID)
		switch {
		case p != nil && p.img != nil:
			b.image.Image = p.img
			b.image.Refresh()
			b.image.Show()
		case p != nil && p.err != "":
			b.note.SetText(p.err)
			b.note.Show()
		default:
			b.note.SetText("Loading the photo…")
			b.note.Show()
			b.c.loadPhoto(m)
		}
		if tr != nil {
			b.progress.Show()
			b.progress.SetValue(tr.fraction())
		}
		return
	}
	b.icon.Show()
	name := md.Name
	if name == "" {
		name = "File"
	}
	b.name.SetText(name)
	b.name.Show()
	if tr != nil {
		b.note.SetText(tr.what + "… " + fileSize(tr.done) + " of " + fileSize(tr.total))
		b.progress.SetValue(tr.fraction())
		b.progress.Show()
		b.cancel.Show()
	} else {
		b.note.SetText(fileInfo(*md))
		if !b.c.dialog.Kind.EndToEnd() {
			b.open.Show()
		}
		b.save.Show()
	}
	b.note.Show()
}

// fileInfo is the line under a file's name: its size and kind.
func fileInfo(md Media) string {
	info := "size not known"
	if md.Size > 0 {
		info = fileSize(md.Size)
	}
	if md.MIME != "" {
		info += " · " + md.MIME
	}
	return info
}

// photoSize is the size of a photo in a bubble at most maxW wide.
func (b *mediaBox) photoSize(maxW float32) fyne.Size {
	w, h := 240, 180
	if p := b.c.photos.get(b.msg.Dialog, b.msg.ID); p != nil && p.img != nil {
		w, h = p.img.Bounds().Dx(), p.img.Bounds().Dy()
	} else if md := b.msg.Media; md.Width > 0 && md.Height > 0 {
		w, h = md.Width, md.Height
	}
	tw, th := fitInside(w, h, min(photoMaxW, int(maxW)), photoMaxH)
	return fyne.NewSize(float32(max(tw, 48)), float32(max(th, 48)))
}

func (b *mediaBox) naturalWidth() float32 {
	if b.isPhoto() {
		return b.photoSize(photoMaxW).Width
	}
	return fileBoxW
}

// sizeFor is the box's size at most maxW wide.
func (b *mediaBox) sizeFor(maxW float32) fyne.Size {
	if b.isPhoto() {
		return b.photoSize(maxW)
	}
	return fyne.NewSize(min(maxW, fileBoxW), b.fileHeight())
}

func (b *mediaBox) fileHeight() float32 {
	return b.name.MinSize().Height + b.note.MinSize().Height + b.save.MinSize().Height - labelTighten
}

// Tapped implements fyne.Tappable: a photo opens in the viewer.
func (b *mediaBox) Tapped(*fyne.PointEvent) {
	if b.isPhoto() {
		b.c.viewPhoto(b.msg)
	}
}

// TappedSecondary implements fyne.SecondaryTappable: the message's menu.
func (b *mediaBox) TappedSecondary(ev *fyne.PointEvent) { b.row.TappedSecondary(ev) }

// CreateRenderer implements fyne.Widget.
func (b *mediaBox) CreateRenderer() fyne.WidgetRenderer { return &mediaRenderer{b: b} }

type mediaRenderer struct{ b *mediaBox }

func (r *mediaRenderer) Layout(size fyne.Size) {
	b := r.b
	if b.isPhoto() {
		b.frame.Resize(size)
		b.image.Resize(size)
		nh := b.note.MinSize().Height
		b.note.Move(fyne.NewPos(0, (size.Height-nh)/2))
		b.note.Resize(fyne.NewSize(size.Width, nh))
		b.progress.Move(fyne.NewPos(8, size.Height-b.progress.MinSize().Height-8))
		b.progress.Resize(fyne.NewSize(size.Width-16, b.progress.MinSize().Height))
		return
	}
	icon := float32(32)
	b.icon.Move(fyne.NewPos(0, 6))
	b.icon.Resize(fyne.NewSquareSize(icon))
	nh := b.name.MinSize().Height
	b.name.Move(fyne.NewPos(icon, -4))
	b.name.Resize(fyne.NewSize(size.Width-icon, nh))
	y := nh - labelTighten - 4
	b.note.Move(fyne.NewPos(icon, y))
	b.note.Resize(fyne.NewSize(size.Width-icon, b.note.MinSize().Height))
	y += b.note.MinSize().Height - 4
	bh := b.save.MinSize().Height
	x := icon
	if b.progress.Visible() {
		cw := b.cancel.MinSize().Width
		b.progress.Move(fyne.NewPos(x+4, y+(bh-b.progress.MinSize().Height)/2))
		b.progress.Resize(fyne.NewSize(size.Width-x-cw-8, b.progress.MinSize().Height))
		b.cancel.Move(fyne.NewPos(size.Width-cw, y))
		b.cancel.Resize(fyne.NewSize(cw, bh))
		return
	}
	for _, btn := range []*widget.Button{b.open, b.save} {
		if btn.Visible() {
			w := btn.MinSize().Width
			btn.Move(fyne.NewPos(x, y))
			btn.Resize(fyne.NewSize(w, bh))
			x += w + 4
		}
	}
}

func (r *mediaRenderer) MinSize() fyne.Size { return fyne.NewSize(48, 48) }
func (r *mediaRenderer) Refresh() {
	for _, o := range r.b.objects {
		o.Refresh()
	}
	r.Layout(r.b.Size())
}
func (r *mediaRenderer) Destroy()                     {}
func (r *mediaRenderer) Objects() []fyne.CanvasObject { return r.b.objects }

// photoCache keeps the pictures of the photos shown, scaled down, for the most recent few; a picture
// dropped from it is fetched again from the local store when it is shown again.
type photoCache struct {
	entries map[photoKey]*photoEntry
	order   []photoKey // least recently used first
	limit   int
}

type photoKey struct {
	dialog DialogID
	id     int64
}

type photoEntry struct {
	img     image.Image
	err     string // what to say instead of the picture
	loading bool
}

func newPhotoCache(limit int) *photoCache {
	return &photoCache{entries: map[photoKey]*photoEntry{}, limit: limit}
}

func (c *photoCache) get(d DialogID, id int64) *photoEntry {
	k := photoKey{d, id}
	e := c.entries[k]
	if e != nil {
		c.touch(k)
	}
	return e
}

func (c *photoCache) put(d DialogID, id int64, e *photoEntry) {
	k := photoKey{d, id}
	if _, ok := c.entries[k]; !ok {
		c.order = append(c.order, k)
	}
	c.entries[k] = e
	c.touch(k)
	for len(c.order) > c.limit {
		old := c.order[0]
		if c.entries[old].loading {
			break // kept until its load returns
		}
		c.order = c.order[1:]
		delete(c.entries, old)
	}
}

func (c *photoCache) touch(k photoKey) {
	for i, o := range c.order {
		if o == k {
			copy(c.order[i:], c.order[i+1:])
			c.order[len(c.order)-1] = k
			return
		}
	}
}

// transfer is a download of a message's file under way (saving, opening, fetching a photo).
type transfer struct {
	what        string // "Saving", "Opening", "Loading"
	done, total int64
	cancel      func()
}

func (t *transfer) fraction() float64 {
	if t.total <= 0 {
		return 0
	}
	return float64(t.done) / float64(t.total)
}
