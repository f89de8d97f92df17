package mtproto

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gotd/td/telegram/auth"
	"github.com/gotd/td/telegram/auth/qrlogin"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// Stage is a step of the login the UI shows.
type Stage int

// Login stages, in the order a new user meets them.
const (
	// StagePhone: ask for the phone number (or offer QR login).
	StagePhone Stage = iota
	// StageCode: a code was sent; ask for it.
	StageCode
	// StageSignUp: the number has no account. The UI must show the
	// registration warning and get an explicit acknowledgement before SignUp.
	StageSignUp
	// StagePassword: the account has a 2-step verification password.
	StagePassword
	// StageSetPassword: logged in, but the account has no 2-step password;
	// Tacit does not become ready until one is set.
	StageSetPassword
	// StageConfirmEmail: the recovery e-mail given with the new password
	// waits for its code.
	StageConfirmEmail
	// StageReady: logged in with a 2-step password.
	StageReady
)

func (s Stage) String() string {
	return [...]string{"phone", "code", "sign-up", "password", "set-password", "confirm-email", "ready"}[s]
}

// CodeSent describes how the login code was delivered.
type CodeSent struct {
	Length int
	// Via is "app" (another Telegram session), "sms", "call", "email" or "other".
	Via string
	// Timeout is when a resend may be requested (0 if not given).
	Timeout time.Duration
}

// SignUpForm is what sign-up needs. Acknowledged records that the user read
// the registration warning (who may learn that this number joined, that the
// number can be searched until it is hidden); sign-up is refused without it.
type SignUpForm struct {
	FirstName    string
	LastName     string
	Acknowledged bool
}

// LoginOptions tune a Login.
type LoginOptions struct {
	// AllowNoPassword skips the forced 2-step verification. Only the
	// sandbox's simulated contacts use it.
	AllowNoPassword bool
	// AfterSignUp runs right after auth.signUp succeeds and before anything
	// else is sent (privacy lockdown). An error stops the login there.
	AfterSignUp func(ctx context.Context, c *Client) error
}

// Login is the login state machine. The UI drives it one step at a time;
// each method checks that it is called in the right stage and returns the
// next stage. Methods may be called from any goroutine, one at a time.
type Login struct {
	c    *Client
	opts LoginOptions

	mu         sync.Mutex
	stage      Stage
	phone      string
	codeHash   string
	tos        *tg.HelpTermsOfService
	hint       string
	pendingUsr *tg.User
	// signedUp is the account auth.signUp created while its AfterSignUp
	// hook has not succeeded yet.
	signedUp *tg.User
	qr       chan struct{}
}

// NewLogin starts a login on c.
func (c *Client) NewLogin(opts LoginOptions) *Login {
	c.mu.Lock()
	if c.loginToken == nil {
		c.loginToken = make(chan struct{}, 1)
	}
	qr := c.loginToken
	c.mu.Unlock()
	return &Login{c: c, opts: opts, qr: qr}
}

// Stage is the current stage.
func (l *Login) Stage() Stage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stage
}

// PasswordHint is the hint of the account's 2-step password (StagePassword).
func (l *Login) PasswordHint() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hint
}

// UserID is the account this login signed in to, from the code (or QR) on, 2-step verification still
// pending included; 0 before that.
func (l *Login) UserID() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pendingUsr == nil {
		return 0
	}
	return l.pendingUsr.ID
}

// TermsOfService is the text the server asks new users to accept.
func (l *Login) TermsOfService() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tos == nil {
		return ""
	}
	return l.tos.Text
}

func (l *Login) expect(stages ...Stage) error {
	for _, s := range stages {
		if l.stage == s {
			return nil
		}
	}
	return &Error{Kind: KindWrongStage, Reason: "at the " + l.stage.String() + " step"}
}

// Resume checks whether the stored session is already logged in, so a
// restart does not ask for the phone again. It returns StagePhone for a new
// session, StageSetPassword when the account still lacks a 2-step password,
// or StageReady.
func (l *Login) Resume(ctx context.Context) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, err := l.c.tc.Auth().Status(ctx)
	if err != nil {
		return l.stage, fmt.Errorf("mtproto: auth status: %w", Classify(err))
	}
	if !st.Authorized || st.User == nil {
		l.stage = StagePhone
		return l.stage, nil
	}
	return l.loggedIn(ctx, st.User)
}

// PhoneProblem says what is wrong with a phone number as typed.
type PhoneProblem int

// The problems NormalizePhone finds.
const (
	PhoneEmpty      PhoneProblem = iota + 1 // nothing was typed
	PhoneCharacters                         // something other than digits, spaces, dashes, dots, parentheses and one leading + or 00
	PhoneNational                           // the number starts with 0: a national number, whose country cannot be guessed
	PhoneLength                             // fewer than 7 or more than 15 digits with the country code
)

// PhoneError is a phone number NormalizePhone refused. errors.Is(err, ErrPhoneInvalid) holds for it.
type PhoneError struct{ Problem PhoneProblem }

func (e *PhoneError) Error() string {
	return fmt.Sprintf("mtproto: phone invalid: problem %d", int(e.Problem))
}

// Is makes a PhoneError match ErrPhoneInvalid.
func (e *PhoneError) Is(target error) bool { return target == ErrPhoneInvalid }

// NormalizePhone is Tacit's one rule for phone numbers, for what the user types and for the API alike: an
// international number, optionally after "+" or "00", of 7 to 15 ASCII digits not starting with 0, with
// spaces, dashes, dots, parentheses and no-break spaces ignored. It returns the digits only, as
// auth.sendCode wants them.
func NormalizePhone(phone string) (string, error) {
	phone = strings.TrimSpace(phone)
	if phone == "" {
		return "", &PhoneError{Problem: PhoneEmpty}
	}
	var b strings.Builder
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.', r == '\u00a0':
		default:
			return "", &PhoneError{Problem: PhoneCharacters}
		}
	}
	d := b.String()
	if !strings.HasPrefix(phone, "+") {
		d = strings.TrimPrefix(d, "00")
	}
	switch {
	case d == "":
		return "", &PhoneError{Problem: PhoneCharacters}
	case d[0] == '0':
		return "", &PhoneError{Problem: PhoneNational}
	case len(d) < 7 || len(d) > 15:
		return "", &PhoneError{Problem: PhoneLength}
	}
	return d, nil
}

// SendCode asks the server to send a login code to phone. It may be called
// again (from StageCode) to start over with another number.
func (l *Login) SendCode(ctx context.Context, phone string) (CodeSent, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StagePhone, StageCode, StageSignUp, StagePassword); err != nil {
		return CodeSent{}, err
	}
	p, err := NormalizePhone(phone)
	if err != nil {
		return CodeSent{}, err
	}
	sent, err := l.c.api.AuthSendCode(ctx, &tg.AuthSendCodeRequest{
		PhoneNumber: p,
		APIID:       l.c.opts.AppID,
		APIHash:     l.c.opts.AppHash,
		Settings:    tg.CodeSettings{},
	})
	if err != nil {
		return CodeSent{}, fmt.Errorf("mtproto: send code: %w", Classify(err))
	}
	code, ok := sent.(*tg.AuthSentCode)
	if !ok {
		return CodeSent{}, &Error{Kind: KindServer, Reason: "unexpected answer to auth.sendCode"}
	}
	l.phone, l.codeHash, l.stage = p, code.PhoneCodeHash, StageCode
	out := CodeSent{Via: "other"}
	switch t := code.Type.(type) {
	case *tg.AuthSentCodeTypeApp:
		out.Via, out.Length = "app", t.Length
	case *tg.AuthSentCodeTypeSMS:
		out.Via, out.Length = "sms", t.Length
	case *tg.AuthSentCodeTypeCall:
		out.Via, out.Length = "call", t.Length
	case *tg.AuthSentCodeTypeEmailCode:
		out.Via, out.Length = "email", t.Length
	}
	if to, ok := code.GetTimeout(); ok {
		out.Timeout = time.Duration(to) * time.Second
	}
	return out, nil
}

// SubmitCode checks the code. The next stage is StageSignUp for a number
// without an account (nothing has been registered yet), StagePassword for an
// account with 2-step verification, else StageSetPassword or StageReady.
func (l *Login) SubmitCode(ctx context.Context, code string) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StageCode); err != nil {
		return l.stage, err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return l.stage, ErrCodeInvalid
	}
	res, err := l.c.api.AuthSignIn(ctx, &tg.AuthSignInRequest{PhoneNumber: l.phone, PhoneCodeHash: l.codeHash, PhoneCode: code})
	if err != nil {
		if tgerr.Is(err, "SESSION_PASSWORD_NEEDED") {
			return l.toPassword(ctx)
		}
		err = Classify(err)
		if errors.Is(err, ErrCodeExpired) {
			l.stage = StagePhone
		}
		return l.stage, fmt.Errorf("mtproto: sign in: %w", err)
	}
	switch r := res.(type) {
	case *tg.AuthAuthorizationSignUpRequired:
		if tos, ok := r.GetTermsOfService(); ok {
			l.tos = &tos
		}
		l.stage = StageSignUp
		return l.stage, nil
	case *tg.AuthAuthorization:
		u, ok := r.User.(*tg.User)
		if !ok {
			return l.stage, &Error{Kind: KindServer, Reason: "no user in the login answer"}
		}
		return l.loggedIn(ctx, u)
	}
	return l.stage, &Error{Kind: KindServer, Reason: "unexpected answer to auth.signIn"}
}

func (l *Login) toPassword(ctx context.Context) (Stage, error) {
	l.stage = StagePassword
	p, err := l.c.api.AccountGetPassword(ctx)
	if err == nil {
		l.hint = p.Hint
	}
	return l.stage, nil
}

// SignUp registers the number. It refuses to run unless form.Acknowledged
// is set. It accepts the terms of service explicitly, asks the server not to
// notify contacts who saved the number (no_joined_notifications) and then runs
// the AfterSignUp hook (privacy lockdown) before anything else.
func (l *Login) SignUp(ctx context.Context, form SignUpForm) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StageSignUp); err != nil {
		return l.stage, err
	}
	if !form.Acknowledged {
		return l.stage, ErrSignUpNotAcknowledged
	}
	if l.signedUp != nil {
		// The account exists; only the lockdown failed. Retry it.
		return l.afterSignUp(ctx, l.signedUp)
	}
	first, last := strings.TrimSpace(form.FirstName), strings.TrimSpace(form.LastName)
	if first == "" || len([]rune(first)) > 64 || len([]rune(last)) > 64 {
		return l.stage, ErrNameInvalid
	}
	if l.tos != nil {
		if _, err := l.c.api.HelpAcceptTermsOfService(ctx, l.tos.ID); err != nil {
			return l.stage, fmt.Errorf("mtproto: accept terms: %w", Classify(err))
		}
	}
	res, err := l.c.api.AuthSignUp(ctx, &tg.AuthSignUpRequest{
		NoJoinedNotifications: true,
		PhoneNumber:           l.phone,
		PhoneCodeHash:         l.codeHash,
		FirstName:             first,
		LastName:              last,
	})
	if err != nil {
		return l.stage, fmt.Errorf("mtproto: sign up: %w", Classify(err))
	}
	a, ok := res.(*tg.AuthAuthorization)
	if !ok {
		return l.stage, &Error{Kind: KindServer, Reason: "unexpected answer to auth.signUp"}
	}
	u, ok := a.User.(*tg.User)
	if !ok {
		return l.stage, &Error{Kind: KindServer, Reason: "no user in the auth.signUp answer"}
	}
	l.signedUp = u
	return l.afterSignUp(ctx, u)
}

// afterSignUp runs the AfterSignUp hook. When it fails the login stays at
// StageSignUp with the account created; calling SignUp again retries only
// the hook, so the privacy lockdown is never skipped.
func (l *Login) afterSignUp(ctx context.Context, u *tg.User) (Stage, error) {
	if l.opts.AfterSignUp != nil {
		if err := l.opts.AfterSignUp(ctx, l.c); err != nil {
			return l.stage, fmt.Errorf("mtproto: after sign-up: %w", err)
		}
	}
	l.signedUp = nil
	return l.loggedIn(ctx, u)
}

// SubmitPassword checks the 2-step verification password.
func (l *Login) SubmitPassword(ctx context.Context, password []byte) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StagePassword); err != nil {
		return l.stage, err
	}
	p, err := l.c.api.AccountGetPassword(ctx)
	if err != nil {
		return l.stage, fmt.Errorf("mtproto: get password: %w", Classify(err))
	}
	ans, err := passwordAnswer(l.c.opts.Random, password, p)
	if err != nil {
		return l.stage, err
	}
	res, err := l.c.api.AuthCheckPassword(ctx, ans)
	if err != nil {
		return l.stage, fmt.Errorf("mtproto: check password: %w", Classify(err))
	}
	a, ok := res.(*tg.AuthAuthorization)
	if !ok {
		return l.stage, &Error{Kind: KindServer, Reason: "unexpected answer to auth.checkPassword"}
	}
	u, ok := a.User.(*tg.User)
	if !ok {
		return l.stage, &Error{Kind: KindServer, Reason: "no user in the login answer"}
	}
	return l.loggedIn(ctx, u)
}

// SetPassword sets the forced 2-step verification password (StageSetPassword).
// With a recovery e-mail the next stage is StageConfirmEmail.
func (l *Login) SetPassword(ctx context.Context, password []byte, hint, email string) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StageSetPassword); err != nil {
		return l.stage, err
	}
	pending, err := l.c.SetPassword(ctx, nil, password, hint, strings.TrimSpace(email))
	if err != nil {
		return l.stage, err
	}
	if pending {
		l.stage = StageConfirmEmail
		return l.stage, nil
	}
	return l.ready()
}

// ConfirmEmail confirms the recovery e-mail (StageConfirmEmail).
func (l *Login) ConfirmEmail(ctx context.Context, code string) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StageConfirmEmail); err != nil {
		return l.stage, err
	}
	if err := l.c.ConfirmPasswordEmail(ctx, code); err != nil {
		return l.stage, err
	}
	return l.ready()
}

// SkipEmail drops the unconfirmed recovery e-mail; the password stays set.
func (l *Login) SkipEmail(ctx context.Context) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StageConfirmEmail); err != nil {
		return l.stage, err
	}
	if err := l.c.CancelPasswordEmail(ctx); err != nil {
		return l.stage, err
	}
	return l.ready()
}

// QR logs in by a QR code scanned on a logged-in device. show is called with
// the tg://login URL each time a new token is issued. The result is as for
// SubmitCode (StagePassword if 2-step verification is on).
func (l *Login) QR(ctx context.Context, show func(url string, expires time.Time) error) (Stage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.expect(StagePhone, StageCode); err != nil {
		return l.stage, err
	}
	q := l.c.tc.QR()
	// Drain a stale signal from an earlier attempt.
	select {
	case <-l.qr:
	default:
	}
	for {
		tok, err := q.Export(ctx)
		if err != nil {
			if tgerr.Is(err, "SESSION_PASSWORD_NEEDED") {
				return l.toPassword(ctx)
			}
			return l.stage, fmt.Errorf("mtproto: qr export: %w", Classify(err))
		}
		if !tok.Empty() {
			if err := show(tok.URL(), tok.Expires()); err != nil {
				return l.stage, err
			}
			timer := time.NewTimer(time.Until(tok.Expires()))
			select {
			case <-ctx.Done():
				timer.Stop()
				return l.stage, ctx.Err()
			case <-timer.C:
				continue
			case <-l.qr:
				timer.Stop()
			}
		}
		a, err := q.Import(ctx)
		if err != nil {
			if errors.Is(err, auth.ErrPasswordAuthNeeded) || tgerr.Is(err, "SESSION_PASSWORD_NEEDED") {
				return l.toPassword(ctx)
			}
			var mig *qrlogin.MigrationNeededError
			if errors.As(err, &mig) {
				return l.stage, &Error{Kind: KindQRLoginOtherDC, cause: err}
			}
			return l.stage, fmt.Errorf("mtproto: qr import: %w", Classify(err))
		}
		u, ok := a.User.(*tg.User)
		if !ok {
			return l.stage, &Error{Kind: KindServer, Reason: "no user in the login answer"}
		}
		return l.loggedIn(ctx, u)
	}
}

// loggedIn moves past authorization: forced 2-step verification first.
func (l *Login) loggedIn(ctx context.Context, u *tg.User) (Stage, error) {
	l.pendingUsr = u
	if !l.opts.AllowNoPassword {
		st, err := l.c.PasswordState(ctx)
		if err != nil {
			return l.stage, err
		}
		if !st.HasPassword {
			l.stage = StageSetPassword
			return l.stage, nil
		}
	}
	return l.ready()
}

func (l *Login) ready() (Stage, error) {
	l.stage = StageReady
	l.c.authorized(l.pendingUsr)
	return l.stage, nil
}
