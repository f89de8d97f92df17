package settings

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// cheapKDF keeps tests fast; production uses DefaultKDFParams.
var cheapKDF = KDFParams{Time: 1, MemoryKiB: 256, Threads: 1}

// memKeyring is an in-memory keyring.
type memKeyring struct {
	mu    sync.Mutex
	items map[string]string
}

func newMemKeyring() *memKeyring { return &memKeyring{items: map[string]string{}} }

func (m *memKeyring) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (m *memKeyring) Set(service, user, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[service+"\x00"+user] = secret
	return nil
}

func (m *memKeyring) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := service + "\x00" + user
	if _, ok := m.items[k]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.items, k)
	return nil
}

func (m *memKeyring) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// failingKeyring fails every call with err, as a keyring without D-Bus does.
type failingKeyring struct{ err error }

func (f failingKeyring) Get(string, string) (string, error) { return "", f.err }
func (f failingKeyring) Set(string, string, string) error   { return f.err }
func (f failingKeyring) Delete(string, string) error        { return f.err }

// hangingKeyring blocks every call until release is closed (a D-Bus call
// waiting for an unlock prompt), then forwards it to next.
type hangingKeyring struct {
	entered chan struct{} // receives once per call
	release chan struct{}
	next    Keyring
}

func newHangingKeyring(t *testing.T) *hangingKeyring {
	h := &hangingKeyring{entered: make(chan struct{}, 16), release: make(chan struct{}), next: newMemKeyring()}
	t.Cleanup(func() { close(h.release) })
	return h
}

func (h *hangingKeyring) wait() {
	h.entered <- struct{}{}
	<-h.release
}

func (h *hangingKeyring) Get(s, u string) (string, error) { h.wait(); return h.next.Get(s, u) }
func (h *hangingKeyring) Set(s, u, v string) error        { h.wait(); return h.next.Set(s, u, v) }
func (h *hangingKeyring) Delete(s, u string) error        { h.wait(); return h.next.Delete(s, u) }

// switchableKeyring lets a test take the keyring away after setup.
type switchableKeyring struct {
	mu  sync.Mutex
	cur Keyring
}

func (s *switchableKeyring) set(k Keyring)                   { s.mu.Lock(); s.cur = k; s.mu.Unlock() }
func (s *switchableKeyring) get() Keyring                    { s.mu.Lock(); defer s.mu.Unlock(); return s.cur }
func (s *switchableKeyring) Get(a, b string) (string, error) { return s.get().Get(a, b) }
func (s *switchableKeyring) Set(a, b, c string) error        { return s.get().Set(a, b, c) }
func (s *switchableKeyring) Delete(a, b string) error        { return s.get().Delete(a, b) }

// keyringFailures are the error classes observed on Linux (see the
// reference notes): all mean "unavailable", never "no key".
var keyringFailures = map[string]error{
	"dbus ServiceUnknown": dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown", Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}},
	"no dbus-launch":      &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound},
	"locked collection":   errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
	"unsupported":         keyring.ErrUnsupportedPlatform,
}

// wrapsCause reports whether err carries cause. dbus.Error is a value with
// a slice inside, so errors.Is cannot compare it; match it by name.
func wrapsCause(err, cause error) bool {
	if want, ok := cause.(dbus.Error); ok {
		var got dbus.Error
		return errors.As(err, &got) && got.Name == want.Name
	}
	return errors.Is(err, cause)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newTestCustody(t *testing.T, kr Keyring) (*Custody, string) {
	dir := filepath.Join(t.TempDir(), "data")
	return NewCustody(dir, "test", kr, WithKDFParams(cheapKDF)), dir
}

func pass(s string) []byte { return []byte(s) }

func readKeyFile(t *testing.T, c *Custody) *keyFile {
	t.Helper()
	data, err := os.ReadFile(c.KeyFilePath())
	if err != nil {
		t.Fatal(err)
	}
	kf, err := parseKeyFile(data)
	if err != nil {
		t.Fatal(err)
	}
	return kf
}

func mustOpen(t *testing.T, c *Custody, want Status) OpenResult {
	t.Helper()
	r, err := c.Open(ctxT(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if r.Status != want {
		t.Fatalf("Open status %v (err %v), want %v", r.Status, r.Err, want)
	}
	return r
}

func TestPassphraseRoundTrip(t *testing.T) {
	ctx := ctxT(t)
	c, dir := newTestCustody(t, newMemKeyring())
	if r := mustOpen(t, c, StatusFirstRun); r.Err != nil {
		t.Fatalf("keyring reported unusable: %v", r.Err)
	}
	if _, err := c.Mode(); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Mode before create: %v", err)
	}
	p := pass("correct horse battery")
	key, rec, err := c.CreateWithPassphrase(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p, make([]byte, len(p))) {
		t.Error("passphrase not wiped")
	}
	if len(key) != DatabaseKeyLen || bytes.Equal(key, make([]byte, DatabaseKeyLen)) {
		t.Fatalf("bad key %x", key)
	}
	if rec == "" {
		t.Fatal("no recovery key")
	}

	// A restart: a new Custody on the same directory starts locked.
	c2 := NewCustody(dir, "test", newMemKeyring())
	mustOpen(t, c2, StatusLocked)
	if m, err := c2.Mode(); err != nil || m != ModePassphrase {
		t.Fatalf("Mode = %q, %v", m, err)
	}
	got, err := c2.UnlockPassphrase(ctx, pass("correct horse battery"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, key) {
		t.Fatal("unlocked a different key")
	}
	if _, err := c2.UnlockKeyring(ctx); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("UnlockKeyring on passphrase profile: %v", err)
	}
	if _, _, err := c2.CreateWithPassphrase(ctx, pass("another passphrase")); !errors.Is(err, ErrAlreadyCreated) {
		t.Fatalf("second create: %v", err)
	}
	if _, _, err := c2.CreateWithKeyring(ctx); !errors.Is(err, ErrAlreadyCreated) {
		t.Fatalf("second create (keyring): %v", err)
	}
	got2, _ := c2.UnlockPassphrase(ctx, pass("correct horse battery"))
	if !bytes.Equal(got2, key) {
		t.Fatal("key changed after refused creates")
	}
}

func TestKeyringRoundTrip(t *testing.T) {
	ctx := ctxT(t)
	kr := newMemKeyring()
	c, dir := newTestCustody(t, kr)
	key, rec, err := c.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rec == "" || len(key) != DatabaseKeyLen {
		t.Fatal("missing key or recovery key")
	}
	kf := readKeyFile(t, c)
	if kf.Mode != ModeKeyring || kf.Keyring.Service != KeyringService || kf.Keyring.User != "test/"+kf.KeyID {
		t.Fatalf("key file keyring ref %+v", kf.Keyring)
	}
	if kf.Passphrase != nil {
		t.Fatal("keyring profile has a passphrase slot")
	}
	r := mustOpen(t, NewCustody(dir, "test", kr), StatusUnlocked)
	if !bytes.Equal(r.Key, key) {
		t.Fatal("Open returned a different key")
	}
	if _, err := c.UnlockPassphrase(ctx, pass("whatever123")); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("UnlockPassphrase on keyring profile: %v", err)
	}
}

func TestTwoDataDirsSameProfileDoNotShareKeyringItem(t *testing.T) {
	ctx := ctxT(t)
	kr := newMemKeyring()
	a := NewCustody(filepath.Join(t.TempDir(), "a"), "default", kr)
	b := NewCustody(filepath.Join(t.TempDir(), "b"), "default", kr)
	ka, _, err := a.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.CreateWithKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, a, StatusUnlocked)
	if !bytes.Equal(r.Key, ka) {
		t.Fatal("second data directory overwrote the first one's keyring item")
	}
}

func TestWrongPassphrase(t *testing.T) {
	ctx := ctxT(t)
	c, _ := newTestCustody(t, newMemKeyring())
	if _, _, err := c.CreateWithPassphrase(ctx, pass("right passphrase")); err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{"wrong passphrase", "right passphrasE", "", "right passphrase "} {
		_, err := c.UnlockPassphrase(ctx, pass(wrong))
		if !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("UnlockPassphrase(%q) = %v, want ErrWrongPassphrase", wrong, err)
		}
		var kfe *KeyFileError
		if errors.As(err, &kfe) || strings.Contains(err.Error(), "corrupt") {
			t.Fatalf("wrong passphrase reported as a file problem: %v", err)
		}
	}
}

func TestPassphraseTooShort(t *testing.T) {
	c, dir := newTestCustody(t, newMemKeyring())
	if _, _, err := c.CreateWithPassphrase(ctxT(t), pass("short")); !errors.Is(err, ErrPassphraseTooShort) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("refused create wrote something")
	}
}

// createdPassphraseFile returns a custody with a passphrase profile
// ("passphrase one") and the key file bytes.
func createdPassphraseFile(t *testing.T) (*Custody, []byte, []byte, string) {
	t.Helper()
	c, _ := newTestCustody(t, newMemKeyring())
	key, rec, err := c.CreateWithPassphrase(ctxT(t), pass("passphrase one"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.KeyFilePath())
	if err != nil {
		t.Fatal(err)
	}
	return c, data, key, rec
}

// editKeyFile decodes data as generic JSON, applies edit and re-encodes.
func editKeyFile(t *testing.T, data []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func flipB64(t *testing.T, s any) string {
	b, err := base64.StdEncoding.DecodeString(s.(string))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	return base64.StdEncoding.EncodeToString(b)
}

func TestCorruptKeyFile(t *testing.T) {
	c, data, _, _ := createdPassphraseFile(t)
	tests := []struct {
		name    string
		content []byte
		problem string
	}{
		{"empty", nil, "empty"},
		{"truncated", data[:len(data)/2], "truncated"},
		{"garbage", []byte("\x00\x01binary"), "not valid JSON"},
		{"trailing", append(append([]byte{}, data...), []byte("{}")...), "after the end"},
		{"not ours", []byte(`{"format": "other", "version": 1}`), "not a Tacit key file"},
		{"newer", editKeyFile(t, data, func(m map[string]any) { m["version"] = 2 }), "newer Tacit"},
		{"unknown field", editKeyFile(t, data, func(m map[string]any) { m["extra"] = 1 }), "unknown field"},
		{"bad mode", editKeyFile(t, data, func(m map[string]any) { m["mode"] = "usb" }), "unknown mode"},
		{"no recovery", editKeyFile(t, data, func(m map[string]any) { delete(m, "recovery") }), "recovery slot is missing"},
		{"no passphrase slot", editKeyFile(t, data, func(m map[string]any) { delete(m, "passphrase") }), "passphrase slot is missing"},
		{"short salt", editKeyFile(t, data, func(m map[string]any) {
			m["passphrase"].(map[string]any)["salt"] = "AAAA"
		}), "salt must be 16 bytes"},
		{"bad base64", editKeyFile(t, data, func(m map[string]any) {
			m["passphrase"].(map[string]any)["nonce"] = "!!!"
		}), "base64"},
		{"huge memory", editKeyFile(t, data, func(m map[string]any) {
			m["passphrase"].(map[string]any)["memory_kib"] = 1 << 30
		}), "argon2id memory"},
		{"wrong type", editKeyFile(t, data, func(m map[string]any) { m["key_id"] = 5 }), "wrong type"},
		{"bad key id", editKeyFile(t, data, func(m map[string]any) { m["key_id"] = "xyz" }), "key_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(c.KeyFilePath(), tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			check := func(op string, err error) {
				t.Helper()
				var kfe *KeyFileError
				if !errors.As(err, &kfe) || !errors.Is(err, ErrKeyFileCorrupt) {
					t.Fatalf("%s: err = %v, want *KeyFileError (corrupt)", op, err)
				}
				if kfe.Path != c.KeyFilePath() || !strings.Contains(err.Error(), c.KeyFilePath()) {
					t.Fatalf("%s: error does not name the file: %v", op, err)
				}
				if !strings.Contains(kfe.Problem, tt.problem) {
					t.Fatalf("%s: problem %q, want it to mention %q", op, kfe.Problem, tt.problem)
				}
				if errors.Is(err, ErrWrongPassphrase) {
					t.Fatalf("%s: corrupt file reported as wrong passphrase", op)
				}
			}
			_, err := c.Open(ctxT(t))
			check("Open", err)
			_, err = c.UnlockPassphrase(ctxT(t), pass("passphrase one"))
			check("UnlockPassphrase", err)
			_, _, err = c.CreateWithPassphrase(ctxT(t), pass("new passphrase"))
			check("CreateWithPassphrase", err)
		})
	}
}

func TestTamperedKeyFile(t *testing.T) {
	c, data, _, rec := createdPassphraseFile(t)
	tests := []struct {
		name   string
		edit   func(m map[string]any)
		unlock func() error
	}{
		{"passphrase wrapped", func(m map[string]any) {
			s := m["passphrase"].(map[string]any)
			s["wrapped"] = flipB64(t, s["wrapped"])
		}, func() error { _, err := c.UnlockPassphrase(ctxT(t), pass("passphrase one")); return err }},
		{"passphrase nonce", func(m map[string]any) {
			s := m["passphrase"].(map[string]any)
			s["nonce"] = flipB64(t, s["nonce"])
		}, func() error { _, err := c.UnlockPassphrase(ctxT(t), pass("passphrase one")); return err }},
		{"key check", func(m map[string]any) {
			m["key_check"] = flipB64(t, m["key_check"])
		}, func() error { _, err := c.UnlockPassphrase(ctxT(t), pass("passphrase one")); return err }},
		{"recovery wrapped", func(m map[string]any) {
			s := m["recovery"].(map[string]any)
			s["wrapped"] = flipB64(t, s["wrapped"])
		}, func() error { _, err := c.UnlockRecovery(ctxT(t), rec); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(c.KeyFilePath(), editKeyFile(t, data, tt.edit), 0o600); err != nil {
				t.Fatal(err)
			}
			err := tt.unlock()
			var kfe *KeyFileError
			if !errors.Is(err, ErrKeyFileTampered) || !errors.As(err, &kfe) || kfe.Path != c.KeyFilePath() {
				t.Fatalf("err = %v, want *KeyFileError (modified)", err)
			}
			if errors.Is(err, ErrWrongPassphrase) {
				t.Fatal("tampering reported as wrong passphrase")
			}
		})
	}
}

func TestKeyringUnavailableNeverCreatesKey(t *testing.T) {
	for name, cause := range keyringFailures {
		t.Run(name, func(t *testing.T) {
			ctx := ctxT(t)
			c, dir := newTestCustody(t, failingKeyring{cause})
			r := mustOpen(t, c, StatusFirstRun)
			if !errors.Is(r.Err, ErrKeyringUnavailable) || !wrapsCause(r.Err, cause) {
				t.Fatalf("first-run probe err = %v, want keyring unavailable wrapping the cause", r.Err)
			}
			key, rec, err := c.CreateWithKeyring(ctx)
			var ke *KeyringError
			if !errors.As(err, &ke) || !errors.Is(err, ErrKeyringUnavailable) || !wrapsCause(err, cause) {
				t.Fatalf("CreateWithKeyring err = %v", err)
			}
			if key != nil || rec != "" {
				t.Fatal("key handed out although the keyring failed")
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Fatal("data directory written although the keyring failed")
			}
			// The UI falls back to the passphrase.
			if _, _, err := c.CreateWithPassphrase(ctx, pass("fallback passphrase")); err != nil {
				t.Fatal(err)
			}
			mustOpen(t, c, StatusLocked)
		})
	}
}

func TestKeyringUnavailableOnExistingProfile(t *testing.T) {
	for name, cause := range keyringFailures {
		t.Run(name, func(t *testing.T) {
			ctx := ctxT(t)
			sw := &switchableKeyring{cur: newMemKeyring()}
			c, dir := newTestCustody(t, sw)
			key, rec, err := c.CreateWithKeyring(ctx)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(c.KeyFilePath())
			sw.set(failingKeyring{cause})

			r := mustOpen(t, c, StatusKeyringUnavailable)
			if !wrapsCause(r.Err, cause) || r.Key != nil {
				t.Fatalf("OpenResult = %+v", r)
			}
			if _, err := c.UnlockKeyring(ctx); !errors.Is(err, ErrKeyringUnavailable) || errors.Is(err, ErrKeyMissing) {
				t.Fatalf("UnlockKeyring err = %v", err)
			}
			if _, _, err := c.CreateWithKeyring(ctx); !errors.Is(err, ErrAlreadyCreated) {
				t.Fatalf("CreateWithKeyring on existing profile: %v", err)
			}
			if _, _, err := c.CreateWithPassphrase(ctx, pass("fresh passphrase")); !errors.Is(err, ErrAlreadyCreated) {
				t.Fatalf("CreateWithPassphrase on existing profile: %v", err)
			}
			after, _ := os.ReadFile(c.KeyFilePath())
			if !bytes.Equal(before, after) {
				t.Fatal("key file changed while the keyring was unavailable")
			}
			assertOnlyFiles(t, dir, KeyFileName)

			// The recovery key moves the profile to a passphrase.
			got, err := c.ResetPassphrase(ctx, rec, pass("new passphrase"))
			if !errors.Is(err, ErrStaleKeyringEntry) || !wrapsCause(err, cause) {
				t.Fatalf("ResetPassphrase err = %v, want stale keyring entry", err)
			}
			if !bytes.Equal(got, key) {
				t.Fatal("recovered a different key")
			}
			mustOpen(t, c, StatusLocked)
		})
	}
}

func TestKeyMissingFromKeyring(t *testing.T) {
	ctx := ctxT(t)
	kr := newMemKeyring()
	c, _ := newTestCustody(t, kr)
	key, rec, err := c.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kf := readKeyFile(t, c)
	if err := kr.Delete(KeyringService, kf.Keyring.User); err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, c, StatusKeyMissing)
	if !errors.Is(r.Err, ErrKeyMissing) {
		t.Fatalf("Err = %v", r.Err)
	}
	if _, _, err := c.CreateWithKeyring(ctx); !errors.Is(err, ErrAlreadyCreated) {
		t.Fatalf("new key created over a missing one: %v", err)
	}
	if kr.len() != 0 {
		t.Fatal("a key was written to the keyring")
	}
	got, err := c.UnlockRecovery(ctx, rec)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("UnlockRecovery = %v", err)
	}
	got, err = c.ResetPassphrase(ctx, rec, pass("new passphrase"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("ResetPassphrase = %v", err)
	}
	got, err = c.UnlockPassphrase(ctx, pass("new passphrase"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("UnlockPassphrase after reset = %v", err)
	}
}

func TestKeyringEntryInvalid(t *testing.T) {
	ctx := ctxT(t)
	kr := newMemKeyring()
	c, _ := newTestCustody(t, kr)
	if _, _, err := c.CreateWithKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	user := readKeyFile(t, c).Keyring.User
	for _, v := range []string{"not base64!", base64.StdEncoding.EncodeToString(make([]byte, 16)), base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))} {
		kr.Set(KeyringService, user, v)
		if _, err := c.UnlockKeyring(ctx); !errors.Is(err, ErrKeyringEntryInvalid) {
			t.Fatalf("entry %q: err = %v", v, err)
		}
		if _, err := c.Open(ctx); !errors.Is(err, ErrKeyringEntryInvalid) {
			t.Fatalf("Open with entry %q: err = %v", v, err)
		}
	}
}

func TestKeyringHangTimesOut(t *testing.T) {
	h := newHangingKeyring(t)
	dir := filepath.Join(t.TempDir(), "data")
	c := NewCustody(dir, "test", h, WithKDFParams(cheapKDF), WithKeyringTimeout(20*time.Millisecond))

	type res struct {
		key []byte
		err error
	}
	done := make(chan res, 1)
	go func() {
		key, _, err := c.CreateWithKeyring(context.Background())
		done <- res{key, err}
	}()
	select {
	case <-h.entered:
	case <-ctxT(t).Done():
		t.Fatal("keyring never called")
	}
	var r res
	select {
	case r = <-done:
	case <-ctxT(t).Done():
		t.Fatal("CreateWithKeyring blocked on a hanging keyring")
	}
	if !errors.Is(r.err, ErrKeyringUnavailable) || !errors.Is(r.err, context.DeadlineExceeded) || r.key != nil {
		t.Fatalf("err = %v, want keyring unavailable (deadline exceeded)", r.err)
	}
	if _, err := os.Stat(c.KeyFilePath()); !os.IsNotExist(err) {
		t.Fatal("key file written after a timed-out keyring call")
	}
}

func TestKeyringCallHonoursCancel(t *testing.T) {
	sw := &switchableKeyring{cur: newMemKeyring()}
	c, _ := newTestCustody(t, sw)
	if _, _, err := c.CreateWithKeyring(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	h := newHangingKeyring(t)
	sw.set(h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan OpenResult, 1)
	go func() {
		r, _ := c.Open(ctx)
		done <- r
	}()
	select {
	case <-h.entered:
	case <-ctxT(t).Done():
		t.Fatal("keyring never called")
	}
	cancel() // the user pressed Cancel
	select {
	case r := <-done:
		if r.Status != StatusKeyringUnavailable || !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("Open = %+v", r)
		}
	case <-ctxT(t).Done():
		t.Fatal("Open ignored cancellation")
	}
}

func TestChangePassphrase(t *testing.T) {
	ctx := ctxT(t)
	c, _, key, rec := createdPassphraseFile(t)
	if err := c.ChangePassphrase(ctx, pass("not the old one"), pass("passphrase two")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("change with wrong old passphrase: %v", err)
	}
	if err := c.ChangePassphrase(ctx, pass("passphrase one"), pass("short")); !errors.Is(err, ErrPassphraseTooShort) {
		t.Fatalf("change to short passphrase: %v", err)
	}
	oldP, newP := pass("passphrase one"), pass("passphrase two")
	if err := c.ChangePassphrase(ctx, oldP, newP); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(oldP, make([]byte, len(oldP))) || !bytes.Equal(newP, make([]byte, len(newP))) {
		t.Error("passphrases not wiped")
	}
	if _, err := c.UnlockPassphrase(ctx, pass("passphrase one")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase still works: %v", err)
	}
	got, err := c.UnlockPassphrase(ctx, pass("passphrase two"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("new passphrase: %v (same key: %v)", err, bytes.Equal(got, key))
	}
	got, err = c.UnlockRecovery(ctx, rec)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("recovery after change: %v", err)
	}
}

func TestSwitchModesKeepsKey(t *testing.T) {
	ctx := ctxT(t)
	kr := newMemKeyring()
	c, _ := newTestCustody(t, kr)
	key, rec, err := c.CreateWithPassphrase(ctx, pass("passphrase one"))
	if err != nil {
		t.Fatal(err)
	}
	keyID := readKeyFile(t, c).KeyID

	if err := c.SwitchToKeyring(ctx, pass("wrong passphrase")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("switch with wrong passphrase: %v", err)
	}
	if err := c.SwitchToKeyring(ctx, pass("passphrase one")); err != nil {
		t.Fatal(err)
	}
	kf := readKeyFile(t, c)
	if kf.Mode != ModeKeyring || kf.Passphrase != nil || kf.KeyID != keyID {
		t.Fatalf("after switch to keyring: %+v", kf)
	}
	r := mustOpen(t, c, StatusUnlocked)
	if !bytes.Equal(r.Key, key) {
		t.Fatal("switch to keyring changed the key")
	}

	if err := c.SwitchToPassphrase(ctx, pass("passphrase three")); err != nil {
		t.Fatal(err)
	}
	if kr.len() != 0 {
		t.Fatal("key left in the keyring after switching to passphrase")
	}
	mustOpen(t, c, StatusLocked)
	got, err := c.UnlockPassphrase(ctx, pass("passphrase three"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("after switch back: %v", err)
	}
	got, err = c.UnlockRecovery(ctx, rec)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("recovery after switches: %v", err)
	}
	if readKeyFile(t, c).KeyID != keyID {
		t.Fatal("key ID changed")
	}
}

func TestSwitchToKeyringFailureLeavesPassphrase(t *testing.T) {
	ctx := ctxT(t)
	c, dir := newTestCustody(t, failingKeyring{keyringFailures["dbus ServiceUnknown"]})
	key, _, err := c.CreateWithPassphrase(ctx, pass("passphrase one"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(c.KeyFilePath())
	if err := c.SwitchToKeyring(ctx, pass("passphrase one")); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(c.KeyFilePath())
	if !bytes.Equal(before, after) {
		t.Fatal("key file changed by a failed switch")
	}
	got, err := c.UnlockPassphrase(ctx, pass("passphrase one"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatal("passphrase no longer works")
	}
	assertOnlyFiles(t, dir, KeyFileName)
}

// deleteFailsKeyring stores and reads but cannot delete.
type deleteFailsKeyring struct{ *memKeyring }

func (deleteFailsKeyring) Delete(string, string) error {
	return errors.New("org.freedesktop.DBus.Error.NoReply")
}

func TestSwitchToPassphraseReportsStaleEntry(t *testing.T) {
	ctx := ctxT(t)
	c, _ := newTestCustody(t, deleteFailsKeyring{newMemKeyring()})
	key, _, err := c.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = c.SwitchToPassphrase(ctx, pass("passphrase one"))
	var ke *KeyringError
	if !errors.Is(err, ErrStaleKeyringEntry) || !errors.As(err, &ke) || ke.Op != "delete" {
		t.Fatalf("err = %v, want stale keyring entry", err)
	}
	if m, _ := c.Mode(); m != ModePassphrase {
		t.Fatalf("mode %q after switch", m)
	}
	got, err := c.UnlockPassphrase(ctx, pass("passphrase one"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatal("switched profile does not unlock")
	}
}

func TestRecoveryKey(t *testing.T) {
	ctx := ctxT(t)
	c, _, key, rec := createdPassphraseFile(t)
	groups := strings.Split(rec, "-")
	if len(groups) != 14 {
		t.Fatalf("recovery key %d groups", len(groups))
	}
	for _, g := range groups {
		if len(g) != 4 || strings.Trim(g, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("bad group %q", g)
		}
	}
	// Typed by a person: lower case, spaces, a line break.
	typed := strings.ToLower(strings.ReplaceAll(rec, "-", " "))
	typed = typed[:30] + "\n" + typed[30:]
	got, err := c.UnlockRecovery(ctx, typed)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("UnlockRecovery(typed) = %v", err)
	}

	typo := []byte(rec)
	if typo[0] == 'A' {
		typo[0] = 'B'
	} else {
		typo[0] = 'A'
	}
	for _, bad := range []string{"", rec[:len(rec)-1], string(typo), rec + "A", strings.Replace(rec, rec[:1], "9", 1)} {
		if _, err := c.UnlockRecovery(ctx, bad); !errors.Is(err, ErrInvalidRecoveryKey) {
			t.Fatalf("UnlockRecovery(%q) = %v, want ErrInvalidRecoveryKey", bad, err)
		}
	}
	_, other, err := newRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UnlockRecovery(ctx, other); !errors.Is(err, ErrWrongRecoveryKey) {
		t.Fatalf("other recovery key: %v", err)
	}
	if _, err := c.ResetPassphrase(ctx, other, pass("new passphrase")); !errors.Is(err, ErrWrongRecoveryKey) {
		t.Fatalf("ResetPassphrase with other key: %v", err)
	}

	// Forgotten passphrase: the recovery key sets a new one, same key.
	got, err = c.ResetPassphrase(ctx, rec, pass("brand new passphrase"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("ResetPassphrase = %v", err)
	}
	if _, err := c.UnlockPassphrase(ctx, pass("passphrase one")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatal("forgotten passphrase still works")
	}
	got, err = c.UnlockPassphrase(ctx, pass("brand new passphrase"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("new passphrase = %v", err)
	}
}

func TestRecoveryKeyParse(t *testing.T) {
	secret, text, err := newRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseRecoveryKey(text)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("parse(%q) = %x, %v", text, got, err)
	}
	// Confusable digits are read as letters.
	confused := strings.NewReplacer("O", "0", "I", "1", "B", "8").Replace(text)
	if got, err := parseRecoveryKey(confused); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("parse(confusable) = %v", err)
	}
}

func TestKeyFileMissingWithData(t *testing.T) {
	ctx := ctxT(t)
	c, dir := newTestCustody(t, newMemKeyring())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Only the preferences file (--data keeps it here): still a first run.
	if err := os.WriteFile(filepath.Join(dir, PreferencesFileName), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, c, StatusFirstRun)
	if err := os.WriteFile(filepath.Join(dir, "tacit.db"), []byte("encrypted pages"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(ctx); !errors.Is(err, ErrKeyFileMissing) || !strings.Contains(err.Error(), "tacit.db") {
		t.Fatalf("Open = %v, want ErrKeyFileMissing naming tacit.db", err)
	}
	if _, _, err := c.CreateWithPassphrase(ctx, pass("passphrase one")); !errors.Is(err, ErrKeyFileMissing) {
		t.Fatalf("CreateWithPassphrase = %v", err)
	}
	if _, _, err := c.CreateWithKeyring(ctx); !errors.Is(err, ErrKeyFileMissing) {
		t.Fatalf("CreateWithKeyring = %v", err)
	}
	if _, err := os.Stat(c.KeyFilePath()); !os.IsNotExist(err) {
		t.Fatal("key file created next to existing data")
	}
}

func TestCustodyFileModes(t *testing.T) {
	ctx := ctxT(t)
	c, dir := newTestCustody(t, newMemKeyring())
	if _, _, err := c.CreateWithPassphrase(ctx, pass("passphrase one")); err != nil {
		t.Fatal(err)
	}
	if err := c.ChangePassphrase(ctx, pass("passphrase one"), pass("passphrase two")); err != nil {
		t.Fatal(err)
	}
	if err := c.SwitchToKeyring(ctx, pass("passphrase two")); err != nil {
		t.Fatal(err)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode %v", di.Mode().Perm())
	}
	fi, err := os.Stat(c.KeyFilePath())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	assertOnlyFiles(t, dir, KeyFileName)
}

func TestNoSecretsOnDisk(t *testing.T) {
	ctx := ctxT(t)
	base := t.TempDir()
	paths, err := ResolvePaths("", filepath.Join(base, "profile"))
	if err != nil {
		t.Fatal(err)
	}
	if err := paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	prefs := Default()
	prefs.KeyCustody = ModeKeyring
	if err := SavePreferences(paths.PreferencesFile(), prefs); err != nil {
		t.Fatal(err)
	}
	c := NewCustody(paths.Data, paths.Profile, newMemKeyring(), WithKDFParams(cheapKDF))
	passphrases := []string{"first secret phrase", "second secret phrase", "third secret phrase", "fourth secret phrase"}
	key, rec, err := c.CreateWithPassphrase(ctx, pass(passphrases[0]))
	if err != nil {
		t.Fatal(err)
	}
	steps := []error{
		c.ChangePassphrase(ctx, pass(passphrases[0]), pass(passphrases[1])),
		c.SwitchToKeyring(ctx, pass(passphrases[1])),
		c.SwitchToPassphrase(ctx, pass(passphrases[2])),
	}
	_, err = c.ResetPassphrase(ctx, rec, pass(passphrases[3]))
	steps = append(steps, err)
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	recSecret, err := parseRecoveryKey(rec)
	if err != nil {
		t.Fatal(err)
	}
	needles := map[string][]byte{
		"key":                  key,
		"key hex":              []byte(hex.EncodeToString(key)),
		"key HEX":              []byte(strings.ToUpper(hex.EncodeToString(key))),
		"key base64":           []byte(base64.StdEncoding.EncodeToString(key)),
		"key base64 raw":       []byte(base64.RawStdEncoding.EncodeToString(key)),
		"key base64 url":       []byte(base64.URLEncoding.EncodeToString(key)),
		"key prefix":           key[:8],
		"recovery":             []byte(rec),
		"recovery no dashes":   []byte(strings.ReplaceAll(rec, "-", "")),
		"recovery group":       []byte(strings.Join(strings.Split(rec, "-")[3:6], "-")),
		"recovery secret":      recSecret,
		"recovery secret hex":  []byte(hex.EncodeToString(recSecret)),
		"recovery secret b64":  []byte(base64.StdEncoding.EncodeToString(recSecret)),
		"recovery secret b64r": []byte(base64.RawStdEncoding.EncodeToString(recSecret)),
	}
	for i, p := range passphrases {
		needles["passphrase "+string(rune('0'+i))] = []byte(p)
		needles["passphrase b64 "+string(rune('0'+i))] = []byte(base64.StdEncoding.EncodeToString([]byte(p)))
	}
	files := 0
	err = filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for name, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("%s contains the %s", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 2 { // settings.json and key.json
		t.Fatalf("scanned %d files, want 2", files)
	}
}

func TestConcurrentUnlocks(t *testing.T) {
	ctx := ctxT(t)
	c, _, key, _ := createdPassphraseFile(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%2 == 0 {
				got, err := c.UnlockPassphrase(ctx, pass("passphrase one"))
				if err == nil && !bytes.Equal(got, key) {
					err = errors.New("different key")
				}
				errs <- err
				return
			}
			_, err := c.Open(ctx)
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestSystemKeyringWithMock runs the go-keyring adapter against go-keyring's
// own in-memory mock (a package global, so this test is not parallel).
func TestSystemKeyringWithMock(t *testing.T) {
	ctx := ctxT(t)
	keyring.MockInit()
	c, _ := newTestCustody(t, SystemKeyring{})
	key, _, err := c.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, c, StatusUnlocked)
	if !bytes.Equal(r.Key, key) {
		t.Fatal("different key")
	}
	cause := errors.New("dbus: connection refused")
	keyring.MockInitWithError(cause)
	r = mustOpen(t, c, StatusKeyringUnavailable)
	if !errors.Is(r.Err, cause) {
		t.Fatalf("Err = %v", r.Err)
	}
	keyring.MockInit()
	r = mustOpen(t, c, StatusKeyMissing) // the fresh mock has lost the key
	if !errors.Is(r.Err, ErrKeyMissing) {
		t.Fatalf("Err = %v", r.Err)
	}
}

func TestStatusString(t *testing.T) {
	for s := StatusFirstRun; s <= StatusKeyMissing; s++ {
		if strings.HasPrefix(s.String(), "Status(") {
			t.Errorf("%d has no name", s)
		}
	}
}

func TestPassphraseUnicodeNormalization(t *testing.T) {
	ctx := ctxT(t)
	c, _ := newTestCustody(t, newMemKeyring())
	composed := "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e"       // é as one code point
	decomposed := "cafe\u0301 cre\u0300me bru\u0302le\u0301e" // e + combining accent
	key, _, err := c.CreateWithPassphrase(ctx, pass(composed))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.UnlockPassphrase(ctx, pass(decomposed))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("decomposed form of the same passphrase: %v", err)
	}
	// Eight characters of two bytes each pass the length check; seven do not.
	c2, _ := newTestCustody(t, newMemKeyring())
	if _, _, err := c2.CreateWithPassphrase(ctx, pass(strings.Repeat("\u00e9", 7))); !errors.Is(err, ErrPassphraseTooShort) {
		t.Fatalf("7 characters: %v", err)
	}
	if _, _, err := c2.CreateWithPassphrase(ctx, pass(strings.Repeat("\u00e9", 8))); err != nil {
		t.Fatalf("8 characters: %v", err)
	}
}

func TestRenewRecoveryKey(t *testing.T) {
	ctx := ctxT(t)
	for _, mode := range []Mode{ModePassphrase, ModeKeyring} {
		t.Run(string(mode), func(t *testing.T) {
			c, _ := newTestCustody(t, newMemKeyring())
			var key []byte
			var oldRec string
			var err error
			if mode == ModePassphrase {
				key, oldRec, err = c.CreateWithPassphrase(ctx, pass("passphrase one"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.RenewRecoveryKey(ctx, pass("wrong passphrase")); !errors.Is(err, ErrWrongPassphrase) {
					t.Fatalf("renew with wrong passphrase: %v", err)
				}
			} else {
				key, oldRec, err = c.CreateWithKeyring(ctx)
				if err != nil {
					t.Fatal(err)
				}
			}
			newRec, err := c.RenewRecoveryKey(ctx, pass("passphrase one"))
			if err != nil {
				t.Fatal(err)
			}
			if newRec == oldRec {
				t.Fatal("recovery key not renewed")
			}
			if _, err := c.UnlockRecovery(ctx, oldRec); !errors.Is(err, ErrWrongRecoveryKey) {
				t.Fatalf("old recovery key: %v", err)
			}
			got, err := c.UnlockRecovery(ctx, newRec)
			if err != nil || !bytes.Equal(got, key) {
				t.Fatalf("new recovery key: %v", err)
			}
		})
	}
}

func TestPassphraseOperationsOnKeyringProfile(t *testing.T) {
	ctx := ctxT(t)
	c, _ := newTestCustody(t, newMemKeyring())
	if _, _, err := c.CreateWithKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.ChangePassphrase(ctx, pass("passphrase one"), pass("passphrase two")); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("ChangePassphrase: %v", err)
	}
	if err := c.SwitchToKeyring(ctx, pass("passphrase one")); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("SwitchToKeyring: %v", err)
	}
	c2, _, _, _ := createdPassphraseFile(t)
	if err := c2.SwitchToPassphrase(ctx, pass("passphrase two")); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("SwitchToPassphrase on passphrase profile: %v", err)
	}
}

func TestOperationsBeforeCreate(t *testing.T) {
	ctx := ctxT(t)
	c, dir := newTestCustody(t, newMemKeyring())
	checks := map[string]error{}
	_, checks["UnlockKeyring"] = c.UnlockKeyring(ctx)
	_, checks["UnlockPassphrase"] = c.UnlockPassphrase(ctx, pass("passphrase one"))
	_, checks["UnlockRecovery"] = c.UnlockRecovery(ctx, "AAAA")
	checks["ChangePassphrase"] = c.ChangePassphrase(ctx, pass("passphrase one"), pass("passphrase two"))
	checks["SwitchToKeyring"] = c.SwitchToKeyring(ctx, pass("passphrase one"))
	checks["SwitchToPassphrase"] = c.SwitchToPassphrase(ctx, pass("passphrase one"))
	_, checks["RenewRecoveryKey"] = c.RenewRecoveryKey(ctx, nil)
	for op, err := range checks {
		if !errors.Is(err, ErrNoKey) {
			t.Errorf("%s before create: %v, want ErrNoKey", op, err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("operations before create wrote files")
	}
}

func TestKeyringErrorMessages(t *testing.T) {
	e := &KeyringError{Op: "get", User: "default/0011223344556677", Err: context.DeadlineExceeded}
	if !strings.Contains(e.Error(), "no answer in time") || !strings.Contains(e.Error(), "tacit/default/0011223344556677") {
		t.Fatalf("message %q", e.Error())
	}
	if !errors.Is(e, ErrKeyringUnavailable) || !errors.Is(e, context.DeadlineExceeded) {
		t.Fatal("KeyringError does not match its sentinel and cause")
	}
}

// TestSettingsChangesOpenWithTheNewSecret follows the settings' data protection section: after each change
// a later start (a new Custody on the same directory) opens the same key with the new secret only.
func TestSettingsChangesOpenWithTheNewSecret(t *testing.T) {
	ctx := ctxT(t)
	kr := newMemKeyring()
	c, dir := newTestCustody(t, kr)
	key, firstRec, err := c.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	restart := func() *Custody { return NewCustody(dir, "test", kr, WithKDFParams(cheapKDF)) }
	unlocks := func(c *Custody, p string) {
		t.Helper()
		got, err := c.UnlockPassphrase(ctx, pass(p))
		if err != nil || !bytes.Equal(got, key) {
			t.Fatalf("%q does not open the data: %v", p, err)
		}
	}
	refused := func(c *Custody, p string, want error) {
		t.Helper()
		if _, err := c.UnlockPassphrase(ctx, pass(p)); !errors.Is(err, want) {
			t.Fatalf("%q: %v, want %v", p, err, want)
		}
	}

	// Keyring to passphrase: the keyring no longer opens it, the passphrase does.
	if err := c.SwitchToPassphrase(ctx, pass("passphrase one")); err != nil {
		t.Fatal(err)
	}
	c = restart()
	mustOpen(t, c, StatusLocked)
	if _, err := c.UnlockKeyring(ctx); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("the keyring still opens a passphrase profile: %v", err)
	}
	refused(c, "passphrase two", ErrWrongPassphrase)
	unlocks(c, "passphrase one")

	// A new passphrase: the old one stops working.
	if err := c.ChangePassphrase(ctx, pass("passphrase one"), pass("passphrase two")); err != nil {
		t.Fatal(err)
	}
	c = restart()
	mustOpen(t, c, StatusLocked)
	refused(c, "passphrase one", ErrWrongPassphrase)
	unlocks(c, "passphrase two")

	// Passphrase to keyring: it opens without one, and no passphrase opens it any more.
	if err := c.SwitchToKeyring(ctx, pass("passphrase one")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("switched with the old passphrase: %v", err)
	}
	if err := c.SwitchToKeyring(ctx, pass("passphrase two")); err != nil {
		t.Fatal(err)
	}
	c = restart()
	if r := mustOpen(t, c, StatusUnlocked); !bytes.Equal(r.Key, key) {
		t.Fatal("the keyring holds another key")
	}
	refused(c, "passphrase two", ErrWrongMode)

	// A new recovery key: the first one opens nothing and resets nothing; the new one does both.
	rec, err := c.RenewRecoveryKey(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c = restart()
	if _, err := c.UnlockRecovery(ctx, firstRec); !errors.Is(err, ErrWrongRecoveryKey) {
		t.Fatalf("the old recovery key: %v", err)
	}
	if _, err := c.ResetPassphrase(ctx, firstRec, pass("passphrase three")); !errors.Is(err, ErrWrongRecoveryKey) {
		t.Fatalf("the old recovery key reset the passphrase: %v", err)
	}
	mustOpen(t, c, StatusUnlocked)
	got, err := c.ResetPassphrase(ctx, rec, pass("passphrase three"))
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("the new recovery key: %v", err)
	}
	c = restart()
	unlocks(c, "passphrase three")
}

// TestKeyringAvailable: the data protection section offers the keyring only when it answers; an item that
// does not exist yet is no failure.
func TestKeyringAvailable(t *testing.T) {
	ctx := ctxT(t)
	c, _ := newTestCustody(t, newMemKeyring())
	if err := c.KeyringAvailable(ctx); err != nil {
		t.Fatalf("an empty keyring: %v", err)
	}
	c, _ = newTestCustody(t, failingKeyring{keyringFailures["dbus ServiceUnknown"]})
	if err := c.KeyringAvailable(ctx); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("a keyring that does not answer: %v", err)
	}
}
