package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// aboutPage says which Tacit this is, what it is for, and what it can and cannot protect. It is reached
// from the settings and goes back to them.
type aboutPage struct {
	back                       *widget.Button
	version, commit, toolchain *widget.Label
	threatLink                 *widget.Hyperlink
	threat                     fyne.CanvasObject // the threat model, shown when threatLink is followed
}

// SetAbout gives the window the build's words for the About page, reached from the settings; without it
// the settings offer no About. Call it before Start or Run.
func (u *UI) SetAbout(a About) { u.about = a }

func (u *UI) showAbout() {
	info := u.about.About()
	p := &aboutPage{version: wrapped(info.Version), commit: wrapped(info.Commit), toolchain: caption(info.Toolchain),
		threat: threatModelView()}
	u.aboutPg = p
	p.version.TextStyle.Bold = true
	p.commit.Selectable = true
	p.back = widget.NewButtonWithIcon("Settings", theme.NavigateBackIcon(), func() { u.showSettings() })
	p.back.Importance = widget.LowImportance
	p.threat.Hide()
	p.threatLink = widget.NewHyperlink("What Tacit protects, and what it cannot", nil)
	p.threatLink.OnTapped = func() {
		if p.threat.Visible() {
			p.threat.Hide()
		} else {
			p.threat.Show()
		}
	}
	name := widget.NewLabelWithStyle("Tacit", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameHeadingText
	content := container.NewVBox(name, p.version, p.commit, p.toolchain, widget.NewSeparator(),
		wrapped("A desktop Telegram app for people who care who can read their messages: secret chats first, "+
			"the phone number hidden from strangers, 2-step verification required, and the local data encrypted."),
		p.threatLink, p.threat)
	u.setPage(pageAbout, u.sectionFrame(p.back, "About", column(content)))
}
