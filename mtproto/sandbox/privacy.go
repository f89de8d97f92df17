package sandbox

import (
	"context"

	"github.com/gotd/td/tg"
)

// Privacy enforcement that is not tied to users or sessions: the account
// self-destruct period, the global privacy settings, the sessions that accept
// secret chat requests, and a switchable fault that makes account.setPrivacy
// misbehave. The per-key privacy rules and their evaluation live in users.go.

// DefaultAccountTTLDays is the self-destruct period of a new account.
const DefaultAccountTTLDays = 365

// Telegram accepts self-destruct periods from one month to two years.
const (
	minAccountTTLDays = 30
	maxAccountTTLDays = 730
)

func (s *Server) registerPrivacy(d *tg.ServerDispatcher) {
	d.OnAccountGetAccountTTL(s.getAccountTTL)
	d.OnAccountSetAccountTTL(s.setAccountTTL)
	d.OnAccountGetGlobalPrivacySettings(s.getGlobalPrivacySettings)
	d.OnAccountSetGlobalPrivacySettings(s.setGlobalPrivacySettings)
}

func accountTTLOf(u *user) int {
	if u.accountTTLDays == 0 {
		return DefaultAccountTTLDays
	}
	return u.accountTTLDays
}

func (s *Server) getAccountTTL(ctx context.Context) (*tg.AccountDaysTTL, error) {
	return signedIn(s, ctx, func(o *op) (*tg.AccountDaysTTL, error) {
		me := o.me
		return &tg.AccountDaysTTL{Days: accountTTLOf(me)}, nil
	})
}

func (s *Server) setAccountTTL(ctx context.Context, ttl tg.AccountDaysTTL) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		if ttl.Days < minAccountTTLDays || ttl.Days > maxAccountTTLDays {
			return false, rpcErr(400, "TTL_DAYS_INVALID")
		}
		me.accountTTLDays = ttl.Days
		return true, nil
	})
}

func (s *Server) getGlobalPrivacySettings(ctx context.Context) (*tg.GlobalPrivacySettings, error) {
	return signedIn(s, ctx, func(o *op) (*tg.GlobalPrivacySettings, error) {
		me := o.me
		out := me.globalPrivacy
		return &out, nil
	})
}

func (s *Server) setGlobalPrivacySettings(ctx context.Context, settings tg.GlobalPrivacySettings) (*tg.GlobalPrivacySettings, error) {
	return signedIn(s, ctx, func(o *op) (*tg.GlobalPrivacySettings, error) {
		me := o.me
		if settings.NoncontactPeersPaidStars < 0 {
			return nil, rpcErr(400, "STARS_AMOUNT_INVALID")
		}
		me.globalPrivacy = settings
		out := me.globalPrivacy
		return &out, nil
	})
}

// acceptsSecretChatsLocked lists the logged-in authorizations of userID that
// accept incoming secret chat requests, i.e. whose owner has not set
// encrypted_requests_disabled on them with account.changeAuthorizationSettings.
// The secret chat relay offers an incoming messages.requestEncryption only to
// these sessions (updateEncryption); when the list is empty no session of the
// user may be asked, and the request should be refused. s.mu must be held.
func (s *Server) acceptsSecretChatsLocked(userID int64) []*authorization {
	var out []*authorization
	for _, a := range s.authsOfLocked(userID) {
		if !a.encryptedRequestsDisabled {
			out = append(out, a)
		}
	}
	return out
}

// SecretChatDevices lists the device strings of userID's sessions that accept
// incoming secret chat requests.
func (s *Server) SecretChatDevices(userID int64) []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Device
	for _, a := range s.acceptsSecretChatsLocked(userID) {
		out = append(out, a.device)
	}
	return out
}

// AccountTTL is userID's self-destruct period in days.
func (s *Server) AccountTTL(userID int64) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[userID]
	if !ok {
		return 0, false
	}
	return accountTTLOf(u), true
}

// PrivacyFaultMode is how account.setPrivacy misbehaves under FailPrivacy.
type PrivacyFaultMode int

// Privacy fault modes.
const (
	// PrivacyRefuse answers with an RPC error and changes nothing.
	PrivacyRefuse PrivacyFaultMode = iota + 1
	// PrivacyAnswerOther stores and answers rules other than those requested
	// (everybody, or nobody when everybody was asked for).
	PrivacyAnswerOther
	// PrivacyForget answers with the requested rules but stores nothing, so
	// only reading the rules back shows that the change did not happen.
	PrivacyForget
)

type privacyFault struct {
	mode  PrivacyFaultMode
	times int
}

// FailPrivacy makes the next `times` account.setPrivacy calls for the privacy
// key with output type id key (e.g. tg.PrivacyKeyPhoneNumberTypeID) misbehave
// as mode. times <= 0 clears the fault.
func (s *Server) FailPrivacy(key uint32, mode PrivacyFaultMode, times int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.privacy == nil {
		s.faults.privacy = map[uint32]privacyFault{}
	}
	if times <= 0 {
		delete(s.faults.privacy, key)
		return
	}
	s.faults.privacy[key] = privacyFault{mode: mode, times: times}
}

func (f *faults) takePrivacy(key uint32) PrivacyFaultMode {
	f.mu.Lock()
	defer f.mu.Unlock()
	pf, ok := f.privacy[key]
	if !ok || pf.times <= 0 {
		return 0
	}
	pf.times--
	if pf.times == 0 {
		delete(f.privacy, key)
	} else {
		f.privacy[key] = pf
	}
	return pf.mode
}

// privacyFaultLocked applies a pending FailPrivacy fault to a setPrivacy
// call of me for key with the validated rules. faulted reports whether the
// call is answered here; s.mu must be held.
func (s *Server) privacyFaultLocked(me *user, key uint32, rules []tg.PrivacyRuleClass) (res *tg.AccountPrivacyRules, faulted bool, err error) {
	switch s.faults.takePrivacy(key) {
	case PrivacyRefuse:
		return nil, true, rpcErr(403, "PRIVACY_CHANGE_REFUSED")
	case PrivacyAnswerOther:
		var other tg.PrivacyRuleClass = &tg.PrivacyValueAllowAll{}
		if len(rules) == 1 {
			if _, all := rules[0].(*tg.PrivacyValueAllowAll); all {
				other = &tg.PrivacyValueDisallowAll{}
			}
		}
		me.privacy[key] = []tg.PrivacyRuleClass{other}
		return &tg.AccountPrivacyRules{Rules: []tg.PrivacyRuleClass{other}}, true, nil
	case PrivacyForget:
		return &tg.AccountPrivacyRules{Rules: rules, Users: s.privacyUsersLocked(me, rules)}, true, nil
	}
	return nil, false, nil
}

// privacyUsersLocked lists the users named in rules, as me sees them, for
// the users field of account.privacyRules. s.mu must be held.
func (s *Server) privacyUsersLocked(me *user, rules []tg.PrivacyRuleClass) []tg.UserClass {
	var out []tg.UserClass
	seen := map[int64]bool{}
	add := func(ids []int64) {
		for _, id := range ids {
			if u, ok := s.st.users[id]; ok && !seen[id] {
				seen[id] = true
				out = append(out, s.userViewLocked(me, u))
			}
		}
	}
	for _, r := range rules {
		switch r := r.(type) {
		case *tg.PrivacyValueAllowUsers:
			add(r.Users)
		case *tg.PrivacyValueDisallowUsers:
			add(r.Users)
		}
	}
	return out
}
