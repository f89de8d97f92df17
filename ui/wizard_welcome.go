package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// threatModel is what Tacit can and cannot protect, in plain words: the welcome page says it first, and
// About says it again. Each entry is a heading and its explanation.
var threatModel = [][2]string{
	{"Cloud chats: Telegram can read them",
		"Ordinary Telegram chats, groups and channels are kept on Telegram's servers in a form Telegram can " +
			"read, and hand over if it is made to. Tacit marks every one of them as a cloud chat."},
	{"Secret chats: only the two of you",
		"A chat with a person opens as a secret chat: encrypted end to end, kept only on this computer and " +
			"the other person's device. Compare the key with them once, and nobody in the middle can read along."},
	{"What nobody can hide",
		"Telegram still sees who writes to whom and when, your IP address (unless you use a proxy or Tor), " +
			"and the phone number your account is tied to. Tacit hides the number from other people, not from " +
			"Telegram."},
	{"On this computer",
		"Your chats and keys are kept in one encrypted database. Its key stays in the system keyring or " +
			"behind a passphrase, and Tacit can lock its window when you step away."},
}

// threatModelView lays the threat model out as headed paragraphs.
func threatModelView() fyne.CanvasObject {
	box := container.NewVBox()
	for _, t := range threatModel {
		heading := widget.NewLabelWithStyle(t[0], fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		box.Add(container.NewVBox(heading, wrapped(t[1])))
	}
	return box
}

// showWizardWelcome is the wizard's first page: what Tacit is for and what it cannot do.
func (u *UI) showWizardWelcome() {
	next := widget.NewButton("Set up Tacit", func() { u.showWizardNext(pageWizardWelcome) })
	next.Importance = widget.HighImportance
	u.wizWelcomeNext = next
	footer := container.NewHBox(layoutSpacer(), next)
	u.setPage(pageWizardWelcome, u.loginFrameWithFooter("Welcome to Tacit",
		"Tacit is a Telegram app for people who care who can read their messages. Before you start, here is "+
			"what it protects and what it cannot.",
		footer, threatModelView()))
}
