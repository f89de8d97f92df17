package ui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// lockSection is the settings' App lock section: after how many idle minutes the window locks, and Lock now.
// Without a passphrase (a keyring profile) it says how to get one and its controls stay off.
type lockSection struct {
	// needs says the lock needs a passphrase profile; shown when there is none.
	needs *widget.Label
	// demo is the demo's passphrase, in the demo.
	demo    *widget.Label
	idle    *widget.Select
	lockNow *widget.Button
	status  *widget.Label
	err     *widget.Label
	busy    *busyIndicator
	form    *form

	choices   []int // the minutes of idle's options, in order
	shown     int   // the minutes idle shows as kept
	available bool  // the lock can be used: the controls are on
}

// lockSectionName is the App lock section's name in the settings.
const lockSectionName = "App lock"

// lockNeedsPassphrase is what the App lock section says for a profile without a passphrase.
const lockNeedsPassphrase = "Choose a passphrase under Data protection to use the app lock."

func (u *UI) lockSection() (fyne.CanvasObject, func()) {
	p := &lockSection{needs: wrapped(lockNeedsPassphrase), demo: caption(""), status: wrapped(""), err: errorLabel()}
	u.lk.section = p
	p.needs.Importance = widget.WarningImportance
	p.needs.Hide()
	p.demo.Hide()
	p.status.Importance = widget.SuccessImportance
	p.status.Hide()
	p.idle = widget.NewSelect(nil, nil)
	p.idle.Disable()
	p.lockNow = widget.NewButton("Lock now", u.lockNow)
	p.lockNow.Disable()
	p.busy = newBusyWithText("Reading the settings…", p.idle, p.lockNow)
	p.form = u.newForm(p.busy, p.err)
	p.form.onFail = p.enable

	content := container.NewVBox(
		sectionHeading("App lock"),
		wrapped("The app lock hides your chats until you enter your passphrase again. Lock Tacit with "+
			"Ctrl+L or the lock button above the chats, or let it lock itself when you are away."),
		p.needs,
		labeled("Lock when idle", container.NewHBox(container.New(&widthLayout{width: 220}, p.idle)),
			caption("Counted from the last key press or pointer movement in Tacit's window.")),
		p.status, p.err,
		buttonRow(p.busy, p.lockNow),
		p.demo,
	)
	return column(content), func() {
		if u.vault == nil || u.svc.Lock == nil {
			p.show(u, LockSettings{})
			return
		}
		p.form.run(func(ctx context.Context) (func(), error) {
			st, err := u.svc.Lock.LockSettings(ctx)
			return func() {
				u.lk.settings, u.lk.known = st, true
				u.lockSettingsChanged()
				p.show(u, st)
			}, err
		})
	}
}

// show sets the section to st.
func (p *lockSection) show(u *UI, st LockSettings) {
	p.choices = st.Choices
	if !slices.Contains(p.choices, st.IdleMinutes) {
		p.choices = append(slices.Clone(p.choices), st.IdleMinutes)
	}
	options := make([]string, len(p.choices))
	for i, m := range p.choices {
		options[i] = idleChoiceText(m)
	}
	p.idle.OnChanged = nil
	p.idle.SetOptions(options)
	p.idle.SetSelected(idleChoiceText(st.IdleMinutes))
	p.shown = st.IdleMinutes
	p.idle.OnChanged = func(string) { p.choose(u) }
	p.available = st.Available && u.vault != nil
	p.enable()
	if u.svc.Demo != nil && p.available {
		if pass, ok := u.svc.Demo.DemoPassphrase(); ok {
			p.demo.SetText("Demo passphrase: " + pass)
			p.demo.Show()
		}
	}
}

// enable turns the controls on when the lock can be used, and says how to use it when it cannot.
func (p *lockSection) enable() {
	if p.available {
		p.needs.Hide()
		p.idle.Enable()
		p.lockNow.Enable()
	} else {
		p.needs.Show()
		p.idle.Disable()
		p.lockNow.Disable()
	}
}

// choose keeps the idle time chosen; when it cannot be kept, the one kept is shown again.
func (p *lockSection) choose(u *UI) {
	i := p.idle.SelectedIndex()
	if i < 0 || i >= len(p.choices) || p.choices[i] == p.shown {
		return
	}
	minutes := p.choices[i]
	p.status.Hide()
	p.busy.label.SetText("Saving…")
	p.form.onFail = func() {
		p.idle.OnChanged = nil
		p.idle.SetSelected(idleChoiceText(p.shown))
		p.idle.OnChanged = func(string) { p.choose(u) }
		p.enable()
	}
	lock := u.svc.Lock
	p.form.run(func(ctx context.Context) (func(), error) {
		err := lock.SetIdleLock(ctx, minutes)
		return func() {
			p.shown = minutes
			u.lk.settings.IdleMinutes = minutes
			u.lockSettingsChanged()
			p.enable()
			if minutes == 0 {
				p.status.SetText("Tacit will not lock by itself.")
			} else {
				p.status.SetText("Tacit will lock after " + idleDuration(minutes) + " without a key press or pointer movement.")
			}
			p.status.Show()
		}, err
	})
}

// idleChoiceText names an idle time among the App lock section's choices.
func idleChoiceText(minutes int) string {
	if minutes <= 0 {
		return "Never"
	}
	return "After " + idleDuration(minutes)
}

// idleDuration says minutes in words, such as "5 minutes" or "1 hour".
func idleDuration(minutes int) string {
	switch {
	case minutes%60 == 0:
		return plural(minutes/60, "1 hour", "%d hours")
	default:
		return plural(minutes, "1 minute", "%d minutes")
	}
}
