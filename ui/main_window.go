package ui

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// mainWindow is what the window shows once signed in: the chat list on the left and the open
// conversation on the right. It is reachable only through StepReady.
type mainWindow struct {
	u       *UI
	chats   *chatList
	conv    *conversation
	split   *container.Split
	now     func() time.Time
	dialogs []DialogSummary // most recent first

	// pendingOpen is a dialog to open as soon as the chat list has it (a secret chat just started).
	pendingOpen DialogID

	// accepted holds the secret chats whose request the user accepted in this window.
	accepted map[DialogID]bool

	// focused: the window has the keyboard (no notification for the chat open in it).
	focused bool

	// The last dialogs shown and notification sent, for the tests.
	logoutDialog     *dialog.ConfirmDialog // the last "Log out?" question
	newChat          *newChatDialog
	addContact       *dialog.CustomDialog
	addContactButton *widget.Button
	shortcutsDialog  dialog.Dialog
	notified         *fyne.Notification
}

func (u *UI) showMain() {
	m := &mainWindow{u: u, now: time.Now, accepted: map[DialogID]bool{}}
	m.chats = newChatList(m)
	m.conv = newConversation(m)
	m.split = container.NewHSplit(m.chats.content, m.conv.content)
	m.split.Offset = 0.34
	u.main = m
	u.setPage(pageMain, m.split)
	u.listenKeys()
	m.installShortcuts()
	u.startLock()
	m.focused = true
	u.app.Lifecycle().SetOnEnteredForeground(func() { m.focusChanged(true) })
	u.app.Lifecycle().SetOnExitedForeground(func() { m.focusChanged(false) })
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if u.main == m && u.page == pageMain && !u.lk.locked {
			m.conv.dropped(uris)
		}
	})
	if u.win.Canvas().Size().Width < 800 {
		u.win.Resize(fyne.NewSize(960, 640))
	}

	if u.unsubscribe == nil {
		u.unsubscribe = u.svc.Events.Subscribe(func(ev Event) {
			u.onMain(func() {
				if u.main != nil && u.page == pageMain {
					u.main.apply(ev)
				}
			})
		})
	}
	m.reload()
}

// reload fetches the chat list.
func (m *mainWindow) reload() {
	m.chats.busy.set(true)
	m.u.background(func(ctx context.Context) func() {
		dialogs, err := m.u.svc.Chats.Dialogs(ctx)
		return func() {
			m.chats.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				m.chats.showError(msg)
				return
			}
			m.chats.showError("")
			m.dialogs = sortDialogs(dialogs)
			m.chats.refresh()
			if m.pendingOpen != "" && m.index(m.pendingOpen) >= 0 {
				m.show(m.pendingOpen)
			}
		}
	})
}

// apply takes an event from the application into the chat list and the open conversation.
func (m *mainWindow) apply(ev Event) {
	switch ev := ev.(type) {
	case DialogEvent:
		m.upsert(ev.Dialog)
		if m.pendingOpen == ev.Dialog.ID {
			m.show(ev.Dialog.ID)
		} else if m.conv.dialog.ID == ev.Dialog.ID {
			m.conv.loadSecret() // a secret chat's state may have changed
		}
	case MessageEvent:
		msg := ev.Message
		open := m.conv.dialog.ID == msg.Dialog
		fresh := !open || m.conv.add(msg) // a sent message can come back as an event
		unseen := fresh && !msg.Out && (!open || !m.seeing())
		if i := m.index(msg.Dialog); i >= 0 && fresh {
			d := m.dialogs[i]
			// Telegram's times are whole seconds, a message sent here has this computer's to the nanosecond:
			// an answer within the same second is newer although its time reads earlier.
			if !msg.Date.Truncate(time.Second).Before(d.LastDate.Truncate(time.Second)) {
				d.LastMessage, d.LastDate = quoteText(msg), msg.Date
			}
			if unseen {
				d.Unread++
			}
			m.upsert(d)
		}
		if fresh && open && !msg.Out && m.seeing() {
			m.conv.markRead(msg.ID)
		}
		if unseen {
			m.notify(msg)
		}
	case MessageChangedEvent:
		if m.conv.dialog.ID == ev.Message.Dialog {
			m.conv.list.change(ev.Message)
			m.conv.startTicker()
		}
	case MessagesDeletedEvent:
		if m.conv.dialog.ID == ev.Dialog {
			if ev.All {
				m.conv.list.loadLatest(nil)
			} else {
				m.conv.list.remove(ev.IDs)
			}
		}
	case ReadEvent:
		if m.conv.dialog.ID == ev.Dialog {
			m.conv.list.markRead(ev.UpTo, ev.IDs)
		}
	case TypingEvent:
		if m.conv.dialog.ID == ev.Dialog {
			m.conv.showTyping(ev.Who)
		}
	case ConnectionEvent:
		m.chats.showOnline(ev.Online)
	}
}

// focusChanged takes the window gaining or losing the keyboard: what arrived in the open chat meanwhile is
// read once the user is back.
func (m *mainWindow) focusChanged(focused bool) {
	if m.u.main != m {
		return
	}
	m.focused = focused
	if i := m.index(m.conv.dialog.ID); m.seeing() && i >= 0 && m.dialogs[i].Unread != 0 {
		m.dialogs[i].Unread = 0
		m.chats.refreshItem(i)
		m.updateTitle()
		m.conv.markRead(m.conv.newestID())
	}
}

// seeing reports whether the user sees the open chat: the window has the keyboard and is not locked.
func (m *mainWindow) seeing() bool { return m.focused && !m.u.lk.locked }

// upsert puts d into the chat list, replacing the dialog with the same ID. The open dialog is shown as read
// while the window has the keyboard: what arrives in it is marked read as it is shown.
func (m *mainWindow) upsert(d DialogSummary) {
	if m.conv.dialog.ID == d.ID && d.Unread != 0 && m.seeing() {
		d.Unread = 0
		m.conv.markRead(m.conv.newestID())
	}
	if i := m.index(d.ID); i >= 0 {
		m.dialogs[i] = d
	} else {
		m.dialogs = append(m.dialogs, d)
	}
	m.dialogs = sortDialogs(m.dialogs)
	if m.conv.dialog.ID == d.ID {
		m.conv.setDialog(d)
	}
	m.chats.refresh()
}

func (m *mainWindow) index(id DialogID) int {
	return slices.IndexFunc(m.dialogs, func(d DialogSummary) bool { return d.ID == id })
}

// openSoon opens dialog id now if the chat list has it, or else as soon as it arrives (the list is fetched
// again meanwhile).
func (m *mainWindow) openSoon(id DialogID) {
	if m.index(id) >= 0 {
		m.show(id)
		return
	}
	m.pendingOpen = id
	m.reload()
}

// show opens dialog id and selects it in the chat list.
func (m *mainWindow) show(id DialogID) {
	m.open(id)
	m.chats.refresh()
}

// open shows the conversation of dialog id.
func (m *mainWindow) open(id DialogID) {
	i := m.index(id)
	if i < 0 || m.u.lk.locked && m.conv.dialog.ID == id {
		return // behind the lock the list selects the open chat again as it moves: nothing is read
	}
	if m.conv.dialog.ID != id {
		m.pendingOpen = "" // the user chose another chat meanwhile
	}
	unread := m.dialogs[i].Unread
	if unread != 0 {
		m.dialogs[i].Unread = 0
		m.chats.refreshItem(i)
		m.updateTitle()
	}
	if m.conv.dialog.ID != id {
		m.conv.open(m.dialogs[i], unread)
		m.conv.uploads.show()
	} else if unread != 0 {
		m.conv.markRead(m.conv.newestID())
	}
}

// confirmLogOut asks whether to log out, saying exactly what is lost, and does so on confirmation.
func (m *mainWindow) confirmLogOut() {
	if m.chats.loggingOut.active {
		return
	}
	d := dialog.NewCustomConfirm("Log out?", "Log out", "Cancel",
		container.New(&widthLayout{width: 420}, wrapped(logOutWarning(m.secretChats()))),
		func(ok bool) {
			if ok {
				m.logOut()
			}
		}, m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	m.logoutDialog = d
	d.Show()
}

// secretChats counts the secret chats in the chat list.
func (m *mainWindow) secretChats() int {
	n := 0
	for _, d := range m.dialogs {
		if d.Kind == KindSecret {
			n++
		}
	}
	return n
}

// logOut ends the account on this computer and goes back to the phone page with the new session.
func (m *mainWindow) logOut() {
	u := m.u
	m.chats.showError("")
	m.chats.loggingOut.set(true)
	u.background(func(ctx context.Context) func() {
		out, err := u.svc.Account.LogOut(ctx)
		return func() {
			m.chats.loggingOut.set(false)
			if err != nil {
				msg, _ := explain(err)
				m.chats.showError(msg)
				return
			}
			if u.unsubscribe != nil {
				u.unsubscribe()
				u.unsubscribe = nil
			}
			u.main = nil
			u.phone, u.codeSent, u.stage, u.acknowledged = "", CodeSent{}, LoginStage{}, false
			u.useServices(out.Next)
			u.showPhone()
			if out.Notice != "" {
				dialog.ShowInformation("Logged out on this computer", out.Notice, u.win)
			}
		}
	})
}

// sortDialogs orders dialogs most recent first, keeping the application's order among equal dates.
func sortDialogs(ds []DialogSummary) []DialogSummary {
	slices.SortStableFunc(ds, func(a, b DialogSummary) int { return b.LastDate.Compare(a.LastDate) })
	return ds
}
