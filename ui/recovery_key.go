package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// recoveryColumns is how many groups of the recovery key are shown on one line.
const recoveryColumns = 4

// recoveryKeyPage shows the recovery key once, right after the database key was created, and goes on only
// when the user says it is written down.
type recoveryKeyPage struct {
	recovery string          // dropped when the page is left
	groups   []*widget.Label // the key as shown
	copy     *widget.Button
	copied   *widget.Label
	ack      *widget.Check
	next     *widget.Button
}

func (u *UI) showRecoveryKey(recovery string) {
	p, body := u.newRecoveryKeyView(recovery, "Continue", u.showOpening)
	footer := container.NewVBox(p.ack, container.NewHBox(layoutSpacer(), p.next))
	u.setPage(pageRecoveryKey, u.loginFrameWithFooter("Write down your recovery key",
		"This is the only time Tacit shows this key. If you forget your passphrase, or the system keyring "+
			"loses the key or cannot be reached, the recovery key is the only way to open your chats on this "+
			"computer again.",
		footer, body...))
}

// newRecoveryKeyView builds the recovery key as it is shown once: the key, the copy button and the advice;
// p.ack and p.next are for the caller to place. next (labelled nextText) drops the key and runs done once the
// user says it is written down. The first-run page and the settings' data section show it.
func (u *UI) newRecoveryKeyView(recovery, nextText string, done func()) (*recoveryKeyPage, []fyne.CanvasObject) {
	p := &recoveryKeyPage{recovery: recovery}
	p.copied = caption("Copied. Clipboard managers may keep what you copy: store the key, then copy something else.")
	p.copied.Importance = widget.WarningImportance
	p.copied.Hide()
	p.copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(p.recovery)
		p.copied.Show()
	})
	p.next = widget.NewButton(nextText, func() {
		if !p.ack.Checked {
			return
		}
		p.forget()
		done()
	})
	p.next.Importance = widget.HighImportance
	p.next.Disable()
	p.ack = widget.NewCheck("I have written the recovery key down", func(on bool) {
		if on {
			p.next.Enable()
		} else {
			p.next.Disable()
		}
	})
	u.recoveryPg = p
	return p, []fyne.CanvasObject{
		p.keyView(),
		container.NewHBox(layoutSpacer(), p.copy),
		p.copied,
		wrapped("Write it on paper and keep it somewhere safe, away from this computer. Anyone who has it and " +
			"a copy of Tacit's data can read your chats. Tacit does not store it and cannot show it again."),
	}
}

// keyView draws the key in large monospace groups on a tinted background.
func (p *recoveryKeyPage) keyView() fyne.CanvasObject {
	groups := recoveryGroups(p.recovery)
	if groups == nil {
		groups = []string{p.recovery}
	}
	cols := min(recoveryColumns, len(groups))
	grid := container.NewGridWithColumns(cols)
	for _, g := range groups {
		l := widget.NewLabelWithStyle(g, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
		l.SizeName = theme.SizeNameHeadingText
		l.Selectable = true
		p.groups = append(p.groups, l)
		grid.Add(l)
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	return container.NewStack(bg, container.NewPadded(grid))
}

// forget drops the page's references to the recovery key.
func (p *recoveryKeyPage) forget() {
	p.recovery = ""
	for _, l := range p.groups {
		l.SetText("")
	}
}
