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

// historyLimit is how many of the newest messages a conversation loads when it is opened.
const historyLimit = 50

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

	logoutDialog *dialog.ConfirmDialog // the last "Log out?" question, for the tests
}

func (u *UI) showMain() {
	m := &mainWindow{u: u, now: time.Now, accepted: map[DialogID]bool{}}
	m.chats = newChatList(m)
	m.conv = newConversation(m)
	m.split = container.NewHSplit(m.chats.content, m.conv.content)
	m.split.Offset = 0.34
	u.main = m
	u.setPage(pageMain, m.split)
	if u.win.Canvas().Size().Width < 800 {
		u.win.Resize(fyne.NewSize(960, 640))
	}

	if u.unsubscribe == nil {
		u.unsubscribe = u.b.Subscribe(func(ev Event) {
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
		dialogs, err := m.u.b.Dialogs(ctx)
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

// apply takes an event from the Backend into the chat list and the open conversation.
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
		i := m.index(msg.Dialog)
		if i >= 0 {
			d := m.dialogs[i]
			if !msg.Date.Before(d.LastDate) {
				d.LastMessage, d.LastDate = msg.Text, msg.Date
			}
			if !msg.Out && m.conv.dialog.ID != msg.Dialog {
				d.Unread++
			}
			m.upsert(d)
		}
		if m.conv.dialog.ID == msg.Dialog && m.conv.add(msg) && !msg.Out {
			m.conv.markRead(msg.ID)
		}
	}
}

// upsert puts d into the chat list, replacing the dialog with the same ID. The open dialog is shown as read:
// what arrives in it is marked read as it is shown.
func (m *mainWindow) upsert(d DialogSummary) {
	if m.conv.dialog.ID == d.ID && d.Unread != 0 {
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
	if i < 0 {
		return
	}
	if m.conv.dialog.ID != id {
		m.pendingOpen = "" // the user chose another chat meanwhile
	}
	unread := m.dialogs[i].Unread != 0
	if unread {
		m.dialogs[i].Unread = 0
		m.chats.refreshItem(i)
	}
	if m.conv.dialog.ID != id {
		m.conv.open(m.dialogs[i], unread)
	} else if unread {
		m.conv.markRead(m.conv.newestID())
	}
}

// confirmLogOut asks whether to log out, and does so on confirmation.
func (m *mainWindow) confirmLogOut() {
	if m.chats.loggingOut.active {
		return
	}
	msg := wrapped("Tacit signs this computer out of your Telegram account and deletes the account's data " +
		"here. Your cloud chats stay on Telegram's servers, but secret chats exist only on this computer: " +
		"they end and their messages are lost.")
	d := dialog.NewCustomConfirm("Log out?", "Log out", "Cancel", container.New(&widthLayout{width: 380}, msg),
		func(ok bool) {
			if ok {
				m.logOut()
			}
		}, m.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	m.logoutDialog = d
	d.Show()
}

// logOut ends the session and goes back to the phone page.
func (m *mainWindow) logOut() {
	u := m.u
	m.chats.showError("")
	m.chats.loggingOut.set(true)
	u.background(func(ctx context.Context) func() {
		err := u.b.LogOut(ctx)
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
			u.showPhone()
		}
	})
}

// sortDialogs orders dialogs most recent first, keeping the Backend's order among equal dates.
func sortDialogs(ds []DialogSummary) []DialogSummary {
	slices.SortStableFunc(ds, func(a, b DialogSummary) int { return b.LastDate.Compare(a.LastDate) })
	return ds
}
