package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// The parts of the conversation that belong to secret chats: the key state in the header, the banner of an
// incoming request (never accepted without the user), the composer that stays off until the chat is
// ready, and the button of a cloud chat with a person that starts the secret chat with them.

// newSecretControls builds the secret chat parts of the conversation, all hidden.
func (c *conversation) newSecretControls() {
	c.keyButton = widget.NewButtonWithIcon("", theme.VisibilityIcon(), c.showKeys)
	c.keyButton.Hide()
	c.ttl = widget.NewLabel("")
	c.ttl.SizeName = theme.SizeNameCaptionText
	c.ttl.Hide()

	c.requestText = wrapped("")
	c.requestText.TextStyle = fyne.TextStyle{Bold: true}
	c.accept = widget.NewButtonWithIcon("Accept", theme.ConfirmIcon(), c.acceptRequest)
	c.accept.Importance = widget.HighImportance
	c.decline = widget.NewButtonWithIcon("Decline", theme.CancelIcon(), c.confirmDecline)
	c.answering = newBusy(c.accept, c.decline)
	// The request stands out on a tinted card, like a message addressed to the user.
	card := canvas.NewRectangle(bubbleColor(true))
	card.CornerRadius = theme.Size(theme.SizeNameInputRadius) * 2
	c.request = container.NewPadded(container.NewStack(card, container.NewPadded(container.NewVBox(
		c.requestText,
		container.NewHBox(c.accept, c.decline, c.answering.activity),
	))))
	c.request.Hide()

	c.composerNote = wrapped("")
	c.composerNote.Importance = widget.LowImportance
	c.composerNote.Alignment = fyne.TextAlignCenter
	c.composerNote.Hide()

	c.startSecret = widget.NewButtonWithIcon("Start secret chat", theme.NewSuccessThemedResource(assets.LockIcon()), c.startSecretChat)
	c.startSecret.Hide()
	c.startingChat = newBusy(c.startSecret)
}

// peerName is the other person of the open secret chat.
func (c *conversation) peerName() string {
	if c.secret != nil && c.secret.PeerName != "" {
		return c.secret.PeerName
	}
	return c.dialog.Title
}

// canWrite reports whether the composer may send in the open dialog: always in a cloud chat, and in a
// secret chat only once it is ready.
func (c *conversation) canWrite() bool {
	if c.dialog.Kind != KindSecret {
		return true
	}
	return c.secret != nil && c.secret.State == SecretReady
}

// updateComposer turns the composer on or off for the open dialog.
func (c *conversation) updateComposer() {
	if c.sending.active {
		return // sending.set(false) calls back here
	}
	if c.canWrite() {
		c.entry.Enable()
		c.send.Enable()
	} else {
		c.entry.Disable()
		c.send.Disable()
	}
}

// loadSecret asks the Backend where the open secret chat stands. Only the newest answer is shown.
func (c *conversation) loadSecret() {
	if c.dialog.Kind != KindSecret || c.dialog.ID == "" {
		return
	}
	c.secretGen++
	id, gen := c.dialog.ID, c.secretGen
	c.m.u.background(func(ctx context.Context) func() {
		info, err := c.m.u.b.SecretChat(ctx, id)
		return func() {
			if c.dialog.ID != id || c.secretGen != gen {
				return
			}
			if err != nil {
				msg, _ := explain(err)
				setError(c.loadErr, msg)
				return
			}
			c.secret = &info
			c.showSecret()
		}
	})
}

// showSecret shows the state of the open secret chat in the header, the banner and the composer.
func (c *conversation) showSecret() {
	defer c.updateComposer()
	info := c.secret
	if c.dialog.Kind != KindSecret || info == nil {
		c.keyButton.Hide()
		c.ttl.Hide()
		c.request.Hide()
		note := ""
		if c.dialog.Kind == KindSecret {
			note = "Loading the state of this secret chat…"
		}
		c.setComposerNote(note)
		return
	}
	name := c.peerName()

	if info.State == SecretReady {
		if info.Verified {
			c.keyButton.SetText("Keys compared ✓")
			c.keyButton.SetIcon(nil)
			c.keyButton.Importance = widget.LowImportance
		} else {
			c.keyButton.SetText("Key not compared yet — Compare keys")
			c.keyButton.SetIcon(theme.VisibilityIcon())
			c.keyButton.Importance = widget.WarningImportance
		}
		c.keyButton.Refresh()
		c.keyButton.Show()
	} else {
		c.keyButton.Hide()
	}

	if info.TTL > 0 && info.State != SecretClosed {
		c.ttl.SetText("Messages disappear after " + durationWords(info.TTL))
		c.ttl.Show()
	} else {
		c.ttl.Hide()
	}

	if info.State == SecretRequested {
		c.requestText.SetText(name + " wants to start a secret chat. Only the two of you can read it; Telegram cannot.")
		c.request.Show()
	} else {
		c.request.Hide()
	}

	switch info.State {
	case SecretRequested:
		c.setComposerNote("Accept the request above to write in this chat.")
	case SecretWaiting:
		if c.m.accepted[c.dialog.ID] {
			c.setComposerNote("Setting up the encryption with " + name + "…")
		} else {
			c.setComposerNote("Waiting for " + name + " to accept…")
		}
	case SecretClosed:
		if info.Closed != "" {
			c.setComposerNote("This secret chat is closed: " + info.Closed)
		} else {
			c.setComposerNote("This secret chat is closed. Its messages stay here to read.")
		}
	default:
		c.setComposerNote("")
	}
	if c.keys != nil {
		c.keys.update(*info)
	}
}

func (c *conversation) setComposerNote(text string) {
	c.composerNote.SetText(text)
	if text == "" {
		c.composerNote.Hide()
	} else {
		c.composerNote.Show()
	}
}

// acceptRequest accepts the peer's request; it runs only when the user taps Accept.
func (c *conversation) acceptRequest() {
	if c.answering.active || c.secret == nil || c.secret.State != SecretRequested {
		return
	}
	c.answer(c.m.u.b.AcceptSecretChat, true)
}

// confirmDecline asks whether to decline the peer's request, and does so on confirmation.
func (c *conversation) confirmDecline() {
	if c.answering.active || c.secret == nil || c.secret.State != SecretRequested {
		return
	}
	name := c.peerName()
	msg := wrapped("No secret chat with " + name + " starts, and " + name + " sees that the request was " +
		"declined. Either of you can start a new one later.")
	d := dialog.NewCustomConfirm("Decline the secret chat?", "Decline", "Cancel",
		container.New(&widthLayout{width: 380}, msg), func(ok bool) {
			if ok {
				c.answer(c.m.u.b.DeclineSecretChat, false)
			}
		}, c.m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	c.declineDialog = d
	d.Show()
}

// answer calls the Backend with the user's answer to the request of the open dialog, then shows the state
// the chat has moved to. accepting says the answer is yes: while the key exchange runs, the chat waits for
// the exchange, not for the peer.
func (c *conversation) answer(call func(context.Context, DialogID) error, accepting bool) {
	setError(c.loadErr, "")
	c.answering.set(true)
	id := c.dialog.ID
	c.m.u.background(func(ctx context.Context) func() {
		err := call(ctx, id)
		return func() {
			c.answering.set(false)
			if err == nil && accepting {
				c.m.accepted[id] = true
			}
			if c.dialog.ID != id {
				return
			}
			if err != nil {
				msg, _ := explain(err)
				setError(c.loadErr, msg)
				return
			}
			c.loadSecret()
		}
	})
}

// startSecretChat starts (or finds) the secret chat with the person of the open cloud chat and opens it.
func (c *conversation) startSecretChat() {
	if c.startingChat.active || c.dialog.Kind != KindUser {
		return
	}
	setError(c.loadErr, "")
	c.startingChat.set(true)
	from := c.dialog.ID
	c.m.u.background(func(ctx context.Context) func() {
		id, err := c.m.u.b.StartSecretChat(ctx, from)
		return func() {
			c.startingChat.set(false)
			if c.dialog.ID != from {
				return // the user went elsewhere meanwhile; do not pull them away
			}
			if err != nil {
				msg, _ := explain(err)
				setError(c.loadErr, msg)
				return
			}
			c.m.openSoon(id)
		}
	})
}

// durationWords says a self-destruct timer in words: "30 seconds", "1 minute", "1 day".
func durationWords(seconds int) string {
	units := []struct {
		size int
		name string
	}{{7 * 86400, "week"}, {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}}
	for _, u := range units {
		if seconds >= u.size && seconds%u.size == 0 {
			n := seconds / u.size
			if n == 1 {
				return "1 " + u.name
			}
			return fmt.Sprintf("%d %ss", n, u.name)
		}
	}
	return fmt.Sprintf("%d seconds", seconds)
}
