package privacy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gotd/td/session"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
)

func TestOnboardingHidesTheNumberFromStrangersButNotFromMutualContacts(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	const phone = "447700900100"

	stranger := start(t, ctx, s, clientOpts{})
	rawSignUp(t, ctx, s, stranger, "447700900101", "Sam")
	friend := start(t, ctx, s, clientOpts{})
	friendUser := rawSignUp(t, ctx, s, friend, "447700900102", "Fred")
	// Both saved the number before its owner joined.
	for _, c := range []*mtproto.Client{stranger, friend} {
		if _, err := c.API().ContactsImportContacts(ctx, []tg.InputPhoneContact{{ClientID: 1, Phone: phone, FirstName: "Una"}}); err != nil {
			t.Fatal(err)
		}
	}

	u := start(t, ctx, s, clientOpts{})
	rep := onboard(t, ctx, s, u, phone, "Una")
	if len(rep.Rules) != 4 || len(rep.NotApplied()) != 0 {
		t.Fatalf("lockdown report: %q", rep.Lines())
	}
	want := []string{
		"phone number visible to: nobody — applied (read back)",
		"who can find me by my number: my contacts — applied (read back)",
		"contact sign-up notifications: silenced — applied (read back)",
		"synced phone contacts on the server: none — applied (read back)",
	}
	for i, line := range rep.Lines() {
		if line != want[i] {
			t.Errorf("line %d = %q, want %q", i, line, want[i])
		}
	}

	// Nobody who saved the number was told that it joined.
	if n := s.JoinedNotices(); len(n) != 0 {
		t.Fatalf("joined notices: %+v", n)
	}
	uid, _ := s.UserByPhone(phone)
	assertHidden := func(when string) {
		t.Helper()
		_, err := stranger.API().ContactsResolvePhone(ctx, phone)
		if !tgerr.Is(err, "PHONE_NOT_OCCUPIED") {
			t.Fatalf("%s: stranger resolving the number: %v", when, err)
		}
		imp, err := stranger.API().ContactsImportContacts(ctx, []tg.InputPhoneContact{{ClientID: 2, Phone: phone, FirstName: "Una"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(imp.Imported) != 0 || len(imp.Users) != 0 {
			t.Fatalf("%s: stranger importing the number found %+v", when, imp.Users)
		}
	}
	assertHidden("after onboarding")

	// Una adds Fred without sharing her number: he can find her now that
	// they are mutual contacts, but still does not see the number.
	if err := privacy.AddContact(ctx, u.API(), inputOf(friendUser), "Fred", "", false); err != nil {
		t.Fatal(err)
	}
	rules, err := u.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyPhoneNumber{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules.Rules) != 1 || rules.Rules[0].TypeID() != tg.PrivacyValueDisallowAllTypeID {
		t.Fatalf("adding a contact changed the phone rules: %+v", rules.Rules)
	}
	found, err := friend.API().ContactsResolvePhone(ctx, phone)
	if err != nil {
		t.Fatalf("mutual contact resolving the number: %v", err)
	}
	una := found.Users[0].(*tg.User)
	if una.ID != uid {
		t.Fatalf("resolved %d, want %d", una.ID, uid)
	}
	if p, ok := una.GetPhone(); ok {
		t.Fatalf("mutual contact sees the number %q in resolvePhone", p)
	}
	imp, err := friend.API().ContactsImportContacts(ctx, []tg.InputPhoneContact{{ClientID: 3, Phone: phone, FirstName: "Una"}})
	if err != nil || len(imp.Imported) != 1 || imp.Imported[0].UserID != uid {
		t.Fatalf("mutual contact importing the number: %+v %v", imp, err)
	}
	users, err := friend.API().UsersGetUsers(ctx, []tg.InputUserClass{inputOf(una)})
	if err != nil {
		t.Fatal(err)
	}
	if got := users[0].(*tg.User); !got.MutualContact {
		t.Fatalf("not mutual contacts: %+v", got)
	} else if p, ok := got.GetPhone(); ok {
		t.Fatalf("contact sees the number %q in users.getUsers", p)
	}
	assertHidden("after adding a contact")

	// Sharing the number is the user's explicit choice, for one person.
	gil := start(t, ctx, s, clientOpts{})
	gilUser := rawSignUp(t, ctx, s, gil, "447700900103", "Gil")
	if err := privacy.AddContact(ctx, u.API(), inputOf(gilUser), "Gil", "", true); err != nil {
		t.Fatal(err)
	}
	users, err = gil.API().UsersGetUsers(ctx, []tg.InputUserClass{inputOf(una)})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := users[0].(*tg.User).GetPhone(); p != phone {
		t.Fatalf("shared number not visible to the chosen contact: %q", p)
	}
	users, _ = friend.API().UsersGetUsers(ctx, []tg.InputUserClass{inputOf(una)})
	if p, ok := users[0].(*tg.User).GetPhone(); ok {
		t.Fatalf("sharing with Gil showed the number %q to Fred", p)
	}
	if err := privacy.AddContact(ctx, u.API(), inputOf(gilUser), " ", "", false); !errors.Is(err, mtproto.ErrNameInvalid) {
		t.Fatalf("empty name: %v", err)
	}
}

func TestSignUpNoticeMustBeAcknowledged(t *testing.T) {
	n := privacy.SignUpNotice()
	if n.Title == "" || n.Acknowledge == "" {
		t.Fatalf("notice without title or acknowledgement: %+v", n)
	}
	text := strings.ToLower(strings.Join(n.Points, "\n"))
	for _, must := range []string{"saved this phone number", "find your account", "nobody has saved", "unofficial"} {
		if !strings.Contains(text, must) {
			t.Errorf("notice does not say %q", must)
		}
	}

	ctx := testCtx(t)
	s := newSandbox(t)
	c := start(t, ctx, s, clientOpts{})
	l := toSignUp(t, ctx, s, c, "447700900110", mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(nil)})
	if _, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Ann"}); !errors.Is(err, mtproto.ErrSignUpNotAcknowledged) {
		t.Fatalf("sign-up without acknowledgement: %v", err)
	}
	if _, ok := s.UserByPhone("447700900110"); ok {
		t.Fatal("account registered without acknowledgement")
	}
	if l.Stage() != mtproto.StageSignUp || c.Self() != nil {
		t.Fatal("login moved on without acknowledgement")
	}
}

func TestReadyIsUnreachableWithoutAPassword(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	const phone = "447700900120"
	store := &session.StorageMemory{}
	c, stop := startStoppable(t, ctx, s, clientOpts{session: store})
	l := toSignUp(t, ctx, s, c, phone, mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(nil)})
	st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Ola", Acknowledged: true})
	if err != nil || st != mtproto.StageSetPassword {
		t.Fatalf("after sign-up: %v %v", st, err)
	}
	if c.Self() != nil {
		t.Fatal("client is ready without a 2-step password")
	}
	ts, err := privacy.ReadTwoStep(ctx, c.API())
	if err != nil || ts.HasPassword || ts.Ready() {
		t.Fatalf("two-step state %+v %v", ts, err)
	}
	// No other step leads to ready.
	if _, err := l.SubmitPassword(ctx, []byte(testPassword)); !errors.Is(err, mtproto.ErrWrongStage) {
		t.Fatalf("password check instead of setting one: %v", err)
	}
	if _, err := l.ConfirmEmail(ctx, "12345"); !errors.Is(err, mtproto.ErrWrongStage) {
		t.Fatalf("e-mail confirmation without a password: %v", err)
	}
	if _, err := l.SkipEmail(ctx); !errors.Is(err, mtproto.ErrWrongStage) {
		t.Fatalf("skipping the e-mail without a password: %v", err)
	}
	if l.Stage() != mtproto.StageSetPassword || c.Self() != nil {
		t.Fatal("login left the set-password stage")
	}
	up, err := privacy.CheckUp(ctx, c.API())
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := up.Item(privacy.ItemTwoStep); it.Rating != privacy.RatingRisk || it.CanHarden {
		t.Fatalf("two-step item without password: %+v", it)
	}
	stop()

	// A restart with the same session still stops at the password.
	again, stop := startStoppable(t, ctx, s, clientOpts{session: store})
	l = again.NewLogin(mtproto.LoginOptions{})
	if st, err := l.Resume(ctx); err != nil || st != mtproto.StageSetPassword {
		t.Fatalf("resume without password: %v %v", st, err)
	}
	if again.Self() != nil {
		t.Fatal("resumed client is ready without a 2-step password")
	}

	// With a password the account passes.
	if st, err := l.SetPassword(ctx, []byte(testPassword), "", ""); err != nil || st != mtproto.StageReady {
		t.Fatalf("set password: %v %v", st, err)
	}
	if again.Self() == nil {
		t.Fatal("not ready after setting the password")
	}
	ts, err = privacy.ReadTwoStep(ctx, again.API())
	if err != nil || !ts.Ready() {
		t.Fatalf("two-step state %+v %v", ts, err)
	}
	up, err = privacy.CheckUp(ctx, again.API())
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := up.Item(privacy.ItemTwoStep); it.Rating != privacy.RatingOK {
		t.Fatalf("two-step item with password: %+v", it)
	}
	stop()
	third := start(t, ctx, s, clientOpts{session: store})
	if st, err := third.NewLogin(mtproto.LoginOptions{}).Resume(ctx); err != nil || st != mtproto.StageReady {
		t.Fatalf("resume with password: %v %v", st, err)
	}
}

func TestCheckUpFollowsTheRecoveryEmail(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	const phone = "447700900130"
	c := start(t, ctx, s, clientOpts{})
	l := toSignUp(t, ctx, s, c, phone, mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(nil)})
	if _, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Pia", Acknowledged: true}); err != nil {
		t.Fatal(err)
	}
	if st, err := l.SetPassword(ctx, []byte(testPassword), "usual", "pia@example.org"); err != nil || st != mtproto.StageConfirmEmail {
		t.Fatalf("set password with e-mail: %v %v", st, err)
	}
	up, err := privacy.CheckUp(ctx, c.API())
	if err != nil {
		t.Fatal(err)
	}
	it, _ := up.Item(privacy.ItemTwoStep)
	if it.Rating != privacy.RatingWarn || !up.TwoStep.HasPassword || !up.TwoStep.EmailPending || !up.TwoStep.HasHint {
		t.Fatalf("pending e-mail: %+v %+v", it, up.TwoStep)
	}
	if strings.Contains(it.Current+it.Why, "pia@") || strings.Contains(it.Current+it.Why, "usual") {
		t.Fatalf("check-up repeats the e-mail or the hint: %+v", it)
	}
	uid, _ := s.UserByPhone(phone)
	code, ok := s.EmailCode(uid)
	if !ok {
		t.Fatal("no e-mail code")
	}
	if st, err := l.ConfirmEmail(ctx, code); err != nil || st != mtproto.StageReady {
		t.Fatalf("confirm e-mail: %v %v", st, err)
	}
	up, err = privacy.CheckUp(ctx, c.API())
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := up.Item(privacy.ItemTwoStep); it.Rating != privacy.RatingOK || it.Current != "set, with a recovery e-mail" || !up.TwoStep.HasRecoveryEmail {
		t.Fatalf("confirmed e-mail: %+v %+v", it, up.TwoStep)
	}
}
