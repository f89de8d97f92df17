package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // photos people send
	_ "image/jpeg"
	_ "image/png"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// Photos come from other people: decodePhoto never trusts what the bytes claim. An image is checked for
// its dimensions before its pixels are decoded (a few bytes can claim a picture of gigabytes), and is
// scaled down to what the window shows.

// maxPhotoPixels bounds the pixels of a picture Tacit decodes (50 megapixels, 200 MB of RGBA).
const maxPhotoPixels = 50_000_000

// errPhotoTooLarge is a picture that claims more pixels than Tacit decodes.
var errPhotoTooLarge = errors.New("the picture is too large to show")

// decodePhoto decodes an image (JPEG, PNG, GIF or WebP) and scales it so that neither side exceeds
// maxSide pixels. It returns an error, never panics, for anything that is not such an image.
func decodePhoto(b []byte, maxSide int) (img image.Image, err error) {
	defer func() {
		// The standard decoders are careful, but a picture from a stranger must never end Tacit.
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("the picture is damaged: %v", r)
		}
	}()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a picture Tacit can show: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPhotoPixels {
		return nil, errPhotoTooLarge
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("the picture is damaged: %w", err)
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	if w <= maxSide && h <= maxSide {
		return src, nil
	}
	tw, th := fitInside(w, h, maxSide, maxSide)
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	return dst, nil
}

// fitInside scales w x h to fit inside maxW x maxH, keeping its shape (never below 1 x 1).
func fitInside(w, h, maxW, maxH int) (int, int) {
	if w <= 0 || h <= 0 {
		return maxW, maxH
	}
	if w <= maxW && h <= maxH {
		return w, h
	}
	sw, sh := float64(maxW)/float64(w), float64(maxH)/float64(h)
	s := min(sw, sh)
	return max(1, int(float64(w)*s)), max(1, int(float64(h)*s))
}
