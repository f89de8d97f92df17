package ui

import (
	"context"

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
	c.ttl = widget.NewButtonWithIcon("", theme.HistoryIcon(), c.chooseTTL)
	c.ttl.Importance = widget.LowImportance
	c.ttl.Hide()
	c.chatMenu = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), c.showChatMenu)
	c.chatMenu.Importance = widget.LowImportance
	c.chatMenu.Hide()

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

	c.startSecret = widget.NewButtonWithIcon("Start secret chat", theme.NewSuccessThemedResource(assets.LockIcon()), c.startSecretChat)
	c.startSecret.Hide()
	c.notice = wrapped("")
	c.notice.Importance = widget.WarningImportance
	c.notice.Hide()
	c.startingChat = newBusy(c.startSecret)
}

// peerName is the other person of the open secret chat.
func (c *conversation) peerName() string {
	if c.secret != nil && c.secret.PeerName != "" {
		return c.secret.PeerName
	}
	return c.dialog.Title
}

// loadSecret asks the application where the open secret chat stands. Only the newest answer is shown.
func (c *conversation) loadSecret() {
	if c.dialog.Kind != KindSecret || c.dialog.ID == "" {
		return
	}
	c.secretGen++
	id, gen := c.dialog.ID, c.secretGen
	c.m.u.background(func(ctx context.Context) func() {
		info, err := c.m.u.svc.Secret.SecretChat(ctx, id)
		return func() {
			if c.dialog.ID != id || c.secretGen != gen {
				return
			}
			if err != nil {
				showProblem(c.loadErr, err)
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
	defer c.updateChatMenu()
	if c.dialog.Kind != KindSecret || info == nil {
		c.notice.Hide()
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
	if closed := info.State == SecretClosed; closed != c.dialog.Closed {
		// The chat list may not know yet: the header follows the chat's own state.
		d := c.dialog
		d.Closed = closed
		c.setDialog(d)
	}
	c.notice.SetText(info.Notice)
	if info.Notice != "" {
		c.notice.Show()
	} else {
		c.notice.Hide()
	}

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

	switch {
	case info.State == SecretReady && info.TTL > 0:
		c.ttl.SetText("Self-destruct: " + DurationWords(info.TTL))
		c.ttl.Importance = widget.HighImportance
		c.ttl.Show()
	case info.State == SecretReady:
		c.ttl.SetText("Self-destruct: off")
		c.ttl.Importance = widget.LowImportance
		c.ttl.Show()
	default:
		c.ttl.Hide()
	}
	c.ttl.Refresh()

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
			c.setComposerNote(info.Closed)
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

// acceptRequest accepts the peer's request; it runs only when the user taps Accept.
func (c *conversation) acceptRequest() {
	if c.answering.active || c.secret == nil || c.secret.State != SecretRequested {
		return
	}
	c.answer(c.m.u.svc.Secret.AcceptSecretChat, true)
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
				c.answer(c.m.u.svc.Secret.DeclineSecretChat, false)
			}
		}, c.m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	c.declineDialog = d
	d.Show()
}

// answer calls the application with the user's answer to the request of the open dialog, then shows the state
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
				showProblem(c.loadErr, err)
				return
			}
			c.loadSecret()
		}
	})
}

// startSecretChat starts (or finds) the secret chat with the person of the open cloud chat, or of the open
// secret chat that ended, and opens it.
func (c *conversation) startSecretChat() {
	if c.startingChat.active || c.dialog.Kind != KindUser && !(c.dialog.Kind == KindSecret && c.dialog.Closed) {
		return
	}
	setError(c.loadErr, "")
	c.startingChat.set(true)
	from := c.dialog.ID
	c.m.u.background(func(ctx context.Context) func() {
		id, err := c.m.u.svc.Secret.StartSecretChat(ctx, from)
		return func() {
			c.startingChat.set(false)
			if c.dialog.ID != from {
				return // the user went elsewhere meanwhile; do not pull them away
			}
			if err != nil {
				showProblem(c.loadErr, err)
				return
			}
			c.m.openSoon(id)
		}
	})
}
