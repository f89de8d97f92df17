package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// notificationsPage is the settings' notifications section: what a notification of a secret chat and of a
// cloud chat shows, and the sound.
type notificationsPage struct {
	*prefControls
	secret, cloud *widget.RadioGroup
	sound         *widget.Check
}

// The choices, in the order shown.
var (
	secretNotifyChoices = []struct {
		label   string
		content NotifyContent
	}{{"Off", NotifyOff}, {"“New message” only", NotifyHidden}}
	cloudNotifyChoices = []struct {
		label   string
		content NotifyContent
	}{{"Off", NotifyOff}, {"“New message” only", NotifyHidden}, {"Who wrote", NotifySender}, {"Who wrote and the start of the text", NotifyFull}}
)

func (u *UI) notificationsSection() (fyne.CanvasObject, func()) {
	p := &notificationsPage{prefControls: newPrefControls()}
	u.notifyPg = p
	var secretLabels, cloudLabels []string
	for _, c := range secretNotifyChoices {
		secretLabels = append(secretLabels, c.label)
	}
	for _, c := range cloudNotifyChoices {
		cloudLabels = append(cloudLabels, c.label)
	}
	p.secret = widget.NewRadioGroup(secretLabels, func(string) { u.saveNotifications(p) })
	p.cloud = widget.NewRadioGroup(cloudLabels, func(string) { u.saveNotifications(p) })
	p.sound = widget.NewCheck("Play the desktop's notification sound", func(bool) { u.saveNotifications(p) })
	for _, r := range []*widget.RadioGroup{p.secret, p.cloud} {
		r.Required = true
	}
	p.show = func(pr Prefs) {
		p.secret.SetSelected(secretNotifyChoices[0].label)
		for _, c := range secretNotifyChoices {
			if c.content == pr.NotifySecret {
				p.secret.SetSelected(c.label)
			}
		}
		p.cloud.SetSelected(cloudNotifyChoices[1].label)
		for _, c := range cloudNotifyChoices {
			if c.content == pr.NotifyCloud {
				p.cloud.SetSelected(c.label)
			}
		}
		p.sound.SetChecked(pr.Sound)
	}
	p.load(u.svc.Preferences.Preferences())

	box := container.NewVBox(
		sectionHeading("Notifications"),
		caption("A notification can be read by anyone who sees the screen, and the desktop may keep it in its history."),
		labeled("Secret chats", p.secret,
			caption("A secret chat's notification never says who wrote or what: at most “New message”.")),
		labeled("Cloud chats, groups and channels", p.cloud),
		p.sound, p.err, u.demoKeepsPrefs(),
	)
	return column(box), nil
}

// saveNotifications keeps the section's choices.
func (u *UI) saveNotifications(p *notificationsPage) {
	secret, cloud := NotifyHidden, NotifyHidden
	for _, c := range secretNotifyChoices {
		if c.label == p.secret.Selected {
			secret = c.content
		}
	}
	for _, c := range cloudNotifyChoices {
		if c.label == p.cloud.Selected {
			cloud = c.content
		}
	}
	sound := p.sound.Checked
	u.savePrefs(p.prefControls, func(ctx context.Context, prefs Preferences) error {
		return prefs.SetNotifications(ctx, secret, cloud, sound)
	})
}
