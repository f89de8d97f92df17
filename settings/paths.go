package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
)

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "default"

// appDirName is the directory Tacit creates below the XDG base directories.
const appDirName = "tacit"

// PreferencesFileName is the name of the preferences file in Paths.Config.
const PreferencesFileName = "settings.json"

// Paths are the directories of one profile.
type Paths struct {
	// Profile is the validated profile name ("default" unless named).
	Profile string
	// Config holds the preferences file (Paths.PreferencesFile).
	Config string
	// Data holds the key file and the encrypted database; mode 0700.
	Data string
}

// PreferencesFile is the path of the profile's preferences file.
func (p Paths) PreferencesFile() string {
	return filepath.Join(p.Config, PreferencesFileName)
}

// ErrInvalidProfile is matched by errors about a bad profile name.
var ErrInvalidProfile = errors.New("invalid profile name")

var profileRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidateProfile reports whether name can be used as a profile name: 1 to 32
// lowercase ASCII letters, digits, '-' or '_', starting with a letter or digit.
// Such a name is safe as a directory name on every platform.
func ValidateProfile(name string) error {
	if !profileRE.MatchString(name) {
		return fmt.Errorf("settings: %w %q: use 1-32 lowercase letters, digits, '-' or '_', starting with a letter or digit",
			ErrInvalidProfile, name)
	}
	return nil
}

// ResolvePaths returns the directories of a profile without creating them.
//
// With dataOverride empty, the preferences live in
// $XDG_CONFIG_HOME/tacit/<profile> and the data in
// $XDG_DATA_HOME/tacit/<profile> (with the XDG defaults ~/.config and
// ~/.local/share when the variables are unset or not absolute). An empty
// profile means DefaultProfile.
//
// dataOverride (the --data flag) puts both the preferences file and the data
// into that one directory, which isolates a run completely (tests, selftest,
// a portable install). It cannot be combined with a named profile.
func ResolvePaths(profile, dataOverride string) (Paths, error) {
	if dataOverride != "" {
		if profile != "" && profile != DefaultProfile {
			return Paths{}, fmt.Errorf("settings: use either --data or --profile, not both")
		}
		dir, err := filepath.Abs(dataOverride)
		if err != nil {
			return Paths{}, fmt.Errorf("settings: data directory %q: %w", dataOverride, err)
		}
		return Paths{Profile: DefaultProfile, Config: dir, Data: dir}, nil
	}
	if profile == "" {
		profile = DefaultProfile
	}
	if err := ValidateProfile(profile); err != nil {
		return Paths{}, err
	}
	configBase, err := configHome()
	if err != nil {
		return Paths{}, err
	}
	dataBase, err := dataHome()
	if err != nil {
		return Paths{}, err
	}
	return Paths{
		Profile: profile,
		Config:  filepath.Join(configBase, appDirName, profile),
		Data:    filepath.Join(dataBase, appDirName, profile),
	}, nil
}

// Ensure creates the profile's directories with mode 0700 and tightens their
// mode to 0700 if they already exist.
func (p Paths) Ensure() error {
	for _, dir := range []string{p.Config, p.Data} {
		if err := ensurePrivateDir(dir); err != nil {
			return err
		}
	}
	return nil
}

func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("settings: create directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("settings: restrict directory: %w", err)
	}
	return nil
}

// configHome is $XDG_CONFIG_HOME or its default.
func configHome() (string, error) {
	if dir := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return dir, nil
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("settings: config directory: %w", err)
		}
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("settings: config directory: %w", err)
	}
	return filepath.Join(home, ".config"), nil
}

// dataHome is $XDG_DATA_HOME or its default. On macOS and Windows, where XDG
// is not the convention, it is the per-user application data directory.
func dataHome() (string, error) {
	if dir := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
		return dir, nil
	}
	switch runtime.GOOS {
	case "darwin":
		dir, err := os.UserConfigDir() // ~/Library/Application Support
		if err != nil {
			return "", fmt.Errorf("settings: data directory: %w", err)
		}
		return dir, nil
	case "windows":
		if dir := os.Getenv("LocalAppData"); dir != "" {
			return dir, nil
		}
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("settings: data directory: %w", err)
		}
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("settings: data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share"), nil
}
