package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The controls of a chat in its header: the self-destruct timer of a secret chat, and the chat's menu
// (compare keys, end the secret chat, delete it; start a secret chat from a cloud chat with a person).

// secretTTLChoices are the self-destruct timers offered, in seconds (0: off).
var secretTTLChoices = []int{0, 5, 30, 60, 3600, 86400, 7 * 86400}

// chooseTTL opens the menu of self-destruct timers under the timer button.
func (c *conversation) chooseTTL() {
	if c.secret == nil || c.secret.State != SecretReady {
		return
	}
	var items []*fyne.MenuItem
	for _, s := range secretTTLChoices {
		label := "Off"
		if s > 0 {
			label = DurationWords(s)
		}
		item := fyne.NewMenuItem(label, func() { c.setTTL(s) })
		item.Checked = c.secret.TTL == s
		items = append(items, item)
	}
	menu := widget.NewPopUpMenu(fyne.NewMenu("", items...), c.m.u.win.Canvas())
	c.menu = menu
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.ttl).Add(fyne.NewPos(0, c.ttl.Size().Height))
	menu.ShowAtPosition(pos)
	c.m.u.win.Canvas().Focus(menu)
}

// setTTL sets the self-destruct timer of the open secret chat for both people.
func (c *conversation) setTTL(seconds int) {
	id := c.dialog.ID
	c.loading.set(true)
	c.m.u.background(func(ctx context.Context) func() {
		err := c.m.u.svc.Secret.SetTTL(ctx, id, seconds)
		return func() {
			c.loading.set(false)
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

// chatMenuItems lists what the chat's menu offers for the open dialog.
func (c *conversation) chatMenuItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	switch c.dialog.Kind {
	case KindUser:
		items = append(items, fyne.NewMenuItemWithIcon("Start secret chat", theme.NewSuccessThemedResource(theme.ConfirmIcon()), c.startSecretChat))
	case KindSecret:
		info := c.secret
		if info == nil {
			return nil
		}
		if info.State == SecretReady {
			items = append(items,
				fyne.NewMenuItemWithIcon("Compare keys", theme.VisibilityIcon(), c.showKeys),
				fyne.NewMenuItemWithIcon("Self-destruct timer…", theme.HistoryIcon(), c.chooseTTL))
		}
		if info.State == SecretReady || info.State == SecretWaiting {
			items = append(items, fyne.NewMenuItemSeparator(),
				fyne.NewMenuItemWithIcon("End secret chat…", theme.CancelIcon(), c.confirmEnd))
		}
		items = append(items, fyne.NewMenuItemWithIcon("Delete chat…", theme.DeleteIcon(), c.confirmDeleteChat))
	}
	return items
}

// updateChatMenu shows the chat's menu button when the menu has anything.
func (c *conversation) updateChatMenu() {
	if len(c.chatMenuItems()) > 0 {
		c.chatMenu.Show()
	} else {
		c.chatMenu.Hide()
	}
}

// showChatMenu opens the chat's menu under its button.
func (c *conversation) showChatMenu() {
	items := c.chatMenuItems()
	if len(items) == 0 {
		return
	}
	menu := widget.NewPopUpMenu(fyne.NewMenu("", items...), c.m.u.win.Canvas())
	c.menu = menu
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.chatMenu)
	pos = pos.Add(fyne.NewPos(c.chatMenu.Size().Width-menu.MinSize().Width, c.chatMenu.Size().Height))
	menu.ShowAtPosition(pos)
	c.m.u.win.Canvas().Focus(menu)
}

// confirmEnd asks whether to end the open secret chat, and ends it.
func (c *conversation) confirmEnd() {
	name := c.peerName()
	msg := wrapped("Neither of you can write in this chat any more, and its keys are deleted. Its messages stay " +
		"here to read until you delete the chat. " + name + " sees that the chat ended. You can start a new one later.")
	d := dialog.NewCustomConfirm("End the secret chat with "+name+"?", "End chat", "Cancel",
		container.New(&widthLayout{width: 400}, msg), func(ok bool) {
			if ok {
				c.answer(c.m.u.svc.Secret.DeclineSecretChat, false)
			}
		}, c.m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	c.m.u.trackDialog(d)
	c.endDialog = d
	d.Show()
}

// confirmDeleteChat asks whether to delete the open secret chat from this computer, and deletes it.
func (c *conversation) confirmDeleteChat() {
	name := c.peerName()
	text := "Its messages, files and keys are deleted from this computer."
	if c.secret != nil && c.secret.State != SecretClosed {
		text = "The chat ends for both of you and " + name + "'s app is asked to delete its copy too. " + text
	}
	d := dialog.NewCustomConfirm("Delete the secret chat with "+name+"?", "Delete", "Cancel",
		container.New(&widthLayout{width: 400}, wrapped(text)), func(ok bool) {
			if ok {
				c.deleteChat()
			}
		}, c.m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	c.m.u.trackDialog(d)
	c.endDialog = d
	d.Show()
}

// deleteChat deletes the open secret chat and takes it out of the chat list.
func (c *conversation) deleteChat() {
	id := c.dialog.ID
	c.loading.set(true)
	c.m.u.background(func(ctx context.Context) func() {
		err := c.m.u.svc.Secret.DeleteSecretChat(ctx, id)
		return func() {
			c.loading.set(false)
			if err != nil {
				if c.dialog.ID == id {
					showProblem(c.loadErr, err)
				}
				return
			}
			c.m.removeDialog(id)
		}
	})
}
