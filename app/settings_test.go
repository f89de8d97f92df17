package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/mtproto/sandbox"
	"tacit/settings"
	"tacit/ui"
)

// TestSettingsChangePassword: the 2-step verification password changes only with the current one, and the
// new one is what the server checks afterwards.
func TestSettingsChangePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900324", "Robin")
	s := w.svc.Settings
	st, err := s.TwoStep(ctx)
	if err != nil || !st.HasPassword {
		t.Fatalf("2-step state %+v %v", st, err)
	}
	err = s.ChangePassword(ctx, []byte("not the password"), []byte("new password 22"), "")
	var p *ui.Problem
	if !errors.As(err, &p) || p.Field != ui.FieldCurrentPassword {
		t.Fatalf("a wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, []byte("window password 1"), []byte("new password 22"), "twenty-two"); err != nil {
		t.Fatal(err)
	}
	if st, err := s.TwoStep(ctx); err != nil || st.Hint != "twenty-two" || !st.HasPassword {
		t.Fatalf("read back %+v %v", st, err)
	}
	// The old password no longer counts; the new one does.
	err = s.ChangePassword(ctx, []byte("window password 1"), []byte("third password 3"), "")
	if !errors.As(err, &p) || p.Field != ui.FieldCurrentPassword {
		t.Fatalf("the old password still counts: %v", err)
	}
	if err := s.ChangePassword(ctx, []byte("new password 22"), []byte("third password 3"), ""); err != nil {
		t.Fatalf("the new password does not count: %v", err)
	}
}

// TestSettingsProfile: the name is changed with account.updateProfile and read back from the server; an
// empty first name is refused by the server under the first name's field.
func TestSettingsProfile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	var err error
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900325", "Robin")
	s := w.svc.Settings
	if pr, err := s.Profile(ctx); err != nil || pr != (ui.Profile{FirstName: "Robin"}) {
		t.Fatalf("profile %+v %v", pr, err)
	}
	err = s.SetName(ctx, "", "Oak")
	var p *ui.Problem
	if !errors.As(err, &p) || p.Field != ui.FieldFirstName {
		t.Fatalf("an empty first name: %v", err)
	}
	if err := s.SetName(ctx, "Robin", "Oak"); err != nil {
		t.Fatal(err)
	}
	if pr, err := s.Profile(ctx); err != nil || pr != (ui.Profile{FirstName: "Robin", LastName: "Oak"}) {
		t.Fatalf("read back %+v %v", pr, err)
	}
	// Another session of the account sees the same name.
	other := openWindow(t, ctx, srv, nil)
	if _, err := other.svc.Login.SendCode(ctx, "+44 7700 900325"); err != nil {
		t.Fatal(err)
	}
	code, _ := other.svc.Demo.DemoCode("+44 7700 900325")
	if st, err := other.svc.Login.SubmitCode(ctx, code); err != nil || st.Step != ui.StepPassword {
		t.Fatalf("second login: %+v %v", st, err)
	}
	if _, err := other.svc.Login.SubmitPassword(ctx, []byte("window password 1")); err != nil {
		t.Fatal(err)
	}
	if pr, err := other.svc.Settings.Profile(ctx); err != nil || pr.LastName != "Oak" {
		t.Fatalf("the other session reads %+v %v", pr, err)
	}
}

// TestSettingsRecoveryEmail: a recovery e-mail is set with the current password (SRP), waits for the code
// the demo shows, and counts once confirmed; a wrong password or code changes nothing, and a waiting
// address can be dropped.
func TestSettingsRecoveryEmail(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	var err error
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900326", "Robin")
	s, demo := w.svc.Settings, w.svc.Demo
	if _, ok := demo.DemoEmailCode(); ok {
		t.Fatal("a code before any address was given")
	}

	err = s.SetRecoveryEmail(ctx, []byte("not the password"), "robin@example.org")
	var p *ui.Problem
	if !errors.As(err, &p) || p.Field != ui.FieldCurrentPassword {
		t.Fatalf("a wrong current password: %v", err)
	}
	if st, _ := s.TwoStep(ctx); st.EmailPending || st.HasRecoveryEmail {
		t.Fatalf("a wrong password changed the state: %+v", st)
	}

	if err := s.SetRecoveryEmail(ctx, []byte("window password 1"), "robin@example.org"); err != nil {
		t.Fatal(err)
	}
	st, err := s.TwoStep(ctx)
	if err != nil || !st.EmailPending || st.HasRecoveryEmail || st.EmailPattern != "r****@example.org" {
		t.Fatalf("waiting: %+v %v", st, err)
	}
	code, ok := demo.DemoEmailCode()
	if !ok || len(code) != 6 {
		t.Fatalf("demo e-mail code %q %v", code, ok)
	}
	if err := s.ResendRecoveryEmail(ctx); err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if err := s.ConfirmRecoveryEmail(ctx, wrong); !errors.As(err, &p) || p.Field != ui.FieldEmail {
		t.Fatalf("a wrong code: %v", err)
	}
	if err := s.ConfirmRecoveryEmail(ctx, code); err != nil {
		t.Fatal(err)
	}
	if st, err := s.TwoStep(ctx); err != nil || st.EmailPending || !st.HasRecoveryEmail || !st.HasPassword {
		t.Fatalf("confirmed: %+v %v", st, err)
	}

	// The password is untouched: it still proves the account.
	if err := s.SetRecoveryEmail(ctx, []byte("window password 1"), "robin@example.net"); err != nil {
		t.Fatal(err)
	}
	if err := s.CancelRecoveryEmail(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := s.TwoStep(ctx); err != nil || st.EmailPending || !st.HasRecoveryEmail {
		t.Fatalf("after cancelling the new address: %+v %v", st, err)
	}
	if _, ok := demo.DemoEmailCode(); ok {
		t.Fatal("a code is shown for a dropped address")
	}
}

// memKeyring is a system keyring in memory that answers: the demo's.
type memKeyring = memoryKeyring

// openSection opens the settings page from the chat list and shows its section name.
func (s *screen) openSection(name string) {
	s.t.Helper()
	if !s.shows("Settings") {
		var gear *widget.Button
		s.each(func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Icon != nil && b.Icon.Name() == theme.SettingsIcon().Name() {
				gear = b
			}
		})
		if gear == nil {
			s.t.Fatalf("no settings button; the window shows:\n%s", s.text())
		}
		test.Tap(gear)
		s.waitText("Settings")
	}
	var tabs *container.AppTabs
	s.each(func(o fyne.CanvasObject) {
		if t, ok := o.(*container.AppTabs); ok {
			tabs = t
		}
	})
	for _, it := range tabs.Items {
		if it.Text == name {
			tabs.Select(it)
			return
		}
	}
	s.t.Fatalf("no settings section %q", name)
}

// recoveryKeyShown reads the recovery key off the window: its groups of four in order.
func (s *screen) recoveryKeyShown() string {
	var groups []string
	s.each(func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.TextStyle.Monospace && len(l.Text) == 4 {
			groups = append(groups, l.Text)
		}
	})
	return strings.Join(groups, "-")
}

// TestSettingsOnAProfile: after the first start with a passphrase, the settings' data protection section
// changes the passphrase, moves the key into the keyring and back, and makes a new recovery key, each as
// the key file on disk then says; the connection section tests a way before saving it in the preferences.
func TestSettingsOnAProfile(t *testing.T) {
	dir := t.TempDir()
	kr := &memKeyring{items: map[string]string{}}
	custody := func(paths settings.Paths) *settings.Custody {
		return settings.NewCustody(paths.Data, paths.Profile, kr, settings.WithKDFParams(settings.KDFParams{Time: 1, MemoryKiB: 256, Threads: 1}))
	}
	s, srv, _ := wizardOnSandbox(t, dir, custody)
	s.tap("Set up Tacit")
	s.waitText("How Tacit reaches Telegram")
	s.tap("Test and continue")
	s.waitText("Your own key to Telegram")
	s.typeInto("api_id", "1234567")
	s.typeInto("api_hash", "0123456789abcdef0123456789abcdef")
	s.tap("Check and continue")
	s.waitText("Protect the data on this computer")
	s.choose("Passphrase")
	s.typeInto("Passphrase", "passphrase one")
	s.typeInto("Repeat the passphrase", "passphrase one")
	s.tap("Create the key")
	s.waitText("Write down your recovery key")
	firstRecovery := s.recoveryKeyShown()
	s.tick("I have written the recovery key down")
	s.tap("Continue")

	const phone = "+44 7700 900557"
	s.waitText("Sign in to Telegram")
	s.typeInto("Phone number", phone)
	s.tap("Send code")
	s.waitText("Code")
	code, _ := srv.Code("+447700900557")
	s.typeInto("Code", code)
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
	s.waitText("Chats")

	paths, err := settings.ResolvePaths("", dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opens := func(secret string) bool {
		key, err := custody(paths).UnlockPassphrase(ctx, []byte(secret))
		clear(key)
		return err == nil
	}

	// The data protection section: a passphrase profile.
	s.openSection("Data protection")
	s.waitText("behind your passphrase")
	s.typeInto("Current passphrase", "not the passphrase")
	s.typeInto("New passphrase", "passphrase two")
	s.typeInto("Repeat the new passphrase", "passphrase two")
	s.tap("Change passphrase")
	s.waitText("That passphrase is not right")
	s.typeInto("Current passphrase", "passphrase one")
	s.typeInto("New passphrase", "passphrase two")
	s.typeInto("Repeat the new passphrase", "passphrase two")
	s.tap("Change passphrase")
	s.waitText("The passphrase is changed")
	if opens("passphrase one") || !opens("passphrase two") {
		t.Fatal("after the change the key file does not open with the new passphrase only")
	}

	// A new recovery key, shown once; the first one no longer opens the data.
	s.typeInto("Current passphrase", "passphrase two")
	s.tap("Make a new recovery key")
	s.waitText("Write down your new recovery key")
	recovery := s.recoveryKeyShown()
	s.tick("I have written the recovery key down")
	s.tap("Done")
	s.waitText("The new recovery key is in use")
	if s.recoveryKeyShown() != "" {
		t.Fatal("the recovery key is still shown")
	}
	if _, err := custody(paths).UnlockRecovery(ctx, firstRecovery); !errors.Is(err, settings.ErrWrongRecoveryKey) {
		t.Fatalf("the first recovery key: %v", err)
	}
	if key, err := custody(paths).UnlockRecovery(ctx, recovery); err != nil {
		t.Fatalf("the recovery key shown does not open the data: %v", err)
	} else {
		clear(key)
	}

	// Into the keyring and back behind a new passphrase.
	s.typeInto("Current passphrase", "passphrase two")
	s.tap("Use the system keyring")
	s.waitText("The key is in the system keyring now")
	if mode, err := custody(paths).Mode(); err != nil || mode != settings.ModeKeyring || len(kr.items) != 1 {
		t.Fatalf("after moving into the keyring: %v %v, %d items", mode, err, len(kr.items))
	}
	s.typeInto("New passphrase", "passphrase three")
	s.typeInto("Repeat the new passphrase", "passphrase three")
	s.tap("Use a passphrase")
	s.waitText("protected by the passphrase now")
	if len(kr.items) != 0 || opens("passphrase two") || !opens("passphrase three") {
		t.Fatalf("after moving behind a passphrase: %d keyring items", len(kr.items))
	}

	// The connection section shows what the preferences hold: here a proxy that does not answer, which is
	// not saved again, while the way that works is.
	prefs, err := settings.LoadPreferences(paths.PreferencesFile())
	if err != nil {
		t.Fatal(err)
	}
	const dead = "socks5://127.0.0.1:1"
	prefs.Proxy = dead
	if err := settings.SavePreferences(paths.PreferencesFile(), prefs); err != nil {
		t.Fatal(err)
	}
	s.tap("Chats") // the sections read their state when the settings open
	s.waitFor("the chat list", func() bool { return !s.shows("Settings") })
	s.openSection("Connection")
	s.waitText("Saved: SOCKS5 proxy at 127.0.0.1:1.")
	s.typeInto("User name (optional)", "robin")
	s.tap("Test and save")
	s.waitText("Tacit does not connect without it")
	if p, _ := settings.LoadPreferences(paths.PreferencesFile()); p.Proxy != dead {
		t.Fatalf("a proxy that does not answer was saved: %q", p.Proxy)
	}
	s.choose("Direct")
	s.tap("Test and save")
	s.waitText("Tested and saved")
	if p, _ := settings.LoadPreferences(paths.PreferencesFile()); p.Proxy != "" || p.APIID != 1234567 {
		t.Fatalf("preferences after saving: %+v", p)
	}
}

// TestDemoEmailCodeAtSignUp: the demo shows the code of the recovery e-mail given with the first password,
// before the account is ready, and that code confirms it.
func TestDemoEmailCodeAtSignUp(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := newSandbox(t, sandbox.Options{})
	w := openWindow(t, ctx, srv, nil)
	const phone = "+44 7700 900327"
	if _, err := w.svc.Login.SendCode(ctx, phone); err != nil {
		t.Fatal(err)
	}
	code, _ := w.svc.Demo.DemoCode(phone)
	if _, err := w.svc.Login.SubmitCode(ctx, code); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Login.SignUp(ctx, "Robin", "", true); err != nil {
		t.Fatal(err)
	}
	st, err := w.svc.Login.SetPassword(ctx, []byte("window password 1"), "", "robin@example.org")
	if err != nil || st.Step != ui.StepConfirmEmail {
		t.Fatalf("set password with an e-mail: %+v %v", st, err)
	}
	emailCode, ok := w.svc.Demo.DemoEmailCode()
	if !ok {
		t.Fatal("no demo e-mail code before the account is ready")
	}
	if st, err := w.svc.Login.ConfirmEmail(ctx, emailCode); err != nil || st.Step != ui.StepReady {
		t.Fatalf("confirm: %+v %v", st, err)
	}
	if ts, err := w.svc.Settings.TwoStep(ctx); err != nil || !ts.HasRecoveryEmail {
		t.Fatalf("after sign-up: %+v %v", ts, err)
	}
}
