package app

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"tacit/ui"
)

// TestWizardAPIPageScreenshot drives the first-start wizard to its API page, reached through the real
// connection test against a local sandbox (Telegram itself cannot be reached where the screenshots are
// made), and captures it; with TACIT_SCREENSHOTS naming a directory it writes the capture there as
// wizard-api.png (docs/screenshots). The window is Fyne's test window, drawn by its software painter at
// the real window's size, in the dark theme.
func TestWizardAPIPageScreenshot(t *testing.T) {
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
	shot := win.Canvas().Capture()
	if b := shot.Bounds(); b.Dx() < 900 {
		t.Fatalf("the captured page is %v", b)
	}
	dir := os.Getenv("TACIT_SCREENSHOTS") // where docs/screenshots/wizard-api.png is made
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, "wizard-api.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, shot); err != nil {
		t.Fatal(err)
	}
}
