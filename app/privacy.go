package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/ui"
)

// recordLockdown keeps the privacy lockdown's report, rule by rule as read back, for SignUp to hand to the
// window.
func (b *Backend) recordLockdown(r privacy.Report) {
	rules := make([]ui.PrivacyRule, 0, len(r.Rules))
	for _, x := range r.Rules {
		rules = append(rules, privacyRule(x))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lockdown = rules
}

// takeLockdown returns the last lockdown report and forgets it.
func (b *Backend) takeLockdown() []ui.PrivacyRule {
	b.mu.Lock()
	defer b.mu.Unlock()
	rules := b.lockdown
	b.lockdown = nil
	return rules
}

// privacyRule words one privacy change as read back for the window.
func privacyRule(x privacy.RuleResult) ui.PrivacyRule {
	r := ui.PrivacyRule{Title: ruleTitle(x.Rule), Want: x.Want, Got: x.Got, Applied: x.Applied}
	if !x.Applied {
		r.Reason = sentence(x.Reason)
	}
	return r
}

// privacyService implements ui.Privacy over the account's client.
type privacyService struct{ *Backend }

// CheckUp implements ui.Privacy. A setting that could not be read is an item that says so; the failure is
// logged for diagnostics.
func (b privacyService) CheckUp(ctx context.Context) (ui.CheckUp, error) {
	res, err := b.checkUp(ctx)
	if ctx.Err() != nil {
		return ui.CheckUp{}, ctx.Err()
	}
	return res, err
}

func (b privacyService) checkUp(ctx context.Context) (ui.CheckUp, error) {
	res, err := privacy.CheckUp(ctx, b.client.API())
	if err != nil {
		if len(res.Items) == 0 {
			return ui.CheckUp{}, userError(err)
		}
		b.diag.report("privacy check-up", err)
	}
	out := ui.CheckUp{Items: make([]ui.CheckItem, 0, len(res.Items))}
	for _, it := range res.Items {
		out.Items = append(out.Items, ui.CheckItem{
			ID: ui.CheckItemID(it.ID), Title: it.Title, Current: it.Current, Recommended: it.Recommended,
			Rating: uiRating(it.Rating), Why: it.Why, CanFix: it.CanHarden,
		})
	}
	return out, nil
}

// uiRating maps the engine's rating to the window's.
func uiRating(r privacy.Rating) ui.Rating {
	switch r {
	case privacy.RatingOK:
		return ui.RatingOK
	case privacy.RatingRisk:
		return ui.RatingRisk
	}
	return ui.RatingWarn
}

// Harden implements ui.Privacy: with no items it hardens what the check-up offers to fix right now.
func (b privacyService) Harden(ctx context.Context, items []ui.CheckItemID) (ui.Hardened, error) {
	api := b.client.API()
	ids := make([]privacy.ItemID, 0, len(items))
	for _, id := range items {
		ids = append(ids, privacy.ItemID(id))
	}
	if len(ids) == 0 {
		now, err := privacy.CheckUp(ctx, api)
		if err != nil && len(now.Items) == 0 {
			return ui.Hardened{}, userError(err)
		}
		ids = now.Hardenable()
	}
	rep, err := privacy.Harden(ctx, api, ids)
	var notApplied *privacy.NotAppliedError
	if err != nil && !errors.As(err, &notApplied) {
		return ui.Hardened{}, userError(err)
	}
	out := ui.Hardened{Rules: make([]ui.PrivacyRule, 0, len(rep.Rules))}
	for _, x := range rep.Rules {
		out.Rules = append(out.Rules, privacyRule(x))
	}
	if out.After, err = b.checkUp(ctx); err != nil {
		return ui.Hardened{}, err
	}
	return out, ctx.Err()
}

// Sessions implements ui.Privacy.
func (b privacyService) Sessions(ctx context.Context) ([]ui.Session, error) {
	list, err := privacy.Sessions(ctx, b.client.API())
	if err != nil {
		return nil, userError(err)
	}
	out := make([]ui.Session, 0, len(list))
	for _, s := range list {
		out = append(out, ui.Session{
			ID: ui.SessionID(s.Hash), Current: s.Current, Device: deviceWords(s),
			App: s.App(),
			IP:  s.IP, Location: s.Location, Active: s.Active, SecretChats: s.AcceptsSecretChats,
		})
	}
	return out, nil
}

// deviceWords is a session's device (model, platform, system) in one line, without the app.
func deviceWords(s privacy.Session) string {
	var parts []string
	for _, p := range []string{s.DeviceModel, s.Platform, s.SystemVersion} {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "Unknown device"
	}
	return strings.Join(parts, ", ")
}

// Terminate implements ui.Privacy.
func (b privacyService) Terminate(ctx context.Context, id ui.SessionID) error {
	return userError(privacy.Terminate(ctx, b.client.API(), int64(id)))
}

// TerminateOthers implements ui.Privacy.
func (b privacyService) TerminateOthers(ctx context.Context) error {
	return userError(privacy.TerminateOthers(ctx, b.client.API()))
}

// Exposure implements ui.Privacy.
func (b privacyService) Exposure(ctx context.Context) (ui.Exposure, error) {
	e, err := privacy.ReadExposure(ctx, b.client.API())
	if err != nil {
		return ui.Exposure{}, userError(err)
	}
	return ui.Exposure{PhoneNumber: uiAudience[e.PhoneNumber], FindByNumber: uiAudience[e.FindByNumber], AccountTTLDays: e.AccountTTLDays}, nil
}

// SetExposure implements ui.Privacy.
func (b privacyService) SetExposure(ctx context.Context, e ui.Exposure) ([]ui.PrivacyRule, error) {
	rep, err := privacy.SetExposure(ctx, b.client.API(), privacy.Exposure{
		PhoneNumber: engineAudience(e.PhoneNumber), FindByNumber: engineAudience(e.FindByNumber), AccountTTLDays: e.AccountTTLDays})
	var notApplied *privacy.NotAppliedError
	if err != nil && !errors.As(err, &notApplied) {
		return nil, userError(err)
	}
	rules := make([]ui.PrivacyRule, 0, len(rep.Rules))
	for _, x := range rep.Rules {
		rules = append(rules, privacyRule(x))
	}
	return rules, nil
}

// uiAudience maps the engine's audiences to the window's.
var uiAudience = map[privacy.Audience]ui.Audience{
	privacy.AudienceEverybody:    ui.AudienceEverybody,
	privacy.AudienceContacts:     ui.AudienceContacts,
	privacy.AudienceCloseFriends: ui.AudienceCloseFriends,
	privacy.AudienceNobody:       ui.AudienceNobody,
}

// engineAudience maps the window's audience to the engine's; anything unknown is the closed one.
func engineAudience(a ui.Audience) privacy.Audience {
	for e, x := range uiAudience {
		if x == a {
			return e
		}
	}
	return privacy.AudienceNobody
}

// Blocked implements ui.Privacy: the blocklist, each person remembered as a cloud dialog so Unblock (or the
// chat list) can name them.
func (b privacyService) Blocked(ctx context.Context) ([]ui.BlockedPerson, error) {
	list, err := privacy.Blocked(ctx, b.client.API())
	if err != nil {
		return nil, userError(err)
	}
	out := make([]ui.BlockedPerson, 0, len(list))
	for _, x := range list {
		p := b.person(ctx, mtproto.User{Peer: mtproto.Peer{Kind: mtproto.PeerUser, ID: x.ID, AccessHash: x.AccessHash},
			FirstName: x.FirstName, LastName: x.LastName, Username: x.Username})
		out = append(out, ui.BlockedPerson{Dialog: p.Dialog, Name: p.Name, Username: p.Username, Since: x.Since})
	}
	return out, nil
}

// Block implements ui.Privacy.
func (b privacyService) Block(ctx context.Context, person ui.DialogID) error {
	peer, _, err := b.peerOf(person)
	if err != nil {
		return err
	}
	return userError(privacy.Block(ctx, b.client.API(), peer))
}

// Unblock implements ui.Privacy.
func (b privacyService) Unblock(ctx context.Context, person ui.DialogID) error {
	peer, _, err := b.peerOf(person)
	if err != nil {
		return err
	}
	return userError(privacy.Unblock(ctx, b.client.API(), peer))
}
