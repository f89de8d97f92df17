package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// startingPage is shown while the Backend reports where an existing session stands.
type startingPage struct {
	err   *widget.Label
	retry *widget.Button
	busy  *busyIndicator
}

func (u *UI) showStarting() {
	p := &startingPage{err: errorLabel()}
	p.retry = widget.NewButton("Try again", func() { u.showStarting() })
	p.retry.Hide()
	p.busy = newBusy()
	u.starting = p
	u.setPage(pageStarting, u.loginFrame("Tacit", "Opening your account…", p.err, buttonRow(p.busy, p.retry)))

	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		stage, err := u.b.Resume(ctx)
		return func() {
			p.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				setError(p.err, msg)
				p.retry.Show()
				return
			}
			u.showStage(stage)
		}
	})
}
