package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeTool puts a shell script named name on an otherwise empty PATH.
func fakeTool(t *testing.T, name, script string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
}

func TestClipboardImage(t *testing.T) {
	ctx := context.Background()
	png := []byte("\x89PNG\r\n\x1a\nfake picture")

	t.Run("no tool", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		if _, err := clipboardImage(ctx, false); !errors.Is(err, errNoClipboardTool) {
			t.Fatalf("without xclip: %v", err)
		}
	})
	t.Run("x11 picture", func(t *testing.T) {
		fakeTool(t, "xclip", `case "$4" in TARGETS) printf 'TARGETS\nimage/png\ntext/plain\n';; image/png) printf '\211PNG\r\n\032\nfake picture';; esac`)
		got, err := clipboardImage(ctx, false)
		if err != nil || !bytes.Equal(got, png) {
			t.Fatalf("clipboardImage = %q, %v", got, err)
		}
	})
	t.Run("wayland text only", func(t *testing.T) {
		fakeTool(t, "wl-paste", `printf 'text/plain\nUTF8_STRING\n'`)
		got, err := clipboardImage(ctx, true)
		if err != nil || got != nil {
			t.Fatalf("clipboardImage of text = %q, %v", got, err)
		}
	})
	t.Run("empty clipboard", func(t *testing.T) {
		fakeTool(t, "wl-paste", `echo "Nothing is copied" >&2; exit 1`)
		got, err := clipboardImage(ctx, true)
		if err != nil || got != nil {
			t.Fatalf("clipboardImage of nothing = %q, %v", got, err)
		}
	})
}
