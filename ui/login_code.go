package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/widget"
)

// codePage asks for the login code sent to the phone.
type codePage struct {
	entry  *widget.Entry
	err    *widget.Label
	demo   *widget.Label
	next   *widget.Button
	back   *widget.Button
	resend *widget.Button
	sent   *widget.Label // confirms that a new code was sent
	intro  string
	busy   *busyIndicator
}

func (u *UI) showCode() {
	p := &codePage{entry: widget.NewEntry(), err: errorLabel()}
	p.entry.SetPlaceHolder("Code from Telegram")
	p.next = widget.NewButton("Sign in", func() { u.submitCode(p) })
	p.next.Importance = widget.HighImportance
	p.back = widget.NewButton("Change number", func() { u.showPhone() })
	p.sent = wrapped("")
	p.sent.Importance = widget.SuccessImportance
	p.sent.Hide()
	p.resend = widget.NewButton("Send a new code", func() { u.resendCode(p) })
	p.busy = newBusy(p.entry, p.next, p.back, p.resend)
	p.entry.OnSubmitted = func(string) { u.submitCode(p) }
	p.demo = wrapped("")
	p.demo.Importance = widget.WarningImportance
	p.demo.TextStyle.Bold = true
	p.demo.Hide()
	u.codePg = p

	phone := u.codeSent.Phone
	if phone == "" {
		phone = u.phone
	}
	intro := fmt.Sprintf("A login code was sent to %s.", phone)
	if via := deliveryPhrase(u.codeSent.Via); via != "" {
		intro = fmt.Sprintf("A login code for %s was sent %s.", phone, via)
	}
	p.intro = intro
	u.setPage(pageCode, u.loginFrame("Enter the code", intro,
		p.demo,
		labeled("Code", p.entry, p.err),
		caption("Never give this code to anyone, not even someone who says they work for Telegram."),
		buttonRow(p.busy, p.back, p.next),
		widget.NewSeparator(),
		caption("No code, or it expired? Telegram sends a new one, possibly another way."),
		p.resend,
		p.sent,
	))
	u.win.Canvas().Focus(p.entry)
	u.showDemoCode(p)
}

// showDemoCode shows the code the demo server sent, when running against it.
func (u *UI) showDemoCode(p *codePage) {
	if u.sandboxHint == "" {
		return
	}
	number := u.phone
	u.background(func(context.Context) func() {
		code, ok := u.b.DemoCode(number)
		return func() {
			if ok {
				p.demo.SetText("Demo server: the code is " + code)
				p.demo.Show()
			}
		}
	})
}

// resendCode asks for a new code for the same number and stays on the page.
func (u *UI) resendCode(p *codePage) {
	if p.busy.active {
		return
	}
	setError(p.err, "")
	p.sent.Hide()
	phone := u.phone
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		sent, err := u.b.SendCode(ctx, phone)
		return func() {
			p.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				setError(p.err, msg)
				return
			}
			u.codeSent = sent
			p.entry.SetText("")
			if via := deliveryPhrase(sent.Via); via != "" {
				p.sent.SetText("A new code was sent " + via + ".")
			} else {
				p.sent.SetText("A new code was sent.")
			}
			p.sent.Show()
			u.showDemoCode(p)
		}
	})
}

func (u *UI) submitCode(p *codePage) {
	if p.busy.active {
		return
	}
	code, err := NormalizeCode(p.entry.Text, u.codeSent.Length)
	if err != nil {
		msg, _ := explain(err)
		setError(p.err, msg)
		return
	}
	setError(p.err, "")
	p.busy.set(true)
	u.background(func(ctx context.Context) func() {
		stage, err := u.b.SubmitCode(ctx, code)
		return func() {
			p.busy.set(false)
			if err != nil {
				msg, _ := explain(err)
				setError(p.err, msg)
				return
			}
			u.showStage(stage)
		}
	})
}
