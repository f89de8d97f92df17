package sandbox_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/sandbox/sandboxtest"
)

// quickSignUp registers phone without the forced 2-step password (tests
// of features that do not involve it stay fast).
func quickSignUp(t *testing.T, ctx context.Context, s *sandbox.Server, r *running, phone, first, last string) *tg.User {
	t.Helper()
	l := sandboxtest.ToSignUp(t, ctx, s, r.Client, phone, mtproto.LoginOptions{AllowNoPassword: true})
	if st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: first, LastName: last, Acknowledged: true}); err != nil || st != mtproto.StageReady {
		t.Fatalf("sign up %s: %v %v", first, st, err)
	}
	return r.Self()
}

// wantRPC fails unless err is the RPC error typ.
func wantRPC(t *testing.T, err error, typ string) {
	t.Helper()
	if !tgerr.Is(err, typ) {
		t.Fatalf("got %v, want %s", err, typ)
	}
}

func TestUsernameRules(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	a := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, a, "447700900101", "Ann", "Smith")
	api := a.API()
	for _, bad := range []string{"abcd", "1abcde", "_abcde", "abc-de", "abcde_", "ab cde", "abcdé", strings.Repeat("a", 33)} {
		_, err := api.AccountCheckUsername(ctx, bad)
		wantRPC(t, err, "USERNAME_INVALID")
		_, err = api.AccountUpdateUsername(ctx, bad)
		wantRPC(t, err, "USERNAME_INVALID")
	}
	for _, good := range []string{"abcde", "A1_b2", strings.Repeat("z", 32)} {
		if ok, err := api.AccountCheckUsername(ctx, good); err != nil || !ok {
			t.Fatalf("check %q: %v %v", good, ok, err)
		}
	}
	u, err := api.AccountUpdateUsername(ctx, "Ann_Smith")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.(*tg.User).Username; got != "Ann_Smith" {
		t.Fatalf("username %q, want the spelling given", got)
	}
	_, err = api.AccountUpdateUsername(ctx, "Ann_Smith")
	wantRPC(t, err, "USERNAME_NOT_MODIFIED")
	if ok, err := api.AccountCheckUsername(ctx, "ann_smith"); err != nil || !ok {
		t.Fatalf("own username reported taken: %v %v", ok, err)
	}
	// Another case of one's own name is a change.
	if _, err := api.AccountUpdateUsername(ctx, "ann_smith"); err != nil {
		t.Fatalf("case change: %v", err)
	}

	b := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, b, "447700900102", "Ben", "")
	if ok, err := b.API().AccountCheckUsername(ctx, "ANN_SMITH"); err != nil || ok {
		t.Fatalf("taken name (other case) reported free: %v %v", ok, err)
	}
	_, err = b.API().AccountUpdateUsername(ctx, "ANN_smith")
	wantRPC(t, err, "USERNAME_OCCUPIED")

	// Resolving: case-insensitive; unknown and malformed names named apart.
	res, err := b.API().ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: "Ann_SMITH"})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := res.Peer.(*tg.PeerUser); !ok || p.UserID != a.Self().ID || len(res.Users) != 1 {
		t.Fatalf("resolved %+v", res)
	}
	found := res.Users[0].(*tg.User)
	if found.Username != "ann_smith" || found.AccessHash == 0 {
		t.Fatalf("resolved user %+v", found)
	}
	if _, ok := found.GetPhone(); ok {
		t.Fatal("a stranger sees the phone number of a user found by username")
	}
	_, err = b.API().ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: "nobody_here"})
	wantRPC(t, err, "USERNAME_NOT_OCCUPIED")
	_, err = b.API().ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: "no"})
	wantRPC(t, err, "USERNAME_INVALID")

	// A contact learns of the change; a removed name is free again.
	renamed := make(chan *tg.UpdateUserName, 4)
	b.Dispatcher().OnUserName(func(ctx context.Context, e tg.Entities, u *tg.UpdateUserName) error {
		renamed <- u
		return nil
	})
	if _, err := b.API().ContactsAddContact(ctx, &tg.ContactsAddContactRequest{
		ID: &tg.InputUser{UserID: found.ID, AccessHash: found.AccessHash}, FirstName: "Ann"}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.AccountUpdateUsername(ctx, ""); err != nil {
		t.Fatal(err)
	}
	select {
	case u := <-renamed:
		if u.UserID != found.ID || len(u.Usernames) != 0 {
			t.Fatalf("update %+v", u)
		}
	case <-ctx.Done():
		t.Fatal("no updateUserName for the contact")
	}
	_, err = b.API().ContactsResolveUsername(ctx, &tg.ContactsResolveUsernameRequest{Username: "ann_smith"})
	wantRPC(t, err, "USERNAME_NOT_OCCUPIED")
	if _, err := b.API().AccountUpdateUsername(ctx, "ann_smith"); err != nil {
		t.Fatalf("freed name: %v", err)
	}
}

func TestContactsSearch(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	// A simulated contact publishes its username through its own client.
	alice, err := s.AddContact(ctx, "Alice", "15550000101", sandbox.ContactOptions{Username: "alice_demo"})
	if err != nil {
		t.Fatal(err)
	}
	me := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, me, "447700900103", "Meg", "")
	carol := start(t, ctx, s, clientOpts{})
	carolUser := quickSignUp(t, ctx, s, carol, "447700900104", "Carol", "Jones")
	dave := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, dave, "447700900105", "Dave", "Jones")
	eve := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, eve, "447700900106", "Eve", "")
	if _, err := eve.API().AccountUpdateUsername(ctx, "jones_fan"); err != nil {
		t.Fatal(err)
	}
	// Carol (no username) writes to me: she is someone I know.
	if _, err := carol.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer: peerOf(me.Self()), Message: "hi", RandomID: 1}); err != nil {
		t.Fatal(err)
	}

	search := func(q string) (mine, global []int64) {
		t.Helper()
		found, err := me.API().ContactsSearch(ctx, &tg.ContactsSearchRequest{Q: q, Limit: 20})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		ids := func(ps []tg.PeerClass) []int64 {
			var out []int64
			for _, p := range ps {
				out = append(out, p.(*tg.PeerUser).UserID)
			}
			return out
		}
		if len(found.Users) != len(found.MyResults)+len(found.Results) {
			t.Fatalf("search %q: %d users for %d results", q, len(found.Users), len(found.MyResults)+len(found.Results))
		}
		for _, u := range found.Users {
			if _, ok := u.(*tg.User).GetPhone(); ok && u.(*tg.User).ID != carolUser.ID {
				t.Fatalf("search %q shows a stranger's phone number: %+v", q, u)
			}
		}
		return ids(found.MyResults), ids(found.Results)
	}
	same := func(got []int64, want ...int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	// By username prefix, case-insensitive, with or without @.
	if mine, global := search("@ALIce"); len(mine) != 0 || !same(global, alice.UserID) {
		t.Fatalf("alice: mine %v global %v", mine, global)
	}
	// By a word of the name only among people I know; globally only by username.
	if mine, global := search("jon"); !same(mine, carol.Self().ID) || !same(global, eve.Self().ID) {
		t.Fatalf("jon: mine %v global %v (carol %d, dave %d, eve %d)", mine, global, carol.Self().ID, dave.Self().ID, eve.Self().ID)
	}
	// Never by phone number.
	if mine, global := search("447700900105"); len(mine)+len(global) != 0 {
		t.Fatalf("phone search found %v %v", mine, global)
	}
	_, err = me.API().ContactsSearch(ctx, &tg.ContactsSearchRequest{Q: "  ", Limit: 20})
	wantRPC(t, err, "QUERY_TOO_SHORT")
	if got := sandbox.DemoUsername("Bob"); got == "" {
		t.Fatal("demo contact Bob has no username")
	}
}

func TestGetMessages(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	a := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, a, "447700900107", "Ada", "")
	b := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, b, "447700900108", "Bo", "")
	first, err := a.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: peerOf(b.Self()), Message: "one", RandomID: 11})
	if err != nil {
		t.Fatal(err)
	}
	firstID := first.(*tg.UpdateShortSentMessage).ID
	got := waitMessage(t, ctx, b, func(m *tg.Message) bool { return m.Message == "one" })
	if _, err := b.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: peerOf(a.Self()), Message: "two",
		RandomID: 12, ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: got.ID}}); err != nil {
		t.Fatal(err)
	}
	reply := waitMessage(t, ctx, a, func(m *tg.Message) bool { return m.Message == "two" })
	res, err := a.API().MessagesGetMessages(ctx, []tg.InputMessageClass{
		&tg.InputMessageID{ID: firstID}, &tg.InputMessageID{ID: 999}, &tg.InputMessageReplyTo{ID: reply.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := res.(*tg.MessagesMessages)
	if len(msgs.Messages) != 3 {
		t.Fatalf("%d messages", len(msgs.Messages))
	}
	if m, ok := msgs.Messages[0].(*tg.Message); !ok || m.Message != "one" || !m.Out {
		t.Fatalf("first %+v", msgs.Messages[0])
	}
	if m, ok := msgs.Messages[1].(*tg.MessageEmpty); !ok || m.ID != 999 {
		t.Fatalf("unknown id %+v", msgs.Messages[1])
	}
	if m, ok := msgs.Messages[2].(*tg.Message); !ok || m.ID != firstID {
		t.Fatalf("replied-to %+v", msgs.Messages[2])
	}
	if len(msgs.Users) != 2 {
		t.Fatalf("users %+v", msgs.Users)
	}
	// B cannot read A's numbering: its id 1 is its own message box.
	theirs, err := b.API().MessagesGetMessages(ctx, []tg.InputMessageClass{&tg.InputMessageID{ID: got.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := theirs.(*tg.MessagesMessages).Messages[0].(*tg.Message); !ok || m.Out || m.Message != "one" {
		t.Fatalf("b's copy %+v", theirs)
	}
}

func TestStartupMethods(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	a := start(t, ctx, s, clientOpts{})
	quickSignUp(t, ctx, s, a, "447700900109", "Ava", "")
	api := a.API()

	cfg, err := api.HelpGetAppConfig(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	full, ok := cfg.(*tg.HelpAppConfig)
	if !ok {
		t.Fatalf("app config %T", cfg)
	}
	keys := map[string]tg.JSONValueClass{}
	for _, kv := range full.Config.(*tg.JSONObject).Value {
		keys[kv.Key] = kv.Value
	}
	if n, ok := keys["upload_max_fileparts_default"].(*tg.JSONNumber); !ok || n.Value != 4000 {
		t.Fatalf("upload parts limit %+v", keys["upload_max_fileparts_default"])
	}
	if _, ok := keys["caption_length_limit_default"]; !ok {
		t.Fatal("no caption limit")
	}
	if again, err := api.HelpGetAppConfig(ctx, full.Hash); err != nil {
		t.Fatal(err)
	} else if _, ok := again.(*tg.HelpAppConfigNotModified); !ok {
		t.Fatalf("same hash: %T", again)
	}

	filters, err := api.MessagesGetDialogFilters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(filters.Filters) != 1 {
		t.Fatalf("filters %+v", filters)
	}
	if _, ok := filters.Filters[0].(*tg.DialogFilterDefault); !ok {
		t.Fatalf("filters %+v", filters)
	}
	pinned, err := api.MessagesGetPinnedDialogs(ctx, 0)
	if err != nil || len(pinned.Dialogs) != 0 {
		t.Fatalf("pinned %+v %v", pinned, err)
	}
	_, err = api.MessagesGetPinnedDialogs(ctx, 7)
	wantRPC(t, err, "FOLDER_ID_INVALID")

	users, err := api.AccountGetNotifySettings(ctx, &tg.InputNotifyUsers{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := users.GetShowPreviews(); !ok || !v {
		t.Fatalf("default scope settings %+v", users)
	}
	self := &tg.InputNotifyPeer{Peer: &tg.InputPeerSelf{}}
	if _, err := api.AccountUpdateNotifySettings(ctx, &tg.AccountUpdateNotifySettingsRequest{Peer: self,
		Settings: func() tg.InputPeerNotifySettings {
			var st tg.InputPeerNotifySettings
			st.SetMuteUntil(2147483647)
			st.SetShowPreviews(false)
			return st
		}()}); err != nil {
		t.Fatal(err)
	}
	mine, err := api.AccountGetNotifySettings(ctx, self)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := mine.GetMuteUntil(); !ok || v != 2147483647 {
		t.Fatalf("peer settings %+v", mine)
	}
	if v, ok := mine.GetShowPreviews(); !ok || v {
		t.Fatalf("peer settings %+v", mine)
	}

	langs, err := api.LangpackGetLanguages(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(langs) == 0 || langs[0].LangCode != "en" {
		t.Fatalf("languages %+v", langs)
	}
	_, err = api.LangpackGetLanguages(ctx, "no_such_pack")
	wantRPC(t, err, "LANG_PACK_INVALID")

	list, err := api.HelpGetCountriesList(ctx, &tg.HelpGetCountriesListRequest{LangCode: "en"})
	if err != nil {
		t.Fatal(err)
	}
	countries := list.(*tg.HelpCountriesList)
	var uk bool
	for _, c := range countries.Countries {
		if c.ISO2 == "GB" && c.CountryCodes[0].CountryCode == "44" {
			uk = true
		}
	}
	if !uk {
		t.Fatal("no United Kingdom in the country list")
	}
	if again, err := api.HelpGetCountriesList(ctx, &tg.HelpGetCountriesListRequest{LangCode: "en", Hash: countries.Hash}); err != nil {
		t.Fatal(err)
	} else if _, ok := again.(*tg.HelpCountriesListNotModified); !ok {
		t.Fatalf("same hash: %T", again)
	}
}
