package app

import (
	"os"
	"strings"
	"testing"
)

func TestReadBuildInfo(t *testing.T) {
	meta, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadBuildInfo(meta, "0123456789abcdef0123456789abcdef01234567")
	if err != nil {
		t.Fatal(err)
	}
	if b.Version == "" || !strings.Contains(string(meta), `Version = "`+b.Version+`"`) {
		t.Fatalf("version %q does not come from FyneApp.toml", b.Version)
	}
	if s := b.String(); !strings.Contains(s, "Tacit "+b.Version) || !strings.Contains(s, "commit 0123456789abcdef0123456789abcdef01234567") || !strings.Contains(s, b.Go) {
		t.Fatalf("String() = %q", s)
	}
	if _, err := ReadBuildInfo([]byte("[Details]\nName = \"Tacit\"\n"), ""); err == nil {
		t.Fatal("a FyneApp.toml without a version was accepted")
	}
	if _, err := ReadBuildInfo([]byte("[Details\n"), ""); err == nil {
		t.Fatal("a broken FyneApp.toml was accepted")
	}
}
