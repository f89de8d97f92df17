package app

import (
	"context"
	"strings"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/store"
	"tacit/ui"
)

// peopleService implements ui.People: the account's username and finding people by name or username.
// Nothing here reads an address book or searches by phone number; AddContact resolves the one number the
// user typed.
type peopleService struct{ *Backend }

// findLimit is how many people of each section a search returns.
const findLimit = 30

// MyUsername implements ui.People.
func (b peopleService) MyUsername(ctx context.Context) (string, error) {
	me, err := b.cloud.Me(ctx)
	if err != nil {
		return "", userError(err)
	}
	return me.Username, nil
}

// CheckUsername implements ui.People.
func (b peopleService) CheckUsername(ctx context.Context, name string) (bool, error) {
	ok, err := b.cloud.CheckUsername(ctx, name)
	return ok, userError(err)
}

// SetUsername implements ui.People.
func (b peopleService) SetUsername(ctx context.Context, name string) error {
	_, err := b.cloud.SetUsername(ctx, name)
	return userError(err)
}

// FindPeople implements ui.People with contacts.search.
func (b peopleService) FindPeople(ctx context.Context, query string) (ui.PeopleFound, error) {
	mine, others, err := b.cloud.SearchPeople(ctx, query, findLimit)
	if err != nil {
		return ui.PeopleFound{}, userError(err)
	}
	found := ui.PeopleFound{Mine: b.people(ctx, mine), Others: b.people(ctx, others)}
	return found, nil
}

// ResolveUsername implements ui.People.
func (b peopleService) ResolveUsername(ctx context.Context, name string) (ui.Person, error) {
	u, err := b.cloud.ResolveUsername(ctx, name)
	if err != nil {
		return ui.Person{}, userError(err)
	}
	if u.Bot {
		return ui.Person{}, userError(errBotChat)
	}
	return b.person(ctx, u), nil
}

// AddContact implements ui.People: the number the user typed is resolved (when its owner lets the account
// find them by it) and that one person is added; the account's number goes to them only with sharePhone.
func (b peopleService) AddContact(ctx context.Context, phone, first, last string, sharePhone bool) (ui.Person, error) {
	digits, err := mtproto.NormalizePhone(phone)
	if err != nil {
		return ui.Person{}, userError(err)
	}
	u, err := b.cloud.ResolvePhone(ctx, digits)
	if err != nil {
		return ui.Person{}, userError(err)
	}
	in := &tg.InputUser{UserID: u.Peer.ID, AccessHash: u.Peer.AccessHash}
	if err := privacy.AddContact(ctx, b.client.API(), in, first, last, sharePhone); err != nil {
		return ui.Person{}, userError(err)
	}
	// Telegram shows a contact under the name the user gave.
	u.Contact, u.FirstName, u.LastName = true, strings.TrimSpace(first), strings.TrimSpace(last)
	return b.person(ctx, u), nil
}

// people turns found users into the window's people, leaving out the account itself and bots (Tacit opens
// secret chats with people; a bot cannot have one).
func (b *Backend) people(ctx context.Context, users []mtproto.User) []ui.Person {
	out := make([]ui.Person, 0, len(users))
	for _, u := range users {
		if u.Self || u.Bot {
			continue
		}
		out = append(out, b.person(ctx, u))
	}
	return out
}

// person remembers u as a cloud dialog the window may open and caches the name it was shown under, so a
// secret chat started with them keeps it after a restart.
func (b *Backend) person(ctx context.Context, u mtproto.User) ui.Person {
	id, _ := b.rememberPeer(u.Peer, u.Name())
	if b.cache.enabled() {
		b.diag.report("cache a person", b.cache.db.PutUsers(ctx, store.User{ID: u.Peer.ID, AccessHash: u.Peer.AccessHash,
			FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}))
	}
	return ui.Person{Dialog: id, Name: u.Name(), Username: u.Username, Contact: u.Contact}
}
