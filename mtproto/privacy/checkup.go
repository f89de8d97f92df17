package privacy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gotd/td/tg"
)

// ItemID names a check-up item.
type ItemID string

// Check-up items.
const (
	ItemPhoneNumber        ItemID = "phone-number"
	ItemFindByNumber       ItemID = "find-by-number"
	ItemLastSeen           ItemID = "last-seen"
	ItemProfilePhoto       ItemID = "profile-photo"
	ItemForwards           ItemID = "forwards"
	ItemCalls              ItemID = "calls"
	ItemP2PCalls           ItemID = "p2p-calls"
	ItemChatInvites        ItemID = "chat-invites"
	ItemVoiceMessages      ItemID = "voice-messages"
	ItemBio                ItemID = "bio"
	ItemBirthday           ItemID = "birthday"
	ItemSessions           ItemID = "sessions"
	ItemSecretChatsHere    ItemID = "secret-chats-here"
	ItemTwoStep            ItemID = "two-step"
	ItemSignUpNotices      ItemID = "sign-up-notices"
	ItemSavedContacts      ItemID = "saved-contacts"
	ItemAccountTTL         ItemID = "account-ttl"
	ItemArchiveNonContacts ItemID = "archive-non-contacts"
	ItemHideReadMarks      ItemID = "hide-read-marks"
)

// Rating is how a setting stands.
type Rating int

// Ratings, from good to bad.
const (
	RatingOK Rating = iota
	RatingWarn
	RatingRisk
)

func (r Rating) String() string {
	switch r {
	case RatingOK:
		return "ok"
	case RatingWarn:
		return "warn"
	case RatingRisk:
		return "risk"
	}
	return "unknown"
}

// Item is one line of the check-up: plain data for a user interface.
type Item struct {
	ID    ItemID
	Title string
	// Current is the value now, in words.
	Current string
	Rating  Rating
	// Why is one sentence explaining the rating.
	Why string
	// Recommended is the value Tacit recommends, in words.
	Recommended string
	// CanHarden: Harden can set Recommended by itself (the current value
	// differs and needs no input from the user).
	CanHarden bool
}

// CheckUpResult is the whole check-up.
type CheckUpResult struct {
	Items []Item
	// Sessions and TwoStep are the details behind their items.
	Sessions []Session
	TwoStep  TwoStep
}

// Item returns the item with this id.
func (c CheckUpResult) Item(id ItemID) (Item, bool) {
	for _, it := range c.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Rated lists the items with rating r.
func (c CheckUpResult) Rated(r Rating) []Item {
	var out []Item
	for _, it := range c.Items {
		if it.Rating == r {
			out = append(out, it)
		}
	}
	return out
}

// Hardenable lists the ids of the items Harden can fix that are not ok.
func (c CheckUpResult) Hardenable() []ItemID {
	var out []ItemID
	for _, it := range c.Items {
		if it.CanHarden && it.Rating != RatingOK {
			out = append(out, it.ID)
		}
	}
	return out
}

type verdict struct {
	rating Rating
	why    string
}

// keySpec describes a check-up item backed by a privacy key.
type keySpec struct {
	id    ItemID
	title string
	key   func() tg.InputPrivacyKeyClass
	// recommended is what Harden sets; automatic is false when Tacit cannot
	// set it (it needs Telegram Premium).
	recommended Audience
	automatic   bool
	verdicts    map[Audience]verdict
}

var keySpecs = []keySpec{
	{
		id: ItemPhoneNumber, title: "Who can see my phone number",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyPhoneNumber{} },
		recommended: AudienceNobody, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody:    {RatingRisk, "Anyone who sees your profile sees your phone number, which ties the account to your identity."},
			AudienceContacts:     {RatingWarn, "Everyone you add as a contact learns your phone number, even if you only meant to chat."},
			AudienceCloseFriends: {RatingWarn, "Your close friends see your phone number; people you share it with can pass it on."},
			AudienceNobody:       {RatingOK, "Nobody sees your number unless you chose to share it with them."},
		},
	},
	{
		id: ItemFindByNumber, title: "Who can find me by my number",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyAddedByPhone{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingRisk, "Anyone who has or guesses your number can find this account, which is how numbers are matched to people in bulk."},
			AudienceContacts:  {RatingOK, "Only people in your contacts can find the account by its number."},
			AudienceNobody:    {RatingOK, "Nobody can find the account by its number."},
		},
	},
	{
		id: ItemLastSeen, title: "Who can see when I was last online",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyStatusTimestamp{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "Anyone can watch when you are online and learn your daily routine."},
		},
	},
	{
		id: ItemProfilePhoto, title: "Who can see my profile photo",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyProfilePhoto{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "Anyone who finds the account sees your photo, which can identify you."},
		},
	},
	{
		id: ItemForwards, title: "Who can link to my account when forwarding my messages",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyForwards{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "Your messages forwarded anywhere carry a link back to your account."},
		},
	},
	{
		id: ItemCalls, title: "Who can call me",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyPhoneCall{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "Anyone can ring you, a common way to harass or scam."},
		},
	},
	{
		id: ItemP2PCalls, title: "Peer-to-peer calls",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyPhoneP2P{} },
		recommended: AudienceNobody, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody:    {RatingRisk, "In a peer-to-peer call the other side sees your IP address, which reveals roughly where you are; anyone who calls you gets it."},
			AudienceContacts:     {RatingWarn, "Contacts who call you see your IP address, which reveals roughly where you are."},
			AudienceCloseFriends: {RatingWarn, "Close friends who call you see your IP address, which reveals roughly where you are."},
			AudienceNobody:       {RatingOK, "Calls go through Telegram's relays, so the other side never sees your IP address."},
		},
	},
	{
		id: ItemChatInvites, title: "Who can add me to groups",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyChatInvite{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "Anyone can put you in a group, showing your account to all its members."},
		},
	},
	{
		id: ItemVoiceMessages, title: "Who can send me voice messages",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyVoiceMessages{} },
		recommended: AudienceEverybody, automatic: false,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingOK, "Voice messages you receive reveal nothing about you, and limiting them needs Telegram Premium."},
		},
	},
	{
		id: ItemBio, title: "Who can see my bio",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyAbout{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "Anyone who finds the account reads your bio, which often says who you are."},
		},
	},
	{
		id: ItemBirthday, title: "Who can see my birthday",
		key:         func() tg.InputPrivacyKeyClass { return &tg.InputPrivacyKeyBirthday{} },
		recommended: AudienceContacts, automatic: true,
		verdicts: map[Audience]verdict{
			AudienceEverybody: {RatingWarn, "A date of birth helps identify you and is often used to verify identity elsewhere."},
		},
	},
}

func (k keySpec) rate(a Audience) verdict {
	if v, ok := k.verdicts[a]; ok {
		return v
	}
	if a == AudienceEverybody {
		return verdict{RatingWarn, "Everybody can see this."}
	}
	return verdict{RatingOK, "Only " + a.String() + " can see this."}
}

func specOf(id ItemID) (keySpec, bool) {
	for _, k := range keySpecs {
		if k.id == id {
			return k, true
		}
	}
	return keySpec{}, false
}

// Settings Tacit recommends beyond privacy keys.
const (
	recommendedTTLDays = 180
)

func unreadable(id ItemID, title string, err error) Item {
	return Item{ID: id, Title: title, Current: "could not be read", Rating: RatingWarn,
		Why: "Tacit could not read this setting, so it cannot tell whether it is safe: " + refusal("the request", err) + "."}
}

// CheckUp reads every privacy setting Tacit knows about and rates it. A
// setting that cannot be read becomes a warning item; the error then joins
// the failures, and the result is still usable.
func CheckUp(ctx context.Context, api *tg.Client) (CheckUpResult, error) {
	var out CheckUpResult
	var errs []error
	fail := func(id ItemID, title string, err error) {
		out.Items = append(out.Items, unreadable(id, title, err))
		errs = append(errs, fmt.Errorf("privacy: check-up: %s: %w", id, err))
	}
	for _, k := range keySpecs {
		rules, err := api.AccountGetPrivacy(ctx, k.key())
		if err != nil {
			fail(k.id, k.title, err)
			continue
		}
		out.Items = append(out.Items, k.item(rules.Rules))
	}

	sessions, err := Sessions(ctx, api)
	if err != nil {
		fail(ItemSessions, sessionsTitle, err)
	} else {
		out.Sessions = sessions
		out.Items = append(out.Items, sessionsItem(sessions), secretChatsHereItem(sessions))
	}

	ts, err := ReadTwoStep(ctx, api)
	if err != nil {
		fail(ItemTwoStep, twoStepTitle, err)
	} else {
		out.TwoStep = ts
		out.Items = append(out.Items, twoStepItem(ts))
	}

	if silent, err := api.AccountGetContactSignUpNotification(ctx); err != nil {
		fail(ItemSignUpNotices, signUpNoticesTitle, err)
	} else {
		out.Items = append(out.Items, signUpNoticesItem(silent))
	}

	if saved, err := api.ContactsGetSaved(ctx); err != nil {
		fail(ItemSavedContacts, savedContactsTitle, err)
	} else {
		out.Items = append(out.Items, savedContactsItem(len(saved)))
	}

	if ttl, err := api.AccountGetAccountTTL(ctx); err != nil {
		fail(ItemAccountTTL, accountTTLTitle, err)
	} else {
		out.Items = append(out.Items, accountTTLItem(ttl.Days))
	}

	if g, err := api.AccountGetGlobalPrivacySettings(ctx); err != nil {
		fail(ItemArchiveNonContacts, archiveTitle, err)
		fail(ItemHideReadMarks, readMarksTitle, err)
	} else {
		out.Items = append(out.Items, archiveItem(g.ArchiveAndMuteNewNoncontactPeers), readMarksItem(g.HideReadMarks))
	}
	return out, errors.Join(errs...)
}

func (k keySpec) item(rules []tg.PrivacyRuleClass) Item {
	a := audienceOf(rules)
	v := k.rate(a)
	return Item{
		ID: k.id, Title: k.title, Current: describeRules(rules), Rating: v.rating, Why: v.why,
		Recommended: k.recommended.String(),
		CanHarden:   k.automatic && a != k.recommended,
	}
}

const (
	sessionsTitle        = "Devices logged in to this account"
	secretChatsHereTitle = "Secret chats on this device"
	twoStepTitle         = "2-step verification password"
	signUpNoticesTitle   = "Notices when people whose numbers you saved join"
	savedContactsTitle   = "Phone numbers synced to Telegram"
	accountTTLTitle      = "Delete my account if I am away for"
	archiveTitle         = "Archive and mute new chats from non-contacts"
	readMarksTitle       = "Hide when I read messages"
)

func sessionsItem(list []Session) Item {
	it := Item{ID: ItemSessions, Title: sessionsTitle, Recommended: "only devices you use"}
	var others []string
	for _, s := range list {
		if !s.Current {
			others = append(others, s.Device)
		}
	}
	if len(others) == 0 {
		it.Current = "only this device"
		it.Why = "No other device can read your cloud chats."
		return it
	}
	it.Current = fmt.Sprintf("this device and %d other: %s", len(others), strings.Join(others, "; "))
	it.Rating = RatingWarn
	it.Why = "Every logged-in device can read your cloud chats, so end the sessions you do not recognise."
	return it
}

func secretChatsHereItem(list []Session) Item {
	it := Item{ID: ItemSecretChatsHere, Title: secretChatsHereTitle, Recommended: "accepted"}
	for _, s := range list {
		if s.Current {
			if s.AcceptsSecretChats {
				it.Current = "accepted"
				it.Why = "Your contacts can start end-to-end encrypted chats with you on this device."
				return it
			}
			it.Current = "refused"
			it.Rating = RatingWarn
			it.Why = "Contacts cannot start end-to-end encrypted chats with you here, so they may fall back to cloud chats the server can read."
			it.CanHarden = true
			return it
		}
	}
	it.Current = "unknown"
	it.Rating = RatingWarn
	it.Why = "The server did not list this device among the sessions."
	return it
}

func twoStepItem(t TwoStep) Item {
	it := Item{ID: ItemTwoStep, Title: twoStepTitle, Recommended: "set"}
	switch {
	case !t.HasPassword:
		it.Current = "not set"
		it.Rating = RatingRisk
		it.Why = "Without it, anyone who receives your login code (a copied SIM card, an intercepted SMS) takes over the account."
	case t.EmailPending:
		it.Current = "set; recovery e-mail not confirmed"
		it.Rating = RatingWarn
		it.Why = "The recovery e-mail waits for its code, so it cannot yet help you if you forget the password."
	case t.HasRecoveryEmail:
		it.Current = "set, with a recovery e-mail"
		it.Why = "A login code alone is not enough to take over the account."
	default:
		it.Current = "set, no recovery e-mail"
		it.Why = "A login code alone is not enough to take over the account; without a recovery e-mail a forgotten password means a reset after a waiting period."
	}
	return it
}

func signUpNoticesItem(silent bool) Item {
	it := Item{ID: ItemSignUpNotices, Title: signUpNoticesTitle, Current: silenced(silent), Recommended: silenced(true)}
	if silent {
		it.Why = "Telegram does not notify you when numbers you saved join."
		return it
	}
	it.Rating = RatingWarn
	it.Why = "These notices come from matching saved phone numbers against new accounts, the practice Tacit opts out of."
	it.CanHarden = true
	return it
}

func savedContactsItem(n int) Item {
	it := Item{ID: ItemSavedContacts, Title: savedContactsTitle, Current: numbers(n), Recommended: numbers(0)}
	if n == 0 {
		it.Why = "Telegram keeps no address book of yours."
		return it
	}
	it.Rating = RatingRisk
	it.Why = "Telegram keeps an uploaded address book and uses it to announce and suggest people to each other."
	it.CanHarden = true
	return it
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

func accountTTLItem(d int) Item {
	it := Item{ID: ItemAccountTTL, Title: accountTTLTitle, Current: days(d), Recommended: days(recommendedTTLDays)}
	if d <= recommendedTTLDays {
		it.Why = "An abandoned account and its messages do not linger on the server for long."
		return it
	}
	it.Rating = RatingWarn
	it.Why = "If you stop using the account, it and its cloud messages stay on the server for " + days(d) + "."
	it.CanHarden = true
	return it
}

func archiveItem(on bool) Item {
	it := Item{ID: ItemArchiveNonContacts, Title: archiveTitle, Current: onOff(on), Recommended: onOff(true)}
	if on {
		it.Why = "First messages from strangers go to the archive, muted."
		return it
	}
	it.Rating = RatingWarn
	it.Why = "Strangers' first messages land in your chat list and notify you, which spammers and scammers rely on."
	it.CanHarden = true
	return it
}

func readMarksItem(on bool) Item {
	it := Item{ID: ItemHideReadMarks, Title: readMarksTitle, Current: onOff(on), Recommended: onOff(true)}
	if on {
		it.Why = "People you write to do not see exactly when you read their messages."
		return it
	}
	it.Rating = RatingWarn
	it.Why = "People you write to can see exactly when you read their messages."
	it.CanHarden = true
	return it
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
