package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The registration notice: what creating an account gives away. The user must acknowledge it explicitly
// before the name form (and so auth.signUp) is reachable.
var signUpNotice = []string{
	"People who have this number saved in their contacts are normally told that you joined Telegram. " +
		"Tacit asks the server not to send that notice.",
	"Until the number is hidden, anyone who has or guesses it can look it up and see your name. " +
		"Tacit hides it and limits who can find you by it right after sign-up, in the next requests.",
	"A number that nobody has saved, rather than your everyday one, is the safer choice: " +
		"nobody can link the account to you through it.",
	"Telegram may look more closely at accounts created with unofficial apps such as Tacit, " +
		"and may limit them.",
}

// signUpWarningPage shows the registration notice and waits for the acknowledgement.
type signUpWarningPage struct {
	points  []string // the notice as shown
	ack     *widget.Check
	ackText *widget.Label // the acknowledgement, wrapped beside the checkbox
	next    *widget.Button
	back    *widget.Button
}

func (u *UI) showSignUpWarning() {
	p := &signUpWarningPage{}
	p.next = widget.NewButton("Continue", func() {
		if !p.ack.Checked {
			return
		}
		u.acknowledged = true
		u.showSignUpName()
	})
	p.next.Importance = widget.HighImportance
	p.next.Disable()
	label := "I have read this and want to create an account for this number"
	if u.stage.TermsOfService != "" {
		label += ", and I accept Telegram's terms of service"
	}
	p.ackText = wrapped(label)
	p.ack = widget.NewCheck("", func(on bool) {
		if on {
			p.next.Enable()
		} else {
			p.next.Disable()
		}
	})
	p.back = widget.NewButton("Use another number", func() { u.showPhone() })
	u.warningPg = p

	notice := u.stage.SignUpNotice
	if len(notice) == 0 {
		notice = signUpNotice
	}
	objs := make([]fyne.CanvasObject, 0, len(notice)+1)
	p.points = notice
	for _, s := range notice {
		objs = append(objs, bullet(s))
	}
	if tos := u.stage.TermsOfService; tos != "" {
		terms := wrapped(tos)
		terms.SizeName = theme.SizeNameCaptionText
		scroll := container.NewVScroll(terms)
		scroll.SetMinSize(fyne.NewSize(0, 120))
		objs = append(objs, labeled("Telegram's terms of service", scroll))
	}
	footer := container.NewVBox(
		container.NewBorder(nil, nil, container.NewVBox(p.ack), nil, p.ackText),
		container.NewHBox(p.back, layoutSpacer(), p.next),
	)

	u.setPage(pageSignUpWarning, u.loginFrameWithFooter("Before you create an account",
		fmt.Sprintf("There is no Telegram account for %s yet. Creating one gives some things away that "+
			"cannot be taken back, so please read this first.", u.phone),
		footer, objs...))
}

// bullet returns a wrapped label that starts with a bullet point.
func bullet(text string) fyne.CanvasObject {
	dot := widget.NewLabel("•")
	return container.NewBorder(nil, nil, container.NewVBox(dot), nil, wrapped(text))
}
