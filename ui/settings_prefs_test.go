package ui

import (
	"errors"
	"image/color"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
)

// openSettings opens the settings page from the chat list.
func openSettingsPage(t *testing.T, u *harness) {
	t.Helper()
	u.tap(u.main.chats.settings)
	u.settle()
	wantPage(t, u, pageSettings)
}

func TestSettingsNotifications(t *testing.T) {
	u, b := readyUI(t)
	openSettingsPage(t, u)
	p := u.notifyPg
	if p.secret.Selected != "“New message” only" || p.cloud.Selected != "“New message” only" || !p.sound.Checked {
		t.Fatalf("shown: secret %q, cloud %q, sound %v; want the defaults", p.secret.Selected, p.cloud.Selected, p.sound.Checked)
	}
	// Nothing more than "New message" is ever offered for a secret chat.
	if !slices.Equal(p.secret.Options, []string{"Off", "“New message” only"}) {
		t.Fatalf("secret chat choices %q", p.secret.Options)
	}
	if b.prefs.called("SetNotifications") != 0 {
		t.Fatal("showing the choices saved them")
	}

	p.cloud.SetSelected("Who wrote and the start of the text")
	u.settle()
	p.secret.SetSelected("Off")
	u.settle()
	p.sound.SetChecked(false)
	u.settle()
	if got := b.prefs.Preferences(); got.NotifyCloud != NotifyFull || got.NotifySecret != NotifyOff || got.Sound {
		t.Fatalf("kept %+v", got)
	}
	if p.err.Visible() {
		t.Fatalf("error shown: %q", p.err.Text)
	}

	// The sound choice reaches the desktop notification at once.
	sent := make(chan bool, 1)
	u.SetNotifier(func(title, content string, sound bool) error {
		if title != "Tacit" || content != "New message" {
			t.Errorf("notification %q: %q", title, content)
		}
		sent <- sound
		return nil
	})
	u.tap(u.settingsPg.back)
	b.events.emit(MessageEvent{Message: Message{ID: 60, Dialog: "s1", Sender: "Alice", Text: "the plan", Date: time.Now()}})
	u.settle()
	select {
	case sound := <-sent:
		if sound {
			t.Fatal("the notification asked for the sound the user turned off")
		}
	case <-time.After(time.Minute):
		t.Fatal("no notification sent")
	}
}

func TestSettingsSecretChatTimer(t *testing.T) {
	u, b := readyUI(t)
	openSettingsPage(t, u)
	p := u.secretDefaultsPg
	want := []string{"Off", "5 seconds", "30 seconds", "1 minute", "1 hour", "1 day", "1 week"}
	if !slices.Equal(p.ttl.Options, want) || p.ttl.Selected != "Off" {
		t.Fatalf("choices %q, selected %q", p.ttl.Options, p.ttl.Selected)
	}
	p.ttl.SetSelected("1 day")
	u.settle()
	if got := b.prefs.Preferences().SecretTTL; got != 86400 {
		t.Fatalf("kept timer %d, want 86400", got)
	}
	// Shown again as kept.
	u.tap(u.settingsPg.back)
	openSettingsPage(t, u)
	if u.secretDefaultsPg.ttl.Selected != "1 day" {
		t.Fatalf("shown %q after reopening", u.secretDefaultsPg.ttl.Selected)
	}
}

func TestSettingsLinkPreviews(t *testing.T) {
	u, b := readyUI(t)
	openSettingsPage(t, u)
	p := u.chatsPrefsPg
	if p.previews.Checked {
		t.Fatal("link previews on by default")
	}
	p.previews.SetChecked(true)
	u.settle()
	if !b.prefs.Preferences().LinkPreviews {
		t.Fatal("link previews not kept")
	}
}

// background is the colour the window's theme draws behind everything.
func background(u *harness) color.Color {
	s := u.app.Settings()
	return s.Theme().Color(theme.ColorNameBackground, s.ThemeVariant())
}

func TestSettingsThemeAppliesAtOnce(t *testing.T) {
	u, b := readyUI(t)
	openSettingsPage(t, u)
	p := u.appearancePg
	if p.theme.Selected != "As the desktop says" {
		t.Fatalf("selected %q", p.theme.Selected)
	}
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)

	p.theme.SetSelected("Dark")
	if background(u) != dark {
		t.Fatal("the dark theme did not apply at once")
	}
	u.settle()
	if b.prefs.Preferences().Theme != ThemeDark {
		t.Fatal("the dark theme was not kept")
	}
	p.theme.SetSelected("Light")
	if background(u) != light {
		t.Fatal("the light theme did not apply at once")
	}
	u.settle()

	// A choice that cannot be kept is undone, and the section says why.
	b.prefs.fail = &Problem{Message: "Tacit cannot save its settings here.", Err: errors.New("disk full")}
	p.theme.SetSelected("Dark")
	u.settle()
	if p.theme.Selected != "Light" || background(u) != light {
		t.Fatalf("after a failed save: selected %q", p.theme.Selected)
	}
	wantError(t, p.err, "cannot save its settings")
}
