package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

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
		pw, confirm string
		ok          bool
	}{
		{"correct horse", "correct horse", true},
		{"short", "short", false},
		{"        ", "        ", false},
		{"correct horse", "correct hors", false},
		{"пароль-пароль", "пароль-пароль", true}, // counted in characters, not bytes
		{"пароль", "пароль", false},
	} {
		err := CheckNewPassword(tc.pw, tc.confirm, 8)
		if (err == nil) != tc.ok {
			t.Errorf("CheckNewPassword(%q, %q) = %v, want ok=%v", tc.pw, tc.confirm, err, tc.ok)
			continue
		}
		if err != nil && fieldOf(err) != FieldPassword {
			t.Errorf("CheckNewPassword(%q, %q) field %v", tc.pw, tc.confirm, fieldOf(err))
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

func fieldOf(err error) Field {
	_, f := explain(err)
	return f
}
