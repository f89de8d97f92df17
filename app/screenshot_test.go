package app

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"tacit/ui"
)

// TestWizardAPIPageScreenshot writes docs/screenshots/wizard-api.png when TACIT_SCREENSHOTS names the
// directory: the first-start wizard's API page, reached through the real connection test against a local
// sandbox (Telegram itself cannot be reached where the screenshots are made). The window is Fyne's test
// window, drawn by its software painter at the real window's size, in the dark theme.
func TestWizardAPIPageScreenshot(t *testing.T) {
	dir := os.Getenv("TACIT_SCREENSHOTS")
	if dir == "" {
		t.Skip("TACIT_SCREENSHOTS is not set")
	}
	s, _, _ := wizardOnSandbox(t, t.TempDir())
	s.ui.SetTheme(ui.ThemeDark)
	s.tap("Set up Tacit")
	s.waitText("How Tacit reaches Telegram")
	s.tap("Test and continue")
	s.waitText("Your own key to Telegram")
	var win fyne.Window
	for _, w := range s.app.Driver().AllWindows() {
		t.Logf("window %q %v", w.Title(), w.Canvas().Size())
		if w.Content() != nil && w.Canvas().Size().Width >= 900 {
			win = w
		}
	}
	if win == nil {
		t.Fatal("no window of the wizard's size")
	}
	f, err := os.Create(filepath.Join(dir, "wizard-api.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
