package ui

import (
	"context"
	"errors"
	"slices"
)

// fakePrefs is the preferences role in memory. It refuses what the application refuses (more than "New
// message" for a secret chat, a timer not offered), and fails every change while fail is set.
type fakePrefs struct {
	calls
	p    Prefs
	fail error
}

func newFakePrefs() *fakePrefs {
	return &fakePrefs{p: Prefs{NotifySecret: NotifyHidden, NotifyCloud: NotifyHidden, Sound: true}}
}

func (f *fakePrefs) Preferences() Prefs {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.p
}

func (f *fakePrefs) set(name string, fn func(p *Prefs) error) error {
	f.record(name)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	next := f.p
	if err := fn(&next); err != nil {
		return err
	}
	f.p = next
	return nil
}

func (f *fakePrefs) SetNotifications(_ context.Context, secret, cloud NotifyContent, sound bool) error {
	return f.set("SetNotifications", func(p *Prefs) error {
		if secret != NotifyOff && secret != NotifyHidden {
			return &Problem{Message: "Secret chat notifications never show more than “New message”.", Err: errors.New("refused")}
		}
		p.NotifySecret, p.NotifyCloud, p.Sound = secret, cloud, sound
		return nil
	})
}

func (f *fakePrefs) SetSecretTTL(_ context.Context, seconds int) error {
	return f.set("SetSecretTTL", func(p *Prefs) error {
		if !slices.Contains(secretTTLChoices, seconds) {
			return &Problem{Message: "Choose one of the timers offered.", Err: errors.New("refused")}
		}
		p.SecretTTL = seconds
		return nil
	})
}

func (f *fakePrefs) SetLinkPreviews(_ context.Context, cloud bool) error {
	return f.set("SetLinkPreviews", func(p *Prefs) error { p.LinkPreviews = cloud; return nil })
}

func (f *fakePrefs) SetTheme(_ context.Context, t ThemeChoice) error {
	return f.set("SetTheme", func(p *Prefs) error { p.Theme = t; return nil })
}
