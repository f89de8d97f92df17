package ui

import (
	"strings"
	"testing"
	"time"
)

func TestPrivacyBlockedEmptyBlockAndUnblock(t *testing.T) {
	u, b := toPrivacy(t)
	b.people.people = []Person{{Dialog: "u5", Name: "Mallory", Username: "mallory_x"}}
	p := u.privacyPg.blocked
	if len(p.rows) != 0 || !p.none.Visible() || p.none.Text != blockedNone || b.privacy.called("Blocked") != 1 {
		t.Fatalf("empty blocklist: rows %d, empty sentence shown %v", len(p.rows), p.none.Visible())
	}

	// A t.me link: the person is found, and nothing is blocked before the user confirms.
	p.who.SetText("t.me/mallory_x")
	u.tap(p.block)
	if b.people.called("ResolveUsername") != 1 || p.confirm == nil || b.privacy.called("Block") != 0 {
		t.Fatal("Block… did not find the person and ask first")
	}
	p.confirm.Dismiss()
	u.settle()
	if b.privacy.called("Block") != 0 {
		t.Fatal("Cancel blocked the person")
	}
	u.tap(p.block)
	p.confirm.Confirm()
	u.settle()
	if b.privacy.called("Block") != 1 || len(p.rows) != 1 || p.none.Visible() {
		t.Fatalf("after blocking: %d rows, Block called %d times", len(p.rows), b.privacy.called("Block"))
	}
	row := p.rows[0]
	if row.person.Name != "Mallory" || !strings.HasPrefix(blockedDetails(row.person, p.now()), "@mallory_x · blocked today at ") {
		t.Fatalf("row %+v: %q", row.person, blockedDetails(row.person, p.now()))
	}
	if p.count.Text != "One blocked person" || p.who.Text != "" {
		t.Fatalf("heading %q, entry %q", p.count.Text, p.who.Text)
	}
	if b.privacy.called("Blocked") != 2 {
		t.Fatal("the list was not read back after blocking")
	}

	// The same person again, by @username: said at once, no question.
	asked := p.confirm
	p.who.SetText("@mallory_x")
	u.tap(p.block)
	if p.confirm != asked || !p.whoErr.Visible() || p.whoErr.Text != "Mallory is blocked already." {
		t.Fatalf("blocking twice: %q", p.whoErr.Text)
	}

	// Unblock, after confirming.
	u.tap(row.unblock)
	if p.confirm == asked || b.privacy.called("Unblock") != 0 {
		t.Fatal("Unblock did not ask first")
	}
	p.confirm.Confirm()
	u.settle()
	if b.privacy.called("Unblock") != 1 || len(p.rows) != 0 || !p.none.Visible() || p.count.Text != "Blocked people" {
		t.Fatalf("after unblocking: %d rows", len(p.rows))
	}
}

func TestPrivacyBlockSomeoneProblems(t *testing.T) {
	u, b := toPrivacy(t)
	p := u.privacyPg.blocked
	// Not a username: said under the field, nobody is asked.
	p.who.SetText("ab")
	u.tap(p.block)
	if b.people.called("ResolveUsername") != 0 || !p.whoErr.Visible() || !strings.Contains(p.whoErr.Text, "at least 5") {
		t.Fatalf("short username: %q", p.whoErr.Text)
	}
	// Nobody has it: the role's words.
	p.who.SetText("nobody_here")
	u.tap(p.block)
	if p.confirm != nil || !p.err.Visible() || p.err.Text != "Nobody has this username." {
		t.Fatalf("unknown username: %q (field: %q)", p.err.Text, p.whoErr.Text)
	}
	// Yourself: the role refuses, in its words.
	b.people.people = []Person{{Dialog: "u0", Name: "Me Myself", Username: "me_myself"}}
	p.who.SetText("me_myself")
	u.tap(p.block)
	p.confirm.Confirm()
	u.settle()
	if !p.err.Visible() || p.err.Text != "You cannot block yourself." || len(p.rows) != 0 {
		t.Fatalf("blocking yourself: %q", p.err.Text)
	}
}

func TestBlockedDetails(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		x    BlockedPerson
		want string
	}{
		{BlockedPerson{Username: "eve_x", Since: now.Add(-time.Hour)}, "@eve_x · blocked today at 09:30"},
		{BlockedPerson{Since: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}, "no username · blocked on Mar 2"},
		{BlockedPerson{Username: "eve_x"}, "@eve_x"},
	} {
		if got := blockedDetails(c.x, now); got != c.want {
			t.Errorf("%+v: %q, want %q", c.x, got, c.want)
		}
	}
}
