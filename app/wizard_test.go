package app

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/test"

	"tacit/mtproto/sandbox"
	"tacit/settings"
	"tacit/ui"
)

// TestNoCredentialsOpensTheWizard: started with no API credentials and no demo flag, Tacit opens its window
// on the wizard, which says what is missing and how to get it, refuses a malformed api_id on its page and
// offers the demo, whose data protection leaves the profile alone.
func TestNoCredentialsOpensTheWizard(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := newScreen(t)
	dataDir := t.TempDir()
	g, err := buildWindow(ctx, Config{DataDir: dataDir, endpoint: srv.Endpoint()}, s.app)
	if err != nil {
		cancel()
		t.Fatalf("no window without API credentials: %v", err)
	}
	t.Cleanup(func() {
		g.ui.Close()
		cancel()
		g.close()
		if err := srv.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	s.show(g.ui)
	s.waitText("Welcome to Tacit")
	s.tap("Set up Tacit")
	s.waitText("How Tacit reaches Telegram")
	s.tap("Test and continue") // direct, to the test's server
	s.waitText("api_hash")
	for _, want := range []string{"my.telegram.org", "API development tools", "Try the demo", "step 3 of 8"} {
		if !s.shows(want) {
			t.Errorf("the API page does not say %q:\n%s", want, s.text())
		}
	}

	s.typeInto("api_id", "12ab")
	s.typeInto("api_hash", "0123456789abcdef0123456789abcdef")
	s.tap("Check and continue")
	s.waitText("The api_id is a whole number")

	s.typeInto("api_id", "1234567")
	s.typeInto("api_hash", "0123456789abcdef")
	s.tap("Check and continue")
	s.waitText("The api_hash is 32 characters")

	// The demo's data protection: its keyring is held in memory, so the profile gets no key file.
	s.tap("Try the demo")
	s.waitText("Protect the data on this computer")
	s.tap("Create the key")
	s.waitText("Write down your recovery key")
	s.tick("I have written the recovery key down")
	s.tap("Continue")
	s.waitText("Sign in to Telegram")
	if _, err := os.Stat(filepath.Join(dataDir, settings.KeyFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the demo wrote a key file into the profile: %v", err)
	}
	if !s.shows("Demo server on this computer") {
		t.Errorf("the demo's sign-in page does not say it is the demo:\n%s", s.text())
	}
}

// countingFront listens on loopback and forwards every connection to target, counting them: the test's
// view of what reaches the server.
func countingFront(t *testing.T, target string) (addr string, accepted *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = new(atomic.Int32)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := net.Dial("tcp", target)
				if err != nil {
					c.Close()
					return
				}
				go func() {
					_, _ = io.Copy(s, c) // the copy ends when either side closes; its error says nothing more
					s.Close()
				}()
				_, _ = io.Copy(c, s)
				c.Close()
			}()
		}
	}()
	return l.Addr().String(), accepted
}

// deadAddr is a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// wizardOnSandbox opens the wizard on a sandbox served over loopback TCP behind a counting front, as the
// first start would on Telegram. It returns the screen and the count of connections that reached the
// sandbox.
func wizardOnSandbox(t *testing.T, dataDir string, custody ...func(settings.Paths) *settings.Custody) (*screen, *sandbox.Server, *atomic.Int32) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := sandbox.New(sandbox.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	front, accepted := countingFront(t, srv.Addr())
	host, port, err := net.SplitHostPort(front)
	if err != nil {
		t.Fatal(err)
	}
	endpoint := srv.Endpoint()
	endpoint.DCOptions[0].IPAddress = host
	endpoint.DCOptions[0].Port, err = strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := settings.ResolvePaths("", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	setup := newSetup(ctx, paths, settings.Default(), "", newDiagnostics(io.Discard))
	setup.endpoint, setup.custody = endpoint, cheapCustody
	if len(custody) > 0 {
		setup.custody = custody[0]
	}
	s := newScreen(t)
	u := ui.NewWizard(s.app, setup)
	t.Cleanup(func() {
		u.Close()
		cancel()
		setup.close()
		if err := srv.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	s.show(u)
	s.waitText("Welcome to Tacit")
	return s, srv, accepted
}

// TestDeadProxyStopsAtTheConnectionPage: a proxy that cannot be reached stops the wizard on the connection
// page with a sentence that says so, and nothing reaches Telegram directly meanwhile.
func TestDeadProxyStopsAtTheConnectionPage(t *testing.T) {
	dir := t.TempDir()
	s, _, accepted := wizardOnSandbox(t, dir)
	s.tap("Set up Tacit")
	s.waitText("How Tacit reaches Telegram")

	dead := deadAddr(t)
	host, port, err := net.SplitHostPort(dead)
	if err != nil {
		t.Fatal(err)
	}
	s.choose("SOCKS5 proxy")
	s.typeInto("Host", host)
	s.typeInto("Port", port)
	s.typeInto("User name (optional)", "me")
	s.typeInto("Password (optional)", "proxy password 7")
	s.tap("Test and continue")
	s.waitText("Cannot reach the SOCKS5 proxy at " + dead)
	if !s.shows("does not connect without it") || !s.shows("How Tacit reaches Telegram") {
		t.Fatalf("the connection page does not say Tacit stays off the direct path:\n%s", s.text())
	}
	if strings.Contains(s.text(), "proxy password 7") {
		t.Fatal("the proxy password is shown in the message")
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("%d connections reached the server around the dead proxy", n)
	}
	if _, err := os.Stat(filepath.Join(dir, settings.PreferencesFileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the untested connection was saved: %v", err)
	}

	// Tor that is not running: the same, with Tor's words.
	s.choose("Tor")
	s.tap("Test and continue")
	s.waitFor("the Tor test to end", func() bool { return s.button("Test and continue").Disabled() == false })
	if n := accepted.Load(); n != 0 {
		t.Fatalf("%d connections reached the server around Tor", n)
	}

	// Direct reaches the server, and the wizard goes on.
	s.choose("Direct")
	s.tap("Test and continue")
	s.waitText("Your own key to Telegram")
	if accepted.Load() == 0 {
		t.Fatal("the direct test never reached the server: the count proves nothing")
	}
}

// unavailableKeyring is a system keyring that never answers, as on a desktop without a secret service.
type unavailableKeyring struct{}

var errNoSecretService = errors.New("no secret service")

func (unavailableKeyring) Get(string, string) (string, error) { return "", errNoSecretService }
func (unavailableKeyring) Set(string, string, string) error   { return errNoSecretService }
func (unavailableKeyring) Delete(string, string) error        { return errNoSecretService }

// cheapCustody keeps the key behind a passphrase with a KDF cheap enough for tests.
func cheapCustody(paths settings.Paths) *settings.Custody {
	return settings.NewCustody(paths.Data, paths.Profile, unavailableKeyring{},
		settings.WithKDFParams(settings.KDFParams{Time: 1, MemoryKiB: 256, Threads: 1}))
}

// TestWizardEndToEnd drives the first start as a new user would, against a sandbox: the connection tested,
// the credentials checked, the data protected by a passphrase, sign-up after the warning, the lockdown
// read back rule by rule, and no way past the 2-step verification page without a password.
func TestWizardEndToEnd(t *testing.T) {
	dir := t.TempDir()
	s, srv, _ := wizardOnSandbox(t, dir)
	s.tap("Set up Tacit")
	s.waitText("How Tacit reaches Telegram")
	s.tap("Test and continue")
	s.waitText("Your own key to Telegram")
	s.typeInto("api_id", "1234567")
	s.typeInto("api_hash", "0123456789abcdef0123456789abcdef")
	s.tap("Check and continue")

	s.waitText("Protect the data on this computer")
	s.typeInto("Passphrase", "correct horse battery")
	s.typeInto("Repeat the passphrase", "correct horse battery")
	s.tap("Create the key")
	s.waitText("Write down your recovery key")
	s.tick("I have written the recovery key down")
	s.tap("Continue")

	const phone = "+44 7700 900555"
	s.waitText("Sign in to Telegram")
	s.typeInto("Phone number", phone)
	s.tap("Send code")
	s.waitText("Code")
	code, ok := srv.Code("+447700900555")
	if !ok {
		t.Fatal("the sandbox sent no code")
	}
	s.typeInto("Code", code)
	s.tap("Sign in")
	s.waitText("Before you create an account")
	s.tick("I have read this and want to create an account for this number")
	s.tap("Continue")
	s.waitText("Your name")
	s.typeInto("First name", "Robin")
	s.tap("Create account")

	s.waitText("Your number is hidden")
	for _, want := range []string{"Who can see my phone number", "Set to nobody, and the server shows nobody",
		"Who can find me by my number", "Phone numbers synced to Telegram", "step 6 of 8: Privacy"} {
		if !s.shows(want) {
			t.Errorf("the lockdown page does not show %q:\n%s", want, s.text())
		}
	}
	s.tap("Continue")

	// No way past the 2-step verification page without a password: the only way on is to set one.
	s.waitText("Protect your account with a password")
	if got := s.buttons(); !slices.Equal(got, []string{"Set password"}) {
		t.Fatalf("the 2-step page offers %q", got)
	}
	s.tap("Set password")
	s.waitText("Use at least 8 characters")
	if !s.shows("Protect your account with a password") || s.shows("Chats") {
		t.Fatal("the window went on without a password")
	}
	s.typeInto("Password", "a long 2-step password")
	s.typeInto("Repeat the password", "a long 2-step password")
	s.tap("Set password")

	// The summary closes the wizard: the check-up as read from the server, Harden, then the chats.
	s.waitText("Tacit is set up")
	s.waitText("Who can see my phone number")
	if !s.shows("step 8 of 8: Summary") || s.shows("Chats") {
		t.Fatalf("the summary is not the wizard's last step before the chats:\n%s", s.text())
	}
	harden := s.buttonWithPrefix("Harden")
	if !harden.Disabled() {
		test.Tap(harden)
		s.waitText("Tacit changed")
	}
	if s.shows("put you at risk") || s.shows("puts you at risk") {
		t.Fatalf("Harden on the summary left a risk:\n%s", s.text())
	}
	s.tap("Open the chat list")
	s.waitText("Chats")
	if !settingsSaved(t, dir) {
		t.Fatal("the connection and credentials were not kept")
	}
}

// settingsSaved reports whether dir's preferences hold API credentials.
func settingsSaved(t *testing.T, dir string) bool {
	t.Helper()
	p, err := settings.LoadPreferences(filepath.Join(dir, settings.PreferencesFileName))
	if err != nil {
		t.Fatal(err)
	}
	return p.APIID == 1234567 && p.APIHash == "0123456789abcdef0123456789abcdef"
}
