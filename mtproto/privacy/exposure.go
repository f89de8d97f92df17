package privacy

import (
	"context"
	"fmt"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// Exposure is how findable the account is by its phone number, and how long an abandoned account lives.
type Exposure struct {
	// PhoneNumber is who can see the number; FindByNumber who can find the account by it.
	PhoneNumber, FindByNumber Audience
	// AccountTTLDays is how many days without use before the server deletes the account.
	AccountTTLDays int
}

// ReadExposure reads who can see the number, who can find the account by it, and the account's
// self-destruct period.
func ReadExposure(ctx context.Context, api *tg.Client) (Exposure, error) {
	var e Exposure
	for _, x := range []struct {
		key tg.InputPrivacyKeyClass
		to  *Audience
	}{
		{&tg.InputPrivacyKeyPhoneNumber{}, &e.PhoneNumber},
		{&tg.InputPrivacyKeyAddedByPhone{}, &e.FindByNumber},
	} {
		rules, err := api.AccountGetPrivacy(ctx, x.key)
		if err != nil {
			return Exposure{}, fmt.Errorf("privacy: read exposure: %w", mtproto.Classify(err))
		}
		*x.to = audienceOf(rules.Rules)
	}
	ttl, err := api.AccountGetAccountTTL(ctx)
	if err != nil {
		return Exposure{}, fmt.Errorf("privacy: read account TTL: %w", mtproto.Classify(err))
	}
	e.AccountTTLDays = ttl.Days
	return e, nil
}

// SetExposure changes what differs between e and what the server has now, keeping the exceptions the user
// made for named people, and reads each change back. Close friends cannot find anyone by number: Telegram
// accepts only everybody or contacts there.
func SetExposure(ctx context.Context, api *tg.Client, e Exposure) (Report, error) {
	now, err := ReadExposure(ctx, api)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	if e.PhoneNumber != now.PhoneNumber {
		rep.add(setAudience(ctx, api, RulePhoneNumber, &tg.InputPrivacyKeyPhoneNumber{}, e.PhoneNumber))
	}
	if e.FindByNumber != now.FindByNumber {
		rep.add(setAudience(ctx, api, RuleFindByNumber, &tg.InputPrivacyKeyAddedByPhone{}, e.FindByNumber))
	}
	if e.AccountTTLDays != now.AccountTTLDays {
		rep.add(setAccountTTL(ctx, api, e.AccountTTLDays))
	}
	if err := rep.Err(); err != nil {
		return rep, fmt.Errorf("privacy: set exposure: %w", err)
	}
	return rep, nil
}

// setAudience gives key the general rule a, keeping its exceptions, and reads it back.
func setAudience(ctx context.Context, api *tg.Client, name string, key tg.InputPrivacyKeyClass, a Audience) RuleResult {
	current, err := api.AccountGetPrivacy(ctx, key)
	if err != nil {
		return RuleResult{Rule: name, Want: a.String(), Reason: refusal("reading the current rules", err)}
	}
	return setRules(ctx, api, name, key, withAudience(current, a))
}
