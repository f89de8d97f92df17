package mtproto

import (
	"net/url"
	"strings"
)

// maxLinkLength bounds what ParseLink looks at: a pasted link longer than this is not a person's link.
const maxLinkLength = 2048

// ParseLink reads what the user pasted or typed to name a person: "@name", a public link ("t.me/name",
// "https://t.me/name", "telegram.me/name", "telegram.dog/name", with or without "www." and a query such as
// "?start=x") or an app link ("tg://resolve?domain=name"). It returns the username, checked with
// NormalizeUsername, and ok. Anything else (a plain word, an invite or proxy link, a phone link, a group
// message link, text around the link) is not a person's link: ok is false. It never panics on any input.
func ParseLink(s string) (username string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxLinkLength {
		return "", false
	}
	if strings.HasPrefix(s, "@") {
		name, err := NormalizeUsername(s)
		return name, err == nil
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return "", false
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "tg:") {
		return parseAppLink(s)
	}
	if !strings.Contains(lower, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.Port() != "" {
		return "", false
	}
	switch strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") {
	case "t.me", "telegram.me", "telegram.dog":
	default:
		return "", false
	}
	path := strings.Trim(u.EscapedPath(), "/")
	if strings.Contains(path, "/") || strings.HasPrefix(path, "+") || strings.HasPrefix(path, "%") {
		return "", false // a message link, an invite or a phone link
	}
	if u.Query().Has("domain") && path == "" {
		return "", false
	}
	name, err := NormalizeUsername(path)
	if err != nil || isReservedPath(name) {
		return "", false
	}
	return name, true
}

// parseAppLink reads tg://resolve?domain=name.
func parseAppLink(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, "tg") {
		return "", false
	}
	host := u.Host
	if host == "" { // tg:resolve?domain=name
		host = u.Opaque
	}
	if !strings.EqualFold(host, "resolve") {
		return "", false
	}
	q := u.Query()
	if q.Has("phone") {
		return "", false
	}
	name, err := NormalizeUsername(q.Get("domain"))
	if err != nil || strings.HasPrefix(q.Get("domain"), "@") {
		return "", false
	}
	return name, true
}

// isReservedPath reports whether a t.me path names a page of Telegram's rather than a person.
func isReservedPath(name string) bool {
	switch strings.ToLower(name) {
	case "joinchat", "addstickers", "addemoji", "addtheme", "socks", "proxy", "share", "setlanguage",
		"confirmphone", "login", "invoice", "bg", "iv", "contact", "boost", "addlist", "giftcode":
		return true
	}
	return false
}
