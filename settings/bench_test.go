package settings

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkUnlockPassphraseDefault measures one unlock of a passphrase
// profile with DefaultKDFParams (Argon2id t=3, 64 MiB, 4 lanes): what a user
// waits for after typing the passphrase.
func BenchmarkUnlockPassphraseDefault(b *testing.B) {
	ctx := context.Background()
	c := NewCustody(filepath.Join(b.TempDir(), "data"), "bench", failingKeyring{})
	if _, _, err := c.CreateWithPassphrase(ctx, []byte("benchmark passphrase")); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	n := 0
	for b.Loop() {
		key, err := c.UnlockPassphrase(ctx, []byte("benchmark passphrase"))
		if err != nil {
			b.Fatal(err)
		}
		Wipe(key)
		n++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(n), "ms/unlock")
}

// BenchmarkUnlockRecovery measures an unlock with the recovery key (HKDF,
// no slow KDF: the recovery key is random).
func BenchmarkUnlockRecovery(b *testing.B) {
	ctx := context.Background()
	c := NewCustody(filepath.Join(b.TempDir(), "data"), "bench", failingKeyring{}, WithKDFParams(cheapKDF))
	_, rec, err := c.CreateWithPassphrase(ctx, []byte("benchmark passphrase"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		key, err := c.UnlockRecovery(ctx, rec)
		if err != nil {
			b.Fatal(err)
		}
		Wipe(key)
	}
}
