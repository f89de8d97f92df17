package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// fakeBackend is a small in-memory model of the server side of sign-in and chats, with the rules the UI
// relies on: sign-up needs the acknowledgement, an account without a password is never ready.
type fakeBackend struct {
	mu sync.Mutex

	resume    LoginStage
	resumeErr error
	code      string
	accounts  map[string]*fakeAccount // by phone
	hint      string                  // shown on every page when non-empty

	phone    string // the number of the login under way
	pending  *fakeAccount
	emailSet bool

	calls    []string // methods called, in order
	signUps  []fakeSignUp
	sent     []fakeSent
	dialogs  []DialogSummary
	history  map[DialogID][]Message
	nextID   int64
	subs     map[int]func(Event)
	nextSub  int
	failSend error
	marked   []fakeMarked // MarkRead calls
	logOut   error        // what LogOut returns

	// Secret chats: their state by dialog, what Accept leads to, the dialog StartSecretChat returns (added
	// to dialogs when startAdds is set) and the SetVerified calls.
	secrets     map[DialogID]*SecretChatInfo
	acceptTo    SecretState
	startResult DialogID
	startAdds   *DialogSummary
	startErr    error
	verifyErr   error
	verifyCalls []bool
	startedFrom []DialogID

	// gate, when set, holds every login call until it is closed (to look at the page meanwhile).
	gate chan struct{}
	// qrStarted is closed once QRLogin has shown its first URL; qrScan ends QRLogin.
	qrStarted chan struct{}
	qrScan    chan LoginStage
	qrCtxErr  chan error
}

type fakeAccount struct {
	password []byte // nil: no 2-step verification password
	hint     string
}

type fakeSignUp struct {
	first, last  string
	acknowledged bool
}

type fakeMarked struct {
	dialog DialogID
	maxID  int64
}

type fakeSent struct {
	dialog DialogID
	text   string
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		code:     "12345",
		accounts: map[string]*fakeAccount{},
		history:  map[DialogID][]Message{},
		subs:     map[int]func(Event){},
		secrets:  map[DialogID]*SecretChatInfo{},
		acceptTo: SecretWaiting,
		nextID:   100,
	}
}

var errWrongCode = &Problem{Field: FieldCode, Message: "This code is wrong. Check it and try again.", Err: errors.New("PHONE_CODE_INVALID")}

func (f *fakeBackend) record(name string) {
	f.mu.Lock()
	f.calls = append(f.calls, name)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (f *fakeBackend) called(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == name {
			n++
		}
	}
	return n
}

// after returns the stage an account reaches once its identity is proven.
func after(a *fakeAccount) LoginStage {
	if a.password == nil {
		return LoginStage{Step: StepSetPassword}
	}
	return LoginStage{Step: StepReady}
}

func (f *fakeBackend) Resume(context.Context) (LoginStage, error) {
	f.record("Resume")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resume, f.resumeErr
}

func (f *fakeBackend) SendCode(ctx context.Context, phone string) (CodeSent, error) {
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

func (f *fakeBackend) SubmitCode(_ context.Context, code string) (LoginStage, error) {
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

func (f *fakeBackend) SignUp(_ context.Context, first, last string, acknowledged bool) (LoginStage, error) {
	f.record("SignUp")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signUps = append(f.signUps, fakeSignUp{first, last, acknowledged})
	if !acknowledged {
		return LoginStage{}, &Problem{Message: "The registration notice was not acknowledged."}
	}
	a := &fakeAccount{}
	f.accounts[f.phone] = a
	f.pending = a
	return after(a), nil
}

func (f *fakeBackend) SubmitPassword(_ context.Context, password []byte) (LoginStage, error) {
	f.record("SubmitPassword")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil || string(f.pending.password) != string(password) {
		return LoginStage{}, &Problem{Field: FieldPassword, Message: "Wrong password."}
	}
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeBackend) SetPassword(_ context.Context, password []byte, hint, email string) (LoginStage, error) {
	f.record("SetPassword")
	f.mu.Lock()
	defer f.mu.Unlock()
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

func (f *fakeBackend) ConfirmEmail(_ context.Context, code string) (LoginStage, error) {
	f.record("ConfirmEmail")
	if code != "777777" {
		return LoginStage{}, &Problem{Field: FieldCode, Message: "Wrong email code."}
	}
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeBackend) SkipEmail(context.Context) (LoginStage, error) {
	f.record("SkipEmail")
	return LoginStage{Step: StepReady}, nil
}

func (f *fakeBackend) QRLogin(ctx context.Context, show func(string, time.Time)) (LoginStage, error) {
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

func (f *fakeBackend) SandboxHint() string { return f.hint }

func (f *fakeBackend) DemoCode(phone string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.hint == "" || phone != f.phone {
		return "", false
	}
	return f.code, true
}

func (f *fakeBackend) Dialogs(context.Context) ([]DialogSummary, error) {
	f.record("Dialogs")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]DialogSummary(nil), f.dialogs...), nil
}

func (f *fakeBackend) History(_ context.Context, id DialogID, limit int) ([]Message, error) {
	f.record("History")
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.history[id]
	if len(h) > limit {
		h = h[len(h)-limit:]
	}
	return append([]Message(nil), h...), nil
}

func (f *fakeBackend) SendText(_ context.Context, id DialogID, text string) (Message, error) {
	f.record("SendText")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSend != nil {
		return Message{}, f.failSend
	}
	f.sent = append(f.sent, fakeSent{id, text})
	f.nextID++
	m := Message{ID: f.nextID, Dialog: id, Out: true, Text: text, Date: time.Now()}
	f.history[id] = append(f.history[id], m)
	return m, nil
}

func (f *fakeBackend) MarkRead(_ context.Context, id DialogID, maxID int64) error {
	f.record("MarkRead")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.marked = append(f.marked, fakeMarked{id, maxID})
	for i := range f.dialogs {
		if f.dialogs[i].ID == id {
			f.dialogs[i].Unread = 0
		}
	}
	return nil
}

func (f *fakeBackend) LogOut(context.Context) error {
	f.record("LogOut")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logOut != nil {
		return f.logOut
	}
	f.phone, f.pending = "", nil
	return nil
}

func (f *fakeBackend) markedCalls() []fakeMarked {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeMarked(nil), f.marked...)
}

func (f *fakeBackend) Subscribe(fn func(Event)) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextSub
	f.nextSub++
	f.subs[id] = fn
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

// emit pushes ev to every subscriber from a goroutine of its own, as a network event would arrive, and
// returns once the subscribers have returned. Tests call UI.drain afterwards to apply it.
func (f *fakeBackend) emit(ev Event) {
	f.mu.Lock()
	subs := make([]func(Event), 0, len(f.subs))
	for _, fn := range f.subs {
		subs = append(subs, fn)
	}
	f.mu.Unlock()
	var wg sync.WaitGroup
	for _, fn := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(ev)
		}()
	}
	wg.Wait()
}

func (f *fakeBackend) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// readySecret describes a ready secret chat with peer whose key hash is the bytes 0..35.
func readySecret(id DialogID, peer string) *SecretChatInfo {
	info := &SecretChatInfo{Dialog: id, PeerName: peer, State: SecretReady}
	for i := range 144 {
		bit := 2 * i
		info.Identicon[i/12][i%12] = uint8(bit/8) >> (bit % 8) & 3
	}
	info.Emoji = [5]string{"😉", "🐼", "🍕", "🚀", "⚽"}
	info.Hex = testKeyHex
	return info
}

// testKeyHex is the hex of readySecret: the bytes 0..31 in 4 lines.
const testKeyHex = "00 01 02 03  04 05 06 07\n08 09 0A 0B  0C 0D 0E 0F\n10 11 12 13  14 15 16 17\n18 19 1A 1B  1C 1D 1E 1F"

func (f *fakeBackend) SecretChat(_ context.Context, id DialogID) (SecretChatInfo, error) {
	f.record("SecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	info, ok := f.secrets[id]
	if !ok {
		return SecretChatInfo{}, &Problem{Message: "No such secret chat."}
	}
	return *info, nil
}

func (f *fakeBackend) AcceptSecretChat(_ context.Context, id DialogID) error {
	f.record("AcceptSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	info, ok := f.secrets[id]
	if !ok || info.State != SecretRequested {
		return &Problem{Message: "There is no request to accept."}
	}
	info.State = f.acceptTo
	return nil
}

func (f *fakeBackend) DeclineSecretChat(_ context.Context, id DialogID) error {
	f.record("DeclineSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	info, ok := f.secrets[id]
	if !ok {
		return &Problem{Message: "No such secret chat."}
	}
	info.State, info.Closed = SecretClosed, "you declined it."
	return nil
}

func (f *fakeBackend) StartSecretChat(_ context.Context, id DialogID) (DialogID, error) {
	f.record("StartSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.startedFrom = append(f.startedFrom, id)
	if f.startErr != nil {
		return "", f.startErr
	}
	if f.startAdds != nil {
		f.dialogs = append(f.dialogs, *f.startAdds)
	}
	return f.startResult, nil
}

func (f *fakeBackend) SetVerified(_ context.Context, id DialogID, verified bool) error {
	f.record("SetVerified")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verifyCalls = append(f.verifyCalls, verified)
	if f.verifyErr != nil {
		return f.verifyErr
	}
	if info, ok := f.secrets[id]; ok {
		info.Verified = verified
	}
	return nil
}

// setSecret changes the state of a secret chat as the other side or the network would.
func (f *fakeBackend) setSecret(id DialogID, change func(*SecretChatInfo)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.secrets[id])
}
