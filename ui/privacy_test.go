package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// toPrivacy opens the privacy centre from a signed-in main window.
func toPrivacy(t *testing.T) (*harness, *fakes) {
	t.Helper()
	u, b := readyUI(t)
	u.tap(u.main.chats.privacy)
	wantPage(t, u, pagePrivacy)
	return u, b
}

func TestPrivacyCheckUpRatesEachItem(t *testing.T) {
	u, _ := toPrivacy(t)
	c := u.privacyPg.checkUp
	if len(c.items) != 4 || c.items[0].item.Rating != RatingRisk || c.items[len(c.items)-1].item.Rating != RatingOK {
		t.Fatalf("the items at risk do not come first: %+v", c.items)
	}
	if got := c.summary.Text; got != "One setting puts you at risk, and 2 more could be safer." {
		t.Fatalf("summary %q", got)
	}
	if c.items[0].now.Text != "Now: everybody · Recommended: nobody" || c.items[0].why.Text != "Anyone sees it." || c.items[0].fix == nil {
		t.Fatalf("risk row: %q %q fix %v", c.items[0].now.Text, c.items[0].why.Text, c.items[0].fix)
	}
	for _, r := range c.items {
		if (r.fix != nil) != (r.item.CanFix && r.item.Rating != RatingOK) {
			t.Errorf("%s: Fix offered %v", r.item.ID, r.fix != nil)
		}
	}
	if c.harden.Disabled() || c.harden.Text != "Harden 2" {
		t.Fatalf("Harden reads %q, disabled %v", c.harden.Text, c.harden.Disabled())
	}
}

func TestPrivacyHardenReadsBack(t *testing.T) {
	u, b := toPrivacy(t)
	c := u.privacyPg.checkUp
	u.tap(c.harden)
	if len(b.privacy.hardened) != 1 || len(b.privacy.hardened[0]) != 0 {
		t.Fatalf("Harden was asked for %v, want everything it can fix", b.privacy.hardened)
	}
	c = u.privacyPg.checkUp
	if b.privacy.called("CheckUp") != 1 {
		t.Fatal("the check-up after Harden was not the one Harden read back")
	}
	if got := c.summary.Text; got != "One setting could be safer." {
		t.Fatalf("summary after Harden %q", got)
	}
	if !c.harden.Disabled() {
		t.Fatal("Harden still offered with nothing left to fix")
	}
	if c.status == nil || c.status.Text != "Tacit changed 2 settings, and reading them back shows the new values." {
		t.Fatalf("result %+v", c.status)
	}
	for _, r := range c.items {
		if r.item.ID == "phone" && (r.item.Rating != RatingOK || r.fix != nil || r.now.Text != "Now: nobody") {
			t.Fatalf("the hardened item reads %+v %q", r.item, r.now.Text)
		}
	}
}

func TestPrivacyFixOneAndShowRefusal(t *testing.T) {
	u, b := toPrivacy(t)
	b.privacy.refuse["last-seen"] = "The server refused the change (PRIVACY_TOO_LONG)."
	c := u.privacyPg.checkUp
	var lastSeen *checkRow
	for _, r := range c.items {
		if r.item.ID == "last-seen" {
			lastSeen = r
		}
	}
	u.tap(lastSeen.fix)
	if got := b.privacy.hardened; len(got) != 1 || len(got[0]) != 1 || got[0][0] != "last-seen" {
		t.Fatalf("Fix asked Harden for %v", got)
	}
	if len(c.refused) != 1 || !strings.Contains(c.refused[0].status.Text, "PRIVACY_TOO_LONG") {
		t.Fatalf("the refusal is not shown: %+v", c.refused)
	}
	if !strings.Contains(c.status.Text, "One was not applied") {
		t.Fatalf("result %q", c.status.Text)
	}
}

func TestPrivacySessionsEndOneAndAllOthers(t *testing.T) {
	u, b := toPrivacy(t)
	s := u.privacyPg.devices
	if len(s.rows) != 3 || !s.rows[0].session.Current || s.rows[0].end != nil || s.rows[1].end == nil {
		t.Fatalf("rows %+v", s.rows)
	}
	if got := sessionDetails(s.rows[1].session, s.now()); !strings.HasPrefix(got, "Other 2.0 · ") ||
		!strings.Contains(got, "10.0.0.2 (Lisbon, Portugal)") || !strings.Contains(got, "last active") {
		t.Fatalf("details %q", got)
	}

	test.Tap(s.rows[1].end)
	if s.confirm == nil || b.privacy.called("Terminate") != 0 {
		t.Fatal("a session was ended without asking")
	}
	s.confirm.Dismiss() // Cancel
	u.settle()
	if b.privacy.called("Terminate") != 0 {
		t.Fatal("Cancel ended the session")
	}
	test.Tap(s.rows[1].end)
	s.confirm.Confirm()
	u.settle()
	if b.privacy.called("Terminate") != 1 || len(s.rows) != 2 || s.rows[1].session.ID != 9 {
		t.Fatalf("after ending the laptop: %+v", s.rows)
	}
	if b.privacy.called("CheckUp") != 2 {
		t.Fatal("the check-up was not read again after a session ended")
	}

	test.Tap(s.endOthers)
	s.confirm.Confirm()
	u.settle()
	if b.privacy.called("TerminateOthers") != 1 || len(s.rows) != 1 || !s.none.Visible() || !s.endOthers.Disabled() {
		t.Fatalf("after ending all others: %+v", s.rows)
	}

	u.tap(u.privacyPg.back)
	wantPage(t, u, pageMain)
}

func TestPrivacyPhoneNumberSettings(t *testing.T) {
	u, b := toPrivacy(t)
	e := u.privacyPg.exposure
	if e.see.Selected != "Everybody" || e.find.Selected != "Everybody" {
		t.Fatalf("shown %q %q", e.see.Selected, e.find.Selected)
	}
	u.tap(e.save)
	if b.privacy.called("SetExposure") != 0 || len(e.result.Objects) != 1 {
		t.Fatal("Save with nothing changed asked the server")
	}

	// The self-destruct period changed meanwhile (in its tab, or on another device): Save keeps it.
	b.privacy.exposure.AccountTTLDays = 180
	e.see.SetSelected("Nobody")
	e.find.SetSelected("My contacts")
	u.tap(e.save)
	want := Exposure{PhoneNumber: AudienceNobody, FindByNumber: AudienceContacts, AccountTTLDays: 180}
	if got := b.privacy.exposures; len(got) != 1 || got[0] != want {
		t.Fatalf("SetExposure was asked for %+v, want %+v", got, want)
	}
	if len(e.rows) != 2 || !e.rows[0].rule.Applied || !e.rows[1].rule.Applied {
		t.Fatalf("rows %+v", e.rows)
	}
	if e.see.Selected != "Nobody" || e.find.Selected != "My contacts" {
		t.Fatalf("after Save the panel shows %q %q", e.see.Selected, e.find.Selected)
	}
	if b.privacy.called("CheckUp") != 2 {
		t.Fatal("the check-up was not read again after Save")
	}
}

func TestPrivacySelfDestructPeriod(t *testing.T) {
	u, b := toPrivacy(t)
	p := u.privacyPg.ttl
	if p.ttl.Selected != "1 year" ||
		p.now.Text != "Now: if you do not come online for 1 year, Telegram deletes your account with all its cloud chats and contacts." {
		t.Fatalf("shown %q: %q", p.ttl.Selected, p.now.Text)
	}
	u.tap(p.save)
	if b.privacy.called("SetExposure") != 0 || len(p.result.Objects) != 1 {
		t.Fatal("Save with nothing changed asked the server")
	}

	// A change the server does not keep: said, and the panel shows what the server has.
	b.privacy.refuseTTL = true
	p.ttl.SetSelected("3 months")
	if strings.Contains(p.now.Text, "3 months") {
		t.Fatal("the sentence says the choice before the server has it")
	}
	// The phone number's settings changed meanwhile: only the period is asked for.
	b.privacy.exposure.PhoneNumber = AudienceNobody
	u.tap(p.save)
	want := Exposure{PhoneNumber: AudienceNobody, FindByNumber: AudienceEverybody, AccountTTLDays: 90}
	if got := b.privacy.exposures; len(got) != 1 || got[0] != want {
		t.Fatalf("SetExposure was asked for %+v, want %+v", got, want)
	}
	if p.row == nil || p.row.rule.Applied || !strings.Contains(p.row.status.Text, "Not applied: Reading it back shows 365 days.") {
		t.Fatalf("the refusal is not shown: %+v", p.row)
	}
	if p.ttl.Selected != "1 year" || !strings.Contains(p.now.Text, "for 1 year,") {
		t.Fatalf("after a refused Save the panel shows %q: %q", p.ttl.Selected, p.now.Text)
	}

	// Kept: read back and said.
	b.privacy.refuseTTL = false
	p.ttl.SetSelected("6 months")
	u.tap(p.save)
	if b.privacy.exposure.AccountTTLDays != 180 || p.ttl.Selected != "6 months" || !strings.Contains(p.now.Text, "for 6 months,") ||
		p.row == nil || !p.row.rule.Applied {
		t.Fatalf("after Save: server %d days, shown %q: %q", b.privacy.exposure.AccountTTLDays, p.ttl.Selected, p.now.Text)
	}
	if b.privacy.called("CheckUp") != 3 {
		t.Fatal("the check-up was not read again after each Save")
	}
	if got := ttlSentence(200); !strings.Contains(got, "for 200 days,") {
		t.Fatalf("a period not offered: %q", got)
	}
}
