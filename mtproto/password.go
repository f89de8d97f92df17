package mtproto

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"

	"github.com/gotd/td/crypto/srp"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// MinPasswordLength is the shortest 2-step verification password Tacit sets.
const MinPasswordLength = 8

// passwordAnswer computes the SRP proof for pw. Unlike gotd's helper it does
// not use the server's secure_random as the secret exponent: it XORs it with
// local randomness, so a malicious server cannot choose the exponent.
func passwordAnswer(random io.Reader, pw []byte, p *tg.AccountPassword) (*tg.InputCheckPasswordSRP, error) {
	algo, ok := p.CurrentAlgo.(*tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
	if !ok {
		return nil, fmt.Errorf("mtproto: unsupported password algorithm %T", p.CurrentAlgo)
	}
	if random == nil {
		random = rand.Reader
	}
	a := make([]byte, 256)
	if _, err := io.ReadFull(random, a); err != nil {
		return nil, fmt.Errorf("mtproto: password: random: %w", err)
	}
	for i := range a {
		if i < len(p.SecureRandom) {
			a[i] ^= p.SecureRandom[i]
		}
	}
	defer clear(a)
	ans, err := srp.NewSRP(random).Hash(pw, p.SRPB, a, srp.Input(*algo))
	if err != nil {
		return nil, fmt.Errorf("mtproto: password: srp: %w", err)
	}
	return &tg.InputCheckPasswordSRP{SRPID: p.SRPID, A: ans.A, M1: ans.M1}, nil
}

// newPasswordSettings derives the verifier for a new password from the
// server's new_algo (with 32 local random bytes appended to salt1).
func newPasswordSettings(random io.Reader, pw []byte, p *tg.AccountPassword, hint, email string) (tg.AccountPasswordInputSettings, error) {
	algo, ok := p.NewAlgo.(*tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow)
	if !ok {
		return tg.AccountPasswordInputSettings{}, fmt.Errorf("mtproto: unsupported new password algorithm %T", p.NewAlgo)
	}
	if random == nil {
		random = rand.Reader
	}
	next := *algo
	hash, salt1, err := srp.NewSRP(random).NewHash(pw, srp.Input(next))
	if err != nil {
		return tg.AccountPasswordInputSettings{}, fmt.Errorf("mtproto: password: new hash: %w", err)
	}
	next.Salt1 = salt1
	s := tg.AccountPasswordInputSettings{NewAlgo: &next, NewPasswordHash: hash}
	s.SetHint(hint)
	if email != "" {
		s.SetEmail(email)
	}
	return s, nil
}

// PasswordState is what the account says about its 2-step verification.
type PasswordState struct {
	HasPassword bool
	Hint        string
	HasRecovery bool
	// EmailUnconfirmed is the pattern of a recovery e-mail awaiting its code.
	EmailUnconfirmed string
}

// PasswordState reads account.getPassword.
func (c *Client) PasswordState(ctx context.Context) (PasswordState, error) {
	p, err := c.api.AccountGetPassword(ctx)
	if err != nil {
		return PasswordState{}, fmt.Errorf("mtproto: get password: %w", Classify(err))
	}
	return PasswordState{HasPassword: p.HasPassword, Hint: p.Hint, HasRecovery: p.HasRecovery, EmailUnconfirmed: p.EmailUnconfirmedPattern}, nil
}

// SetPassword sets the 2-step verification password; current is the
// existing password, or nil when there is none. A non-empty email asks the
// server to confirm it: the result then reports emailPending and the caller
// confirms the code with ConfirmPasswordEmail.
func (c *Client) SetPassword(ctx context.Context, current, next []byte, hint, email string) (emailPending bool, err error) {
	if len(next) < MinPasswordLength {
		return false, ErrPasswordTooWeak
	}
	if hint != "" && strings.Contains(string(next), hint) {
		return false, &Error{Kind: KindHintContainsPassword}
	}
	p, err := c.api.AccountGetPassword(ctx)
	if err != nil {
		return false, fmt.Errorf("mtproto: get password: %w", Classify(err))
	}
	var check tg.InputCheckPasswordSRPClass = &tg.InputCheckPasswordEmpty{}
	if p.HasPassword {
		if current == nil {
			return false, &Error{Kind: KindPasswordRequired}
		}
		ans, err := passwordAnswer(c.opts.Random, current, p)
		if err != nil {
			return false, err
		}
		check = ans
	}
	settings, err := newPasswordSettings(c.opts.Random, next, p, hint, email)
	if err != nil {
		return false, err
	}
	_, err = c.api.AccountUpdatePasswordSettings(ctx, &tg.AccountUpdatePasswordSettingsRequest{Password: check, NewSettings: settings})
	if err != nil {
		if isEmailUnconfirmed(err) {
			return true, nil
		}
		return false, fmt.Errorf("mtproto: set password: %w", Classify(err))
	}
	return false, nil
}

// ConfirmPasswordEmail confirms the recovery e-mail with the code sent to it.
func (c *Client) ConfirmPasswordEmail(ctx context.Context, code string) error {
	if _, err := c.api.AccountConfirmPasswordEmail(ctx, strings.TrimSpace(code)); err != nil {
		return fmt.Errorf("mtproto: confirm e-mail: %w", Classify(err))
	}
	return nil
}

// CancelPasswordEmail drops a recovery e-mail awaiting confirmation; the
// password stays set.
func (c *Client) CancelPasswordEmail(ctx context.Context) error {
	if _, err := c.api.AccountCancelPasswordEmail(ctx); err != nil {
		return fmt.Errorf("mtproto: cancel e-mail: %w", Classify(err))
	}
	return nil
}

// isEmailUnconfirmed reports EMAIL_UNCONFIRMED_X: the password was set and
// the recovery e-mail waits for a code of X digits.
func isEmailUnconfirmed(err error) bool {
	return tgerr.Is(err, "EMAIL_UNCONFIRMED")
}

// SetRecoveryEmail makes email the recovery address of the account's 2-step verification password,
// proven with current; the password and its hint stay as they are. Telegram first sends a code to the
// address: pending is true until ConfirmPasswordEmail confirms it (ResendPasswordEmail sends the code
// again, CancelPasswordEmail drops the address).
func (c *Client) SetRecoveryEmail(ctx context.Context, current []byte, email string) (pending bool, err error) {
	email = strings.TrimSpace(email)
	if email == "" || !strings.Contains(email, "@") {
		return false, &Error{Kind: KindEmailInvalid}
	}
	p, err := c.api.AccountGetPassword(ctx)
	if err != nil {
		return false, fmt.Errorf("mtproto: get password: %w", Classify(err))
	}
	if !p.HasPassword {
		return false, &Error{Kind: KindNotAllowed, Reason: "a recovery e-mail needs a password"}
	}
	check, err := passwordAnswer(c.opts.Random, current, p)
	if err != nil {
		return false, err
	}
	var settings tg.AccountPasswordInputSettings
	settings.SetEmail(email)
	_, err = c.api.AccountUpdatePasswordSettings(ctx, &tg.AccountUpdatePasswordSettingsRequest{Password: check, NewSettings: settings})
	if err != nil {
		if isEmailUnconfirmed(err) {
			return true, nil
		}
		return false, fmt.Errorf("mtproto: set recovery e-mail: %w", Classify(err))
	}
	return false, nil
}

// ResendPasswordEmail sends the code for a recovery e-mail awaiting confirmation again.
func (c *Client) ResendPasswordEmail(ctx context.Context) error {
	if _, err := c.api.AccountResendPasswordEmail(ctx); err != nil {
		return fmt.Errorf("mtproto: resend e-mail code: %w", Classify(err))
	}
	return nil
}
