package ui

// page is what the window shows.
type page int

const (
	pageStarting page = iota // asking the application where the session stands
	pagePhone
	pageQR // reachable from the phone page; no Step maps to it
	pageCode
	pageSignUpWarning
	pageSignUpName // reachable only from the acknowledged warning; no Step maps to it
	pageLockdown   // the privacy lockdown after sign-up, as read back
	pagePassword
	pageSetPassword
	pageConfirmEmail
	pageMain
	pagePrivacy  // the privacy centre, reachable from the main window
	pageSettings // the account's settings, reachable from the main window
	pageAbout    // which Tacit this is, reachable from the settings

	// The pages before sign-in when the UI holds a Vault (NewWithVault).
	pageVaultStarting      // asking the Vault where the key custody stands
	pageKeySetup           // first run: keyring or passphrase
	pageRecoveryKey        // the recovery key, shown once after the key is created
	pageUnlock             // a passphrase profile: ask for the passphrase
	pageRecover            // recovery key and a new passphrase
	pageKeyringUnavailable // the keyring holds the key but does not answer
	pageOpening            // the Vault opens the database and connects

	// The first-start wizard's own pages (NewWizard).
	pageWizardStarting   // reading what is configured already, or starting the demo
	pageWizardWelcome    // what Tacit protects and what it cannot
	pageWizardConnection // how Tacit reaches Telegram, tested
	pageWizardAPI        // the API credentials, or the demo
	pageWizardSummary    // the closing summary: the privacy check-up, then the chat list
)

// pageFor maps a login step to the page that handles it. StepSignUpRequired always leads to the warning,
// never straight to the name form; the name form is reachable only from the acknowledged warning.
func pageFor(s Step) page {
	switch s {
	case StepCode:
		return pageCode
	case StepSignUpRequired:
		return pageSignUpWarning
	case StepLockdown:
		return pageLockdown
	case StepPassword:
		return pagePassword
	case StepSetPassword:
		return pageSetPassword
	case StepConfirmEmail:
		return pageConfirmEmail
	case StepReady:
		return pageMain
	default:
		return pagePhone
	}
}
