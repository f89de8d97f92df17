package sandbox

import (
	"context"
	"sort"
	"strings"

	"github.com/gotd/td/tg"
)

func (s *Server) registerUsers(d *tg.ServerDispatcher) {
	d.OnUsersGetUsers(s.getUsers)
	d.OnUsersGetFullUser(s.getFullUser)
	d.OnContactsImportContacts(s.importContacts)
	d.OnContactsGetContacts(s.getContacts)
	d.OnContactsResolvePhone(s.resolvePhone)
	d.OnContactsResetSaved(s.resetSaved)
	d.OnContactsGetSaved(s.getSaved)
	d.OnContactsAddContact(s.addContact)
	d.OnContactsDeleteContacts(s.deleteContacts)
	d.OnAccountGetContactSignUpNotification(func(ctx context.Context) (bool, error) {
		return signedIn(s, ctx, func(o *op) (bool, error) { return o.me.signUpNoticesSilent, nil })
	})
	d.OnAccountSetContactSignUpNotification(func(ctx context.Context, silent bool) (bool, error) {
		return signedIn(s, ctx, func(o *op) (bool, error) {
			o.me.signUpNoticesSilent = silent
			return true, nil
		})
	})
	d.OnAccountGetPrivacy(s.getPrivacy)
	d.OnAccountSetPrivacy(s.setPrivacy)
}

func (s *Server) sortedUsersLocked() []*user {
	out := make([]*user, 0, len(s.st.users))
	for _, u := range s.st.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// isContactLocked reports whether owner has other in its contact list.
func isContactLocked(owner *user, other *user) bool {
	_, ok := owner.contacts[other.id]
	return ok
}

// defaultPrivacy is Telegram's default rule for a key: phone number visible
// to contacts, everything else to everybody.
func defaultPrivacy(key uint32) []tg.PrivacyRuleClass {
	if key == tg.PrivacyKeyPhoneNumberTypeID {
		return []tg.PrivacyRuleClass{&tg.PrivacyValueAllowContacts{}}
	}
	return []tg.PrivacyRuleClass{&tg.PrivacyValueAllowAll{}}
}

// rulesLocked returns owner's rules for a privacy key (output type id).
func (s *Server) rulesLocked(owner *user, key uint32) []tg.PrivacyRuleClass {
	if r, ok := owner.privacy[key]; ok {
		return r
	}
	return defaultPrivacy(key)
}

// allowsLocked evaluates owner's privacy rules for key as seen by viewer:
// exceptions for listed users first, then the general rule.
func (s *Server) allowsLocked(owner, viewer *user, key uint32) bool {
	if owner.id == viewer.id {
		return true
	}
	rules := s.rulesLocked(owner, key)
	for _, r := range rules {
		switch r := r.(type) {
		case *tg.PrivacyValueDisallowUsers:
			for _, id := range r.Users {
				if id == viewer.id {
					return false
				}
			}
		case *tg.PrivacyValueAllowUsers:
			for _, id := range r.Users {
				if id == viewer.id {
					return true
				}
			}
		}
	}
	contact := isContactLocked(owner, viewer)
	for _, r := range rules {
		switch r.(type) {
		case *tg.PrivacyValueAllowAll:
			return true
		case *tg.PrivacyValueAllowContacts:
			if contact {
				return true
			}
		case *tg.PrivacyValueDisallowContacts:
			if contact {
				return false
			}
		case *tg.PrivacyValueDisallowAll:
			return false
		}
	}
	return false
}

// userViewLocked is target as viewer may see it: the phone only where the
// target's privacy allows it.
func (s *Server) userViewLocked(viewer, target *user) *tg.User {
	u := &tg.User{ID: target.id, FirstName: target.first, LastName: target.last}
	u.SetAccessHash(target.accessHash)
	if target.username != "" {
		u.SetUsername(target.username)
	}
	if viewer.id == target.id {
		u.Self = true
		u.SetPhone(target.phone)
		return u
	}
	if isContactLocked(viewer, target) {
		u.Contact = true
		u.MutualContact = isContactLocked(target, viewer)
		if name, ok := viewer.contacts[target.id]; ok && name != "" {
			u.FirstName = name
			u.LastName = ""
		}
	}
	if s.allowsLocked(target, viewer, tg.PrivacyKeyPhoneNumberTypeID) {
		u.SetPhone(target.phone)
	}
	u.SetFirstName(u.FirstName)
	u.SetLastName(u.LastName)
	return u
}

// resolveInputUserLocked finds the user an InputUser names, checking the
// access hash.
func (s *Server) resolveInputUserLocked(me *user, in tg.InputUserClass) (*user, error) {
	switch in := in.(type) {
	case *tg.InputUserSelf:
		return me, nil
	case *tg.InputUser:
		u := s.st.users[in.UserID]
		if u == nil || u.accessHash != in.AccessHash {
			return nil, rpcErr(400, "USER_ID_INVALID")
		}
		return u, nil
	case *tg.InputUserFromMessage:
		u := s.st.users[in.UserID]
		if u == nil {
			return nil, rpcErr(400, "USER_ID_INVALID")
		}
		return u, nil
	}
	return nil, rpcErr(400, "USER_ID_INVALID")
}

func (s *Server) getUsers(ctx context.Context, ids []tg.InputUserClass) ([]tg.UserClass, error) {
	return signedIn(s, ctx, func(o *op) ([]tg.UserClass, error) {
		me := o.me
		var out []tg.UserClass
		for _, id := range ids {
			u, err := s.resolveInputUserLocked(me, id)
			if err != nil {
				out = append(out, &tg.UserEmpty{})
				continue
			}
			out = append(out, s.userViewLocked(me, u))
		}
		return out, nil
	})
}

func (s *Server) getFullUser(ctx context.Context, id tg.InputUserClass) (*tg.UsersUserFull, error) {
	return signedIn(s, ctx, func(o *op) (*tg.UsersUserFull, error) {
		me := o.me
		u, err := s.resolveInputUserLocked(me, id)
		if err != nil {
			return nil, err
		}
		full := tg.UserFull{ID: u.id, Settings: tg.PeerSettings{}, NotifySettings: notifySettingsLocked(me, notifyKey{peer: userPeer(u.id)})}
		if u.about != "" {
			full.SetAbout(u.about)
		}
		full.Blocked = blockedLocked(me, u.id)
		return &tg.UsersUserFull{FullUser: full, Users: []tg.UserClass{s.userViewLocked(me, u)}}, nil
	})
}

func (s *Server) importContacts(ctx context.Context, contacts []tg.InputPhoneContact) (*tg.ContactsImportedContacts, error) {
	return signedIn(s, ctx, func(o *op) (*tg.ContactsImportedContacts, error) {
		me := o.me
		out := &tg.ContactsImportedContacts{}
		for _, c := range contacts {
			phone := strings.TrimPrefix(c.Phone, "+")
			me.savedPhones[phone] = savedContact{first: c.FirstName, last: c.LastName}
			target, ok := s.st.byPhone[phone]
			if !ok || target.id == me.id || !s.allowsLocked(target, me, tg.PrivacyKeyAddedByPhoneTypeID) {
				continue
			}
			me.contacts[target.id] = strings.TrimSpace(c.FirstName + " " + c.LastName)
			out.Imported = append(out.Imported, tg.ImportedContact{UserID: target.id, ClientID: c.ClientID})
			out.Users = append(out.Users, s.userViewLocked(me, target))
		}
		return out, nil
	})
}

func (s *Server) getContacts(ctx context.Context, hash int64) (tg.ContactsContactsClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.ContactsContactsClass, error) {
		me := o.me
		out := &tg.ContactsContacts{}
		for _, u := range s.sortedUsersLocked() {
			if !isContactLocked(me, u) {
				continue
			}
			out.Contacts = append(out.Contacts, tg.Contact{UserID: u.id, Mutual: isContactLocked(u, me)})
			out.Users = append(out.Users, s.userViewLocked(me, u))
		}
		out.SavedCount = len(me.savedPhones)
		return out, nil
	})
}

func (s *Server) resolvePhone(ctx context.Context, phone string) (*tg.ContactsResolvedPeer, error) {
	return signedIn(s, ctx, func(o *op) (*tg.ContactsResolvedPeer, error) {
		me := o.me
		target, ok := s.st.byPhone[strings.TrimPrefix(phone, "+")]
		if !ok || !s.allowsLocked(target, me, tg.PrivacyKeyAddedByPhoneTypeID) {
			return nil, rpcErr(400, "PHONE_NOT_OCCUPIED")
		}
		return &tg.ContactsResolvedPeer{
			Peer:  &tg.PeerUser{UserID: target.id},
			Users: []tg.UserClass{s.userViewLocked(me, target)},
		}, nil
	})
}

func (s *Server) resetSaved(ctx context.Context) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		me.savedPhones = map[string]savedContact{}
		return true, nil
	})
}

func (s *Server) getSaved(ctx context.Context) ([]tg.SavedPhoneContact, error) {
	return signedIn(s, ctx, func(o *op) ([]tg.SavedPhoneContact, error) {
		me := o.me
		var out []tg.SavedPhoneContact
		for phone, c := range me.savedPhones {
			out = append(out, tg.SavedPhoneContact{Phone: phone, FirstName: c.first, LastName: c.last, Date: me.created})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Phone < out[j].Phone })
		return out, nil
	})
}

func (s *Server) addContact(ctx context.Context, req *tg.ContactsAddContactRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me := o.me
		target, err := s.resolveInputUserLocked(me, req.ID)
		if err != nil {
			return nil, err
		}
		me.contacts[target.id] = strings.TrimSpace(req.FirstName + " " + req.LastName)
		if req.AddPhonePrivacyException {
			rules := s.rulesLocked(me, tg.PrivacyKeyPhoneNumberTypeID)
			me.privacy[tg.PrivacyKeyPhoneNumberTypeID] = append([]tg.PrivacyRuleClass{&tg.PrivacyValueAllowUsers{Users: []int64{target.id}}}, rules...)
		}
		return &tg.Updates{Users: []tg.UserClass{s.userViewLocked(me, target)}, Date: s.unix()}, nil
	})
}

func (s *Server) deleteContacts(ctx context.Context, ids []tg.InputUserClass) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me := o.me
		for _, id := range ids {
			if u, err := s.resolveInputUserLocked(me, id); err == nil {
				delete(me.contacts, u.id)
			}
		}
		return &tg.Updates{Date: s.unix()}, nil
	})
}

// privacyKeyOf maps an input privacy key to its output type id.
func privacyKeyOf(k tg.InputPrivacyKeyClass) (uint32, tg.PrivacyKeyClass, bool) {
	switch k.(type) {
	case *tg.InputPrivacyKeyStatusTimestamp:
		return tg.PrivacyKeyStatusTimestampTypeID, &tg.PrivacyKeyStatusTimestamp{}, true
	case *tg.InputPrivacyKeyChatInvite:
		return tg.PrivacyKeyChatInviteTypeID, &tg.PrivacyKeyChatInvite{}, true
	case *tg.InputPrivacyKeyPhoneCall:
		return tg.PrivacyKeyPhoneCallTypeID, &tg.PrivacyKeyPhoneCall{}, true
	case *tg.InputPrivacyKeyPhoneP2P:
		return tg.PrivacyKeyPhoneP2PTypeID, &tg.PrivacyKeyPhoneP2P{}, true
	case *tg.InputPrivacyKeyForwards:
		return tg.PrivacyKeyForwardsTypeID, &tg.PrivacyKeyForwards{}, true
	case *tg.InputPrivacyKeyProfilePhoto:
		return tg.PrivacyKeyProfilePhotoTypeID, &tg.PrivacyKeyProfilePhoto{}, true
	case *tg.InputPrivacyKeyPhoneNumber:
		return tg.PrivacyKeyPhoneNumberTypeID, &tg.PrivacyKeyPhoneNumber{}, true
	case *tg.InputPrivacyKeyAddedByPhone:
		return tg.PrivacyKeyAddedByPhoneTypeID, &tg.PrivacyKeyAddedByPhone{}, true
	case *tg.InputPrivacyKeyVoiceMessages:
		return tg.PrivacyKeyVoiceMessagesTypeID, &tg.PrivacyKeyVoiceMessages{}, true
	case *tg.InputPrivacyKeyAbout:
		return tg.PrivacyKeyAboutTypeID, &tg.PrivacyKeyAbout{}, true
	case *tg.InputPrivacyKeyBirthday:
		return tg.PrivacyKeyBirthdayTypeID, &tg.PrivacyKeyBirthday{}, true
	}
	return 0, nil, false
}

func (s *Server) getPrivacy(ctx context.Context, key tg.InputPrivacyKeyClass) (*tg.AccountPrivacyRules, error) {
	return signedIn(s, ctx, func(o *op) (*tg.AccountPrivacyRules, error) {
		me := o.me
		id, _, ok := privacyKeyOf(key)
		if !ok {
			return nil, rpcErr(400, "PRIVACY_KEY_INVALID")
		}
		rules := s.rulesLocked(me, id)
		return &tg.AccountPrivacyRules{Rules: rules, Users: s.privacyUsersLocked(me, rules)}, nil
	})
}

func (s *Server) setPrivacy(ctx context.Context, req *tg.AccountSetPrivacyRequest) (*tg.AccountPrivacyRules, error) {
	return signedIn(s, ctx, func(o *op) (*tg.AccountPrivacyRules, error) {
		me, d := o.me, &o.d
		id, outKey, ok := privacyKeyOf(req.Key)
		if !ok {
			return nil, rpcErr(400, "PRIVACY_KEY_INVALID")
		}
		var rules []tg.PrivacyRuleClass
		for _, r := range req.Rules {
			out, err := s.privacyRuleLocked(me, r)
			if err != nil {
				return nil, err
			}
			rules = append(rules, out)
		}
		if id == tg.PrivacyKeyAddedByPhoneTypeID {
			// Telegram allows only everybody or contacts here.
			for _, r := range rules {
				switch r.(type) {
				case *tg.PrivacyValueAllowAll, *tg.PrivacyValueAllowContacts:
				default:
					return nil, rpcErr(400, "PRIVACY_VALUE_INVALID")
				}
			}
		}
		if res, faulted, err := s.privacyFaultLocked(me, id, rules); faulted {
			return res, err
		}
		me.privacy[id] = rules
		s.toUserLocked(d, me.id, o.session(), func() tg.UpdatesClass {
			return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdatePrivacy{Key: outKey, Rules: append([]tg.PrivacyRuleClass(nil), rules...)}}, Date: s.unix()}
		})
		return &tg.AccountPrivacyRules{Rules: rules, Users: s.privacyUsersLocked(me, rules)}, nil
	})
}

func (s *Server) privacyRuleLocked(me *user, r tg.InputPrivacyRuleClass) (tg.PrivacyRuleClass, error) {
	ids := func(in []tg.InputUserClass) ([]int64, error) {
		var out []int64
		for _, x := range in {
			u, err := s.resolveInputUserLocked(me, x)
			if err != nil {
				return nil, err
			}
			out = append(out, u.id)
		}
		return out, nil
	}
	switch r := r.(type) {
	case *tg.InputPrivacyValueAllowAll:
		return &tg.PrivacyValueAllowAll{}, nil
	case *tg.InputPrivacyValueAllowContacts:
		return &tg.PrivacyValueAllowContacts{}, nil
	case *tg.InputPrivacyValueDisallowAll:
		return &tg.PrivacyValueDisallowAll{}, nil
	case *tg.InputPrivacyValueDisallowContacts:
		return &tg.PrivacyValueDisallowContacts{}, nil
	case *tg.InputPrivacyValueAllowUsers:
		u, err := ids(r.Users)
		return &tg.PrivacyValueAllowUsers{Users: u}, err
	case *tg.InputPrivacyValueDisallowUsers:
		u, err := ids(r.Users)
		return &tg.PrivacyValueDisallowUsers{Users: u}, err
	}
	return nil, rpcErr(400, "PRIVACY_VALUE_INVALID")
}
