package app

import (
	"context"
	"errors"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/ui"
)

// loginService implements ui.Login on the client's login state machine:
// forced 2-step verification, and the privacy lockdown right after sign-up.
type loginService struct{ *Backend }

func stageOf(l *mtproto.Login, st mtproto.Stage) ui.LoginStage {
	out := ui.LoginStage{}
	switch st {
	case mtproto.StagePhone:
		out.Step = ui.StepPhone
	case mtproto.StageCode:
		out.Step = ui.StepCode
	case mtproto.StageSignUp:
		out.Step = ui.StepSignUpRequired
		out.TermsOfService = l.TermsOfService()
		out.SignUpNotice = privacy.SignUpNotice().Points
	case mtproto.StagePassword:
		out.Step = ui.StepPassword
		out.PasswordHint = l.PasswordHint()
	case mtproto.StageSetPassword:
		out.Step = ui.StepSetPassword
	case mtproto.StageConfirmEmail:
		out.Step = ui.StepConfirmEmail
	case mtproto.StageReady:
		out.Step = ui.StepReady
	}
	return out
}

func (b loginService) stage(st mtproto.Stage, err error) (ui.LoginStage, error) {
	return stageOf(b.currentLogin(), st), userError(err)
}

// connectWait bounds the wait for the first connection, unless the session sets another (tests on a
// loaded machine).
const connectWait = 20 * time.Second

// Resume implements ui.Login. It waits for the connection first, since
// it is the first call the window makes.
func (b loginService) Resume(ctx context.Context) (ui.LoginStage, error) {
	limit := b.connectWait
	if limit == 0 {
		limit = connectWait
	}
	wait := time.NewTimer(limit)
	defer wait.Stop()
	select {
	case <-b.running:
	case err := <-b.client.ProxyFailures():
		select {
		case <-b.running: // connected on a later attempt
		default:
			return ui.LoginStage{}, userError(err)
		}
	case <-wait.C:
		return ui.LoginStage{}, &ui.Problem{Message: "Cannot reach Telegram's servers. Check the network or the proxy settings, then try again."}
	case <-ctx.Done():
		return ui.LoginStage{}, &ui.Problem{Message: "Cannot reach Telegram's servers. Check the network or the proxy settings, then try again.", Err: ctx.Err()}
	}
	st, err := b.currentLogin().Resume(ctx)
	if err == nil && st != mtproto.StagePhone {
		if lerr := b.finishPendingLockdown(ctx); lerr != nil {
			return b.stage(st, lerr)
		}
	}
	return b.stage(st, err)
}

// lockdownPending marks, in the store, a sign-up whose privacy lockdown
// has not been confirmed yet. It is set before auth.signUp and cleared when
// the lockdown read back as applied, so a crash in between is repaired at
// the next start.
const lockdownPending = "privacy.lockdown-pending"

func (b loginService) finishPendingLockdown(ctx context.Context) error {
	if !b.cache.enabled() {
		return nil
	}
	if v, err := b.cache.db.Value(ctx, lockdownPending); err != nil || len(v) == 0 {
		return nil
	}
	if _, err := privacy.Lockdown(ctx, b.client.API()); err != nil {
		return &ui.Problem{Message: "The privacy settings after sign-up are not all applied yet (your number may still be visible). Check the connection; Tacit tries again when you retry or at the next start.", Err: err}
	}
	return b.cache.db.DeleteValue(ctx, lockdownPending)
}

// SendCode implements ui.Login.
func (b loginService) SendCode(ctx context.Context, phone string) (ui.CodeSent, error) {
	sent, err := b.currentLogin().SendCode(ctx, phone)
	if err != nil {
		return ui.CodeSent{}, userError(err)
	}
	return ui.CodeSent{Phone: phone, Via: sent.Via, Length: sent.Length}, nil
}

// SubmitCode implements ui.Login.
func (b loginService) SubmitCode(ctx context.Context, code string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SubmitCode(ctx, code))
}

// SignUp implements ui.Login.
func (b loginService) SignUp(ctx context.Context, first, last string, acknowledged bool) (ui.LoginStage, error) {
	if acknowledged && b.cache.enabled() {
		if err := b.cache.db.SetValue(ctx, lockdownPending, []byte{1}); err != nil {
			return ui.LoginStage{}, &ui.Problem{Message: "The local database cannot be written; nothing was registered.", Err: err}
		}
	}
	b.takeLockdown() // a report of an earlier attempt is not this one's
	st, err := b.currentLogin().SignUp(ctx, mtproto.SignUpForm{FirstName: first, LastName: last, Acknowledged: acknowledged})
	rules := b.takeLockdown()
	var notApplied *privacy.NotAppliedError
	if errors.As(err, &notApplied) && len(rules) > 0 {
		// The account exists; the window shows each rule and retries with SignUp.
		return ui.LoginStage{Step: ui.StepLockdown, Lockdown: rules}, nil
	}
	if err == nil && st != mtproto.StageSignUp && b.cache.enabled() {
		b.diag.report("clear the lockdown marker", b.cache.db.DeleteValue(ctx, lockdownPending))
	}
	out, err := b.stage(st, err)
	out.Lockdown = rules
	return out, err
}

// SubmitPassword implements ui.Login.
func (b loginService) SubmitPassword(ctx context.Context, password []byte) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SubmitPassword(ctx, password))
}

// SetPassword implements ui.Login.
func (b loginService) SetPassword(ctx context.Context, password []byte, hint, email string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SetPassword(ctx, password, hint, email))
}

// ConfirmEmail implements ui.Login.
func (b loginService) ConfirmEmail(ctx context.Context, code string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().ConfirmEmail(ctx, code))
}

// SkipEmail implements ui.Login.
func (b loginService) SkipEmail(ctx context.Context) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SkipEmail(ctx))
}

// QRLogin implements ui.Login.
func (b loginService) QRLogin(ctx context.Context, show func(url string, expires time.Time)) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().QR(ctx, func(url string, expires time.Time) error {
		show(url, expires)
		return nil
	}))
}
