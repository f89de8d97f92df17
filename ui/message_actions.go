package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// What can be done with one message: by right click (its menu), or with the keyboard on the message
// selected in the list (Enter or R reply, E edit, Delete, Ctrl+C copy, Shift+F10 the menu).

// menuItems lists what the user may do with m.
func (c *conversation) menuItems(m Message) []*fyne.MenuItem {
	var items []*fyne.MenuItem
	if c.canWrite() && !m.Service {
		items = append(items, fyne.NewMenuItemWithIcon("Reply", theme.MailReplyIcon(), func() { c.startReply(m) }))
	}
	if m.Can.Edit && c.canWrite() {
		items = append(items, fyne.NewMenuItemWithIcon("Edit", theme.DocumentCreateIcon(), func() { c.startEdit(m) }))
	}
	if m.Text != "" {
		items = append(items, fyne.NewMenuItemWithIcon("Copy text", theme.ContentCopyIcon(), func() { c.copyText(m) }))
		items = append(items, fyne.NewMenuItemWithIcon("Select text", theme.ContentCutIcon(), func() { c.selectText(m) }))
	}
	if m.Media != nil {
		items = append(items, fyne.NewMenuItemWithIcon("Save as…", theme.DocumentSaveIcon(), func() { c.saveFileAs(m) }))
	}
	if m.Can.Forward {
		items = append(items, fyne.NewMenuItemWithIcon("Forward…", theme.MailForwardIcon(), func() { c.chooseForward(m) }))
	}
	if m.Can.DeleteForMe || m.Can.DeleteForEveryone {
		items = append(items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItemWithIcon("Delete…", theme.DeleteIcon(), func() { c.confirmDelete(m) }))
	}
	return items
}

// showMenu opens m's menu at pos (a position on the window).
func (c *conversation) showMenu(m Message, pos fyne.Position) {
	items := c.menuItems(m)
	if len(items) == 0 {
		return
	}
	menu := widget.NewPopUpMenu(fyne.NewMenu("", items...), c.m.u.win.Canvas())
	c.menu = menu
	menu.ShowAtPosition(pos)
	c.m.u.win.Canvas().Focus(menu)
}

// menuForSelected opens the menu of the message selected in the list, beside it.
func (c *conversation) menuForSelected() {
	m, ok := c.list.message(c.list.selected)
	if !ok {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.list.view)
	if r := c.list.view.rowOf(m.ID); r != nil {
		pos = fyne.CurrentApp().Driver().AbsolutePositionForObject(r.bg).Add(fyne.NewPos(24, 24))
	}
	c.showMenu(m, pos)
}

func (c *conversation) selectedMessage() (Message, bool) { return c.list.message(c.list.selected) }

func (c *conversation) replySelected() {
	if m, ok := c.selectedMessage(); ok && !m.Service {
		c.startReply(m)
	}
}

func (c *conversation) editSelected() {
	if m, ok := c.selectedMessage(); ok {
		c.startEdit(m)
	}
}

func (c *conversation) deleteSelected() {
	if m, ok := c.selectedMessage(); ok && (m.Can.DeleteForMe || m.Can.DeleteForEveryone) {
		c.confirmDelete(m)
	}
}

func (c *conversation) copySelected() {
	if m, ok := c.selectedMessage(); ok {
		c.copyText(m)
	}
}

// copyText puts m's text on the clipboard.
func (c *conversation) copyText(m Message) {
	if m.Text != "" {
		c.m.u.app.Clipboard().SetContent(m.Text)
	}
}

// selectText lets the user select part of m's text with the mouse (and copy it with Ctrl+C).
func (c *conversation) selectText(m Message) {
	old := c.selecting
	c.selecting = m.ID
	c.list.view.markDirty(old)
	c.list.view.markDirty(m.ID)
	c.list.view.place()
	if r := c.list.view.rowOf(m.ID); r != nil {
		c.m.u.win.Canvas().Focus(nil)
		r.body.Refresh()
	}
}

// showWholeText shows a text too long to draw in the list in a dialog of its own, where it can be
// selected.
func (c *conversation) showWholeText(m Message) {
	text := widget.NewLabel(m.Text)
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(560, 420))
	d := dialog.NewCustom("Message from "+senderName(m), "Close", scroll, c.m.u.win)
	c.m.u.trackDialog(d)
	d.Show()
}

// confirmDelete asks how to delete m, saying what each choice means in this kind of chat, and deletes it.
func (c *conversation) confirmDelete(m Message) {
	peer := c.dialog.Title
	var intro string
	var choices []string
	var forEveryone []bool
	switch {
	case c.dialog.Kind == KindSecret:
		intro = "This message is end-to-end encrypted; Telegram never had it."
		if m.Can.DeleteForEveryone {
			intro += " Deleting it for both of you asks " + peer + "'s app to delete its copy too; an app changed to keep " +
				"messages could ignore that."
			choices = append(choices, "Delete for both of us")
			forEveryone = append(forEveryone, true)
		}
		if m.Can.DeleteForMe {
			choices = append(choices, "Delete on this computer only — "+peer+" keeps their copy")
			forEveryone = append(forEveryone, false)
		}
	case c.dialog.Kind == KindUser:
		intro = "Telegram keeps cloud messages until they are deleted for everyone."
		if m.Can.DeleteForEveryone {
			intro += " Deleting it for both of you removes it from Telegram's servers and " + peer + "'s devices."
			choices = append(choices, "Delete for me and "+peer)
			forEveryone = append(forEveryone, true)
		}
		if m.Can.DeleteForMe {
			choices = append(choices, "Delete for me only — "+peer+" and Telegram keep it")
			forEveryone = append(forEveryone, false)
		}
	default:
		intro = "Telegram keeps cloud messages until they are deleted for everyone."
		if m.Can.DeleteForEveryone {
			choices = append(choices, "Delete for everyone in "+c.dialog.Title)
			forEveryone = append(forEveryone, true)
		}
		if m.Can.DeleteForMe {
			choices = append(choices, "Delete for me only — the others and Telegram keep it")
			forEveryone = append(forEveryone, false)
		}
	}
	if len(choices) == 0 {
		return
	}
	radio := widget.NewRadioGroup(choices, nil)
	radio.SetSelected(choices[0])
	radio.Required = true
	body := container.NewVBox(wrapped(intro), radio)
	if quote := quoteText(m); quote != "" {
		q := caption("“" + previewLine(quote, 80) + "”")
		body.Objects = append([]fyne.CanvasObject{q}, body.Objects...)
	}
	d := dialog.NewCustomConfirm("Delete the message?", "Delete", "Cancel", container.New(&widthLayout{width: 440}, body),
		func(ok bool) {
			if !ok {
				return
			}
			for i, ch := range choices {
				if radio.Selected == ch {
					c.deleteMessages([]int64{m.ID}, forEveryone[i])
				}
			}
		}, c.m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	c.m.u.trackDialog(d)
	c.deleteDialog = d
	c.deleteChoice = radio
	d.Show()
}

// deleteMessages deletes messages of the open dialog and takes them out of the list.
func (c *conversation) deleteMessages(ids []int64, forEveryone bool) {
	id := c.dialog.ID
	c.m.u.background(func(ctx context.Context) func() {
		err := c.m.u.svc.Messages.Delete(ctx, id, ids, forEveryone)
		return func() {
			if c.dialog.ID != id {
				return
			}
			if err != nil {
				showProblem(c.loadErr, err)
				return
			}
			c.list.remove(ids)
		}
	})
}

// chooseForward asks where to forward m to, then forwards it (after asking once more when a secret chat's
// message would go into a cloud chat).
func (c *conversation) chooseForward(m Message) {
	from := c.dialog
	var targets []DialogSummary
	for _, d := range c.m.dialogs {
		if d.ID != from.ID && d.CannotPost == "" {
			targets = append(targets, d)
		}
	}
	filter := newField()
	filter.SetPlaceHolder("Search chats")
	shown := targets
	var d dialog.Dialog
	list := widget.NewList(func() int { return len(shown) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(shown[i].Title + "  ·  " + privacyLabel(shown[i].Kind))
			row.Objects[1].(*widget.Icon).SetResource(c.m.chats.iconFor(shown[i].Kind))
		})
	list.OnSelected = func(i widget.ListItemID) {
		to := shown[i]
		d.Hide()
		c.forward(m, from, to)
	}
	filter.OnChanged = func(q string) {
		q = strings.ToLower(strings.TrimSpace(q))
		shown = shown[:0:0]
		for _, t := range targets {
			if q == "" || strings.Contains(strings.ToLower(t.Title), q) {
				shown = append(shown, t)
			}
		}
		list.UnselectAll()
		list.Refresh()
	}
	box := container.NewBorder(filter, nil, nil, nil, list)
	d = dialog.NewCustom("Forward to…", "Cancel", container.New(&fixedSizeLayout{size: fyne.NewSize(420, 380)}, box), c.m.u.win)
	filter.onKey = func(ev *fyne.KeyEvent) bool {
		if ev.Name == fyne.KeyEscape {
			d.Hide()
			return true
		}
		return false
	}
	c.m.u.trackDialog(d)
	c.forwardDialog = d
	c.forwardList = list
	d.Show()
	c.m.u.win.Canvas().Focus(filter)
}

// forward forwards m from one dialog into another, asking first when a secret chat's message would go
// where Telegram can read it.
func (c *conversation) forward(m Message, from, to DialogSummary) {
	do := func() {
		c.m.u.background(func(ctx context.Context) func() {
			err := c.m.u.svc.Messages.Forward(ctx, from.ID, []int64{m.ID}, to.ID)
			return func() {
				if err != nil {
					showProblem(c.loadErr, err)
					return
				}
				c.m.show(to.ID)
			}
		})
	}
	if !from.Kind.EndToEnd() || to.Kind.EndToEnd() {
		do()
		return
	}
	msg := wrapped("This message is from your secret chat with " + from.Title + ", which only the two of you can read. " +
		to.Title + " is a cloud chat: once the message is there, Telegram can read it, and it stays on Telegram's " +
		"servers until it is deleted for everyone.")
	d := dialog.NewCustomConfirm("Let Telegram read this message?", "Forward", "Cancel", container.New(&widthLayout{width: 420}, msg),
		func(ok bool) {
			if ok {
				do()
			}
		}, c.m.u.win)
	d.SetConfirmImportance(widget.WarningImportance)
	c.m.u.trackDialog(d)
	c.forwardConfirm = d
	d.Show()
}

// fixedSizeLayout gives its objects a fixed size.
type fixedSizeLayout struct{ size fyne.Size }

func (l *fixedSizeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *fixedSizeLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.size }
