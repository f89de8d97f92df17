package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tacit/mtproto"
	"tacit/settings"
	"tacit/ui"
)

// zeroed reports whether every byte of b is zero.
func zeroed(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }

// TestCheckPassphrase: the app lock's check says right or wrong (a wrong one under the passphrase field),
// zeroes what it was given, and changes nothing: the key file stays as it was and the profile stays locked.
func TestCheckPassphrase(t *testing.T) {
	ctx := context.Background()
	paths, err := settings.ResolvePaths("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	custody := cheapCustody(paths)
	v := newVault(ctx, paths, custody, mtproto.Options{})
	if _, err := v.CreateWithPassphrase(ctx, []byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	v.close() // as after a restart: locked, no key in memory
	before, err := os.ReadFile(custody.KeyFilePath())
	if err != nil {
		t.Fatal(err)
	}

	right := []byte("correct horse battery")
	if err := v.CheckPassphrase(ctx, right); err != nil {
		t.Fatalf("the right passphrase: %v", err)
	}
	if !zeroed(right) {
		t.Error("the right passphrase was not zeroed")
	}

	wrong := []byte("correct horse stapler")
	err = v.CheckPassphrase(ctx, wrong)
	var p *ui.Problem
	if !errors.As(err, &p) || p.Field != ui.FieldPassphrase || !strings.Contains(p.Message, "not right") {
		t.Fatalf("a wrong passphrase: %#v", err)
	}
	if strings.Contains(p.Message, "stapler") || !errors.Is(err, settings.ErrWrongPassphrase) {
		t.Fatalf("the wrong passphrase's problem: %q, cause kept %v", p.Message, errors.Is(err, settings.ErrWrongPassphrase))
	}
	if !zeroed(wrong) {
		t.Error("the wrong passphrase was not zeroed")
	}

	after, err := os.ReadFile(custody.KeyFilePath())
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("checking the passphrase changed the key file (%v)", err)
	}
	v.mu.Lock()
	key := v.key
	v.mu.Unlock()
	if key != nil {
		t.Fatal("checking the passphrase unlocked the vault")
	}
	if st, err := v.State(ctx); err != nil || st.Status != ui.VaultLocked {
		t.Fatalf("after the checks the profile is %v (%v), want locked", st.Status, err)
	}
}

// TestAppLockSettings: a passphrase profile can use the lock and a keyring profile cannot (its check says
// how to get a passphrase); the idle time is kept in the preferences file beside what it held, and only
// the choices offered are.
func TestAppLockSettings(t *testing.T) {
	ctx := context.Background()
	paths, err := settings.ResolvePaths("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prefs := settings.Default()
	prefs.APIID, prefs.APIHash = 1234567, "0123456789abcdef0123456789abcdef"
	if err := settings.SavePreferences(paths.PreferencesFile(), prefs); err != nil {
		t.Fatal(err)
	}
	custody := cheapCustody(paths)
	if _, _, err := custody.CreateWithPassphrase(ctx, []byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	lock := lockService{&Backend{lock: &appLock{prefsFile: paths.PreferencesFile(), custody: custody}}}
	st, err := lock.LockSettings(ctx)
	if err != nil || !st.Available || st.IdleMinutes != 0 || len(st.Choices) == 0 || st.Choices[0] != 0 {
		t.Fatalf("a passphrase profile: %+v, %v", st, err)
	}

	if err := lock.SetIdleLock(ctx, 7); err == nil {
		t.Fatal("7 minutes kept: not a choice offered")
	}
	if err := lock.SetIdleLock(ctx, 15); err != nil {
		t.Fatal(err)
	}
	got, err := settings.LoadPreferences(paths.PreferencesFile())
	if err != nil || got.IdleLockMinutes != 15 || got.APIID != prefs.APIID || got.APIHash != prefs.APIHash {
		t.Fatalf("the preferences after SetIdleLock: %+v, %v", got, err)
	}
	if st, _ := lock.LockSettings(ctx); st.IdleMinutes != 15 {
		t.Fatalf("read back %d minutes", st.IdleMinutes)
	}

	// A settings file with a mistake is left as it is.
	if err := os.WriteFile(paths.PreferencesFile(), []byte(`{"version": 1, "theme": "purple"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err = lock.SetIdleLock(ctx, 5)
	var p *ui.Problem
	if !errors.As(err, &p) || !strings.Contains(p.Message, "has a mistake") {
		t.Fatalf("a broken settings file: %v", err)
	}
	if data, _ := os.ReadFile(paths.PreferencesFile()); !strings.Contains(string(data), "purple") {
		t.Fatal("the broken settings file was overwritten")
	}

	// A keyring profile: no lock.
	kpaths, err := settings.ResolvePaths("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	kc := settings.NewCustody(kpaths.Data, kpaths.Profile, &memKeyring{})
	if _, _, err := kc.CreateWithKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	klock := &appLock{prefsFile: kpaths.PreferencesFile(), custody: kc}
	if st, err := (lockService{&Backend{lock: klock}}).LockSettings(ctx); err != nil || st.Available {
		t.Fatalf("a keyring profile: %+v, %v", st, err)
	}
	pass := []byte("anything at all")
	err = newVault(ctx, kpaths, kc, mtproto.Options{}).CheckPassphrase(ctx, pass)
	if !errors.As(err, &p) || !strings.Contains(p.Message, "Data protection") || !zeroed(pass) {
		t.Fatalf("checking a keyring profile's passphrase: %v (zeroed %v)", err, zeroed(pass))
	}
}

// TestDemoAppLock protects the demo's data with the passphrase its first-run page suggests, signs up in the
// demo's real window and locks it with its lock button: the locked window shows none of the demo's chats and
// the demo passphrase it names, refuses another, and opens with it.
func TestDemoAppLock(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	paths, err := settings.ResolvePaths("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	setup := newSetup(ctx, paths, settings.Default(), "", newDiagnostics(io.Discard))
	s := newScreen(t)
	u := ui.NewDemoWizard(s.app, setup)
	t.Cleanup(func() {
		u.Close()
		cancel()
		setup.close()
	})
	s.show(u)
	s.waitText("Welcome to Tacit")
	s.tap("Set up Tacit")
	s.waitText("Protect the data on this computer")
	if !s.shows("try “" + demoPassphrase + "”") {
		t.Fatalf("the demo's first-run page does not suggest its passphrase:\n%s", s.text())
	}
	s.choose("Passphrase")
	s.typeInto("Passphrase", demoPassphrase)
	s.typeInto("Repeat the passphrase", demoPassphrase)
	s.tap("Create the key")
	s.waitText("Write down your recovery key")
	s.tick("I have written the recovery key down")
	s.tap("Continue")
	s.waitText("Sign in to Telegram")
	s.typeInto("Phone number", "+44 7700 900777")
	s.tap("Send code")
	s.waitText("Demo server: the code is")
	code := regexp.MustCompile(`the code is (\d+)`).FindStringSubmatch(s.text())
	if code == nil {
		t.Fatalf("no demo code shown:\n%s", s.text())
	}
	s.typeInto("Code", code[1])
	s.tap("Sign in")
	s.waitText("Before you create an account")
	s.tick("I have read this and want to create an account for this number")
	s.tap("Continue")
	s.waitText("Your name")
	s.typeInto("First name", "Robin")
	s.tap("Create account")
	s.waitText("Your number is hidden")
	s.tap("Continue")
	s.waitText("Protect your account with a password")
	s.typeInto("Password", "a long 2-step password")
	s.typeInto("Repeat the password", "a long 2-step password")
	s.tap("Set password")
	s.waitText("Tacit is set up")
	s.tap("Open the chat list")
	s.waitText("Tacit demo group")

	s.waitFor("the lock button", func() bool { return s.iconButton("lock.svg") != nil })
	test.Tap(s.iconButton("lock.svg"))
	s.waitText("Tacit is locked")
	for _, chat := range []string{"Alice", "Bob", "Tacit demo group", "Tacit demo channel", "simulated contact"} {
		if s.shows(chat) {
			t.Errorf("the locked window shows %q:\n%s", chat, s.text())
		}
	}
	if !s.shows("Demo passphrase: " + demoPassphrase) {
		t.Fatalf("the demo's lock does not name its passphrase:\n%s", s.text())
	}
	s.typeInto("Passphrase", "not the demo one")
	s.tap("Unlock")
	s.waitText("That passphrase is not right")
	s.typeInto("Passphrase", demoPassphrase)
	s.tap("Unlock")
	s.waitText("Tacit demo group")
}

// iconButton finds the visible button whose icon is the resource named name (a themed one included), or
// returns nil.
func (s *screen) iconButton(name string) *widget.Button {
	var found *widget.Button
	s.each(func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Icon != nil && strings.HasSuffix(b.Icon.Name(), name) {
			found = b
		}
	})
	return found
}
