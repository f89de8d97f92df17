package privacy

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// Names of the lockdown rules, as Report lines show them.
const (
	RulePhoneNumber   = "phone number visible to"
	RuleFindByNumber  = "who can find me by my number"
	RuleSignUpNotices = "contact sign-up notifications"
	RuleSavedContacts = "synced phone contacts on the server"
)

// Lockdown is what Tacit sends right after auth.signUp, before anything
// else: the phone number visible to nobody, finding the account by its number
// limited to contacts, contact sign-up notifications silenced and synced
// phone contacts deleted. Each rule is read back; the report says for each
// whether the server kept it. The error is a *NotAppliedError (wrapped)
// naming the rules that were not applied; all rules are attempted even when
// one fails.
func Lockdown(ctx context.Context, api *tg.Client) (Report, error) {
	var rep Report
	rep.add(setRules(ctx, api, RulePhoneNumber, &tg.InputPrivacyKeyPhoneNumber{},
		[]tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}}))
	rep.add(setRules(ctx, api, RuleFindByNumber, &tg.InputPrivacyKeyAddedByPhone{},
		[]tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowContacts{}}))
	rep.add(silenceSignUpNotices(ctx, api))
	rep.add(deleteSavedContacts(ctx, api))
	if err := rep.Err(); err != nil {
		return rep, fmt.Errorf("privacy: lockdown: %w", err)
	}
	return rep, nil
}

// AfterSignUp adapts Lockdown to mtproto.LoginOptions.AfterSignUp. record,
// when not nil, receives the report (applied or not) before the login goes
// on; a rule not applied stops the login with Lockdown's error.
func AfterSignUp(record func(Report)) func(ctx context.Context, c *mtproto.Client) error {
	return func(ctx context.Context, c *mtproto.Client) error {
		rep, err := Lockdown(ctx, c.API())
		if record != nil {
			record(rep)
		}
		return err
	}
}

func silenced(silent bool) string {
	if silent {
		return "silenced"
	}
	return "on"
}

// silenceSignUpNotices sets account.setContactSignUpNotification(silent)
// and reads it back.
func silenceSignUpNotices(ctx context.Context, api *tg.Client) RuleResult {
	res := RuleResult{Rule: RuleSignUpNotices, Want: silenced(true)}
	ok, err := api.AccountSetContactSignUpNotification(ctx, true)
	switch {
	case err != nil:
		res.Reason = refusal("the change", err)
	case !ok:
		res.Reason = "the server answered that it did not change it"
	}
	silent, err := api.AccountGetContactSignUpNotification(ctx)
	if err != nil {
		if res.Reason == "" {
			res.Reason = refusal("reading it back", err)
		}
		return res
	}
	res.Got = silenced(silent)
	if res.Reason == "" && !silent {
		res.Reason = "reading it back shows " + res.Got
	}
	res.Applied = res.Reason == ""
	return res
}

func numbers(n int) string {
	switch n {
	case 0:
		return "none"
	case 1:
		return "1 number"
	}
	return strconv.Itoa(n) + " numbers"
}

// deleteSavedContacts calls contacts.resetSaved and checks that
// contacts.getSaved is empty afterwards.
func deleteSavedContacts(ctx context.Context, api *tg.Client) RuleResult {
	res := RuleResult{Rule: RuleSavedContacts, Want: numbers(0)}
	ok, err := api.ContactsResetSaved(ctx)
	switch {
	case err != nil:
		res.Reason = refusal("the deletion", err)
	case !ok:
		res.Reason = "the server answered that it deleted nothing"
	}
	saved, err := api.ContactsGetSaved(ctx)
	if err != nil {
		if res.Reason == "" {
			res.Reason = refusal("reading them back", err)
		}
		return res
	}
	res.Got = numbers(len(saved))
	if res.Reason == "" && len(saved) > 0 {
		res.Reason = "the server still keeps " + res.Got
	}
	res.Applied = res.Reason == ""
	return res
}
