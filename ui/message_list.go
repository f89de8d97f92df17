package ui

import (
	"context"
	"slices"
	"sort"
	"time"
)

// The message list keeps only a window of a conversation in memory (at most windowCap messages) and builds
// rows only for what is on screen and near it. Older pages are asked for as the view comes near the top of
// the window, newer ones near its bottom once the window no longer reaches the newest message; the far end
// of the window is dropped as it grows, so a chat of any length scrolls in constant memory. New messages
// keep the view at the bottom unless the user scrolled up; then they are counted on the jump-to-latest
// button.
const (
	pageSize   = 50
	windowCap  = 200
	edgeMargin = 800 // px: how close to an end of the window the view comes before the next page is asked for
	rowGap     = 4   // px between rows
	listPad    = 8   // px above the first row and below the last
	// overscan is how far beyond the view rows are kept built, so that small scrolls build nothing.
	overscan = 300
)

// itemKind is what a row of the list shows.
type itemKind uint8

const (
	itemMessage itemKind = iota
	itemDay              // the date of the messages below it
	itemUnread           // "Unread messages" above the first one unread when the chat was opened
)

// listItem is one row: a message (an index into messageList.msgs), a date, or the unread line.
type listItem struct {
	kind itemKind
	msg  int
	day  time.Time
}

// itemKey names a row across rebuilds of the list: a message by its ID, a date by its day.
type itemKey struct {
	kind itemKind
	id   int64
}

// messageList is the model of the conversation's message list: the window of messages, the rows made of
// them, their heights at the current width, the scroll offset and the paging state.
type messageList struct {
	c    *conversation
	view *messageView

	msgs  []Message     // the window, oldest first
	byID  map[int64]int // message ID -> index in msgs
	items []listItem
	tops  []float32 // tops[i] is the y of item i; tops[len(items)] the end of the last

	// heights caches the measured height of each row at width.
	heights map[itemKey]float32
	width   float32
	viewH   float32
	offset  float32 // y of the top of the view

	// unreadFrom is the first message that was unread when the chat was opened (the unread line goes above
	// it); 0 when none.
	unreadFrom int64

	// Paging: the window holds the newest message (atLatest); older messages exist before it (hasOlder);
	// a page is being fetched; gen makes pages asked for an earlier window stale.
	atLatest, hasOlder         bool
	loadingOlder, loadingNewer bool
	gen                        uint64

	// pinned: the view shows the end of the newest message, and new messages keep it there.
	pinned bool
	// newCount counts messages that arrived while the view was not at the bottom (the jump button shows it).
	newCount int

	// selected is the message the keyboard acts on (highlighted); 0 when none.
	selected int64
	// flash is a message briefly highlighted after a jump to it.
	flash int64
}

func newMessageList(c *conversation) *messageList {
	l := &messageList{c: c, byID: map[int64]int{}, heights: map[itemKey]float32{}, atLatest: true, pinned: true}
	l.view = newMessageView(l)
	return l
}

// reset empties the list for another dialog.
func (l *messageList) reset() {
	l.gen++
	l.msgs, l.items, l.tops = nil, nil, nil
	l.byID = map[int64]int{}
	l.heights = map[itemKey]float32{}
	l.offset, l.unreadFrom, l.selected, l.flash, l.newCount = 0, 0, 0, 0, 0
	l.atLatest, l.hasOlder, l.pinned = true, false, true
	l.loadingOlder, l.loadingNewer = false, false
	l.view.clear()
	l.c.showJump()
}

func keyOf(l *messageList, it listItem) itemKey {
	switch it.kind {
	case itemMessage:
		return itemKey{itemMessage, l.msgs[it.msg].ID}
	case itemDay:
		return itemKey{itemDay, it.day.Unix()}
	}
	return itemKey{kind: it.kind}
}

// setMessages replaces the window with msgs (oldest first) and rebuilds the rows.
func (l *messageList) setMessages(msgs []Message) {
	l.msgs = msgs
	l.index()
	l.rebuild()
}

func (l *messageList) index() {
	clear(l.byID)
	for i, m := range l.msgs {
		l.byID[m.ID] = i
	}
}

// rebuild makes the rows from the window and measures what is not measured yet.
func (l *messageList) rebuild() {
	l.items = l.items[:0]
	var lastDay time.Time
	for i, m := range l.msgs {
		day := localDay(m.Date)
		if i == 0 || !day.Equal(lastDay) {
			l.items = append(l.items, listItem{kind: itemDay, day: day})
			lastDay = day
		}
		if m.ID == l.unreadFrom && m.ID != 0 {
			l.items = append(l.items, listItem{kind: itemUnread})
		}
		l.items = append(l.items, listItem{kind: itemMessage, msg: i})
	}
	l.measure()
	l.forget()
}

// forget drops the heights of rows that left the window, so that the heights kept stay as many as the
// window's rows however far the chat is scrolled. After measure every row has its height, so more heights
// than rows means some are stale. The window is contiguous: a date outside its first and last day is not
// shown any more.
func (l *messageList) forget() {
	if len(l.heights) <= len(l.items) {
		return
	}
	var first, last int64
	if n := len(l.msgs); n > 0 {
		first, last = localDay(l.msgs[0].Date).Unix(), localDay(l.msgs[n-1].Date).Unix()
	}
	for k := range l.heights {
		switch k.kind {
		case itemMessage:
			if _, ok := l.byID[k.id]; !ok {
				delete(l.heights, k)
			}
		case itemDay:
			if len(l.msgs) == 0 || k.id < first || k.id > last {
				delete(l.heights, k)
			}
		}
	}
}

// measure computes the tops of the rows, measuring rows not measured at the current width.
func (l *messageList) measure() {
	l.tops = slices.Grow(l.tops[:0], len(l.items)+1)
	y := float32(listPad)
	for _, it := range l.items {
		l.tops = append(l.tops, y)
		y += l.height(it) + rowGap
	}
	l.tops = append(l.tops, y)
}

func (l *messageList) height(it listItem) float32 {
	if l.width <= 0 {
		return 0
	}
	k := keyOf(l, it)
	if h, ok := l.heights[k]; ok {
		return h
	}
	h := l.view.measure(it, l.width)
	l.heights[k] = h
	return h
}

// total is the height of all rows.
func (l *messageList) total() float32 {
	if len(l.tops) == 0 {
		return 0
	}
	return l.tops[len(l.tops)-1] - rowGap + listPad
}

func (l *messageList) maxOffset() float32 { return max(0, l.total()-l.viewH) }

// resized takes the view's new size: at a new width every row is measured again.
func (l *messageList) resized(width, height float32) {
	if width == l.width && height == l.viewH {
		return
	}
	anchor, delta, ok := l.anchor()
	if width != l.width {
		l.width = width
		clear(l.heights)
		l.measure()
	}
	l.viewH = height
	switch {
	case l.pinned:
		l.offset = l.maxOffset()
	case ok:
		l.restore(anchor, delta)
	}
	l.scrolled()
}

// anchor returns the first row in view and how far below the top of the view it starts, so that the view
// can be kept still while rows are added or removed above it.
func (l *messageList) anchor() (itemKey, float32, bool) {
	i := l.itemAt(l.offset)
	if i < 0 {
		return itemKey{}, 0, false
	}
	return keyOf(l, l.items[i]), l.tops[i] - l.offset, true
}

// restore scrolls so that the row k starts delta below the top of the view again.
func (l *messageList) restore(k itemKey, delta float32) {
	for i, it := range l.items {
		if keyOf(l, it) == k {
			l.offset = clamp(l.tops[i]-delta, 0, l.maxOffset())
			return
		}
	}
	l.offset = clamp(l.offset, 0, l.maxOffset())
}

// itemAt returns the row at y, or -1 when there is none.
func (l *messageList) itemAt(y float32) int {
	if len(l.items) == 0 {
		return -1
	}
	i := sort.Search(len(l.items), func(i int) bool { return l.tops[i+1] > y })
	return min(i, len(l.items)-1)
}

func clamp(v, lo, hi float32) float32 { return max(lo, min(v, hi)) }

// scrollTo moves the view to offset.
func (l *messageList) scrollTo(offset float32) {
	l.offset = clamp(offset, 0, l.maxOffset())
	l.scrolled()
}

// scrollBy moves the view by dy (positive: down, to newer messages).
func (l *messageList) scrollBy(dy float32) { l.scrollTo(l.offset + dy) }

// scrollToBottom shows the newest message of the window.
func (l *messageList) scrollToBottom() {
	l.offset = l.maxOffset()
	l.scrolled()
}

// scrolled lays the visible rows out for the offset and asks for pages near the ends of the window.
func (l *messageList) scrolled() {
	l.pinned = l.atLatest && l.offset >= l.maxOffset()-2
	if l.pinned && l.newCount > 0 {
		l.newCount = 0
		l.c.showJump()
	}
	l.view.place()
	l.edges()
}

// edges asks for the next page when the view is near an end of the window.
func (l *messageList) edges() {
	if l.width <= 0 || len(l.msgs) == 0 {
		return
	}
	if l.hasOlder && !l.loadingOlder && l.offset < edgeMargin {
		l.loadOlder()
	}
	if !l.atLatest && !l.loadingNewer && l.offset+l.viewH > l.total()-edgeMargin {
		l.loadNewer()
	}
}

// page asks the application for a page of the open dialog and hands it to apply unless the window
// changed meanwhile (another dialog, a jump).
func (l *messageList) page(p Page, busy *bool, apply func([]Message)) {
	*busy = true
	dialog, gen := l.c.dialog.ID, l.gen
	l.c.m.u.background(func(ctx context.Context) func() {
		msgs, err := l.c.m.u.svc.Messages.History(ctx, dialog, p)
		return func() {
			if l.gen != gen || l.c.dialog.ID != dialog {
				return
			}
			*busy = false
			if err != nil {
				l.c.showLoadError(err)
				return
			}
			apply(msgs)
		}
	})
}

// loadOlder adds the page before the window above it, keeping the view still, and drops the newest
// messages past windowCap.
func (l *messageList) loadOlder() {
	l.page(Page{Before: l.msgs[0].ID, Limit: pageSize}, &l.loadingOlder, func(page []Message) {
		l.hasOlder = len(page) >= pageSize
		page = l.fresh(page)
		if len(page) == 0 {
			return
		}
		anchor, delta, ok := l.anchor()
		msgs := append(page, l.msgs...)
		if over := len(msgs) - windowCap; over > 0 {
			msgs = msgs[:len(msgs)-over]
			l.atLatest = false
			l.pinned = false
		}
		l.setMessages(msgs)
		if ok {
			l.restore(anchor, delta)
		}
		l.scrolled()
	})
}

// loadNewer adds the page after the window below it and drops the oldest messages past windowCap.
func (l *messageList) loadNewer() {
	l.page(Page{After: l.msgs[len(l.msgs)-1].ID, Limit: pageSize}, &l.loadingNewer, func(page []Message) {
		if len(page) < pageSize {
			l.atLatest = true
		}
		page = l.fresh(page)
		anchor, delta, ok := l.anchor()
		msgs := append(l.msgs, page...)
		if over := len(msgs) - windowCap; over > 0 {
			msgs = msgs[over:]
			l.hasOlder = true
		}
		l.setMessages(msgs)
		if ok {
			l.restore(anchor, delta)
		}
		if l.atLatest {
			l.newCount = 0
			l.c.showJump()
		}
		l.scrolled()
	})
}

// fresh drops the messages of page already in the window.
func (l *messageList) fresh(page []Message) []Message {
	return slices.DeleteFunc(page, func(m Message) bool { _, ok := l.byID[m.ID]; return ok })
}

// loadLatest replaces the window with the newest page and shows its end (opening a chat, jumping to the
// latest message).
func (l *messageList) loadLatest(then func()) {
	l.gen++
	l.loadingOlder, l.loadingNewer = false, false
	l.page(Page{Limit: pageSize}, &l.loadingNewer, func(page []Message) {
		l.atLatest, l.hasOlder = true, len(page) >= pageSize
		l.newCount = 0
		l.c.showJump()
		l.setMessages(page)
		l.pinned = true
		l.scrollToBottom()
		if then != nil {
			then()
		}
	})
}

// jumpTo shows message id, loading the messages around it when the window does not hold it.
func (l *messageList) jumpTo(id int64) {
	if _, ok := l.byID[id]; ok {
		l.reveal(id)
		return
	}
	l.gen++
	l.loadingOlder, l.loadingNewer = false, false
	l.page(Page{Around: id, Limit: pageSize}, &l.loadingOlder, func(page []Message) {
		if len(page) == 0 {
			return
		}
		l.atLatest, l.hasOlder, l.pinned = false, true, false
		l.setMessages(page)
		l.reveal(id)
	})
}

// reveal scrolls message id into the middle of the view and highlights it for a moment.
func (l *messageList) reveal(id int64) {
	for i, it := range l.items {
		if it.kind == itemMessage && l.msgs[it.msg].ID == id {
			h := l.tops[i+1] - l.tops[i]
			l.flash = id
			l.view.markDirty(id)
			l.scrollTo(l.tops[i] - max(0, (l.viewH-h)/2))
			l.c.m.u.after(1500*time.Millisecond, func() {
				if l.flash == id {
					l.flash = 0
					l.view.markDirty(id)
					l.view.place()
				}
			})
			return
		}
	}
}

// add takes a new message of the open dialog. The window grows only when it holds the newest messages;
// the view follows when it was at the bottom (or the user sent the message), otherwise the message is
// counted on the jump button. It reports whether the message is new to the list.
func (l *messageList) add(m Message) bool {
	if i, ok := l.byID[m.ID]; ok && m.ID != 0 {
		if m.Status > l.msgs[i].Status {
			l.change(m) // a later copy of a message shown already (sent, or read)
		}
		return false
	}
	if !l.atLatest {
		if m.Out {
			l.loadLatest(nil)
		} else {
			l.newCount++
			l.c.showJump()
		}
		return true
	}
	follow := l.pinned || m.Out
	anchor, delta, ok := l.anchor()
	msgs := append(l.msgs, m)
	if over := len(msgs) - windowCap; over > 0 {
		msgs = msgs[over:]
		l.hasOlder = true
	}
	l.setMessages(msgs)
	switch {
	case follow:
		l.scrollToBottom()
	default:
		if ok {
			l.restore(anchor, delta)
		}
		l.newCount++
		l.c.showJump()
		l.scrolled()
	}
	return true
}

// change replaces a message shown (edited, sent, read, its timer started).
func (l *messageList) change(m Message) {
	i, ok := l.byID[m.ID]
	if !ok {
		return
	}
	// A message's status only moves forward (sending, sent, read): a copy taken before the send
	// finished must not bring the clock back.
	m.Status = max(m.Status, l.msgs[i].Status)
	anchor, delta, aok := l.anchor()
	l.msgs[i] = m
	delete(l.heights, itemKey{itemMessage, m.ID})
	l.view.markDirty(m.ID)
	l.measure()
	if l.pinned {
		l.scrollToBottom()
		return
	}
	if aok {
		l.restore(anchor, delta)
	}
	l.scrolled()
}

// refresh lays out again the message with this id as the list holds it (its picture or transfer changed).
func (l *messageList) refresh(id int64) {
	if i, ok := l.byID[id]; ok {
		l.change(l.msgs[i])
	}
}

// markRead shows outgoing messages as read by the other side.
func (l *messageList) markRead(upTo int64, ids []int64) {
	for i := range l.msgs {
		m := &l.msgs[i]
		if !m.Out || m.Status == StatusRead || (m.ID > upTo && !slices.Contains(ids, m.ID)) {
			continue
		}
		m.Status = StatusRead
		l.view.markDirty(m.ID)
	}
	l.view.place()
}

// remove drops messages from the window (deleted, expired).
func (l *messageList) remove(ids []int64) {
	anchor, delta, ok := l.anchor()
	n := len(l.msgs)
	l.msgs = slices.DeleteFunc(l.msgs, func(m Message) bool { return slices.Contains(ids, m.ID) })
	if len(l.msgs) == n {
		return
	}
	for _, id := range ids {
		delete(l.heights, itemKey{itemMessage, id})
		if l.selected == id {
			l.selected = 0
		}
	}
	l.index()
	l.rebuild()
	if l.pinned {
		l.scrollToBottom()
		return
	}
	if ok {
		l.restore(anchor, delta)
	}
	l.scrolled()
}

// message returns the message with id in the window.
func (l *messageList) message(id int64) (Message, bool) {
	if i, ok := l.byID[id]; ok {
		return l.msgs[i], true
	}
	return Message{}, false
}

// newest returns the newest message of the window (ok false when empty).
func (l *messageList) newest() (Message, bool) {
	if len(l.msgs) == 0 {
		return Message{}, false
	}
	return l.msgs[len(l.msgs)-1], true
}

// lastOwnEditable returns the newest message of the user's that may be edited.
func (l *messageList) lastOwnEditable() (Message, bool) {
	for i := len(l.msgs) - 1; i >= 0; i-- {
		if m := l.msgs[i]; m.Out && m.Can.Edit {
			return m, true
		}
	}
	return Message{}, false
}

// selectNext moves the keyboard's selection by one message (dir -1: older, +1: newer) and shows it.
func (l *messageList) selectNext(dir int) {
	if len(l.msgs) == 0 {
		return
	}
	i, ok := l.byID[l.selected]
	switch {
	case !ok && dir < 0:
		i = len(l.msgs) - 1
	case !ok:
		return
	default:
		i += dir
	}
	if i < 0 || i >= len(l.msgs) {
		if i >= len(l.msgs) {
			l.setSelected(0)
			l.c.focusComposer()
		}
		return
	}
	l.setSelected(l.msgs[i].ID)
	l.show(l.selected)
}

func (l *messageList) setSelected(id int64) {
	if l.selected == id {
		return
	}
	old := l.selected
	l.selected = id
	l.view.markDirty(old)
	l.view.markDirty(id)
	l.view.place()
}

// show scrolls just enough to bring message id into view.
func (l *messageList) show(id int64) {
	for i, it := range l.items {
		if it.kind == itemMessage && l.msgs[it.msg].ID == id {
			top, bottom := l.tops[i], l.tops[i+1]-rowGap
			switch {
			case top < l.offset:
				l.scrollTo(top - listPad)
			case bottom > l.offset+l.viewH:
				l.scrollTo(bottom - l.viewH + listPad)
			}
			return
		}
	}
}

// localDay is the local midnight of t.
func localDay(t time.Time) time.Time {
	t = t.Local()
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local)
}
