package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// findDelay is the pause after the last keystroke before the server and the store are searched.
const findDelay = 250 * time.Millisecond

// searchLimit is how many messages a search shows.
const searchLimit = 50

// finder searches as the user types and lists what it found in sections: the chats whose name matches
// (here, at once), people (the server's contacts.search, or the person a pasted link names) and, for the
// chat list's search, messages (the local full-text index). The chat list's search box and the new chat
// dialog both use one.
type finder struct {
	m        *mainWindow
	field    *field
	list     *widget.List
	status   *widget.Label
	results  []finding
	messages bool // also search messages
	gen      uint64
	stop     func()
	query    string
	// onOpen runs after a result was opened (the new chat dialog closes).
	onOpen func()
	// statusBox, when set, is the container of the status line and the list, laid out anew when the status
	// shows or hides: Fyne does not, and the list would keep the status line's place above it.
	statusBox *fyne.Container
	// rowHeight and headerHeight are the heights of a result and of a section's heading.
	rowHeight, headerHeight float32
}

// findingKind is what one line of the results shows.
type findingKind int

const (
	findHeader findingKind = iota
	findChat
	findPerson
	findMessage
)

// finding is one line of the results.
type finding struct {
	kind   findingKind
	title  string
	detail string
	chat   DialogSummary
	person Person
	hit    SearchHit
}

func (m *mainWindow) newFinder(placeholder string, messages bool) *finder {
	f := &finder{m: m, field: newField(), status: caption(""), messages: messages, stop: func() {}}
	f.field.SetPlaceHolder(placeholder)
	f.field.OnChanged = func(string) { f.changed() }
	f.field.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown:
			if len(f.results) > 0 {
				m.u.win.Canvas().Focus(f.list)
			}
			return true
		case fyne.KeyReturn, fyne.KeyEnter:
			if i := f.next(-1, +1); i >= 0 {
				f.open(f.results[i])
			}
			return true
		case fyne.KeyEscape:
			return m.u.escape()
		}
		return false
	}
	f.field.onShortcut = m.shortcut
	f.status.Hide()
	f.list = widget.NewList(func() int { return len(f.results) }, f.newRow, f.updateRow)
	f.list.OnSelected = func(i widget.ListItemID) {
		f.list.Unselect(i)
		if i >= 0 && i < len(f.results) {
			f.open(f.results[i])
		}
	}
	return f
}

// next returns the first selectable line after i in direction dir, or -1.
func (f *finder) next(i, dir int) int {
	for i += dir; i >= 0 && i < len(f.results); i += dir {
		if f.results[i].kind != findHeader {
			return i
		}
	}
	return -1
}

// findRow is one line of the results: an icon, a title and a detail, and for a person the button that opens
// their cloud chat instead of the secret one.
type findRow struct {
	widget.BaseWidget
	f       *finder
	i       int
	icon    *widget.Icon
	title   *widget.Label
	detail  *widget.Label
	header  *widget.Label
	cloud   *widget.Button
	content fyne.CanvasObject
}

func (f *finder) newRow() fyne.CanvasObject {
	r := &findRow{f: f, icon: widget.NewIcon(nil), title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		detail: widget.NewLabel(""), header: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.header.SizeName = theme.SizeNameCaptionText
	r.header.Importance = widget.HighImportance // Fyne's muted grey could hardly be read
	r.cloud = widget.NewButtonWithIcon("Cloud chat", theme.NewWarningThemedResource(assets.CloudIcon()), func() {
		if r.i < len(f.results) {
			f.openCloud(f.results[r.i].person)
		}
	})
	r.cloud.Importance = widget.LowImportance
	r.content = container.NewStack(r.header, container.NewBorder(nil, nil, r.icon, r.cloud,
		container.New(tightVBox(), r.title, r.detail)))
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer implements fyne.Widget.
func (r *findRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (f *finder) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*findRow)
	r.i = i
	if i >= len(f.results) {
		return
	}
	res := f.results[i]
	if res.kind == findHeader {
		r.header.SetText(strings.ToUpper(res.title))
		r.header.Show()
		r.icon.Hide()
		r.title.Hide()
		r.detail.Hide()
		r.cloud.Hide()
		return
	}
	r.header.Hide()
	r.icon.Show()
	r.title.Show()
	r.detail.Show()
	r.title.SetText(res.title)
	r.detail.SetText(res.detail)
	switch res.kind {
	case findChat:
		r.icon.SetResource(f.m.chats.iconFor(res.chat.Kind))
		r.cloud.Hide()
	case findPerson:
		r.icon.SetResource(theme.AccountIcon())
		r.cloud.Show()
	case findMessage:
		r.icon.SetResource(f.m.chats.iconFor(res.hit.Kind))
		r.cloud.Hide()
	}
}

// changed searches for what is typed: chats at once, people and messages after a pause.
func (f *finder) changed() {
	f.stop()
	f.gen++
	q := strings.TrimSpace(f.field.Text)
	f.query = q
	f.list.UnselectAll()
	f.show(f.chatsMatching(q))
	f.setStatus("")
	if q == "" {
		return
	}
	gen := f.gen
	f.setStatus("Searching…")
	f.stop = f.m.u.after(findDelay, func() {
		if gen == f.gen {
			f.searchRemote(q, gen)
		}
	})
}

// show lists res. A section's heading is as high as its words, not as a result's two lines.
func (f *finder) show(res []finding) {
	if f.rowHeight == 0 {
		r := f.newRow().(*findRow)
		f.rowHeight = r.MinSize().Height
		r.header.SetText("X")
		f.headerHeight = r.header.MinSize().Height
	}
	f.results = res
	for i, r := range res {
		h := f.rowHeight
		if r.kind == findHeader {
			h = f.headerHeight
		}
		f.list.SetItemHeight(i, h)
	}
	f.list.Refresh()
}

func (f *finder) setStatus(s string) {
	f.status.SetText(s)
	if s == "" {
		f.status.Hide()
	} else {
		f.status.Show()
	}
	if f.statusBox != nil {
		f.statusBox.Refresh()
	}
}

// chatsMatching lists the chats whose title has a word starting with q (or holds q).
func (f *finder) chatsMatching(q string) []finding {
	if q == "" {
		return nil
	}
	lq := strings.ToLower(strings.TrimPrefix(q, "@"))
	var out []finding
	for _, d := range f.m.dialogs {
		if strings.Contains(strings.ToLower(d.Title), lq) {
			out = append(out, finding{kind: findChat, title: d.Title, detail: privacyLabel(d.Kind), chat: d})
		}
	}
	if len(out) > 0 {
		out = append([]finding{{kind: findHeader, title: "Chats"}}, out...)
	}
	return out
}

// searchRemote asks for the people (a pasted link: that person) and the messages matching q.
func (f *finder) searchRemote(q string, gen uint64) {
	svc := f.m.u.svc
	username, isLink := svc.Rules.PersonLink(q)
	f.m.u.background(func(ctx context.Context) func() {
		var found PeopleFound
		var perr, merr error
		if isLink {
			var p Person
			p, perr = svc.People.ResolveUsername(ctx, username)
			if perr == nil {
				found.Others = []Person{p}
			}
		} else if len(strings.TrimPrefix(q, "@")) >= 2 {
			found, perr = svc.People.FindPeople(ctx, q)
		}
		var hits []SearchHit
		if f.messages && !isLink {
			hits, merr = svc.Messages.Search(ctx, q, searchLimit)
		}
		return func() {
			if gen != f.gen {
				return // typed on
			}
			chats := f.chatsMatching(q)
			res := append(chats, f.peopleFindings(found, chats)...)
			f.show(append(res, f.messageFindings(hits)...))
			status := ""
			switch {
			case perr != nil:
				status, _ = explain(perr)
			case merr != nil:
				status, _ = explain(merr)
			case len(f.results) == 0:
				status = "Nothing found. People who are not in your chats can be found only by their username."
			}
			f.setStatus(status)
		}
	})
}

// peopleFindings lists found people in their sections, leaving out those whose cloud chat is listed
// already as a chat.
func (f *finder) peopleFindings(found PeopleFound, chats []finding) []finding {
	listed := map[DialogID]bool{}
	for _, c := range chats {
		if c.kind == findChat {
			listed[c.chat.ID] = true
		}
	}
	var out []finding
	section := func(title string, people []Person) {
		var rows []finding
		for _, p := range people {
			if listed[p.Dialog] {
				continue
			}
			detail := "Opens a secret chat"
			if p.Username != "" {
				detail = "@" + p.Username + " · " + detail
			}
			rows = append(rows, finding{kind: findPerson, title: p.Name, detail: detail, person: p})
		}
		if len(rows) > 0 {
			out = append(out, finding{kind: findHeader, title: title})
			out = append(out, rows...)
		}
	}
	section("Your contacts and chats", found.Mine)
	section("Found by username", found.Others)
	return out
}

func (f *finder) messageFindings(hits []SearchHit) []finding {
	if len(hits) == 0 {
		return nil
	}
	out := []finding{{kind: findHeader, title: "Messages"}}
	now := f.m.now()
	for _, h := range hits {
		out = append(out, finding{kind: findMessage, title: h.Title + " · " + shortTime(h.Date, now),
			detail: previewLine(h.Text, 120), hit: h})
	}
	return out
}

// open opens what a line found: a chat, a person's secret chat, or a message in its chat.
func (f *finder) open(res finding) {
	switch res.kind {
	case findChat:
		f.m.show(res.chat.ID)
	case findPerson:
		f.m.openPerson(res.person.Dialog, res.person.Name)
	case findMessage:
		f.m.show(res.hit.Dialog)
		if f.m.conv.dialog.ID == res.hit.Dialog {
			f.m.conv.list.jumpTo(res.hit.ID)
		}
	default:
		return
	}
	if f.onOpen != nil {
		f.onOpen()
	}
}

// openCloud opens the cloud chat with a person found (the explicit, labelled choice).
func (f *finder) openCloud(p Person) {
	f.m.openCloud(p)
	if f.onOpen != nil {
		f.onOpen()
	}
}
