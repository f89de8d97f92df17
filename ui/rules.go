package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Plain rules of the sign-in pages and the chat list. Nothing here needs Fyne, so it is tested directly.

// MinPasswordLength is the shortest 2-step verification password Tacit accepts. The password is what stands
// between a SIM swap and the account, so it must not be trivially short.
const MinPasswordLength = 8

// maxNameLength is Telegram's limit for first and last names, in characters.
const maxNameLength = 64

// NormalizePhone checks a phone number typed by the user and returns it as "+" and digits. Spaces, dashes,
// dots and parentheses are ignored; a leading "00" counts as "+". The number must be in international format
// because the country cannot be guessed.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", &Problem{Field: FieldPhone, Message: "Enter your phone number."}
	}
	var digits strings.Builder
	plus := false
	for i, r := range s {
		switch {
		case r == '+' && i == 0:
			plus = true
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", &Problem{Field: FieldPhone, Message: "A phone number contains only digits, spaces and a leading +."}
		}
	}
	d := digits.String()
	if !plus {
		if !strings.HasPrefix(d, "00") {
			return "", &Problem{Field: FieldPhone, Message: "Enter the number in international format: + and the country code first."}
		}
		d = d[2:]
	}
	if len(d) < 7 || len(d) > 15 || d[0] == '0' {
		return "", &Problem{Field: FieldPhone, Message: "This does not look like a complete phone number with its country code."}
	}
	return "+" + d, nil
}

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

// CheckNewPassword checks a new 2-step verification password against its confirmation and its hint.
func CheckNewPassword(password, confirm, hint string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return &Problem{Field: FieldPassword, Message: plural(MinPasswordLength, "", "Use at least %d characters.")}
	}
	if strings.TrimSpace(password) == "" {
		return &Problem{Field: FieldPassword, Message: "The password cannot be only spaces."}
	}
	if password != confirm {
		return &Problem{Field: FieldPassword, Message: "The two passwords are not the same."}
	}
	if h := strings.ToLower(hint); h != "" && strings.Contains(h, strings.ToLower(password)) {
		return &Problem{Field: FieldNone, Message: "The hint must not contain the password: anyone can see the hint."}
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

// deliveryPhrase turns how a code was sent into the end of the sentence "A login code was sent …".
func deliveryPhrase(via string) string {
	switch strings.ToLower(strings.TrimSpace(via)) {
	case "":
		return ""
	case "app":
		return "to Telegram on your other devices"
	case "sms":
		return "by SMS"
	case "call":
		return "by a phone call"
	case "email":
		return "to your email address"
	case "other":
		return ""
	default:
		return via
	}
}

// page is what the window shows.
type page int

const (
	pageStarting page = iota // asking the Backend where the session stands
	pagePhone
	pageQR // reachable from the phone page; no Step maps to it
	pageCode
	pageSignUpWarning
	pageSignUpName // reachable only from the acknowledged warning; no Step maps to it
	pagePassword
	pageSetPassword
	pageConfirmEmail
	pageMain

	// The pages before sign-in when the UI holds a Vault (NewWithVault).
	pageVaultStarting      // asking the Vault where the key custody stands
	pageKeySetup           // first run: keyring or passphrase
	pageRecoveryKey        // the recovery key, shown once after the key is created
	pageUnlock             // a passphrase profile: ask for the passphrase
	pageRecover            // recovery key and a new passphrase
	pageKeyringUnavailable // the keyring holds the key but does not answer
	pageOpening            // the Vault opens the database and connects
)

// pageFor maps a login step to the page that handles it. StepSignUpRequired always leads to the warning,
// never straight to the name form; the name form is reachable only from the acknowledged warning.
func pageFor(s Step) page {
	switch s {
	case StepCode:
		return pageCode
	case StepSignUpRequired:
		return pageSignUpWarning
	case StepPassword:
		return pagePassword
	case StepSetPassword:
		return pageSetPassword
	case StepConfirmEmail:
		return pageConfirmEmail
	case StepReady:
		return pageMain
	default:
		return pagePhone
	}
}

// Labels that say who can read a chat. Every row and every conversation header carries one.
const (
	labelEndToEnd = "end-to-end encrypted"
	labelCloud    = "cloud: Telegram can read this"
)

// privacyLabel returns the label saying who can read a dialog of kind k.
func privacyLabel(k DialogKind) string {
	if k.EndToEnd() {
		return labelEndToEnd
	}
	return labelCloud
}

// previewLine returns the first line of text, shortened to at most max characters with an ellipsis.
func previewLine(text string, max int) string {
	text = strings.TrimSpace(text)
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		text = strings.TrimSpace(text[:i]) + " …"
	}
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// shortTime formats a message date for the chat list relative to now: the time today, the day this year,
// the full date otherwise.
func shortTime(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case y1 == y2:
		return t.Format("Jan 2")
	default:
		return t.Format("2006-01-02")
	}
}

// plural formats n into one or other, chosen by n.
func plural(n int, one, other string) string {
	if n == 1 && one != "" {
		return fmt.Sprintf(one, n)
	}
	return fmt.Sprintf(other, n)
}
