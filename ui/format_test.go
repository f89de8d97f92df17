package ui

import (
	"testing"
	"time"
)

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
