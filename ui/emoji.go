package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// pickerEmoji are the emoji the picker offers, the most used first.
var pickerEmoji = []string{
	"😀", "😃", "😄", "😁", "😆", "😅", "😂", "🙂", "😉", "😊", "😇", "🥰", "😍", "😘", "😋", "😛",
	"😜", "🤪", "🤔", "🤨", "😐", "😑", "😶", "🙄", "😏", "😬", "😌", "😔", "😪", "😴", "😷", "🤒",
	"🥳", "😎", "🤓", "😕", "😟", "🙁", "😮", "😲", "😳", "🥺", "😢", "😭", "😱", "😤", "😡", "🤯",
	"👍", "👎", "👌", "✌️", "🤞", "👏", "🙌", "🙏", "💪", "👋", "🤝", "✍️", "👀", "🧠", "❤️", "🧡",
	"💛", "💚", "💙", "💜", "🖤", "💔", "💯", "🔥", "✨", "⭐", "🎉", "🎂", "🎁", "☕", "🍕", "🍻",
	"🌍", "🌞", "🌙", "☔", "❄️", "🌸", "🐱", "🐶", "🚀", "✈️", "🏠", "💡", "🔒", "🔑", "📎", "✅",
}

// showEmoji opens the emoji picker over the composer; a tap inserts the emoji where the cursor is.
func (c *conversation) showEmoji() {
	if !c.canWrite() {
		return
	}
	grid := container.NewGridWithColumns(12)
	var pop *widget.PopUp
	for _, e := range pickerEmoji {
		b := widget.NewButton(e, func() {
			for _, r := range e {
				c.entry.TypedRune(r)
			}
			pop.Hide()
			c.focusComposer()
		})
		b.Importance = widget.LowImportance
		grid.Add(b)
	}
	pop = widget.NewPopUp(grid, c.m.u.win.Canvas())
	size := pop.MinSize()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.emoji)
	pos = pos.Subtract(fyne.NewPos(size.Width-c.emoji.Size().Width, size.Height+4))
	pop.ShowAtPosition(fyne.NewPos(max(0, pos.X), max(0, pos.Y)))
	c.emojiPicker = pop
}
