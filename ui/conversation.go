package ui

import (
	"context"
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// typingShownFor is how long "typing…" stays in the header after the last typing notice.
const typingShownFor = 6 * time.Second

// conversation is the right pane: the open dialog's header, its message list and the composer.
type conversation struct {
	m      *mainWindow
	dialog DialogSummary // the open dialog; zero when none

	title       *widget.Label
	privacyIcon *widget.Icon
	privacy     *widget.Label
	typing      *widget.Label
	placeholder *widget.Label
	list        *messageList
	jump        *widget.Button // jump to the latest message, with the count of new ones
	loadErr     *widget.Label
	loading     *busyIndicator
	pane        fyne.CanvasObject // header, messages and composer; hidden until a dialog is open
	content     fyne.CanvasObject

	// typingStop ends the "typing…" shown in the header.
	typingStop func()

	composer

	// Secret chats: the chat's state as the application last described it (nil until it answered for the open
	// dialog), a counter that makes older answers stale, the key state and timer in the header, the banner
	// of an incoming request.
	secret        *SecretChatInfo
	secretGen     uint64
	keyButton     *widget.Button
	ttl           *widget.Button
	chatMenu      *widget.Button
	request       *fyne.Container
	requestText   *widget.Label
	accept        *widget.Button
	decline       *widget.Button
	answering     *busyIndicator
	declineDialog *dialog.ConfirmDialog // the last "Decline?" question, for the tests
	notice        *widget.Label         // what the user should know about the chat (the peer's app is newer)
	keys          *keyScreen            // the open key comparison screen, or nil

	// Cloud chats with a person: the button that starts the secret chat with them.
	startSecret  *widget.Button
	startingChat *busyIndicator

	// Files: the pictures of photos shown, downloads under way by message, uploads under way.
	photos    *photoCache
	transfers map[int64]*transfer
	uploads   *uploadsPanel

	// selecting is the message whose text can be selected with the mouse ("Select text"); 0 when none.
	selecting int64

	// Marking read: the highest ID the application confirmed, the highest wanted, whether a MarkRead call is
	// under way, and a counter that makes the results of calls for a previously open dialog stale.
	readDone, readWant int64
	reading            bool
	readMore           bool // a secret chat was asked to be marked read again while a call was under way
	readGen            uint64

	// stopTick ends the countdown ticker of self-destructing messages.
	stopTick func()

	// The last menu and dialogs shown, for the tests.
	menu           *widget.PopUpMenu
	deleteDialog   *dialog.ConfirmDialog
	deleteChoice   *widget.RadioGroup
	forwardDialog  dialog.Dialog
	forwardList    *widget.List
	forwardConfirm *dialog.ConfirmDialog
	sendDialog     *dialog.ConfirmDialog
	viewer         dialog.Dialog
	endDialog      *dialog.ConfirmDialog
	emojiPicker    *widget.PopUp
}

func newConversation(m *mainWindow) *conversation {
	c := &conversation{
		m:           m,
		title:       widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		privacyIcon: widget.NewIcon(nil),
		privacy:     widget.NewLabel(""),
		typing:      widget.NewLabel(""),
		placeholder: widget.NewLabel("Select a chat on the left, or start one with New chat (Ctrl+N)."),
		loadErr:     errorLabel(),
		loading:     newBusy(),
		photos:      newPhotoCache(48),
		transfers:   map[int64]*transfer{},
		typingStop:  func() {},
		stopTick:    func() {},
	}
	c.title.SizeName = theme.SizeNameSubHeadingText
	c.title.Truncation = fyne.TextTruncateEllipsis
	c.typing.Importance = widget.HighImportance
	c.typing.TextStyle = fyne.TextStyle{Italic: true}
	c.typing.Hide()
	c.placeholder.Alignment = fyne.TextAlignCenter
	c.placeholder.Importance = widget.LowImportance
	c.placeholder.Wrapping = fyne.TextWrapWord
	c.list = newMessageList(c)
	c.jump = widget.NewButtonWithIcon("", theme.MoveDownIcon(), c.jumpToLatest)
	c.jump.Importance = widget.HighImportance
	c.jump.Hide()
	c.newComposer()
	c.newSecretControls()
	c.uploads = newUploadsPanel(c)

	// The title and the privacy line give way (cut with "…") to the buttons beside them, so that the header
	// never needs more width than the window has: a window that grows does not shrink back.
	c.privacy.Truncation = fyne.TextTruncateEllipsis
	header := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(c.loading.activity, c.ttl, c.chatMenu),
			container.NewBorder(nil, nil, nil, c.typing, c.title)),
		container.NewBorder(nil, nil, c.privacyIcon, container.NewHBox(c.startingChat.activity, c.startSecret, c.keyButton),
			c.privacy),
		c.request,
		c.notice,
		c.loadErr,
		widget.NewSeparator(),
	)
	messages := container.NewStack(c.list.view,
		container.NewVBox(layoutSpacer(), container.NewHBox(layoutSpacer(), c.jump, widget.NewLabel(" "))))
	bottom := container.NewVBox(c.uploads.content, c.composer.content)
	c.pane = container.NewBorder(header, bottom, nil, nil, messages)
	c.pane.Hide()
	c.content = container.NewStack(container.NewCenter(container.New(&widthLayout{width: 360}, c.placeholder)),
		container.NewPadded(c.pane))
	return c
}

// open shows dialog d and loads its newest messages. unread says how many were unread: the unread line
// goes above the first of them, and they are marked read once shown.
func (c *conversation) open(d DialogSummary, unread int) {
	c.closeDialog()
	c.setDialog(d)
	c.readDone, c.readWant, c.reading, c.readMore = 0, 0, false, false
	c.readGen++
	c.secret = nil
	c.list.reset()
	setError(c.loadErr, "")
	c.resetComposer()
	c.placeholder.Hide()
	c.pane.Show()

	c.loading.set(true)
	c.list.loadLatest(func() {
		c.loading.set(false)
		c.markUnreadLine(unread)
		if unread > 0 {
			c.markRead(c.newestID())
		}
		c.startTicker()
	})
	c.loadSecret()
	c.showSecret()
	c.focusComposer()
}

// closeDialog forgets what belonged to the dialog that was open.
func (c *conversation) closeDialog() {
	c.typingStop()
	c.typing.Hide()
	c.stopTick()
	c.stopTick = func() {}
	c.selecting = 0
	for id, t := range c.transfers {
		t.cancel()
		delete(c.transfers, id)
	}
}

// markUnreadLine puts the unread line above the first of the newest unread incoming messages, and shows
// it at the top of the view when they do not all fit.
func (c *conversation) markUnreadLine(unread int) {
	if unread <= 0 {
		return
	}
	l := c.list
	first := int64(0)
	for i := len(l.msgs) - 1; i >= 0 && unread > 0; i-- {
		if !l.msgs[i].Out {
			first = l.msgs[i].ID
			unread--
		}
	}
	if first == 0 {
		return
	}
	l.unreadFrom = first
	l.rebuild()
	for i, it := range l.items {
		if it.kind == itemUnread {
			if l.total()-l.tops[i] > l.viewH {
				l.pinned = false
				l.scrollTo(l.tops[i] - listPad)
			} else {
				l.scrollToBottom()
			}
			return
		}
	}
}

// setDialog updates the header for d.
func (c *conversation) setDialog(d DialogSummary) {
	c.dialog = d
	c.title.SetText(d.Title)
	showPrivacy(c.privacyIcon, c.privacy, d)
	if d.Kind == KindUser || d.Kind == KindSecret && d.Closed {
		c.startSecret.SetText("Start secret chat")
		if d.Kind == KindSecret {
			c.startSecret.SetText("Start a new secret chat")
		}
		c.startSecret.Show()
	} else {
		c.startSecret.Hide()
	}
	if d.Kind == KindSecret && d.Closed {
		// Until the chat's own state is loaded: an ended chat has no key to compare and no timer.
		c.keyButton.Hide()
		c.ttl.Hide()
	}
	c.updateChatMenu()
	c.updateComposer()
}

// newestID returns the ID of the newest message shown, or 0 when none is.
func (c *conversation) newestID() int64 {
	if m, ok := c.list.newest(); ok {
		return m.ID
	}
	return 0
}

// showLoadError shows why messages could not be loaded.
func (c *conversation) showLoadError(err error) {
	c.loading.set(false)
	showProblem(c.loadErr, err)
}

// showJump shows the jump-to-latest button when the view is away from the newest message, with the count
// of messages that arrived meanwhile.
func (c *conversation) showJump() {
	l := c.list
	if (l.pinned && l.atLatest) || c.dialog.ID == "" || len(l.msgs) == 0 {
		c.jump.Hide()
		return
	}
	c.jump.SetText("")
	if l.newCount > 0 {
		c.jump.SetText(strconv.Itoa(l.newCount))
	}
	c.jump.Show()
}

// jumpToLatest shows the newest message, fetching it when the window no longer holds it.
func (c *conversation) jumpToLatest() {
	l := c.list
	if l.atLatest {
		l.newCount = 0
		l.scrollToBottom()
		c.showJump()
		return
	}
	l.loadLatest(nil)
}

// jumpToQuote shows the message a reply answers.
func (c *conversation) jumpToQuote(m Message) {
	if m.Reply != nil && m.Reply.ID != 0 {
		c.list.jumpTo(m.Reply.ID)
	}
}

// markRead tells the application that the open dialog is read up to id. Calls do not overlap: while one is under
// way, a higher id waits for it and is sent next. A failed call is not repeated until more is to be marked
// read (the next message or the next opening).
func (c *conversation) markRead(id int64) {
	// A secret chat's message ids are random, not ordered: the application marks the whole chat read, so
	// every call there asks again.
	secretChat := c.dialog.Kind.EndToEnd()
	if c.dialog.ID == "" || (!secretChat && (id <= 0 || id <= c.readDone)) {
		return
	}
	if secretChat {
		c.readWant, c.readMore = id, true
	} else {
		c.readWant = max(c.readWant, id)
	}
	if c.reading {
		return
	}
	c.reading, c.readMore = true, false
	dialog, upTo, gen := c.dialog.ID, c.readWant, c.readGen
	c.m.u.background(func(ctx context.Context) func() {
		err := c.m.u.svc.Messages.MarkRead(ctx, dialog, upTo)
		return func() {
			if c.readGen != gen {
				return // another dialog was opened meanwhile
			}
			c.reading = false
			if err != nil {
				c.readWant, c.readMore = c.readDone, false
				return
			}
			c.readDone = max(c.readDone, upTo)
			if c.readMore || (!secretChat && c.readWant > c.readDone) {
				c.markRead(c.readWant)
			}
		}
	})
}

// add shows a new message of the open dialog unless it is shown already (a sent message can come back as
// an event too), and reports whether it was new.
func (c *conversation) add(m Message) bool {
	if !c.list.add(m) {
		return false
	}
	if !m.Out {
		c.stopTyping()
	}
	c.startTicker()
	return true
}

// showTyping shows "NAME is typing…" in the header for a few seconds.
func (c *conversation) showTyping(who string) {
	text := "typing…"
	if c.dialog.Kind == KindGroup && who != "" {
		text = who + " is typing…"
	}
	c.typing.SetText(text)
	c.typing.Show()
	c.typingStop()
	c.typingStop = c.m.u.after(typingShownFor, c.stopTyping)
}

func (c *conversation) stopTyping() {
	c.typingStop()
	c.typingStop = func() {}
	c.typing.Hide()
}

// startTicker runs the countdown of self-destructing messages once a second while the window holds any.
func (c *conversation) startTicker() {
	c.stopTick()
	c.stopTick = func() {}
	for _, m := range c.list.msgs {
		if !m.ExpiresAt.IsZero() {
			c.stopTick = c.m.u.every(time.Second, c.tick)
			return
		}
	}
}

// tick updates the countdowns shown and takes expired messages out of the view (the application deletes
// them from the store at the same time and says so with a MessagesDeletedEvent).
func (c *conversation) tick() {
	now := c.m.now()
	var expired []int64
	for _, m := range c.list.msgs {
		if !m.ExpiresAt.IsZero() && !now.Before(m.ExpiresAt) {
			expired = append(expired, m.ID)
		}
	}
	if len(expired) > 0 {
		c.list.remove(expired)
	}
	for _, r := range c.list.view.active {
		if r.item.kind == itemMessage && !r.msg.ExpiresAt.IsZero() {
			r.tick()
		}
	}
	if len(expired) > 0 {
		c.startTicker()
	}
}

// bubbleColor is the background of a message: a tint of the primary colour for sent messages, the input
// background for received ones.
func bubbleColor(out bool) color.Color {
	if !out {
		return theme.Color(theme.ColorNameInputBackground)
	}
	return primaryTint(0x40)
}
