package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/ui"
)

// TestPeopleByUsernameAndOneContactByNumber drives the People role as the window does: a username is
// checked and set, people are found by username and by a pasted link, one contact is added by number
// without sharing the account's own, and opening a person found by username starts a secret chat.
func TestPeopleByUsernameAndOneContactByNumber(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := demoSandbox(t, ctx)
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900320", "Quinn")
	people, rules := w.svc.People, w.svc.Rules

	if name, err := people.MyUsername(ctx); err != nil || name != "" {
		t.Fatalf("a new account's username: %q %v", name, err)
	}
	if free, err := people.CheckUsername(ctx, "alice_demo"); err != nil || free {
		t.Fatalf("alice_demo free: %v %v", free, err)
	}
	name, err := rules.NormalizeUsername(" @Quinn_Tacit ")
	if err != nil {
		t.Fatal(err)
	}
	if err := people.SetUsername(ctx, name); err != nil {
		t.Fatal(err)
	}
	if got, err := people.MyUsername(ctx); err != nil || got != "Quinn_Tacit" {
		t.Fatalf("username after saving: %q %v", got, err)
	}
	err = people.SetUsername(ctx, "alice_demo")
	var ue ui.UserError
	if !errors.As(err, &ue) || ue.UserMessage() != "Someone else has this username. Try another." {
		t.Fatalf("taking a taken name: %v", err)
	}
	if _, err := rules.NormalizeUsername("no"); !errors.As(err, &ue) || ue.UserMessage() != "A username has at least 5 characters." {
		t.Fatalf("a short name: %v", err)
	}

	// Bob is found by the start of his username; his pasted link names him exactly.
	found, err := people.FindPeople(ctx, "bob_d")
	if err != nil || len(found.Mine)+len(found.Others) != 1 {
		t.Fatalf("find bob: %+v %v", found, err)
	}
	link, ok := rules.PersonLink("https://t.me/bob_demo")
	if !ok {
		t.Fatal("link not read")
	}
	bob, err := people.ResolveUsername(ctx, link)
	if err != nil || bob.Name != "Bob" || bob.Username != "bob_demo" {
		t.Fatalf("resolve: %+v %v", bob, err)
	}
	if _, err := people.ResolveUsername(ctx, "nobody_at_all"); !errors.As(err, &ue) || ue.UserMessage() != "Nobody has this username." {
		t.Fatalf("resolve a free name: %v", err)
	}

	// Opening the person starts the secret chat with them (or finds the one Bob asked for), and it
	// becomes ready.
	secretID, err := w.svc.Secret.StartSecretChat(ctx, bob.Dialog)
	if err != nil {
		t.Fatal(err)
	}
	w.ready(ctx, secretID)

	// One contact by number, the account's own number kept to itself.
	added, err := people.AddContact(ctx, "+1 555 000 0001", "Alice", "Demo", false)
	if err != nil || !added.Contact || added.Name != "Alice Demo" {
		t.Fatalf("add contact: %+v %v", added, err)
	}
	// The phone number rules allow nobody in particular: Alice was not given the number. Bob is, on request.
	if got := phoneSharedWith(t, ctx, w); len(got) != 0 {
		t.Fatalf("the number is shared with %v", got)
	}
	bobContact, err := people.AddContact(ctx, "+1 555 000 0002", "Bob", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := phoneSharedWith(t, ctx, w); len(got) != 1 || string(dialogID(got[0])) != string(bobContact.Dialog) {
		t.Fatalf("the number is shared with %v, want Bob %s", got, bobContact.Dialog)
	}
	_, err = people.AddContact(ctx, "+44 7700 900999", "Nobody", "", false)
	if !errors.As(err, &ue) || ue.UserMessage() != rpcWords["PHONE_NOT_OCCUPIED"] {
		t.Fatalf("add an unknown number: %v", err)
	}
}

// phoneSharedWith lists the people the account's phone number privacy rules let see it by name.
func phoneSharedWith(t *testing.T, ctx context.Context, w *window) []int64 {
	t.Helper()
	res, err := w.b.client.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyPhoneNumber{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range res.Rules {
		if allow, ok := r.(*tg.PrivacyValueAllowUsers); ok {
			ids = append(ids, allow.Users...)
		}
	}
	return ids
}
