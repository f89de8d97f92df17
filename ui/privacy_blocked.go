package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// blockedPanel is the privacy centre's list of the people the account has blocked, each with Unblock, and a
// way to block someone by their username or t.me link. Every change is confirmed first and the list is read
// again from the server afterwards.
type blockedPanel struct {
	p       *privacyPage
	who     *widget.Entry
	block   *widget.Button
	whoErr  *widget.Label
	err     *widget.Label
	busy    *busyIndicator
	form    *form
	count   *widget.Label
	none    *widget.Label
	list    *fyne.Container
	rows    []*blockedRow
	now     func() time.Time
	confirm *dialog.ConfirmDialog // the last question asked, for the tests
}

// blockedRow is one blocked person as shown.
type blockedRow struct {
	person  BlockedPerson
	unblock *widget.Button
}

// blockedNone is said when nobody is blocked.
const blockedNone = "You have not blocked anyone."

func newBlockedPanel(p *privacyPage) *blockedPanel {
	b := &blockedPanel{p: p, err: errorLabel(), whoErr: errorLabel(), list: container.NewVBox(), now: time.Now,
		none: wrapped(blockedNone), count: heading("Blocked people")}
	b.none.Hide()
	b.who = widget.NewEntry()
	b.who.SetPlaceHolder("@username or t.me/username")
	b.who.OnSubmitted = func(string) { b.find() }
	b.block = widget.NewButtonWithIcon("Block…", theme.ContentRemoveIcon(), b.find)
	b.block.Importance = widget.DangerImportance
	b.busy = newBusyWithText("Reading the blocked people…", b.who, b.block)
	b.form = p.u.newForm(b.busy, b.err).with(FieldUsername, b.whoErr)
	return b
}

func (b *blockedPanel) content() fyne.CanvasObject {
	return container.NewVBox(
		caption("People you block cannot write to you, start a secret chat with you, or see your profile photo "+
			"and when you are online. Their messages are not delivered; Telegram does not tell them they are blocked."),
		labeled("Block someone", container.NewBorder(nil, nil, nil, b.block, b.who),
			b.whoErr, b.err, caption("Type their username, or paste a link to them. Tacit never looks people up by phone number here.")),
		b.busy.view,
		widget.NewSeparator(),
		b.count, b.none, b.list)
}

// load reads the blocklist from the server.
func (b *blockedPanel) load() {
	b.busy.label.SetText("Reading the blocked people…")
	b.form.run(func(ctx context.Context) (func(), error) {
		list, err := b.p.u.svc.Privacy.Blocked(ctx)
		return func() { b.show(list) }, err
	})
}

// show draws the blocklist.
func (b *blockedPanel) show(list []BlockedPerson) {
	b.list.RemoveAll()
	b.rows = b.rows[:0]
	b.busy.controls = []fyne.Disableable{b.who, b.block}
	for _, x := range list {
		row := &blockedRow{person: x}
		row.unblock = widget.NewButton("Unblock", func() { b.confirmUnblock(row.person) })
		b.busy.controls = append(b.busy.controls, row.unblock)
		b.rows = append(b.rows, row)
		b.list.Add(b.view(row))
	}
	if len(list) == 0 {
		b.count.SetText("Blocked people")
		b.none.Show()
	} else {
		b.count.SetText(plural(len(list), "One blocked person", "%d blocked people"))
		b.none.Hide()
	}
}

// view lays out one blocked person: name, username and since when, with Unblock.
func (b *blockedPanel) view(row *blockedRow) fyne.CanvasObject {
	x := row.person
	name := widget.NewLabelWithStyle(personName(x.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Wrapping = fyne.TextWrapWord
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.AccountIcon())),
		container.NewVBox(row.unblock),
		container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()), name, caption(blockedDetails(x, b.now())))),
		widget.NewSeparator())
}

// personName is a name to show; someone without one is "Deleted account", as Telegram shows them.
func personName(name string) string {
	if strings.TrimSpace(name) == "" {
		return "Deleted account"
	}
	return name
}

// blockedDetails says a blocked person's username and since when they are blocked, in one line.
func blockedDetails(x BlockedPerson, now time.Time) string {
	var parts []string
	if x.Username != "" {
		parts = append(parts, "@"+x.Username)
	} else {
		parts = append(parts, "no username")
	}
	if x.Since.Unix() > 0 {
		when := shortTime(x.Since, now)
		if y1, m1, d1 := x.Since.In(now.Location()).Date(); y1 == now.Year() && m1 == now.Month() && d1 == now.Day() {
			when = "today at " + when
		} else {
			when = "on " + when
		}
		parts = append(parts, "blocked "+when)
	}
	return strings.Join(parts, " · ")
}

// find reads the username or link typed, finds the person and asks whether to block them.
func (b *blockedPanel) find() {
	if b.form.working() {
		return
	}
	text := strings.TrimSpace(b.who.Text)
	rules := b.p.u.svc.Rules
	name, ok := rules.PersonLink(text)
	if !ok {
		var err error
		if name, err = rules.NormalizeUsername(text); err != nil {
			b.form.show(err)
			return
		}
	}
	b.busy.label.SetText("Finding @" + name + "…")
	b.form.run(func(ctx context.Context) (func(), error) {
		p, err := b.p.u.svc.People.ResolveUsername(ctx, name)
		return func() { b.confirmBlock(p) }, err
	})
}

// confirmBlock asks whether to block p, unless they are blocked already, and does so on confirmation.
func (b *blockedPanel) confirmBlock(p Person) {
	for _, r := range b.rows {
		if r.person.Dialog == p.Dialog {
			setError(b.whoErr, personName(p.Name)+" is blocked already.")
			return
		}
	}
	who := personName(p.Name)
	if p.Username != "" {
		who += " (@" + p.Username + ")"
	}
	b.ask("Block "+personName(p.Name)+"?", "Block",
		who+" will no longer be able to write to you, start a secret chat with you, or see your profile photo and "+
			"when you are online. Telegram does not tell them. You can unblock them here at any time.",
		"Blocking and reading the list back…",
		func(ctx context.Context) error { return b.p.u.svc.Privacy.Block(ctx, p.Dialog) },
		func() { b.who.SetText("") })
}

// confirmUnblock asks whether to unblock x and does so on confirmation.
func (b *blockedPanel) confirmUnblock(x BlockedPerson) {
	b.ask("Unblock "+personName(x.Name)+"?", "Unblock",
		personName(x.Name)+" will be able to write to you and ask you for secret chats again, and to see your "+
			"profile photo and when you are online as your privacy settings allow. Messages they sent while blocked "+
			"are not delivered afterwards.",
		"Unblocking and reading the list back…",
		func(ctx context.Context) error { return b.p.u.svc.Privacy.Unblock(ctx, x.Dialog) }, nil)
}

// ask shows a confirmation and, once confirmed, runs change, reads the blocklist again and shows it, then
// runs done (if any).
func (b *blockedPanel) ask(title, confirm, text, working string, change func(ctx context.Context) error, done func()) {
	d := dialog.NewCustomConfirm(title, confirm, "Cancel",
		container.New(&widthLayout{width: 420}, wrapped(text)),
		func(ok bool) {
			if !ok {
				return
			}
			b.busy.label.SetText(working)
			b.form.run(func(ctx context.Context) (func(), error) {
				if err := change(ctx); err != nil {
					return nil, err
				}
				list, err := b.p.u.svc.Privacy.Blocked(ctx)
				return func() {
					b.show(list)
					if done != nil {
						done()
					}
				}, err
			})
		}, b.p.u.win)
	d.SetConfirmImportance(widget.DangerImportance)
	if confirm == "Unblock" {
		d.SetConfirmImportance(widget.HighImportance)
	}
	b.confirm = d
	d.Show()
}
