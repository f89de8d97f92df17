//go:build linux

package settings

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestSystemKeyringWithoutSessionBus uses the real go-keyring backend with a
// session bus address that leads nowhere, as on a desktop without D-Bus: the
// profile must fall back to the passphrase, and no key may be created. It
// runs in a child process because go-keyring's provider (swapped by
// keyring.MockInit in another test) and godbus's session connection are
// process globals.
func TestSystemKeyringWithoutSessionBus(t *testing.T) {
	if os.Getenv("TACIT_NO_BUS_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSystemKeyringWithoutSessionBus$", "-test.count=1")
		cmd.Env = append(os.Environ(), "TACIT_NO_BUS_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/tacit-test-bus")
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("PASS")) {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	ctx := ctxT(t)
	c, dir := newTestCustody(t, SystemKeyring{})
	r := mustOpen(t, c, StatusFirstRun)
	if !errors.Is(r.Err, ErrKeyringUnavailable) {
		t.Fatalf("first-run probe: %v, want keyring unavailable", r.Err)
	}
	if _, _, err := c.CreateWithKeyring(ctx); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("CreateWithKeyring: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("data directory written without a keyring")
	}
}

// TestSystemKeyringReal runs the whole keyring cycle against a real Secret
// Service. It needs a session bus with an unlocked keyring, so it only runs
// when TACIT_REAL_KEYRING=1:
//
//	dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//	  TACIT_REAL_KEYRING=1 go test -run TestSystemKeyringReal ./settings/'
//
// Under dbus-run-session without gnome-keyring the same test checks that
// "no Secret Service" (org.freedesktop.DBus.Error.ServiceUnknown) is
// reported as unavailable.
func TestSystemKeyringReal(t *testing.T) {
	if os.Getenv("TACIT_REAL_KEYRING") == "" {
		t.Skip("set TACIT_REAL_KEYRING=1 inside dbus-run-session (see the comment)")
	}
	ctx := ctxT(t)
	c, _ := newTestCustody(t, SystemKeyring{})
	r := mustOpen(t, c, StatusFirstRun)
	if r.Err != nil {
		t.Logf("keyring unavailable: %v", r.Err)
		if !errors.Is(r.Err, ErrKeyringUnavailable) {
			t.Fatalf("probe error not typed: %v", r.Err)
		}
		if _, _, err := c.CreateWithKeyring(ctx); !errors.Is(err, ErrKeyringUnavailable) {
			t.Fatalf("CreateWithKeyring: %v", err)
		}
		return
	}
	key, _, err := c.CreateWithKeyring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	user := readKeyFile(t, c).Keyring.User
	t.Cleanup(func() { _ = keyring.Delete(KeyringService, user) })
	r = mustOpen(t, c, StatusUnlocked)
	if !bytes.Equal(r.Key, key) {
		t.Fatal("keyring returned a different key")
	}
	if err := c.SwitchToPassphrase(ctx, pass("real keyring test")); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(KeyringService, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("item still in the keyring after switching to passphrase: %v", err)
	}
	if err := c.SwitchToKeyring(ctx, pass("real keyring test")); err != nil {
		t.Fatal(err)
	}
	r = mustOpen(t, c, StatusUnlocked)
	if !bytes.Equal(r.Key, key) {
		t.Fatal("key changed after switching back")
	}
}
