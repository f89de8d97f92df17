package app

import (
	"strings"
	"testing"

	"tacit/mtproto/secret"
)

func TestSecretServiceTexts(t *testing.T) {
	for _, tc := range []struct {
		m    secret.Message
		who  string
		want string
	}{
		{secret.Message{Kind: secret.KindService, Action: secret.ActionScreenshot}, "Alice", "Alice took a screenshot of the chat."},
		{secret.Message{Kind: secret.KindService, Action: secret.ActionSetTTL, ServiceTTL: 30}, "You", "You set messages to disappear 30 seconds after they are read."},
		{secret.Message{Kind: secret.KindService, Action: secret.ActionSetTTL}, "Alice", "Alice turned off disappearing messages."},
		{secret.Message{Kind: secret.KindText, Text: "hello"}, "Alice", "hello"},
	} {
		if got := secretText(tc.m, tc.who); got != tc.want {
			t.Errorf("secretText(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestClosedWordsSayWhy(t *testing.T) {
	for _, tc := range []struct {
		info secret.ChatInfo
		want string
	}{
		{secret.ChatInfo{Closed: secret.ClosedByPeer}, "Alice ended"},
		{secret.ChatInfo{Closed: secret.ClosedByUser}, "You ended"},
		{secret.ChatInfo{Closed: secret.ClosedDeclinedByPeer}, "Alice did not accept"},
		{secret.ChatInfo{Closed: secret.ClosedDeclinedByUser}, "You declined"},
		{secret.ChatInfo{Closed: secret.ClosedLoggedOut}, "logged out"},
		{secret.ChatInfo{Closed: secret.ClosedByProtocol, Violation: secret.ViolationFingerprint}, "interfered"},
		{secret.ChatInfo{Closed: secret.ClosedByProtocol, Violation: secret.ViolationSequence}, "replayed"},
		{secret.ChatInfo{}, "was closed"},
	} {
		got := closedWords(tc.info, "Alice")
		if !strings.Contains(got, tc.want) {
			t.Errorf("closedWords(%v, %v) = %q, want %q", tc.info.Closed, tc.info.Violation, got, tc.want)
		}
		// A security close is plainly not the other side's doing, and says what to do.
		if tc.info.Closed == secret.ClosedByProtocol && (strings.Contains(got, "Alice ended") || !strings.Contains(got, "Start a new secret chat")) {
			t.Errorf("security close reads %q", got)
		}
	}
	for v := secret.ViolationNone; v <= secret.ViolationOther; v++ {
		if violationWords[v] == "" {
			t.Errorf("violation %v has no words", v)
		}
	}
}
