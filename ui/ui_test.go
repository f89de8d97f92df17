package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// newTestUI opens the UI on Fyne's headless test driver. The test goroutine plays the event goroutine:
// what the UI hands to onMain is queued and run by drain and settle, never concurrently with the test.
func newTestUI(t *testing.T, b *fakes) *harness {
	t.Helper()
	return newHarness(t, func(a fyne.App) *UI { return New(a, b.services()) })
}

// newLoginUI is newTestUI for the sign-in pages alone: the UI gets only the roles they use (Rules, Login,
// and DemoHints when the fake plays the demo server).
func newLoginUI(t *testing.T, b *fakes) *harness {
	t.Helper()
	all := b.services()
	return newHarness(t, func(a fyne.App) *UI { return New(a, Services{Rules: all.Rules, Login: all.Login, Demo: all.Demo}) })
}

// newVaultTestUI is newTestUI for a UI that starts with the Vault's pages.
func newVaultTestUI(t *testing.T, v *fakeVault) *harness {
	t.Helper()
	return newHarness(t, func(a fyne.App) *UI { return NewWithVault(a, v) })
}

func newHarness(t testing.TB, newUI func(fyne.App) *UI) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{UI: newUI(a), t: t, queue: make(chan func(), 4096)}
	h.post = func(fn func()) { h.queue <- fn }
	h.after = func(_ time.Duration, fn func()) func() { return h.addTimer(fn, false) }
	h.every = func(_ time.Duration, fn func()) func() { return h.addTimer(fn, true) }
	t.Cleanup(h.Close)
	h.win.Resize(fyne.NewSize(960, 640))
	return h
}

// harness is the UI under test with the queue that stands in for the Fyne event loop, and the timers the
// UI set, which run only when the test fires them.
type harness struct {
	*UI
	t      testing.TB
	queue  chan func()
	timers map[int]*testTimer
	nextT  int
}

type testTimer struct {
	fn     func()
	repeat bool
}

func (u *harness) addTimer(fn func(), repeat bool) func() {
	if u.timers == nil {
		u.timers = map[int]*testTimer{}
	}
	id := u.nextT
	u.nextT++
	u.timers[id] = &testTimer{fn: fn, repeat: repeat}
	return func() { delete(u.timers, id) }
}

// fire runs every timer set (all of them: the test decides that time has passed).
func (u *harness) fire() {
	due := u.timers
	u.timers = nil
	for id, t := range due {
		if t.repeat {
			if u.timers == nil {
				u.timers = map[int]*testTimer{}
			}
			u.timers[id] = t
		}
	}
	for _, t := range due {
		t.fn()
	}
}

// drain runs what has been handed to onMain so far.
func (u *harness) drain() {
	for {
		select {
		case fn := <-u.queue:
			fn()
		default:
			return
		}
	}
}

// settle runs what is handed to onMain until no call to the application is in flight any more.
func (u *harness) settle() {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		u.drain() // what is queued may start more calls
		if u.inflight.Load() == 0 {
			return
		}
		select {
		case fn := <-u.queue:
			fn()
		case <-ctx.Done():
			u.t.Fatal("a call to the application never finished")
		}
	}
}

// typeInto replaces the text of e by typing s, as a user would.
func typeInto(e interface {
	fyne.Focusable
	SetText(string)
}, s string) {
	e.SetText("")
	test.Type(e, s)
}

// tap taps b and waits for the call to the application it starts, if any.
func (u *harness) tap(b *widget.Button) {
	test.Tap(b)
	u.settle()
}

func wantPage(t *testing.T, u *harness, p page) {
	t.Helper()
	if u.page != p {
		t.Fatalf("page = %d, want %d", u.page, p)
	}
}

func wantError(t *testing.T, l *widget.Label, contains string) {
	t.Helper()
	if !l.Visible() || !strings.Contains(l.Text, contains) {
		t.Fatalf("error label (visible %v) = %q, want it to contain %q", l.Visible(), l.Text, contains)
	}
}

// toCode goes from the phone page to the code page for phone.
func toCode(t *testing.T, u *harness, phone string) {
	t.Helper()
	u.ShowLogin()
	wantPage(t, u, pagePhone)
	typeInto(u.phonePg.entry, phone)
	u.tap(u.phonePg.next)
	wantPage(t, u, pageCode)
}

func TestSignUpNeedsAcknowledgementAndPassword(t *testing.T) {
	b := newFakes()
	u := newTestUI(t, b)
	toCode(t, u, "+44 7700 900123")
	if b.login.phone != "+447700900123" {
		t.Fatalf("SendCode got %q", b.login.phone)
	}
	if !strings.Contains(u.codePg.intro, "to Telegram on your other devices") {
		t.Errorf("delivery not explained: %q", u.codePg.intro)
	}

	// A wrong code shows the application's sentence under the field and keeps what was typed.
	typeInto(u.codePg.entry, "54321")
	u.tap(u.codePg.next)
	wantPage(t, u, pageCode)
	wantError(t, u.codePg.err, "This code is wrong")
	if u.codePg.entry.Text != "54321" {
		t.Fatalf("code field lost its input: %q", u.codePg.entry.Text)
	}
	if strings.Contains(u.codePg.err.Text, "PHONE_CODE_INVALID") {
		t.Fatal("raw server error shown")
	}

	// A new code can be asked for without leaving the page.
	b.login.code = "67890"
	u.tap(u.codePg.resend)
	wantPage(t, u, pageCode)
	if b.called("SendCode") != 2 || u.codePg.entry.Text != "" || !u.codePg.sent.Visible() {
		t.Fatalf("resend: %d SendCode calls, field %q", b.called("SendCode"), u.codePg.entry.Text)
	}
	typeInto(u.codePg.entry, "12345")
	u.tap(u.codePg.next)
	wantError(t, u.codePg.err, "This code is wrong") // the old code is no longer valid

	typeInto(u.codePg.entry, "67890")
	u.tap(u.codePg.next)
	wantPage(t, u, pageSignUpWarning)
	if u.codePg.err.Visible() {
		t.Error("old error still shown")
	}

	// The name form cannot be reached without ticking the acknowledgement.
	w := u.warningPg
	if !w.next.Disabled() {
		t.Fatal("Continue is enabled before the acknowledgement")
	}
	u.tap(w.next)
	wantPage(t, u, pageSignUpWarning)
	u.showSignUpName()
	wantPage(t, u, pageSignUpWarning)
	if u.namePg != nil {
		t.Fatal("name form built without the acknowledgement")
	}
	w = u.warningPg
	if !slices.Equal(w.points, signUpNotice) {
		t.Errorf("notice shown: %q", w.points)
	}
	for _, topic := range []string{"told that you joined", "hidden", "nobody has saved", "unofficial"} {
		if !strings.Contains(strings.Join(w.points, " "), topic) {
			t.Errorf("the registration notice does not cover %q", topic)
		}
	}
	if !strings.Contains(w.ackText.Text, "terms of service") {
		t.Errorf("terms were sent but the acknowledgement does not mention them: %q", w.ackText.Text)
	}
	test.Tap(w.ack)
	if w.next.Disabled() {
		t.Fatal("Continue stays disabled after the acknowledgement")
	}
	test.Tap(w.ack)
	if !w.next.Disabled() {
		t.Fatal("Continue stays enabled after unticking")
	}
	test.Tap(w.ack)
	u.tap(w.next)
	wantPage(t, u, pageSignUpName)

	// Validation before the application is asked.
	u.tap(u.namePg.next)
	wantError(t, u.namePg.firstErr, "first name")
	if b.called("SignUp") != 0 {
		t.Fatal("SignUp called with an empty name")
	}
	typeInto(u.namePg.first, "Ada")
	typeInto(u.namePg.last, "Lovelace")
	u.tap(u.namePg.next)
	if !slices.Equal(b.login.signUps, []fakeSignUp{{"Ada", "Lovelace", true}}) {
		t.Fatalf("SignUp calls: %+v", b.login.signUps)
	}

	// A new account has no password: the main window stays locked until one is set.
	wantPage(t, u, pageSetPassword)
	if u.main != nil || b.called("Dialogs") != 0 {
		t.Fatal("main window opened before a 2-step password exists")
	}
	p := u.setPassPg
	typeInto(p.password, "correct horse")
	typeInto(p.confirm, "correct hors")
	u.tap(p.next)
	wantError(t, p.passwordErr, "not the same")
	if b.called("SetPassword") != 0 {
		t.Fatal("SetPassword called with mismatched passwords")
	}
	if p.password.Text != "correct horse" {
		t.Fatal("password field lost its input")
	}
	typeInto(p.confirm, "correct horse")
	typeInto(p.hint, "stable")
	u.tap(p.next)
	wantPage(t, u, pageMain)
	if got := string(b.login.accounts["+447700900123"].password); got != "correct horse" {
		t.Fatalf("password set to %q", got)
	}
	if b.login.accounts["+447700900123"].hint != "stable" {
		t.Fatal("hint not passed")
	}
}

func TestSignUpNoticeFromBackend(t *testing.T) {
	b := newFakes()
	u := newLoginUI(t, b)
	u.stage = LoginStage{Step: StepSignUpRequired, SignUpNotice: []string{"Point one.", "Point two."}}
	u.showStage(u.stage)
	wantPage(t, u, pageSignUpWarning)
	if !slices.Equal(u.warningPg.points, []string{"Point one.", "Point two."}) {
		t.Fatalf("notice shown: %q", u.warningPg.points)
	}
	if strings.Contains(u.warningPg.ackText.Text, "terms of service") {
		t.Error("acknowledgement mentions terms that were not sent")
	}
}

func TestPasswordStageShowsHint(t *testing.T) {
	b := newFakes()
	b.login.accounts["+447700900123"] = &fakeAccountData{password: []byte("battery staple"), hint: "horse"}
	u := newTestUI(t, b)
	toCode(t, u, "+447700900123")
	typeInto(u.codePg.entry, "12345")
	u.tap(u.codePg.next)
	wantPage(t, u, pagePassword)
	p := u.passwordPg
	if !p.hint.Visible() || p.hint.Text != "Hint: horse" {
		t.Fatalf("hint shown as %q (visible %v)", p.hint.Text, p.hint.Visible())
	}

	u.tap(p.next)
	wantError(t, p.err, "Enter the password")
	if b.called("SubmitPassword") != 0 {
		t.Fatal("empty password submitted")
	}
	typeInto(p.entry, "battery")
	u.tap(p.next)
	wantPage(t, u, pagePassword)
	wantError(t, p.err, "Wrong password")
	if p.entry.Text != "battery" {
		t.Fatal("password field lost its input")
	}

	typeInto(p.entry, "battery staple")
	test.Type(p.entry, "") // nothing
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.settle()
	wantPage(t, u, pageMain)
}

func TestSetPasswordWithRecoveryEmail(t *testing.T) {
	b := newFakes()
	b.login.accounts["+447700900123"] = &fakeAccountData{}
	u := newTestUI(t, b)
	toCode(t, u, "+447700900123")
	typeInto(u.codePg.entry, "12345")
	u.tap(u.codePg.next)
	wantPage(t, u, pageSetPassword)

	p := u.setPassPg
	typeInto(p.password, "correct horse")
	typeInto(p.confirm, "correct horse")
	// The engine refuses a hint that gives the password away; the page shows it under the password.
	typeInto(p.hint, "it is Correct Horse!")
	u.tap(p.next)
	wantPage(t, u, pageSetPassword)
	wantError(t, p.passwordErr, "hint must not contain the password")
	typeInto(p.hint, "stable")
	typeInto(p.email, "not an address")
	u.tap(p.next)
	wantError(t, p.emailErr, "not an email address")

	// An error the application attributes to the email lands under the email field.
	typeInto(p.email, "taken@example.org")
	u.tap(p.next)
	wantPage(t, u, pageSetPassword)
	wantError(t, p.emailErr, "cannot be used")
	if p.passwordErr.Visible() || p.email.Text != "taken@example.org" {
		t.Fatal("email error misplaced or input lost")
	}

	typeInto(p.email, "t@example.org")
	u.tap(p.next)
	wantPage(t, u, pageConfirmEmail)
	if u.main != nil {
		t.Fatal("main window opened before the recovery email was confirmed")
	}
	typeInto(u.confirmPg.entry, "111111")
	u.tap(u.confirmPg.next)
	wantError(t, u.confirmPg.err, "Wrong email code")
	typeInto(u.confirmPg.entry, "777777")
	u.tap(u.confirmPg.next)
	wantPage(t, u, pageMain)
}

func TestSkipRecoveryEmail(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepConfirmEmail, EmailPattern: "t***@example.org"}
	u := newTestUI(t, b)
	u.Start()
	u.settle()
	wantPage(t, u, pageConfirmEmail)
	u.tap(u.confirmPg.skip)
	wantPage(t, u, pageMain)
	if b.called("SkipEmail") != 1 || b.called("ConfirmEmail") != 0 {
		t.Fatal("skip did not go through SkipEmail")
	}
}

func TestResumeWithoutPasswordIsLocked(t *testing.T) {
	b := newFakes()
	b.login.resume = LoginStage{Step: StepSetPassword}
	u := newTestUI(t, b)
	u.Start()
	u.settle()
	wantPage(t, u, pageSetPassword)
	if u.main != nil || b.events.subscribers() != 0 {
		t.Fatal("main window or event subscription before a password exists")
	}
}

func TestSlowCallShowsProgress(t *testing.T) {
	b := newFakes()
	u := newLoginUI(t, b)
	u.ShowLogin()
	typeInto(u.phonePg.entry, "+447700900123")
	b.login.gate = make(chan struct{})
	test.Tap(u.phonePg.next) // SendCode now waits for the gate

	p := u.phonePg
	if !p.next.Disabled() || !p.entry.Disabled() || !p.qr.Disabled() || !p.busy.activity.Visible() {
		t.Fatal("no progress shown while the application works")
	}
	test.Tap(p.next) // a second tap while busy starts nothing
	close(b.login.gate)
	u.settle()
	wantPage(t, u, pageCode)
	if n := b.called("SendCode"); n != 1 {
		t.Fatalf("SendCode called %d times", n)
	}
}

func TestErrorsWithoutUserTextAreNotShownRaw(t *testing.T) {
	b := newFakes()
	u := newLoginUI(t, b)
	u.ShowLogin()
	typeInto(u.phonePg.entry, "+1 555 000 0000")
	u.tap(u.phonePg.next)
	wantPage(t, u, pagePhone)
	wantError(t, u.phonePg.err, genericFailure)
	if strings.Contains(u.phonePg.err.Text, "BANNED") || u.phonePg.entry.Text != "+1 555 000 0000" {
		t.Fatalf("raw error shown or input lost: %q", u.phonePg.err.Text)
	}
	if u.phonePg.next.Disabled() || u.phonePg.busy.activity.Visible() {
		t.Fatal("still busy after the error")
	}

	typeInto(u.phonePg.entry, "12345")
	u.tap(u.phonePg.next)
	wantError(t, u.phonePg.err, "international format")
	if b.called("SendCode") != 1 {
		t.Fatal("invalid number sent to the application")
	}
}

func TestUnansweredCallEndsWithAMessage(t *testing.T) {
	b := newFakes()
	u := newLoginUI(t, b)
	u.callTimeout = time.Millisecond // the fake never answers; only the bound ends the call
	u.ShowLogin()
	typeInto(u.phonePg.entry, "+1 555 000 0001")
	u.tap(u.phonePg.next)
	wantPage(t, u, pagePhone)
	wantError(t, u.phonePg.err, "did not answer in time")
	if u.phonePg.next.Disabled() || u.phonePg.entry.Text != "+1 555 000 0001" {
		t.Fatal("page still busy or input lost after the timeout")
	}
}

func TestDemoCodeIsShown(t *testing.T) {
	b := newFakes()
	b.login.hint = "Demo server: nothing leaves this computer."
	u := newLoginUI(t, b)
	toCode(t, u, "+447700900123")
	u.settle()
	if !u.codePg.demo.Visible() || !strings.Contains(u.codePg.demo.Text, "12345") {
		t.Fatalf("demo code shown as %q", u.codePg.demo.Text)
	}
}

func TestQRLogin(t *testing.T) {
	b := newFakes()
	b.login.qrStarted, b.login.qrScan, b.login.qrCtxErr = make(chan struct{}), make(chan LoginStage, 1), make(chan error, 1)
	u := newLoginUI(t, b)
	u.ShowLogin()
	test.Tap(u.phonePg.qr)
	wantPage(t, u, pageQR)
	<-b.login.qrStarted
	u.drain()
	if u.qrPg.image.Image == nil || u.qrPg.url != "tg://login?token=AAECAwQFBgcICQ" {
		t.Fatal("QR code not shown")
	}
	b.login.qrScan <- LoginStage{Step: StepSetPassword}
	u.settle()
	wantPage(t, u, pageSetPassword)
}

func TestLeavingQRPageCancelsLogin(t *testing.T) {
	b := newFakes()
	b.login.qrStarted, b.login.qrScan, b.login.qrCtxErr = make(chan struct{}), make(chan LoginStage, 1), make(chan error, 1)
	u := newLoginUI(t, b)
	u.ShowLogin()
	test.Tap(u.phonePg.qr)
	<-b.login.qrStarted
	test.Tap(u.qrPg.back)
	if err := <-b.login.qrCtxErr; err == nil {
		t.Fatal("QR login not cancelled")
	}
	u.settle()
	wantPage(t, u, pagePhone) // the cancelled login's result does not move the page
	if u.phonePg.err.Visible() {
		t.Fatalf("cancellation shown as an error: %q", u.phonePg.err.Text)
	}
}

func TestQRImageHasQuietZone(t *testing.T) {
	img, err := qrImage("tg://login?token=abc")
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < 21+8 {
		t.Fatalf("QR image is %v", b)
	}
	for i := 0; i < b.Dx(); i++ {
		for _, p := range [][2]int{{i, 0}, {0, i}, {i, b.Dy() - 1}, {b.Dx() - 1, i}} {
			if r, _, _, _ := img.At(p[0], p[1]).RGBA(); r != 0xffff {
				t.Fatalf("border pixel %v is not white", p)
			}
		}
	}
	if r, _, _, _ := img.At(4, 4).RGBA(); r != 0 {
		t.Fatal("finder pattern corner is not black")
	}
}

// readyUI signs in an account that has a password and opens the main window with three dialogs.
func readyUI(t *testing.T) (*harness, *fakes) {
	t.Helper()
	b := readyFakes()
	u := newTestUI(t, b)
	u.Start()
	u.settle()
	wantPage(t, u, pageMain)
	return u, b
}

// readyFakes are the roles of a signed-in account with four chats, a secret one with Alice among them.
func readyFakes() *fakes {
	b := newFakes()
	now := time.Now()
	b.chats.dialogs = []DialogSummary{
		{ID: "c1", Title: "Tacit News", Kind: KindChannel, LastMessage: "Release notes", LastDate: now.Add(-3 * time.Hour)},
		{ID: "s1", Title: "Alice", Kind: KindSecret, LastMessage: "See you", LastDate: now.Add(-time.Minute), Unread: 2},
		{ID: "u1", Title: "Bob", Kind: KindUser, LastMessage: "Hi", LastDate: now.Add(-time.Hour)},
		{ID: "g1", Title: "Climbing club", Kind: KindGroup, LastMessage: "Saturday?", LastDate: now.Add(-2 * time.Hour)},
	}
	b.msgs.history["s1"] = []Message{
		{ID: 1, Dialog: "s1", Sender: "Alice", Text: "Hello from the other side", Date: now.Add(-2 * time.Minute)},
		{ID: 2, Dialog: "s1", Out: true, Text: "See you", Date: now.Add(-time.Minute)},
	}
	b.secret.secrets["s1"] = readySecret("s1", "Alice")
	b.login.resume = LoginStage{Step: StepReady}
	return b
}

// rows returns the chat list rows as drawn, by title.
func rows(u *harness) map[string]*chatRow {
	out := map[string]*chatRow{}
	for _, o := range test.LaidOutObjects(u.main.chats.list) {
		if r, ok := o.(*chatRow); ok && r.Visible() && r.title.Text != "" {
			out[r.title.Text] = r
		}
	}
	return out
}

func TestMainWindowLabelsEveryChat(t *testing.T) {
	u, _ := readyUI(t)
	m := u.main
	var order []string
	for _, d := range m.dialogs {
		order = append(order, d.Title)
	}
	if !slices.Equal(order, []string{"Alice", "Bob", "Climbing club", "Tacit News"}) {
		t.Fatalf("chat list order %v", order)
	}
	r := rows(u)
	if len(r) != 4 {
		t.Fatalf("%d rows drawn", len(r))
	}
	want := map[string]string{
		"Alice":         "end-to-end encrypted",
		"Bob":           "cloud: Telegram can read this",
		"Climbing club": "cloud: Telegram can read this",
		"Tacit News":    "cloud: Telegram can read this",
	}
	for title, label := range want {
		if r[title].privacy.Text != label {
			t.Errorf("%s labelled %q, want %q", title, r[title].privacy.Text, label)
		}
	}
	if r["Alice"].icon.Resource.Name() == r["Bob"].icon.Resource.Name() {
		t.Error("secret and cloud chats share an icon")
	}
	if r["Alice"].unread.Text != "2" || r["Bob"].unread.Text != "" {
		t.Errorf("unread badges %q / %q", r["Alice"].unread.Text, r["Bob"].unread.Text)
	}
}

func TestConversationSendsThroughBackend(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	if m.conv.pane.Visible() {
		t.Fatal("conversation shown before a chat is chosen")
	}
	m.chats.list.Select(0) // Alice, the secret chat
	u.settle()
	c := m.conv
	if c.dialog.ID != "s1" || c.privacy.Text != "end-to-end encrypted" || len(c.list.msgs) != 2 {
		t.Fatalf("open dialog %q, label %q, %d messages", c.dialog.ID, c.privacy.Text, len(c.list.msgs))
	}
	if m.dialogs[0].Unread != 0 {
		t.Error("opening a chat does not clear its unread count")
	}

	typeInto(c.entry, "  ")
	u.tap(c.send)
	if b.called("SendText") != 0 {
		t.Fatal("blank message sent")
	}

	b.msgs.failSend = &Problem{Message: "Not sent: no connection."}
	typeInto(c.entry, "Hello Alice")
	u.tap(c.send)
	wantError(t, c.sendErr, "no connection")
	if c.entry.Text != "Hello Alice" || len(c.list.msgs) != 2 {
		t.Fatal("failed message lost or shown as sent")
	}

	b.msgs.failSend = nil
	c.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.settle()
	if !slices.Equal(b.msgs.sent, []fakeSent{{"s1", "Hello Alice", 0}}) {
		t.Fatalf("SendText calls %+v", b.msgs.sent)
	}
	if c.entry.Text != "" || c.sendErr.Visible() || len(c.list.msgs) != 3 {
		t.Fatalf("after sending: entry %q, %d messages", c.entry.Text, len(c.list.msgs))
	}
	if m.dialogs[0].LastMessage != "Hello Alice" {
		t.Errorf("chat list not updated: %q", m.dialogs[0].LastMessage)
	}

	// The same message arriving again as an event is not shown twice.
	sent := c.list.msgs[2]
	b.events.emit(MessageEvent{Message: sent})
	u.drain()
	if len(c.list.msgs) != 3 {
		t.Fatal("echoed message shown twice")
	}

	// A cloud chat says so in the header.
	m.chats.list.Select(m.index("u1"))
	u.settle()
	if c.dialog.ID != "u1" || c.privacy.Text != "cloud: Telegram can read this" || len(c.list.msgs) != 0 {
		t.Fatalf("open dialog %q, label %q, %d messages", c.dialog.ID, c.privacy.Text, len(c.list.msgs))
	}
}

func TestEventsUpdateTheChatList(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("s1"))
	u.settle()

	// A message in another chat moves it to the top and counts as unread.
	b.events.emit(MessageEvent{Message: Message{ID: 50, Dialog: "g1", Sender: "Carol", Text: "Rope is packed", Date: time.Now()}})
	u.drain()
	if m.dialogs[0].ID != "g1" || m.dialogs[0].Unread != 1 || m.dialogs[0].LastMessage != "Rope is packed" {
		t.Fatalf("top of the list: %+v", m.dialogs[0])
	}
	if m.conv.dialog.ID != "s1" || len(m.conv.list.msgs) != 2 {
		t.Fatal("message of another chat changed the open conversation")
	}
	if sel := m.index("s1"); rows(u)["Alice"] == nil || sel < 0 {
		t.Fatal("open chat lost from the list")
	}

	// A message in the open chat is shown and not counted as unread.
	b.events.emit(MessageEvent{Message: Message{ID: 51, Dialog: "s1", Sender: "Alice", Text: "Are you there?", Date: time.Now()}})
	u.drain()
	if len(m.conv.list.msgs) != 3 || m.dialogs[m.index("s1")].Unread != 0 {
		t.Fatal("message of the open chat not shown or counted unread")
	}

	// A new dialog appears.
	b.events.emit(DialogEvent{Dialog: DialogSummary{ID: "s2", Title: "Dave", Kind: KindSecret, LastDate: time.Now()}})
	u.drain()
	if m.dialogs[0].ID != "s2" || rows(u)["Dave"].privacy.Text != "end-to-end encrypted" {
		t.Fatal("new secret chat not listed with its label")
	}

	// Closing the window ends the subscription.
	u.Close()
	if b.events.subscribers() != 0 {
		t.Fatal("subscription outlives the window")
	}
}

func TestConversationKeepsAtMostAWindowOfMessages(t *testing.T) {
	u, b := readyUI(t)
	m := u.main
	m.chats.list.Select(m.index("u1"))
	u.settle()
	for i := range windowCap + 10 {
		b.events.emit(MessageEvent{Message: Message{ID: int64(1000 + i), Dialog: "u1", Sender: "Bob", Text: "n", Date: time.Now()}})
		u.drain()
	}
	l := m.conv.list
	if len(l.msgs) != windowCap || len(l.view.active) > 60 {
		t.Fatalf("%d messages, %d rows built", len(l.msgs), len(l.view.active))
	}
	if l.msgs[0].ID != 1010 || !l.hasOlder {
		t.Fatalf("oldest kept message %d, older ones known %v", l.msgs[0].ID, l.hasOlder)
	}
}

func TestBackendErrorOnResumeOffersRetry(t *testing.T) {
	b := newFakes()
	b.login.resumeErr = &Problem{Message: "The keyring is locked. Unlock it and try again."}
	u := newLoginUI(t, b)
	u.Start()
	u.settle()
	wantPage(t, u, pageStarting)
	wantError(t, u.starting.err, "keyring is locked")
	if !u.starting.retry.Visible() {
		t.Fatal("no retry")
	}
	b.login.resumeErr = nil
	b.login.resume = LoginStage{Step: StepPhone}
	u.tap(u.starting.retry)
	wantPage(t, u, pagePhone)
}
