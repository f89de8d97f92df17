package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"

	"tacit/mtproto/sandbox"
	"tacit/settings"
	"tacit/ui"
)

// recordCalls records every RPC call the sandbox receives, for the tests that check what the client asks.
type recordedCalls struct {
	mu    sync.Mutex
	calls []sandbox.Call
}

func recordCalls(srv *sandbox.Server) *recordedCalls {
	r := &recordedCalls{}
	srv.Intercept(sandbox.Interceptor{Call: func(ctx context.Context, c *sandbox.Call, next sandbox.CallFunc) (bin.Encoder, error) {
		r.mu.Lock()
		r.calls = append(r.calls, *c)
		r.mu.Unlock()
		return next(ctx, c)
	}})
	return r
}

// of returns the calls of the method typeID so far.
func (r *recordedCalls) of(typeID uint32) []sandbox.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sandbox.Call
	for _, c := range r.calls {
		if c.TypeID == typeID {
			out = append(out, c)
		}
	}
	return out
}

// containing returns the calls whose bytes hold b.
func (r *recordedCalls) containing(b []byte) []sandbox.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sandbox.Call
	for _, c := range r.calls {
		if bytes.Contains(c.Body, b) {
			out = append(out, c)
		}
	}
	return out
}

// waitMessage waits for the message event of dialog for which match is true.
func (w *window) waitMessage(ctx context.Context, dialog ui.DialogID, what string, match func(ui.Message) bool) ui.Message {
	w.t.Helper()
	for {
		msgs, err := w.svc.Messages.History(ctx, dialog, ui.Page{Limit: 50})
		if err == nil {
			for _, m := range msgs {
				if match(m) {
					return m
				}
			}
		}
		select {
		case <-w.events:
		case <-ctx.Done():
			w.t.Fatalf("no %s in %s: %+v %v", what, dialog, msgs, err)
		}
	}
}

// TestNewSecretChatsGetTheDefaultTimer: with a default timer chosen, a secret chat the user accepts and one
// the user starts both get it, for both people, as soon as they are ready; chats that exist keep theirs.
func TestNewSecretChatsGetTheDefaultTimer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	w := openWindow(t, ctx, demoSandbox(t, ctx), nil)
	if err := w.svc.Preferences.SetSecretTTL(ctx, 3600); err != nil {
		t.Fatal(err)
	}
	w.signUp(ctx, "+44 7700 900320", "Dana")

	// Alice asks for a secret chat; the user accepts it.
	request := w.waitDialog(ctx, "request from Alice", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindSecret && d.Title == "Alice"
	})
	w.ready(ctx, request.ID)
	notice := "You set messages to disappear 1 hour after they are read."
	w.waitMessage(ctx, request.ID, "timer notice", func(m ui.Message) bool { return m.Service && m.Text == notice })
	if info, err := w.svc.Secret.SecretChat(ctx, request.ID); err != nil || info.TTL != 3600 {
		t.Fatalf("accepted chat: %+v %v, want the 1 hour timer", info, err)
	}

	// The user starts one with Bob, after changing the default: the new one applies.
	if err := w.svc.Preferences.SetSecretTTL(ctx, 30); err != nil {
		t.Fatal(err)
	}
	bob := w.waitDialog(ctx, "Bob's cloud chat", func(d ui.DialogSummary) bool { return d.Kind == ui.KindUser && d.Title == "Bob" })
	bobSecret := w.waitDialog(ctx, "request from Bob", func(d ui.DialogSummary) bool { return d.Kind == ui.KindSecret && d.Title == "Bob" })
	if err := w.svc.Secret.DeclineSecretChat(ctx, bobSecret.ID); err != nil {
		t.Fatal(err)
	}
	started, err := w.svc.Secret.StartSecretChat(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.ready(ctx, started)
	w.waitMessage(ctx, started, "timer notice", func(m ui.Message) bool {
		return m.Service && m.Text == "You set messages to disappear 30 seconds after they are read."
	})
	if info, err := w.svc.Secret.SecretChat(ctx, started); err != nil || info.TTL != 30 {
		t.Fatalf("started chat: %+v %v, want the 30 seconds timer", info, err)
	}
	// Alice's chat kept its timer.
	if info, _ := w.svc.Secret.SecretChat(ctx, request.ID); info.TTL != 3600 {
		t.Fatalf("the existing chat's timer changed to %d", info.TTL)
	}
}

// TestSecretChatsNeverAskForLinkPreviews: a link sent in a secret chat, even with link previews allowed
// for cloud chats, never reaches the server in a request for a preview (messages.getWebPagePreview) nor in
// the clear in any request.
func TestSecretChatsNeverAskForLinkPreviews(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := demoSandbox(t, ctx)
	calls := recordCalls(srv)
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900321", "Eli")
	if err := w.svc.Preferences.SetLinkPreviews(ctx, true); err != nil {
		t.Fatal(err)
	}
	request := w.waitDialog(ctx, "request from Alice", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindSecret && d.Title == "Alice"
	})
	w.ready(ctx, request.ID)
	const link = "https://example.org/a-secret-place?id=42"
	sent, err := w.svc.Messages.SendText(ctx, request.ID, "look at "+link, ui.SendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.waitMessage(ctx, request.ID, "the message sent", func(m ui.Message) bool {
		return m.ID == sent.ID && m.Status >= ui.StatusSent
	})
	if n := len(calls.of(tg.MessagesGetWebPagePreviewRequestTypeID)); n != 0 {
		t.Fatalf("messages.getWebPagePreview called %d times", n)
	}
	if n := len(calls.of(tg.MessagesGetWebPageRequestTypeID)); n != 0 {
		t.Fatalf("messages.getWebPage called %d times", n)
	}
	if got := calls.containing([]byte("example.org")); len(got) != 0 {
		t.Fatalf("the link reached the server in the clear, in a call %#x", got[0].TypeID)
	}
	if len(calls.of(tg.MessagesSendEncryptedRequestTypeID)) == 0 {
		t.Fatal("the message was not sent encrypted")
	}
}

// TestCloudSendsWithoutLinkPreviewsByDefault: a cloud message goes with no_webpage unless the user allowed
// link previews, from the next message on, and the choice is kept in the profile's file.
func TestCloudSendsWithoutLinkPreviewsByDefault(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := demoSandbox(t, ctx)
	calls := recordCalls(srv)
	w := openWindow(t, ctx, srv, nil)
	path := filepath.Join(t.TempDir(), settings.PreferencesFileName)
	w.b.usePrefs(newPrefStore(path, settings.Default()))
	w.signUp(ctx, "+44 7700 900322", "Fay")
	alice := w.waitDialog(ctx, "Alice's cloud chat", func(d ui.DialogSummary) bool { return d.Kind == ui.KindUser && d.Title == "Alice" })

	noWebpage := func() []bool {
		var out []bool
		for _, c := range calls.of(tg.MessagesSendMessageRequestTypeID) {
			var req tg.MessagesSendMessageRequest
			if err := req.Decode(&bin.Buffer{Buf: c.Body}); err != nil {
				t.Fatal(err)
			}
			if c.UserID == w.b.client.Self().ID {
				out = append(out, req.NoWebpage)
			}
		}
		return out
	}
	send := func(text string) {
		t.Helper()
		if _, err := w.svc.Messages.SendText(ctx, alice.ID, text, ui.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	send("see https://example.org/1")
	if err := w.svc.Preferences.SetLinkPreviews(ctx, true); err != nil {
		t.Fatal(err)
	}
	send("see https://example.org/2")
	if err := w.svc.Preferences.SetLinkPreviews(ctx, false); err != nil {
		t.Fatal(err)
	}
	send("see https://example.org/3")
	if got := noWebpage(); len(got) != 3 || !got[0] || got[1] || !got[2] {
		t.Fatalf("no_webpage of the three messages: %v, want [true false true]", got)
	}
	kept, err := settings.LoadPreferences(path)
	if err != nil || kept.LinkPreviewsCloud {
		t.Fatalf("kept %+v %v", kept, err)
	}
}

// TestPreferencesKeptAndRefused: each change is saved to the profile's file and applies at once (the
// notifications role answers with it); what the preferences cannot hold is refused with a sentence and
// leaves file and choices as they were.
func TestPreferencesKeptAndRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := openWindow(t, ctx, demoSandbox(t, ctx), nil)
	path := filepath.Join(t.TempDir(), "profile", settings.PreferencesFileName)
	start := settings.Default()
	start.APIID, start.APIHash = 7, "0123456789abcdef0123456789abcdef"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := settings.SavePreferences(path, start); err != nil {
		t.Fatal(err)
	}
	w.b.usePrefs(newPrefStore(path, start))
	p := w.svc.Preferences

	if err := p.SetNotifications(ctx, ui.NotifyOff, ui.NotifySender, false); err != nil {
		t.Fatal(err)
	}
	if err := p.SetTheme(ctx, ui.ThemeDark); err != nil {
		t.Fatal(err)
	}
	if err := p.SetSecretTTL(ctx, 604800); err != nil {
		t.Fatal(err)
	}
	if got := w.svc.Notifications.Content(ui.KindGroup); got != ui.NotifySender {
		t.Fatalf("a group's notification shows %v after the change", got)
	}
	if got := w.svc.Notifications.Content(ui.KindSecret); got != ui.NotifyOff {
		t.Fatalf("a secret chat's notification is %v after the change", got)
	}
	want := ui.Prefs{NotifySecret: ui.NotifyOff, NotifyCloud: ui.NotifySender, SecretTTL: 604800, Theme: ui.ThemeDark}
	if got := p.Preferences(); got != want {
		t.Fatalf("preferences %+v, want %+v", got, want)
	}
	kept, err := settings.LoadPreferences(path)
	if err != nil {
		t.Fatal(err)
	}
	if kept.APIID != 7 || kept.NotifySecret != settings.NotifyOff || kept.NotifyCloud != settings.NotifySender ||
		kept.NotifySound || kept.Theme != settings.ThemeDark || kept.SecretTTL != 604800 {
		t.Fatalf("the file holds %+v", kept)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	for name, err := range map[string]error{
		"secret notification with text": p.SetNotifications(ctx, ui.NotifyFull, ui.NotifyHidden, true),
		"secret notification with name": p.SetNotifications(ctx, ui.NotifySender, ui.NotifyHidden, true),
		"timer not offered":             p.SetSecretTTL(ctx, 42),
		"unknown theme":                 p.SetTheme(ctx, ui.ThemeChoice(9)),
		"unknown notification":          p.SetNotifications(ctx, ui.NotifyHidden, ui.NotifyContent(9), true),
	} {
		var problem *ui.Problem
		if !errors.As(err, &problem) || !strings.Contains(problem.Message, "Choose one of those offered") {
			t.Errorf("%s: %v, want a Problem that says what to do", name, err)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatalf("a refused change reached the file:\n%s", after)
	}
	if got := p.Preferences(); got != want {
		t.Fatalf("a refused change applied: %+v", got)
	}
}

// The locale tests run this test binary again with the C locale: it links Fyne, whose lang package reads
// the locale while it initialises.
const localeChildEnv = "TACIT_LOCALE_CHILD"

// TestLocaleChild prints the locale Fyne settled on; it runs only as a child of TestCLocaleIsQuiet.
func TestLocaleChild(t *testing.T) {
	if os.Getenv(localeChildEnv) == "" {
		t.Skip("runs as a child of TestCLocaleIsQuiet")
	}
	os.Stdout.WriteString("LOCALE " + lang.SystemLocale().String() + "\n")
}

// TestCLocaleIsQuiet: under the C or POSIX locale, with or without an encoding, Fyne prints nothing about
// the locale and Tacit speaks English.
func TestCLocaleIsQuiet(t *testing.T) {
	for _, env := range []string{"LANG=C", "LANG=C.UTF-8", "LC_ALL=C", "LC_ALL=C.UTF-8", "LANG=POSIX", "LC_MESSAGES=C.utf8"} {
		t.Run(env, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestLocaleChild$", "-test.count=1", "-test.v")
			for _, kv := range os.Environ() {
				if name, _, _ := strings.Cut(kv, "="); name != "LANG" && name != "LANGUAGE" && !strings.HasPrefix(name, "LC_") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, env, localeChildEnv+"=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\n%s\n%s", err, stdout.String(), stderr.String())
			}
			all := stdout.String() + stderr.String()
			if strings.Contains(all, "locale") && strings.Contains(all, "Error") || strings.Contains(all, "Fyne error") {
				t.Fatalf("Fyne complained:\n%s", all)
			}
			if !strings.Contains(stdout.String(), "LOCALE en") {
				t.Fatalf("the locale is not English:\n%s", all)
			}
		})
	}
}

// TestThemeAppliedAtStart: the window opens in the theme the preferences file keeps.
func TestThemeAppliedAtStart(t *testing.T) {
	dir := t.TempDir()
	paths, err := settings.ResolvePaths("", dir)
	if err != nil {
		t.Fatal(err)
	}
	p := settings.Default()
	p.Theme = settings.ThemeDark
	if err := settings.SavePreferences(paths.PreferencesFile(), p); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := test.NewTempApp(t)
	g, err := buildWindow(ctx, Config{DataDir: dir}, a)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { g.ui.Close(); cancel(); g.close() })
	s := a.Settings()
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	if got := s.Theme().Color(theme.ColorNameBackground, s.ThemeVariant()); got != dark {
		t.Fatalf("background %v at start, want the dark theme's %v", got, dark)
	}
}

// TestPreferenceChangesKeepEachOther: the sections that write the preferences file (theme and the others
// through the store, the app lock and the connection on their own) never undo each other's change.
func TestPreferenceChangesKeepEachOther(t *testing.T) {
	path := filepath.Join(t.TempDir(), settings.PreferencesFileName)
	start, err := settings.LoadPreferences(path)
	if err != nil {
		t.Fatal(err)
	}
	store := newPrefStore(path, start)
	if _, err := settings.UpdatePreferences(path, func(p *settings.Preferences) { p.IdleLockMinutes = 5 }); err != nil {
		t.Fatal(err)
	}
	if _, err := store.change(func(p *settings.Preferences) { p.Theme = settings.ThemeDark }); err != nil {
		t.Fatal(err)
	}
	got, err := settings.LoadPreferences(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.IdleLockMinutes != 5 || got.Theme != settings.ThemeDark {
		t.Fatalf("the file holds idle lock %d and theme %q, want 5 and dark", got.IdleLockMinutes, got.Theme)
	}
}
