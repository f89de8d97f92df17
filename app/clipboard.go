package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
)

// ClipboardImage implements ui.Files: the picture on the system clipboard, read with wl-paste on Wayland
// or xclip on X11 (Fyne's clipboard carries only text). A clipboard without a picture gives nil.
func (b filesService) ClipboardImage(ctx context.Context) ([]byte, error) {
	return clipboardImage(ctx, os.Getenv("WAYLAND_DISPLAY") != "")
}

// clipboardImage asks the clipboard tool of the session for its types and, when a PNG is among them,
// for the picture.
func clipboardImage(ctx context.Context, wayland bool) ([]byte, error) {
	types, read := []string{"xclip", "-selection", "clipboard", "-t", "TARGETS", "-o"},
		[]string{"xclip", "-selection", "clipboard", "-t", "image/png", "-o"}
	if wayland {
		types, read = []string{"wl-paste", "--list-types"}, []string{"wl-paste", "--no-newline", "--type", "image/png"}
	}
	if _, err := exec.LookPath(types[0]); err != nil {
		return nil, userError(errNoClipboardTool)
	}
	list, err := runClipboard(ctx, types, 64<<10)
	if err != nil {
		// An empty clipboard makes both tools fail: there is no picture.
		return nil, nil
	}
	hasPNG := false
	for line := range strings.SplitSeq(string(list), "\n") {
		hasPNG = hasPNG || strings.TrimSpace(line) == "image/png"
	}
	if !hasPNG {
		return nil, nil
	}
	data, err := runClipboard(ctx, read, maxPhotoBytes)
	if err != nil {
		return nil, userError(err)
	}
	return data, nil
}

// runClipboard runs a clipboard tool and returns what it wrote, refusing more than limit bytes.
func runClipboard(ctx context.Context, args []string, limit int64) ([]byte, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, rerr := io.Copy(&buf, io.LimitReader(out, limit+1))
	if int64(buf.Len()) > limit {
		// The tool may still be writing: stop it so that Wait returns.
		rerr = errors.Join(errPhotoTooLarge, cmd.Process.Kill())
	}
	werr := cmd.Wait()
	switch {
	case rerr != nil:
		return nil, rerr
	case werr != nil:
		return nil, werr
	}
	return buf.Bytes(), nil
}

// errNoClipboardTool: neither xclip nor wl-paste is installed to read a pasted picture.
var errNoClipboardTool = errors.New("app: no clipboard tool to read a picture")
