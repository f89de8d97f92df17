package privacy

import (
	"fmt"
	"strings"
)

// RuleResult is the outcome of one change, as read back from the server.
type RuleResult struct {
	// Rule names the setting, e.g. "phone number visible to".
	Rule string
	// Want is the value Tacit set, e.g. "nobody".
	Want string
	// Got is the value read back afterwards; empty if it could not be read.
	Got string
	// Applied is true only when the server accepted the change and reading
	// it back shows exactly the value that was set.
	Applied bool
	// Reason says why the change is not applied (empty when applied).
	Reason string
}

// Line is the result in one line, e.g.
// "phone number visible to: nobody — applied (read back)".
func (r RuleResult) Line() string {
	if r.Applied {
		return fmt.Sprintf("%s: %s — applied (read back)", r.Rule, r.Want)
	}
	return fmt.Sprintf("%s: %s — NOT applied: %s", r.Rule, r.Want, r.Reason)
}

// Report lists the outcome of each change of a Lockdown or Harden.
type Report struct {
	Rules []RuleResult
}

// Lines is one line per rule (RuleResult.Line), for logs and the self-test.
func (r Report) Lines() []string {
	out := make([]string, 0, len(r.Rules))
	for _, x := range r.Rules {
		out = append(out, x.Line())
	}
	return out
}

// NotApplied lists the rules the server did not confirm.
func (r Report) NotApplied() []RuleResult {
	var out []RuleResult
	for _, x := range r.Rules {
		if !x.Applied {
			out = append(out, x)
		}
	}
	return out
}

// Err is nil when every rule was applied, else a *NotAppliedError.
func (r Report) Err() error {
	bad := r.NotApplied()
	if len(bad) == 0 {
		return nil
	}
	e := &NotAppliedError{}
	for _, x := range bad {
		e.Rules = append(e.Rules, x.Rule)
	}
	return e
}

func (r *Report) add(x RuleResult) {
	if !x.Applied && x.Reason == "" {
		x.Reason = "not confirmed by the server"
	}
	r.Rules = append(r.Rules, x)
}

// NotAppliedError names the rules a server refused or did not keep.
type NotAppliedError struct {
	Rules []string
}

func (e *NotAppliedError) Error() string {
	return "privacy: not applied: " + strings.Join(e.Rules, "; ")
}
