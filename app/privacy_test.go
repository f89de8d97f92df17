package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto/sandbox"
	"tacit/ui"
)

// TestSignUpReportsTheLockdown: SignUp hands the window the lockdown rule by rule as read back; a rule the
// server did not keep stops the sign-up at StepLockdown with its reason, and SignUp again retries only the
// lockdown.
func TestSignUpReportsTheLockdown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	w := openWindow(t, ctx, srv, nil)
	const phone = "+44 7700 900321"
	if _, err := w.svc.Login.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Login.SendCode(ctx, phone); err != nil {
		t.Fatal(err)
	}
	code, _ := w.svc.Demo.DemoCode(phone)
	if _, err := w.svc.Login.SubmitCode(ctx, code); err != nil {
		t.Fatal(err)
	}
	srv.FailPrivacy(tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyForget, 1)
	st, err := w.svc.Login.SignUp(ctx, "Robin", "", true)
	if err != nil || st.Step != ui.StepLockdown {
		t.Fatalf("sign-up with the phone rule forgotten: %+v %v", st, err)
	}
	var phoneRule ui.PrivacyRule
	for _, r := range st.Lockdown {
		if r.Title == "Who can see my phone number" {
			phoneRule = r
		} else if !r.Applied {
			t.Errorf("rule %+v not applied", r)
		}
	}
	if phoneRule.Applied || phoneRule.Want != "nobody" || !strings.HasPrefix(phoneRule.Reason, "Reading it back shows") {
		t.Fatalf("the forgotten rule reads %+v", phoneRule)
	}

	st, err = w.svc.Login.SignUp(ctx, "Robin", "", true)
	if err != nil || st.Step != ui.StepSetPassword || len(st.Lockdown) != 4 {
		t.Fatalf("retried lockdown: %+v %v", st, err)
	}
	for _, r := range st.Lockdown {
		if !r.Applied || r.Got != r.Want {
			t.Errorf("rule %+v not applied on retry", r)
		}
	}
}

// TestPrivacyHardenThenTerminate: on a fresh account Harden turns every item the check-up rates
// warn or risk to ok, as read back; and ending another device's session logs it out at the server.
func TestPrivacyHardenThenTerminate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	const phone = "+44 7700 900322"
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, phone, "Robin")
	p := w.svc.Privacy

	before, err := p.CheckUp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Fixable()) == 0 {
		t.Fatalf("a fresh account has nothing to harden: %+v", before.Items)
	}
	h, err := p.Harden(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Rules) != len(before.Fixable()) {
		t.Fatalf("Harden changed %d rules, the check-up offered %d", len(h.Rules), len(before.Fixable()))
	}
	for _, r := range h.Rules {
		if !r.Applied || r.Got != r.Want {
			t.Errorf("rule not applied: %+v", r)
		}
	}
	after, err := p.CheckUp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range after.Items {
		if it.Rating != ui.RatingOK {
			t.Errorf("after Harden, %q reads %q (%d): %s", it.Title, it.Current, it.Rating, it.Why)
		}
	}
	if len(h.After.Items) != len(after.Items) || h.After.Count(ui.RatingOK) != len(after.Items) {
		t.Errorf("Harden's own check-up afterwards: %+v", h.After)
	}

	// A second device signs in to the same account.
	other := openWindow(t, ctx, srv, nil)
	if _, err := other.svc.Login.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := other.svc.Login.SendCode(ctx, phone); err != nil {
		t.Fatal(err)
	}
	code, _ := other.svc.Demo.DemoCode(phone)
	if st, err := other.svc.Login.SubmitCode(ctx, code); err != nil || st.Step != ui.StepPassword {
		t.Fatalf("second device's code: %+v %v", st, err)
	}
	if st, err := other.svc.Login.SubmitPassword(ctx, []byte("window password 1")); err != nil || st.Step != ui.StepReady {
		t.Fatalf("second device's password: %+v %v", st, err)
	}
	uid, _ := srv.UserByPhone("447700900322")
	if n := len(srv.Devices(uid)); n != 2 {
		t.Fatalf("%d devices at the server, want 2", n)
	}
	list, err := p.Sessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !list[0].Current || list[1].Current || list[1].IP == "" || list[1].App == "" {
		t.Fatalf("sessions %+v", list)
	}
	if up, err := p.CheckUp(ctx); err != nil || up.Count(ui.RatingWarn) != 1 {
		t.Fatalf("check-up with a second device: %+v %v", up, err)
	}
	if err := p.Terminate(ctx, list[1].ID); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Devices(uid)); n != 1 {
		t.Fatalf("%d devices at the server after ending the other, want 1", n)
	}
	if _, err := other.svc.Privacy.Sessions(ctx); err == nil {
		t.Fatal("the ended session still reads the account")
	}
	list, err = p.Sessions(ctx)
	if err != nil || len(list) != 1 || !list[0].Current {
		t.Fatalf("sessions after ending the other: %+v %v", list, err)
	}
}

// TestPrivacyExposure: the phone number's settings and the self-destruct period are read from the server,
// changed, and read back there.
func TestPrivacyExposure(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900323", "Robin")
	p := w.svc.Privacy
	e, err := p.Exposure(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e.PhoneNumber != ui.AudienceNobody || e.FindByNumber != ui.AudienceContacts || e.AccountTTLDays == 0 {
		t.Fatalf("after sign-up's lockdown: %+v", e)
	}
	want := ui.Exposure{PhoneNumber: ui.AudienceContacts, FindByNumber: ui.AudienceEverybody, AccountTTLDays: 90}
	rules, err := p.SetExposure(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3 {
		t.Fatalf("rules %+v", rules)
	}
	for _, r := range rules {
		if !r.Applied || r.Got != r.Want {
			t.Errorf("not applied: %+v", r)
		}
	}
	uid, _ := srv.UserByPhone("447700900323")
	if days, _ := srv.AccountTTL(uid); days != 90 {
		t.Fatalf("the server keeps the account for %d days", days)
	}
	if got, err := p.Exposure(ctx); err != nil || got != want {
		t.Fatalf("read back %+v %v, want %+v", got, err, want)
	}
	if rules, err := p.SetExposure(ctx, want); err != nil || len(rules) != 0 {
		t.Fatalf("setting the same values again changed %+v %v", rules, err)
	}
}
