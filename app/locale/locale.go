// Package locale gives Fyne a locale it can read, before Fyne reads it.
//
// Under the C or POSIX locale with an encoding (LANG=C.UTF-8, as minimal systems and containers set it)
// Fyne's lang package, while it initialises, takes "C" for a language tag and prints "Error parsing user
// locale C" at every start. This package's init sets LANGUAGE=en for such a locale when LANGUAGE is unset,
// which Fyne reads instead: Tacit speaks English, quietly. Nothing else changes: LANG and LC_* stay as
// they are for the C libraries and the programs Tacit starts (and gettext ignores LANGUAGE under the C
// locale).
//
// It must be initialised before fyne.io/fyne/v2/lang. Go initialises, at each step, the first package by
// import path whose imports are all initialised; this one imports only os and strings, so it is ready long
// before text/template, which lang imports and which sorts after "tacit/": it always comes first. The
// test in package app checks this on a binary that links Fyne.
package locale

import (
	"os"
	"strings"
)

func init() { Fallback() }

// Fallback sets LANGUAGE=en when the locale that names the language of messages (LC_ALL, LC_MESSAGES,
// LANG: the first set) is C or POSIX and LANGUAGE is unset; it reports whether it did.
func Fallback() bool {
	if os.Getenv("LANGUAGE") != "" || !cLocale(messagesLocale()) {
		return false
	}
	return os.Setenv("LANGUAGE", "en") == nil
}

// messagesLocale is the locale of messages, as gettext (and Fyne) choose it.
func messagesLocale() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// cLocale reports whether loc is the C or POSIX locale, with or without an encoding or modifier
// ("C", "C.UTF-8", "POSIX.utf8", "C@euro").
func cLocale(loc string) bool {
	base, _, _ := strings.Cut(loc, ".")
	base, _, _ = strings.Cut(base, "@")
	return base == "C" || base == "POSIX"
}
