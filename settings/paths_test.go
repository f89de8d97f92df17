package settings

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestResolvePathsXDG(t *testing.T) {
	cfg, data := t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("XDG_DATA_HOME", data)

	p, err := ResolvePaths("", "")
	if err != nil {
		t.Fatal(err)
	}
	want := Paths{Profile: "default", Config: filepath.Join(cfg, "tacit", "default"), Data: filepath.Join(data, "tacit", "default")}
	if p != want {
		t.Fatalf("ResolvePaths = %+v, want %+v", p, want)
	}
	if got := p.PreferencesFile(); got != filepath.Join(cfg, "tacit", "default", "settings.json") {
		t.Fatalf("PreferencesFile = %s", got)
	}

	p, err = ResolvePaths("work-2", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Data != filepath.Join(data, "tacit", "work-2") || p.Profile != "work-2" {
		t.Fatalf("named profile: %+v", p)
	}
}

func TestResolvePathsDefaultsWithoutXDG(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored") // the spec says relative values are ignored
	t.Setenv("XDG_DATA_HOME", "")
	p, err := ResolvePaths("default", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Config != filepath.Join(home, ".config", "tacit", "default") || p.Data != filepath.Join(home, ".local", "share", "tacit", "default") {
		t.Fatalf("paths = %+v", p)
	}
}

func TestResolvePathsDataOverride(t *testing.T) {
	dir := t.TempDir()
	p, err := ResolvePaths("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Config != dir || p.Data != dir {
		t.Fatalf("override: %+v", p)
	}
	if _, err := ResolvePaths("work", dir); err == nil {
		t.Fatal("--data with --profile accepted")
	}
}

func TestValidateProfile(t *testing.T) {
	for _, ok := range []string{"default", "a", "work_2", "x-y", "0", "abcdefghijklmnopqrstuvwxyz012345"} {
		if err := ValidateProfile(ok); err != nil {
			t.Errorf("ValidateProfile(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", "../x", "Work", "-x", "_x", "a b", "é", "abcdefghijklmnopqrstuvwxyz0123456"} {
		err := ValidateProfile(bad)
		if !errors.Is(err, ErrInvalidProfile) {
			t.Errorf("ValidateProfile(%q) = %v, want ErrInvalidProfile", bad, err)
		}
		if _, err := ResolvePaths(bad, ""); bad != "" && !errors.Is(err, ErrInvalidProfile) {
			t.Errorf("ResolvePaths(%q) = %v", bad, err)
		}
	}
}

func TestEnsureMakesPrivateDirs(t *testing.T) {
	base := t.TempDir()
	p := Paths{Config: filepath.Join(base, "c", "tacit", "x"), Data: filepath.Join(base, "d", "tacit", "x")}
	if err := os.MkdirAll(p.Data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := p.Ensure(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{p.Config, p.Data} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s mode %v, want 0700", dir, fi.Mode().Perm())
		}
	}
}
