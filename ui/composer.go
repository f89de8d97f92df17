package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// typingEvery is how often the other side is told that the user is still typing.
const typingEvery = 5 * time.Second

// composerRows is the most lines the composer grows to before it scrolls.
const composerRows = 6

// counterFrom is how close to the limit a message gets before the composer shows its length.
const counterFrom = 300

// composer is where the user writes: several lines (Enter sends, Shift+Enter starts a new line), the
// message it replies to or edits, files, emoji, the length as it nears the limit. Where the user cannot
// write, a line says why instead.
type composer struct {
	entry        *field
	send         *widget.Button
	attach       *widget.Button
	emoji        *widget.Button
	sendErr      *widget.Label
	composerNote *widget.Label // why the user cannot write here
	counter      *widget.Label
	sending      *busyIndicator
	input        *fyne.Container // the row of the entry and its buttons

	// The bar above the entry: the message replied to or edited, with a button to stop.
	bar       *fyne.Container
	barTitle  *widget.Label
	barText   *widget.Label
	barCancel *widget.Button
	replyTo   *Message
	editing   *Message

	lastTyping time.Time
	content    fyne.CanvasObject
}

func (c *conversation) newComposer() {
	k := &c.composer
	k.entry = newMultiLineField()
	k.entry.SetPlaceHolder("Write a message…")
	k.entry.SetMinRowsVisible(1)
	k.entry.onKey = c.composerKey
	k.entry.onShortcut = c.composerShortcut
	k.entry.OnChanged = func(string) { c.textChanged() }
	k.send = widget.NewButtonWithIcon("", theme.MailSendIcon(), c.submit)
	k.send.Importance = widget.HighImportance
	k.attach = widget.NewButtonWithIcon("", theme.MailAttachmentIcon(), c.chooseFiles)
	k.attach.Importance = widget.LowImportance
	k.emoji = widget.NewButton("☺", c.showEmoji)
	k.emoji.Importance = widget.LowImportance
	k.sending = newBusy(k.entry, k.send, k.attach)
	k.sendErr = errorLabel()
	k.counter = widget.NewLabel("")
	k.counter.SizeName = theme.SizeNameCaptionText
	k.counter.Alignment = fyne.TextAlignTrailing
	k.counter.Hide()
	k.composerNote = wrapped("")
	k.composerNote.Alignment = fyne.TextAlignCenter
	k.composerNote.Hide()

	k.barTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	k.barTitle.SizeName = theme.SizeNameCaptionText
	k.barText = widget.NewLabel("")
	k.barText.SizeName = theme.SizeNameCaptionText
	k.barText.Truncation = fyne.TextTruncateEllipsis
	k.barCancel = widget.NewButtonWithIcon("", theme.CancelIcon(), c.cancelBar)
	k.barCancel.Importance = widget.LowImportance
	k.bar = container.NewBorder(nil, nil, widget.NewIcon(theme.MailReplyIcon()), k.barCancel,
		container.New(tightVBox(), k.barTitle, k.barText))
	k.bar.Hide()

	k.input = container.NewBorder(nil, nil, k.attach,
		container.NewHBox(k.emoji, k.sending.activity, container.NewCenter(k.send)),
		container.New(&maxHeightLayout{height: 160}, k.entry))
	k.content = container.NewVBox(
		widget.NewSeparator(),
		k.composerNote,
		k.sendErr,
		k.bar,
		k.input,
		k.counter,
	)
}

// resetComposer empties the composer for another dialog.
func (c *conversation) resetComposer() {
	c.replyTo, c.editing = nil, nil
	c.bar.Hide()
	setError(c.sendErr, "")
	c.entry.SetText("")
	c.counter.Hide()
	c.lastTyping = time.Time{}
}

// focusComposer gives the composer the keyboard when the user may write.
func (c *conversation) focusComposer() {
	if c.canWrite() && c.dialog.ID != "" {
		c.m.u.win.Canvas().Focus(c.entry)
	}
}

// canWrite reports whether the composer may send in the open dialog: not where the application says the
// user cannot post, and in a secret chat only once it is ready.
func (c *conversation) canWrite() bool {
	if c.dialog.CannotPost != "" {
		return false
	}
	if c.dialog.Kind != KindSecret {
		return true
	}
	return c.secret != nil && c.secret.State == SecretReady
}

// updateComposer turns the composer on or off for the open dialog, and shows why it is off where the user
// cannot post at all.
func (c *conversation) updateComposer() {
	if c.sending.active {
		return // sending.set(false) calls back here
	}
	if c.dialog.CannotPost != "" {
		c.input.Hide()
		c.setComposerNote(c.dialog.CannotPost)
	} else {
		c.input.Show()
	}
	if c.canWrite() {
		c.entry.Enable()
		c.send.Enable()
		c.attach.Enable()
		c.emoji.Enable()
	} else {
		c.entry.Disable()
		c.send.Disable()
		c.attach.Disable()
		c.emoji.Disable()
	}
	c.textChanged()
}

func (c *conversation) setComposerNote(text string) {
	if text == "" && c.dialog.CannotPost != "" {
		text = c.dialog.CannotPost
	}
	c.composerNote.SetText(text)
	if text == "" {
		c.composerNote.Hide()
	} else {
		c.composerNote.Show()
	}
}

// composerKey: Enter sends, Shift+Enter starts a new line, Up in an empty composer edits the user's last
// message, Esc stops a reply or an edit.
func (c *conversation) composerKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.entry.shift {
			return false // the entry adds a line
		}
		c.submit()
		return true
	case fyne.KeyUp:
		if c.entry.Text == "" && c.editing == nil {
			if m, ok := c.list.lastOwnEditable(); ok {
				c.startEdit(m)
				return true
			}
		}
	case fyne.KeyEscape:
		if c.replyTo != nil || c.editing != nil {
			c.cancelBar()
			return true
		}
		c.m.u.escape()
		return true
	}
	return false
}

// composerShortcut: pasting files or a picture offers to send them; the window's shortcuts work here.
func (c *conversation) composerShortcut(s fyne.Shortcut) bool {
	if p, ok := s.(*fyne.ShortcutPaste); ok {
		return c.paste(p.Clipboard)
	}
	return c.m.shortcut(s)
}

// textChanged updates the length counter and tells the other side the user is typing.
func (c *conversation) textChanged() {
	c.m.u.touch() // typing keeps the window from locking
	n, limit := c.m.u.svc.Rules.MessageLength(c.entry.Text)
	c.entry.SetMinRowsVisible(min(strings.Count(c.entry.Text, "\n")+1, composerRows))
	switch {
	case n > limit:
		c.counter.SetText(formatCount(n) + " / " + formatCount(limit) + " — too long to send")
		c.counter.Importance = widget.DangerImportance
		c.counter.Show()
	case n > limit-counterFrom:
		c.counter.SetText(formatCount(n) + " / " + formatCount(limit))
		c.counter.Importance = widget.WarningImportance
		c.counter.Show()
	default:
		c.counter.Hide()
	}
	c.counter.Refresh()
	if c.canWrite() && !c.sending.active {
		if n > limit {
			c.send.Disable()
		} else {
			c.send.Enable()
		}
	}
	if n > 0 && c.editing == nil && c.canWrite() {
		c.sendTyping()
	}
}

// sendTyping tells the other side that the user types, at most every typingEvery.
func (c *conversation) sendTyping() {
	now := c.m.now()
	if now.Sub(c.lastTyping) < typingEvery {
		return
	}
	c.lastTyping = now
	id := c.dialog.ID
	c.m.u.background(func(ctx context.Context) func() {
		// A lost typing notice is not worth telling the user about.
		if err := c.m.u.svc.Messages.Typing(ctx, id); err != nil {
			return nil
		}
		return nil
	})
}

// formatCount writes n with thousands separated: 4,096.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// submit sends what the composer holds, or saves the edit. On failure the text stays in the composer.
func (c *conversation) submit() {
	text := strings.TrimSpace(c.entry.Text)
	if c.sending.active || text == "" || c.dialog.ID == "" || !c.canWrite() {
		return
	}
	if n, limit := c.m.u.svc.Rules.MessageLength(text); n > limit {
		return
	}
	setError(c.sendErr, "")
	id := c.dialog.ID
	editing, replyTo := c.editing, c.replyTo
	c.sending.set(true)
	c.m.u.background(func(ctx context.Context) func() {
		var msg Message
		var err error
		if editing != nil {
			msg, err = c.m.u.svc.Messages.Edit(ctx, id, editing.ID, text)
		} else {
			var opts SendOptions
			if replyTo != nil {
				opts.ReplyTo = replyTo.ID
			}
			msg, err = c.m.u.svc.Messages.SendText(ctx, id, text, opts)
		}
		return func() {
			c.sending.set(false)
			c.updateComposer()
			if c.dialog.ID != id {
				return
			}
			if err != nil {
				showProblem(c.sendErr, err)
				return
			}
			c.entry.SetText("")
			c.replyTo, c.editing = nil, nil
			c.bar.Hide()
			if msg.Dialog == "" {
				msg.Dialog = id
			}
			if editing != nil {
				c.list.change(msg)
			} else {
				c.m.apply(MessageEvent{Message: msg})
			}
			c.focusComposer()
		}
	})
}

// startReply makes the next message a reply to m.
func (c *conversation) startReply(m Message) {
	if !c.canWrite() {
		return
	}
	c.editing = nil
	c.replyTo = &m
	c.barTitle.SetText("Reply to " + senderName(m))
	c.barText.SetText(quoteText(m))
	c.bar.Show()
	c.focusComposer()
}

// startEdit puts m's text into the composer to change it.
func (c *conversation) startEdit(m Message) {
	if !m.Can.Edit || !c.canWrite() {
		return
	}
	c.replyTo = nil
	c.editing = &m
	c.barTitle.SetText("Edit message")
	c.barText.SetText(previewLine(m.Text, 120))
	c.bar.Show()
	c.entry.SetText(m.Text)
	c.entry.CursorRow = strings.Count(m.Text, "\n")
	c.focusComposer()
}

// cancelBar stops replying or editing.
func (c *conversation) cancelBar() {
	if c.editing != nil {
		c.entry.SetText("")
	}
	c.replyTo, c.editing = nil, nil
	c.bar.Hide()
	c.focusComposer()
}

// senderName names the author of m the way a quote does.
func senderName(m Message) string {
	if m.Out {
		return "You"
	}
	if m.Sender == "" {
		return "Message"
	}
	return m.Sender
}

// quoteText says what a quoted message holds.
func quoteText(m Message) string {
	text := previewLine(m.Text, 120)
	if text != "" {
		return text
	}
	if m.Media != nil {
		if m.Media.Kind == MediaPhoto {
			return "Photo"
		}
		if m.Media.Name != "" {
			return m.Media.Name
		}
		return "File"
	}
	return ""
}

// maxHeightLayout gives its object its minimum height up to a limit, and all the width: a composer that
// grows with its lines and then scrolls.
type maxHeightLayout struct{ height float32 }

func (l *maxHeightLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *maxHeightLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	s.Height = min(s.Height, l.height)
	return s
}

// tightVBox stacks labels without the space between their own paddings.
func tightVBox() fyne.Layout { return layout.NewCustomPaddedVBoxLayout(-2 * theme.Padding()) }
