package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tacit/ui"
)

// screen drives Tacit's real window the way a user does: by the words on it, the fields under their labels
// and the buttons by their text. Fyne's test driver has no event goroutine (it runs fyne.Do at once on the
// calling goroutine, which would race with the test), so the test plays it: screen's app queues what the
// window hands to the event goroutine until the test runs it (waitFor).
type screen struct {
	t     *testing.T
	app   fyne.App // Fyne's test app, with the queue as its event goroutine
	ui    *ui.UI
	queue chan func()
}

// newScreen makes the app to build the window on; show then starts the window.
func newScreen(t *testing.T) *screen {
	s := &screen{t: t, queue: make(chan func(), 4096)}
	base := test.NewTempApp(t)
	s.app = &queuedApp{App: base, driver: queuedDriver{Driver: base.Driver(), queue: s.queue}}
	fyne.SetCurrentApp(s.app)
	return s
}

// show starts u, a window built on s.app.
func (s *screen) show(u *ui.UI) {
	s.ui = u
	u.Start()
}

// queuedApp is Fyne's test app whose driver queues fyne.Do's work for the test to run.
type queuedApp struct {
	fyne.App
	driver queuedDriver
}

func (a *queuedApp) Driver() fyne.Driver { return a.driver }

type queuedDriver struct {
	fyne.Driver
	queue chan func()
}

// DoFromGoroutine queues fn for the test; a caller that waits runs it at once, as Fyne's test driver does.
func (d queuedDriver) DoFromGoroutine(fn func(), wait bool) {
	if wait {
		fn()
		return
	}
	d.queue <- fn
}

// walk calls fn for every visible object of o's tree, in drawing order.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// each calls fn for every visible object of the window, dialogs on top last.
func (s *screen) each(fn func(fyne.CanvasObject)) {
	c := s.ui.Window().Canvas()
	walk(c.Content(), fn)
	for _, o := range c.Overlays().List() {
		walk(o, fn)
	}
}

// text is every word the window shows, a line per piece of text.
func (s *screen) text() string {
	var b strings.Builder
	s.each(func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			b.WriteString(t.Text)
			b.WriteByte('\n')
		}
	})
	return b.String()
}

// shows reports whether the window shows sub somewhere, however its lines are wrapped.
func (s *screen) shows(sub string) bool {
	flat := func(x string) string { return strings.Join(strings.Fields(x), " ") }
	return strings.Contains(flat(s.text()), flat(sub))
}

// waitFor runs the window's work until cond holds. The bound only keeps a broken test from hanging.
func (s *screen) waitFor(what string, cond func() bool) {
	s.t.Helper()
	guard := time.NewTimer(3 * time.Minute)
	defer guard.Stop()
	for !cond() {
		select {
		case fn := <-s.queue:
			fn()
		case <-guard.C:
			s.t.Fatalf("waiting for %s; the window shows:\n%s", what, s.text())
		}
	}
}

// waitText runs the window's work until it shows sub.
func (s *screen) waitText(sub string) {
	s.t.Helper()
	s.waitFor("“"+sub+"”", func() bool { return s.shows(sub) })
}

// buttonWithPrefix finds the visible button whose text starts with prefix, such as "Harden 3".
func (s *screen) buttonWithPrefix(prefix string) *widget.Button {
	s.t.Helper()
	var found *widget.Button
	s.each(func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, prefix) {
			found = b
		}
	})
	if found == nil {
		s.t.Fatalf("no button %q… in:\n%s", prefix, s.text())
	}
	return found
}

// button finds the visible button with this text.
func (s *screen) button(text string) *widget.Button {
	s.t.Helper()
	var found *widget.Button
	s.each(func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		s.t.Fatalf("no button %q; the window shows:\n%s", text, s.text())
	}
	return found
}

// tap taps the button with this text, which must be enabled.
func (s *screen) tap(text string) {
	s.t.Helper()
	b := s.button(text)
	if b.Disabled() {
		s.t.Fatalf("button %q is disabled", text)
	}
	test.Tap(b)
}

// field is an input the user types into.
type field interface {
	fyne.Focusable
	SetText(string)
}

// entry finds the input right after the text label.
func (s *screen) entry(label string) field {
	s.t.Helper()
	var found field
	seen := false
	s.each(func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text == label {
			seen = true
		}
		if f, ok := o.(field); ok && seen && found == nil {
			if _, isLabel := o.(*widget.Label); !isLabel {
				found = f
			}
		}
	})
	if found == nil {
		s.t.Fatalf("no field under %q; the window shows:\n%s", label, s.text())
	}
	return found
}

// typeInto replaces what the field under label holds by typing text.
func (s *screen) typeInto(label, text string) {
	s.t.Helper()
	f := s.entry(label)
	f.SetText("")
	test.Type(f, text)
}

// choose picks option in the radio group that offers it.
func (s *screen) choose(option string) {
	s.t.Helper()
	var found *widget.RadioGroup
	s.each(func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && slices.Contains(r.Options, option) {
			found = r
		}
	})
	if found == nil {
		s.t.Fatalf("no choice %q; the window shows:\n%s", option, s.text())
	}
	found.SetSelected(option)
}

// tick ticks the check box with this text; a check box whose words are a label beside it is found by being
// the only one on the window.
func (s *screen) tick(text string) {
	s.t.Helper()
	var named, any []*widget.Check
	s.each(func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			any = append(any, c)
			if c.Text == text {
				named = append(named, c)
			}
		}
	})
	switch {
	case len(named) == 1:
		test.Tap(named[0])
	case len(any) == 1 && s.shows(text):
		test.Tap(any[0])
	default:
		s.t.Fatalf("no check box %q; the window shows:\n%s", text, s.text())
	}
}

// buttons lists the text of every visible button.
func (s *screen) buttons() []string {
	var out []string
	s.each(func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b.Text)
		}
	})
	return out
}
