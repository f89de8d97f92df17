package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultsArePrivateAndValid(t *testing.T) {
	p := Default()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.LinkPreviewsCloud {
		t.Error("link previews on by default")
	}
	if p.NotifySecret != NotifyHidden || p.NotifyCloud != NotifyHidden {
		t.Errorf("notifications show content by default: %q/%q", p.NotifyCloud, p.NotifySecret)
	}
	if p.Proxy != "" || p.APIID != 0 || p.APIHash != "" {
		t.Errorf("unexpected default connection settings: %+v", p)
	}
	if p.KeyCustody != ModePassphrase {
		t.Errorf("default custody %q", p.KeyCustody)
	}
}

func TestPreferencesRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tacit", "p", PreferencesFileName)
	p := Default()
	p.APIID = 12345
	p.APIHash = "0123456789abcdef0123456789abcdef"
	p.Proxy = "socks5://127.0.0.1:9050"
	p.KeyCustody = ModeKeyring
	p.LinkPreviewsCloud = true
	p.NotifyCloud = NotifySender
	p.NotifySecret = NotifyOff
	p.NotifySound = false
	p.SecretTTL = 3600
	p.Theme = ThemeDark
	p.Language = "pt-BR"
	p.Window = WindowSize{Width: 1280, Height: 800}
	p.IdleLockMinutes = 15
	if err := SavePreferences(path, p); err != nil {
		t.Fatal(err)
	}
	got, err := LoadPreferences(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != p {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", di.Mode().Perm())
	}
	assertOnlyFiles(t, filepath.Dir(path), PreferencesFileName)
}

func TestLoadMissingFileGivesDefaults(t *testing.T) {
	p, err := LoadPreferences(filepath.Join(t.TempDir(), "none.json"))
	if err != nil || p != Default() {
		t.Fatalf("LoadPreferences(missing) = %+v, %v", p, err)
	}
}

func TestParsePartialFileKeepsDefaults(t *testing.T) {
	p, err := ParsePreferences([]byte(`{"version": 1, "theme": "dark"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Theme = ThemeDark
	if p != want {
		t.Fatalf("got %+v", p)
	}
}

// TestOldPreferencesFileLoads: a file written before the sound and the secret chats' default timer were
// preferences still loads, unchanged, with those two at their defaults.
func TestOldPreferencesFileLoads(t *testing.T) {
	p, err := LoadPreferences(filepath.Join("testdata", "preferences-before-sound-and-timer.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.APIID, want.APIHash = 12345, "0123456789abcdef0123456789abcdef"
	want.KeyCustody, want.NotifyCloud, want.NotifySecret, want.Theme = ModeKeyring, NotifySender, NotifyOff, ThemeDark
	want.Window = WindowSize{Width: 1100, Height: 760}
	if p != want {
		t.Fatalf("got  %+v\nwant %+v", p, want)
	}
	if !p.NotifySound || p.SecretTTL != 0 {
		t.Fatalf("absent fields not at their defaults: sound %v, timer %d", p.NotifySound, p.SecretTTL)
	}
}

// TestEverySecretTimerChoiceIsValid: the choices the settings offer are exactly the values a file may hold.
func TestEverySecretTimerChoiceIsValid(t *testing.T) {
	for _, ttl := range SecretTTLChoices {
		p := Default()
		p.SecretTTL = ttl
		if err := p.Validate(); err != nil {
			t.Errorf("%d: %v", ttl, err)
		}
	}
	for _, ttl := range []int{1, 59, 3599, 365 * 24 * 3600} {
		p := Default()
		p.SecretTTL = ttl
		if err := p.Validate(); !errors.Is(err, ErrInvalidPreferences) {
			t.Errorf("%d accepted: %v", ttl, err)
		}
	}
}

// TestIdleLockOffByDefaultAndLeftOut: the idle lock is off unless chosen, and a file without the field (as
// every file before it was) reads as off; while off it is not written, so such files stay as they were.
func TestIdleLockOffByDefaultAndLeftOut(t *testing.T) {
	if Default().IdleLockMinutes != 0 {
		t.Fatalf("idle lock on by default: %d minutes", Default().IdleLockMinutes)
	}
	p, err := ParsePreferences([]byte(`{"version": 1, "notify_cloud": "off"}`))
	if err != nil || p.IdleLockMinutes != 0 {
		t.Fatalf("a file without the field: %d minutes, %v", p.IdleLockMinutes, err)
	}
	path := filepath.Join(t.TempDir(), PreferencesFileName)
	if err := SavePreferences(path, Default()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "idle_lock") {
		t.Fatalf("the idle lock was written while off:\n%s", data)
	}
	for _, m := range IdleLockChoices() {
		p := Default()
		p.IdleLockMinutes = m
		if err := p.Validate(); err != nil {
			t.Errorf("%d minutes refused: %v", m, err)
		}
	}
}

func TestPreferencesErrorsNameFieldAndPosition(t *testing.T) {
	tests := []struct {
		name, in    string
		field       string
		line, col   int
		msgContains string
	}{
		{"syntax", "{\n  \"version\": 1,\n  \"theme\": \"dark\"\n  \"language\": \"en\"\n}", "", 4, 3, "invalid JSON"},
		{"truncated", "{\n  \"version\": 1,\n  \"theme\": \"da", "", 3, 15, "end of file"},
		{"not an object", "[1]", "", 1, 1, "JSON object"},
		{"unknown field", "{\"version\": 1,\n \"link_preview\": true}", "link_preview", 2, 18, "unknown field"},
		{"unknown nested", "{\"version\": 1, \"window\": {\"width\": 800, \"depth\": 3}}", "window.depth", 1, 50, "unknown field"},
		{"wrong type", "{\"version\": 1,\n\"api_id\": \"123\"}", "api_id", 2, 11, "whole number"},
		{"fraction", "{\"version\": 1, \"api_id\": 1.5}", "api_id", 1, 26, "whole number"},
		{"null", "{\"version\": 1, \"theme\": null}", "theme", 1, 25, "null"},
		{"duplicate", "{\"version\": 1, \"theme\": \"dark\", \"theme\": \"light\"}", "theme", 1, 42, "more than once"},
		{"missing version", "{\"theme\": \"dark\"}", "version", 0, 0, "missing"},
		{"bad theme", "{\"version\": 1,\n  \"theme\": \"purple\"}", "theme", 2, 12, "purple"},
		{"secret notify", "{\"version\": 1, \"notify_secret\": \"full\"}", "notify_secret", 1, 33, "never show sender or text"},
		{"bad proxy", "{\"version\": 1, \"proxy\": \"http://h:1\"}", "proxy", 1, 25, "t.me/proxy"},
		{"bad window", "{\"version\": 1, \"window\": {\"width\": 10, \"height\": 600}}", "window.width", 1, 36, "between 320"},
		{"hash without id", "{\"version\": 1, \"api_hash\": \"0123456789abcdef0123456789abcdef\"}", "api_id", 0, 0, "missing"},
		{"bad hash", "{\"version\": 1, \"api_id\": 5, \"api_hash\": \"xyz\"}", "api_hash", 1, 41, "hexadecimal"},
		{"bad language", "{\"version\": 1, \"language\": \"English\"}", "language", 1, 28, "language tag"},
		{"unknown secret timer", "{\"version\": 1, \"secret_ttl\": 42}", "secret_ttl", 1, 30, "one of 0, 5, 30, 60, 3600, 86400 or 604800 seconds"},
		{"negative secret timer", "{\"version\": 1, \"secret_ttl\": -5}", "secret_ttl", 1, 30, "got -5"},
		{"secret timer as words", "{\"version\": 1, \"secret_ttl\": \"1h\"}", "secret_ttl", 1, 30, "whole number"},
		{"sound as words", "{\"version\": 1, \"notify_sound\": \"on\"}", "notify_sound", 1, 32, "true or false"},
		{"unknown cloud notify", "{\"version\": 1, \"notify_cloud\": \"loud\"}", "notify_cloud", 1, 32, "\"loud\""},
		{"unknown secret notify", "{\"version\": 1, \"notify_secret\": \"sender-only\"}", "notify_secret", 1, 33, "must be \"off\" or \"hidden\""},
		{"bad idle lock", "{\"version\": 1, \"idle_lock_minutes\": 7}", "idle_lock_minutes", 1, 37, "one of [0 1 5 15 60]"},
		{"bad custody", "{\"version\": 1, \"key_custody\": \"file\"}", "key_custody", 1, 31, "keyring"},
		{"old version", "{\"version\": 0}", "version", 1, 13, "between 1"},
		{"trailing data", "{\"version\": 1} {}", "", 1, 17, "after the top-level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePreferences([]byte(tt.in))
			if p != Default() {
				t.Errorf("invalid file did not give defaults: %+v", p)
			}
			var pe *PreferencesError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidPreferences) {
				t.Fatalf("err = %v, want *PreferencesError", err)
			}
			for _, pr := range pe.Problems {
				if pr.Field == tt.field && pr.Line == tt.line && pr.Column == tt.col && strings.Contains(pr.Message, tt.msgContains) {
					return
				}
			}
			t.Fatalf("no problem {field %q, %d:%d, %q} in %v", tt.field, tt.line, tt.col, tt.msgContains, pe.Problems)
		})
	}
}

func TestPreferencesErrorListsAllProblems(t *testing.T) {
	_, err := ParsePreferences([]byte(`{"version": 1, "theme": 3, "colour": "red", "api_id": -1}`))
	var pe *PreferencesError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	// Type and unknown-field problems are reported together; value checks
	// run once the types are right.
	if len(pe.Problems) != 2 {
		t.Fatalf("problems = %v", pe.Problems)
	}
}

func TestNewerVersionRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), PreferencesFileName)
	if err := os.WriteFile(path, []byte(`{"version": 7, "hologram": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPreferences(path)
	var ve *VersionError
	if !errors.As(err, &ve) || !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("err = %v, want *VersionError", err)
	}
	if ve.Version != 7 || ve.Supported != PreferencesVersion || ve.Path != path {
		t.Fatalf("VersionError = %+v", ve)
	}
	if !strings.Contains(err.Error(), "newer Tacit") || !strings.Contains(err.Error(), path) {
		t.Fatalf("message %q", err)
	}
	if p != Default() {
		t.Fatal("newer file did not give defaults")
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), PreferencesFileName)
	if err := os.WriteFile(path, []byte("{\"version\": 1,\n\"theme\": \"x\"}"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPreferences(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 2, column 10: theme:") {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, PreferencesFileName)
	p := Default()
	p.NotifySecret = NotifyFull
	err := SavePreferences(path, p)
	var pe *PreferencesError
	if !errors.As(err, &pe) || pe.Problems[0].Field != "notify_secret" {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("invalid preferences were written")
	}
}

func TestProxyErrorsDoNotLeakCredentials(t *testing.T) {
	p := Default()
	p.Proxy = "socks5://alice:hunter2secret@host/path"
	err := p.Validate()
	if err == nil {
		t.Fatal("path in socks5 URL accepted")
	}
	if strings.Contains(err.Error(), "hunter2secret") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

func FuzzParsePreferences(f *testing.F) {
	f.Add([]byte(`{"version": 1, "theme": "dark", "window": {"width": 800, "height": 600}}`))
	f.Add([]byte(`{"version": 1, "proxy": "tg://proxy?server=h&port=443&secret=dd0123456789abcdef0123456789abcdef"}`))
	f.Add([]byte(`{"version": 1, "proxy": "tor", "proxy_isolation": "0123456789abcdef0123456789abcdef"}`))
	f.Add([]byte(`{"version": 9}`))
	f.Add([]byte(`{"window": [1, 2], "x": null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePreferences(data)
		if err != nil {
			if p != Default() {
				t.Fatal("error without defaults")
			}
			return
		}
		if verr := p.Validate(); verr != nil {
			t.Fatalf("accepted invalid preferences: %v", verr)
		}
	})
}

func TestProxyIsolation(t *testing.T) {
	p := Default()
	changed, err := p.EnsureProxyIsolation()
	if err != nil || !changed || len(p.ProxyIsolation) != 32 {
		t.Fatalf("first token: %q %v %v", p.ProxyIsolation, changed, err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	token := p.ProxyIsolation
	if changed, err := p.EnsureProxyIsolation(); err != nil || changed || p.ProxyIsolation != token {
		t.Fatal("an existing token was replaced")
	}
	other := Default()
	if _, err := other.EnsureProxyIsolation(); err != nil || other.ProxyIsolation == token {
		t.Fatal("two profiles got the same token")
	}
	path := filepath.Join(t.TempDir(), PreferencesFileName)
	if err := SavePreferences(path, p); err != nil {
		t.Fatal(err)
	}
	back, err := LoadPreferences(path)
	if err != nil || back.ProxyIsolation != token {
		t.Fatalf("token not kept: %q %v", back.ProxyIsolation, err)
	}
	for _, bad := range []string{"xyz", strings.Repeat("A", 32), strings.Repeat("0", 31)} {
		p.ProxyIsolation = bad
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "proxy_isolation") {
			t.Errorf("token %q accepted: %v", bad, err)
		}
	}
}
