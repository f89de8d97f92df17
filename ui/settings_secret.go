package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// secretDefaultsPage is the settings' secret chats section: the self-destruct timer new secret chats get.
type secretDefaultsPage struct {
	*prefControls
	ttl *widget.RadioGroup
}

// ttlLabel names a timer of secretTTLChoices.
func ttlLabel(seconds int) string {
	if seconds == 0 {
		return "Off"
	}
	return DurationWords(seconds)
}

func (u *UI) secretChatsSection() (fyne.CanvasObject, func()) {
	p := &secretDefaultsPage{prefControls: newPrefControls()}
	u.secretDefaultsPg = p
	var labels []string
	for _, s := range secretTTLChoices {
		labels = append(labels, ttlLabel(s))
	}
	p.ttl = widget.NewRadioGroup(labels, func(string) { u.saveSecretTTL(p) })
	p.ttl.Required = true
	p.show = func(pr Prefs) {
		p.ttl.SetSelected(ttlLabel(0))
		for _, s := range secretTTLChoices {
			if s == pr.SecretTTL {
				p.ttl.SetSelected(ttlLabel(s))
			}
		}
	}
	p.load(u.svc.Preferences.Preferences())

	box := container.NewVBox(
		sectionHeading("Secret chats"),
		labeled("Self-destruct timer for new secret chats", p.ttl,
			caption("As soon as a new secret chat is ready, Tacit sets this timer for both of you: each message "+
				"disappears from both devices this long after it is read. You can change it in the chat at any time; "+
				"secret chats you already have keep theirs.")),
		p.err, u.demoKeepsPrefs(),
	)
	return column(box), nil
}

// saveSecretTTL keeps the chosen timer.
func (u *UI) saveSecretTTL(p *secretDefaultsPage) {
	seconds := 0
	for _, s := range secretTTLChoices {
		if ttlLabel(s) == p.ttl.Selected {
			seconds = s
		}
	}
	u.savePrefs(p.prefControls, func(ctx context.Context, prefs Preferences) error {
		return prefs.SetSecretTTL(ctx, seconds)
	})
}
