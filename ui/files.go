package ui

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Files and photos in the conversation: choosing, dropping or pasting files to send (after saying where
// they go), uploads with progress and Cancel, photos fetched for the list and the viewer, Save as and Open.

// Sizes of pictures kept for the list and for the viewer.
const (
	thumbSide  = 640
	viewerSide = 2048
)

// photoExts are the file types sent as photos unless the user says otherwise.
var photoExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".webp": true}

// outgoing is a file the user chose to send: a path, or a pasted picture.
type outgoing struct {
	path string
	name string
	data []byte
	size int64
}

// chooseFiles opens the file chooser; the file picked is offered for sending.
func (c *conversation) chooseFiles() {
	if !c.canWrite() {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		if cerr := r.Close(); cerr != nil {
			setError(c.sendErr, "Tacit cannot read "+path+".")
			return
		}
		c.offerPaths([]string{path})
	}, c.m.u.win)
	c.m.u.trackDialog(d)
	d.Show()
}

// dropped takes files dropped on the window: they are offered for sending into the open dialog.
func (c *conversation) dropped(uris []fyne.URI) {
	if c.dialog.ID == "" || !c.canWrite() {
		return
	}
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	c.offerPaths(paths)
}

// paste handles Ctrl+V in the composer: copied files (paths or file:// links, one a line) or a copied
// picture are offered for sending; text is pasted as text. It reports whether it handled the paste.
func (c *conversation) paste(cb fyne.Clipboard) bool {
	if !c.canWrite() {
		return false
	}
	text := ""
	if cb != nil {
		text = cb.Content()
	}
	if paths := pastedPaths(text); len(paths) > 0 {
		c.offerPaths(paths)
		return true
	}
	if strings.TrimSpace(text) != "" {
		return false
	}
	id := c.dialog.ID
	c.m.u.background(func(ctx context.Context) func() {
		data, err := c.m.u.svc.Files.ClipboardImage(ctx)
		return func() {
			if c.dialog.ID != id {
				return
			}
			if err != nil {
				showProblem(c.sendErr, err)
				return
			}
			if len(data) > 0 {
				c.offer([]outgoing{{name: "pasted picture.png", data: data, size: int64(len(data))}})
			}
		}
	})
	return true
}

// pastedPaths reads pasted text as a list of local files: absolute paths or file:// links, one a line
// (what file managers copy). Anything else yields nil.
func pastedPaths(text string) []string {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > 64<<10 {
		return nil
	}
	var paths []string
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		switch {
		case line == "" || line == "copy" || line == "cut": // x-special/gnome-copied-files
			continue
		case strings.HasPrefix(line, "file://"):
			u, err := url.Parse(line)
			if err != nil || (u.Host != "" && u.Host != "localhost") || u.Path == "" {
				return nil
			}
			paths = append(paths, filepath.Clean(u.Path))
		case filepath.IsAbs(line) && !strings.ContainsAny(line, "\x00"):
			paths = append(paths, filepath.Clean(line))
		default:
			return nil
		}
	}
	return paths
}

// offerPaths looks the files up (off the event goroutine) and offers the ones that exist.
func (c *conversation) offerPaths(paths []string) {
	if len(paths) == 0 {
		return
	}
	id := c.dialog.ID
	c.m.u.background(func(context.Context) func() {
		var files []outgoing
		var missing []string
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil || !st.Mode().IsRegular() {
				missing = append(missing, filepath.Base(p))
				continue
			}
			files = append(files, outgoing{path: p, name: filepath.Base(p), size: st.Size()})
		}
		return func() {
			if c.dialog.ID != id {
				return
			}
			if len(missing) > 0 {
				setError(c.sendErr, "Tacit cannot read "+strings.Join(missing, ", ")+": only files can be sent, not folders.")
			}
			if len(files) > 0 {
				c.offer(files)
			}
		}
	})
}

// offer asks whether to send files into the open dialog, saying who will be able to read them.
func (c *conversation) offer(files []outgoing) {
	to := c.dialog
	lines := make([]string, 0, len(files))
	photos := false
	for _, f := range files {
		lines = append(lines, f.name+"  ("+fileSize(f.size)+")")
		photos = photos || photoExts[strings.ToLower(filepath.Ext(f.name))]
	}
	who := "Only you and " + to.Title + " can read them: they are encrypted on this computer before they leave it."
	if !to.Kind.EndToEnd() {
		who = "This is a cloud chat: Telegram can read these files."
	}
	if len(files) == 1 {
		who = "Only you and " + to.Title + " can read it: it is encrypted on this computer before it leaves it."
		if !to.Kind.EndToEnd() {
			who = "This is a cloud chat: Telegram can read this file."
		}
	}
	asPhoto := widget.NewCheck("Send pictures as photos (shown in the chat)", nil)
	asPhoto.SetChecked(true)
	capt := newField()
	capt.SetPlaceHolder("Caption (optional)")
	body := container.NewVBox(wrapped(strings.Join(lines, "\n")), caption(who))
	if photos {
		body.Add(asPhoto)
	}
	body.Add(capt)
	title := "Send a file to " + to.Title + "?"
	if len(files) > 1 {
		title = "Send " + strconv.Itoa(len(files)) + " files to " + to.Title + "?"
	}
	d := dialog.NewCustomConfirm(title, "Send", "Cancel", container.New(&widthLayout{width: 420}, body), func(ok bool) {
		if !ok {
			return
		}
		for i, f := range files {
			opts := FileOptions{AsPhoto: photos && asPhoto.Checked && photoExts[strings.ToLower(filepath.Ext(f.name))]}
			if i == 0 {
				opts.Caption = strings.TrimSpace(capt.Text)
				if c.replyTo != nil {
					opts.ReplyTo = c.replyTo.ID
				}
			}
			c.uploads.start(to.ID, f, opts)
		}
		c.replyTo = nil
		c.bar.Hide()
	}, c.m.u.win)
	capt.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyEscape:
			d.Hide()
			return true
		case fyne.KeyReturn, fyne.KeyEnter:
			d.Confirm()
			return true
		}
		return false
	}
	c.m.u.trackDialog(d)
	c.sendDialog = d
	d.Show()
	c.m.u.win.Canvas().Focus(capt)
}

// uploadsPanel lists the files being sent, above the composer, each with its progress and Cancel.
type uploadsPanel struct {
	c       *conversation
	box     *fyne.Container
	content fyne.CanvasObject
	rows    map[*upload]fyne.CanvasObject
}

// upload is one file being sent.
type upload struct {
	dialog   DialogID
	file     outgoing
	bar      *widget.ProgressBar
	label    *widget.Label
	cancel   context.CancelFunc
	finished bool
}

func newUploadsPanel(c *conversation) *uploadsPanel {
	p := &uploadsPanel{c: c, box: container.NewVBox(), rows: map[*upload]fyne.CanvasObject{}}
	p.content = p.box
	return p
}

// start sends f into dialog in the background, showing its progress until it is sent, fails or is
// cancelled. Uploads go on when the user opens another chat; only that chat shows them.
func (p *uploadsPanel) start(dialog DialogID, f outgoing, opts FileOptions) {
	c := p.c
	up := &upload{dialog: dialog, file: f, bar: widget.NewProgressBar(), label: widget.NewLabel("Sending " + f.name + "…")}
	up.label.Truncation = fyne.TextTruncateEllipsis
	ctx, cancel := context.WithCancel(c.m.u.ctx)
	up.cancel = cancel
	stop := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { cancel() })
	stop.Importance = widget.LowImportance
	row := container.NewBorder(nil, nil, widget.NewIcon(theme.UploadIcon()), stop, container.NewVBox(up.label, up.bar))
	p.rows[up] = row
	p.show()
	progress := c.m.u.throttledProgress(func(done, total int64) {
		if total > 0 {
			up.bar.SetValue(float64(done) / float64(total))
		}
		up.label.SetText("Sending " + f.name + " — " + fileSize(done) + " of " + fileSize(total))
	})
	c.m.u.detached(ctx, func(ctx context.Context) func() {
		msg, err := c.m.u.svc.Files.SendFile(ctx, dialog, Upload{Path: f.path, Name: f.name, Data: f.data}, opts, progress)
		return func() {
			cancel()
			up.finished = true
			delete(p.rows, up)
			p.show()
			if errors.Is(err, context.Canceled) {
				return
			}
			if err != nil {
				if c.dialog.ID == dialog {
					showProblem(c.sendErr, err)
				}
				return
			}
			if msg.Dialog == "" {
				msg.Dialog = dialog
			}
			c.m.apply(MessageEvent{Message: msg})
		}
	})
}

// show lays out the uploads of the open dialog.
func (p *uploadsPanel) show() {
	p.box.RemoveAll()
	for up, row := range p.rows {
		if up.dialog == p.c.dialog.ID {
			p.box.Add(row)
		}
	}
	p.box.Refresh()
}

// loadPhoto fetches the picture of a photo message for the list, once.
func (c *conversation) loadPhoto(m Message) {
	if e := c.photos.get(m.Dialog, m.ID); e != nil {
		return
	}
	entry := &photoEntry{loading: true}
	c.photos.put(m.Dialog, m.ID, entry)
	c.m.u.background(func(ctx context.Context) func() {
		b, err := c.m.u.svc.Files.Photo(ctx, m.Dialog, m.ID, nil)
		var shown string
		if err == nil {
			img, derr := decodePhoto(b, thumbSide)
			clear(b)
			if derr != nil {
				shown = "This photo cannot be shown: " + derr.Error() + "."
			} else {
				entry.img = img
			}
		}
		return func() {
			entry.loading = false
			if err != nil {
				msg, _ := explain(err)
				entry.err = msg
			} else if shown != "" {
				entry.err = shown
			}
			if c.dialog.ID == m.Dialog {
				c.list.refresh(m.ID) // measured again: the picture has its own shape
			}
		}
	})
}

// viewPhoto opens a photo in the viewer, large, with Save as.
func (c *conversation) viewPhoto(m Message) {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	note := widget.NewLabel("Loading the photo…")
	note.Alignment = fyne.TextAlignCenter
	bar := widget.NewProgressBar()
	save := widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), func() { c.saveFileAs(m) })
	size := c.m.u.win.Canvas().Size()
	box := container.NewBorder(nil, container.NewHBox(layoutSpacer(), save), nil, nil,
		container.NewStack(img, container.NewCenter(container.NewVBox(note, bar))))
	d := dialog.NewCustom(photoTitle(m), "Close", container.New(&fixedSizeLayout{size: fyne.NewSize(size.Width*0.8, size.Height*0.75)}, box), c.m.u.win)
	c.m.u.trackDialog(d)
	c.viewer = d
	d.Show()
	ctx, cancel := context.WithCancel(c.m.u.ctx)
	c.m.u.trackDialog(d, cancel)
	progress := c.m.u.throttledProgress(func(done, total int64) {
		if total > 0 {
			bar.SetValue(float64(done) / float64(total))
		}
	})
	c.m.u.detached(ctx, func(ctx context.Context) func() {
		b, err := c.m.u.svc.Files.Photo(ctx, m.Dialog, m.ID, progress)
		var derr error
		if err == nil {
			decoded, e := decodePhoto(b, viewerSide)
			clear(b)
			derr = e
			if e == nil {
				img.Image = decoded
			}
		}
		return func() {
			cancel()
			bar.Hide()
			switch {
			case err != nil:
				msg, _ := explain(err)
				note.SetText(msg)
			case derr != nil:
				note.SetText("This photo cannot be shown: " + derr.Error() + ".")
			default:
				note.Hide()
				img.Refresh()
			}
		}
	})
}

func photoTitle(m Message) string {
	if m.Out {
		return "Your photo"
	}
	if m.Sender != "" {
		return "Photo from " + m.Sender
	}
	return "Photo"
}

// saveFileAs asks where to save a message's photo or file and writes it there: the one way a secret chat's
// file becomes a readable file on disk.
func (c *conversation) saveFileAs(m Message) {
	if m.Media == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		c.download(m, "Saving", func(ctx context.Context, progress Progress) (string, error) {
			err := c.m.u.svc.Files.SaveAs(ctx, m.Dialog, m.ID, w, progress)
			if cerr := w.Close(); err == nil && cerr != nil {
				err = &Problem{Message: "Tacit could not finish writing " + w.URI().Name() + ".", Err: cerr}
			}
			if err != nil {
				// Nothing half-written stays behind under the name the user chose.
				if rerr := storage.Delete(w.URI()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
					return "", errors.Join(err, rerr)
				}
			}
			return "", err
		})
	}, c.m.u.win)
	name := m.Media.Name
	if name == "" {
		name = "photo.jpg"
	}
	d.SetFileName(name)
	c.m.u.trackDialog(d)
	d.Show()
}

// openFile opens a cloud chat's file with the program the system uses for it.
func (c *conversation) openFile(m Message) {
	if m.Media == nil || c.dialog.Kind.EndToEnd() {
		return
	}
	c.download(m, "Opening", func(ctx context.Context, progress Progress) (string, error) {
		return c.m.u.svc.Files.OpenCopy(ctx, m.Dialog, m.ID, progress)
	})
}

// download runs a transfer of m's file, shown in its bubble with progress and Cancel; a path it returns is
// opened.
func (c *conversation) download(m Message, what string, run func(context.Context, Progress) (string, error)) {
	if _, busy := c.transfers[m.ID]; busy {
		return
	}
	ctx, cancel := context.WithCancel(c.m.u.ctx)
	t := &transfer{what: what, cancel: cancel}
	if m.Media != nil {
		t.total = m.Media.Size
	}
	c.transfers[m.ID] = t
	c.list.refresh(m.ID)
	progress := c.m.u.throttledProgress(func(done, total int64) {
		t.done, t.total = done, max(total, t.total)
		if c.transfers[m.ID] == t {
			c.list.view.markDirty(m.ID)
			c.list.view.place()
		}
	})
	c.m.u.detached(ctx, func(ctx context.Context) func() {
		path, err := run(ctx, progress)
		return func() {
			cancel()
			if c.transfers[m.ID] == t {
				delete(c.transfers, m.ID)
				c.list.refresh(m.ID)
			}
			if errors.Is(err, context.Canceled) {
				return
			}
			if err != nil {
				showProblem(c.loadErr, err)
				return
			}
			if path != "" {
				if oerr := c.m.u.app.OpenURL(&url.URL{Scheme: "file", Path: path}); oerr != nil {
					setError(c.loadErr, "The system could not open "+filepath.Base(path)+".")
				}
			}
		}
	})
}

// cancelTransfer stops the transfer of message id's file.
func (c *conversation) cancelTransfer(id int64) {
	if t := c.transfers[id]; t != nil {
		t.cancel()
	}
}
