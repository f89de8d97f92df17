package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newChatDialog is New chat (Ctrl+N): find a person by name, username or a pasted link and open the secret
// chat with them (their cloud chat is a separate, labelled button), add one contact by phone number, or
// set the username others find the user by.
type newChatDialog struct {
	d      dialog.Dialog
	finder *finder
	mine   *widget.Label
}

// showNewChat opens New chat.
func (m *mainWindow) showNewChat() {
	f := m.newFinder("Name, @username or t.me/… link", false)
	nc := &newChatDialog{finder: f, mine: caption("")}
	intro := caption("Opening a person starts a secret chat with them: only the two of you can read it. " +
		"Their cloud chat, which Telegram can read, is the button beside them.")
	addContact := widget.NewButtonWithIcon("Add a contact by phone number…", theme.ContentAddIcon(), m.showAddContact)
	addContact.Importance = widget.LowImportance
	username := widget.NewButtonWithIcon("Your username…", theme.AccountIcon(), func() {
		m.u.showUsernameDialog(func(name string) { nc.showMine(name) })
	})
	username.Importance = widget.LowImportance
	top := container.NewVBox(intro, f.field, f.status)
	bottom := container.NewVBox(widget.NewSeparator(), nc.mine, container.NewHBox(addContact, layoutSpacer(), username))
	body := container.NewBorder(top, bottom, nil, nil, f.list)
	nc.d = dialog.NewCustom("New chat", "Close", container.New(&fixedSizeLayout{size: fyne.NewSize(480, 440)}, body), m.u.win)
	f.onOpen = nc.d.Hide
	m.u.trackDialog(nc.d)
	m.newChat = nc
	nc.d.Show()
	m.u.win.Canvas().Focus(f.field)
	m.u.background(func(ctx context.Context) func() {
		name, err := m.u.svc.People.MyUsername(ctx)
		return func() {
			if err == nil {
				nc.showMine(name)
			}
		}
	})
}

// showMine says how others find the user.
func (nc *newChatDialog) showMine(name string) {
	if name == "" {
		nc.mine.SetText("You have no username yet: people who do not know your number cannot find you.")
	} else {
		nc.mine.SetText("People find you as @" + name + " (t.me/" + name + ").")
	}
}

// openPerson opens the secret chat with the person of a cloud user dialog, starting one when there is
// none; the chat shows "waiting for NAME" until they come online and accept.
func (m *mainWindow) openPerson(person DialogID, name string) {
	m.chats.busy.set(true)
	m.u.background(func(ctx context.Context) func() {
		id, err := m.u.svc.Secret.StartSecretChat(ctx, person)
		return func() {
			m.chats.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				m.chats.showError(msg)
				return
			}
			m.chats.showError("")
			m.chats.closeSearch()
			if m.index(id) < 0 {
				// Shown at once, named, while the chat list learns of it.
				m.upsert(DialogSummary{ID: id, Title: name, Kind: KindSecret, LastDate: m.now(),
					LastMessage: "Waiting for " + name + "…"})
			}
			m.openSoon(id)
		}
	})
}

// openCloud opens the cloud chat with a person, adding it to the chat list when it is not there yet.
func (m *mainWindow) openCloud(p Person) {
	m.chats.closeSearch()
	if m.index(p.Dialog) < 0 {
		m.upsert(DialogSummary{ID: p.Dialog, Title: p.Name, Kind: KindUser, LastDate: m.now()})
	}
	m.show(p.Dialog)
}

// removeDialog takes a deleted dialog out of the chat list and closes it if it is open.
func (m *mainWindow) removeDialog(id DialogID) {
	i := m.index(id)
	if i < 0 {
		return
	}
	m.dialogs = append(m.dialogs[:i], m.dialogs[i+1:]...)
	if m.conv.dialog.ID == id {
		m.conv.closeDialog()
		m.conv.dialog = DialogSummary{}
		m.conv.pane.Hide()
		m.conv.placeholder.Show()
	}
	m.chats.refresh()
}

// showAddContact asks for one phone number and a name, and adds that person to the contacts; the user's
// own number goes to them only when ticked.
func (m *mainWindow) showAddContact() {
	phone, first, last := newField(), newField(), newField()
	phone.SetPlaceHolder("+44 20 7946 0000")
	share := widget.NewCheck("Share my phone number with them", nil)
	phoneErr, pageErr := errorLabel(), errorLabel()
	busy := newBusy(phone, first, last, share)
	f := m.u.newForm(busy, pageErr).with(FieldPhone, phoneErr)
	body := container.NewVBox(
		caption("Tacit never reads or uploads your address book: only this one number is looked up, and it "+
			"finds them only if their privacy settings allow it."),
		labeled("Phone number", phone, phoneErr),
		labeled("First name", first),
		labeled("Last name (optional)", last),
		share, pageErr, busy.view)
	var d *dialog.CustomDialog
	add := widget.NewButtonWithIcon("Add and open", theme.ConfirmIcon(), nil)
	add.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	busy.controls = append(busy.controls, add)
	submit := func() {
		if f.working() {
			return
		}
		number, err := m.u.svc.Rules.NormalizePhone(phone.Text)
		if f.show(err) {
			return
		}
		sharePhone := share.Checked
		firstName, lastName := first.Text, last.Text
		f.run(func(ctx context.Context) (func(), error) {
			p, err := m.u.svc.People.AddContact(ctx, number, firstName, lastName, sharePhone)
			return func() {
				d.Hide()
				m.openPerson(p.Dialog, p.Name)
			}, err
		})
	}
	add.OnTapped = submit
	body.Add(container.NewHBox(layoutSpacer(), cancel, add))
	d = dialog.NewCustomWithoutButtons("Add a contact", container.New(&widthLayout{width: 400}, body), m.u.win)
	keys := func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyEscape:
			d.Hide()
			return true
		case fyne.KeyReturn, fyne.KeyEnter:
			submit()
			return true
		}
		return false
	}
	phone.onKey, first.onKey, last.onKey = keys, keys, keys
	m.u.trackDialog(d)
	m.addContact = d
	m.addContactButton = add
	d.Show()
	m.u.win.Canvas().Focus(phone)
}
