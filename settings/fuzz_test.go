package settings

import (
	"bytes"
	"testing"
)

// FuzzParseKeyFile feeds arbitrary bytes to the key file parser: it must
// never panic, and whatever it accepts must satisfy the structural checks
// the unlock code relies on.
func FuzzParseKeyFile(f *testing.F) {
	f.Add([]byte(`{"format":"tacit-key","version":1}`))
	f.Add([]byte(`{"format":"tacit-key","version":1,"mode":"passphrase","passphrase":{"kdf":"argon2id","time":1,"memory_kib":8,"threads":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := parseKeyFile(data)
		if err != nil {
			if kf != nil {
				t.Fatal("error with a key file")
			}
			return
		}
		if kf.Recovery == nil || len(kf.KeyCheck) != checkLen {
			t.Fatal("accepted key file without recovery slot or key check")
		}
		switch kf.Mode {
		case ModeKeyring:
			if kf.Keyring == nil || kf.Passphrase != nil {
				t.Fatal("inconsistent keyring key file accepted")
			}
		case ModePassphrase:
			if kf.Passphrase == nil || kf.Passphrase.params().validate() != nil {
				t.Fatal("inconsistent passphrase key file accepted")
			}
			// Unlocking an accepted file must not panic (cheap params
			// only, to keep the fuzzer fast).
			if kf.Passphrase.MemoryKiB <= 1024 && kf.Passphrase.Time <= 2 {
				_, _ = kf.openSlot(slotPassphrase, kf.Passphrase, []byte("fuzz"))
			}
		default:
			t.Fatalf("accepted mode %q", kf.Mode)
		}
		_, _ = kf.openSlot(slotRecovery, kf.Recovery, bytes.Repeat([]byte{1}, recoverySecretLen))
	})
}

// FuzzParseRecoveryKey: arbitrary input never panics, and an accepted key
// always has the right length.
func FuzzParseRecoveryKey(f *testing.F) {
	f.Add("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX")
	f.Add("abcd efgh")
	f.Fuzz(func(t *testing.T, s string) {
		secret, err := parseRecoveryKey(s)
		if err == nil && len(secret) != recoverySecretLen {
			t.Fatalf("secret of %d bytes", len(secret))
		}
	})
}
