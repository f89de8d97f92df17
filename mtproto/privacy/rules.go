package privacy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
)

// Audience is the general rule of a privacy setting: who it applies to
// before exceptions for named people or chats.
type Audience int

// Audiences, from the most open to the most closed.
const (
	AudienceEverybody Audience = iota
	AudienceContacts
	AudienceCloseFriends
	AudienceNobody
)

func (a Audience) String() string {
	switch a {
	case AudienceEverybody:
		return "everybody"
	case AudienceContacts:
		return "my contacts"
	case AudienceCloseFriends:
		return "close friends"
	case AudienceNobody:
		return "nobody"
	}
	return "unknown"
}

// audienceOf finds the general rule among rules. A rule list without one
// means nobody, as on Telegram's server.
func audienceOf(rules []tg.PrivacyRuleClass) Audience {
	for _, r := range rules {
		switch r.(type) {
		case *tg.PrivacyValueAllowAll:
			return AudienceEverybody
		case *tg.PrivacyValueAllowContacts:
			return AudienceContacts
		case *tg.PrivacyValueAllowCloseFriends:
			return AudienceCloseFriends
		case *tg.PrivacyValueDisallowAll:
			return AudienceNobody
		}
	}
	return AudienceNobody
}

func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return strconv.Itoa(n) + " people"
}

func chats(n int) string {
	if n == 1 {
		return "members of 1 chat"
	}
	return "members of " + strconv.Itoa(n) + " chats"
}

// describeRules is a rule list in words, e.g. "nobody (always: 2 people)".
func describeRules(rules []tg.PrivacyRuleClass) string {
	var always, never []string
	for _, r := range rules {
		switch r := r.(type) {
		case *tg.PrivacyValueAllowUsers:
			always = append(always, people(len(r.Users)))
		case *tg.PrivacyValueAllowChatParticipants:
			always = append(always, chats(len(r.Chats)))
		case *tg.PrivacyValueAllowPremium:
			always = append(always, "Premium users")
		case *tg.PrivacyValueAllowBots:
			always = append(always, "bots")
		case *tg.PrivacyValueDisallowUsers:
			never = append(never, people(len(r.Users)))
		case *tg.PrivacyValueDisallowChatParticipants:
			never = append(never, chats(len(r.Chats)))
		case *tg.PrivacyValueDisallowContacts:
			never = append(never, "my contacts")
		case *tg.PrivacyValueDisallowBots:
			never = append(never, "bots")
		}
	}
	out := audienceOf(rules).String()
	var ex []string
	if len(always) > 0 {
		ex = append(ex, "always: "+strings.Join(always, ", "))
	}
	if len(never) > 0 {
		ex = append(ex, "never: "+strings.Join(never, ", "))
	}
	if len(ex) > 0 {
		out += " (" + strings.Join(ex, "; ") + ")"
	}
	return out
}

func joinIDs(ids []int64) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	parts := make([]string, len(s))
	for i, id := range s {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// canonOutput is a rule as a comparable string.
func canonOutput(r tg.PrivacyRuleClass) string {
	switch r := r.(type) {
	case *tg.PrivacyValueAllowUsers:
		return "allow-users:" + joinIDs(r.Users)
	case *tg.PrivacyValueDisallowUsers:
		return "disallow-users:" + joinIDs(r.Users)
	case *tg.PrivacyValueAllowChatParticipants:
		return "allow-chats:" + joinIDs(r.Chats)
	case *tg.PrivacyValueDisallowChatParticipants:
		return "disallow-chats:" + joinIDs(r.Chats)
	}
	return r.TypeName()
}

// canonInput is an input rule as the server should answer it, in the form
// of canonOutput.
func canonInput(r tg.InputPrivacyRuleClass) string {
	userIDs := func(in []tg.InputUserClass) []int64 {
		var out []int64
		for _, u := range in {
			if u, ok := u.(*tg.InputUser); ok {
				out = append(out, u.UserID)
			}
		}
		return out
	}
	switch r := r.(type) {
	case *tg.InputPrivacyValueAllowAll:
		return (&tg.PrivacyValueAllowAll{}).TypeName()
	case *tg.InputPrivacyValueAllowContacts:
		return (&tg.PrivacyValueAllowContacts{}).TypeName()
	case *tg.InputPrivacyValueAllowCloseFriends:
		return (&tg.PrivacyValueAllowCloseFriends{}).TypeName()
	case *tg.InputPrivacyValueAllowPremium:
		return (&tg.PrivacyValueAllowPremium{}).TypeName()
	case *tg.InputPrivacyValueAllowBots:
		return (&tg.PrivacyValueAllowBots{}).TypeName()
	case *tg.InputPrivacyValueDisallowAll:
		return (&tg.PrivacyValueDisallowAll{}).TypeName()
	case *tg.InputPrivacyValueDisallowContacts:
		return (&tg.PrivacyValueDisallowContacts{}).TypeName()
	case *tg.InputPrivacyValueDisallowBots:
		return (&tg.PrivacyValueDisallowBots{}).TypeName()
	case *tg.InputPrivacyValueAllowUsers:
		return "allow-users:" + joinIDs(userIDs(r.Users))
	case *tg.InputPrivacyValueDisallowUsers:
		return "disallow-users:" + joinIDs(userIDs(r.Users))
	case *tg.InputPrivacyValueAllowChatParticipants:
		return "allow-chats:" + joinIDs(r.Chats)
	case *tg.InputPrivacyValueDisallowChatParticipants:
		return "disallow-chats:" + joinIDs(r.Chats)
	}
	return "input:" + r.TypeName()
}

// sameRules reports whether the server's rules are exactly the rules sent,
// in any order.
func sameRules(sent []tg.InputPrivacyRuleClass, got []tg.PrivacyRuleClass) bool {
	a := make([]string, 0, len(sent))
	for _, r := range sent {
		a = append(a, canonInput(r))
	}
	b := make([]string, 0, len(got))
	for _, r := range got {
		if r == nil {
			return false
		}
		b = append(b, canonOutput(r))
	}
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// generalInput is the input rule for an audience.
func generalInput(a Audience) tg.InputPrivacyRuleClass {
	switch a {
	case AudienceEverybody:
		return &tg.InputPrivacyValueAllowAll{}
	case AudienceContacts:
		return &tg.InputPrivacyValueAllowContacts{}
	case AudienceCloseFriends:
		return &tg.InputPrivacyValueAllowCloseFriends{}
	}
	return &tg.InputPrivacyValueDisallowAll{}
}

// withAudience rebuilds current rules with a new general rule, keeping the
// exceptions the user made for named people and chats. People whose access
// hash the server did not send cannot be named again and are dropped.
func withAudience(current *tg.AccountPrivacyRules, a Audience) []tg.InputPrivacyRuleClass {
	hashes := map[int64]int64{}
	for _, u := range current.Users {
		if u, ok := u.(*tg.User); ok {
			hashes[u.ID] = u.AccessHash
		}
	}
	inputs := func(ids []int64) []tg.InputUserClass {
		var out []tg.InputUserClass
		for _, id := range ids {
			if h, ok := hashes[id]; ok {
				out = append(out, &tg.InputUser{UserID: id, AccessHash: h})
			}
		}
		return out
	}
	var out []tg.InputPrivacyRuleClass
	for _, r := range current.Rules {
		switch r := r.(type) {
		case *tg.PrivacyValueAllowUsers:
			if in := inputs(r.Users); len(in) > 0 {
				out = append(out, &tg.InputPrivacyValueAllowUsers{Users: in})
			}
		case *tg.PrivacyValueDisallowUsers:
			if a != AudienceNobody {
				if in := inputs(r.Users); len(in) > 0 {
					out = append(out, &tg.InputPrivacyValueDisallowUsers{Users: in})
				}
			}
		case *tg.PrivacyValueAllowChatParticipants:
			out = append(out, &tg.InputPrivacyValueAllowChatParticipants{Chats: slices.Clone(r.Chats)})
		case *tg.PrivacyValueDisallowChatParticipants:
			if a != AudienceNobody {
				out = append(out, &tg.InputPrivacyValueDisallowChatParticipants{Chats: slices.Clone(r.Chats)})
			}
		}
	}
	return append(out, generalInput(a))
}

// refusal words a failed call for a RuleResult.Reason. It never includes
// user data: only the server's error name or a classified message.
func refusal(what string, err error) string {
	if rpc, ok := tgerr.As(err); ok {
		return fmt.Sprintf("the server refused %s (%s)", what, rpc.Type)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return what + " was interrupted"
	}
	return what + " failed: " + mtproto.Classify(err).Error()
}

// setRules sets rules for key and reads them back. The result is applied
// only if both the server's answer and the read-back are exactly the rules
// sent.
func setRules(ctx context.Context, api *tg.Client, name string, key tg.InputPrivacyKeyClass, rules []tg.InputPrivacyRuleClass) RuleResult {
	res := RuleResult{Rule: name, Want: describeInputs(rules)}
	answer, err := api.AccountSetPrivacy(ctx, &tg.AccountSetPrivacyRequest{Key: key, Rules: rules})
	switch {
	case err != nil:
		res.Reason = refusal("the change", err)
	case !sameRules(rules, answer.Rules):
		res.Reason = "the server answered " + describeRules(answer.Rules)
	}
	back, err := api.AccountGetPrivacy(ctx, key)
	if err != nil {
		if res.Reason == "" {
			res.Reason = refusal("reading it back", err)
		}
		return res
	}
	res.Got = describeRules(back.Rules)
	if res.Reason == "" && !sameRules(rules, back.Rules) {
		res.Reason = "reading it back shows " + res.Got
	}
	res.Applied = res.Reason == ""
	return res
}

// describeInputs words input rules like describeRules.
func describeInputs(rules []tg.InputPrivacyRuleClass) string {
	out := make([]tg.PrivacyRuleClass, 0, len(rules))
	for _, r := range rules {
		switch r := r.(type) {
		case *tg.InputPrivacyValueAllowAll:
			out = append(out, &tg.PrivacyValueAllowAll{})
		case *tg.InputPrivacyValueAllowContacts:
			out = append(out, &tg.PrivacyValueAllowContacts{})
		case *tg.InputPrivacyValueAllowCloseFriends:
			out = append(out, &tg.PrivacyValueAllowCloseFriends{})
		case *tg.InputPrivacyValueDisallowAll:
			out = append(out, &tg.PrivacyValueDisallowAll{})
		case *tg.InputPrivacyValueDisallowContacts:
			out = append(out, &tg.PrivacyValueDisallowContacts{})
		case *tg.InputPrivacyValueAllowUsers:
			out = append(out, &tg.PrivacyValueAllowUsers{Users: make([]int64, len(r.Users))})
		case *tg.InputPrivacyValueDisallowUsers:
			out = append(out, &tg.PrivacyValueDisallowUsers{Users: make([]int64, len(r.Users))})
		case *tg.InputPrivacyValueAllowChatParticipants:
			out = append(out, &tg.PrivacyValueAllowChatParticipants{Chats: r.Chats})
		case *tg.InputPrivacyValueDisallowChatParticipants:
			out = append(out, &tg.PrivacyValueDisallowChatParticipants{Chats: r.Chats})
		case *tg.InputPrivacyValueAllowPremium:
			out = append(out, &tg.PrivacyValueAllowPremium{})
		case *tg.InputPrivacyValueAllowBots:
			out = append(out, &tg.PrivacyValueAllowBots{})
		case *tg.InputPrivacyValueDisallowBots:
			out = append(out, &tg.PrivacyValueDisallowBots{})
		}
	}
	return describeRules(out)
}
