package ui

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Vault is the local key custody as the UI sees it: the key to Tacit's encrypted database, kept in the OS
// keyring or behind a passphrase, with a recovery key shown once when the key is created.
//
// Calls may be slow (the keyring over D-Bus, possibly waiting for the user to unlock it; Argon2id takes a
// noticeable fraction of a second): the UI calls them from goroutines with progress shown, never from the
// Fyne event goroutine, and cancels the context when the user leaves the page or closes the window.
//
// Errors meant for the user implement UserError, like the roles'. An error about the passphrase the user
// typed (wrong passphrase, too short) should carry FieldPassphrase, one about the recovery key (mistyped,
// wrong) FieldRecoveryKey, so the UI shows it under that field. Error texts never contain the secrets.
//
// Passphrases are passed as []byte, which the UI zeroes as soon as the call returns; implementations must
// not keep them. Recovery keys are strings (they are printed and typed), so they cannot be wiped; the UI
// drops its references as soon as it no longer shows them.
type Vault interface {
	// State says what the window must show first.
	State(ctx context.Context) (VaultState, error)

	// CreateWithKeyring creates the database key in the OS keyring and returns the recovery key, which the
	// UI shows once. If the keyring cannot be used it creates nothing and returns an error.
	CreateWithKeyring(ctx context.Context) (recovery string, err error)

	// CreateWithPassphrase creates the database key behind pass and returns the recovery key, which the UI
	// shows once. The UI zeroes pass afterwards.
	CreateWithPassphrase(ctx context.Context, pass []byte) (recovery string, err error)

	// Unlock opens a passphrase profile (VaultLocked). A wrong passphrase is an error with FieldPassphrase.
	Unlock(ctx context.Context, pass []byte) error

	// CheckPassphrase tells whether pass is the profile's passphrase, changing nothing: the app lock opens
	// with it. A wrong passphrase is an error with FieldPassphrase; a profile without a passphrase (its key
	// is in the system keyring) is an error too. The UI zeroes pass afterwards.
	CheckPassphrase(ctx context.Context, pass []byte) error

	// Recover sets a new passphrase using the recovery key, for a forgotten passphrase and for a keyring
	// profile whose keyring is unavailable or has lost the key. From then on the profile is a passphrase
	// profile, unlocked for this run. The UI zeroes newPass afterwards.
	Recover(ctx context.Context, recovery string, newPass []byte) error

	// MinPassphraseLength is the length, in characters, below which a passphrase is refused. It returns at
	// once.
	MinPassphraseLength() int

	// Open opens the database and connects, once the vault is unlocked (VaultUnlocked, or after a successful
	// Create*, Unlock or Recover). It returns the roles the window uses for sign-in and chats.
	Open(ctx context.Context) (Services, error)

	// DataProtection changes how the key is kept once the data is open (the settings' data section).
	DataProtection
}

// DataProtection changes how the key to the local database is kept: the passphrase, the keyring or a
// passphrase, and a new recovery key. The database key itself stays the same, so nothing is re-encrypted.
// Passphrases are zeroed by the UI after each call, as for the Vault's other methods. A wrong current
// passphrase is an error with FieldPassphrase.
type DataProtection interface {
	// Protection says how the key is kept now.
	Protection(ctx context.Context) (Protection, error)

	// ChangePassphrase puts the key of a passphrase profile behind next (checked with CheckNewPassphrase
	// first), proven with current.
	ChangePassphrase(ctx context.Context, current, next []byte) error

	// UseKeyring moves the key of a passphrase profile, proven with current, into the OS keyring; the
	// passphrase stops working. If the keyring cannot store it, nothing changes.
	UseKeyring(ctx context.Context, current []byte) error

	// UsePassphrase moves the key of a keyring profile behind next (checked with CheckNewPassphrase first)
	// and removes it from the keyring.
	UsePassphrase(ctx context.Context, next []byte) error

	// NewRecoveryKey replaces the recovery key and returns the new one, which the UI shows once; the old one
	// stops working. A passphrase profile needs its current passphrase; a keyring profile ignores current
	// (nil).
	NewRecoveryKey(ctx context.Context, current []byte) (recovery string, err error)
}

// ProtectionMode is where the key to the local database is kept.
type ProtectionMode int

// The ways the key is kept.
const (
	// ProtectedNowhere: nothing is kept on this computer, so there is nothing to protect.
	ProtectedNowhere ProtectionMode = iota
	// ProtectedByKeyring: the key is in the OS keyring, which opens with the user's login.
	ProtectedByKeyring
	// ProtectedByPassphrase: the key is behind a passphrase asked for at every start.
	ProtectedByPassphrase
)

// Protection is what DataProtection.Protection found.
type Protection struct {
	Mode ProtectionMode
	// KeyringAvailable says whether the OS keyring answered, so moving the key there can be offered.
	KeyringAvailable bool
}

// VaultStatus is where the key custody stands when the window opens.
type VaultStatus int

// What State can report.
const (
	// VaultFirstRun: no key exists yet. The UI offers the keyring (recommended when available) or a
	// passphrase.
	VaultFirstRun VaultStatus = iota
	// VaultUnlocked: a keyring profile whose key was read; the UI goes straight to Open.
	VaultUnlocked
	// VaultLocked: a passphrase profile, which starts locked; the UI asks for the passphrase.
	VaultLocked
	// VaultKeyringUnavailable: the key is in the keyring, but the keyring cannot be reached now. The UI
	// explains, offers to try again and offers the recovery key.
	VaultKeyringUnavailable
	// VaultKeyMissing: the database exists but the keyring no longer has its key. Only the recovery key
	// helps; a new key would make the data unreadable.
	VaultKeyMissing
)

var vaultStatusNames = [...]string{"first run", "unlocked", "locked", "keyring unavailable", "key missing"}

func (s VaultStatus) String() string {
	if s < 0 || int(s) >= len(vaultStatusNames) {
		return "unknown vault status"
	}
	return vaultStatusNames[s]
}

// VaultState is what Vault.State found.
type VaultState struct {
	Status VaultStatus

	// KeyringAvailable says, at first run, whether the OS keyring answered and can be offered.
	KeyringAvailable bool

	// Message gives details for VaultKeyringUnavailable (and VaultKeyMissing), in words for the user, such
	// as "No D-Bus secret service is running." It may be empty.
	Message string

	// DemoPassphrase is, in the demo, the passphrase the first-run page suggests (the demo keeps its key in
	// memory and in a temporary directory removed when Tacit closes); "" outside the demo.
	DemoPassphrase string
}

// keyringUnavailableNotice is what the first-run page says when the keyring cannot be offered.
const keyringUnavailableNotice = "The system keyring is not available (no D-Bus secret service); Tacit will " +
	"protect the data with a passphrase instead."

// CheckNewPassphrase checks a new passphrase for the local database against its confirmation and the
// key custody's minimum length (Vault.MinPassphraseLength), so a short passphrase never leaves the page.
func CheckNewPassphrase(pass, confirm string, minLength int) error {
	switch n := utf8.RuneCountInString(pass); {
	case n == 0:
		return &Problem{Field: FieldPassphrase, Message: "Choose a passphrase."}
	case n < minLength:
		return &Problem{Field: FieldPassphrase, Message: plural(minLength, "", "Use at least %d characters.")}
	case strings.TrimSpace(pass) == "":
		return &Problem{Field: FieldPassphrase, Message: "The passphrase cannot be only spaces."}
	case pass != confirm:
		return &Problem{Field: FieldPassphrase, Message: "The two passphrases are not the same."}
	}
	return nil
}

// passphraseHint is the line under a new passphrase field, updated as the user types.
func passphraseHint(pass string, minLength int) string {
	switch n := utf8.RuneCountInString(pass); {
	case n == 0:
		return plural(minLength, "", "At least %d characters. A few unrelated words are easy to remember and hard to guess.")
	case n < minLength:
		return plural(minLength-n, "Too short: %d more character needed.", "Too short: %d more characters needed.")
	case n < 16:
		return "Long enough. A longer passphrase, such as a few unrelated words, is much harder to guess."
	default:
		return "Good length."
	}
}

// recoveryGroups splits a recovery key into its groups for display, or returns nil when it does not look
// like groups separated by dashes or spaces (the UI then shows it as it is).
func recoveryGroups(recovery string) []string {
	groups := strings.FieldsFunc(recovery, func(r rune) bool { return r == '-' || r == ' ' })
	if len(groups) < 2 {
		return nil
	}
	return groups
}
