package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// fakeChats is the chat list as the server keeps it.
type fakeChats struct {
	calls
	mu      sync.Mutex
	dialogs []DialogSummary
}

func (f *fakeChats) Dialogs(context.Context) ([]DialogSummary, error) {
	f.record("Dialogs")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]DialogSummary(nil), f.dialogs...), nil
}

func (f *fakeChats) add(d DialogSummary) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dialogs = append(f.dialogs, d)
}

func (f *fakeChats) remove(id DialogID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dialogs = slices.DeleteFunc(f.dialogs, func(d DialogSummary) bool { return d.ID == id })
}

func (f *fakeChats) markRead(id DialogID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.dialogs {
		if f.dialogs[i].ID == id {
			f.dialogs[i].Unread = 0
		}
	}
}

// fakeMessages keeps each dialog's history; marking read clears the dialog's count in chats.
type fakeMessages struct {
	calls
	mu       sync.Mutex
	chats    *fakeChats
	history  map[DialogID][]Message
	nextID   int64
	sent     []fakeSent
	failSend error
	marked   []fakeMarked
	pages    []Page
	edits    []fakeSent
	deletes  []fakeDelete
	forwards []fakeForward
	typing   []DialogID
	searched []string
}

type fakeMarked struct {
	dialog DialogID
	maxID  int64
}

type fakeSent struct {
	dialog DialogID
	text   string
	reply  int64
}

type fakeDelete struct {
	dialog      DialogID
	ids         []int64
	forEveryone bool
}

type fakeForward struct {
	from DialogID
	ids  []int64
	to   DialogID
}

// History pages through the dialog's history by position, as a store would.
func (f *fakeMessages) History(_ context.Context, id DialogID, p Page) ([]Message, error) {
	f.record("History")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, p)
	h := f.history[id]
	at := func(mid int64) int {
		return slices.IndexFunc(h, func(m Message) bool { return m.ID == mid })
	}
	var out []Message
	switch {
	case p.Before != 0:
		i := max(at(p.Before), 0)
		out = h[max(0, i-p.Limit):i]
	case p.After != 0:
		i := at(p.After)
		if i < 0 {
			i = len(h) - 1
		}
		out = h[i+1 : min(len(h), i+1+p.Limit)]
	case p.Around != 0:
		i := at(p.Around)
		if i < 0 {
			return nil, nil
		}
		out = h[max(0, i-p.Limit/2):min(len(h), i+p.Limit/2+1)]
	default:
		out = h[max(0, len(h)-p.Limit):]
	}
	return append([]Message(nil), out...), nil
}

func (f *fakeMessages) SendText(_ context.Context, id DialogID, text string, opts SendOptions) (Message, error) {
	f.record("SendText")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSend != nil {
		return Message{}, f.failSend
	}
	f.sent = append(f.sent, fakeSent{id, text, opts.ReplyTo})
	f.nextID++
	m := Message{ID: f.nextID, Dialog: id, Out: true, Text: text, Date: time.Now(), Status: StatusSent,
		Can: Abilities{Edit: !strings.HasPrefix(string(id), "s"), DeleteForMe: true, DeleteForEveryone: true}}
	if opts.ReplyTo != 0 {
		for _, q := range f.history[id] {
			if q.ID == opts.ReplyTo {
				m.Reply = &Quote{ID: q.ID, Sender: q.Sender, Text: q.Text}
			}
		}
	}
	f.history[id] = append(f.history[id], m)
	return m, nil
}

func (f *fakeMessages) MarkRead(_ context.Context, id DialogID, maxID int64) error {
	f.record("MarkRead")
	f.mu.Lock()
	f.marked = append(f.marked, fakeMarked{id, maxID})
	f.mu.Unlock()
	f.chats.markRead(id)
	return nil
}

func (f *fakeMessages) Typing(_ context.Context, id DialogID) error {
	f.record("Typing")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.typing = append(f.typing, id)
	return nil
}

// Search finds the messages holding query in every dialog, newest first.
func (f *fakeMessages) Search(_ context.Context, query string, limit int) ([]SearchHit, error) {
	f.record("Search")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searched = append(f.searched, query)
	var hits []SearchHit
	for d, h := range f.history {
		for _, m := range h {
			if strings.Contains(strings.ToLower(m.Text), strings.ToLower(query)) {
				hits = append(hits, SearchHit{Dialog: d, ID: m.ID, Title: string(d), Text: m.Text, Date: m.Date})
			}
		}
	}
	slices.SortFunc(hits, func(a, b SearchHit) int { return b.Date.Compare(a.Date) })
	return hits[:min(len(hits), limit)], nil
}

func (f *fakeMessages) Edit(_ context.Context, id DialogID, mid int64, text string) (Message, error) {
	f.record("Edit")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.edits = append(f.edits, fakeSent{dialog: id, text: text, reply: mid})
	for i, m := range f.history[id] {
		if m.ID == mid {
			m.Text, m.Edited = text, true
			f.history[id][i] = m
			return m, nil
		}
	}
	return Message{}, &Problem{Message: "That message does not exist any more."}
}

func (f *fakeMessages) Delete(_ context.Context, id DialogID, ids []int64, forEveryone bool) error {
	f.record("Delete")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes = append(f.deletes, fakeDelete{id, ids, forEveryone})
	f.history[id] = slices.DeleteFunc(f.history[id], func(m Message) bool { return slices.Contains(ids, m.ID) })
	return nil
}

func (f *fakeMessages) Forward(_ context.Context, from DialogID, ids []int64, to DialogID) error {
	f.record("Forward")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forwards = append(f.forwards, fakeForward{from, ids, to})
	return nil
}

func (f *fakeMessages) markedCalls() []fakeMarked {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMarked(nil), f.marked...)
}

// fakeAccount logs out, or fails to with logOut. A log out hands the window the fakes of a new session,
// next, made on the first log out.
type fakeAccount struct {
	calls
	login  *fakeLogin
	logOut error  // what LogOut returns
	notice string // what a successful LogOut says could not be done at the server
	next   *fakes
}

func (f *fakeAccount) LogOut(context.Context) (LoggedOut, error) {
	f.record("LogOut")
	if f.logOut != nil {
		return LoggedOut{}, f.logOut
	}
	f.login.loggedOut()
	if f.next == nil {
		f.next = newFakes()
	}
	return LoggedOut{Next: f.next.services(), Notice: f.notice}, nil
}

// fakeEvents hands events to the UI's subscription as the network would.
type fakeEvents struct {
	mu      sync.Mutex
	subs    map[int]func(Event)
	nextSub int
}

func (f *fakeEvents) Subscribe(fn func(Event)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextSub
	f.nextSub++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

// emit pushes ev to every subscriber from a goroutine of its own, as a network event would arrive, and
// returns once the subscribers have returned. Tests call UI.drain afterwards to apply it.
func (f *fakeEvents) emit(ev Event) {
	f.mu.Lock()
	subs := make([]func(Event), 0, len(f.subs))
	for _, fn := range f.subs {
		subs = append(subs, fn)
	}
	f.mu.Unlock()
	var wg sync.WaitGroup
	for _, fn := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(ev)
		}()
	}
	wg.Wait()
}

func (f *fakeEvents) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}
