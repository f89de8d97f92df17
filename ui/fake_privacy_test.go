package ui

import (
	"context"
	"slices"
	"time"
)

// fakePrivacy is the privacy centre's role in memory: a check-up whose fixable items Harden turns ok (or
// refuses, for the ids in refuse), and a list of sessions.
type fakePrivacy struct {
	calls
	items    []CheckItem
	refuse   map[CheckItemID]string // ids Harden does not apply, with the reason
	sessions []Session
	hardened [][]CheckItemID
	exposure Exposure
	// refuseTTL: SetExposure does not apply a new self-destruct period.
	refuseTTL bool
	exposures []Exposure // what SetExposure was asked for
	// blocked is the blocklist, oldest first; names finds a person by dialog for Block (the people fake).
	blocked []BlockedPerson
	names   func(DialogID) (Person, bool)
}

func newFakePrivacy() *fakePrivacy {
	return &fakePrivacy{
		items: []CheckItem{
			{ID: "phone", Title: "Who can see my phone number", Current: "everybody", Recommended: "nobody", Rating: RatingRisk, Why: "Anyone sees it.", CanFix: true},
			{ID: "last-seen", Title: "Who can see when I was last online", Current: "everybody", Recommended: "my contacts", Rating: RatingWarn, Why: "Anyone can watch.", CanFix: true},
			{ID: "two-step", Title: "2-step verification password", Current: "set", Rating: RatingOK, Why: "A code alone is not enough."},
			{ID: "sessions", Title: "Devices logged in to this account", Current: "this device and 1 other", Recommended: "only devices you use", Rating: RatingWarn, Why: "End the ones you do not know."},
		},
		refuse:   map[CheckItemID]string{},
		exposure: Exposure{PhoneNumber: AudienceEverybody, FindByNumber: AudienceEverybody, AccountTTLDays: 365},
		sessions: []Session{
			{ID: 0, Current: true, Device: "Desktop, Linux", App: "Tacit 0.1.0", IP: "127.0.0.1", SecretChats: true},
			{ID: 7, Device: "Laptop, Linux", App: "Other 2.0", IP: "10.0.0.2", Location: "Lisbon, Portugal", Active: time.Now().Add(-3 * time.Hour), SecretChats: true},
			{ID: 9, Device: "Phone, Android", App: "Telegram 11.0", IP: "10.0.0.3", Active: time.Now().Add(-48 * time.Hour)},
		},
	}
}

func (f *fakePrivacy) checkUp() CheckUp { return CheckUp{Items: slices.Clone(f.items)} }

func (f *fakePrivacy) CheckUp(ctx context.Context) (CheckUp, error) {
	f.record("CheckUp")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.checkUp(), nil
}

func (f *fakePrivacy) Harden(ctx context.Context, ids []CheckItemID) (Hardened, error) {
	f.record("Harden")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hardened = append(f.hardened, ids)
	if len(ids) == 0 {
		ids = f.checkUp().Fixable()
	}
	var out Hardened
	for i, it := range f.items {
		if !slices.Contains(ids, it.ID) {
			continue
		}
		if reason, ok := f.refuse[it.ID]; ok {
			out.Rules = append(out.Rules, PrivacyRule{Title: it.Title, Want: it.Recommended, Got: it.Current, Reason: reason})
			continue
		}
		f.items[i].Current, f.items[i].Rating, f.items[i].CanFix = it.Recommended, RatingOK, false
		out.Rules = append(out.Rules, PrivacyRule{Title: it.Title, Want: it.Recommended, Got: it.Recommended, Applied: true})
	}
	out.After = f.checkUp()
	return out, nil
}

func (f *fakePrivacy) Sessions(ctx context.Context) ([]Session, error) {
	f.record("Sessions")
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sessions), nil
}

func (f *fakePrivacy) Terminate(ctx context.Context, id SessionID) error {
	f.record("Terminate")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = slices.DeleteFunc(f.sessions, func(s Session) bool { return s.ID == id && !s.Current })
	return nil
}

func (f *fakePrivacy) TerminateOthers(ctx context.Context) error {
	f.record("TerminateOthers")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions = slices.DeleteFunc(f.sessions, func(s Session) bool { return !s.Current })
	return nil
}

func (f *fakePrivacy) Exposure(ctx context.Context) (Exposure, error) {
	f.record("Exposure")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.exposure, nil
}

func (f *fakePrivacy) SetExposure(ctx context.Context, e Exposure) ([]PrivacyRule, error) {
	f.record("SetExposure")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exposures = append(f.exposures, e)
	var rules []PrivacyRule
	if e.PhoneNumber != f.exposure.PhoneNumber {
		f.exposure.PhoneNumber = e.PhoneNumber
		rules = append(rules, PrivacyRule{Title: "Who can see my phone number", Want: "x", Got: "x", Applied: true})
	}
	if e.FindByNumber != f.exposure.FindByNumber {
		f.exposure.FindByNumber = e.FindByNumber
		rules = append(rules, PrivacyRule{Title: "Who can find me by my number", Want: "x", Got: "x", Applied: true})
	}
	if e.AccountTTLDays != f.exposure.AccountTTLDays {
		r := PrivacyRule{Title: "Delete my account if I am away for", Want: "90 days", Got: "90 days", Applied: true}
		if f.refuseTTL {
			r.Got, r.Applied, r.Reason = "365 days", false, "Reading it back shows 365 days."
		} else {
			f.exposure.AccountTTLDays = e.AccountTTLDays
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// Blocked lists the blocklist, most recently blocked first.
func (f *fakePrivacy) Blocked(ctx context.Context) ([]BlockedPerson, error) {
	f.record("Blocked")
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.blocked)
	slices.Reverse(out)
	return out, nil
}

// Block adds the person to the blocklist (named after the person the people fake knows under that dialog);
// blocking the account itself ("u0") is refused as the app words it.
func (f *fakePrivacy) Block(ctx context.Context, person DialogID) error {
	f.record("Block")
	f.mu.Lock()
	defer f.mu.Unlock()
	if person == "u0" {
		return &Problem{Message: "You cannot block yourself."}
	}
	if slices.ContainsFunc(f.blocked, func(b BlockedPerson) bool { return b.Dialog == person }) {
		return nil
	}
	x := BlockedPerson{Dialog: person, Name: string(person), Since: time.Now()}
	if f.names != nil {
		if p, ok := f.names(person); ok {
			x.Name, x.Username = p.Name, p.Username
		}
	}
	f.blocked = append(f.blocked, x)
	return nil
}

// Unblock takes the person off the blocklist.
func (f *fakePrivacy) Unblock(ctx context.Context, person DialogID) error {
	f.record("Unblock")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocked = slices.DeleteFunc(f.blocked, func(b BlockedPerson) bool { return b.Dialog == person })
	return nil
}
