package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// messageView draws the message list: the rows near the view, placed by the list's offsets inside a clip,
// and a scroll bar. It scrolls with the wheel and the bar, and takes the keyboard when focused: Up and Down
// move between messages, Page Up and Page Down scroll, Enter (or R) replies, E edits, Delete deletes,
// Ctrl+C copies, Shift+F10 opens the message's menu.
type messageView struct {
	widget.BaseWidget
	l        *messageList
	rows     *fyne.Container
	clip     *container.Clip
	bar      *scrollBar
	active   map[itemKey]*messageRow
	free     []*messageRow
	dirty    map[int64]bool
	measurer *messageRow
	focused  bool
	shift    bool
}

func newMessageView(l *messageList) *messageView {
	v := &messageView{l: l, rows: container.NewWithoutLayout(), active: map[itemKey]*messageRow{}, dirty: map[int64]bool{}}
	v.clip = container.NewClip(v.rows)
	v.bar = newScrollBar(l)
	v.measurer = newMessageRow(v)
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *messageView) CreateRenderer() fyne.WidgetRenderer { return &messageViewRenderer{v: v} }

type messageViewRenderer struct{ v *messageView }

func (r *messageViewRenderer) Layout(size fyne.Size) {
	r.v.clip.Resize(size)
	r.v.rows.Resize(size)
	r.v.l.resized(size.Width, size.Height)
}

func (r *messageViewRenderer) MinSize() fyne.Size { return fyne.NewSize(120, 120) }
func (r *messageViewRenderer) Refresh()           { r.v.place() }
func (r *messageViewRenderer) Destroy()           {}
func (r *messageViewRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.v.clip, r.v.bar}
}

// measure returns the height of the row for it at width.
func (v *messageView) measure(it listItem, width float32) float32 {
	v.measurer.set(it)
	return v.measurer.heightAt(width)
}

// markDirty makes the row of message id draw itself again at the next place.
func (v *messageView) markDirty(id int64) {
	if id != 0 {
		v.dirty[id] = true
	}
}

// clear drops every row (another dialog opens).
func (v *messageView) clear() {
	for k, r := range v.active {
		r.Hide()
		v.free = append(v.free, r)
		delete(v.active, k)
	}
	clear(v.dirty)
	v.bar.update()
}

// place builds and positions the rows in and near the view; rows further away are hidden and reused.
func (v *messageView) place() {
	l := v.l
	want := map[itemKey]int{}
	if l.width > 0 && len(l.items) > 0 {
		first := l.itemAt(l.offset - overscan)
		for i := first; i >= 0 && i < len(l.items) && l.tops[i] < l.offset+l.viewH+overscan; i++ {
			want[keyOf(l, l.items[i])] = i
		}
	}
	for k, r := range v.active {
		if _, ok := want[k]; !ok {
			r.Hide()
			v.free = append(v.free, r)
			delete(v.active, k)
		}
	}
	for k, i := range want {
		it := l.items[i]
		r, ok := v.active[k]
		if !ok {
			r = v.row()
			v.active[k] = r
			r.set(it)
		} else if it.kind == itemMessage && v.dirty[l.msgs[it.msg].ID] || r.item != it {
			r.set(it)
		}
		r.Move(fyne.NewPos(0, l.tops[i]-l.offset))
		r.Resize(fyne.NewSize(l.width, l.tops[i+1]-l.tops[i]-rowGap))
		r.Show()
	}
	clear(v.dirty)
	v.bar.update()
	v.rows.Refresh()
}

// row returns a row to show, reused when one is free.
func (v *messageView) row() *messageRow {
	if n := len(v.free); n > 0 {
		r := v.free[n-1]
		v.free = v.free[:n-1]
		return r
	}
	r := newMessageRow(v)
	v.rows.Add(r)
	return r
}

// rowOf returns the row showing message id, if it is built.
func (v *messageView) rowOf(id int64) *messageRow {
	return v.active[itemKey{itemMessage, id}]
}

// Scrolled implements fyne.Scrollable.
func (v *messageView) Scrolled(ev *fyne.ScrollEvent) {
	v.l.c.m.u.touch()
	v.l.scrollBy(-ev.Scrolled.DY)
}

// Tapped implements fyne.Tappable: a tap between messages gives the list the keyboard.
func (v *messageView) Tapped(*fyne.PointEvent) { v.focus() }

func (v *messageView) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
}

// FocusGained implements fyne.Focusable.
func (v *messageView) FocusGained() {
	v.focused = true
	if v.l.selected == 0 {
		if m, ok := v.l.newest(); ok {
			v.l.selected = m.ID
		}
	}
	v.markDirty(v.l.selected)
	v.place()
}

// FocusLost implements fyne.Focusable.
func (v *messageView) FocusLost() {
	v.focused = false
	v.shift = false
	v.markDirty(v.l.selected)
	v.place()
}

// TypedRune implements fyne.Focusable.
func (v *messageView) TypedRune(r rune) {
	switch r {
	case 'e', 'E':
		v.l.c.editSelected()
	case 'r', 'R':
		v.l.c.replySelected()
	}
}

// KeyDown implements desktop.Keyable.
func (v *messageView) KeyDown(ev *fyne.KeyEvent) {
	v.l.c.m.u.touch()
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		v.shift = true
	}
}

// KeyUp implements desktop.Keyable.
func (v *messageView) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		v.shift = false
	}
}

// TypedKey implements fyne.Focusable.
func (v *messageView) TypedKey(ev *fyne.KeyEvent) {
	l := v.l
	switch ev.Name {
	case fyne.KeyUp:
		l.selectNext(-1)
	case fyne.KeyDown:
		l.selectNext(+1)
	case fyne.KeyPageUp:
		l.scrollBy(-l.viewH * 0.9)
	case fyne.KeyPageDown:
		l.scrollBy(l.viewH * 0.9)
	case fyne.KeyHome:
		l.scrollTo(0)
	case fyne.KeyEnd:
		l.c.jumpToLatest()
	case fyne.KeyReturn, fyne.KeyEnter:
		l.c.replySelected()
	case fyne.KeyDelete:
		l.c.deleteSelected()
	case fyne.KeyEscape:
		if l.selected != 0 {
			l.setSelected(0)
			l.c.focusComposer()
		} else {
			l.c.m.u.escape()
		}
	case fyne.KeyF10:
		if v.shift {
			l.c.menuForSelected()
		}
	}
}

// TypedShortcut implements fyne.Shortcutable: Ctrl+C copies the selected message; the window's shortcuts
// work here too.
func (v *messageView) TypedShortcut(s fyne.Shortcut) {
	if _, ok := s.(*fyne.ShortcutCopy); ok {
		v.l.c.copySelected()
		return
	}
	v.l.c.m.shortcut(s)
}

// scrollBar is the list's scroll bar: a thumb sized by how much of the window is in view, dragged to
// scroll.
type scrollBar struct {
	widget.BaseWidget
	l     *messageList
	thumb *canvas.Rectangle
}

const scrollBarWidth = 6

func newScrollBar(l *messageList) *scrollBar {
	b := &scrollBar{l: l, thumb: canvas.NewRectangle(theme.Color(theme.ColorNameScrollBar))}
	b.thumb.CornerRadius = scrollBarWidth / 2
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer implements fyne.Widget.
func (b *scrollBar) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.thumb) }

// update places the bar at the right edge of the view and the thumb for the offset.
func (b *scrollBar) update() {
	l := b.l
	total := l.total()
	if l.viewH <= 0 || total <= l.viewH {
		b.Hide()
		return
	}
	h := max(24, l.viewH*l.viewH/total)
	y := (l.viewH - h) * l.offset / max(1, l.maxOffset())
	b.Move(fyne.NewPos(l.width-scrollBarWidth-2, y))
	b.Resize(fyne.NewSize(scrollBarWidth, h))
	b.thumb.Resize(b.Size())
	b.Show()
}

// Dragged implements fyne.Draggable.
func (b *scrollBar) Dragged(ev *fyne.DragEvent) {
	l := b.l
	h := max(24, l.viewH*l.viewH/max(1, l.total()))
	if track := l.viewH - h; track > 0 {
		l.scrollBy(ev.Dragged.DY * l.maxOffset() / track)
	}
}

// DragEnd implements fyne.Draggable.
func (b *scrollBar) DragEnd() {}
