// Package sandboxtest holds the login steps that tests against
// tacit/mtproto/sandbox share: reaching the sign-up stage with the code the
// sandbox shows, and a complete Tacit sign-up with the forced 2-step
// password. It is for tests only.
package sandboxtest

import (
	"context"
	"testing"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

// ToSignUp drives a new Login with opts to the sign-up stage for phone,
// which must not have an account yet.
func ToSignUp(t testing.TB, ctx context.Context, s *sandbox.Server, c *mtproto.Client, phone string, opts mtproto.LoginOptions) *mtproto.Login {
	t.Helper()
	l := c.NewLogin(opts)
	if _, err := l.SendCode(ctx, phone); err != nil {
		t.Fatalf("send code: %v", err)
	}
	code, ok := s.Code(phone)
	if !ok {
		t.Fatal("sandbox has no code for", phone)
	}
	if st, err := l.SubmitCode(ctx, code); err != nil || st != mtproto.StageSignUp {
		t.Fatalf("submit code: %v %v", st, err)
	}
	return l
}

// SignUp registers phone as Tacit does (acknowledged notice, then the
// forced 2-step password) and returns the finished Login.
func SignUp(t testing.TB, ctx context.Context, s *sandbox.Server, c *mtproto.Client, phone, name, password, hint string) *mtproto.Login {
	t.Helper()
	l := ToSignUp(t, ctx, s, c, phone, mtproto.LoginOptions{})
	if st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: name, Acknowledged: true}); err != nil || st != mtproto.StageSetPassword {
		t.Fatalf("sign up: %v %v", st, err)
	}
	if st, err := l.SetPassword(ctx, []byte(password), hint, ""); err != nil || st != mtproto.StageReady {
		t.Fatalf("set password: %v %v", st, err)
	}
	return l
}
