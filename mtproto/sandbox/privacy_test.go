package sandbox_test

import (
	"testing"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto/sandbox"
)

func TestAccountTTLAndGlobalPrivacySettings(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	// Before login both are refused.
	if _, err := r.API().AccountGetAccountTTL(ctx); !tgerr.Is(err, "AUTH_KEY_UNREGISTERED") {
		t.Fatalf("account TTL before login: %v", err)
	}
	signUp(t, ctx, s, r, "447700900601", "Tia")
	ttl, err := r.API().AccountGetAccountTTL(ctx)
	if err != nil || ttl.Days != sandbox.DefaultAccountTTLDays {
		t.Fatalf("default TTL %+v %v", ttl, err)
	}
	for _, bad := range []int{0, 29, 731} {
		if _, err := r.API().AccountSetAccountTTL(ctx, tg.AccountDaysTTL{Days: bad}); !tgerr.Is(err, "TTL_DAYS_INVALID") {
			t.Fatalf("TTL %d: %v", bad, err)
		}
	}
	if ok, err := r.API().AccountSetAccountTTL(ctx, tg.AccountDaysTTL{Days: 90}); err != nil || !ok {
		t.Fatalf("set TTL: %v %v", ok, err)
	}
	if ttl, _ := r.API().AccountGetAccountTTL(ctx); ttl.Days != 90 {
		t.Fatalf("TTL read back %d", ttl.Days)
	}
	if d, ok := s.AccountTTL(r.Self().ID); !ok || d != 90 {
		t.Fatalf("server TTL %d %v", d, ok)
	}

	g, err := r.API().AccountGetGlobalPrivacySettings(ctx)
	if err != nil || g.ArchiveAndMuteNewNoncontactPeers || g.HideReadMarks {
		t.Fatalf("default global settings %+v %v", g, err)
	}
	set, err := r.API().AccountSetGlobalPrivacySettings(ctx, tg.GlobalPrivacySettings{ArchiveAndMuteNewNoncontactPeers: true, HideReadMarks: true})
	if err != nil || !set.ArchiveAndMuteNewNoncontactPeers || !set.HideReadMarks {
		t.Fatalf("set global settings %+v %v", set, err)
	}
	g, _ = r.API().AccountGetGlobalPrivacySettings(ctx)
	if !g.ArchiveAndMuteNewNoncontactPeers || !g.HideReadMarks || g.KeepArchivedUnmuted {
		t.Fatalf("global settings read back %+v", g)
	}
}

func TestPrivacyFaults(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900602", "Uma")
	nobody := &tg.AccountSetPrivacyRequest{Key: &tg.InputPrivacyKeyPhoneNumber{}, Rules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}}}
	stored := func() tg.PrivacyRuleClass {
		t.Helper()
		rules, err := r.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyPhoneNumber{})
		if err != nil || len(rules.Rules) != 1 {
			t.Fatalf("read back %+v %v", rules, err)
		}
		return rules.Rules[0]
	}

	s.FailPrivacy(tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyRefuse, 1)
	if _, err := r.API().AccountSetPrivacy(ctx, nobody); !tgerr.Is(err, "PRIVACY_CHANGE_REFUSED") {
		t.Fatalf("refused: %v", err)
	}
	if _, ok := stored().(*tg.PrivacyValueAllowContacts); !ok {
		t.Fatal("a refused change was stored")
	}

	s.FailPrivacy(tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyForget, 1)
	res, err := r.API().AccountSetPrivacy(ctx, nobody)
	if err != nil || len(res.Rules) != 1 {
		t.Fatalf("forget: %+v %v", res, err)
	}
	if _, ok := res.Rules[0].(*tg.PrivacyValueDisallowAll); !ok {
		t.Fatalf("forget answered %+v", res.Rules)
	}
	if _, ok := stored().(*tg.PrivacyValueAllowContacts); !ok {
		t.Fatal("a forgotten change was stored")
	}

	s.FailPrivacy(tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyAnswerOther, 1)
	res, err = r.API().AccountSetPrivacy(ctx, nobody)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Rules[0].(*tg.PrivacyValueAllowAll); !ok {
		t.Fatalf("answer-other answered %+v", res.Rules)
	}
	if _, ok := stored().(*tg.PrivacyValueAllowAll); !ok {
		t.Fatal("answer-other did not store what it answered")
	}

	// Faults are used up; other keys were never affected.
	if _, err := r.API().AccountSetPrivacy(ctx, nobody); err != nil {
		t.Fatal(err)
	}
	if _, ok := stored().(*tg.PrivacyValueDisallowAll); !ok {
		t.Fatal("the change after the faults was not stored")
	}
	s.FailPrivacy(tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyRefuse, 5)
	s.FailPrivacy(tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyRefuse, 0)
	if _, err := r.API().AccountSetPrivacy(ctx, nobody); err != nil {
		t.Fatalf("cleared fault still fires: %v", err)
	}
}

func TestSessionsRefusingSecretChats(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	one := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, one, "447700900603", "Val")
	two := start(t, ctx, s, clientOpts{})
	signIn(t, ctx, s, two, "447700900603")
	uid := one.Self().ID
	if n := len(s.SecretChatDevices(uid)); n != 2 {
		t.Fatalf("%d sessions accept secret chats, want 2", n)
	}
	req := &tg.AccountChangeAuthorizationSettingsRequest{Hash: 0}
	req.SetEncryptedRequestsDisabled(true)
	if _, err := two.API().AccountChangeAuthorizationSettings(ctx, req); err != nil {
		t.Fatal(err)
	}
	if n := len(s.SecretChatDevices(uid)); n != 1 {
		t.Fatalf("%d sessions accept secret chats, want 1", n)
	}
	auths, err := one.API().AccountGetAuthorizations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range auths.Authorizations {
		if a.EncryptedRequestsDisabled == a.Current {
			t.Fatalf("authorization %+v: refusal recorded on the wrong session", a)
		}
	}
	// A logged-out session accepts nothing.
	if _, err := one.API().AuthLogOut(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.SecretChatDevices(uid)); n != 0 {
		t.Fatalf("%d sessions accept secret chats after log-out, want 0", n)
	}
}

func TestHiddenNumberIsUnknownToStrangers(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	const phone = "447700900604"
	owner := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, owner, phone, "Wes")
	for _, req := range []*tg.AccountSetPrivacyRequest{
		{Key: &tg.InputPrivacyKeyPhoneNumber{}, Rules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}}},
		{Key: &tg.InputPrivacyKeyAddedByPhone{}, Rules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowContacts{}}},
	} {
		if _, err := owner.API().AccountSetPrivacy(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	// "Nobody" is not a valid audience for finding by number.
	if _, err := owner.API().AccountSetPrivacy(ctx, &tg.AccountSetPrivacyRequest{Key: &tg.InputPrivacyKeyAddedByPhone{},
		Rules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}}}); !tgerr.Is(err, "PRIVACY_VALUE_INVALID") {
		t.Fatalf("added-by-phone nobody: %v", err)
	}
	stranger := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, stranger, "447700900605", "Xia")
	if _, err := stranger.API().ContactsResolvePhone(ctx, phone); !tgerr.Is(err, "PHONE_NOT_OCCUPIED") {
		t.Fatalf("stranger resolving: %v", err)
	}
	imp, err := stranger.API().ContactsImportContacts(ctx, []tg.InputPhoneContact{{ClientID: 1, Phone: phone, FirstName: "W"}})
	if err != nil || len(imp.Imported) != 0 || len(imp.Users) != 0 {
		t.Fatalf("stranger importing: %+v %v", imp, err)
	}
	users, err := stranger.API().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUser{UserID: owner.Self().ID, AccessHash: owner.Self().AccessHash}})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := users[0].(*tg.User).GetPhone(); ok {
		t.Fatalf("stranger sees the hidden number %q", p)
	}
	// The owner names the stranger as an exception: the number shows, and
	// getPrivacy names the user.
	if _, err := owner.API().AccountSetPrivacy(ctx, &tg.AccountSetPrivacyRequest{Key: &tg.InputPrivacyKeyPhoneNumber{},
		Rules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowUsers{Users: []tg.InputUserClass{&tg.InputUser{UserID: stranger.Self().ID, AccessHash: stranger.Self().AccessHash}}},
			&tg.InputPrivacyValueDisallowAll{}}}); err != nil {
		t.Fatal(err)
	}
	rules, err := owner.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyPhoneNumber{})
	if err != nil || len(rules.Users) != 1 || rules.Users[0].(*tg.User).ID != stranger.Self().ID {
		t.Fatalf("rules name %+v %v", rules, err)
	}
	users, _ = stranger.API().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUser{UserID: owner.Self().ID, AccessHash: owner.Self().AccessHash}})
	if p, _ := users[0].(*tg.User).GetPhone(); p != phone {
		t.Fatalf("exception: phone %q", p)
	}
}
