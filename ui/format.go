package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Words and formats the pages share: delivery phrases, who can read a chat, previews, dates, plurals.

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

// Labels that say who can read a chat. Every row and every conversation header carries one.
const (
	labelEndToEnd = "end-to-end encrypted"
	labelCloud    = "cloud: Telegram can read this"
	labelEnded    = "secret chat ended: read only"
)

// privacyLabel returns the label saying who can read a dialog of kind k.
func privacyLabel(k DialogKind) string {
	if k.EndToEnd() {
		return labelEndToEnd
	}
	return labelCloud
}

// dialogPrivacy is the label of d and whether d is end-to-end encrypted now: a secret chat that ended is
// not any more (its keys are gone), so it carries neither the lock nor the words.
func dialogPrivacy(d DialogSummary) (string, bool) {
	if d.Kind == KindSecret && d.Closed {
		return labelEnded, false
	}
	return privacyLabel(d.Kind), d.Kind.EndToEnd()
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
		if !strings.Contains(one, "%") {
			return one // "One setting", not "1 setting"
		}
		return fmt.Sprintf(one, n)
	}
	return fmt.Sprintf(other, n)
}

// logOutWarning says what logging out deletes, for an account with secretChats secret chats here.
func logOutWarning(secretChats int) string {
	secret := "Secret chats end for both sides"
	if secretChats > 0 {
		secret = plural(secretChats, "Your secret chat ends for both sides", "Your %d secret chats end for both sides")
	}
	return secret + ": their messages, files and keys are deleted from this computer and, where Telegram " +
		"can be reached, from the other person's device too. Cached cloud chats, pictures and files, the " +
		"keys you marked as compared and this computer's session are deleted as well.\n\n" +
		"Your cloud chats, groups and channels stay on Telegram's servers: sign in again to see them. " +
		"Copies the other person made, and what Telegram's servers know about your account, cannot be " +
		"deleted from here."
}

// DurationWords says a self-destruct timer in words: "30 seconds", "1 minute", "1 day". The application
// uses it too, for the notices a timer change leaves in a chat.
func DurationWords(seconds int) string {
	units := []struct {
		size int
		name string
	}{{7 * 86400, "week"}, {86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}}
	for _, u := range units {
		if seconds >= u.size && seconds%u.size == 0 {
			n := seconds / u.size
			if n == 1 {
				return "1 " + u.name
			}
			return fmt.Sprintf("%d %ss", n, u.name)
		}
	}
	return fmt.Sprintf("%d seconds", seconds)
}

// dayLabel names the day of a date line: "Today", "Yesterday", the weekday within the last week, the
// date this year, or the full date.
func dayLabel(day, now time.Time) string {
	today := localDay(now)
	switch days := int(today.Sub(day).Hours()/24 + 0.5); {
	case days == 0:
		return "Today"
	case days == 1:
		return "Yesterday"
	case days > 1 && days < 7:
		return day.Format("Monday")
	case day.Year() == today.Year():
		return day.Format("January 2")
	default:
		return day.Format("January 2, 2006")
	}
}

// footerText is the small line at the bottom of a bubble: the countdown of a self-destructing message,
// "edited", and the time.
func footerText(m Message, now time.Time) string {
	var parts []string
	switch {
	case !m.ExpiresAt.IsZero():
		parts = append(parts, countdown(m.ExpiresAt.Sub(now)))
	case m.TTL > 0:
		parts = append(parts, DurationWords(m.TTL))
	}
	if m.Edited {
		parts = append(parts, "edited")
	}
	if !m.Date.IsZero() {
		parts = append(parts, m.Date.Local().Format("15:04"))
	}
	return strings.Join(parts, " · ")
}

// countdown says how long is left: "0:42", "12:05", "1:02:03", "3 days".
func countdown(d time.Duration) string {
	s := int(max(0, d.Round(time.Second)/time.Second))
	switch {
	case s >= 2*86400:
		return fmt.Sprintf("%d days", s/86400)
	case s >= 3600:
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	default:
		return fmt.Sprintf("%d:%02d", s/60, s%60)
	}
}

// fileSize says a size in bytes the way people read it: "512 B", "14 KB", "3.2 MB", "1.4 GB".
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
}
