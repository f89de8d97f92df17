// Package assets holds Tacit's embedded images: the application icon and the small
// symbols the user interface draws (a lock for end-to-end encrypted chats, a cloud for
// chats the server can read). It owns bytes only: no behaviour, no protocol, no state.
// The originals live beside this file and are compiled in with go:embed, so a build needs
// no extra tool.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed icon.png
	iconPNG []byte

	//go:embed lock.svg
	lockSVG []byte

	//go:embed cloud.svg
	cloudSVG []byte
)

// Icon returns the application icon as a Fyne resource.
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", clone(iconPNG)) }

// LockIcon returns the single-colour lock symbol shown beside end-to-end encrypted chats.
// Wrap it in theme.NewThemedResource to colour it with the current theme.
func LockIcon() fyne.Resource { return fyne.NewStaticResource("lock.svg", clone(lockSVG)) }

// CloudIcon returns the single-colour cloud symbol shown beside chats the server can read.
// Wrap it in theme.NewThemedResource to colour it with the current theme.
func CloudIcon() fyne.Resource { return fyne.NewStaticResource("cloud.svg", clone(cloudSVG)) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }
