package sandbox

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
	"github.com/gotd/td/tgtest"
)

// Device is what a client sent in initConnection.
type Device struct {
	APIID          int
	DeviceModel    string
	SystemVersion  string
	AppVersion     string
	SystemLangCode string
	LangCode       string
}

// state is the whole data model. Every field is guarded by Server.mu.
type state struct {
	users   map[int64]*user
	byPhone map[string]*user
	// byUsername maps lower-cased usernames to their holders.
	byUsername map[string]*user
	nextUserID int64
	auths      map[[8]byte]*authorization
	codes      map[string]*pendingCode
	tokens     map[string]*loginToken
	// joined records "contact joined" notices sent: who was told about whom.
	joined []JoinedNotice
}

func newState() state {
	return state{
		users:      map[int64]*user{},
		byPhone:    map[string]*user{},
		byUsername: map[string]*user{},
		nextUserID: 1000000,
		auths:      map[[8]byte]*authorization{},
		codes:      map[string]*pendingCode{},
		tokens:     map[string]*loginToken{},
	}
}

// JoinedNotice is one "contact joined Telegram" notice.
type JoinedNotice struct {
	// To is the user told; Joined is the new user.
	To, Joined int64
}

// user is an account.
type user struct {
	id         int64
	accessHash int64
	phone      string
	first      string
	last       string
	about      string
	username   string
	created    int
	tosAccept  bool
	// simulated marks the sandbox's own contacts.
	simulated bool
	// noJoinedNotifications is what auth.signUp asked for.
	noJoinedNotifications bool

	password *password

	// contacts are users this user added (by id), with the phone they saved.
	contacts map[int64]string
	// savedPhones are phone numbers imported, registered or not.
	savedPhones map[string]savedContact
	// signUpNoticesSilent is account.setContactSignUpNotification(silent).
	signUpNoticesSilent bool
	// privacy holds rules by privacy key type id.
	privacy map[uint32][]tg.PrivacyRuleClass
	// accountTTLDays is account.setAccountTTL (0: DefaultAccountTTLDays).
	accountTTLDays int
	// globalPrivacy is account.setGlobalPrivacySettings.
	globalPrivacy tg.GlobalPrivacySettings
	// notify holds account.updateNotifySettings by scope or peer.
	notify map[notifyKey]notifySetting
	// blocked is the blocklist (contacts.block), storyBlocked the story blocklist; oldest first (blocked.go).
	blocked, storyBlocked []blockedEntry

	// Updates: pts-ordered log for getDifference and qts for secret chats.
	pts    int
	ptsLog []ptsEntry
	qts    int
	qtsLog []qtsEntry

	// Message box: private and basic-group messages, numbered per user.
	box       []*boxMessage
	readInbox map[int64]int // peer user id -> max read incoming id
	readOut   map[int64]int // peer user id -> max id the peer read
	randomIDs map[int64]int // random_id -> message id, for idempotent sends
}

type savedContact struct {
	first, last string
}

// authorization is one auth key: a device's login.
type authorization struct {
	keyID    [8]byte
	hash     int64
	userID   int64
	pending  int64 // user awaiting the 2-step password
	device   Device
	layer    int
	created  int
	active   int
	sessions map[int64]tgtest.Session

	srp *srpSession

	tosAccepted bool

	encryptedRequestsDisabled bool
	callRequestsDisabled      bool
}

type pendingCode struct {
	hash     string
	code     string
	expires  int
	attempts int
	// verified is set by a correct auth.signIn of an unregistered number;
	// auth.signUp then needs no code.
	verified bool
}

type loginToken struct {
	token   []byte
	keyID   [8]byte
	expires int
}

type ptsEntry struct {
	pts, count int
	// message is set for new messages (new_messages in a difference).
	message *boxMessage
	// build makes a fresh update for other events (other_updates).
	build func() tg.UpdateClass
	date  int
}

type qtsEntry struct {
	qts int
	// message makes a fresh encrypted message (new_encrypted_messages).
	message func() tg.EncryptedMessageClass
	date    int
}

func randInt64() int64 {
	return int64(binary.LittleEndian.Uint64(randBytes(8)) & (1<<62 - 1))
}

// rpcErr builds a Telegram RPC error.
func rpcErr(code int, typ string) error { return tgerr.New(code, typ) }

var errUnauthorized = rpcErr(401, "AUTH_KEY_UNREGISTERED")

// authFor returns the authorization of a request's key, creating it on the
// first request, and remembers the MTProto session for pushes.
func (s *Server) authFor(req *tgtest.Request) *authorization {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := req.Session.AuthKey.ID
	a, ok := s.st.auths[id]
	if !ok {
		a = &authorization{keyID: id, hash: randInt64(), created: s.unix(), sessions: map[int64]tgtest.Session{}}
		s.st.auths[id] = a
	}
	a.active = s.unix()
	a.sessions[req.Session.ID] = req.Session
	return a
}

// caller is the authorization behind ctx.
func (s *Server) caller(ctx context.Context) *authorization {
	c := s.callOf(ctx)
	if c == nil {
		return nil
	}
	return c.auth
}

// meLocked is the logged-in user behind ctx; s.mu must be held.
func (s *Server) meLocked(ctx context.Context) (*user, error) {
	a := s.caller(ctx)
	if a == nil || a.userID == 0 {
		return nil, errUnauthorized
	}
	u := s.st.users[a.userID]
	if u == nil {
		return nil, errUnauthorized
	}
	return u, nil
}

// newUserLocked registers an account.
func (s *Server) newUserLocked(phone, first, last string) *user {
	s.st.nextUserID++
	u := &user{
		id:          s.st.nextUserID,
		accessHash:  randInt64(),
		phone:       phone,
		first:       first,
		last:        last,
		created:     s.unix(),
		contacts:    map[int64]string{},
		savedPhones: map[string]savedContact{},
		privacy:     map[uint32][]tg.PrivacyRuleClass{},
		readInbox:   map[int64]int{},
		readOut:     map[int64]int{},
		randomIDs:   map[int64]int{},
	}
	s.st.users[u.id] = u
	s.st.byPhone[phone] = u
	return u
}

// authsOfLocked lists the authorizations logged in as uid.
func (s *Server) authsOfLocked(uid int64) []*authorization {
	var out []*authorization
	for _, a := range s.st.auths {
		if a.userID == uid {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].created < out[j].created })
	return out
}

// delivery collects pushes made under the lock, and sessions to
// disconnect after them; send them after unlocking.
type delivery struct {
	items []pushItem
	drop  []tgtest.Session
}

type pushItem struct {
	session tgtest.Session
	user    int64
	updates tg.UpdatesClass
	// full is the updates form of a new-message push (shapes.go), kept so
	// that more messages for the same session join it.
	full *tg.Updates
}

// toUserLocked queues updates for every session of uid except the one
// identified by skip (the caller's own session, which gets the RPC result).
func (s *Server) toUserLocked(d *delivery, uid int64, skip int64, build func() tg.UpdatesClass) {
	for _, sess := range s.sessionsOfLocked(uid, skip) {
		d.items = append(d.items, pushItem{session: sess, user: uid, updates: build()})
	}
}

// send delivers queued pushes through the interceptors. Sessions that
// went away are forgotten.
func (s *Server) send(ctx context.Context, d *delivery) {
	ctx = context.WithoutCancel(ctx)
	for _, it := range d.items {
		sess := it.session
		p := &Push{DC: DC, UserID: it.user, AuthKeyID: sess.AuthKey.ID, Session: sess.ID, Updates: it.updates}
		err := s.hooks.pushChain(ctx, p, func(ctx context.Context, p *Push) error {
			return s.srv.Send(ctx, sess, tgtest.MessageFromServer, p.Updates)
		})
		switch {
		case errors.Is(err, ErrDrop):
			s.srv.ForceDisconnect(sess)
		case err != nil:
			s.forgetSession(sess.ID)
		}
	}
	d.items = nil
	for _, sess := range d.drop {
		s.srv.ForceDisconnect(sess)
	}
	d.drop = nil
}

// faults are switchable failures for tests.
type faults struct {
	mu    sync.Mutex
	flood map[uint32]floodFault
	// privacy misbehaves account.setPrivacy by privacy key (privacy.go).
	privacy map[uint32]privacyFault
}

type floodFault struct {
	seconds, times int
}

// forgetSession stops pushing to a session whose connection is gone.
func (s *Server) forgetSession(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.st.auths {
		delete(a.sessions, id)
	}
}

// floodCall is the interceptor behind FloodWait.
func (f *faults) floodCall(ctx context.Context, c *Call, next CallFunc) (bin.Encoder, error) {
	if e := f.take(c.TypeID); e != nil {
		return nil, e
	}
	return next(ctx, c)
}

func (f *faults) take(typeID uint32) *tgerr.Error {
	f.mu.Lock()
	defer f.mu.Unlock()
	ff, ok := f.flood[typeID]
	if !ok || ff.times <= 0 {
		return nil
	}
	ff.times--
	f.flood[typeID] = ff
	return tgerr.New(420, fmt.Sprintf("FLOOD_WAIT_%d", ff.seconds))
}

// FloodWait makes the next `times` calls of the method with this type id
// (e.g. tg.MessagesSendMessageRequestTypeID) fail with FLOOD_WAIT_seconds.
func (s *Server) FloodWait(typeID uint32, seconds, times int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.flood == nil {
		s.faults.flood = map[uint32]floodFault{}
	}
	s.faults.flood[typeID] = floodFault{seconds: seconds, times: times}
}

// DropConnections closes every client connection, as a network failure
// would. Clients reconnect by themselves.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var sessions []tgtest.Session
	for _, a := range s.st.auths {
		for _, sess := range a.sessions {
			sessions = append(sessions, sess)
		}
		a.sessions = map[int64]tgtest.Session{}
	}
	s.mu.Unlock()
	for _, sess := range sessions {
		s.srv.ForceDisconnect(sess)
	}
}

// JoinedNotices lists the "contact joined" notices sent so far.
func (s *Server) JoinedNotices() []JoinedNotice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]JoinedNotice(nil), s.st.joined...)
}

// Devices lists the device strings recorded for a user's authorizations.
func (s *Server) Devices(userID int64) []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Device
	for _, a := range s.authsOfLocked(userID) {
		out = append(out, a.device)
	}
	return out
}

// UserByPhone returns the id of the account with this number.
func (s *Server) UserByPhone(phone string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.byPhone[phone]
	if !ok {
		return 0, false
	}
	return u.id, true
}

// problemsKept bounds Problems.
const problemsKept = 100

// logf records a problem nobody else hears of (Options.Logf, Problems).
func (s *Server) logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	s.problemsMu.Lock()
	s.problems = append(s.problems, line)
	if len(s.problems) > problemsKept {
		s.problems = s.problems[len(s.problems)-problemsKept:]
	}
	s.problemsMu.Unlock()
	if s.opts.Logf != nil {
		s.opts.Logf("%s", line)
	}
}

// Problems lists the latest failures inside the sandbox that no client
// was told of (a simulated contact that could not answer, a listener that
// stopped), oldest first.
func (s *Server) Problems() []string {
	s.problemsMu.Lock()
	defer s.problemsMu.Unlock()
	return append([]string(nil), s.problems...)
}
