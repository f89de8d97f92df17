package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsA512SquarePNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(IconPNG()))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("icon is %dx%d, want 512x512", b.Dx(), b.Dy())
	}
}

func TestResourcesAreCopies(t *testing.T) {
	a := IconPNG()
	a[0] ^= 0xff
	if bytes.Equal(a[:1], IconPNG()[:1]) {
		t.Fatal("IconPNG shares its backing array with the embedded bytes")
	}
	for _, r := range []interface {
		Name() string
		Content() []byte
	}{Icon(), LockIcon(), CloudIcon()} {
		if len(r.Content()) == 0 {
			t.Errorf("%s is empty", r.Name())
		}
	}
	if !bytes.Contains(LockIcon().Content(), []byte("<svg")) || !bytes.Contains(CloudIcon().Content(), []byte("<svg")) {
		t.Error("symbols are not SVG")
	}
}

// IconPNG returns a copy of the 512x512 application icon as PNG bytes, as the tests read it.
func IconPNG() []byte { return clone(iconPNG) }
