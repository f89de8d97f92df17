package privacy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/sandbox"
)

func TestLockdownReportsWhatTheServerDidNotKeep(t *testing.T) {
	for i, tc := range []struct {
		name   string
		key    uint32
		mode   sandbox.PrivacyFaultMode
		rule   string
		reason string
	}{
		{"refused", tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyRefuse, privacy.RulePhoneNumber, "the server refused the change (PRIVACY_CHANGE_REFUSED)"},
		{"other rules answered", tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyAnswerOther, privacy.RulePhoneNumber, "the server answered everybody"},
		{"answered but not kept", tg.PrivacyKeyPhoneNumberTypeID, sandbox.PrivacyForget, privacy.RulePhoneNumber, "reading it back shows my contacts"},
		{"find by number refused", tg.PrivacyKeyAddedByPhoneTypeID, sandbox.PrivacyRefuse, privacy.RuleFindByNumber, "the server refused the change (PRIVACY_CHANGE_REFUSED)"},
		{"find by number not kept", tg.PrivacyKeyAddedByPhoneTypeID, sandbox.PrivacyForget, privacy.RuleFindByNumber, "reading it back shows everybody"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			s := newSandbox(t)
			c := start(t, ctx, s, clientOpts{})
			rawSignUp(t, ctx, s, c, fmt.Sprintf("4477009004%02d", i), "Vic")
			s.FailPrivacy(tc.key, tc.mode, 1)
			rep, err := privacy.Lockdown(ctx, c.API())
			var na *privacy.NotAppliedError
			if !errors.As(err, &na) || len(na.Rules) != 1 || na.Rules[0] != tc.rule {
				t.Fatalf("lockdown error %v, want %q not applied", err, tc.rule)
			}
			if len(rep.Rules) != 4 {
				t.Fatalf("report %q", rep.Lines())
			}
			for _, r := range rep.Rules {
				if r.Rule == tc.rule {
					if r.Applied || r.Reason != tc.reason {
						t.Fatalf("%s: applied=%v reason %q, want %q", r.Rule, r.Applied, r.Reason, tc.reason)
					}
					if line := r.Line(); !strings.Contains(line, "NOT applied") || strings.Contains(line, "applied (read back)") {
						t.Fatalf("line %q", line)
					}
				} else if !r.Applied {
					t.Fatalf("%s not applied: %s", r.Rule, r.Reason)
				}
			}
			// Running it again against a well-behaved server applies everything.
			if rep, err := privacy.Lockdown(ctx, c.API()); err != nil {
				t.Fatalf("second lockdown: %v %q", err, rep.Lines())
			}
		})
	}
}

func TestSignUpStopsWhenTheLockdownIsNotApplied(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	c := start(t, ctx, s, clientOpts{})
	s.FailPrivacy(tg.PrivacyKeyAddedByPhoneTypeID, sandbox.PrivacyAnswerOther, 1)
	var rep privacy.Report
	l := toSignUp(t, ctx, s, c, "447700900450", mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(func(r privacy.Report) { rep = r })})
	_, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Wyn", Acknowledged: true})
	var na *privacy.NotAppliedError
	if !errors.As(err, &na) || na.Rules[0] != privacy.RuleFindByNumber {
		t.Fatalf("sign-up with a lockdown not applied: %v", err)
	}
	if c.Self() != nil || l.Stage() == mtproto.StageReady {
		t.Fatal("login went on although the lockdown was not applied")
	}
	bad := rep.NotApplied()
	if len(bad) != 1 || bad[0].Got != "everybody" {
		t.Fatalf("report %q", rep.Lines())
	}
}

func TestHardenReportsWhatTheServerDidNotKeep(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	c := start(t, ctx, s, clientOpts{})
	rawSignUp(t, ctx, s, c, "447700900460", "Xan")
	s.FailPrivacy(tg.PrivacyKeyPhoneP2PTypeID, sandbox.PrivacyForget, 1)
	s.FailPrivacy(tg.PrivacyKeyStatusTimestampTypeID, sandbox.PrivacyRefuse, 1)
	rep, err := privacy.Harden(ctx, c.API(), []privacy.ItemID{privacy.ItemP2PCalls, privacy.ItemLastSeen, privacy.ItemBio})
	var na *privacy.NotAppliedError
	if !errors.As(err, &na) || len(na.Rules) != 2 {
		t.Fatalf("harden error %v, report %q", err, rep.Lines())
	}
	if rep.Rules[0].Applied || rep.Rules[0].Got != "everybody" || rep.Rules[1].Applied || !rep.Rules[2].Applied {
		t.Fatalf("report %q", rep.Lines())
	}
	up, _ := privacy.CheckUp(ctx, c.API())
	if it, _ := up.Item(privacy.ItemP2PCalls); it.Rating != privacy.RatingRisk {
		t.Fatalf("p2p after a forgotten change: %+v", it)
	}
}
