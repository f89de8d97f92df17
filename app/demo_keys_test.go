package app

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tacit/settings"
	"tacit/ui"
)

// TestDemoDataProtection walks the demo's data protection as the window does: the first-run page with its
// suggested passphrase, the recovery key, the app lock on that passphrase, then every change the settings'
// data section makes. The key file lives in a temporary directory of its own, removed when the demo ends, and
// the profile's directory stays empty.
func TestDemoDataProtection(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	profile := t.TempDir()
	paths, err := settings.ResolvePaths("", profile)
	if err != nil {
		t.Fatal(err)
	}
	setup := newSetup(ctx, paths, settings.Default(), "", newDiagnostics(io.Discard))
	closed := false
	defer func() {
		if !closed {
			setup.close()
		}
	}()
	v, err := setup.Demo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keyDir := setup.demo.keys.dir
	if strings.HasPrefix(keyDir, profile) {
		t.Fatalf("the demo's keys are in the profile: %s", keyDir)
	}

	st, err := v.State(ctx)
	if err != nil || st.Status != ui.VaultFirstRun || !st.KeyringAvailable || st.DemoPassphrase != demoPassphrase {
		t.Fatalf("the demo's first run: %+v, %v", st, err)
	}
	if _, err := v.Open(ctx); err == nil {
		t.Fatal("the demo opened before its key was made")
	}
	pass := []byte(demoPassphrase)
	rec, err := v.CreateWithPassphrase(ctx, pass)
	if err != nil || rec == "" || !zeroed(pass) {
		t.Fatalf("create: %q, %v (zeroed %v)", rec, err, zeroed(pass))
	}
	if _, err := os.Stat(filepath.Join(keyDir, settings.KeyFileName)); err != nil {
		t.Fatalf("no key file in the demo's directory: %v", err)
	}
	svc, err := v.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if shown, ok := svc.Demo.DemoPassphrase(); !ok || shown != demoPassphrase {
		t.Fatalf("DemoPassphrase = %q, %v", shown, ok)
	}
	if ls, err := svc.Lock.LockSettings(ctx); err != nil || !ls.Available {
		t.Fatalf("the demo's lock: %+v, %v", ls, err)
	}
	if err := v.CheckPassphrase(ctx, []byte(demoPassphrase)); err != nil {
		t.Fatalf("the demo passphrase: %v", err)
	}
	var p *ui.Problem
	if err := v.CheckPassphrase(ctx, []byte("demo passphrasf")); !errors.As(err, &p) || p.Field != ui.FieldPassphrase {
		t.Fatalf("a wrong passphrase: %v", err)
	}
	if err := svc.Lock.SetIdleLock(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if ls, _ := svc.Lock.LockSettings(ctx); ls.IdleMinutes != 1 {
		t.Fatalf("the demo keeps %d minutes", ls.IdleMinutes)
	}

	// The settings' data section.
	if prot, err := v.Protection(ctx); err != nil || prot.Mode != ui.ProtectedByPassphrase || !prot.KeyringAvailable {
		t.Fatalf("protection: %+v, %v", prot, err)
	}
	const other = "another long passphrase"
	if err := v.ChangePassphrase(ctx, []byte(demoPassphrase), []byte(other)); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.Demo.DemoPassphrase(); ok {
		t.Fatal("the hints name the demo passphrase after it was changed")
	}
	if err := v.CheckPassphrase(ctx, []byte(other)); err != nil {
		t.Fatalf("the new passphrase: %v", err)
	}
	rec2, err := v.NewRecoveryKey(ctx, []byte(other))
	if err != nil || rec2 == "" || rec2 == rec {
		t.Fatalf("new recovery key: %v", err)
	}
	if err := v.UseKeyring(ctx, []byte(other)); err != nil {
		t.Fatal(err)
	}
	if prot, err := v.Protection(ctx); err != nil || prot.Mode != ui.ProtectedByKeyring {
		t.Fatalf("after the switch to the keyring: %+v, %v", prot, err)
	}
	if ls, err := svc.Lock.LockSettings(ctx); err != nil || ls.Available {
		t.Fatalf("the lock of a keyring demo: %+v, %v", ls, err)
	}
	if err := v.UsePassphrase(ctx, []byte(demoPassphrase)); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.Demo.DemoPassphrase(); !ok {
		t.Fatal("the demo passphrase is not named again")
	}
	if err := v.Recover(ctx, rec, []byte(other)); err == nil {
		t.Fatal("the replaced recovery key still works")
	}
	if err := v.Recover(ctx, rec2, []byte(other)); err != nil {
		t.Fatalf("recover with the new recovery key: %v", err)
	}

	setup.close()
	closed = true
	if _, err := os.Stat(keyDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the demo's key directory outlived the demo: %v", err)
	}
	if entries, err := os.ReadDir(profile); err != nil || len(entries) != 0 {
		t.Fatalf("the demo wrote to the profile: %v, %v", entries, err)
	}
}
