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
	form   *form
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
	p.form = u.newForm(p.busy, p.err)
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
	demo := u.svc.Demo
	if demo == nil {
		return
	}
	number := u.phone
	u.background(func(context.Context) func() {
		code, ok := demo.DemoCode(number)
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
	if p.form.working() {
		return
	}
	p.sent.Hide()
	phone := u.phone
	p.form.run(func(ctx context.Context) (func(), error) {
		sent, err := u.svc.Login.SendCode(ctx, phone)
		return func() {
			u.codeSent = sent
			p.entry.SetText("")
			if via := deliveryPhrase(sent.Via); via != "" {
				p.sent.SetText("A new code was sent " + via + ".")
			} else {
				p.sent.SetText("A new code was sent.")
			}
			p.sent.Show()
			u.showDemoCode(p)
		}, err
	})
}

func (u *UI) submitCode(p *codePage) {
	if p.form.working() {
		return
	}
	code, err := NormalizeCode(p.entry.Text, u.codeSent.Length)
	if p.form.show(err) {
		return
	}
	p.form.stage(func(ctx context.Context) (LoginStage, error) { return u.svc.Login.SubmitCode(ctx, code) })
}
