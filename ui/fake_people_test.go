package ui

import (
	"context"
	"strings"
	"sync"
)

// fakePeople is the server's directory of people: usernames, who is a contact, and phone numbers that let
// themselves be found.
type fakePeople struct {
	calls
	mu       sync.Mutex
	mine     string            // the account's username
	taken    map[string]bool   // lower-cased usernames others hold
	people   []Person          // everybody the server knows
	phones   map[string]Person // numbers whose owners may be found by them
	added    []fakeAdded
	setNames []string
}

type fakeAdded struct {
	phone, first, last string
	share              bool
}

func newFakePeople() *fakePeople {
	return &fakePeople{taken: map[string]bool{}, phones: map[string]Person{}}
}

func (f *fakePeople) MyUsername(context.Context) (string, error) {
	f.record("MyUsername")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mine, nil
}

func (f *fakePeople) CheckUsername(_ context.Context, name string) (bool, error) {
	f.record("CheckUsername")
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.taken[strings.ToLower(name)], nil
}

func (f *fakePeople) SetUsername(_ context.Context, name string) error {
	f.record("SetUsername")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.taken[strings.ToLower(name)] {
		return &Problem{Field: FieldUsername, Message: "Someone else has this username. Try another."}
	}
	f.mine = name
	f.setNames = append(f.setNames, name)
	return nil
}

func (f *fakePeople) FindPeople(_ context.Context, query string) (PeopleFound, error) {
	f.record("FindPeople")
	f.mu.Lock()
	defer f.mu.Unlock()
	q := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(query), "@"))
	var found PeopleFound
	for _, p := range f.people {
		byName := false
		for _, w := range strings.Fields(strings.ToLower(p.Name)) {
			byName = byName || strings.HasPrefix(w, q)
		}
		byUsername := p.Username != "" && strings.HasPrefix(strings.ToLower(p.Username), q)
		switch {
		case p.Contact && (byName || byUsername):
			found.Mine = append(found.Mine, p)
		case byUsername:
			found.Others = append(found.Others, p)
		}
	}
	return found, nil
}

func (f *fakePeople) ResolveUsername(_ context.Context, name string) (Person, error) {
	f.record("ResolveUsername")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.people {
		if strings.EqualFold(p.Username, name) {
			return p, nil
		}
	}
	return Person{}, &Problem{Message: "Nobody has this username."}
}

func (f *fakePeople) AddContact(_ context.Context, phone, first, last string, share bool) (Person, error) {
	f.record("AddContact")
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.phones[phone]
	if !ok {
		return Person{}, &Problem{Field: FieldPhone, Message: "Nobody on Telegram lets you find them by this number."}
	}
	f.added = append(f.added, fakeAdded{phone, first, last, share})
	p.Contact = true
	p.Name = strings.TrimSpace(first + " " + last)
	return p, nil
}

// byDialog finds a person the server knows by their dialog.
func (f *fakePeople) byDialog(d DialogID) (Person, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.people {
		if p.Dialog == d {
			return p, true
		}
	}
	return Person{}, false
}
