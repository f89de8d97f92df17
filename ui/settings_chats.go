package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// chatsPrefsPage is the settings' chats section: link previews.
type chatsPrefsPage struct {
	*prefControls
	previews *widget.Check
}

func (u *UI) chatsSection() (fyne.CanvasObject, func()) {
	p := &chatsPrefsPage{prefControls: newPrefControls()}
	u.chatsPrefsPg = p
	p.previews = widget.NewCheck("Link previews in cloud chats", func(on bool) {
		u.savePrefs(p.prefControls, func(ctx context.Context, prefs Preferences) error {
			return prefs.SetLinkPreviews(ctx, on)
		})
	})
	p.show = func(pr Prefs) { p.previews.SetChecked(pr.LinkPreviews) }
	p.load(u.svc.Preferences.Preferences())

	box := container.NewVBox(
		sectionHeading("Link previews"),
		p.previews,
		caption("To make a preview, Telegram's server opens the link you send: Telegram learns the address, and the "+
			"website sees Telegram ask for it. Off, messages go without a preview."),
		caption("Secret chats never ask for link previews, whatever this says."),
		p.err, u.demoKeepsPrefs(),
	)
	return column(box), nil
}
