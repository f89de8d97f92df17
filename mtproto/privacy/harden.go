package privacy

import (
	"context"
	"fmt"

	"github.com/gotd/td/tg"
)

// Harden sets the recommended value of each chosen check-up item and reads
// it back. Items Tacit cannot set by itself (the 2-step password, ending
// sessions, voice messages) are reported as not applied with the reason. The
// error is a *NotAppliedError (wrapped) naming what was not applied.
func Harden(ctx context.Context, api *tg.Client, items []ItemID) (Report, error) {
	var rep Report
	for _, id := range items {
		rep.add(hardenOne(ctx, api, id))
	}
	if err := rep.Err(); err != nil {
		return rep, fmt.Errorf("privacy: harden: %w", err)
	}
	return rep, nil
}

func hardenOne(ctx context.Context, api *tg.Client, id ItemID) RuleResult {
	if k, ok := specOf(id); ok {
		if !k.automatic {
			return RuleResult{Rule: k.title, Want: k.recommended.String(), Reason: "Tacit cannot change this by itself"}
		}
		return setAudience(ctx, api, k.title, k.key(), k.recommended)
	}
	switch id {
	case ItemSignUpNotices:
		res := silenceSignUpNotices(ctx, api)
		res.Rule = signUpNoticesTitle
		return res
	case ItemSavedContacts:
		res := deleteSavedContacts(ctx, api)
		res.Rule = savedContactsTitle
		return res
	case ItemAccountTTL:
		return setAccountTTL(ctx, api, recommendedTTLDays)
	case ItemArchiveNonContacts:
		return setGlobal(ctx, api, archiveTitle, func(g *tg.GlobalPrivacySettings) *bool { return &g.ArchiveAndMuteNewNoncontactPeers })
	case ItemHideReadMarks:
		return setGlobal(ctx, api, readMarksTitle, func(g *tg.GlobalPrivacySettings) *bool { return &g.HideReadMarks })
	case ItemSecretChatsHere:
		res := RuleResult{Rule: secretChatsHereTitle, Want: "accepted"}
		if err := SetSecretChatsAllowed(ctx, api, CurrentSession, true); err != nil {
			res.Reason = err.Error()
			return res
		}
		res.Got, res.Applied = "accepted", true
		return res
	case ItemTwoStep:
		return RuleResult{Rule: twoStepTitle, Want: "set", Reason: "only you can choose the password: set it in the 2-step verification page"}
	case ItemSessions:
		return RuleResult{Rule: sessionsTitle, Want: "only devices you use", Reason: "choose the sessions to end in the sessions list"}
	}
	return RuleResult{Rule: string(id), Reason: "unknown check-up item"}
}

func setAccountTTL(ctx context.Context, api *tg.Client, d int) RuleResult {
	res := RuleResult{Rule: accountTTLTitle, Want: days(d)}
	ok, err := api.AccountSetAccountTTL(ctx, tg.AccountDaysTTL{Days: d})
	switch {
	case err != nil:
		res.Reason = refusal("the change", err)
	case !ok:
		res.Reason = "the server answered that it did not change it"
	}
	back, err := api.AccountGetAccountTTL(ctx)
	if err != nil {
		if res.Reason == "" {
			res.Reason = refusal("reading it back", err)
		}
		return res
	}
	res.Got = days(back.Days)
	if res.Reason == "" && back.Days != d {
		res.Reason = "reading it back shows " + res.Got
	}
	res.Applied = res.Reason == ""
	return res
}

// setGlobal turns one flag of the global privacy settings on, keeping the
// others as the server has them, and reads it back.
func setGlobal(ctx context.Context, api *tg.Client, title string, flag func(*tg.GlobalPrivacySettings) *bool) RuleResult {
	res := RuleResult{Rule: title, Want: onOff(true)}
	cur, err := api.AccountGetGlobalPrivacySettings(ctx)
	if err != nil {
		res.Reason = refusal("reading the current settings", err)
		return res
	}
	next := *cur
	*flag(&next) = true
	answer, err := api.AccountSetGlobalPrivacySettings(ctx, next)
	switch {
	case err != nil:
		res.Reason = refusal("the change", err)
	case !*flag(answer):
		res.Reason = "the server answered " + onOff(false)
	}
	back, err := api.AccountGetGlobalPrivacySettings(ctx)
	if err != nil {
		if res.Reason == "" {
			res.Reason = refusal("reading it back", err)
		}
		return res
	}
	res.Got = onOff(*flag(back))
	if res.Reason == "" && !*flag(back) {
		res.Reason = "reading it back shows " + res.Got
	}
	res.Applied = res.Reason == ""
	return res
}
