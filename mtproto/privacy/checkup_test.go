package privacy_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gotd/td/tg"

	"tacit/mtproto/privacy"
)

func ids(items []privacy.Item) []privacy.ItemID {
	var out []privacy.ItemID
	for _, it := range items {
		out = append(out, it.ID)
	}
	slices.Sort(out)
	return out
}

func TestCheckUpOfADefaultAccountThenHarden(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	c := start(t, ctx, s, clientOpts{})
	me := rawSignUp(t, ctx, s, c, "447700900200", "Pat")
	// A client that synced an address book.
	if _, err := c.API().ContactsImportContacts(ctx, []tg.InputPhoneContact{
		{ClientID: 1, Phone: "447700900298", FirstName: "A"},
		{ClientID: 2, Phone: "447700900299", FirstName: "B"},
	}); err != nil {
		t.Fatal(err)
	}

	up, err := privacy.CheckUp(ctx, c.API())
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := []privacy.ItemID{
		privacy.ItemPhoneNumber, privacy.ItemFindByNumber, privacy.ItemLastSeen, privacy.ItemProfilePhoto,
		privacy.ItemForwards, privacy.ItemCalls, privacy.ItemP2PCalls, privacy.ItemChatInvites,
		privacy.ItemVoiceMessages, privacy.ItemBio, privacy.ItemBirthday, privacy.ItemSessions,
		privacy.ItemSecretChatsHere, privacy.ItemTwoStep, privacy.ItemSignUpNotices, privacy.ItemSavedContacts,
		privacy.ItemAccountTTL, privacy.ItemArchiveNonContacts, privacy.ItemHideReadMarks,
	}
	slices.Sort(wantIDs)
	if got := ids(up.Items); !slices.Equal(got, wantIDs) {
		t.Fatalf("items %v, want %v", got, wantIDs)
	}
	for _, it := range up.Items {
		if it.Title == "" || it.Current == "" || it.Why == "" || it.Recommended == "" {
			t.Errorf("incomplete item %+v", it)
		}
		if strings.Count(strings.TrimSuffix(it.Why, "."), ". ") > 0 {
			t.Errorf("%s: more than one sentence of why: %q", it.ID, it.Why)
		}
	}
	risks := []privacy.ItemID{privacy.ItemFindByNumber, privacy.ItemP2PCalls, privacy.ItemTwoStep, privacy.ItemSavedContacts}
	slices.Sort(risks)
	if got := ids(up.Rated(privacy.RatingRisk)); !slices.Equal(got, risks) {
		t.Fatalf("risks %v, want %v", got, risks)
	}
	warns := []privacy.ItemID{privacy.ItemPhoneNumber, privacy.ItemLastSeen, privacy.ItemProfilePhoto, privacy.ItemForwards,
		privacy.ItemCalls, privacy.ItemChatInvites, privacy.ItemBio, privacy.ItemBirthday, privacy.ItemSignUpNotices,
		privacy.ItemAccountTTL, privacy.ItemArchiveNonContacts, privacy.ItemHideReadMarks}
	slices.Sort(warns)
	if got := ids(up.Rated(privacy.RatingWarn)); !slices.Equal(got, warns) {
		t.Fatalf("warnings %v, want %v", got, warns)
	}
	phone, _ := up.Item(privacy.ItemPhoneNumber)
	if phone.Current != "my contacts" || phone.Recommended != "nobody" || !phone.CanHarden {
		t.Fatalf("phone item %+v", phone)
	}
	saved, _ := up.Item(privacy.ItemSavedContacts)
	if saved.Current != "2 numbers" {
		t.Fatalf("saved contacts item %+v", saved)
	}

	chosen := up.Hardenable()
	if slices.Contains(chosen, privacy.ItemTwoStep) || len(chosen) != len(risks)+len(warns)-1 {
		t.Fatalf("hardenable %v", chosen)
	}
	rep, err := privacy.Harden(ctx, c.API(), chosen)
	if err != nil {
		t.Fatalf("harden: %v\n%s", err, strings.Join(rep.Lines(), "\n"))
	}
	if len(rep.Rules) != len(chosen) {
		t.Fatalf("report has %d rules for %d items", len(rep.Rules), len(chosen))
	}
	for _, line := range rep.Lines() {
		if !strings.HasSuffix(line, "— applied (read back)") {
			t.Errorf("harden line %q", line)
		}
	}
	// The server really holds the new values.
	if d, _ := s.AccountTTL(me.ID); d != 180 {
		t.Fatalf("account TTL on the server = %d", d)
	}
	// The password is the user's to choose; with it nothing is left to fix.
	if _, err := c.SetPassword(ctx, nil, []byte(testPassword), "", ""); err != nil {
		t.Fatal(err)
	}
	up, err = privacy.CheckUp(ctx, c.API())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range up.Items {
		if it.Rating != privacy.RatingOK || it.CanHarden {
			t.Errorf("after harden: %s is %s (%s): %s", it.ID, it.Rating, it.Current, it.Why)
		}
	}

	// Items Tacit cannot set by itself are reported, not pretended.
	rep, err = privacy.Harden(ctx, c.API(), []privacy.ItemID{privacy.ItemTwoStep, privacy.ItemVoiceMessages, "no-such-item"})
	var na *privacy.NotAppliedError
	if !errors.As(err, &na) || len(na.Rules) != 3 || len(rep.NotApplied()) != 3 {
		t.Fatalf("harden of manual items: %v %q", err, rep.Lines())
	}
}

func TestHardenKeepsExceptionsForNamedPeople(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	c := start(t, ctx, s, clientOpts{})
	rawSignUp(t, ctx, s, c, "447700900210", "Ria")
	o := start(t, ctx, s, clientOpts{})
	other := rawSignUp(t, ctx, s, o, "447700900211", "Oli")
	// Last seen: everybody, but never Oli.
	if _, err := c.API().AccountSetPrivacy(ctx, &tg.AccountSetPrivacyRequest{Key: &tg.InputPrivacyKeyStatusTimestamp{},
		Rules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowUsers{Users: []tg.InputUserClass{inputOf(other)}}, &tg.InputPrivacyValueAllowAll{}}}); err != nil {
		t.Fatal(err)
	}
	rep, err := privacy.Harden(ctx, c.API(), []privacy.ItemID{privacy.ItemLastSeen})
	if err != nil {
		t.Fatalf("harden: %v %q", err, rep.Lines())
	}
	up, _ := privacy.CheckUp(ctx, c.API())
	if it, _ := up.Item(privacy.ItemLastSeen); it.Rating != privacy.RatingOK || it.Current != "my contacts (never: 1 person)" {
		t.Fatalf("last seen after harden: %+v", it)
	}
	rules, err := c.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyStatusTimestamp{})
	if err != nil {
		t.Fatal(err)
	}
	kept := false
	for _, r := range rules.Rules {
		if d, ok := r.(*tg.PrivacyValueDisallowUsers); ok && slices.Equal(d.Users, []int64{other.ID}) {
			kept = true
		}
	}
	if !kept {
		t.Fatalf("the exception for Oli was dropped: %+v", rules.Rules)
	}
}
