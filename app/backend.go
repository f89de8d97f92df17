package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// Backend implements ui.Backend on an mtproto client.
type Backend struct {
	client  *mtproto.Client
	login   *mtproto.Login
	opts    mtproto.LoginOptions
	sandbox interface {
		Code(phone string) (string, bool)
	}
	cache  cache
	secret *secret.Manager
	// secretHook sees every secret chat event after the UI did (selftest).
	secretHook func(secret.Event)

	running chan struct{}
	runOnce sync.Once

	mu     sync.Mutex
	subs   map[int]func(ui.Event)
	nextID int
	users  map[int64]*tg.User
}

var _ ui.Backend = (*Backend)(nil)

// NewBackend wraps client before it runs. codes, when not nil, is the
// sandbox, whose login codes the demo shows. db, when not nil, caches what
// the user sees (the encrypted store).
func NewBackend(client *mtproto.Client, opts mtproto.LoginOptions, codes interface {
	Code(phone string) (string, bool)
}, db *store.Store) *Backend {
	b := &Backend{client: client, opts: opts, sandbox: codes, cache: cache{db: db}, running: make(chan struct{}), subs: map[int]func(ui.Event){}, users: map[int64]*tg.User{}}
	b.login = client.NewLogin(opts)
	client.Dispatcher().OnNewMessage(b.onNewMessage)
	var storage secret.Storage = secret.NewMemoryStorage()
	if db != nil {
		storage = db.Secret()
	}
	b.attachSecret(storage)
	return b
}

// run is called from inside the client's Run once it is connected; it
// starts the secret chat manager (which resumes stored work) and returns at
// once. The manager stops with ctx.
func (b *Backend) run(ctx context.Context) {
	go func() {
		_ = b.secret.Run(ctx)
		b.secret.Close()
	}()
	b.started()
}

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

func (b *Backend) stage(st mtproto.Stage, err error) (ui.LoginStage, error) {
	return stageOf(b.currentLogin(), st), userError(err)
}

// connectWait bounds the wait for the first connection.
const connectWait = 20 * time.Second

// started is called once the client is connected and running.
func (b *Backend) started() { b.runOnce.Do(func() { close(b.running) }) }

// Resume implements ui.Backend. It waits for the connection first, since
// it is the first call the window makes.
func (b *Backend) Resume(ctx context.Context) (ui.LoginStage, error) {
	wait := time.NewTimer(connectWait)
	defer wait.Stop()
	select {
	case <-b.running:
	case <-wait.C:
		return ui.LoginStage{}, &ui.Problem{Message: "Cannot reach Telegram's servers. Check the network or the proxy settings, then try again."}
	case <-ctx.Done():
		return ui.LoginStage{}, &ui.Problem{Message: "Cannot reach Telegram's servers. Check the network or the proxy settings, then try again.", Err: ctx.Err()}
	}
	return b.stage(b.currentLogin().Resume(ctx))
}

// SendCode implements ui.Backend.
func (b *Backend) SendCode(ctx context.Context, phone string) (ui.CodeSent, error) {
	sent, err := b.currentLogin().SendCode(ctx, phone)
	if err != nil {
		return ui.CodeSent{}, userError(err)
	}
	return ui.CodeSent{Phone: phone, Via: sent.Via, Length: sent.Length}, nil
}

// SubmitCode implements ui.Backend.
func (b *Backend) SubmitCode(ctx context.Context, code string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SubmitCode(ctx, code))
}

// SignUp implements ui.Backend.
func (b *Backend) SignUp(ctx context.Context, first, last string, acknowledged bool) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SignUp(ctx, mtproto.SignUpForm{FirstName: first, LastName: last, Acknowledged: acknowledged}))
}

// SubmitPassword implements ui.Backend.
func (b *Backend) SubmitPassword(ctx context.Context, password []byte) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SubmitPassword(ctx, password))
}

// SetPassword implements ui.Backend.
func (b *Backend) SetPassword(ctx context.Context, password []byte, hint, email string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SetPassword(ctx, password, hint, email))
}

// ConfirmEmail implements ui.Backend.
func (b *Backend) ConfirmEmail(ctx context.Context, code string) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().ConfirmEmail(ctx, code))
}

// SkipEmail implements ui.Backend.
func (b *Backend) SkipEmail(ctx context.Context) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().SkipEmail(ctx))
}

// QRLogin implements ui.Backend.
func (b *Backend) QRLogin(ctx context.Context, show func(url string, expires time.Time)) (ui.LoginStage, error) {
	return b.stage(b.currentLogin().QR(ctx, func(url string, expires time.Time) error {
		show(url, expires)
		return nil
	}))
}

// SandboxHint implements ui.Backend.
func (b *Backend) SandboxHint() string {
	if b.sandbox == nil {
		return ""
	}
	return "Demo server on this computer: nothing reaches Telegram. Any number works; the code is shown here."
}

// DemoCode implements ui.Backend.
func (b *Backend) DemoCode(phone string) (string, bool) {
	if b.sandbox == nil {
		return "", false
	}
	p, err := mtproto.NormalizePhone(phone)
	if err != nil {
		return "", false
	}
	return b.sandbox.Code(p)
}

func (b *Backend) remember(users []tg.UserClass) {
	b.mu.Lock()
	for _, u := range users {
		if u, ok := u.(*tg.User); ok {
			b.users[u.ID] = u
		}
	}
	b.mu.Unlock()
	_ = b.cache.users(context.Background(), users)
}

func (b *Backend) title(p store.Peer) string {
	if p.Kind == store.PeerUser {
		u, _ := b.user(p.ID)
		return displayName(u)
	}
	return ""
}

// cachedDialogs is the chat list from the store, for when the server
// cannot be reached.
func (b *Backend) cachedDialogs(ctx context.Context) ([]ui.DialogSummary, error) {
	ds, err := b.cache.db.Dialogs(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []ui.DialogSummary
	for _, d := range ds {
		if d.Peer.Kind != store.PeerUser {
			continue
		}
		out = append(out, ui.DialogSummary{ID: dialogID(d.Peer.ID), Title: d.Title, Kind: ui.KindUser,
			LastMessage: d.Preview, LastDate: d.TopDate, Unread: d.UnreadCount})
	}
	return out, nil
}

func (b *Backend) user(id int64) (*tg.User, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	u, ok := b.users[id]
	return u, ok
}

func displayName(u *tg.User) string {
	if u == nil {
		return "Unknown"
	}
	if u.Self {
		return "Saved Messages"
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

func dialogID(userID int64) ui.DialogID { return ui.DialogID("u" + strconv.FormatInt(userID, 10)) }

func (b *Backend) peerOf(id ui.DialogID) (tg.InputPeerClass, int64, error) {
	s := string(id)
	if !strings.HasPrefix(s, "u") {
		return nil, 0, &ui.Problem{Message: "This kind of chat cannot be opened yet."}
	}
	uid, err := strconv.ParseInt(s[1:], 10, 64)
	if err != nil {
		return nil, 0, &ui.Problem{Message: "Unknown chat."}
	}
	u, ok := b.user(uid)
	if !ok {
		return nil, 0, &ui.Problem{Message: "Unknown chat; reload the chat list."}
	}
	return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash}, uid, nil
}

func messageText(m tg.MessageClass) string {
	switch m := m.(type) {
	case *tg.Message:
		return m.Message
	case *tg.MessageService:
		if _, ok := m.Action.(*tg.MessageActionContactSignUp); ok {
			return "joined Telegram"
		}
		return "service message"
	}
	return ""
}

// Dialogs implements ui.Backend.
func (b *Backend) Dialogs(ctx context.Context) ([]ui.DialogSummary, error) {
	res, err := b.client.API().MessagesGetDialogs(ctx, &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 100})
	if err != nil {
		if b.cache.enabled() && ctx.Err() == nil {
			if cached, cerr := b.cachedDialogs(ctx); cerr == nil && len(cached) > 0 {
				return cached, nil
			}
		}
		return nil, userError(err)
	}
	var dialogs []tg.DialogClass
	var msgs []tg.MessageClass
	switch r := res.(type) {
	case *tg.MessagesDialogs:
		dialogs, msgs = r.Dialogs, r.Messages
		b.remember(r.Users)
	case *tg.MessagesDialogsSlice:
		dialogs, msgs = r.Dialogs, r.Messages
		b.remember(r.Users)
	default:
		return nil, nil
	}
	top := map[int]tg.MessageClass{}
	for _, m := range msgs {
		top[m.GetID()] = m
	}
	_ = b.cache.messages(ctx, msgs, b.title)
	var out []ui.DialogSummary
	for _, d := range dialogs {
		dd, ok := d.(*tg.Dialog)
		if !ok {
			continue
		}
		pu, ok := dd.Peer.(*tg.PeerUser)
		if !ok {
			continue
		}
		u, _ := b.user(pu.UserID)
		s := ui.DialogSummary{ID: dialogID(pu.UserID), Title: displayName(u), Kind: ui.KindUser, Unread: dd.UnreadCount}
		if b.cache.enabled() {
			_ = b.cache.db.PutDialogs(ctx, store.Dialog{Peer: store.UserPeer(pu.UserID), Kind: store.DialogUser, Title: s.Title, UnreadCount: dd.UnreadCount})
		}
		if m, ok := top[dd.TopMessage]; ok {
			s.LastMessage = messageText(m)
			if mm, ok := m.(*tg.Message); ok {
				s.LastDate = time.Unix(int64(mm.Date), 0)
			}
		}
		out = append(out, s)
	}
	if secrets, err := b.secretDialogs(ctx); err == nil {
		out = append(out, secrets...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastDate.After(out[j].LastDate) })
	return out, nil
}

func (b *Backend) convert(dialog ui.DialogID, m tg.MessageClass) (ui.Message, bool) {
	msg, ok := m.(*tg.Message)
	if !ok {
		return ui.Message{}, false
	}
	sender := "You"
	if !msg.Out {
		if from, ok := msg.FromID.(*tg.PeerUser); ok {
			u, _ := b.user(from.UserID)
			sender = displayName(u)
		}
	}
	return ui.Message{ID: int64(msg.ID), Dialog: dialog, Out: msg.Out, Sender: sender, Text: msg.Message, Date: time.Unix(int64(msg.Date), 0)}, true
}

// History implements ui.Backend.
func (b *Backend) History(ctx context.Context, dialog ui.DialogID, limit int) ([]ui.Message, error) {
	if id, ok := secretChatOf(dialog); ok {
		return b.secretHistory(ctx, id, limit)
	}
	peer, uid, err := b.peerOf(dialog)
	if err != nil {
		return nil, err
	}
	res, err := b.client.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peer, Limit: limit})
	if err != nil {
		if b.cache.enabled() && ctx.Err() == nil {
			if cached, cerr := b.cache.db.Latest(ctx, store.UserPeer(uid), limit); cerr == nil && len(cached) > 0 {
				return b.fromStore(dialog, cached), nil
			}
		}
		return nil, userError(err)
	}
	var msgs []tg.MessageClass
	switch r := res.(type) {
	case *tg.MessagesMessages:
		msgs = r.Messages
		b.remember(r.Users)
	case *tg.MessagesMessagesSlice:
		msgs = r.Messages
		b.remember(r.Users)
	}
	_ = b.cache.messages(ctx, msgs, b.title)
	out := make([]ui.Message, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- {
		if m, ok := b.convert(dialog, msgs[i]); ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// SendText implements ui.Backend. Cloud chats never request link previews
// unless the user turned them on.
func (b *Backend) SendText(ctx context.Context, dialog ui.DialogID, text string) (ui.Message, error) {
	if id, ok := secretChatOf(dialog); ok {
		text = strings.TrimSpace(text)
		if text == "" {
			return ui.Message{}, &ui.Problem{Message: "Write something first."}
		}
		info, err := b.secret.Chat(ctx, id)
		if err != nil {
			return ui.Message{}, secretError(err)
		}
		m, err := b.secret.SendText(ctx, id, text, secret.SendOptions{})
		if err != nil && m.RandomID == 0 {
			return ui.Message{}, secretError(err)
		}
		// A stored message is sent later if the network failed now.
		return b.secretMessage(info, m), nil
	}
	peer, uid, err := b.peerOf(dialog)
	if err != nil {
		return ui.Message{}, err
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return ui.Message{}, &ui.Problem{Message: "Write something first."}
	}
	res, err := b.client.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer: peer, Message: text, RandomID: randomID(), NoWebpage: true,
	})
	if err != nil {
		return ui.Message{}, userError(err)
	}
	msg := ui.Message{Dialog: dialog, Out: true, Sender: "You", Text: text, Date: time.Now()}
	if r, ok := res.(*tg.UpdateShortSentMessage); ok {
		msg.ID, msg.Date = int64(r.ID), time.Unix(int64(r.Date), 0)
		if b.cache.enabled() {
			_ = b.cache.db.PutMessages(ctx, store.Message{Peer: store.UserPeer(uid), ID: r.ID, Out: true, Date: msg.Date, Text: text})
		}
	}
	return msg, nil
}

// Subscribe implements ui.Backend.
func (b *Backend) Subscribe(fn func(ui.Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.nextID
	b.nextID++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

func (b *Backend) publish(e ui.Event) {
	b.mu.Lock()
	subs := make([]func(ui.Event), 0, len(b.subs))
	for _, f := range b.subs {
		subs = append(subs, f)
	}
	b.mu.Unlock()
	for _, f := range subs {
		f(e)
	}
}

func (b *Backend) onNewMessage(ctx context.Context, e tg.Entities, u *tg.UpdateNewMessage) error {
	users := make([]tg.UserClass, 0, len(e.Users))
	for _, x := range e.Users {
		users = append(users, x)
	}
	b.remember(users)
	m, ok := u.Message.(*tg.Message)
	if !ok {
		return nil
	}
	pu, ok := m.PeerID.(*tg.PeerUser)
	if !ok {
		return nil
	}
	id := dialogID(pu.UserID)
	_ = b.cache.messages(ctx, []tg.MessageClass{m}, b.title)
	if msg, ok := b.convert(id, m); ok {
		b.publish(ui.MessageEvent{Message: msg})
		peer, _ := b.user(pu.UserID)
		b.publish(ui.DialogEvent{Dialog: ui.DialogSummary{ID: id, Title: displayName(peer), Kind: ui.KindUser,
			LastMessage: msg.Text, LastDate: msg.Date}})
	}
	return nil
}

func randomID() int64 {
	var b [8]byte
	if _, err := cryptoRand(b[:]); err != nil {
		panic(fmt.Sprintf("app: random: %v", err))
	}
	return int64(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7]&0x7f)<<56)
}

func (b *Backend) fromStore(dialog ui.DialogID, msgs []store.Message) []ui.Message {
	out := make([]ui.Message, 0, len(msgs))
	for _, m := range msgs {
		sender := "You"
		if !m.Out {
			u, _ := b.user(m.From.ID)
			sender = displayName(u)
			if u == nil {
				if su, err := b.cache.db.User(context.Background(), m.From.ID); err == nil {
					sender = su.Name()
				}
			}
		}
		out = append(out, ui.Message{ID: int64(m.ID), Dialog: dialog, Out: m.Out, Sender: sender, Text: m.Text, Date: m.Date})
	}
	return out
}

// MarkRead implements ui.Backend: the server learns the dialog was read up
// to maxID (so other devices clear their counters) and the cache follows.
func (b *Backend) MarkRead(ctx context.Context, dialog ui.DialogID, maxID int64) error {
	if id, ok := secretChatOf(dialog); ok {
		return secretError(b.secret.MarkRead(ctx, id))
	}
	peer, uid, err := b.peerOf(dialog)
	if err != nil {
		return err
	}
	if _, err := b.client.API().MessagesReadHistory(ctx, &tg.MessagesReadHistoryRequest{Peer: peer, MaxID: int(maxID)}); err != nil {
		return userError(err)
	}
	if b.cache.enabled() {
		_ = b.cache.db.SetUnreadCount(ctx, store.UserPeer(uid), 0)
	}
	return nil
}

// LogOut implements ui.Backend: the authorization ends on the server, the
// local session and cached chats of the account are forgotten and a new
// login can start.
func (b *Backend) LogOut(ctx context.Context) error {
	if err := b.client.LogOut(ctx); err != nil {
		return userError(err)
	}
	if b.cache.enabled() {
		if err := b.cache.db.DeleteSession(ctx); err != nil {
			return &ui.Problem{Message: "Logged out, but the local session could not be deleted.", Err: err}
		}
		if ds, err := b.cache.db.Dialogs(ctx, 0); err == nil {
			for _, d := range ds {
				_ = b.cache.db.DeleteDialog(ctx, d.Peer)
			}
		}
	}
	b.mu.Lock()
	b.users = map[int64]*tg.User{}
	b.mu.Unlock()
	l := b.client.NewLogin(b.opts)
	b.mu.Lock()
	b.login = l
	b.mu.Unlock()
	return nil
}

func (b *Backend) currentLogin() *mtproto.Login {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.login
}
