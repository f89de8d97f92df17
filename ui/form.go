package ui

import (
	"context"

	"fyne.io/fyne/v2/widget"
)

// form is the submit flow every page shares: one call at a time, with progress shown and the page's
// controls off meanwhile; the error under the input it concerns; the result applied on the event goroutine
// unless the user has left the page.
type form struct {
	u    *UI
	busy *busyIndicator
	// errs are where problems show: each input's label, and the page's own under FieldNone.
	errs map[Field]*widget.Label
	// onFail, when set, runs after a problem is shown (to focus a field, or empty a secret one).
	onFail func()
}

func (u *UI) newForm(busy *busyIndicator, pageErr *widget.Label) *form {
	return &form{u: u, busy: busy, errs: map[Field]*widget.Label{FieldNone: pageErr}}
}

// with shows the problems about field under l.
func (f *form) with(field Field, l *widget.Label) *form {
	f.errs[field] = l
	return f
}

// working reports whether a call of this form is under way (a second submit does nothing meanwhile).
func (f *form) working() bool { return f.busy.active }

// clear hides every problem.
func (f *form) clear() {
	for _, l := range f.errs {
		setError(l, "")
	}
}

// show shows err under the input it concerns, or under the page when this page has no such input, and
// reports whether there was anything to show. A cancelled call shows nothing.
func (f *form) show(err error) bool {
	if err == nil {
		return false
	}
	f.clear()
	msg, field := explain(err)
	l, ok := f.errs[field]
	if !ok {
		l = f.errs[FieldNone]
	}
	setError(l, msg)
	if f.onFail != nil {
		f.onFail()
	}
	return true
}

// run starts call in the background unless a call of this form is under way. On failure the problem is
// shown; on success apply (what call returned) runs.
func (f *form) run(call func(ctx context.Context) (apply func(), err error)) {
	if f.busy.active {
		return
	}
	f.clear()
	f.busy.set(true)
	f.u.background(func(ctx context.Context) func() {
		apply, err := call(ctx)
		return func() {
			f.busy.set(false)
			if f.show(err) || apply == nil {
				return
			}
			apply()
		}
	})
}

// stage runs a sign-in call and shows the page of the stage it reached.
func (f *form) stage(call func(ctx context.Context) (LoginStage, error)) {
	f.run(func(ctx context.Context) (func(), error) {
		st, err := call(ctx)
		return func() { f.u.showStage(st) }, err
	})
}
