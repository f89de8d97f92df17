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

// chatList is the left pane: the search box (Ctrl+F) over every dialog with who can read it, and New
// chat (Ctrl+N). While something is typed in the search box, the pane shows what was found instead of the
// chats.
type chatList struct {
	m     *mainWindow
	list  *widget.List
	empty *widget.Label
	err   *widget.Label
	// offline says the connection is lost (offline.go); hidden while connected.
	offline *widget.Label
	busy    *busyIndicator
	logout  *widget.Button
	// privacy opens the privacy centre, settings the settings, lock locks the window (shown when the app
	// lock can be used).
	privacy, settings, lock *widget.Button
	// loggingOut shows the LogOut call under way.
	loggingOut *busyIndicator
	// username opens the editor of the account's public username.
	username *widget.Button
	newChat  *widget.Button
	search   *finder
	found    fyne.CanvasObject // the search's results, shown instead of the chats while searching
	chats    fyne.CanvasObject
	content  fyne.CanvasObject
}

// chatRow is one row of the chat list.
type chatRow struct {
	widget.BaseWidget
	content  fyne.CanvasObject
	icon     *widget.Icon
	title    *widget.Label
	privacy  *widget.Label
	verified *widget.Label
	last     *widget.Label
	date     *widget.Label
	unread   *widget.Label
}

func newChatList(m *mainWindow) *chatList {
	c := &chatList{
		m:     m,
		empty: wrapped("No chats yet. Find someone with New chat (Ctrl+N): by their username, or a t.me link they sent you."),
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
	c.logout = widget.NewButtonWithIcon("", theme.LogoutIcon(), func() { c.m.confirmLogOut() })
	c.logout.Importance = widget.LowImportance
	c.privacy = widget.NewButtonWithIcon("Privacy", theme.VisibilityOffIcon(), func() { c.m.u.showPrivacy() })
	c.privacy.Importance = widget.LowImportance
	c.settings = widget.NewButtonWithIcon("", theme.SettingsIcon(), func() { c.m.u.showSettings() })
	c.settings.Importance = widget.LowImportance
	c.lock = newLockButton(m.u)
	c.offline = newOfflineLine()
	c.loggingOut = newBusy(c.logout)
	c.username = widget.NewButtonWithIcon("", theme.AccountIcon(), func() { c.m.u.showUsernameDialog(nil) })
	c.username.Importance = widget.LowImportance
	c.newChat = widget.NewButtonWithIcon("New chat", theme.ContentAddIcon(), c.m.showNewChat)
	c.newChat.Importance = widget.HighImportance
	c.search = m.newFinder("Search chats, people, messages (Ctrl+F)", true)
	c.search.field.OnChanged = func(string) {
		c.m.u.touch()
		c.search.changed()
		c.showSearch(c.search.field.Text != "")
	}
	found := container.NewBorder(c.search.status, nil, nil, nil, c.search.list)
	c.search.statusBox = found
	c.found = found
	c.found.Hide()
	top := container.NewVBox(
		container.NewHBox(heading, layoutSpacer(), c.busy.activity, c.loggingOut.activity, c.newChat, c.username, c.privacy, c.settings, c.lock, c.logout),
		c.offline,
		c.search.field,
		c.err)
	c.chats = container.NewStack(c.list, container.NewPadded(c.empty))
	c.content = container.NewBorder(top, nil, nil, nil, container.NewStack(c.chats, c.found))
	return c
}

// showSearch shows the search's results (on) or the chats.
func (c *chatList) showSearch(on bool) {
	if on {
		c.chats.Hide()
		c.found.Show()
	} else {
		c.found.Hide()
		c.chats.Show()
	}
}

// focusSearch puts the keyboard into the search box (Ctrl+F).
func (c *chatList) focusSearch() {
	c.m.u.win.Canvas().Focus(c.search.field)
}

// closeSearch empties the search box and shows the chats again; it reports whether there was a search.
func (c *chatList) closeSearch() bool {
	if c.search.field.Text == "" && c.m.u.win.Canvas().Focused() != c.search.field {
		return false
	}
	c.search.field.SetText("")
	c.showSearch(false)
	c.m.conv.focusComposer()
	return true
}

func (c *chatList) newRow() fyne.CanvasObject {
	r := &chatRow{
		icon:     widget.NewIcon(nil),
		title:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		privacy:  widget.NewLabel(""),
		verified: widget.NewLabelWithStyle("✓ keys compared", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		last:     widget.NewLabel(""),
		date:     widget.NewLabel(""),
		unread:   widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
	}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.last.Truncation = fyne.TextTruncateEllipsis
	r.privacy.SizeName = theme.SizeNameCaptionText
	r.verified.SizeName = theme.SizeNameCaptionText
	r.verified.Importance = widget.SuccessImportance
	r.verified.Hide()
	r.date.SizeName = theme.SizeNameCaptionText
	r.date.Importance = widget.LowImportance
	r.unread.Importance = widget.HighImportance
	// The labels' own padding is generous; pull the three lines of a row together.
	tight := layout.NewCustomPaddedVBoxLayout(-2 * theme.Padding())
	r.content = container.New(tight,
		container.NewBorder(nil, nil, nil, r.date, r.title),
		container.NewBorder(nil, nil, r.icon, r.unread, container.NewHBox(r.privacy, r.verified)),
		r.last,
	)
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row's widgets.
func (r *chatRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// iconFor is the icon that says who can read a dialog of kind k.
func (c *chatList) iconFor(k DialogKind) fyne.Resource {
	if k.EndToEnd() {
		return theme.NewSuccessThemedResource(assets.LockIcon())
	}
	return theme.NewWarningThemedResource(assets.CloudIcon())
}

func (c *chatList) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(c.m.dialogs) {
		return
	}
	d := c.m.dialogs[id]
	r := o.(*chatRow)
	r.title.SetText(d.Title)
	showPrivacy(r.icon, r.privacy, d)
	if d.Kind == KindSecret && d.Verified {
		r.verified.Show()
	} else {
		r.verified.Hide()
	}
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
	} else {
		c.list.UnselectAll()
	}
	c.m.updateTitle()
}

func (c *chatList) refreshItem(i int) { c.list.RefreshItem(i) }

func (c *chatList) showError(msg string) { setError(c.err, msg) }
