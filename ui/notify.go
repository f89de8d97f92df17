package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
)

// Desktop notifications of new messages, and the unread count in the window's title.

// notify sends the desktop notification of a new incoming message, unless its chat is open in the focused
// window. What it shows is the user's choice (Notifications); a secret chat's shows neither sender nor text.
func (m *mainWindow) notify(msg Message) {
	if msg.Out || msg.Service {
		return
	}
	if m.seeing() && m.conv.dialog.ID == msg.Dialog {
		return
	}
	i := m.index(msg.Dialog)
	if i < 0 {
		return
	}
	d := m.dialogs[i]
	content := NotifyHidden
	if m.u.svc.Notifications != nil {
		content = m.u.svc.Notifications.Content(d.Kind)
	}
	if (d.Kind.EndToEnd() || m.u.lk.locked) && content != NotifyOff {
		// Whatever the application says, nothing of a secret chat leaves Tacit, nor of any chat while the
		// window is locked.
		content = NotifyHidden
	}
	n := &fyne.Notification{Title: "Tacit", Content: "New message"}
	switch content {
	case NotifyOff:
		return
	case NotifySender:
		n.Title = notificationTitle(d, msg)
	case NotifyFull:
		n.Title = notificationTitle(d, msg)
		n.Content = quoteText(msg)
		if n.Content == "" {
			n.Content = "New message"
		}
	}
	m.notified = n
	sound := true
	if m.u.svc.Preferences != nil {
		sound = m.u.svc.Preferences.Preferences().Sound
	}
	if send := m.u.notifier; send != nil {
		title, content := n.Title, n.Content
		go func() { // the desktop's notification service is another process: never wait for it here
			if send(title, content, sound) != nil {
				m.u.app.SendNotification(&fyne.Notification{Title: title, Content: content})
			}
		}()
		return
	}
	m.u.app.SendNotification(n)
}

// SetNotifier gives the window what sends its desktop notifications with or without the desktop's sound,
// as Preferences say; it is called on a goroutine of its own. When it is not given, or fails, Fyne sends
// them (with whatever sound the desktop plays). Call it before Start or Run.
func (u *UI) SetNotifier(send func(title, content string, sound bool) error) { u.notifier = send }

// notificationTitle names who wrote: the person, or the person in the group.
func notificationTitle(d DialogSummary, msg Message) string {
	if (d.Kind == KindGroup || d.Kind == KindChannel) && msg.Sender != "" && msg.Sender != d.Title {
		return msg.Sender + " in " + d.Title
	}
	return d.Title
}

// updateTitle shows the number of unread messages in the window's title.
func (m *mainWindow) updateTitle() {
	total := 0
	for _, d := range m.dialogs {
		total += d.Unread
	}
	title := "Tacit"
	if total > 0 {
		title = "Tacit (" + strconv.Itoa(total) + ")"
	}
	if m.u.win.Title() != title {
		m.u.win.SetTitle(title)
	}
}
