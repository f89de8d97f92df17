package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// fakeLogin is a small in-memory model of the server side of sign-in, with the rules the UI relies on:
// sign-up needs the acknowledgement, an account without a password is never ready. With hint set it also
// plays the demo server (DemoHints).
type fakeLogin struct {
	calls
	mu sync.Mutex

	resume    LoginStage
	resumeErr error
	code      string
	accounts  map[string]*fakeAccountData // by phone
	hint      string                      // shown on every page when non-empty
	demoPass  string                      // the demo's app lock passphrase, with hint
	// lockdown makes SignUp report the privacy lockdown as read back; lockdownRefusals is how many more
	// times the server refuses a rule of it (the account exists meanwhile: lockingDown).
	lockdown         bool
	lockdownRefusals int
	lockingDown      bool

	phone    string // the number of the login under way
	pending  *fakeAccountData
	emailSet bool
	signUps  []fakeSignUp
	// settings is the settings fake, whose waiting recovery e-mail DemoEmailCode shows.
	settings *fakeSettings

	// qrStarted is closed once QRLogin has shown its first URL; qrScan ends QRLogin.
	qrStarted chan struct{}
	qrScan    chan LoginStage
	qrCtxErr  chan error
}

type fakeAccountData struct {
	password []byte // nil: no 2-step verification password
	hint     string
}

type fakeSignUp struct {
	first, last  string
	acknowledged bool
}

func newFakeLogin() *fakeLogin {
	return &fakeLogin{code: "12345", accounts: map[string]*fakeAccountData{}}
}

var errWrongCode = &Problem{Field: FieldCode, Message: "This code is wrong. Check it and try again.", Err: errors.New("PHONE_CODE_INVALID")}

// after returns the stage an account reaches once its identity is proven.
func after(a *fakeAccountData) LoginStage {
	if a.password == nil {
		return LoginStage{Step: StepSetPassword}
	}
	return LoginStage{Step: StepReady}
}

func (f *fakeLogin) Resume(context.Context) (LoginStage, error) {
	f.record("Resume")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resume, f.resumeErr
}

func (f *fakeLogin) SendCode(ctx context.Context, phone string) (CodeSent, error) {
	f.record("SendCode")
	f.mu.Lock()
	defer f.mu.Unlock()
	if phone == "+15550000001" { // a server that never answers
		f.mu.Unlock()
		<-ctx.Done()
		f.mu.Lock()
		return CodeSent{}, fmt.Errorf("send code: %w", ctx.Err())
	}
	if phone == "+15550000000" {
		return CodeSent{}, errors.New("rpc error code 400: PHONE_NUMBER_BANNED") // no user text on purpose
	}
	f.phone, f.pending = phone, nil
	return CodeSent{Phone: phone, Via: "app", Length: len(f.code)}, nil
}

func (f *fakeLogin) SubmitCode(_ context.Context, code string) (LoginStage, error) {
	f.record("SubmitCode")
	f.mu.Lock()
	defer f.mu.Unlock()
	if code != f.code {
		return LoginStage{}, fmt.Errorf("sign in: %w", errWrongCode)
	}
	a, ok := f.accounts[f.phone]
	if !ok {
		return LoginStage{Step: StepSignUpRequired, TermsOfService: "Do not spam."}, nil
	}
	f.pending = a
	if a.password != nil {
		return LoginStage{Step: StepPassword, PasswordHint: a.hint}, nil
	}
	return after(a), nil
}

func (f *fakeLogin) SignUp(_ context.Context, first, last string, acknowledged bool) (LoginStage, error) {
	f.record("SignUp")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signUps = append(f.signUps, fakeSignUp{first, last, acknowledged})
	if !acknowledged {
		return LoginStage{}, &Problem{Message: "The registration notice was not acknowledged."}
	}
	a := f.accounts[f.phone]
	if a == nil || !f.lockingDown {
		a = &fakeAccountData{}
		f.accounts[f.phone] = a
		f.pending = a
	}
	if !f.lockdown {
		return after(a), nil
	}
	// The privacy lockdown right after sign-up, read back: refused while refusals are left.
	rules := []PrivacyRule{
		{Title: "Who can see my phone number", Want: "nobody", Got: "nobody", Applied: true},
		{Title: "Who can find me by my number", Want: "my contacts", Got: "my contacts", Applied: true},
	}
	if f.lockdownRefusals > 0 {
		f.lockdownRefusals--
		f.lockingDown = true
		rules[0].Got, rules[0].Applied, rules[0].Reason = "everybody", false, "The server refused the change (PRIVACY_TOO_LONG)."
		return LoginStage{Step: StepLockdown, Lockdown: rules}, nil
	}
	f.lockingDown = false
	st := after(a)
	st.Lockdown = rules
	return st, nil
}

func (f *fakeLogin) SubmitPassword(_ context.Context, password []byte) (LoginStage, error) {
	f.record("SubmitPassword")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil || string(f.pending.password) != string(password) {
		return LoginStage{}, &Problem{Field: FieldPassword, Message: "Wrong password."}
	}
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeLogin) SetPassword(_ context.Context, password []byte, hint, email string) (LoginStage, error) {
	f.record("SetPassword")
	f.mu.Lock()
	defer f.mu.Unlock()
	if h := strings.ToLower(hint); h != "" && strings.Contains(h, strings.ToLower(string(password))) {
		return LoginStage{}, &Problem{Field: FieldPassword, Message: "The hint must not contain the password: anyone can see the hint."}
	}
	if email == "taken@example.org" {
		return LoginStage{}, &Problem{Field: FieldEmail, Message: "This email address cannot be used."}
	}
	f.pending.password = append([]byte(nil), password...)
	f.pending.hint = hint
	if email != "" {
		f.emailSet = true
		return LoginStage{Step: StepConfirmEmail, EmailPattern: "t***@example.org"}, nil
	}
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeLogin) ConfirmEmail(_ context.Context, code string) (LoginStage, error) {
	f.record("ConfirmEmail")
	if code != "777777" {
		return LoginStage{}, &Problem{Field: FieldCode, Message: "Wrong email code."}
	}
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeLogin) SkipEmail(context.Context) (LoginStage, error) {
	f.record("SkipEmail")
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeLogin) QRLogin(ctx context.Context, show func(string, time.Time)) (LoginStage, error) {
	f.record("QRLogin")
	show("tg://login?token=AAECAwQFBgcICQ", time.Now().Add(30*time.Second))
	close(f.qrStarted)
	select {
	case s := <-f.qrScan:
		return s, nil
	case <-ctx.Done():
		f.qrCtxErr <- ctx.Err()
		return LoginStage{}, ctx.Err()
	}
}

func (f *fakeLogin) SandboxHint() string { return f.hint }

func (f *fakeLogin) DemoPassphrase() (string, bool) {
	return f.demoPass, f.hint != "" && f.demoPass != ""
}

func (f *fakeLogin) DemoCode(phone string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.hint == "" || phone != f.phone {
		return "", false
	}
	return f.code, true
}

// DemoEmailCode plays the demo server's recovery e-mail code: the sign-up's, or the settings fake's when an
// address waits there.
func (f *fakeLogin) DemoEmailCode() (string, bool) {
	f.mu.Lock()
	hint, s, signUp := f.hint, f.settings, f.emailSet
	f.mu.Unlock()
	switch {
	case hint == "":
		return "", false
	case signUp:
		return "777777", true // the sign-up's address, as ConfirmEmail expects
	case s == nil:
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.state.EmailPending {
		return "", false
	}
	return fakeEmailCode, true
}

// loggedOut forgets the login under way, as the server does at log out.
func (f *fakeLogin) loggedOut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.phone, f.pending = "", nil
}

// fakeRules check input as the engine does, near enough for the pages: "+" and 7 to 15 digits.
type fakeRules struct{}

func (fakeRules) NormalizePhone(s string) (string, error) {
	d := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(s))
	if !strings.HasPrefix(d, "+") {
		return "", &Problem{Field: FieldPhone, Message: "Enter the number in international format: + and the country code first."}
	}
	d = d[1:]
	if len(d) < 7 || len(d) > 15 || strings.Trim(d, "0123456789") != "" {
		return "", &Problem{Field: FieldPhone, Message: "This does not look like a complete phone number with its country code."}
	}
	return "+" + d, nil
}

func (fakeRules) MinPasswordLength() int { return 8 }

// NormalizeUsername: 5 to 32 of a-z, 0-9 and _, starting with a letter, after an optional "@".
func (fakeRules) NormalizeUsername(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	switch {
	case len(s) < 5:
		return "", &Problem{Field: FieldUsername, Message: "A username has at least 5 characters."}
	case len(s) > 32:
		return "", &Problem{Field: FieldUsername, Message: "A username has at most 32 characters."}
	case strings.Trim(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz0123456789_") != "":
		return "", &Problem{Field: FieldUsername, Message: "A username has only the letters a-z, digits and _."}
	case s[0] < 'A' || s[0] == '_' || (s[0] > 'Z' && s[0] < 'a'):
		return "", &Problem{Field: FieldUsername, Message: "A username starts with a letter."}
	}
	return s, nil
}

// PersonLink: "@name" and "t.me/name".
func (r fakeRules) PersonLink(s string) (string, bool) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(s, "t.me/")
	if !ok && !strings.HasPrefix(s, "@") {
		return "", false
	}
	if !ok {
		rest = s
	}
	name, err := r.NormalizeUsername(rest)
	return name, err == nil
}

// MessageLength counts characters against a limit of 4096.
func (fakeRules) MessageLength(text string) (int, int) {
	return len([]rune(strings.TrimSpace(text))), 4096
}
