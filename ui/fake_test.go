package ui

import (
	"sync"
)

// fakes are in-memory stand-ins for the roles, one type per role (fake_*_test.go). A test hands the UI only
// the roles its pages use; fakes.services gives all of them, for tests that reach the main window.
type fakes struct {
	login    *fakeLogin
	chats    *fakeChats
	msgs     *fakeMessages
	secret   *fakeSecret
	people   *fakePeople
	files    *fakeFiles
	notify   *fakeNotifications
	account  *fakeAccount
	events   *fakeEvents
	privacy  *fakePrivacy
	settings *fakeSettings
	prefs    *fakePrefs
	conn     *fakeConnection
	lock     *fakeLock
}

func newFakes() *fakes {
	f := &fakes{login: newFakeLogin(), chats: &fakeChats{}, events: &fakeEvents{subs: map[int]func(Event){}}, privacy: newFakePrivacy(), settings: newFakeSettings(),
		prefs: newFakePrefs(), conn: newFakeConnection(),
		lock: &fakeLock{settings: LockSettings{Available: true, Choices: []int{0, 1, 5, 15, 60}}}}
	f.msgs = &fakeMessages{chats: f.chats, history: map[DialogID][]Message{}, nextID: 100}
	f.secret = &fakeSecret{chats: f.chats, secrets: map[DialogID]*SecretChatInfo{}, acceptTo: SecretWaiting}
	f.login.settings = f.settings
	f.people = newFakePeople()
	f.privacy.names = f.people.byDialog
	f.files = newFakeFiles(f.msgs)
	f.notify = &fakeNotifications{cloud: NotifyFull, secret: NotifyHidden}
	f.account = &fakeAccount{login: f.login}
	return f
}

// services returns every role; Demo is set when the login fake plays the demo server (hint set).
func (f *fakes) services() Services {
	svc := Services{Rules: fakeRules{}, Login: f.login, Chats: f.chats, Messages: f.msgs, Secret: f.secret, People: f.people,
		Files: f.files, Notifications: f.notify, Account: f.account, Events: f.events, Privacy: f.privacy,
		Settings: f.settings, Preferences: f.prefs, Connection: f.conn, Lock: f.lock}
	if f.login.hint != "" {
		svc.Demo = f.login
	}
	return svc
}

// called counts the calls of a method on any of the fakes.
func (f *fakes) called(name string) int {
	return f.login.called(name) + f.chats.called(name) + f.msgs.called(name) + f.secret.called(name) +
		f.people.called(name) + f.files.called(name) + f.account.called(name) + f.privacy.called(name) + f.settings.called(name) +
		f.prefs.called(name) + f.lock.called(name)
}

// calls records the methods a fake was called with, in order, and can hold every call at a gate.
type calls struct {
	mu   sync.Mutex
	list []string
	// gate, when set, holds every call until it is closed (to look at the page meanwhile).
	gate chan struct{}
}

func (c *calls) record(name string) {
	c.mu.Lock()
	c.list = append(c.list, name)
	gate := c.gate
	c.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (c *calls) called(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.list {
		if s == name {
			n++
		}
	}
	return n
}
