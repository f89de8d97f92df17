package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram/auth/qrlogin"
	"github.com/gotd/td/telegram/updates"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
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

func newSandbox(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	s, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// running is a connected client.
type running struct {
	*mtproto.Client
	msgs chan *tg.Message
	seen []*tg.Message // read from msgs by waitMessage (test goroutine only)
	stop func()
}

type clientOpts struct {
	session session.Storage
	state   updates.StateStorage
	flood   mtproto.FloodWait
	conn    chan mtproto.ConnectionState
}

// start connects a client and collects the messages it is pushed.
func start(t *testing.T, ctx context.Context, s *sandbox.Server, o clientOpts) *running {
	t.Helper()
	c, err := mtproto.New(mtproto.Options{AppID: 42, AppHash: "test", Endpoint: s.Endpoint(),
		Session: o.session, State: o.state, FloodWait: o.flood,
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
	r := &running{Client: c, msgs: make(chan *tg.Message, 1000)}
	c.Dispatcher().OnNewMessage(func(ctx context.Context, e tg.Entities, u *tg.UpdateNewMessage) error {
		if m, ok := u.Message.(*tg.Message); ok {
			r.msgs <- m
		}
		return nil
	})
	stop, err := c.Start(ctx, nil)
	if err != nil {
		t.Fatalf("client run: %v", err)
	}
	r.stop = func() { _ = stop() }
	t.Cleanup(r.stop)
	return r
}

// signUp registers phone through the whole flow, forced password included.
func signUp(t *testing.T, ctx context.Context, s *sandbox.Server, r *running, phone, name string) *mtproto.Login {
	t.Helper()
	return sandboxtest.SignUp(t, ctx, s, r.Client, phone, name, testPassword, "the usual")
}

// signIn logs an existing account in with code and password.
func signIn(t *testing.T, ctx context.Context, s *sandbox.Server, r *running, phone string) {
	t.Helper()
	l := r.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, phone); err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code(phone)
	st, err := l.SubmitCode(ctx, code)
	if err != nil || st != mtproto.StagePassword {
		t.Fatalf("submit code: %v %v", st, err)
	}
	if st, err := l.SubmitPassword(ctx, []byte(testPassword)); err != nil || st != mtproto.StageReady {
		t.Fatalf("password: %v %v", st, err)
	}
}

// waitMessage returns the first message (already seen or yet to come)
// that matches pred.
func waitMessage(t *testing.T, ctx context.Context, r *running, pred func(*tg.Message) bool) *tg.Message {
	t.Helper()
	for _, m := range r.seen {
		if pred(m) {
			return m
		}
	}
	for {
		select {
		case m := <-r.msgs:
			r.seen = append(r.seen, m)
			if pred(m) {
				return m
			}
		case <-ctx.Done():
			t.Fatal("no matching message before the deadline")
			return nil
		}
	}
}

func peerOf(u *tg.User) *tg.InputPeerUser {
	return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash}
}

func TestSignUpForcesAcknowledgementAndPassword(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	l := r.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, "+44 7700 900001"); err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code("447700900001")
	if st, err := l.SubmitCode(ctx, code); err != nil || st != mtproto.StageSignUp {
		t.Fatalf("want sign-up stage, got %v %v", st, err)
	}
	if l.TermsOfService() == "" {
		t.Error("terms of service not passed on")
	}
	// Nothing is registered before the acknowledged sign-up.
	if _, ok := s.UserByPhone("447700900001"); ok {
		t.Fatal("account exists before sign-up")
	}
	_, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Ann"})
	if !errors.Is(err, mtproto.ErrSignUpNotAcknowledged) {
		t.Fatalf("sign-up without acknowledgement: %v", err)
	}
	if _, ok := s.UserByPhone("447700900001"); ok {
		t.Fatal("account created without acknowledgement")
	}
	if _, err := l.SignUp(ctx, mtproto.SignUpForm{Acknowledged: true}); !errors.Is(err, mtproto.ErrNameInvalid) {
		t.Fatalf("empty name: %v", err)
	}
	st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Ann", Acknowledged: true})
	if err != nil || st != mtproto.StageSetPassword {
		t.Fatalf("want forced password stage, got %v %v", st, err)
	}
	if r.Self() != nil {
		t.Fatal("client is ready before a 2-step password exists")
	}
	if _, err := l.SetPassword(ctx, []byte("short"), "", ""); !errors.Is(err, mtproto.ErrPasswordTooWeak) {
		t.Fatalf("weak password: %v", err)
	}
	if st, err := l.SetPassword(ctx, []byte(testPassword), "", ""); err != nil || st != mtproto.StageReady {
		t.Fatalf("set password: %v %v", st, err)
	}
	if r.Self() == nil || r.Self().FirstName != "Ann" {
		t.Fatalf("self = %+v", r.Self())
	}
	uid, _ := s.UserByPhone("447700900001")
	devs := s.Devices(uid)
	want := mtproto.Device()
	if len(devs) != 1 || devs[0].DeviceModel != want.DeviceModel || devs[0].SystemVersion != want.SystemVersion || devs[0].AppVersion != want.AppVersion {
		t.Fatalf("device strings = %+v, want %+v", devs, want)
	}
}

func TestSignInWithPassword(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	signUp(t, ctx, s, start(t, ctx, s, clientOpts{}), "447700900002", "Ben")

	r := start(t, ctx, s, clientOpts{})
	l := r.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, "447700900002"); err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code("447700900002")
	if st, err := l.SubmitCode(ctx, code); err != nil || st != mtproto.StagePassword {
		t.Fatalf("want password stage, got %v %v", st, err)
	}
	if l.PasswordHint() != "the usual" {
		t.Errorf("hint = %q", l.PasswordHint())
	}
	if _, err := l.SubmitPassword(ctx, []byte("wrong password")); !errors.Is(err, mtproto.ErrPasswordInvalid) {
		t.Fatalf("wrong password: %v", err)
	}
	if l.Stage() != mtproto.StagePassword {
		t.Fatal("a wrong password left the password stage")
	}
	if st, err := l.SubmitPassword(ctx, []byte(testPassword)); err != nil || st != mtproto.StageReady {
		t.Fatalf("right password: %v %v", st, err)
	}
}

func TestWrongAndExpiredCode(t *testing.T) {
	ctx := testCtx(t)
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	s := newSandbox(t, sandbox.Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	r := start(t, ctx, s, clientOpts{})
	l := r.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, "447700900003"); err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code("447700900003")
	wrong := "00000"
	if code == wrong {
		wrong = "11111"
	}
	if _, err := l.SubmitCode(ctx, wrong); !errors.Is(err, mtproto.ErrCodeInvalid) {
		t.Fatalf("wrong code: %v", err)
	}
	if l.Stage() != mtproto.StageCode {
		t.Fatal("wrong code left the code stage")
	}
	now.Add(int64((10 * time.Minute).Seconds()))
	_, err := l.SubmitCode(ctx, code)
	if !errors.Is(err, mtproto.ErrCodeExpired) {
		t.Fatalf("expired code: %v", err)
	}
	if l.Stage() != mtproto.StagePhone {
		t.Fatal("expired code should return to the phone stage")
	}
	var me *mtproto.Error
	if !errors.As(err, &me) || me.Error() == "" {
		t.Fatal("expired code is not a user-facing error")
	}
	if _, err := l.SendCode(ctx, "12"); !errors.Is(err, mtproto.ErrPhoneInvalid) {
		t.Fatalf("invalid phone: %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900004", "Cat")
	if _, err := r.SetPassword(ctx, []byte("not the password"), []byte("a new long password"), "", ""); !errors.Is(err, mtproto.ErrPasswordInvalid) {
		t.Fatalf("change with wrong current password: %v", err)
	}
	if _, err := r.SetPassword(ctx, []byte(testPassword), []byte("a new long password"), "second", ""); err != nil {
		t.Fatalf("change password: %v", err)
	}
	r2 := start(t, ctx, s, clientOpts{})
	l := r2.NewLogin(mtproto.LoginOptions{})
	l.SendCode(ctx, "447700900004")
	code, _ := s.Code("447700900004")
	l.SubmitCode(ctx, code)
	if _, err := l.SubmitPassword(ctx, []byte(testPassword)); !errors.Is(err, mtproto.ErrPasswordInvalid) {
		t.Fatalf("old password still works: %v", err)
	}
	if st, err := l.SubmitPassword(ctx, []byte("a new long password")); err != nil || st != mtproto.StageReady {
		t.Fatalf("new password: %v %v", st, err)
	}
}

func TestRecoveryEmailConfirmation(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	l := r.NewLogin(mtproto.LoginOptions{})
	l.SendCode(ctx, "447700900005")
	code, _ := s.Code("447700900005")
	l.SubmitCode(ctx, code)
	l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Dee", Acknowledged: true})
	st, err := l.SetPassword(ctx, []byte(testPassword), "", "dee@example.org")
	if err != nil || st != mtproto.StageConfirmEmail {
		t.Fatalf("want e-mail confirmation, got %v %v", st, err)
	}
	if _, err := l.ConfirmEmail(ctx, "bad"); !errors.Is(err, mtproto.ErrEmailCodeInvalid) {
		t.Fatalf("bad e-mail code: %v", err)
	}
	uid, _ := s.UserByPhone("447700900005")
	ecode, ok := s.EmailCode(uid)
	if !ok {
		t.Fatal("no e-mail code")
	}
	if st, err := l.ConfirmEmail(ctx, ecode); err != nil || st != mtproto.StageReady {
		t.Fatalf("confirm: %v %v", st, err)
	}
	ps, err := r.PasswordState(ctx)
	if err != nil || !ps.HasPassword || !ps.HasRecovery {
		t.Fatalf("password state %+v %v", ps, err)
	}
}

func TestQRLogin(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	a := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, a, "447700900006", "Eve")

	b := start(t, ctx, s, clientOpts{})
	l := b.NewLogin(mtproto.LoginOptions{})
	urls := make(chan string, 4)
	res := make(chan error, 1)
	go func() {
		st, err := l.QR(ctx, func(url string, expires time.Time) error {
			urls <- url
			return nil
		})
		if err == nil && st != mtproto.StagePassword {
			err = fmt.Errorf("stage %v, want password", st)
		}
		res <- err
	}()
	url := <-urls
	tok, err := qrlogin.ParseTokenURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := qrlogin.AcceptQR(ctx, a.API(), tok); err != nil {
		t.Fatalf("accept: %v", err)
	}
	if err := <-res; err != nil {
		t.Fatalf("qr login: %v", err)
	}
	if st, err := l.SubmitPassword(ctx, []byte(testPassword)); err != nil || st != mtproto.StageReady {
		t.Fatalf("password after qr: %v %v", st, err)
	}
	if b.Self().ID != a.Self().ID {
		t.Fatal("QR login logged in as someone else")
	}
}

func TestMessageToEverySessionAndContactReplies(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	alice, err := s.AddContact(ctx, "Alice", "15550000001", sandbox.ContactOptions{Reply: func(text string) string { return "re: " + text }})
	if err != nil {
		t.Fatal(err)
	}
	one := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, one, "447700900007", "Fay")
	two := start(t, ctx, s, clientOpts{})
	signIn(t, ctx, s, two, "447700900007")

	users, err := alice.Client().API().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUserSelf{}})
	if err != nil {
		t.Fatal(err)
	}
	aliceUser := users[0].(*tg.User)
	// Fay finds Alice by the access hash the sandbox hands out with users.
	if _, err := one.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer: peerOf(aliceUser), Message: "hello from one", RandomID: 1}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*running{one, two} {
		waitMessage(t, ctx, r, func(m *tg.Message) bool { return m.Message == "re: hello from one" && !m.Out })
	}
	// The second session also sees the first session's outgoing message.
	waitMessage(t, ctx, two, func(m *tg.Message) bool { return m.Message == "hello from one" && m.Out })

	hist, err := one.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peerOf(aliceUser), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	slice := hist.(*tg.MessagesMessagesSlice)
	if len(slice.Messages) != 2 || slice.Messages[0].(*tg.Message).Message != "re: hello from one" {
		t.Fatalf("history = %+v", slice.Messages)
	}
	dialogs, err := one.API().MessagesGetDialogs(ctx, &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	ds := dialogs.(*tg.MessagesDialogsSlice)
	if len(ds.Dialogs) != 1 || ds.Dialogs[0].(*tg.Dialog).UnreadCount != 1 {
		t.Fatalf("dialogs = %+v", ds.Dialogs)
	}
	if _, err := one.API().MessagesReadHistory(ctx, &tg.MessagesReadHistoryRequest{Peer: peerOf(aliceUser), MaxID: ds.Dialogs[0].(*tg.Dialog).TopMessage}); err != nil {
		t.Fatal(err)
	}
	dialogs, _ = one.API().MessagesGetDialogs(ctx, &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 10})
	if n := dialogs.(*tg.MessagesDialogsSlice).Dialogs[0].(*tg.Dialog).UnreadCount; n != 0 {
		t.Fatalf("unread after read = %d", n)
	}
}

func TestOfflineClientCatchesUp(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	bob, err := s.AddContact(ctx, "Bob", "15550000002", sandbox.ContactOptions{Reply: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	sess := &session.StorageMemory{}
	state := mtproto.NewMemoryState()
	r := start(t, ctx, s, clientOpts{session: sess, state: state})
	signUp(t, ctx, s, r, "447700900008", "Gil")
	me := r.Self()
	r.stop()

	for i := range 3 {
		if _, err := bob.Client().API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
			Peer: peerOf(me), Message: fmt.Sprintf("while you were away %d", i), RandomID: int64(100 + i)}); err != nil {
			t.Fatal(err)
		}
	}

	r2 := start(t, ctx, s, clientOpts{session: sess, state: state})
	st, err := r2.NewLogin(mtproto.LoginOptions{}).Resume(ctx)
	if err != nil || st != mtproto.StageReady {
		t.Fatalf("resume: %v %v", st, err)
	}
	for i := range 3 {
		want := fmt.Sprintf("while you were away %d", i)
		waitMessage(t, ctx, r2, func(m *tg.Message) bool { return m.Message == want })
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	bob, err := s.AddContact(ctx, "Bob", "15550000002", sandbox.ContactOptions{Reply: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	states := make(chan mtproto.ConnectionState, 64)
	r := start(t, ctx, s, clientOpts{conn: states})
	signUp(t, ctx, s, r, "447700900009", "Hal")
	for len(states) > 0 {
		<-states
	}
	s.DropConnections()
	// The client notices the drop and reconnects by itself.
	sawDown := false
	for up := false; !up; {
		select {
		case st := <-states:
			sawDown = sawDown || st == mtproto.StateDisconnected
			up = sawDown && st == mtproto.StateReady
		case <-ctx.Done():
			t.Fatal("client did not reconnect")
		}
	}
	if _, err := r.API().UpdatesGetState(ctx); err != nil {
		t.Fatalf("call after reconnect: %v", err)
	}
	if _, err := bob.Client().API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer: peerOf(r.Self()), Message: "after the drop", RandomID: 7}); err != nil {
		t.Fatal(err)
	}
	waitMessage(t, ctx, r, func(m *tg.Message) bool { return m.Message == "after the drop" })
}

func TestFloodWaitHonoured(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	var waits []time.Duration
	var mu sync.Mutex
	flood := mtproto.FloodWait{Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}}
	r := start(t, ctx, s, clientOpts{flood: flood})
	signUp(t, ctx, s, r, "447700900010", "Ivy")
	s.FloodWait(tg.MessagesSendMessageRequestTypeID, 3, 2)
	if _, err := r.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: &tg.InputPeerSelf{}, Message: "note to self", RandomID: 9}); err != nil {
		t.Fatalf("send after flood wait: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != 2 || waits[0] != 3*time.Second || waits[1] != 3*time.Second {
		t.Fatalf("waits = %v, want two of 3s", waits)
	}
	// A wait longer than MaxWait reaches the caller as a typed error.
	s.FloodWait(tg.MessagesSendMessageRequestTypeID, 3600, 1)
	_, err := r.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: &tg.InputPeerSelf{}, Message: "x", RandomID: 10})
	var me *mtproto.Error
	if !errors.As(mtproto.Classify(err), &me) || me.Kind != mtproto.KindFloodWait || me.Wait != time.Hour {
		t.Fatalf("long flood wait: %v", err)
	}
}

func TestUnknownMethodIsAnRPCError(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900011", "Jo")
	_, err := r.API().StickersCheckShortName(ctx, "x")
	if _, ok := tgerr.As(err); !ok {
		t.Fatalf("unknown method: %v, want an RPC error", err)
	}
	if _, err := r.API().UpdatesGetState(ctx); err != nil {
		t.Fatalf("connection broken after unknown method: %v", err)
	}
}

func TestTCPTransport(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{Listen: "127.0.0.1:0"})
	if s.Addr() == "" {
		t.Fatal("no TCP address")
	}
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900012", "Kim")
}

func TestJoinedNoticeOnlyWithoutOptOut(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	stranger := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, stranger, "447700900013", "Lee")
	if _, err := stranger.API().ContactsImportContacts(ctx, []tg.InputPhoneContact{
		{ClientID: 1, Phone: "447700900014", FirstName: "Target"},
		{ClientID: 2, Phone: "447700900015", FirstName: "Other"},
	}); err != nil {
		t.Fatal(err)
	}
	// Tacit's sign-up: no notice.
	signUp(t, ctx, s, start(t, ctx, s, clientOpts{}), "447700900014", "Max")
	if n := s.JoinedNotices(); len(n) != 0 {
		t.Fatalf("notices after Tacit sign-up: %+v", n)
	}
	// A client that does not opt out announces the user.
	raw := start(t, ctx, s, clientOpts{})
	sent, err := raw.API().AuthSendCode(ctx, &tg.AuthSendCodeRequest{PhoneNumber: "447700900015", APIID: 1, APIHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code("447700900015")
	hash := sent.(*tg.AuthSentCode).PhoneCodeHash
	if _, err := raw.API().AuthSignIn(ctx, &tg.AuthSignInRequest{PhoneNumber: "447700900015", PhoneCodeHash: hash, PhoneCode: code}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.API().AuthSignUp(ctx, &tg.AuthSignUpRequest{PhoneNumber: "447700900015", PhoneCodeHash: hash, FirstName: "Ned"}); err != nil {
		t.Fatal(err)
	}
	notices := s.JoinedNotices()
	if len(notices) != 1 || notices[0].To != stranger.Self().ID {
		t.Fatalf("notices = %+v", notices)
	}
}

func TestSignUpHookFailureIsRetried(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	calls := 0
	l := r.NewLogin(mtproto.LoginOptions{AfterSignUp: func(ctx context.Context, c *mtproto.Client) error {
		calls++
		if calls == 1 {
			return errors.New("lockdown refused")
		}
		return nil
	}})
	l.SendCode(ctx, "447700900030")
	code, _ := s.Code("447700900030")
	l.SubmitCode(ctx, code)
	st, err := l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Uma", Acknowledged: true})
	if err == nil || st != mtproto.StageSignUp {
		t.Fatalf("failed hook: %v %v", st, err)
	}
	if _, ok := s.UserByPhone("447700900030"); !ok {
		t.Fatal("the account should exist")
	}
	st, err = l.SignUp(ctx, mtproto.SignUpForm{FirstName: "Uma", Acknowledged: true})
	if err != nil || st != mtproto.StageSetPassword || calls != 2 {
		t.Fatalf("retry: %v %v, hook calls %d", st, err, calls)
	}
}

// TestIdleTCPClientDoesNotBlockOthers: a TCP client that connects and
// sends nothing must not hold up the clients that come after it.
func TestIdleTCPClientDoesNotBlockOthers(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{Listen: "127.0.0.1:0"})
	var d net.Dialer
	idle, err := d.DialContext(ctx, "tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	half, err := d.DialContext(ctx, "tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	// Half of an obfuscated handshake, then silence.
	if _, err := half.Write(make([]byte, 30)); err != nil {
		t.Fatal(err)
	}
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900016", "Ida")
}
