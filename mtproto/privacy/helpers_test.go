package privacy_test

import (
	"context"
	"testing"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/sandbox/sandboxtest"
)

const testPassword = "correct horse battery"

// testCtx bounds a whole test; nothing waits a fixed time.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

type clientOpts struct {
	session session.Storage
	device  *telegram.DeviceConfig
	// conn receives connection state changes (dropped when full).
	conn chan mtproto.ConnectionState
	// pushed receives every update the client dispatches after login.
	pushed chan tg.UpdateClass
}

// start connects a client to the sandbox; it stops with the test.
func start(t *testing.T, ctx context.Context, s *sandbox.Server, o clientOpts) *mtproto.Client {
	t.Helper()
	c, _ := startStoppable(t, ctx, s, o)
	return c
}

// startStoppable is start with a function that stops the client earlier.
func startStoppable(t *testing.T, ctx context.Context, s *sandbox.Server, o clientOpts) (*mtproto.Client, func()) {
	t.Helper()
	c, err := mtproto.New(mtproto.Options{AppID: 42, AppHash: "test", Endpoint: s.Endpoint(), Session: o.session, Device: o.device,
		OnConnectionState: func(st mtproto.ConnectionState) {
			if o.conn != nil {
				select {
				case o.conn <- st:
				default:
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if o.pushed != nil {
		d := c.Dispatcher()
		d.OnEncryption(func(ctx context.Context, e tg.Entities, u *tg.UpdateEncryption) error {
			o.pushed <- u
			return nil
		})
		d.OnNewMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateNewMessage) error {
			o.pushed <- u
			return nil
		})
	}
	run, err := c.Start(ctx, nil)
	if err != nil {
		t.Fatalf("client run: %v", err)
	}
	stop := func() { _ = run() }
	t.Cleanup(stop)
	return c, stop
}

// toSignUp drives a Login with opts to the sign-up stage for phone.
func toSignUp(t *testing.T, ctx context.Context, s *sandbox.Server, c *mtproto.Client, phone string, opts mtproto.LoginOptions) *mtproto.Login {
	t.Helper()
	return sandboxtest.ToSignUp(t, ctx, s, c, phone, opts)
}

// onboard signs phone up the way Tacit does: acknowledged notice, lockdown
// right after auth.signUp, forced 2-step password. It returns the lockdown
// report.
func onboard(t *testing.T, ctx context.Context, s *sandbox.Server, c *mtproto.Client, phone, name string) privacy.Report {
	t.Helper()
	var rep privacy.Report
	recorded := false
	l := toSignUp(t, ctx, s, c, phone, mtproto.LoginOptions{AfterSignUp: privacy.AfterSignUp(func(r privacy.Report) {
		rep, recorded = r, true
	})})
	st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: name, Acknowledged: true})
	if err != nil || st != mtproto.StageSetPassword {
		t.Fatalf("sign up: %v %v", st, err)
	}
	if !recorded {
		t.Fatal("the lockdown did not run")
	}
	if st, err := l.SetPassword(ctx, []byte(testPassword), "", ""); err != nil || st != mtproto.StageReady {
		t.Fatalf("set password: %v %v", st, err)
	}
	return rep
}

// signIn logs an existing account with a password in on another client.
func signIn(t *testing.T, ctx context.Context, s *sandbox.Server, c *mtproto.Client, phone string) {
	t.Helper()
	l := c.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, phone); err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code(phone)
	if st, err := l.SubmitCode(ctx, code); err != nil || st != mtproto.StagePassword {
		t.Fatalf("submit code: %v %v", st, err)
	}
	if st, err := l.SubmitPassword(ctx, []byte(testPassword)); err != nil || st != mtproto.StageReady {
		t.Fatalf("password: %v %v", st, err)
	}
}

// rawSignUp registers phone as a client with Telegram's defaults would: no
// notice, joined notifications allowed, no lockdown, no password.
func rawSignUp(t *testing.T, ctx context.Context, s *sandbox.Server, c *mtproto.Client, phone, name string) *tg.User {
	t.Helper()
	api := c.API()
	sent, err := api.AuthSendCode(ctx, &tg.AuthSendCodeRequest{PhoneNumber: phone, APIID: 42, APIHash: "test"})
	if err != nil {
		t.Fatal(err)
	}
	hash := sent.(*tg.AuthSentCode).PhoneCodeHash
	code, _ := s.Code(phone)
	if _, err := api.AuthSignIn(ctx, &tg.AuthSignInRequest{PhoneNumber: phone, PhoneCodeHash: hash, PhoneCode: code}); err != nil {
		t.Fatal(err)
	}
	res, err := api.AuthSignUp(ctx, &tg.AuthSignUpRequest{PhoneNumber: phone, PhoneCodeHash: hash, FirstName: name})
	if err != nil {
		t.Fatal(err)
	}
	return res.(*tg.AuthAuthorization).User.(*tg.User)
}

func inputOf(u *tg.User) *tg.InputUser {
	return &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash}
}
