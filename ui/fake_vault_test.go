package ui

import (
	"context"
	"errors"
	"sync"
)

// fakeVault is an in-memory key custody with the rules the UI relies on: a key is made once, a passphrase
// profile opens only with its passphrase, the recovery key moves any profile to a passphrase, and the
// database opens only once unlocked.
type fakeVault struct {
	mu sync.Mutex

	state    VaultState
	stateErr error
	recovery string // the recovery key of the existing key
	pass     string // the passphrase of a passphrase profile
	unlocked bool
	services Services
	openErr  error
	// keyringDown makes CreateWithKeyring fail as an unreachable keyring would.
	keyringDown bool

	calls  []string
	passes [][]byte // every passphrase slice handed in, to check that the UI zeroes them
	// gate, when set, holds every call but State until it is closed.
	gate chan struct{}
}

const fakeRecoveryKey = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP-QRST-UVWX"

var (
	errFakeWrongPassphrase = &Problem{Field: FieldPassphrase, Message: "Wrong passphrase.", Err: errors.New("wrong passphrase")}
	errFakeWrongRecovery   = &Problem{Field: FieldRecoveryKey, Message: "This recovery key does not open the data.", Err: errors.New("wrong recovery key")}
)

func newFakeVault(b *fakes, st VaultState) *fakeVault {
	v := &fakeVault{state: st, services: b.services(), recovery: fakeRecoveryKey}
	switch st.Status {
	case VaultUnlocked:
		v.unlocked = true
	case VaultLocked:
		v.pass = "old passphrase"
	}
	return v
}

func (v *fakeVault) record(name string) {
	v.mu.Lock()
	v.calls = append(v.calls, name)
	gate := v.gate
	v.mu.Unlock()
	if gate != nil && name != "State" {
		<-gate
	}
}

func (v *fakeVault) called(name string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, c := range v.calls {
		if c == name {
			n++
		}
	}
	return n
}

// passesZeroed reports whether every passphrase handed in has been zeroed.
func (v *fakeVault) passesZeroed() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range v.passes {
		for _, c := range p {
			if c != 0 {
				return false
			}
		}
	}
	return len(v.passes) > 0
}

func (v *fakeVault) State(context.Context) (VaultState, error) {
	v.record("State")
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.state, v.stateErr
}

func (v *fakeVault) CreateWithKeyring(context.Context) (string, error) {
	v.record("CreateWithKeyring")
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.state.Status != VaultFirstRun {
		return "", errors.New("a key exists")
	}
	if v.keyringDown {
		return "", &Problem{Message: "The system keyring did not answer. Protect the data with a passphrase instead."}
	}
	v.state, v.unlocked = VaultState{Status: VaultUnlocked}, true
	return v.recovery, nil
}

func (v *fakeVault) CreateWithPassphrase(_ context.Context, pass []byte) (string, error) {
	v.record("CreateWithPassphrase")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, pass)
	if v.state.Status != VaultFirstRun {
		return "", errors.New("a key exists")
	}
	v.pass = string(pass)
	v.state, v.unlocked = VaultState{Status: VaultLocked}, true
	return v.recovery, nil
}

func (v *fakeVault) Unlock(_ context.Context, pass []byte) error {
	v.record("Unlock")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, pass)
	if v.state.Status != VaultLocked || string(pass) != v.pass {
		return errFakeWrongPassphrase
	}
	v.unlocked = true
	return nil
}

func (v *fakeVault) CheckPassphrase(_ context.Context, pass []byte) error {
	v.record("CheckPassphrase")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, pass)
	if v.pass == "" {
		return &Problem{Message: "This profile has no passphrase."}
	}
	if string(pass) != v.pass {
		return errFakeWrongPassphrase
	}
	return nil
}

func (v *fakeVault) Recover(_ context.Context, recovery string, newPass []byte) error {
	v.record("Recover")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, newPass)
	if recovery != v.recovery {
		return errFakeWrongRecovery
	}
	v.pass = string(newPass)
	v.state, v.unlocked = VaultState{Status: VaultLocked}, true
	return nil
}

func (v *fakeVault) MinPassphraseLength() int { return 8 }

func (v *fakeVault) Open(context.Context) (Services, error) {
	v.record("Open")
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.unlocked {
		return Services{}, errors.New("open: still locked")
	}
	if v.openErr != nil {
		return Services{}, v.openErr
	}
	return v.services, nil
}

// The settings' data protection, over the same custody: the key moves between the keyring and a
// passphrase, and a new recovery key replaces the old one.

func (v *fakeVault) Protection(context.Context) (Protection, error) {
	v.record("Protection")
	v.mu.Lock()
	defer v.mu.Unlock()
	mode := ProtectedByKeyring
	if v.pass != "" {
		mode = ProtectedByPassphrase
	}
	return Protection{Mode: mode, KeyringAvailable: !v.keyringDown}, nil
}

func (v *fakeVault) ChangePassphrase(_ context.Context, current, next []byte) error {
	v.record("ChangePassphrase")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, current, next)
	if v.pass == "" || string(current) != v.pass {
		return errFakeWrongPassphrase
	}
	v.pass = string(next)
	return nil
}

func (v *fakeVault) UseKeyring(_ context.Context, current []byte) error {
	v.record("UseKeyring")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, current)
	if v.pass == "" || string(current) != v.pass {
		return errFakeWrongPassphrase
	}
	if v.keyringDown {
		return &Problem{Message: "The system keyring cannot be reached. Use a passphrase instead."}
	}
	v.pass = ""
	return nil
}

func (v *fakeVault) UsePassphrase(_ context.Context, next []byte) error {
	v.record("UsePassphrase")
	v.mu.Lock()
	defer v.mu.Unlock()
	v.passes = append(v.passes, next)
	if v.pass != "" {
		return errors.New("not a keyring profile")
	}
	v.pass = string(next)
	return nil
}

// fakeNewRecoveryKey is the recovery key NewRecoveryKey makes.
const fakeNewRecoveryKey = "WXYZ-2345-ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567-ABCD-EFGH-IJKL-MNOP"

func (v *fakeVault) NewRecoveryKey(_ context.Context, current []byte) (string, error) {
	v.record("NewRecoveryKey")
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pass != "" {
		v.passes = append(v.passes, current)
		if string(current) != v.pass {
			return "", errFakeWrongPassphrase
		}
	}
	v.recovery = fakeNewRecoveryKey
	return v.recovery, nil
}
