package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// PreferencesVersion is the version of the preferences file this build writes
// and the newest it reads.
const PreferencesVersion = 1

// Mode is how the database key is kept.
type Mode string

const (
	// ModeKeyring keeps the database key in the OS keyring; Tacit opens
	// without asking.
	ModeKeyring Mode = "keyring"
	// ModePassphrase keeps the database key wrapped by a passphrase in the
	// key file; Tacit starts locked (the passphrase is the app lock).
	ModePassphrase Mode = "passphrase"
)

// NotificationContent says what a desktop notification shows.
type NotificationContent string

const (
	// NotifyOff shows no notification.
	NotifyOff NotificationContent = "off"
	// NotifyHidden shows "New message" and nothing else: no sender, no text.
	NotifyHidden NotificationContent = "hidden"
	// NotifySender shows the sender but not the text.
	NotifySender NotificationContent = "sender"
	// NotifyFull shows sender and text.
	NotifyFull NotificationContent = "full"
)

// Theme is the colour scheme.
type Theme string

const (
	// ThemeSystem follows the desktop.
	ThemeSystem Theme = "system"
	// ThemeLight is the light theme.
	ThemeLight Theme = "light"
	// ThemeDark is the dark theme.
	ThemeDark Theme = "dark"
)

// SecretTTLChoices are the self-destruct timers, in seconds, a new secret
// chat may get by default (Preferences.SecretTTL): off, 5 s, 30 s, 1 min,
// 1 h, 1 day, 1 week.
var SecretTTLChoices = []int{0, 5, 30, 60, 3600, 24 * 3600, 7 * 24 * 3600}

// WindowSize is the last size of the main window, in Fyne units. Zero means
// "not recorded".
type WindowSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Preferences are the user's settings that are not secret. They are stored as
// JSON in Paths.PreferencesFile with mode 0600. The defaults (Default) are the
// private choice for every field.
type Preferences struct {
	// Version of the file format; PreferencesVersion when saved.
	Version int `json:"version"`
	// APIID and APIHash are the Telegram API credentials (my.telegram.org)
	// needed for a real account. Zero and empty mean sandbox only.
	APIID   int    `json:"api_id"`
	APIHash string `json:"api_hash"`
	// Proxy is used for every connection, including registration; empty is a
	// direct connection. mtproto.ParseProxy reads it (socks5://, tor,
	// tg://proxy?..., https://t.me/proxy?...). SOCKS5 credentials and
	// MTProxy secrets in it are stored in this 0600 file.
	Proxy string `json:"proxy"`
	// ProxyIsolation is this profile's random Tor isolation token (32
	// hexadecimal digits), made on first use (EnsureProxyIsolation); empty
	// until then.
	ProxyIsolation string `json:"proxy_isolation"`
	// KeyCustody is the mode chosen for the database key. The key file
	// (Custody) is authoritative; this records the user's choice for
	// onboarding and the settings screen.
	KeyCustody Mode `json:"key_custody"`
	// LinkPreviewsCloud allows link previews in cloud chats (they make the
	// server fetch the URL). Secret chats never request previews, whatever
	// this says.
	LinkPreviewsCloud bool `json:"link_previews_cloud"`
	// NotifyCloud is the notification content for cloud chats.
	NotifyCloud NotificationContent `json:"notify_cloud"`
	// NotifySecret is the notification content for secret chats: only
	// NotifyOff or NotifyHidden; sender and text are never shown.
	NotifySecret NotificationContent `json:"notify_secret"`
	// NotifySound asks the desktop to play its sound with a notification.
	NotifySound bool `json:"notify_sound"`
	// SecretTTL is the self-destruct timer, in seconds, that a new secret
	// chat gets once it is ready: one of SecretTTLChoices, 0 for none.
	SecretTTL int `json:"secret_ttl"`
	// Theme is the colour scheme.
	Theme Theme `json:"theme"`
	// Language is a BCP 47 tag such as "en" or "pt-BR"; empty follows the
	// system.
	Language string `json:"language"`
	// Window is the last main window size.
	Window WindowSize `json:"window"`
	// IdleLockMinutes locks the window after this many minutes without a key
	// or pointer event in it (the app lock, for a passphrase profile); 0, the
	// default, never locks by itself. One of IdleLockChoices. Left out of the
	// file while 0, so files without it read as before.
	IdleLockMinutes int `json:"idle_lock_minutes,omitempty"`
}

// IdleLockChoices are the values IdleLockMinutes may take, 0 (never) first.
func IdleLockChoices() []int { return []int{0, 1, 5, 15, 60} }

// Default returns the default preferences: sandbox only, direct connection,
// passphrase custody, no link previews, notifications without content (with
// the desktop's sound), no default self-destruct timer, no idle lock.
func Default() Preferences {
	return Preferences{
		Version:      PreferencesVersion,
		KeyCustody:   ModePassphrase,
		NotifyCloud:  NotifyHidden,
		NotifySecret: NotifyHidden,
		NotifySound:  true,
		Theme:        ThemeSystem,
		Window:       WindowSize{Width: 1000, Height: 720},
	}
}

// ErrInvalidPreferences is matched by a *PreferencesError.
var ErrInvalidPreferences = errors.New("invalid preferences")

// ErrNewerVersion is matched by a *VersionError.
var ErrNewerVersion = errors.New("preferences written by a newer version of Tacit")

// Problem is one thing wrong with a preferences file.
type Problem struct {
	// Field is the JSON path of the field, such as "window.width"; empty for
	// the file as a whole (a syntax error).
	Field string
	// Line and Column are 1-based positions in the file (Column counts
	// bytes); zero when unknown (Validate on a value not read from a file).
	Line, Column int
	// Message says what is wrong and what is allowed.
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", p.Line, p.Column)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// PreferencesError lists everything wrong with a preferences file.
type PreferencesError struct {
	Path     string // empty when not read from a file
	Problems []Problem
}

func (e *PreferencesError) Error() string {
	var b strings.Builder
	b.WriteString("settings: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalidPreferences) true.
func (e *PreferencesError) Is(target error) bool { return target == ErrInvalidPreferences }

// VersionError refuses a preferences file written by a newer Tacit, so that
// settings this build does not understand are not silently dropped.
type VersionError struct {
	Path      string
	Version   int // the file's version
	Supported int // the newest version this build reads
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("settings: %s has version %d, written by a newer Tacit; this build reads up to version %d and will not change it: update Tacit or use another profile",
		e.Path, e.Version, e.Supported)
}

// Is makes errors.Is(err, ErrNewerVersion) true.
func (e *VersionError) Is(target error) bool { return target == ErrNewerVersion }

var (
	languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	apiHashRE  = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// Validate checks every field and returns a *PreferencesError naming each bad
// field, or nil.
func (p Preferences) Validate() error {
	var probs []Problem
	bad := func(field, format string, args ...any) {
		probs = append(probs, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if p.Version < 1 || p.Version > PreferencesVersion {
		bad("version", "must be between 1 and %d, got %d", PreferencesVersion, p.Version)
	}
	switch {
	case p.APIID < 0:
		bad("api_id", "must not be negative")
	case p.APIID == 0 && p.APIHash != "":
		bad("api_id", "is missing although api_hash is set (both come from my.telegram.org)")
	case p.APIID > 0 && p.APIHash == "":
		bad("api_hash", "is missing although api_id is set (both come from my.telegram.org)")
	}
	if p.APIHash != "" && !apiHashRE.MatchString(p.APIHash) {
		bad("api_hash", "must be 32 lowercase hexadecimal digits")
	}
	if problem := proxyProblem(p.Proxy); problem != "" {
		bad("proxy", "%s", problem)
	}
	if !validProxyIsolation(p.ProxyIsolation) {
		bad("proxy_isolation", "must be empty or %d hexadecimal digits (Tacit makes it)", proxyIsolationLen)
	}
	switch p.KeyCustody {
	case ModeKeyring, ModePassphrase:
	default:
		bad("key_custody", "must be %q or %q, got %q", ModeKeyring, ModePassphrase, p.KeyCustody)
	}
	switch p.NotifyCloud {
	case NotifyOff, NotifyHidden, NotifySender, NotifyFull:
	default:
		bad("notify_cloud", "must be one of %q, %q, %q, %q, got %q", NotifyOff, NotifyHidden, NotifySender, NotifyFull, p.NotifyCloud)
	}
	switch p.NotifySecret {
	case NotifyOff, NotifyHidden:
	case NotifySender, NotifyFull:
		bad("notify_secret", "secret chat notifications never show sender or text: must be %q or %q, got %q", NotifyOff, NotifyHidden, p.NotifySecret)
	default:
		bad("notify_secret", "must be %q or %q, got %q", NotifyOff, NotifyHidden, p.NotifySecret)
	}
	if !slices.Contains(SecretTTLChoices, p.SecretTTL) {
		bad("secret_ttl", "must be one of %s seconds (0 is off), got %d", ttlList(), p.SecretTTL)
	}
	switch p.Theme {
	case ThemeSystem, ThemeLight, ThemeDark:
	default:
		bad("theme", "must be %q, %q or %q, got %q", ThemeSystem, ThemeLight, ThemeDark, p.Theme)
	}
	if p.Language != "" && (len(p.Language) > 35 || !languageRE.MatchString(p.Language)) {
		bad("language", "must be empty (follow the system) or a language tag such as \"en\" or \"pt-BR\", got %q", p.Language)
	}
	if !slices.Contains(IdleLockChoices(), p.IdleLockMinutes) {
		bad("idle_lock_minutes", "must be one of %v (minutes; 0 never locks), got %d", IdleLockChoices(), p.IdleLockMinutes)
	}
	if w := p.Window.Width; w != 0 && (w < 320 || w > 16384) {
		bad("window.width", "must be 0 (not recorded) or between 320 and 16384, got %d", w)
	}
	if h := p.Window.Height; h != 0 && (h < 240 || h > 16384) {
		bad("window.height", "must be 0 (not recorded) or between 240 and 16384, got %d", h)
	}
	if len(probs) > 0 {
		return &PreferencesError{Problems: probs}
	}
	return nil
}

// ttlList lists SecretTTLChoices for a message: "0, 5, 30, ... or 604800".
func ttlList() string {
	var b strings.Builder
	for i, s := range SecretTTLChoices {
		switch {
		case i == len(SecretTTLChoices)-1:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		fmt.Fprint(&b, s)
	}
	return b.String()
}

// LoadPreferences reads and validates the preferences file at path. A missing
// file gives Default() and no error (first run). On any error it returns
// Default() together with a *PreferencesError (naming each bad or unknown
// field with its line and column, or the position of a JSON syntax error), a
// *VersionError for a file from a newer Tacit, or an I/O error.
func LoadPreferences(path string) (Preferences, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return Default(), fmt.Errorf("settings: read preferences: %w", err)
	}
	p, err := ParsePreferences(data)
	var pe *PreferencesError
	var ve *VersionError
	switch {
	case errors.As(err, &pe):
		pe.Path = path
	case errors.As(err, &ve):
		ve.Path = path
	}
	return p, err
}

// UpdatePreferences reads the preferences file at path, applies change, checks the result and writes it
// back, so that what else the file holds (written by another part of Tacit since it was last read) stays
// as it is. A file that cannot be read is not overwritten.
func UpdatePreferences(path string, change func(*Preferences)) (Preferences, error) {
	p, err := LoadPreferences(path)
	if err != nil {
		return p, err
	}
	change(&p)
	if err := SavePreferences(path, p); err != nil {
		return p, err
	}
	return p, nil
}

// ParsePreferences decodes and validates the bytes of a preferences file; see
// LoadPreferences. Fields absent from the file keep their defaults.
func ParsePreferences(data []byte) (Preferences, error) {
	p := Default()
	d := prefsDecoder{data: data, fields: map[string]int{}}
	d.object(0, data, "", reflect.ValueOf(&p).Elem())
	if len(d.probs) > 0 && d.probs[0].Field == "" { // syntax error: nothing else is reliable
		return Default(), &PreferencesError{Problems: d.probs[:1]}
	}
	if _, ok := d.fields["version"]; !ok {
		d.probs = append(d.probs, Problem{Field: "version", Message: "is missing"})
	} else if p.Version > PreferencesVersion {
		return Default(), &VersionError{Version: p.Version, Supported: PreferencesVersion}
	}
	if len(d.probs) == 0 {
		var pe *PreferencesError
		if errors.As(p.Validate(), &pe) {
			for _, pr := range pe.Problems {
				if off, ok := d.fields[pr.Field]; ok {
					pr.Line, pr.Column = lineColumn(data, off)
				}
				d.probs = append(d.probs, pr)
			}
		}
	}
	if len(d.probs) > 0 {
		return Default(), &PreferencesError{Problems: d.probs}
	}
	return p, nil
}

// prefsDecoder decodes a JSON object field by field into a struct, so that
// every problem can name its field and position.
type prefsDecoder struct {
	data   []byte
	fields map[string]int // field path -> byte offset of its value
	probs  []Problem
}

func (d *prefsDecoder) problem(field string, off int, format string, args ...any) {
	line, col := lineColumn(d.data, off)
	d.probs = append(d.probs, Problem{Field: field, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// syntax records a JSON syntax error found at offset base+err.Offset.
func (d *prefsDecoder) syntax(base int, err error) {
	off := base
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off += int(se.Offset)
		d.problem("", off, "invalid JSON: %s", strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		d.problem("", len(d.data), "invalid JSON: unexpected end of file")
	default:
		d.problem("", off, "invalid JSON: %v", err)
	}
}

// object decodes the JSON object raw (found at offset base of the file) into
// the struct v. prefix is the field path of raw ("" or "window.").
func (d *prefsDecoder) object(base int, raw []byte, prefix string, v reflect.Value) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		d.syntax(base, err)
		return
	}
	if tok != json.Delim('{') {
		d.problem(strings.TrimSuffix(prefix, "."), base+skipSpace(raw, 0), "must be a JSON object")
		return
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			d.syntax(base, err)
			return
		}
		key, _ := tok.(string)
		valueOff := skipSpaceColon(raw, int(dec.InputOffset()))
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			d.syntax(base, err)
			return
		}
		path := prefix + key
		off := base + valueOff
		if seen[key] {
			d.problem(path, off, "appears more than once")
			continue
		}
		seen[key] = true
		field, ok := fieldByTag(v, key)
		if !ok {
			d.problem(path, off, "unknown field")
			continue
		}
		d.fields[path] = off
		if string(value) == "null" {
			d.problem(path, off, "must not be null")
			continue
		}
		if field.Kind() == reflect.Struct {
			d.object(off, value, path+".", field)
			continue
		}
		if err := json.Unmarshal(value, field.Addr().Interface()); err != nil {
			d.problem(path, off, "must be %s", kindName(field.Kind()))
		}
	}
	if _, err := dec.Token(); err != nil { // closing brace
		d.syntax(base, err)
		return
	}
	if prefix == "" {
		if _, err := dec.Token(); err != io.EOF {
			d.problem("", base+int(dec.InputOffset()), "invalid JSON: data after the top-level object")
		}
	}
}

// fieldByTag finds the field of struct v whose json tag is name.
func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	default:
		return "a " + k.String()
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipSpaceColon(b []byte, i int) int {
	i = skipSpace(b, i)
	if i < len(b) && b[i] == ':' {
		i++
	}
	return skipSpace(b, i)
}

// lineColumn converts a byte offset to a 1-based line and column.
func lineColumn(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// SavePreferences validates p and writes it to path atomically with mode 0600,
// creating the directory (mode 0700) if needed. Invalid preferences are not
// written.
func SavePreferences(path string, p Preferences) error {
	if err := p.Validate(); err != nil {
		var pe *PreferencesError
		if errors.As(err, &pe) {
			pe.Path = path
		}
		return err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("settings: encode preferences: %w", err)
	}
	data = append(data, '\n')
	if err := ensurePrivateDir(filepath.Dir(path)); err != nil {
		return err
	}
	if err := writeFileAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("settings: save preferences: %w", err)
	}
	return nil
}
