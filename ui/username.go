package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// usernameCheckDelay is the pause after the last keystroke before the server is asked whether a username
// is free.
const usernameCheckDelay = 350 * time.Millisecond

// usernameEditor sets the account's public username, saying as the user types whether the name is valid
// and free. Any page can hold one (the new chat dialog does; so can a profile page).
type usernameEditor struct {
	u       *UI
	people  People
	entry   *field
	status  *widget.Label
	err     *widget.Label
	save    *widget.Button
	remove  *widget.Button
	busy    *busyIndicator
	form    *form
	content fyne.CanvasObject

	current   string // the account's username as last loaded or saved; "" when none
	loaded    bool
	checkGen  uint64 // makes the answers to earlier checks stale
	stopCheck func()
	// available is the last name the server said is free.
	available string
	// onSaved runs after a username was saved or removed.
	onSaved func(name string)
}

func (u *UI) newUsernameEditor(people People) *usernameEditor {
	e := &usernameEditor{u: u, people: people, entry: newField(), status: wrapped(""), err: errorLabel(), stopCheck: func() {}}
	e.entry.SetPlaceHolder("username")
	e.entry.OnChanged = func(string) { e.changed() }
	e.entry.OnSubmitted = func(string) { e.submit() }
	e.status.Importance = widget.LowImportance
	e.save = widget.NewButton("Save", e.submit)
	e.save.Importance = widget.HighImportance
	e.save.Disable()
	e.remove = widget.NewButton("Remove username", e.removeName)
	e.remove.Importance = widget.LowImportance
	e.remove.Hide()
	e.busy = newBusy(e.entry, e.save, e.remove)
	e.form = u.newForm(e.busy, e.err).with(FieldUsername, e.err)
	at := widget.NewLabel("@")
	e.content = container.NewVBox(
		caption("People can find you by your username and write to you without knowing your phone number. "+
			"Anyone can see it. A username has 5 to 32 characters: a-z, 0-9 and _."),
		container.NewBorder(nil, nil, at, nil, e.entry),
		e.status,
		e.err,
		container.NewHBox(e.busy.view, e.remove, layoutSpacer(), e.save),
	)
	return e
}

// load fetches the account's username into the editor.
func (e *usernameEditor) load() {
	e.status.SetText("Loading your username…")
	e.busy.set(true)
	e.u.background(func(ctx context.Context) func() {
		name, err := e.people.MyUsername(ctx)
		return func() {
			e.busy.set(false)
			if e.form.show(err) {
				e.status.SetText("")
				return
			}
			e.current, e.loaded = name, true
			e.entry.SetText(name)
			e.changed()
		}
	})
}

// changed says what the name typed so far would do, and asks the server whether it is free after a pause.
func (e *usernameEditor) changed() {
	e.stopCheck()
	e.checkGen++
	e.available = ""
	e.form.clear()
	e.save.Disable()
	if e.current != "" {
		e.remove.Show()
	} else {
		e.remove.Hide()
	}
	if !e.loaded {
		return
	}
	text := e.entry.Text
	if trimmed := trimAt(text); trimmed == "" {
		if e.current == "" {
			e.setStatus("You have no username: people who do not know your number cannot find you.", widget.LowImportance)
		} else {
			e.setStatus("Save to remove your username.", widget.LowImportance)
			e.save.Enable()
		}
		return
	}
	name, err := e.u.svc.Rules.NormalizeUsername(text)
	if err != nil {
		msg, _ := explain(err)
		e.setStatus(msg, widget.DangerImportance)
		return
	}
	if name == e.current {
		e.setStatus("This is your username: people find you as @"+name+".", widget.SuccessImportance)
		return
	}
	e.setStatus("Checking whether @"+name+" is free…", widget.LowImportance)
	gen := e.checkGen
	e.stopCheck = e.u.after(usernameCheckDelay, func() {
		if gen != e.checkGen {
			return
		}
		e.u.background(func(ctx context.Context) func() {
			free, err := e.people.CheckUsername(ctx, name)
			return func() {
				if gen != e.checkGen {
					return // the user typed on
				}
				switch {
				case err != nil:
					msg, _ := explain(err)
					e.setStatus(msg, widget.DangerImportance)
				case free:
					e.available = name
					e.setStatus("@"+name+" is available.", widget.SuccessImportance)
					e.save.Enable()
				default:
					e.setStatus("Someone else has @"+name+". Try another.", widget.DangerImportance)
				}
			}
		})
	})
}

func (e *usernameEditor) setStatus(text string, imp widget.Importance) {
	e.status.Importance = imp
	e.status.SetText(text)
}

// submit saves the name typed, if the server said it is free, or removes the username when the field is
// empty.
func (e *usernameEditor) submit() {
	if e.form.working() || !e.loaded {
		return
	}
	name := ""
	if trimAt(e.entry.Text) != "" {
		if e.available == "" {
			return // not checked, or not free
		}
		name = e.available
	} else if e.current == "" {
		return
	}
	e.saveName(name)
}

// removeName removes the account's username.
func (e *usernameEditor) removeName() {
	if e.form.working() || e.current == "" {
		return
	}
	e.saveName("")
}

func (e *usernameEditor) saveName(name string) {
	e.checkGen++ // answers to checks made before are stale now
	e.form.run(func(ctx context.Context) (func(), error) {
		err := e.people.SetUsername(ctx, name)
		return func() {
			e.current = name
			e.entry.SetText(name)
			e.changed()
			if name == "" {
				e.setStatus("Your username is removed. People who do not know your number cannot find you.", widget.SuccessImportance)
			} else {
				e.setStatus("Saved. People can now find you as @"+name+".", widget.SuccessImportance)
			}
			if e.onSaved != nil {
				e.onSaved(name)
			}
		}, err
	})
}

// showUsernameDialog shows the username editor in a dialog over the window.
func (u *UI) showUsernameDialog(onSaved func(string)) *usernameEditor {
	e := u.newUsernameEditor(u.svc.People)
	e.onSaved = onSaved
	d := dialog.NewCustom("Your username", "Close", container.New(&widthLayout{width: 420}, e.content), u.win)
	u.trackDialog(d)
	e.entry.onKey = func(ev *fyne.KeyEvent) bool {
		if ev.Name == fyne.KeyEscape {
			d.Hide()
			return true
		}
		return false
	}
	d.Show()
	u.win.Canvas().Focus(e.entry)
	e.load()
	return e
}

// trimAt is s without surrounding spaces and a leading "@".
func trimAt(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "@"))
}
