package secrettest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/big"
	"sync"
	"tacit/mtproto/secret"
	"time"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// Relay is an in-memory stand-in for Telegram's secret chat relay, for tests: it keeps
// encrypted chats, numbers each user's encrypted-message queue with qts, delivers updates to
// each user in order on a goroutine of its own, and stores encrypted files. It checks what the
// server can check (membership, chat state) and nothing end-to-end.
type Relay struct {
	// Filter, if set, sees every update before delivery; returning false withholds it (the
	// test may Deliver it later, or never).
	Filter func(to int64, u tg.UpdateClass) bool
	// Now is the server clock. Default time.Now.
	Now func() time.Time
	// G and P are the DH parameters served by messages.getDhConfig (default 3 and secret.TelegramPrime()).
	G int
	P *big.Int

	mu       sync.Mutex
	users    map[int64]*RelayClient
	chats    map[int]*relayChat
	files    map[int64]*relayFile
	uploads  map[uploadKey]map[int][]byte
	calls    map[string]int
	sent     []Sent
	nextFile int64

	changes Signal
}

// Changes is notified after every state change a test may wait for: an
// update handled by a client, a send accepted, a receivedQueue confirmation.
// Tests may Notify it too (for example from a storage wrapper).
func (r *Relay) Changes() *Signal { return &r.changes }

// Sent records one send* call the relay accepted.
type Sent struct {
	From     int64
	Method   string // "sendEncrypted", "sendEncryptedService", "sendEncryptedFile"
	ChatID   int
	RandomID int64
	Data     []byte
}

type uploadKey struct {
	user int64
	id   int64
}

type relayChat struct {
	id          int
	accessHash  int64
	admin, part int64
	gA, gB      []byte
	fp          int64
	state       string // requested, ready, discarded
	date        int
}

type relayFile struct {
	accessHash int64
	data       []byte
	fp         int
}

// NewRelay returns an empty relay.
func NewRelay() *Relay {
	return &Relay{
		G: 3, P: secret.TelegramPrime(),
		users:   map[int64]*RelayClient{},
		chats:   map[int]*relayChat{},
		files:   map[int64]*relayFile{},
		uploads: map[uploadKey]map[int][]byte{},
		calls:   map[string]int{},
	}
}

// RelayClient is one user's connection: it implements secret.API. Updates for the user go to
// the handler given to Connect.
type RelayClient struct {
	r       *Relay
	user    int64
	handler func(context.Context, tg.UpdateClass) error

	qmu    sync.Mutex
	queue  []tg.UpdateClass
	wake   chan struct{}
	qts    int
	acked  int
	closed bool
	done   chan struct{}
	// failed holds what the update handler returned other than nil.
	failed []error
}

// Connect registers user and delivers its updates, in order, to handler.
func (r *Relay) Connect(user int64, handler func(context.Context, tg.UpdateClass) error) *RelayClient {
	c := &RelayClient{r: r, user: user, handler: handler, wake: make(chan struct{}, 1), done: make(chan struct{}), qts: 100}
	r.mu.Lock()
	r.users[user] = c
	r.mu.Unlock()
	go c.run()
	return c
}

// SetHandler replaces the update handler (for example after a simulated restart).
func (c *RelayClient) SetHandler(h func(context.Context, tg.UpdateClass) error) {
	c.qmu.Lock()
	c.handler = h
	c.qmu.Unlock()
}

// Close stops delivery.
func (c *RelayClient) Close() {
	c.qmu.Lock()
	c.closed = true
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.done
}

// HandlerErrors returns the errors the update handler returned, in order.
func (c *RelayClient) HandlerErrors() []error {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return append([]error(nil), c.failed...)
}

// Acked returns the highest qts the client confirmed with messages.receivedQueue.
func (c *RelayClient) Acked() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.acked
}

func (c *RelayClient) run() {
	defer close(c.done)
	for {
		c.qmu.Lock()
		if c.closed {
			c.qmu.Unlock()
			return
		}
		if len(c.queue) == 0 {
			c.qmu.Unlock()
			<-c.wake
			continue
		}
		u := c.queue[0]
		c.queue = c.queue[1:]
		h := c.handler
		c.qmu.Unlock()
		if h != nil {
			if err := h(context.Background(), u); err != nil {
				c.qmu.Lock()
				c.failed = append(c.failed, err)
				c.qmu.Unlock()
			}
		}
		c.r.changes.Notify()
	}
}

// Deliver queues an update for user (bypassing Filter).
func (r *Relay) Deliver(user int64, u tg.UpdateClass) {
	r.mu.Lock()
	c := r.users[user]
	r.mu.Unlock()
	if c == nil {
		return
	}
	c.qmu.Lock()
	c.queue = append(c.queue, u)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (r *Relay) push(user int64, u tg.UpdateClass) {
	if f := r.Filter; f != nil && !f(user, u) {
		return
	}
	r.Deliver(user, u)
}

// Calls returns how often method was called (e.g. "discardEncryption", "receivedQueue").
func (r *Relay) Calls(method string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[method]
}

// SentLog returns the accepted send* calls in order.
func (r *Relay) SentLog() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}

func (r *Relay) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func randLong() int64 {
	var b [8]byte
	fillRandom(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// fillRandom fills b from crypto/rand, whose Read never returns an error (it ends the
// program if the system's generator fails).
func fillRandom(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
}

func rpcErr(code int, msg string) error { return tgerr.New(code, msg) }

// nextQts numbers an update of the user's encrypted-message queue.
func (c *RelayClient) nextQts() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.qts++
	return c.qts
}

// --- secret.API ---

func (c *RelayClient) MessagesGetDhConfig(_ context.Context, req *tg.MessagesGetDhConfigRequest) (tg.MessagesDhConfigClass, error) {
	c.r.mu.Lock()
	c.r.calls["getDhConfig"]++
	c.r.mu.Unlock()
	random := make([]byte, 256)
	fillRandom(random)
	if req.Version == 1 {
		return &tg.MessagesDhConfigNotModified{Random: random}, nil
	}
	return &tg.MessagesDhConfig{G: c.r.G, P: c.r.P.Bytes(), Version: 1, Random: random}, nil
}

func (c *RelayClient) MessagesRequestEncryption(_ context.Context, req *tg.MessagesRequestEncryptionRequest) (tg.EncryptedChatClass, error) {
	r := c.r
	in, ok := req.UserID.(*tg.InputUser)
	if !ok {
		return nil, rpcErr(400, "USER_ID_INVALID")
	}
	r.mu.Lock()
	r.calls["requestEncryption"]++
	if _, ok := r.users[in.UserID]; !ok || in.UserID == c.user {
		r.mu.Unlock()
		return nil, rpcErr(400, "USER_ID_INVALID")
	}
	if len(req.GA) == 0 || len(req.GA) > 256 {
		r.mu.Unlock()
		return nil, rpcErr(400, "DH_G_A_INVALID")
	}
	if _, dup := r.chats[req.RandomID]; dup {
		r.mu.Unlock()
		return nil, rpcErr(400, "CHAT_ID_INVALID")
	}
	ch := &relayChat{id: req.RandomID, accessHash: randLong(), admin: c.user, part: in.UserID,
		gA: bytes.Clone(req.GA), state: "requested", date: int(r.now().Unix())}
	r.chats[ch.id] = ch
	r.mu.Unlock()
	r.push(ch.part, &tg.UpdateEncryption{Date: ch.date, Chat: &tg.EncryptedChatRequested{
		ID: ch.id, AccessHash: ch.accessHash, Date: ch.date, AdminID: ch.admin, ParticipantID: ch.part, GA: ch.gA}})
	return &tg.EncryptedChatWaiting{ID: ch.id, AccessHash: ch.accessHash, Date: ch.date, AdminID: ch.admin, ParticipantID: ch.part}, nil
}

func (r *Relay) member(user int64, peer tg.InputEncryptedChat) (*relayChat, error) {
	ch := r.chats[peer.ChatID]
	if ch == nil || ch.accessHash != peer.AccessHash || (ch.admin != user && ch.part != user) {
		return nil, rpcErr(400, "CHAT_ID_INVALID")
	}
	return ch, nil
}

func (c *RelayClient) MessagesAcceptEncryption(_ context.Context, req *tg.MessagesAcceptEncryptionRequest) (tg.EncryptedChatClass, error) {
	r := c.r
	r.mu.Lock()
	r.calls["acceptEncryption"]++
	ch, err := r.member(c.user, req.Peer)
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	switch {
	case ch.part != c.user:
		r.mu.Unlock()
		return nil, rpcErr(400, "CHAT_ID_INVALID")
	case ch.state == "ready":
		r.mu.Unlock()
		return nil, rpcErr(400, "ENCRYPTION_ALREADY_ACCEPTED")
	case ch.state == "discarded":
		r.mu.Unlock()
		return nil, rpcErr(400, "ENCRYPTION_ALREADY_DECLINED")
	}
	ch.gB, ch.fp, ch.state = bytes.Clone(req.GB), req.KeyFingerprint, "ready"
	r.mu.Unlock()
	r.push(ch.admin, &tg.UpdateEncryption{Date: ch.date, Chat: &tg.EncryptedChat{ID: ch.id, AccessHash: ch.accessHash,
		Date: ch.date, AdminID: ch.admin, ParticipantID: ch.part, GAOrB: ch.gB, KeyFingerprint: ch.fp}})
	return &tg.EncryptedChat{ID: ch.id, AccessHash: ch.accessHash, Date: ch.date, AdminID: ch.admin,
		ParticipantID: ch.part, GAOrB: ch.gA, KeyFingerprint: ch.fp}, nil
}

func (c *RelayClient) MessagesDiscardEncryption(_ context.Context, req *tg.MessagesDiscardEncryptionRequest) (bool, error) {
	r := c.r
	r.mu.Lock()
	r.calls["discardEncryption"]++
	ch := r.chats[req.ChatID]
	if ch == nil || (ch.admin != c.user && ch.part != c.user) {
		r.mu.Unlock()
		return false, rpcErr(400, "ENCRYPTION_ID_INVALID")
	}
	if ch.state == "discarded" {
		r.mu.Unlock()
		return false, rpcErr(400, "ENCRYPTION_ALREADY_DECLINED")
	}
	ch.state = "discarded"
	other := ch.admin
	if other == c.user {
		other = ch.part
	}
	r.mu.Unlock()
	r.push(other, &tg.UpdateEncryption{Date: int(r.now().Unix()), Chat: &tg.EncryptedChatDiscarded{ID: ch.id, HistoryDeleted: req.DeleteHistory}})
	return true, nil
}

func (c *RelayClient) send(method string, peer tg.InputEncryptedChat, randomID int64, data []byte, file tg.EncryptedFileClass) (int, error) {
	r := c.r
	r.mu.Lock()
	r.calls[method]++
	ch, err := r.member(c.user, peer)
	if err != nil {
		r.mu.Unlock()
		return 0, err
	}
	if ch.state != "ready" {
		r.mu.Unlock()
		return 0, rpcErr(400, "ENCRYPTION_DECLINED")
	}
	if len(data) == 0 || len(data)%4 != 0 {
		r.mu.Unlock()
		return 0, rpcErr(400, "DATA_INVALID")
	}
	other := ch.admin
	if other == c.user {
		other = ch.part
	}
	oc := r.users[other]
	date := int(r.now().Unix())
	r.sent = append(r.sent, Sent{From: c.user, Method: method, ChatID: ch.id, RandomID: randomID, Data: bytes.Clone(data)})
	r.mu.Unlock()
	r.changes.Notify()
	if oc == nil {
		return date, nil
	}
	var msg tg.EncryptedMessageClass
	if method == "sendEncryptedService" {
		msg = &tg.EncryptedMessageService{RandomID: randomID, ChatID: ch.id, Date: date, Bytes: bytes.Clone(data)}
	} else {
		if file == nil {
			file = &tg.EncryptedFileEmpty{}
		}
		msg = &tg.EncryptedMessage{RandomID: randomID, ChatID: ch.id, Date: date, Bytes: bytes.Clone(data), File: file}
	}
	r.push(other, &tg.UpdateNewEncryptedMessage{Message: msg, Qts: oc.nextQts()})
	return date, nil
}

func (c *RelayClient) MessagesSendEncrypted(_ context.Context, req *tg.MessagesSendEncryptedRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	date, err := c.send("sendEncrypted", req.Peer, req.RandomID, req.Data, nil)
	if err != nil {
		return nil, err
	}
	return &tg.MessagesSentEncryptedMessage{Date: date}, nil
}

func (c *RelayClient) MessagesSendEncryptedService(_ context.Context, req *tg.MessagesSendEncryptedServiceRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	date, err := c.send("sendEncryptedService", req.Peer, req.RandomID, req.Data, nil)
	if err != nil {
		return nil, err
	}
	return &tg.MessagesSentEncryptedMessage{Date: date}, nil
}

func (c *RelayClient) MessagesSendEncryptedFile(_ context.Context, req *tg.MessagesSendEncryptedFileRequest) (tg.MessagesSentEncryptedMessageClass, error) {
	r := c.r
	r.mu.Lock()
	var (
		id int64
		f  *relayFile
	)
	switch in := req.File.(type) {
	case *tg.InputEncryptedFileUploaded:
		id, f = r.assemble(c.user, in.ID, in.Parts, in.KeyFingerprint)
		if f != nil && in.MD5Checksum != "" {
			// Checked like the server: the MD5 of the uploaded (encrypted) bytes.
			if fmt.Sprintf("%x", md5sum(f.data)) != in.MD5Checksum {
				f = nil
			}
		}
	case *tg.InputEncryptedFileBigUploaded:
		id, f = r.assemble(c.user, in.ID, in.Parts, in.KeyFingerprint)
	case *tg.InputEncryptedFile:
		if ff := r.files[in.ID]; ff != nil && ff.accessHash == in.AccessHash {
			id, f = in.ID, ff
		}
	}
	if _, big := req.File.(*tg.InputEncryptedFileBigUploaded); big && f != nil {
		r.calls["bigUploads"]++
	}
	r.mu.Unlock()
	if f == nil {
		return nil, rpcErr(400, "FILE_PARTS_INVALID")
	}
	ef := &tg.EncryptedFile{ID: id, AccessHash: f.accessHash, Size: int64(len(f.data)), DCID: 2, KeyFingerprint: f.fp}
	date, err := c.send("sendEncryptedFile", req.Peer, req.RandomID, req.Data, ef)
	if err != nil {
		return nil, err
	}
	return &tg.MessagesSentEncryptedFile{Date: date, File: ef}, nil
}

// BigUploads counts files sent with inputEncryptedFileBigUploaded.
func (r *Relay) BigUploads() int { return r.Calls("bigUploads") }

func md5sum(b []byte) [16]byte { return md5.Sum(b) }

func (r *Relay) assemble(user, id int64, parts, fp int) (int64, *relayFile) {
	k := uploadKey{user, id}
	got := r.uploads[k]
	if got == nil || len(got) != parts {
		return 0, nil
	}
	var data []byte
	for i := 0; i < parts; i++ {
		p, ok := got[i]
		if !ok {
			return 0, nil
		}
		data = append(data, p...)
	}
	delete(r.uploads, k)
	r.nextFile++
	fid := r.nextFile
	f := &relayFile{accessHash: randLong(), data: data, fp: fp}
	r.files[fid] = f
	return fid, f
}

func (c *RelayClient) MessagesReadEncryptedHistory(_ context.Context, req *tg.MessagesReadEncryptedHistoryRequest) (bool, error) {
	r := c.r
	r.mu.Lock()
	r.calls["readEncryptedHistory"]++
	ch, err := r.member(c.user, req.Peer)
	if err != nil {
		r.mu.Unlock()
		return false, err
	}
	other := ch.admin
	if other == c.user {
		other = ch.part
	}
	r.mu.Unlock()
	r.push(other, &tg.UpdateEncryptedMessagesRead{ChatID: ch.id, MaxDate: req.MaxDate, Date: int(r.now().Unix())})
	return true, nil
}

func (c *RelayClient) MessagesSetEncryptedTyping(_ context.Context, req *tg.MessagesSetEncryptedTypingRequest) (bool, error) {
	r := c.r
	r.mu.Lock()
	r.calls["setEncryptedTyping"]++
	ch, err := r.member(c.user, req.Peer)
	if err != nil {
		r.mu.Unlock()
		return false, err
	}
	other := ch.admin
	if other == c.user {
		other = ch.part
	}
	r.mu.Unlock()
	if req.Typing {
		r.push(other, &tg.UpdateEncryptedChatTyping{ChatID: ch.id})
	}
	return true, nil
}

func (c *RelayClient) MessagesReceivedQueue(_ context.Context, maxQts int) ([]int64, error) {
	c.r.mu.Lock()
	c.r.calls["receivedQueue"]++
	c.r.mu.Unlock()
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if maxQts > c.qts {
		return nil, rpcErr(400, "MAX_QTS_INVALID")
	}
	c.acked = max(c.acked, maxQts)
	c.r.changes.Notify()
	return nil, nil
}

func (c *RelayClient) savePart(id int64, part int, data []byte) {
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	k := uploadKey{c.user, id}
	if r.uploads[k] == nil {
		r.uploads[k] = map[int][]byte{}
	}
	r.uploads[k][part] = bytes.Clone(data)
}

func (c *RelayClient) UploadSaveFilePart(_ context.Context, req *tg.UploadSaveFilePartRequest) (bool, error) {
	c.savePart(req.FileID, req.FilePart, req.Bytes)
	return true, nil
}

func (c *RelayClient) UploadSaveBigFilePart(_ context.Context, req *tg.UploadSaveBigFilePartRequest) (bool, error) {
	if req.FilePart >= req.FileTotalParts {
		return false, rpcErr(400, "FILE_PART_INVALID")
	}
	c.savePart(req.FileID, req.FilePart, req.Bytes)
	return true, nil
}

func (c *RelayClient) UploadGetFile(_ context.Context, req *tg.UploadGetFileRequest) (tg.UploadFileClass, error) {
	loc, ok := req.Location.(*tg.InputEncryptedFileLocation)
	if !ok {
		return nil, rpcErr(400, "LOCATION_INVALID")
	}
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.files[loc.ID]
	if f == nil || f.accessHash != loc.AccessHash {
		return nil, rpcErr(400, "FILE_REFERENCE_INVALID")
	}
	if req.Offset < 0 || req.Limit <= 0 || req.Limit > 1<<20 {
		return nil, rpcErr(400, "LIMIT_INVALID")
	}
	if req.Offset >= int64(len(f.data)) {
		return &tg.UploadFile{Type: &tg.StorageFileUnknown{}}, nil
	}
	end := min(req.Offset+int64(req.Limit), int64(len(f.data)))
	return &tg.UploadFile{Type: &tg.StorageFileUnknown{}, Bytes: bytes.Clone(f.data[req.Offset:end])}, nil
}
