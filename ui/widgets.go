package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tacit/assets"
)

// Building blocks shared by the pages.

// loginWidth is the width of the column the sign-in pages are laid out in.
const loginWidth = 440

// loginFrame lays out a sign-in page: the icon, a title, an introduction and the page's own objects in a
// centred column, with the demo server's banner on top when there is one.
func (u *UI) loginFrame(title, intro string, body ...fyne.CanvasObject) fyne.CanvasObject {
	return u.loginFrameWithFooter(title, intro, nil, body...)
}

// loginFrameWithFooter is loginFrame with footer pinned under the scrolling column, for pages whose
// decisive controls must stay in view however long the text above them is.
func (u *UI) loginFrameWithFooter(title, intro string, footer fyne.CanvasObject, body ...fyne.CanvasObject) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(assets.Icon())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(64, 64))

	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	heading.Wrapping = fyne.TextWrapWord

	head := container.NewBorder(nil, nil, icon, nil,
		container.NewVBox(layout.NewSpacer(), heading, layout.NewSpacer()))
	objs := []fyne.CanvasObject{head}
	if intro != "" {
		objs = append(objs, wrapped(intro))
	}
	objs = append(objs, body...)
	column := container.New(&widthLayout{width: loginWidth}, container.NewVBox(objs...))

	var page fyne.CanvasObject = container.NewVScroll(container.NewCenter(container.NewPadded(column)))
	if footer != nil {
		bottom := container.NewCenter(container.NewPadded(container.New(&widthLayout{width: loginWidth}, footer)))
		page = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bottom), nil, nil, page)
	}
	if u.sandboxHint == "" {
		return page
	}
	banner := wrapped(u.sandboxHint)
	banner.Importance = widget.WarningImportance
	banner.Alignment = fyne.TextAlignCenter
	return container.NewBorder(container.NewVBox(banner, widget.NewSeparator()), nil, nil, nil, page)
}

// wrapped returns a word-wrapped label.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// caption returns a small, subdued, word-wrapped label for explanations under a field.
func caption(text string) *widget.Label {
	l := wrapped(text)
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// errorLabel returns the hidden label that shows a problem under a field.
func errorLabel() *widget.Label {
	l := wrapped("")
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setError shows msg in l, or hides l when msg is empty.
// showProblem shows on l what the user reads about err (see explain).
func showProblem(l *widget.Label, err error) {
	msg, _ := explain(err)
	setError(l, msg)
}

func setError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// labeled puts a field under its label.
func labeled(label string, field fyne.CanvasObject, below ...fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(append([]fyne.CanvasObject{l, field}, below...)...)
}

// busyIndicator shows that a call to the application is under way and disables the controls meanwhile.
type busyIndicator struct {
	activity *widget.Activity
	label    *widget.Label     // what is happening, shown beside the activity; nil if none
	view     fyne.CanvasObject // the activity, with the label if there is one
	controls []fyne.Disableable
	active   bool
}

func newBusy(controls ...fyne.Disableable) *busyIndicator {
	b := &busyIndicator{activity: widget.NewActivity(), controls: controls}
	b.activity.Hide()
	b.view = b.activity
	return b
}

// newBusyWithText is newBusy with a few words beside the activity, for waits the user should understand
// (deriving a key from a passphrase takes a moment).
func newBusyWithText(text string, controls ...fyne.Disableable) *busyIndicator {
	b := newBusy(controls...)
	b.label = widget.NewLabel(text)
	b.label.Importance = widget.LowImportance
	b.label.Hide()
	b.view = container.NewHBox(b.activity, b.label)
	return b
}

// set turns the indicator on or off.
func (b *busyIndicator) set(on bool) {
	b.active = on
	for _, c := range b.controls {
		if on {
			c.Disable()
		} else {
			c.Enable()
		}
	}
	if on {
		b.activity.Show()
		b.activity.Start()
	} else {
		b.activity.Stop()
		b.activity.Hide()
	}
	if b.label != nil && on {
		b.label.Show()
	} else if b.label != nil {
		b.label.Hide()
	}
}

// buttonRow lays out the buttons of a page with the activity indicator on the left.
func buttonRow(busy *busyIndicator, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	objs := append([]fyne.CanvasObject{busy.view, layout.NewSpacer()}, buttons...)
	return container.NewHBox(objs...)
}

// widthLayout gives its objects a fixed width and their own minimum height.
type widthLayout struct{ width float32 }

func (l *widthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *widthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		o.Resize(fyne.NewSize(l.width, o.MinSize().Height))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h)
}

// layoutSpacer returns a space that takes what is left in a box.
func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// showPrivacy sets the icon and label that say who can read d: the green lock for a secret chat, the cloud
// for everything Telegram can read, neither for a secret chat that ended.
func showPrivacy(icon *widget.Icon, label *widget.Label, d DialogSummary) {
	text, e2e := dialogPrivacy(d)
	label.SetText(text)
	switch {
	case e2e:
		icon.SetResource(theme.NewSuccessThemedResource(assets.LockIcon()))
		label.Importance = widget.SuccessImportance
	case d.Kind == KindSecret:
		// The grey lock says the chat ended; the words are in the text colour, Fyne's grey could hardly be read.
		icon.SetResource(theme.NewDisabledResource(assets.LockIcon()))
		label.Importance = widget.MediumImportance
	default:
		icon.SetResource(theme.NewWarningThemedResource(assets.CloudIcon()))
		label.Importance = widget.WarningImportance
	}
	label.Refresh()
}
