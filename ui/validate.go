package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Checks of what the user types on the sign-in pages that belong to the window (the engine's rules come
// through Rules). Nothing here needs Fyne, so it is tested directly.

// maxNameLength is Telegram's limit for first and last names, in characters.
const maxNameLength = 64

// NormalizeCode checks a login or email confirmation code and returns its digits. Spaces and dashes are
// ignored. length is the expected number of digits, or 0 if unknown.
func NormalizeCode(s string, length int) (string, error) {
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case unicode.IsSpace(r) || r == '-':
		default:
			return "", &Problem{Field: FieldCode, Message: "The code consists of digits only."}
		}
	}
	d := digits.String()
	switch {
	case d == "":
		return "", &Problem{Field: FieldCode, Message: "Enter the code."}
	case length > 0 && len(d) != length:
		return "", &Problem{Field: FieldCode, Message: plural(length, "The code has %d digit.", "The code has %d digits.")}
	case length == 0 && (len(d) < 4 || len(d) > 10):
		return "", &Problem{Field: FieldCode, Message: "This does not look like a complete code."}
	}
	return d, nil
}

// CheckName checks the name a new account is registered with and returns it trimmed. The first name is
// required; the last name is optional.
func CheckName(first, last string) (string, string, error) {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" {
		return "", "", &Problem{Field: FieldFirstName, Message: "Enter a first name. It does not have to be your real one."}
	}
	if utf8.RuneCountInString(first) > maxNameLength {
		return "", "", &Problem{Field: FieldFirstName, Message: plural(maxNameLength, "", "The first name can have at most %d characters.")}
	}
	if utf8.RuneCountInString(last) > maxNameLength {
		return "", "", &Problem{Field: FieldLastName, Message: plural(maxNameLength, "", "The last name can have at most %d characters.")}
	}
	return first, last, nil
}

// CheckNewPassword checks a new 2-step verification password against its confirmation and the engine's
// minimum length (Rules.MinPasswordLength). What else makes a password unacceptable (a hint that gives it
// away) the engine says when the password is set.
func CheckNewPassword(password, confirm string, minLength int) error {
	if utf8.RuneCountInString(password) < minLength {
		return &Problem{Field: FieldPassword, Message: plural(minLength, "", "Use at least %d characters.")}
	}
	if strings.TrimSpace(password) == "" {
		return &Problem{Field: FieldPassword, Message: "The password cannot be only spaces."}
	}
	if password != confirm {
		return &Problem{Field: FieldPassword, Message: "The two passwords are not the same."}
	}
	return nil
}

// CheckEmail checks an optional recovery email address and returns it trimmed ("" if none was given).
func CheckEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	at := strings.LastIndexByte(s, '@')
	bad := &Problem{Field: FieldEmail, Message: "This is not an email address. Leave the field empty to skip it."}
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n") {
		return "", bad
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", bad
	}
	return s, nil
}
