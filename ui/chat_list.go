package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// chatList is the left pane: every dialog with who can read it.
type chatList struct {
	m      *mainWindow
	list   *widget.List
	empty  *widget.Label
	err    *widget.Label
	busy   *busyIndicator
	logout *widget.Button
	// loggingOut shows the LogOut call under way.
	loggingOut *busyIndicator
	content    fyne.CanvasObject

	lock, cloud fyne.Resource
}

// chatRow is one row of the chat list.
type chatRow struct {
	widget.BaseWidget
	content fyne.CanvasObject
	icon    *widget.Icon
	title   *widget.Label
	privacy *widget.Label
	last    *widget.Label
	date    *widget.Label
	unread  *widget.Label
}

func newChatList(m *mainWindow) *chatList {
	c := &chatList{
		m:     m,
		lock:  theme.NewSuccessThemedResource(assets.LockIcon()),
		cloud: theme.NewWarningThemedResource(assets.CloudIcon()),
		empty: wrapped("No chats yet."),
		err:   errorLabel(),
		busy:  newBusy(),
	}
	c.empty.Importance = widget.LowImportance
	c.empty.Hide()
	c.list = widget.NewList(
		func() int { return len(c.m.dialogs) },
		c.newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { c.updateRow(id, o) },
	)
	c.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(c.m.dialogs) {
			c.m.open(c.m.dialogs[id].ID)
		}
	}
	heading := widget.NewLabelWithStyle("Chats", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	c.logout = widget.NewButtonWithIcon("Log out", theme.LogoutIcon(), func() { c.m.confirmLogOut() })
	c.logout.Importance = widget.LowImportance
	c.loggingOut = newBusy(c.logout)
	top := container.NewVBox(
		container.NewHBox(heading, layoutSpacer(), c.busy.activity, c.loggingOut.activity, c.logout), c.err)
	c.content = container.NewBorder(top, nil, nil, nil, container.NewStack(c.list, container.NewPadded(c.empty)))
	return c
}

func (c *chatList) newRow() fyne.CanvasObject {
	r := &chatRow{
		icon:    widget.NewIcon(c.lock),
		title:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		privacy: widget.NewLabel(""),
		last:    widget.NewLabel(""),
		date:    widget.NewLabel(""),
		unread:  widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
	}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.last.Truncation = fyne.TextTruncateEllipsis
	r.privacy.SizeName = theme.SizeNameCaptionText
	r.date.SizeName = theme.SizeNameCaptionText
	r.date.Importance = widget.LowImportance
	r.unread.Importance = widget.HighImportance
	// The labels' own padding is generous; pull the three lines of a row together.
	tight := layout.NewCustomPaddedVBoxLayout(-2 * theme.Padding())
	r.content = container.New(tight,
		container.NewBorder(nil, nil, nil, r.date, r.title),
		container.NewBorder(nil, nil, r.icon, r.unread, r.privacy),
		r.last,
	)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row's widgets.
func (r *chatRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (c *chatList) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(c.m.dialogs) {
		return
	}
	d := c.m.dialogs[id]
	r := o.(*chatRow)
	r.title.SetText(d.Title)
	r.privacy.SetText(privacyLabel(d.Kind))
	if d.Kind.EndToEnd() {
		r.icon.SetResource(c.lock)
		r.privacy.Importance = widget.SuccessImportance
	} else {
		r.icon.SetResource(c.cloud)
		r.privacy.Importance = widget.WarningImportance
	}
	r.privacy.Refresh()
	r.last.SetText(previewLine(d.LastMessage, 80))
	r.date.SetText(shortTime(d.LastDate, c.m.now()))
	if d.Unread > 0 {
		r.unread.SetText(strconv.Itoa(d.Unread))
	} else {
		r.unread.SetText("")
	}
}

// refresh redraws the whole list and keeps the open dialog selected.
func (c *chatList) refresh() {
	if len(c.m.dialogs) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.list.Refresh()
	if open := c.m.conv.dialog.ID; open != "" {
		if i := c.m.index(open); i >= 0 {
			c.list.Select(i) // no-op when already selected
		}
	}
}

func (c *chatList) refreshItem(i int) { c.list.RefreshItem(i) }

func (c *chatList) showError(msg string) { setError(c.err, msg) }
