package sandbox

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/secret"
)

// Secret chats: the server side relays opaque end-to-end encrypted messages between the two
// authorizations bound to a chat, numbers each recipient's encrypted-message queue with qts
// (also served by updates.getDifference), and stores encrypted files. Like Telegram it sees
// only ciphertext, g_a, g_b and the key fingerprint.

const (
	dhConfigVersion = 1
	dhG             = 3
	// maxEncryptedData bounds one encrypted message (DATA_TOO_LONG above).
	// Encrypted files follow the cloud upload rules (files.go).
	maxEncryptedData = 1 << 20
)

type secretChatState int

const (
	secretRequested secretChatState = iota + 1
	secretReady
	secretDiscarded
)

type secretChat struct {
	id          int
	accessHash  int64
	date        int
	admin, part int64
	adminAuth   [8]byte
	partAuth    [8]byte // set on accept
	gA, gB      []byte
	fingerprint int64
	state       secretChatState
	// end: who discarded the chat, and whether with delete_history.
	discardedBy    int64
	historyDeleted bool
}

type secretFile struct {
	accessHash int64
	data       []byte
	fp         int
}

// secretRelay is the secret chat part of the data model, guarded by Server.mu.
type secretRelay struct {
	s        *Server
	chats    map[int]*secretChat
	files    map[int64]*secretFile
	nextFile int64
	acked    map[int64]int // user -> max qts confirmed with receivedQueue
}

func (s *Server) registerSecret(d *tg.ServerDispatcher) {
	r := &secretRelay{s: s, chats: map[int]*secretChat{}, files: map[int64]*secretFile{},
		acked: map[int64]int{}}
	s.secrets = r
	d.OnMessagesGetDhConfig(r.getDhConfig)
	d.OnMessagesRequestEncryption(r.requestEncryption)
	d.OnMessagesAcceptEncryption(r.acceptEncryption)
	d.OnMessagesDiscardEncryption(r.discardEncryption)
	d.OnMessagesSendEncrypted(func(ctx context.Context, req *tg.MessagesSendEncryptedRequest) (tg.MessagesSentEncryptedMessageClass, error) {
		return r.send(ctx, req.Peer, req.RandomID, req.Data, false, nil)
	})
	d.OnMessagesSendEncryptedService(func(ctx context.Context, req *tg.MessagesSendEncryptedServiceRequest) (tg.MessagesSentEncryptedMessageClass, error) {
		return r.send(ctx, req.Peer, req.RandomID, req.Data, true, nil)
	})
	d.OnMessagesSendEncryptedFile(func(ctx context.Context, req *tg.MessagesSendEncryptedFileRequest) (tg.MessagesSentEncryptedMessageClass, error) {
		return r.send(ctx, req.Peer, req.RandomID, req.Data, false, req.File)
	})
	d.OnMessagesReadEncryptedHistory(r.readHistory)
	d.OnMessagesSetEncryptedTyping(r.setTyping)
	d.OnMessagesReceivedQueue(r.receivedQueue)
	// Uploads go through the cloud file handlers (files.go); downloads of encrypted files are
	// served here and everything else is passed on.
	d.OnUploadGetFile(func(ctx context.Context, req *tg.UploadGetFileRequest) (tg.UploadFileClass, error) {
		if _, ok := req.Location.(*tg.InputEncryptedFileLocation); ok {
			return r.getFile(ctx, req)
		}
		return s.getFile(ctx, req)
	})
}

// SecretChatEnd says how the secret chat id ended: Discarded is false while it lives (or if the sandbox
// never had it); By is the user who discarded it, HistoryDeleted whether they asked for delete_history.
type SecretChatEnd struct {
	Discarded      bool
	By             int64
	HistoryDeleted bool
}

// SecretChatEnd reports how the secret chat id ended, for tests.
func (s *Server) SecretChatEnd(id int) SecretChatEnd {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.secrets.chats[id]
	if ch == nil || ch.state != secretDiscarded {
		return SecretChatEnd{}
	}
	return SecretChatEnd{Discarded: true, By: ch.discardedBy, HistoryDeleted: ch.historyDeleted}
}

func (r *secretRelay) getDhConfig(ctx context.Context, req *tg.MessagesGetDhConfigRequest) (tg.MessagesDhConfigClass, error) {
	if req.RandomLength < 0 || req.RandomLength > 1024 {
		return nil, rpcErr(400, "RANDOM_LENGTH_INVALID")
	}
	random := randBytes(256)
	if req.Version == dhConfigVersion {
		return &tg.MessagesDhConfigNotModified{Random: random}, nil
	}
	return &tg.MessagesDhConfig{G: dhG, P: pad256(telegramPrime), Version: dhConfigVersion, Random: random}, nil
}

// toAuthLocked queues updates for every session of one authorization.
func (r *secretRelay) toAuthLocked(d *delivery, keyID [8]byte, build func() tg.UpdatesClass) {
	a := r.s.st.auths[keyID]
	if a == nil {
		return
	}
	for _, sess := range a.sessions {
		d.items = append(d.items, pushItem{session: sess, user: a.userID, updates: build()})
	}
}

// encryptionUpdate builds an updateEncryption push; users are the users it refers to, as their receiver
// sees them (Telegram sends the asking user with a request, so that a client that never met them can
// name them).
func (r *secretRelay) encryptionUpdate(chat func() tg.EncryptedChatClass, users ...tg.UserClass) func() tg.UpdatesClass {
	date := r.s.unix()
	return func() tg.UpdatesClass {
		return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateEncryption{Chat: chat(), Date: date}}, Users: users, Date: date}
	}
}

func (r *secretRelay) requestEncryption(ctx context.Context, req *tg.MessagesRequestEncryptionRequest) (tg.EncryptedChatClass, error) {
	return signedIn(r.s, ctx, func(o *op) (tg.EncryptedChatClass, error) {
		me, d := o.me, &o.d
		in, ok := req.UserID.(*tg.InputUser)
		if !ok {
			return nil, rpcErr(400, "USER_ID_INVALID")
		}
		peer := r.s.st.users[in.UserID]
		if peer == nil || peer.id == me.id || peer.accessHash != in.AccessHash {
			return nil, rpcErr(400, "USER_ID_INVALID")
		}
		if blockedLocked(peer, me.id) {
			return nil, rpcErr(403, "USER_IS_BLOCKED") // blocked.go
		}
		if len(req.GA) == 0 || len(req.GA) > 256 {
			return nil, rpcErr(400, "DH_G_A_INVALID")
		}
		if _, taken := r.chats[req.RandomID]; taken || req.RandomID == 0 {
			return nil, rpcErr(400, "CHAT_ID_INVALID")
		}
		ch := &secretChat{id: req.RandomID, accessHash: randInt64(), date: r.s.unix(), admin: me.id, part: peer.id,
			adminAuth: o.auth.keyID, gA: bytes.Clone(req.GA), state: secretRequested}
		r.chats[ch.id] = ch
		for _, a := range r.s.authsOfLocked(peer.id) {
			if a.encryptedRequestsDisabled {
				continue
			}
			r.toAuthLocked(d, a.keyID, r.encryptionUpdate(func() tg.EncryptedChatClass {
				return &tg.EncryptedChatRequested{ID: ch.id, AccessHash: ch.accessHash, Date: ch.date,
					AdminID: ch.admin, ParticipantID: ch.part, GA: bytes.Clone(ch.gA)}
			}, r.s.userViewLocked(peer, me)))
		}
		return &tg.EncryptedChatWaiting{ID: ch.id, AccessHash: ch.accessHash, Date: ch.date, AdminID: ch.admin, ParticipantID: ch.part}, nil
	})
}

// inSecretChat is signedIn for a call on one secret chat: f runs only if
// the caller is one of the chat's two users.
func inSecretChat[T any](r *secretRelay, ctx context.Context, peer tg.InputEncryptedChat, f func(o *op, ch *secretChat) (T, error)) (T, error) {
	return signedIn(r.s, ctx, func(o *op) (T, error) {
		ch := r.chats[peer.ChatID]
		if ch == nil || ch.accessHash != peer.AccessHash || (ch.admin != o.me.id && ch.part != o.me.id) {
			var zero T
			return zero, rpcErr(400, "CHAT_ID_INVALID")
		}
		return f(o, ch)
	})
}

func (ch *secretChat) other(me int64) (int64, [8]byte) {
	if ch.admin == me {
		return ch.part, ch.partAuth
	}
	return ch.admin, ch.adminAuth
}

func (r *secretRelay) acceptEncryption(ctx context.Context, req *tg.MessagesAcceptEncryptionRequest) (tg.EncryptedChatClass, error) {
	return inSecretChat(r, ctx, req.Peer, func(o *op, ch *secretChat) (tg.EncryptedChatClass, error) {
		me, d := o.me, &o.d
		switch {
		case ch.part != me.id:
			return nil, rpcErr(400, "CHAT_ID_INVALID")
		case ch.state == secretReady:
			return nil, rpcErr(400, "ENCRYPTION_ALREADY_ACCEPTED")
		case ch.state == secretDiscarded:
			return nil, rpcErr(400, "ENCRYPTION_ALREADY_DECLINED")
		}
		if len(req.GB) == 0 || len(req.GB) > 256 {
			return nil, rpcErr(400, "DH_G_B_INVALID")
		}
		ch.state, ch.gB, ch.fingerprint = secretReady, bytes.Clone(req.GB), req.KeyFingerprint
		ch.partAuth = o.auth.keyID
		r.toAuthLocked(d, ch.adminAuth, r.encryptionUpdate(func() tg.EncryptedChatClass {
			return &tg.EncryptedChat{ID: ch.id, AccessHash: ch.accessHash, Date: ch.date, AdminID: ch.admin,
				ParticipantID: ch.part, GAOrB: bytes.Clone(ch.gB), KeyFingerprint: ch.fingerprint}
		}))
		// The participant's other devices learn that the chat lives elsewhere.
		for _, a := range r.s.authsOfLocked(me.id) {
			if a.keyID != ch.partAuth {
				r.toAuthLocked(d, a.keyID, r.encryptionUpdate(func() tg.EncryptedChatClass {
					return &tg.EncryptedChatDiscarded{ID: ch.id}
				}))
			}
		}
		return &tg.EncryptedChat{ID: ch.id, AccessHash: ch.accessHash, Date: ch.date, AdminID: ch.admin,
			ParticipantID: ch.part, GAOrB: bytes.Clone(ch.gA), KeyFingerprint: ch.fingerprint}, nil
	})
}

func (r *secretRelay) discardEncryption(ctx context.Context, req *tg.MessagesDiscardEncryptionRequest) (bool, error) {
	return signedIn(r.s, ctx, func(o *op) (bool, error) {
		me, d := o.me, &o.d
		ch := r.chats[req.ChatID]
		if ch == nil || (ch.admin != me.id && ch.part != me.id) {
			return false, rpcErr(400, "ENCRYPTION_ID_INVALID")
		}
		if ch.state == secretDiscarded {
			return false, rpcErr(400, "ENCRYPTION_ALREADY_DECLINED")
		}
		wasRequested := ch.state == secretRequested
		ch.state = secretDiscarded
		ch.discardedBy, ch.historyDeleted = me.id, req.DeleteHistory
		build := r.encryptionUpdate(func() tg.EncryptedChatClass {
			return &tg.EncryptedChatDiscarded{ID: ch.id, HistoryDeleted: req.DeleteHistory}
		})
		otherID, otherAuth := ch.other(me.id)
		if wasRequested && otherID == ch.part {
			for _, a := range r.s.authsOfLocked(ch.part) {
				r.toAuthLocked(d, a.keyID, build)
			}
		} else {
			r.toAuthLocked(d, otherAuth, build)
		}
		return true, nil
	})
}

func (r *secretRelay) send(ctx context.Context, peer tg.InputEncryptedChat, randomID int64, data []byte, service bool, file tg.InputEncryptedFileClass) (tg.MessagesSentEncryptedMessageClass, error) {
	return inSecretChat(r, ctx, peer, func(o *op, ch *secretChat) (tg.MessagesSentEncryptedMessageClass, error) {
		me, d := o.me, &o.d
		if ch.state != secretReady {
			return nil, rpcErr(400, "ENCRYPTION_DECLINED")
		}
		if len(data) == 0 || len(data)%4 != 0 {
			return nil, rpcErr(400, "DATA_INVALID")
		}
		if len(data) > maxEncryptedData {
			return nil, rpcErr(400, "DATA_TOO_LONG")
		}
		var ef *tg.EncryptedFile
		if file != nil {
			id, f, err := r.resolveFileLocked(me, file)
			if err != nil {
				return nil, err
			}
			ef = &tg.EncryptedFile{ID: id, AccessHash: f.accessHash, Size: int64(len(f.data)), DCID: DC, KeyFingerprint: f.fp}
		}
		otherID, otherAuth := ch.other(me.id)
		other := r.s.st.users[otherID]
		date := r.s.unix()
		blob := bytes.Clone(data)
		message := func() tg.EncryptedMessageClass {
			if service {
				return &tg.EncryptedMessageService{RandomID: randomID, ChatID: ch.id, Date: date, Bytes: bytes.Clone(blob)}
			}
			var f tg.EncryptedFileClass = &tg.EncryptedFileEmpty{}
			if ef != nil {
				c := *ef
				f = &c
			}
			return &tg.EncryptedMessage{RandomID: randomID, ChatID: ch.id, Date: date, Bytes: bytes.Clone(blob), File: f}
		}
		if other != nil {
			qts := r.s.addQtsLocked(other, message)
			r.toAuthLocked(d, otherAuth, func() tg.UpdatesClass {
				return &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateNewEncryptedMessage{Message: message(), Qts: qts}}, Date: date}
			})
		}
		if ef == nil {
			return &tg.MessagesSentEncryptedMessage{Date: date}, nil
		}
		c := *ef
		return &tg.MessagesSentEncryptedFile{Date: date, File: &c}, nil
	})
}

func (r *secretRelay) resolveFileLocked(me *user, in tg.InputEncryptedFileClass) (int64, *secretFile, error) {
	var (
		up tg.InputFileClass
		fp int
	)
	switch in := in.(type) {
	case *tg.InputEncryptedFileUploaded:
		up, fp = &tg.InputFile{ID: in.ID, Parts: in.Parts, MD5Checksum: in.MD5Checksum}, in.KeyFingerprint
	case *tg.InputEncryptedFileBigUploaded:
		up, fp = &tg.InputFileBig{ID: in.ID, Parts: in.Parts}, in.KeyFingerprint
	case *tg.InputEncryptedFile:
		if f := r.files[in.ID]; f != nil && f.accessHash == in.AccessHash {
			return in.ID, f, nil
		}
		return 0, nil, rpcErr(400, "FILE_ID_INVALID")
	default:
		return 0, nil, rpcErr(400, "FILE_ID_INVALID")
	}
	data, _, err := r.s.assembleLocked(me, up)
	if err != nil {
		return 0, nil, err
	}
	r.nextFile++
	f := &secretFile{accessHash: randInt64(), data: data, fp: fp}
	r.files[r.nextFile] = f
	return r.nextFile, f, nil
}

func (r *secretRelay) getFile(ctx context.Context, req *tg.UploadGetFileRequest) (tg.UploadFileClass, error) {
	return signedIn(r.s, ctx, func(o *op) (tg.UploadFileClass, error) {

		loc, ok := req.Location.(*tg.InputEncryptedFileLocation)
		if !ok {
			return nil, rpcErr(400, "LOCATION_INVALID")
		}
		f := r.files[loc.ID]
		if f == nil || f.accessHash != loc.AccessHash {
			return nil, rpcErr(400, "FILE_REFERENCE_INVALID")
		}
		if req.Offset < 0 || req.Offset%4096 != 0 {
			return nil, rpcErr(400, "OFFSET_INVALID")
		}
		if req.Limit <= 0 || req.Limit > maxChunk || req.Limit%4096 != 0 || maxChunk%req.Limit != 0 {
			return nil, rpcErr(400, "LIMIT_INVALID")
		}
		if req.Offset >= int64(len(f.data)) {
			return &tg.UploadFile{Type: &tg.StorageFilePartial{}, Mtime: r.s.unix()}, nil
		}
		end := min(req.Offset+int64(req.Limit), int64(len(f.data)))
		return &tg.UploadFile{Type: &tg.StorageFilePartial{}, Mtime: r.s.unix(), Bytes: bytes.Clone(f.data[req.Offset:end])}, nil
	})
}

func (r *secretRelay) readHistory(ctx context.Context, req *tg.MessagesReadEncryptedHistoryRequest) (bool, error) {
	return inSecretChat(r, ctx, req.Peer, func(o *op, ch *secretChat) (bool, error) {
		me, d := o.me, &o.d
		_, otherAuth := ch.other(me.id)
		date := r.s.unix()
		r.toAuthLocked(d, otherAuth, func() tg.UpdatesClass {
			return &tg.UpdateShort{Update: &tg.UpdateEncryptedMessagesRead{ChatID: ch.id, MaxDate: req.MaxDate, Date: date}, Date: date}
		})
		return true, nil
	})
}

func (r *secretRelay) setTyping(ctx context.Context, req *tg.MessagesSetEncryptedTypingRequest) (bool, error) {
	return inSecretChat(r, ctx, req.Peer, func(o *op, ch *secretChat) (bool, error) {
		me, d := o.me, &o.d
		if req.Typing {
			_, otherAuth := ch.other(me.id)
			date := r.s.unix()
			r.toAuthLocked(d, otherAuth, func() tg.UpdatesClass {
				return &tg.UpdateShort{Update: &tg.UpdateEncryptedChatTyping{ChatID: ch.id}, Date: date}
			})
		}
		return true, nil
	})
}

func (r *secretRelay) receivedQueue(ctx context.Context, maxQts int) ([]int64, error) {
	return signedIn(r.s, ctx, func(o *op) ([]int64, error) {
		me := o.me
		if maxQts < 0 || maxQts > me.qts {
			return nil, rpcErr(400, "MAX_QTS_INVALID")
		}
		r.acked[me.id] = max(r.acked[me.id], maxQts)
		return []int64{}, nil
	})
}

// --- simulated contacts ---

// secretContact makes a simulated contact speak secret chats with Tacit's own secret chat
// manager: it accepts requests, answers texts, sends files back, re-keys on "/rekey" (and
// by itself every 100 messages), and, with greet, starts a secret chat with every user who
// signs up. Call it before the contact's client runs.
func (s *Server) secretContact(c *Contact, greet bool) {
	client := c.client
	var m *secret.Manager
	events := func(ev secret.Event) {
		switch e := ev.(type) {
		case secret.ChatRequested:
			go func() {
				if err := m.Accept(context.Background(), e.Chat.ID); err != nil {
					s.logf("sandbox: %s could not accept secret chat %d: %v", c.Name, e.Chat.ID, err)
				}
			}()
		case secret.MessageReceived:
			if !e.Message.Out {
				go c.answerSecret(m, e.Message)
			}
		}
	}
	m = secret.NewManager(client.API(), secret.NewMemoryStorage(), secret.Options{Events: events, RetryTransfer: mtproto.RetryTransient})
	m.Register(client.Dispatcher())
	runCtx, cancel := context.WithCancel(context.Background())
	go func() {
		if err := m.Run(runCtx); err != nil && runCtx.Err() == nil {
			s.logf("sandbox: %s's secret chats stopped: %v", c.Name, err)
		}
	}()
	go func() {
		<-c.done
		cancel()
		m.Close()
	}()
	c.mu.Lock()
	c.secret = m
	c.mu.Unlock()
	if greet {
		s.onSignUp(func(uid, hash int64) {
			go func() {
				select {
				case <-c.ready:
				case <-c.done:
					return
				}
				// A short while after sign-up, as a person would.
				t := time.NewTimer(2 * time.Second)
				defer t.Stop()
				select {
				case <-t.C:
				case <-c.done:
					return
				}
				if _, err := m.Start(runCtx, uid, hash); err != nil && runCtx.Err() == nil {
					s.logf("sandbox: %s could not start a secret chat with user %d: %v", c.Name, uid, err)
				}
			}()
		})
	}
}

// answerSecret replies to an incoming secret message.
func (c *Contact) answerSecret(m *secret.Manager, msg secret.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	// As a person would: read it at once, type a while, then answer.
	if err := m.MarkRead(ctx, msg.ChatID); err != nil {
		c.problem("mark secret chat %d read", int64(msg.ChatID), err)
	}
	if c.answerDelay > 0 {
		if err := m.SetTyping(ctx, msg.ChatID, true); err != nil {
			c.problem("type in secret chat %d", int64(msg.ChatID), err)
		}
		t := time.NewTimer(c.answerDelay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
	say := func(text string) {
		if _, err := m.SendText(ctx, msg.ChatID, text, secret.SendOptions{}); err != nil {
			c.problem("answer in secret chat %d", int64(msg.ChatID), err)
		}
	}
	switch {
	case msg.Kind == secret.KindMedia && msg.Media != nil:
		var buf bytes.Buffer
		if err := m.DownloadFile(ctx, msg.ChatID, msg.RandomID, &buf, nil); err != nil {
			c.problem("download a file in secret chat %d", int64(msg.ChatID), err)
			say(fmt.Sprintf("%s here: I could not open your file (%v).", c.Name, err))
			return
		}
		sum := md5.Sum(buf.Bytes())
		what, back, opts := fmt.Sprintf("%q", msg.Media.Name), "back-"+msg.Media.Name, secret.FileOptions{}
		if msg.Media.Kind == secret.MediaPhoto {
			// A photo goes back as a photo, with the preview it came with.
			what, back = "your photo", ""
			opts = secret.FileOptions{Photo: true, W: msg.Media.W, H: msg.Media.H, Thumb: msg.Media.Thumb,
				ThumbW: msg.Media.ThumbW, ThumbH: msg.Media.ThumbH}
		}
		say(fmt.Sprintf("%s here: got %s, %d bytes, md5 %x. Sending it back.", c.Name, what, buf.Len(), sum))
		if _, err := m.SendFile(ctx, msg.ChatID, bytes.NewReader(buf.Bytes()), int64(buf.Len()), back, msg.Media.MIME, opts, nil); err != nil {
			c.problem("send a file back in secret chat %d", int64(msg.ChatID), err)
		}
	case msg.Kind == secret.KindText && msg.Text == "/rekey":
		if err := m.Rekey(ctx, msg.ChatID); err != nil {
			c.problem("re-key secret chat %d", int64(msg.ChatID), err)
			say(fmt.Sprintf("%s here: re-key failed: %v", c.Name, err))
			return
		}
		say(fmt.Sprintf("%s here: re-keying now.", c.Name))
	case msg.Kind == secret.KindText:
		say(fmt.Sprintf("%s here: got your secret message (%d characters).", c.Name, len([]rune(msg.Text))))
	}
}

// SecretChats is the contact's secret chat manager (tests compare fingerprints with it).
func (c *Contact) SecretChats() *secret.Manager {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.secret
}
