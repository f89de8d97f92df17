package ui

import (
	"context"
	"time"
)

// Privacy is the privacy centre: the check-up of the account's privacy settings with Harden, the devices
// logged in to the account, the phone number's settings with the account's self-destruct period, and the
// people the account has blocked.
type Privacy interface {
	// CheckUp reads every privacy setting Tacit knows about and rates it. A setting that cannot be read is
	// an item rated RatingWarn that says so; the error is only for a check-up that could not run at all.
	CheckUp(ctx context.Context) (CheckUp, error)

	// Harden sets the recommended value of each item in items (every item CheckUp offers to fix when items
	// is empty), reads each one back, and then runs the check-up again. An item the server did not keep is
	// a rule with its reason in Hardened.Rules, not an error.
	Harden(ctx context.Context, items []CheckItemID) (Hardened, error)

	// Sessions lists the devices logged in to the account, this one first.
	Sessions(ctx context.Context) ([]Session, error)

	// Terminate logs out another device (a Session that is not Current) and checks that the server no
	// longer lists it.
	Terminate(ctx context.Context, id SessionID) error

	// TerminateOthers logs out every device but this one and checks that only this one is left.
	TerminateOthers(ctx context.Context) error

	// Exposure reads who can see the phone number, who can find the account by it, and the account's
	// self-destruct period.
	Exposure(ctx context.Context) (Exposure, error)

	// SetExposure changes what differs between e and the server's values and reads each change back. A
	// change the server did not keep is a rule with its reason, not an error.
	SetExposure(ctx context.Context, e Exposure) ([]PrivacyRule, error)

	// Blocked lists the people the account has blocked, most recently blocked first.
	Blocked(ctx context.Context) ([]BlockedPerson, error)

	// Block blocks a person (the Dialog of a Person from People, or of a BlockedPerson) and checks that the
	// server's list shows them. Blocking someone already blocked is not an error; blocking yourself is.
	Block(ctx context.Context, person DialogID) error

	// Unblock takes a person off the blocklist and checks that the server's list no longer shows them.
	Unblock(ctx context.Context, person DialogID) error
}

// BlockedPerson is someone the account has blocked: they cannot write to it, start a secret chat with it or
// see when it is online, and Telegram does not tell them.
type BlockedPerson struct {
	// Dialog names the person for Unblock (the cloud chat with them, KindUser).
	Dialog   DialogID
	Name     string
	Username string // without "@"; "" when they have none
	Since    time.Time
}

// Audience is who a privacy setting lets in.
type Audience int

// Audiences, from the most open to the most closed.
const (
	AudienceEverybody Audience = iota
	AudienceContacts
	AudienceCloseFriends
	AudienceNobody
)

// Exposure is how findable the account is by its phone number, and how long an abandoned account lives.
type Exposure struct {
	PhoneNumber  Audience // who can see the number
	FindByNumber Audience // who can find the account by the number: everybody or contacts
	// AccountTTLDays is how many days without use before Telegram deletes the account and its messages.
	AccountTTLDays int
}

// Rating is how a privacy setting stands.
type Rating int

// Ratings, from good to bad.
const (
	RatingOK   Rating = iota // nothing to do
	RatingWarn               // safer is possible
	RatingRisk               // exposes the user
)

// CheckItemID names a check-up item, for Harden.
type CheckItemID string

// CheckItem is one line of the check-up.
type CheckItem struct {
	ID          CheckItemID
	Title       string // what the setting decides, such as "Who can see my phone number"
	Current     string // its value now, in words
	Recommended string // the value Tacit recommends, in words
	Rating      Rating
	Why         string // one sentence that explains the rating
	// CanFix: Harden can set Recommended by itself. Items that need the user (a password, which devices to
	// end) say what to do in Why.
	CanFix bool
}

// CheckUp is the whole check-up, in the order to show it.
type CheckUp struct {
	Items []CheckItem
}

// Fixable lists the items Harden can fix that are not ok.
func (c CheckUp) Fixable() []CheckItemID {
	var out []CheckItemID
	for _, it := range c.Items {
		if it.CanFix && it.Rating != RatingOK {
			out = append(out, it.ID)
		}
	}
	return out
}

// Count returns how many items have rating r.
func (c CheckUp) Count(r Rating) int {
	n := 0
	for _, it := range c.Items {
		if it.Rating == r {
			n++
		}
	}
	return n
}

// Hardened is what Harden did: each change as read back, and the check-up afterwards.
type Hardened struct {
	Rules []PrivacyRule
	After CheckUp
}

// SessionID names a logged-in device for Terminate.
type SessionID int64

// Session is one device logged in to the account.
type Session struct {
	ID       SessionID
	Current  bool   // this device
	Device   string // model, platform and system in one line, such as "Desktop, Linux"
	App      string // the app and its version, such as "Tacit 0.1.0"
	IP       string
	Location string // the server's guess from the IP address; may be empty
	Active   time.Time
	// SecretChats: secret chat requests may reach this device.
	SecretChats bool
}
