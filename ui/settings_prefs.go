package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// The sections that change Preferences (notifications, secret chats, chats, appearance) share this: a
// change is kept on a goroutine; if it cannot be, the section says why and shows again what is kept.

// prefControls are the controls of one such section and the label of its problems.
type prefControls struct {
	err *widget.Label
	// loading is true while show puts the kept choices into the controls, so that their change callbacks
	// do not save them again.
	loading bool
	// show puts the kept choices into the controls.
	show func(Prefs)
	// undo, when set, undoes what a change did at once (the theme) after it could not be kept.
	undo func(Prefs)
}

// newPrefControls makes the section's problem label; show is set by the section.
func newPrefControls() *prefControls { return &prefControls{err: errorLabel()} }

// load shows the kept choices without saving them.
func (c *prefControls) load(p Prefs) {
	c.loading = true
	defer func() { c.loading = false }()
	c.show(p)
}

// save keeps a change with call, unless the controls are being loaded. On failure the problem is shown and
// the controls go back to what is kept.
func (u *UI) savePrefs(c *prefControls, call func(ctx context.Context, p Preferences) error) {
	if c.loading {
		return
	}
	prefs := u.svc.Preferences
	u.background(func(ctx context.Context) func() {
		err := call(ctx, prefs)
		return func() {
			showProblem(c.err, err)
			if err != nil {
				kept := prefs.Preferences()
				c.load(kept)
				if c.undo != nil {
					c.undo(kept)
				}
			}
		}
	})
}

// demoKeepsPrefs is the line under the sections in the demo, which keeps nothing on this computer.
func (u *UI) demoKeepsPrefs() *widget.Label {
	l := caption("The demo keeps these choices until it closes.")
	if u.svc.Demo == nil {
		l.Hide()
	}
	return l
}
