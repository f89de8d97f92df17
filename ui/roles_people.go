package ui

import "context"

// People is how the user finds others without phone numbers, and is found: the account's own public
// username, people found by name or username (a pasted t.me or tg://resolve link included), and the one
// contact the user adds by phone number on purpose. No address book is ever read or sent.
type People interface {
	// MyUsername returns the account's public username without "@", or "" when it has none.
	MyUsername(ctx context.Context) (string, error)

	// CheckUsername says whether the account may take name (as Rules.NormalizeUsername returned it): true
	// when nobody else has it or it is the account's own already.
	CheckUsername(ctx context.Context, name string) (bool, error)

	// SetUsername makes name (as Rules.NormalizeUsername returned it) the account's public username, so that
	// anyone can find the account by it without knowing its phone number; "" removes it.
	SetUsername(ctx context.Context, name string) error

	// FindPeople finds people by the start of a name or username: the account's contacts and the people it
	// has chats with (by name or username) under Mine, then everybody else who published a matching
	// username under Others. Nobody is found by phone number.
	FindPeople(ctx context.Context, query string) (PeopleFound, error)

	// ResolveUsername finds the person with exactly this username (as Rules.NormalizeUsername or
	// Rules.PersonLink returned it).
	ResolveUsername(ctx context.Context, name string) (Person, error)

	// AddContact adds the person with this phone number (international format, as Rules.NormalizePhone
	// returns it) to the account's contacts under the name given. The account's own number is shared with
	// them only when sharePhone is true. It fails when nobody on Telegram lets the account find them by
	// this number.
	AddContact(ctx context.Context, phone, first, last string, sharePhone bool) (Person, error)
}

// Person is someone the user can write to.
type Person struct {
	// Dialog is the cloud chat with the person (KindUser). Opening the person opens, or starts, the secret
	// chat with them through SecretChats.StartSecretChat(Dialog); the cloud chat itself is a separate,
	// labelled choice.
	Dialog   DialogID
	Name     string
	Username string // without "@"; "" when they have none
	Contact  bool   // in the account's contacts
}

// PeopleFound is what FindPeople found, in two sections.
type PeopleFound struct {
	Mine   []Person // contacts and people the account has chats with
	Others []Person // everybody else, found by a username they published
}
