package privacy

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
)

func TestDescribeRules(t *testing.T) {
	for _, tc := range []struct {
		rules []tg.PrivacyRuleClass
		want  string
	}{
		{nil, "nobody"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueAllowAll{}}, "everybody"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueAllowContacts{}}, "my contacts"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueDisallowAll{}}, "nobody"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueAllowCloseFriends{}}, "close friends"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueAllowUsers{Users: []int64{1, 2}}, &tg.PrivacyValueDisallowAll{}}, "nobody (always: 2 people)"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueDisallowUsers{Users: []int64{1}}, &tg.PrivacyValueAllowContacts{}}, "my contacts (never: 1 person)"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueAllowAll{}, &tg.PrivacyValueDisallowContacts{}, &tg.PrivacyValueDisallowChatParticipants{Chats: []int64{5}}},
			"everybody (never: my contacts, members of 1 chat)"},
		{[]tg.PrivacyRuleClass{&tg.PrivacyValueAllowPremium{}, &tg.PrivacyValueAllowChatParticipants{Chats: []int64{1, 2}}, &tg.PrivacyValueAllowContacts{}},
			"my contacts (always: Premium users, members of 2 chats)"},
	} {
		if got := describeRules(tc.rules); got != tc.want {
			t.Errorf("describeRules(%v) = %q, want %q", tc.rules, got, tc.want)
		}
	}
}

func TestSameRules(t *testing.T) {
	users := func(ids ...int64) []tg.InputUserClass {
		var out []tg.InputUserClass
		for _, id := range ids {
			out = append(out, &tg.InputUser{UserID: id, AccessHash: id * 7})
		}
		return out
	}
	sent := []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowUsers{Users: users(3, 1)}, &tg.InputPrivacyValueDisallowAll{}}
	for _, tc := range []struct {
		name string
		got  []tg.PrivacyRuleClass
		want bool
	}{
		{"same, other order", []tg.PrivacyRuleClass{&tg.PrivacyValueDisallowAll{}, &tg.PrivacyValueAllowUsers{Users: []int64{1, 3}}}, true},
		{"general rule differs", []tg.PrivacyRuleClass{&tg.PrivacyValueAllowContacts{}, &tg.PrivacyValueAllowUsers{Users: []int64{1, 3}}}, false},
		{"exception dropped", []tg.PrivacyRuleClass{&tg.PrivacyValueDisallowAll{}}, false},
		{"extra exception", []tg.PrivacyRuleClass{&tg.PrivacyValueDisallowAll{}, &tg.PrivacyValueAllowUsers{Users: []int64{1, 3}}, &tg.PrivacyValueAllowBots{}}, false},
		{"other user", []tg.PrivacyRuleClass{&tg.PrivacyValueDisallowAll{}, &tg.PrivacyValueAllowUsers{Users: []int64{1, 4}}}, false},
		{"empty answer", nil, false},
		{"nil rule", []tg.PrivacyRuleClass{nil, &tg.PrivacyValueAllowUsers{Users: []int64{1, 3}}}, false},
	} {
		if got := sameRules(sent, tc.got); got != tc.want {
			t.Errorf("%s: sameRules = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWithAudienceKeepsNamedExceptions(t *testing.T) {
	current := &tg.AccountPrivacyRules{
		Rules: []tg.PrivacyRuleClass{
			&tg.PrivacyValueAllowUsers{Users: []int64{10, 11}},
			&tg.PrivacyValueDisallowUsers{Users: []int64{12}},
			&tg.PrivacyValueDisallowChatParticipants{Chats: []int64{99}},
			&tg.PrivacyValueAllowAll{},
		},
		// 11 is unknown: no access hash, so it cannot be named again.
		Users: []tg.UserClass{&tg.User{ID: 10, AccessHash: 100}, &tg.User{ID: 12, AccessHash: 120}},
	}
	got := withAudience(current, AudienceContacts)
	var canon []string
	for _, r := range got {
		canon = append(canon, canonInput(r))
	}
	want := []string{"allow-users:10", "disallow-users:12", "disallow-chats:99", (&tg.PrivacyValueAllowContacts{}).TypeName()}
	if !slices.Equal(canon, want) {
		t.Fatalf("withAudience(contacts) = %q, want %q", canon, want)
	}
	// "Never" exceptions are pointless under nobody and are left out.
	got = withAudience(current, AudienceNobody)
	canon = canon[:0]
	for _, r := range got {
		canon = append(canon, canonInput(r))
	}
	want = []string{"allow-users:10", (&tg.PrivacyValueDisallowAll{}).TypeName()}
	if !slices.Equal(canon, want) {
		t.Fatalf("withAudience(nobody) = %q, want %q", canon, want)
	}
	if describeInputs(got) != "nobody (always: 1 person)" {
		t.Fatalf("describeInputs = %q", describeInputs(got))
	}
}

func TestKeyRatings(t *testing.T) {
	rate := func(id ItemID, rules ...tg.PrivacyRuleClass) Item {
		k, ok := specOf(id)
		if !ok {
			t.Fatalf("no spec for %s", id)
		}
		return k.item(rules)
	}
	for _, tc := range []struct {
		item      Item
		rating    Rating
		canHarden bool
	}{
		{rate(ItemPhoneNumber, &tg.PrivacyValueAllowAll{}), RatingRisk, true},
		{rate(ItemPhoneNumber, &tg.PrivacyValueAllowContacts{}), RatingWarn, true},
		{rate(ItemPhoneNumber, &tg.PrivacyValueAllowUsers{Users: []int64{1}}, &tg.PrivacyValueDisallowAll{}), RatingOK, false},
		{rate(ItemFindByNumber, &tg.PrivacyValueAllowAll{}), RatingRisk, true},
		{rate(ItemFindByNumber, &tg.PrivacyValueAllowContacts{}), RatingOK, false},
		{rate(ItemP2PCalls, &tg.PrivacyValueAllowContacts{}), RatingWarn, true},
		{rate(ItemP2PCalls, &tg.PrivacyValueDisallowAll{}), RatingOK, false},
		{rate(ItemLastSeen, &tg.PrivacyValueAllowAll{}), RatingWarn, true},
		{rate(ItemLastSeen), RatingOK, true},
		{rate(ItemVoiceMessages, &tg.PrivacyValueAllowAll{}), RatingOK, false},
		{rate(ItemVoiceMessages, &tg.PrivacyValueAllowContacts{}), RatingOK, false},
	} {
		it := tc.item
		if it.Rating != tc.rating || it.CanHarden != tc.canHarden || it.Why == "" {
			t.Errorf("%s %q: rating %s harden %v, want %s %v", it.ID, it.Current, it.Rating, it.CanHarden, tc.rating, tc.canHarden)
		}
	}
}

func TestReportLinesAndError(t *testing.T) {
	var r Report
	r.add(RuleResult{Rule: RulePhoneNumber, Want: "nobody", Got: "nobody", Applied: true})
	r.add(RuleResult{Rule: RuleFindByNumber, Want: "my contacts", Got: "everybody", Reason: "the server answered everybody"})
	r.add(RuleResult{Rule: RuleSavedContacts, Want: "none"})
	want := []string{
		"phone number visible to: nobody — applied (read back)",
		"who can find me by my number: my contacts — NOT applied: the server answered everybody",
		"synced phone contacts on the server: none — NOT applied: not confirmed by the server",
	}
	if got := r.Lines(); !slices.Equal(got, want) {
		t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var na *NotAppliedError
	if err := r.Err(); !errors.As(err, &na) || !slices.Equal(na.Rules, []string{RuleFindByNumber, RuleSavedContacts}) {
		t.Fatalf("err = %v", err)
	}
	if (Report{Rules: r.Rules[:1]}).Err() != nil {
		t.Fatal("error for a fully applied report")
	}
}

// FuzzServerRules feeds privacy rule lists as the server could encode them
// to everything that reads rules. None of it may panic.
func FuzzServerRules(f *testing.F) {
	seed := func(rules ...tg.PrivacyRuleClass) {
		var b bin.Buffer
		for _, r := range rules {
			if err := r.Encode(&b); err != nil {
				f.Fatal(err)
			}
		}
		f.Add(b.Raw())
	}
	seed(&tg.PrivacyValueAllowAll{})
	seed(&tg.PrivacyValueAllowUsers{Users: []int64{1, 2}}, &tg.PrivacyValueDisallowAll{})
	seed(&tg.PrivacyValueDisallowChatParticipants{Chats: []int64{7}}, &tg.PrivacyValueAllowContacts{}, &tg.PrivacyValueDisallowUsers{Users: []int64{3}})
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &bin.Buffer{Buf: data}
		var rules []tg.PrivacyRuleClass
		for b.Len() > 0 && len(rules) < 64 {
			r, err := tg.DecodePrivacyRule(b)
			if err != nil {
				break
			}
			rules = append(rules, r)
		}
		_ = describeRules(rules)
		for _, k := range keySpecs {
			it := k.item(rules)
			if it.Current == "" || it.Why == "" {
				t.Fatalf("empty item for %v", rules)
			}
		}
		in := withAudience(&tg.AccountPrivacyRules{Rules: rules}, AudienceContacts)
		_ = describeInputs(in)
		_ = sameRules(in, rules)
	})
}
