package ui

import (
	"context"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"rsc.io/qr"
)

// qrPage logs in by a QR code scanned with a device that is already signed in.
type qrPage struct {
	image  *canvas.Image
	status *widget.Label
	err    *widget.Label
	back   *widget.Button
	busy   *busyIndicator
	url    string // the login URL shown now
}

// qrSide is roughly the width of the QR code on screen, in Fyne units.
const qrSide = 240

const qrWarning = "Telegram may treat logins by QR code from unofficial apps such as Tacit harshly, " +
	"up to limiting the account. Signing in with a code sent to your phone is the safer choice."

func (u *UI) showQR() {
	p := &qrPage{status: caption("Asking the server for a login code…"), err: errorLabel()}
	p.image = canvas.NewImageFromImage(nil)
	p.image.FillMode = canvas.ImageFillContain
	p.image.ScaleMode = canvas.ImageScalePixels
	p.image.SetMinSize(fyne.NewSize(qrSide, qrSide))
	p.back = widget.NewButton("Use the phone number instead", func() { u.showPhone() })
	p.busy = newBusy()
	u.qrPg = p

	warning := wrapped(qrWarning)
	warning.Importance = widget.WarningImportance
	u.setPage(pageQR, u.loginFrame("Sign in with a QR code",
		"On a phone where you are signed in to Telegram, open Settings, then Devices, then "+
			"Link Desktop Device, and scan this code.",
		warning,
		container.NewCenter(p.image),
		p.status,
		p.err,
		buttonRow(p.busy, p.back),
	))

	p.busy.set(true)
	u.backgroundFor(0, func(ctx context.Context) func() {
		stage, err := u.svc.Login.QRLogin(ctx, func(url string, expires time.Time) {
			img, qerr := qrImage(url)
			u.onMain(func() {
				if u.qrPg != p || u.page != pageQR {
					return
				}
				if qerr != nil {
					setError(p.err, "The login code cannot be drawn. Use the phone number instead.")
					return
				}
				p.url = url
				// Whole pixels per module keep the modules evenly sized on screen.
				side := float32(img.Bounds().Dx() * max(3, qrSide/img.Bounds().Dx()))
				p.image.SetMinSize(fyne.NewSize(side, side))
				p.image.Image = img
				p.image.Refresh()
				p.status.SetText("Waiting for the code to be scanned. It is renewed automatically.")
			})
		})
		return func() {
			p.busy.set(false)
			if err != nil {
				showProblem(p.err, err)
				p.status.SetText("")
				return
			}
			u.showStage(stage)
		}
	})
}

// qrImage draws url as a QR code, black on white, one pixel per module with the four-module quiet zone
// scanners need.
func qrImage(url string) (image.Image, error) {
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		return nil, err
	}
	const quiet = 4
	n := code.Size + 2*quiet
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			c := color.Gray{Y: 0xff}
			if code.Black(x-quiet, y-quiet) {
				c = color.Gray{}
			}
			img.SetGray(x, y, c)
		}
	}
	return img, nil
}
