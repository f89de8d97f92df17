package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"+44 7700 900123", "+447700900123", true},
		{"+1 (555) 010-9999", "+15550109999", true},
		{"0044 7700.900123", "+447700900123", true},
		{"  +999661234  ", "+999661234", true},
		{"+49\u00a0151 2345678", "+491512345678", true},
		{"", "", false},
		{"07700 900123", "", false},      // national format: the country is unknown
		{"+44 7700 9001x3", "", false},   // letters
		{"4+4", "", false},               // plus not in front
		{"+12345", "", false},            // too short
		{"+1234567890123456", "", false}, // 16 digits: longer than E.164 allows
		{"+0447700900123", "", false},    // no country code starts with 0
	} {
		got, err := NormalizePhone(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil {
			if msg, field := explain(err); field != FieldPhone || msg == genericFailure {
				t.Errorf("NormalizePhone(%q) error %q is not a phone field message", tc.in, msg)
			}
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, tc := range []struct {
		in     string
		length int
		want   string
		ok     bool
	}{
		{"12345", 5, "12345", true},
		{" 12 345 ", 5, "12345", true},
		{"123-45", 0, "12345", true},
		{"1234", 5, "", false},
		{"123456", 5, "", false},
		{"12a45", 5, "", false},
		{"", 0, "", false},
		{"123", 0, "", false},
		{"123456", 0, "123456", true},
	} {
		got, err := NormalizeCode(tc.in, tc.length)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizeCode(%q, %d) = %q, %v; want %q, ok=%v", tc.in, tc.length, got, err, tc.want, tc.ok)
		}
	}
	if _, err := NormalizeCode("1234", 5); err == nil || !strings.Contains(err.Error(), "5 digits") {
		t.Errorf("length error %v does not name the length", err)
	}
}

func TestCheckName(t *testing.T) {
	if f, l, err := CheckName("  Ada ", " "); err != nil || f != "Ada" || l != "" {
		t.Errorf("CheckName trims: got %q %q %v", f, l, err)
	}
	if _, _, err := CheckName(" ", "Lovelace"); fieldOf(err) != FieldFirstName {
		t.Errorf("empty first name: %v", err)
	}
	long := strings.Repeat("é", maxNameLength+1)
	if _, _, err := CheckName(long, ""); fieldOf(err) != FieldFirstName {
		t.Errorf("long first name: %v", err)
	}
	if _, _, err := CheckName("Ada", long); fieldOf(err) != FieldLastName {
		t.Errorf("long last name: %v", err)
	}
	if _, _, err := CheckName(strings.Repeat("é", maxNameLength), ""); err != nil {
		t.Errorf("name of exactly %d characters refused: %v", maxNameLength, err)
	}
}

func TestCheckNewPassword(t *testing.T) {
	for _, tc := range []struct {
		pw, confirm, hint string
		field             Field
		ok                bool
	}{
		{"correct horse", "correct horse", "stable", 0, true},
		{"correct horse", "correct horse", "", 0, true},
		{"short", "short", "", FieldPassword, false},
		{"        ", "        ", "", FieldPassword, false},
		{"correct horse", "correct hors", "", FieldPassword, false},
		{"correct horse", "correct horse", "it is Correct Horse!", FieldNone, false},
		{"пароль-пароль", "пароль-пароль", "", 0, true}, // counted in characters, not bytes
		{"пароль", "пароль", "", FieldPassword, false},
	} {
		err := CheckNewPassword(tc.pw, tc.confirm, tc.hint)
		if (err == nil) != tc.ok {
			t.Errorf("CheckNewPassword(%q, %q, %q) = %v, want ok=%v", tc.pw, tc.confirm, tc.hint, err, tc.ok)
			continue
		}
		if err != nil && fieldOf(err) != tc.field {
			t.Errorf("CheckNewPassword(%q, %q, %q) field %v, want %v", tc.pw, tc.confirm, tc.hint, fieldOf(err), tc.field)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	for in, ok := range map[string]bool{
		"":                  true,
		"  ":                true,
		"ada@example.org":   true,
		" ada@example.org ": true,
		"ada@example":       false,
		"@example.org":      false,
		"ada@":              false,
		"ada example.org":   false,
		"ada@.org":          false,
		"ada@example.org.":  false,
		"a b@example.org":   false,
	} {
		got, err := CheckEmail(in)
		if (err == nil) != ok {
			t.Errorf("CheckEmail(%q) = %q, %v; want ok=%v", in, got, err, ok)
		}
		if err == nil && got != strings.TrimSpace(in) {
			t.Errorf("CheckEmail(%q) = %q", in, got)
		}
		if err != nil && fieldOf(err) != FieldEmail {
			t.Errorf("CheckEmail(%q) field %v", in, fieldOf(err))
		}
	}
}

func TestPageFor(t *testing.T) {
	want := map[Step]page{
		StepPhone:          pagePhone,
		StepCode:           pageCode,
		StepSignUpRequired: pageSignUpWarning, // never straight to the name form
		StepPassword:       pagePassword,
		StepSetPassword:    pageSetPassword,
		StepConfirmEmail:   pageConfirmEmail,
		StepReady:          pageMain,
		Step(-1):           pagePhone,
		Step(99):           pagePhone,
	}
	for s, p := range want {
		if got := pageFor(s); got != p {
			t.Errorf("pageFor(%v) = %v, want %v", s, got, p)
		}
	}
	for s := StepPhone; s <= StepReady; s++ {
		if s != StepReady && pageFor(s) == pageMain {
			t.Errorf("step %v opens the main window", s)
		}
		if pageFor(s) == pageSignUpName {
			t.Errorf("step %v skips the registration warning", s)
		}
	}
	if Step(42).String() != "unknown step" || StepSetPassword.String() != "set password" {
		t.Error("Step.String")
	}
}

func TestPrivacyLabel(t *testing.T) {
	if got := privacyLabel(KindSecret); got != "end-to-end encrypted" {
		t.Errorf("secret: %q", got)
	}
	for _, k := range []DialogKind{KindUser, KindGroup, KindChannel} {
		if got := privacyLabel(k); got != "cloud: Telegram can read this" {
			t.Errorf("kind %d: %q", k, got)
		}
		if k.EndToEnd() {
			t.Errorf("kind %d claims end-to-end encryption", k)
		}
	}
}

func TestPreviewLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 10, "hello"},
		{"  hello  ", 10, "hello"},
		{"first line\nsecond", 40, "first line …"},
		{"abcdefghij", 5, "abcd…"},
		{"ééééééé", 4, "ééé…"},
		{"", 5, ""},
	} {
		if got := previewLine(tc.in, tc.max); got != tc.want {
			t.Errorf("previewLine(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestShortTime(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 11, 27, 9, 5, 0, 0, time.UTC), "09:05"},
		{time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC), "Mar 2"},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), "2025-12-31"},
	} {
		if got := shortTime(tc.t, now); got != tc.want {
			t.Errorf("shortTime(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestExplain(t *testing.T) {
	raw := errors.New("rpc error code 400: PHONE_CODE_INVALID")
	if msg, _ := explain(raw); msg != genericFailure {
		t.Errorf("raw error shown as %q", msg)
	}
	p := &Problem{Field: FieldCode, Message: "The code is wrong.", Err: raw}
	msg, field := explain(fmt.Errorf("login: %w", p))
	if msg != "The code is wrong." || field != FieldCode {
		t.Errorf("wrapped Problem explained as %q, %v", msg, field)
	}
	if !errors.Is(p, raw) || !strings.Contains(p.Error(), "PHONE_CODE_INVALID") {
		t.Error("Problem hides its cause from errors.Is or logs")
	}
	if msg, _ := explain(fmt.Errorf("send: %w", context.Canceled)); msg != "" {
		t.Errorf("cancellation shown as %q", msg)
	}
	if msg, _ := explain(context.DeadlineExceeded); msg == genericFailure || msg == "" {
		t.Errorf("timeout shown as %q", msg)
	}
	if msg, _ := explain(nil); msg != "" {
		t.Errorf("nil error shown as %q", msg)
	}
}

// fieldOf returns the field a validation error is about.
func fieldOf(err error) Field {
	_, f := explain(err)
	return f
}

func TestDeliveryPhrase(t *testing.T) {
	for in, want := range map[string]string{
		"app": "to Telegram on your other devices", "SMS": "by SMS", "call": "by a phone call",
		"email": "to your email address", "other": "", "": "", "by carrier pigeon": "by carrier pigeon",
	} {
		if got := deliveryPhrase(in); got != want {
			t.Errorf("deliveryPhrase(%q) = %q, want %q", in, got, want)
		}
	}
}
