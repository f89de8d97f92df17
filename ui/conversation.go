package ui

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// maxShownMessages caps the messages kept in an open conversation. Older ones are dropped from the view
// (paging them back in from history comes with the full conversation view).
const maxShownMessages = 200

// conversation is the right pane: the open dialog's messages and the composer.
type conversation struct {
	m      *mainWindow
	dialog DialogSummary // the open dialog; zero when none

	title       *widget.Label
	privacyIcon *widget.Icon
	privacy     *widget.Label
	placeholder *widget.Label
	messages    []Message
	seen        map[int64]bool
	box         *fyne.Container
	scroll      *container.Scroll
	loadErr     *widget.Label
	entry       *widget.Entry
	send        *widget.Button
	sendErr     *widget.Label
	loading     *busyIndicator
	sending     *busyIndicator
	pane        fyne.CanvasObject // header, messages and composer; hidden until a dialog is open
	content     fyne.CanvasObject

	// Secret chats: the chat's state as the Backend last described it (nil until it answered for the open
	// dialog), a counter that makes older answers stale, the key state and timer in the header, the banner
	// of an incoming request, and the line that says why the composer is off.
	secret        *SecretChatInfo
	secretGen     uint64
	keyButton     *widget.Button
	ttl           *widget.Label
	request       *fyne.Container
	requestText   *widget.Label
	accept        *widget.Button
	decline       *widget.Button
	answering     *busyIndicator
	declineDialog *dialog.ConfirmDialog // the last "Decline?" question, for the tests
	composerNote  *widget.Label
	keys          *keyScreen // the open key comparison screen, or nil

	// Cloud chats with a person: the button that starts the secret chat with them.
	startSecret  *widget.Button
	startingChat *busyIndicator

	// Marking read: the highest ID the Backend confirmed, the highest wanted, whether a MarkRead call is
	// under way, and a counter that makes the results of calls for a previously open dialog stale.
	readDone, readWant int64
	reading            bool
	readGen            uint64
}

func newConversation(m *mainWindow) *conversation {
	c := &conversation{
		m:           m,
		title:       widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		privacyIcon: widget.NewIcon(nil),
		privacy:     widget.NewLabel(""),
		placeholder: widget.NewLabel("Select a chat on the left."),
		seen:        map[int64]bool{},
		box:         container.NewVBox(),
		loadErr:     errorLabel(),
		entry:       widget.NewEntry(),
		sendErr:     errorLabel(),
		loading:     newBusy(),
	}
	c.title.SizeName = theme.SizeNameSubHeadingText
	c.title.Truncation = fyne.TextTruncateEllipsis
	c.placeholder.Alignment = fyne.TextAlignCenter
	c.placeholder.Importance = widget.LowImportance
	c.entry.SetPlaceHolder("Write a message…")
	c.entry.OnSubmitted = func(string) { c.submit() } // Enter sends
	c.send = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.submit)
	c.send.Importance = widget.HighImportance
	c.sending = newBusy(c.entry, c.send)
	c.scroll = container.NewVScroll(container.NewPadded(c.box))
	c.newSecretControls()

	header := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(c.ttl, c.loading.activity), c.title),
		container.NewHBox(c.privacyIcon, c.privacy, layoutSpacer(),
			c.startingChat.activity, c.startSecret, c.keyButton),
		c.request,
		c.loadErr,
		widget.NewSeparator(),
	)
	composer := container.NewVBox(
		widget.NewSeparator(),
		c.composerNote,
		c.sendErr,
		container.NewBorder(nil, nil, nil, container.NewHBox(c.sending.activity, container.NewCenter(c.send)), c.entry),
	)
	c.pane = container.NewBorder(header, composer, nil, nil, c.scroll)
	c.pane.Hide()
	c.content = container.NewStack(container.NewCenter(c.placeholder), container.NewPadded(c.pane))
	return c
}

// open shows dialog d and loads its newest messages. unread says d had unread messages: they are marked
// read once loaded.
func (c *conversation) open(d DialogSummary, unread bool) {
	c.setDialog(d)
	c.messages = nil
	c.seen = map[int64]bool{}
	c.readDone, c.readWant, c.reading = 0, 0, false
	c.readGen++
	c.secret = nil
	c.box.RemoveAll()
	setError(c.loadErr, "")
	setError(c.sendErr, "")
	c.entry.SetText("")
	c.placeholder.Hide()
	c.pane.Show()

	id := d.ID
	c.loading.set(true)
	c.m.u.background(func(ctx context.Context) func() {
		msgs, err := c.m.u.b.History(ctx, id, historyLimit)
		return func() {
			if c.dialog.ID != id {
				return // another dialog was opened meanwhile
			}
			c.loading.set(false)
			if err != nil {
				msg, _ := explain(err)
				setError(c.loadErr, msg)
				return
			}
			for _, m := range msgs {
				c.add(m)
			}
			if unread {
				c.markRead(c.newestID())
			}
		}
	})
	c.loadSecret()
	c.showSecret()
	if c.canWrite() {
		c.m.u.win.Canvas().Focus(c.entry)
	}
}

// setDialog updates the header for d.
func (c *conversation) setDialog(d DialogSummary) {
	c.dialog = d
	c.title.SetText(d.Title)
	c.privacy.SetText(privacyLabel(d.Kind))
	if d.Kind.EndToEnd() {
		c.privacyIcon.SetResource(theme.NewSuccessThemedResource(assets.LockIcon()))
		c.privacy.Importance = widget.SuccessImportance
	} else {
		c.privacyIcon.SetResource(theme.NewWarningThemedResource(assets.CloudIcon()))
		c.privacy.Importance = widget.WarningImportance
	}
	c.privacy.Refresh()
	if d.Kind == KindUser {
		c.startSecret.Show()
	} else {
		c.startSecret.Hide()
	}
}

// newestID returns the highest message ID shown, or 0 when none is.
func (c *conversation) newestID() int64 {
	var id int64
	for _, m := range c.messages {
		id = max(id, m.ID)
	}
	return id
}

// markRead tells the Backend that the open dialog is read up to id. Calls do not overlap: while one is under
// way, a higher id waits for it and is sent next. A failed call is not repeated until more is to be marked
// read (the next message or the next opening).
func (c *conversation) markRead(id int64) {
	if id <= 0 || c.dialog.ID == "" || id <= c.readDone {
		return
	}
	c.readWant = max(c.readWant, id)
	if c.reading {
		return
	}
	c.reading = true
	dialog, upTo, gen := c.dialog.ID, c.readWant, c.readGen
	c.m.u.background(func(ctx context.Context) func() {
		err := c.m.u.b.MarkRead(ctx, dialog, upTo)
		return func() {
			if c.readGen != gen {
				return // another dialog was opened meanwhile
			}
			c.reading = false
			if err != nil {
				c.readWant = c.readDone
				return
			}
			c.readDone = max(c.readDone, upTo)
			if c.readWant > c.readDone {
				c.markRead(c.readWant)
			}
		}
	})
}

// add appends m unless it is already shown (a sent message can come back as an event too), and reports
// whether it did.
func (c *conversation) add(m Message) bool {
	if m.ID != 0 && c.seen[m.ID] {
		return false
	}
	c.seen[m.ID] = true
	c.messages = append(c.messages, m)
	c.box.Add(messageRow(m))
	if over := len(c.messages) - maxShownMessages; over > 0 {
		for _, old := range c.messages[:over] {
			delete(c.seen, old.ID)
		}
		c.messages = slicesClone(c.messages[over:])
		c.box.Objects = c.box.Objects[over:]
		c.box.Refresh()
	}
	c.scroll.ScrollToBottom()
	return true
}

// submit sends what the composer holds. On failure the text stays in the composer.
func (c *conversation) submit() {
	text := strings.TrimSpace(c.entry.Text)
	if c.sending.active || text == "" || c.dialog.ID == "" || !c.canWrite() {
		return
	}
	setError(c.sendErr, "")
	id := c.dialog.ID
	c.sending.set(true)
	c.m.u.background(func(ctx context.Context) func() {
		msg, err := c.m.u.b.SendText(ctx, id, text)
		return func() {
			c.sending.set(false)
			c.updateComposer()
			if c.dialog.ID != id {
				return
			}
			if err != nil {
				msg, _ := explain(err)
				setError(c.sendErr, msg)
				return
			}
			c.entry.SetText("")
			if msg.Dialog == "" {
				msg.Dialog = id
			}
			c.m.apply(MessageEvent{Message: msg})
			c.m.u.win.Canvas().Focus(c.entry)
		}
	})
}

// messageRow draws one message: a tinted block, set in from the left for sent messages and from the right
// for received ones, with the author and time above the text.
func messageRow(m Message) fyne.CanvasObject {
	who := m.Sender
	if m.Out {
		who = "You"
	}
	meta := who
	if !m.Date.IsZero() {
		meta += " · " + m.Date.Local().Format("15:04")
	}
	head := widget.NewLabelWithStyle(meta, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameCaptionText
	body := wrapped(m.Text)
	body.Selectable = true

	bg := canvas.NewRectangle(bubbleColor(m.Out))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	text := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), head, body)
	bubble := container.NewStack(bg, container.NewPadded(text))
	inset := &insetLayout{right: 0.18}
	if m.Out {
		inset = &insetLayout{left: 0.18}
	}
	return container.New(inset, bubble)
}

// bubbleColor is the background of a message: a tint of the primary colour for sent messages, the input
// background for received ones.
func bubbleColor(out bool) color.Color {
	if !out {
		return theme.Color(theme.ColorNameInputBackground)
	}
	r, g, b, _ := theme.Color(theme.ColorNamePrimary).RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x40}
}

func slicesClone(m []Message) []Message { return append([]Message(nil), m...) }
