package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// settingsSection is one part of the settings page: its name in the list on the left and what builds its
// content each time the page opens, with what to start once the page is shown (reading from the server,
// say; nil when nothing). Each section lives in its own file (settings_*.go).
type settingsSection struct {
	name  string
	build func(u *UI) (content fyne.CanvasObject, start func())
}

// settingsSections are the parts of the settings page, in the order listed.
func (u *UI) settingsSections() []settingsSection {
	return []settingsSection{
		{"Profile", (*UI).profileSection},
		{"2-step verification", (*UI).twoStepSection},
		{"Connection", (*UI).connectionSection},
		{"Data protection", (*UI).dataSection},
		{lockSectionName, (*UI).lockSection},
		{"Notifications", (*UI).notificationsSection},
		{"Secret chats", (*UI).secretChatsSection},
		{"Link previews", (*UI).chatsSection},
		{"Appearance", (*UI).appearanceSection},
	}
}

// settingsPage is the settings page: the way back, the sections, and the way to About.
type settingsPage struct {
	back     *widget.Button
	sections *container.AppTabs
	about    *widget.Button // nil when the window has no About (SetAbout)
}

// showSettings opens the settings page: the sections on the left, the chosen one on the right.
func (u *UI) showSettings() {
	p := &settingsPage{}
	u.settingsPg = p
	p.back = widget.NewButtonWithIcon("Chats", theme.NavigateBackIcon(), func() { u.showMain() })
	p.back.Importance = widget.LowImportance
	var items []*container.TabItem
	var starts []func()
	for _, s := range u.settingsSections() {
		content, start := s.build(u)
		items = append(items, container.NewTabItem(s.name, content))
		if start != nil {
			starts = append(starts, start)
		}
	}
	p.sections = container.NewAppTabs(items...)
	p.sections.SetTabLocation(container.TabLocationLeading)
	var actions []fyne.CanvasObject
	if u.about != nil {
		p.about = widget.NewButtonWithIcon("About Tacit", theme.InfoIcon(), func() { u.showAbout() })
		p.about.Importance = widget.LowImportance
		actions = append(actions, p.about)
	}
	u.setPage(pageSettings, u.sectionFrame(p.back, "Settings", p.sections, actions...))
	for _, start := range starts {
		start()
	}
}

// sectionFrame lays out a page of the main window other than the chats: a way back, a title, the page's
// actions on the right, the content.
func (u *UI) sectionFrame(back *widget.Button, title string, content fyne.CanvasObject, actions ...fyne.CanvasObject) fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	bar := container.NewHBox(append([]fyne.CanvasObject{back, heading, layoutSpacer()}, actions...)...)
	top := container.NewVBox(bar, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, content)
}

// sectionHeading is the heading of a part of a settings page.
func sectionHeading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}
