package app

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/zalando/go-keyring"

	"tacit/settings"
	"tacit/ui"
)

// The demo's data protection: the real pages and the real key custody, kept away from the user's profile
// and keyring. The key file is written to a temporary directory removed when the demo ends, and the
// "system keyring" is a map in this process. The demo keeps no database, so the key made there protects
// nothing; what the pages do with it (create, show the recovery key once, change the passphrase, move the key
// to the keyring and back, renew the recovery key) is what they do for a profile.

// demoProfile names the demo's keyring items.
const demoProfile = "demo"

// memoryKeyring is a keyring held in memory: it answers at once and forgets everything when the process ends.
type memoryKeyring struct {
	mu    sync.Mutex
	items map[string]string
}

// Get implements settings.Keyring.
func (k *memoryKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.items[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

// Set implements settings.Keyring.
func (k *memoryKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.items == nil {
		k.items = map[string]string{}
	}
	k.items[service+"/"+user] = secret
	return nil
}

// Delete implements settings.Keyring.
func (k *memoryKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.items[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.items, service+"/"+user)
	return nil
}

// demoKeys is the demo's key custody: its temporary directory, and whether the demo passphrase is the one
// that protects the key now (so the hints name it only then).
type demoKeys struct {
	dir     string
	custody *settings.Custody

	mu       sync.Mutex
	demoPass bool
}

// newDemoKeys makes the demo's custody in a new temporary directory.
func newDemoKeys() (*demoKeys, error) {
	dir, err := os.MkdirTemp("", "tacit-demo-")
	if err != nil {
		return nil, fmt.Errorf("app: demo key directory: %w", err)
	}
	return &demoKeys{dir: dir, custody: settings.NewCustody(dir, demoProfile, &memoryKeyring{})}, nil
}

// passphrase returns the demo passphrase when it protects the key now.
func (k *demoKeys) passphrase() (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return demoPassphrase, k.demoPass
}

// track runs set, which puts the key behind pass (nil: into the keyring), and remembers on success whether
// pass was the demo passphrase. pass is read before set wipes it.
func (k *demoKeys) track(pass []byte, set func() error) error {
	isDemo := pass != nil && string(pass) == demoPassphrase
	err := set()
	if err == nil {
		k.mu.Lock()
		k.demoPass = isDemo
		k.mu.Unlock()
	}
	return err
}

// remove deletes the temporary directory with the key file.
func (k *demoKeys) remove() error { return os.RemoveAll(k.dir) }

// demoVault is the Vault of the demo: the vault's pages over the demo's keys; Open starts the demo's session
// (which keeps nothing on disk) instead of opening a database.
type demoVault struct {
	*vault
	d *demoRun
}

// State implements ui.Vault: the vault's, with the passphrase the first-run page suggests.
func (v demoVault) State(ctx context.Context) (ui.VaultState, error) {
	st, err := v.vault.State(ctx)
	st.DemoPassphrase = demoPassphrase
	return st, err
}

// CreateWithKeyring implements ui.Vault.
func (v demoVault) CreateWithKeyring(ctx context.Context) (rec string, err error) {
	err = v.d.keys.track(nil, func() error {
		rec, err = v.vault.CreateWithKeyring(ctx)
		return err
	})
	return rec, err
}

// CreateWithPassphrase implements ui.Vault.
func (v demoVault) CreateWithPassphrase(ctx context.Context, pass []byte) (rec string, err error) {
	err = v.d.keys.track(pass, func() error {
		rec, err = v.vault.CreateWithPassphrase(ctx, pass)
		return err
	})
	return rec, err
}

// Recover implements ui.Vault.
func (v demoVault) Recover(ctx context.Context, recovery string, newPass []byte) error {
	return v.d.keys.track(newPass, func() error { return v.vault.Recover(ctx, recovery, newPass) })
}

// ChangePassphrase implements ui.DataProtection.
func (v demoVault) ChangePassphrase(ctx context.Context, current, next []byte) error {
	return v.d.keys.track(next, func() error { return v.vault.ChangePassphrase(ctx, current, next) })
}

// UseKeyring implements ui.DataProtection.
func (v demoVault) UseKeyring(ctx context.Context, current []byte) error {
	return v.d.keys.track(nil, func() error { return v.vault.UseKeyring(ctx, current) })
}

// UsePassphrase implements ui.DataProtection.
func (v demoVault) UsePassphrase(ctx context.Context, next []byte) error {
	return v.d.keys.track(next, func() error { return v.vault.UsePassphrase(ctx, next) })
}

// Open implements ui.Vault: the demo's session, once its key exists. The demo keeps no database, so the key
// itself is not needed and is wiped once the session runs.
func (v demoVault) Open(context.Context) (ui.Services, error) {
	v.vault.mu.Lock()
	defer v.vault.mu.Unlock()
	if b := v.d.sess.current(); b != nil {
		return b.Services(), nil
	}
	if v.vault.key == nil {
		return ui.Services{}, &ui.Problem{Message: "The local data is still locked."}
	}
	b, err := v.d.sess.start()
	if err != nil {
		return ui.Services{}, userError(err)
	}
	clear(v.vault.key)
	v.vault.key = nil
	return b.Services(), nil
}
