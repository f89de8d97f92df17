package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"tacit/mtproto/secret"

	"github.com/gotd/td/crypto/srp"
	"github.com/gotd/td/tg"
)

// telegramPrime is the 2048-bit safe prime Telegram publishes; the sandbox
// serves it for SRP and for secret chats (messages.getDhConfig, g = 3).
var telegramPrime = secret.TelegramPrime()

const srpG = 3

// password is an account's 2-step verification state (server side: only
// the SRP verifier, never the password).
type password struct {
	salt1, salt2 []byte
	verifier     *big.Int
	hint         string
	email        string // confirmed recovery e-mail
	pendingEmail string
	emailCode    string
}

// srpSession is the one-shot server half of an SRP exchange.
type srpSession struct {
	id int64
	b  *big.Int
	B  *big.Int
}

// randBytes is n random bytes: the sandbox's one use of crypto/rand.Read.
func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it never returns an error)
	return b
}

func pad256(x *big.Int) []byte {
	out := make([]byte, 256)
	return x.FillBytes(out)
}

func sha(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func (s *Server) algo(salt1, salt2 []byte) *tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
	return &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
		Salt1: salt1, Salt2: salt2, G: srpG, P: pad256(telegramPrime),
	}
}

func (s *Server) registerPassword(d *tg.ServerDispatcher) {
	d.OnAccountGetPassword(s.getPassword)
	d.OnAuthCheckPassword(s.checkPassword)
	d.OnAccountUpdatePasswordSettings(s.updatePasswordSettings)
	d.OnAccountConfirmPasswordEmail(s.confirmPasswordEmail)
	d.OnAccountResendPasswordEmail(s.resendPasswordEmail)
	d.OnAccountCancelPasswordEmail(s.cancelPasswordEmail)
}

// passwordUserLocked is the user whose password is asked: the logged-in
// user, or the one awaiting the 2-step password on this key.
func (s *Server) passwordUserLocked(a *authorization) *user {
	if a.userID != 0 {
		return s.st.users[a.userID]
	}
	if a.pending != 0 {
		return s.st.users[a.pending]
	}
	return nil
}

func (s *Server) getPassword(ctx context.Context) (*tg.AccountPassword, error) {
	return anyKey(s, ctx, func(o *op) (*tg.AccountPassword, error) {
		u := s.passwordUserLocked(o.auth)
		if u == nil {
			return nil, errUnauthorized
		}
		out := &tg.AccountPassword{
			NewAlgo:       s.algo(randBytes(8), randBytes(16)),
			NewSecureAlgo: &tg.SecurePasswordKdfAlgoUnknown{},
			SecureRandom:  randBytes(256),
		}
		if pw := u.password; pw != nil {
			b := new(big.Int).SetBytes(randBytes(256))
			g := big.NewInt(srpG)
			k := new(big.Int).SetBytes(sha(pad256(telegramPrime), pad256(g)))
			B := new(big.Int).Mul(k, pw.verifier)
			B.Add(B, new(big.Int).Exp(g, b, telegramPrime))
			B.Mod(B, telegramPrime)
			sess := &srpSession{id: randInt64(), b: b, B: B}
			o.auth.srp = sess
			out.HasPassword = true
			out.CurrentAlgo = s.algo(pw.salt1, pw.salt2)
			out.SRPB = pad256(B)
			out.SRPID = sess.id
			out.Hint = pw.hint
			out.HasRecovery = pw.email != ""
			if pw.pendingEmail != "" {
				out.EmailUnconfirmedPattern = maskEmail(pw.pendingEmail)
			}
		}
		return out, nil
	})
}

func maskEmail(e string) string {
	at := strings.IndexByte(e, '@')
	if at <= 1 {
		return "*" + e[max(at, 0):]
	}
	return e[:1] + strings.Repeat("*", at-1) + e[at:]
}

// verifySRPLocked checks an SRP proof for u against this key's one-shot
// session. The session is used up either way.
func (s *Server) verifySRPLocked(a *authorization, u *user, in tg.InputCheckPasswordSRPClass) error {
	pw := u.password
	if pw == nil {
		if _, ok := in.(*tg.InputCheckPasswordEmpty); ok {
			return nil
		}
		return rpcErr(400, "PASSWORD_HASH_INVALID")
	}
	check, ok := in.(*tg.InputCheckPasswordSRP)
	if !ok {
		return rpcErr(400, "PASSWORD_HASH_INVALID")
	}
	sess := a.srp
	a.srp = nil
	if sess == nil || sess.id != check.SRPID {
		return rpcErr(400, "SRP_ID_INVALID")
	}
	A := new(big.Int).SetBytes(check.A)
	pm1 := new(big.Int).Sub(telegramPrime, big.NewInt(1))
	if A.Cmp(big.NewInt(1)) <= 0 || A.Cmp(pm1) >= 0 {
		return rpcErr(400, "SRP_A_INVALID")
	}
	g := big.NewInt(srpG)
	uu := new(big.Int).SetBytes(sha(pad256(A), pad256(sess.B)))
	S := new(big.Int).Exp(pw.verifier, uu, telegramPrime)
	S.Mul(S, A).Mod(S, telegramPrime)
	S.Exp(S, sess.b, telegramPrime)
	K := sha(pad256(S))
	hp, hg := sha(pad256(telegramPrime)), sha(pad256(g))
	x := make([]byte, len(hp))
	for i := range x {
		x[i] = hp[i] ^ hg[i]
	}
	m1 := sha(x, sha(pw.salt1), sha(pw.salt2), pad256(A), pad256(sess.B), K)
	if subtle.ConstantTimeCompare(m1, check.M1) != 1 {
		return rpcErr(400, "PASSWORD_HASH_INVALID")
	}
	return nil
}

func (s *Server) checkPassword(ctx context.Context, in tg.InputCheckPasswordSRPClass) (tg.AuthAuthorizationClass, error) {
	return anyKey(s, ctx, func(o *op) (tg.AuthAuthorizationClass, error) {
		a := o.auth
		if a.pending == 0 {
			return nil, rpcErr(400, "PASSWORD_HASH_INVALID")
		}
		u := s.st.users[a.pending]
		if err := s.verifySRPLocked(a, u, in); err != nil {
			return nil, err
		}
		a.userID, a.pending = u.id, 0
		return &tg.AuthAuthorization{User: s.userViewLocked(u, u)}, nil
	})
}

func (s *Server) updatePasswordSettings(ctx context.Context, req *tg.AccountUpdatePasswordSettingsRequest) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		u := o.me
		if err := s.verifySRPLocked(o.auth, u, req.Password); err != nil {
			return false, err
		}
		ns := req.NewSettings
		if newAlgo, ok := ns.GetNewAlgo(); ok {
			switch algo := newAlgo.(type) {
			case *tg.PasswordKdfAlgoUnknown:
				u.password = nil
				return true, nil
			case *tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow:
				if algo.G != srpG || new(big.Int).SetBytes(algo.P).Cmp(telegramPrime) != 0 {
					return false, rpcErr(400, "NEW_SALT_INVALID")
				}
				if len(algo.Salt1) < 8+32 || len(ns.NewPasswordHash) != 256 {
					return false, rpcErr(400, "NEW_SALT_INVALID")
				}
				pw := &password{salt1: algo.Salt1, salt2: algo.Salt2, verifier: new(big.Int).SetBytes(ns.NewPasswordHash)}
				if u.password != nil {
					pw.email = u.password.email
				}
				pw.hint, _ = ns.GetHint()
				u.password = pw
			default:
				return false, rpcErr(400, "NEW_SETTINGS_INVALID")
			}
		} else if u.password == nil {
			return false, rpcErr(400, "NEW_SETTINGS_INVALID")
		}
		if email, ok := ns.GetEmail(); ok && email != "" {
			if !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\n") {
				return false, rpcErr(400, "EMAIL_INVALID")
			}
			u.password.pendingEmail = email
			u.password.emailCode = fmt.Sprintf("%06d", new(big.Int).SetBytes(randBytes(4)).Int64()%1000000)
			return false, rpcErr(400, "EMAIL_UNCONFIRMED_6")
		}
		return true, nil
	})
}

func (s *Server) confirmPasswordEmail(ctx context.Context, code string) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		u := o.me
		pw := u.password
		if pw == nil || pw.pendingEmail == "" {
			return false, rpcErr(400, "EMAIL_HASH_EXPIRED")
		}
		if subtle.ConstantTimeCompare([]byte(code), []byte(pw.emailCode)) != 1 {
			return false, rpcErr(400, "CODE_INVALID")
		}
		pw.email, pw.pendingEmail, pw.emailCode = pw.pendingEmail, "", ""
		return true, nil
	})
}

func (s *Server) resendPasswordEmail(ctx context.Context) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		u := o.me
		if u.password == nil || u.password.pendingEmail == "" {
			return false, rpcErr(400, "EMAIL_HASH_EXPIRED")
		}
		return true, nil
	})
}

func (s *Server) cancelPasswordEmail(ctx context.Context) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		u := o.me
		if u.password != nil {
			u.password.pendingEmail, u.password.emailCode = "", ""
		}
		return true, nil
	})
}

// EmailCode is the confirmation code "sent" to a user's pending recovery
// e-mail (the sandbox shows it instead of mailing it).
func (s *Server) EmailCode(userID int64) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[userID]
	if u == nil || u.password == nil || u.password.pendingEmail == "" {
		return "", false
	}
	return u.password.emailCode, true
}

// SetUserPassword gives an account a 2-step password directly (for
// simulated contacts and tests).
func (s *Server) SetUserPassword(userID int64, pw, hint string) error {
	salt2 := randBytes(16)
	v, salt1 := srpVerifier([]byte(pw), randBytes(8), salt2)
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[userID]
	if u == nil {
		return fmt.Errorf("sandbox: no user %d", userID)
	}
	u.password = &password{salt1: salt1, salt2: salt2, verifier: v, hint: hint}
	return nil
}

// srpVerifier computes v = g^x mod p for a password, salts included, the
// way a client does when it sets a password. It returns v and the salt1 the
// client would send (with its random extension).
func srpVerifier(pw, salt1, salt2 []byte) (*big.Int, []byte) {
	v, newSalt1, err := srp.NewSRP(rand.Reader).NewHash(pw, srp.Input{Salt1: salt1, Salt2: salt2, G: srpG, P: pad256(telegramPrime)})
	if err != nil {
		panic(fmt.Sprintf("sandbox: srp verifier: %v", err)) // only on a broken random source
	}
	return new(big.Int).SetBytes(v), newSalt1
}
