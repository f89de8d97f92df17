package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/settings"
	"tacit/ui"
)

// The words a user reads about a failure are made here, and only here, from the engines' typed errors:
// mtproto.Error (its kind, Telegram's error type and argument), the secret chat engine's and the store's
// sentinel errors, and key custody's. Every role returns its errors through userError.

// userError turns an error from the engines into the ui.Problem the window shows: a sentence that says
// what happened and what to do, the input it concerns, and the error itself for logs and errors.Is. A
// cancelled context passes through (the user left; there is nothing to say), and so does a ui.Problem
// made by a role.
func userError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var p *ui.Problem
	if errors.As(err, &p) {
		return err
	}
	msg, field := words(err)
	return &ui.Problem{Field: field, Message: msg, Err: err}
}

// Failures the roles find themselves, before any engine is asked; roleWords words them.
var (
	errBotChat = errors.New("app: the username belongs to a bot")
)

// roleWords say what the roles' own failures mean.
var roleWords = []struct {
	err error
	msg string
}{
	{errBotChat, "That username belongs to a bot. Tacit talks to people: bots cannot have secret chats."},
	{errLockNeedsPassphrase, "This profile has no passphrase, so the app lock cannot be used. Choose a passphrase under Data protection to use the app lock."},
	{errEmptyMessage, "Write something first."},
	{errMessageTooLong, fmt.Sprintf("The message is too long: at most %d characters. Split it into parts.", mtproto.MaxMessageLength)},
	{errSecretEdit, "Messages in a secret chat cannot be edited. Delete it for both of you and send it again."},
	{errNoFile, "That message has no file, or it no longer exists."},
	{errSecretOpen, "A secret chat's files are not opened from a readable copy on disk. Use Save as to choose where one goes."},
	{errFileTooLargeToShow, "The file is too large to show here. Use Save as."},
	{errNotAPhoto, "This picture cannot be read. Send it as a file instead."},
	{errPhotoTooLarge, "The picture is too large to send as a photo. Send it as a file instead."},
	{errNoClipboardTool, "Tacit reads pictures from the clipboard with xclip (X11) or wl-paste (Wayland), and neither is installed. Save the picture and attach it, or install one of them."},
}

// cannotPostWords says why the user cannot write in a cloud chat the server says they may not post in.
func cannotPostWords(p mtproto.Peer) string {
	if p.Kind == mtproto.PeerChannel {
		return "This is a channel: only its admins can post in it."
	}
	return "You are no longer a member of this group, so you cannot write in it."
}

// words finds the sentence and the input for err.
func words(err error) (string, ui.Field) {
	for _, w := range roleWords {
		if errors.Is(err, w.err) {
			return w.msg, ui.FieldNone
		}
	}
	if msg, field, ok := custodyWords(err); ok {
		return msg, field
	}
	if msg, ok := secretWords(err); ok {
		return msg, ui.FieldNone
	}
	if msg, ok := blockWords(err); ok {
		return msg, ui.FieldNone
	}
	var phone *mtproto.PhoneError
	if errors.As(err, &phone) {
		return phoneWords[phone.Problem], ui.FieldPhone
	}
	var ue *mtproto.UsernameError
	if errors.As(err, &ue) {
		return usernameWords[ue.Problem], ui.FieldUsername
	}
	var pe *mtproto.ProxyError
	if errors.As(err, &pe) {
		return proxyWords(pe), ui.FieldNone
	}
	var pu *mtproto.ProxyURLError
	if errors.As(err, &pu) {
		return proxyURLWords(pu)
	}
	var me *mtproto.Error
	if errors.As(mtproto.Classify(err), &me) {
		msg, field := engineWords(me)
		var te *mtproto.TransferError
		if errors.As(err, &te) && te.Total > 0 {
			msg = fmt.Sprintf("The %s of %s stopped at %d%%. %s", te.Op, te.Name, te.Done*100/te.Total, msg)
		}
		return msg, field
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Telegram did not answer in time. Check the connection and try again.", ui.FieldNone
	}
	return genericFailure, ui.FieldNone
}

// currentPasswordError words a failed change of the 2-step verification password: a wrong current
// password is said under the field of the current one, not the new one.
func currentPasswordError(err error) error {
	var me *mtproto.Error
	if errors.As(mtproto.Classify(err), &me) && me.Kind == mtproto.KindPasswordInvalid {
		return &ui.Problem{Field: ui.FieldCurrentPassword, Err: err,
			Message: "That is not your current password. Nothing was changed; try again, or use the hint."}
	}
	return userError(err)
}

// phoneWords say what is wrong with a phone number as typed.
var phoneWords = map[mtproto.PhoneProblem]string{
	mtproto.PhoneEmpty:      "Enter your phone number.",
	mtproto.PhoneCharacters: "A phone number contains only digits, spaces and a leading +.",
	mtproto.PhoneNational:   "Enter the number in international format: + and the country code first.",
	mtproto.PhoneLength:     "This does not look like a complete phone number with its country code.",
}

// usernameWords say what is wrong with a username as typed.
var usernameWords = map[mtproto.UsernameProblem]string{
	mtproto.UsernameEmpty:      "Type a username.",
	mtproto.UsernameShort:      fmt.Sprintf("A username has at least %d characters.", mtproto.UsernameMinLength),
	mtproto.UsernameLong:       fmt.Sprintf("A username has at most %d characters.", mtproto.UsernameMaxLength),
	mtproto.UsernameCharacters: "A username has only the letters a-z, digits and _.",
	mtproto.UsernameStart:      "A username starts with a letter.",
	mtproto.UsernameEnd:        "A username cannot end with _.",
}

// genericFailure is said of a failure nothing more is known about; the diagnostics log has the details.
const genericFailure = "Something went wrong. Please try again."

// rpcWords says more than the kind for the Telegram error types a user meets in chats.
var rpcWords = map[string]string{
	"CHAT_WRITE_FORBIDDEN":     "You cannot write in this chat.",
	"CHAT_ADMIN_REQUIRED":      "Only an admin can do this.",
	"MESSAGE_AUTHOR_REQUIRED":  "Only the author can edit this message.",
	"MESSAGE_DELETE_FORBIDDEN": "You cannot delete this message for everyone.",
	"CHANNEL_PRIVATE":          "You are not a member of this channel.",
	"USER_NOT_PARTICIPANT":     "That person is not a member.",
	"USER_ALREADY_PARTICIPANT": "That person is already a member.",
	"CHANNEL_INVALID":          "This channel does not exist.",
	"CHAT_ID_INVALID":          "This group does not exist.",
	"PEER_ID_INVALID":          "This chat does not exist.",
	"USER_ID_INVALID":          "That person does not exist.",
	"MESSAGE_ID_INVALID":       "That message does not exist any more.",
	"MESSAGE_EMPTY":            "The message is empty.",
	"MESSAGE_TOO_LONG":         "The message is too long (at most 4096 characters).",
	"MEDIA_CAPTION_TOO_LONG":   "The caption is too long (at most 1024 characters).",
	"MESSAGE_NOT_MODIFIED":     "The message is unchanged.",
	"SEARCH_QUERY_EMPTY":       "Type something to search for.",
	"FILE_PARTS_INVALID":       "Telegram rejected the file's parts. Send it again.",
	"FILE_PART_INVALID":        "Telegram rejected a part of the file. Send it again.",
	"FILE_PART_EMPTY":          "Telegram rejected an empty part of the file. Send it again.",
	"FILE_PART_TOO_BIG":        "Telegram rejected a part of the file as too big. Send it again.",
	"FILE_PART_SIZE_INVALID":   "Telegram rejected the size of a part of the file. Send it again.",
	"FILE_PART_MISSING":        "Telegram is missing a part of the file. Send it again.",
	"MD5_CHECKSUM_INVALID":     "The file arrived damaged at Telegram. Send it again.",
	"IMAGE_PROCESS_FAILED":     "Telegram could not read this image. Send it as a file instead.",
	"PHOTO_INVALID_DIMENSIONS": "The image is too large to send as a photo. Send it as a file instead.",
	"MEDIA_INVALID":            "Telegram rejected this media.",
	"FILE_ID_INVALID":          "Telegram does not know this file any more.",
	"LOCATION_INVALID":         "Telegram does not know this file any more.",
	"FRESH_RESET_AUTHORISATION_FORBIDDEN": "Telegram lets a device end other sessions only once it has been logged in for a day. " +
		"Try again later, or end them from a device logged in for longer.",
	"PHONE_NOT_OCCUPIED": "Nobody on Telegram lets you find them by this number. Ask them for their username instead.",
	"QUERY_TOO_SHORT":    "Type a little more to search.",
	"CONTACT_NAME_EMPTY": "Enter a first name for the contact.",
	"USER_IS_BLOCKED":    "This person does not accept this from you: they may have blocked you.",
	"YOU_BLOCKED_USER":   "You blocked this person. Unblock them under Privacy, Blocked, first.",
}

// engineWords words an mtproto.Error.
func engineWords(e *mtproto.Error) (string, ui.Field) {
	if msg, ok := rpcWords[e.RPC]; ok {
		return msg, ui.FieldNone
	}
	switch e.Kind {
	case mtproto.KindPhoneInvalid:
		return "That phone number is not valid. Enter it with the country code, e.g. +44 20 7946 0000.", ui.FieldPhone
	case mtproto.KindPhoneBanned:
		return "Telegram has banned this phone number.", ui.FieldPhone
	case mtproto.KindPhoneOccupied:
		return "An account with this number already exists. Sign in instead.", ui.FieldPhone
	case mtproto.KindCodeInvalid:
		return "That code is not right. Check the code Telegram sent and try again.", ui.FieldCode
	case mtproto.KindCodeExpired:
		return "That code has expired. Ask for a new code.", ui.FieldCode
	case mtproto.KindCodeHashInvalid:
		return "This login attempt is no longer valid. Ask for a new code.", ui.FieldCode
	case mtproto.KindPasswordInvalid:
		return "That password is not right. Try again, or use the hint.", ui.FieldPassword
	case mtproto.KindPasswordRequired:
		return "This account has a 2-step verification password. Enter it to continue.", ui.FieldPassword
	case mtproto.KindPasswordTooWeak:
		return fmt.Sprintf("Choose a password of at least %d characters.", mtproto.MinPasswordLength), ui.FieldPassword
	case mtproto.KindHintContainsPassword:
		return "The hint must not contain the password: anyone can see the hint.", ui.FieldPassword
	case mtproto.KindNameInvalid:
		return "Enter a first name (up to 64 characters).", ui.FieldFirstName
	case mtproto.KindEmailInvalid:
		return "That e-mail address is not valid.", ui.FieldEmail
	case mtproto.KindEmailCodeInvalid:
		return "That e-mail confirmation code is not right.", ui.FieldEmail
	case mtproto.KindSignUpNotAcknowledged:
		return "Read and acknowledge the warning about who can find you before creating the account.", ui.FieldNone
	case mtproto.KindFloodWait:
		return fmt.Sprintf("Telegram asks to wait %s before trying again.", waitWords(e.Wait)), ui.FieldNone
	case mtproto.KindWrongStage:
		return "This step is not expected now. Start the login again.", ui.FieldNone
	case mtproto.KindUnauthorized:
		return "You are signed out. Sign in again.", ui.FieldNone
	case mtproto.KindNetwork:
		return "Cannot reach Telegram's servers. Check the network connection and try again.", ui.FieldNone
	case mtproto.KindServer:
		return "Telegram could not do this right now or answered in an unexpected way. Try again in a moment.", ui.FieldNone
	case mtproto.KindQRLoginOtherDC:
		return "This account lives in another Telegram data centre, which QR login cannot reach. Sign in with the phone number instead.", ui.FieldNone
	case mtproto.KindNotAllowed:
		return "Telegram does not allow this here.", ui.FieldNone
	case mtproto.KindNotFound:
		return "That no longer exists. Reload the chat list.", ui.FieldNone
	case mtproto.KindWrongPeer:
		return "That cannot be done in this kind of chat.", ui.FieldNone
	case mtproto.KindDeleteForEveryone:
		return "In channels and supergroups a message can only be deleted for everyone.", ui.FieldNone
	case mtproto.KindMessageInvalid:
		return "Telegram did not accept this message.", ui.FieldNone
	case mtproto.KindFileEmpty:
		return "The file is empty; Telegram does not store empty files.", ui.FieldNone
	case mtproto.KindFileInvalid:
		return "Telegram did not accept the file. Send it again.", ui.FieldNone
	case mtproto.KindFileTooBig:
		return "The file is larger than Telegram accepts (2000 MB).", ui.FieldNone
	case mtproto.KindFileExpired:
		return "The file's link on Telegram expired. Reload the chat and try again.", ui.FieldNone
	case mtproto.KindTransferIncomplete:
		return "The transfer stopped before the end. Try again: it goes on where it stopped.", ui.FieldNone
	case mtproto.KindCDN:
		return "Telegram sent this file through a content delivery network, which Tacit does not use for privacy. It cannot be downloaded here.", ui.FieldNone
	case mtproto.KindLocalFile:
		var pe *os.PathError
		if errors.As(e, &pe) {
			return fmt.Sprintf("Tacit cannot %s %s: %v.", pe.Op, pe.Path, pe.Err), ui.FieldNone
		}
		return "Tacit cannot " + e.Reason + ". Check that it exists and that you may read or write it.", ui.FieldNone
	case mtproto.KindUsernameInvalid:
		return "A username has 5 to 32 characters: letters a-z, digits and _, starting with a letter.", ui.FieldUsername
	case mtproto.KindUsernameOccupied:
		return "Someone else has this username. Try another.", ui.FieldUsername
	case mtproto.KindUsernameNotModified:
		return "That is already your username.", ui.FieldUsername
	case mtproto.KindUsernameNotOccupied:
		return "Nobody has this username.", ui.FieldNone
	}
	if e.RPC != "" {
		return "Telegram refused this (" + e.RPC + "). Try again later.", ui.FieldNone
	}
	return genericFailure, ui.FieldNone
}

// waitWords says a wait the way people do: "30 seconds", "5 minutes", "2 hours".
func waitWords(d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Round(time.Minute)/time.Minute))
	default:
		return fmt.Sprintf("%d hours", int(d.Round(time.Hour)/time.Hour))
	}
}

// secretWords words the secret chat engine's errors.
func secretWords(err error) (string, bool) {
	switch {
	case errors.Is(err, secret.ErrNotReady):
		return "The secret chat is not ready yet: the key exchange has not finished.", true
	case errors.Is(err, secret.ErrNotFound):
		return "This secret chat no longer exists.", true
	case errors.Is(err, secret.ErrRekeyBusy):
		return "A key change is already running. Try again in a moment.", true
	case errors.Is(err, secret.ErrDHParams), errors.Is(err, secret.ErrPublicValue):
		return "The server offered unsafe encryption parameters, so Tacit refused to set up the secret chat.", true
	}
	return "", false
}

// blockWords words the failures of blocking and unblocking someone.
func blockWords(err error) (string, bool) {
	switch {
	case errors.Is(err, privacy.ErrBlockSelf):
		return "You cannot block yourself.", true
	case errors.Is(err, privacy.ErrBlockUnknown):
		return "Telegram does not know this person any more; they may have deleted their account. Reload the list.", true
	case errors.Is(err, privacy.ErrBlockNotKept):
		return "Telegram accepted the change, but its list of blocked people does not show it. Try again in a moment.", true
	}
	return "", false
}

// custodyWords words key custody's and the store's errors: the local data and its key.
func custodyWords(err error) (string, ui.Field, bool) {
	var kfe *settings.KeyFileError
	var pe *settings.PreferencesError
	var ve *settings.VersionError
	switch {
	case errors.Is(err, settings.ErrWrongPassphrase):
		return "That passphrase is not right.", ui.FieldPassphrase, true
	case errors.Is(err, settings.ErrPassphraseTooShort):
		return fmt.Sprintf("Use at least %d characters.", settings.MinPassphraseLen), ui.FieldPassphrase, true
	case errors.Is(err, settings.ErrInvalidRecoveryKey):
		return "That recovery key has a typo: check each group.", ui.FieldRecoveryKey, true
	case errors.Is(err, settings.ErrWrongRecoveryKey):
		return "That recovery key belongs to another profile or is not right.", ui.FieldRecoveryKey, true
	case errors.Is(err, settings.ErrKeyringUnavailable):
		return "The system keyring cannot be reached. Use a passphrase instead.", ui.FieldNone, true
	case errors.Is(err, settings.ErrKeyFileMissing):
		return "The data directory holds files but no key file. Tacit will not create a new key over existing data; restore key.json from a backup.", ui.FieldNone, true
	case errors.As(err, &kfe):
		return "The key file " + kfe.Path + " is damaged or was modified: " + kfe.Problem + ". Restore it from a backup.", ui.FieldNone, true
	case errors.As(err, &ve):
		return "Tacit's settings file " + ve.Path + " was written by a newer Tacit, so this one leaves it as it is. Update Tacit.", ui.FieldNone, true
	case errors.As(err, &pe) && pe.Path != "":
		return "Tacit's settings file " + pe.Path + " has a mistake, so Tacit left it as it is. Correct or delete the file, then try again.", ui.FieldNone, true
	case errors.As(err, &pe):
		return "Tacit cannot keep that setting. Choose one of those offered.", ui.FieldNone, true
	case errors.Is(err, store.ErrWrongKey):
		return "The key does not open this database (wrong passphrase or key).", ui.FieldPassphrase, true
	case errors.Is(err, store.ErrCorrupt):
		return "The local database is damaged. Restore the data directory from a backup.", ui.FieldNone, true
	}
	switch store.DiskProblem(err) {
	case store.ErrDiskFull:
		return "The disk is full, so Tacit could not save this. Free some space, then try again.", ui.FieldNone, true
	case store.ErrReadOnly:
		return "Tacit cannot write to its data folder (the disk is read-only, or the folder is not yours). Make it writable, then try again.", ui.FieldNone, true
	}
	return "", ui.FieldNone, false
}

// credentialError says what is wrong with the api_id or api_hash (field, as the preferences name them) as
// typed: missing (empty) or not of their form.
func credentialError(field string, empty bool) error {
	switch {
	case field == "api_id" && empty:
		return &ui.Problem{Field: ui.FieldAPIID, Message: "Enter the api_id from my.telegram.org."}
	case field == "api_id":
		return &ui.Problem{Field: ui.FieldAPIID, Message: "The api_id is a whole number, such as 1234567. Copy it again from my.telegram.org."}
	case empty:
		return &ui.Problem{Field: ui.FieldAPIHash, Message: "Enter the api_hash from my.telegram.org."}
	}
	return &ui.Problem{Field: ui.FieldAPIHash, Message: "The api_hash is 32 characters, digits and the letters a to f. Copy it again from my.telegram.org."}
}

// connectionError words a failed test of the way to Telegram.
func connectionError(err error) error {
	var pe *mtproto.ProxyError
	var me *mtproto.Error
	switch {
	case err == nil || errors.As(err, &pe):
		return userError(err)
	case errors.Is(err, context.DeadlineExceeded):
		return &ui.Problem{Message: "Telegram did not answer this way within half a minute. Check the network and the proxy, or choose another way to connect.", Err: err}
	case errors.As(mtproto.Classify(err), &me) && me.Kind == mtproto.KindNetwork:
		return &ui.Problem{Message: "Cannot reach Telegram this way. Check the network, or choose another way to connect.", Err: err}
	}
	return userError(err)
}

// apiError words a failed check of the API credentials with Telegram.
func apiError(err error) error {
	var me *mtproto.Error
	if errors.As(mtproto.Classify(err), &me) {
		switch me.RPC {
		case "API_ID_INVALID":
			return &ui.Problem{Field: ui.FieldAPIID, Message: "Telegram does not know this api_id and api_hash. Copy both again from my.telegram.org.", Err: err}
		case "API_ID_PUBLISHED_FLOOD":
			return &ui.Problem{Field: ui.FieldAPIID, Message: "This api_id was published and Telegram limits it. Make your own at my.telegram.org.", Err: err}
		}
	}
	return connectionError(err)
}

// proxyURLWords says which part of a proxy setting is wrong, under the field it concerns. The engine's
// words never repeat the setting, which may hold a password or a secret.
func proxyURLWords(e *mtproto.ProxyURLError) (string, ui.Field) {
	switch e.Part {
	case "host":
		return "The proxy's host " + e.Problem + ".", ui.FieldProxyHost
	case "port":
		return "The port " + e.Problem + ".", ui.FieldProxyPort
	case "user", "password":
		return "The proxy's " + e.Part + " " + e.Problem + ".", ui.FieldProxyUser
	}
	return "The proxy " + e.Part + " " + e.Problem + ".", ui.FieldProxyLink
}

// ruleTitles name the privacy lockdown's rules the way the check-up names the same settings.
var ruleTitles = map[string]string{
	privacy.RulePhoneNumber:   "Who can see my phone number",
	privacy.RuleFindByNumber:  "Who can find me by my number",
	privacy.RuleSignUpNotices: "Notices when people whose numbers you saved join",
	privacy.RuleSavedContacts: "Phone numbers synced to Telegram",
}

// ruleTitle is the title of a privacy rule the engine names.
func ruleTitle(rule string) string {
	if t, ok := ruleTitles[rule]; ok {
		return t
	}
	return sentenceCase(rule)
}

// prefsError says why a preference could not be kept: a value Tacit refuses, or a file it cannot write.
func prefsError(err error, path string) error {
	if errors.Is(err, settings.ErrInvalidPreferences) {
		return &ui.Problem{Message: "Tacit cannot keep that choice. Choose one of those offered.", Err: err}
	}
	return &ui.Problem{Message: "Tacit cannot save its settings in " + path + ". Check that the disk has room and the file can be written.", Err: err}
}

// sentence makes a phrase of the engine's (its reasons are lowercase and unpunctuated) a sentence.
func sentence(s string) string {
	s = sentenceCase(strings.TrimSpace(s))
	if s != "" && !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// sentenceCase capitalises the first letter of s.
func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
