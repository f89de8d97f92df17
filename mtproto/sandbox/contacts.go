package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/secret"
)

// Contact is a simulated person: an account on the sandbox driven by a
// headless instance of Tacit's own mtproto client. It answers messages and
// greets users who sign up.
type Contact struct {
	Name   string
	Phone  string
	UserID int64

	srv    *Server
	client *mtproto.Client
	cancel context.CancelFunc
	done   chan struct{}
	ready  chan struct{}
	err    error

	answerDelay time.Duration // ContactOptions.AnswerDelay

	mu      sync.Mutex
	replied int
	secret  *secret.Manager // see secret.go
}

// ContactOptions tune a simulated contact.
type ContactOptions struct {
	// Reply makes the answer to an incoming text; nil uses a short
	// acknowledgement. Return "" to stay silent.
	Reply func(text string) string
	// Greet sends a first message to every user who signs up.
	Greet bool
	// Username, when set, is published for the contact through its own
	// client (account.updateUsername), so people can find it by name.
	Username string
	// AnswerDelay is how long the contact "types" before it answers a secret
	// message (it marks the message read at once); 0 answers at once.
	AnswerDelay time.Duration
}

// AddContact registers an account and starts its client. It returns once
// the client has logged in through the real protocol.
func (s *Server) AddContact(ctx context.Context, first, phone string, opts ContactOptions) (*Contact, error) {
	phone = strings.TrimPrefix(phone, "+")
	s.mu.Lock()
	if _, taken := s.st.byPhone[phone]; taken {
		s.mu.Unlock()
		return nil, fmt.Errorf("sandbox: contact %s: number %s is taken", first, phone)
	}
	u := s.newUserLocked(phone, first, "")
	u.simulated = true
	s.mu.Unlock()

	// Simulated contacts live inside the server: they connect in memory
	// even when the sandbox listens on TCP, which only outside clients use.
	endpoint := s.Endpoint()
	endpoint.Dial = s.mem.Dial
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "sandbox", Endpoint: endpoint})
	if err != nil {
		return nil, fmt.Errorf("sandbox: contact %s: %w", first, err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &Contact{Name: first, Phone: phone, UserID: u.id, srv: s, client: client, cancel: cancel,
		done: make(chan struct{}), ready: make(chan struct{}), answerDelay: opts.AnswerDelay}
	reply := opts.Reply
	if reply == nil {
		reply = func(text string) string {
			return fmt.Sprintf("%s here: got your message (%d characters).", first, len([]rune(text)))
		}
	}
	client.Dispatcher().OnNewMessage(func(ctx context.Context, e tg.Entities, upd *tg.UpdateNewMessage) error {
		m, ok := upd.Message.(*tg.Message)
		if !ok || m.Out {
			return nil
		}
		from, ok := m.PeerID.(*tg.PeerUser)
		if !ok || s.isSimulated(from.UserID) {
			return nil
		}
		text := reply(m.Message)
		if text == "" {
			return nil
		}
		peer, ok := e.Users[from.UserID]
		if !ok {
			return nil
		}
		_, err := client.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
			Peer: &tg.InputPeerUser{UserID: peer.ID, AccessHash: peer.AccessHash}, Message: text, RandomID: randInt64(),
		})
		if err == nil {
			c.mu.Lock()
			c.replied++
			c.mu.Unlock()
		}
		return nil
	})
	s.secretContact(c, opts.Greet)
	go func() {
		defer close(c.done)
		c.err = client.Run(runCtx, func(ctx context.Context) error {
			l := client.NewLogin(mtproto.LoginOptions{AllowNoPassword: true})
			if _, err := l.SendCode(ctx, phone); err != nil {
				return err
			}
			code, _ := s.Code(phone)
			if _, err := l.SubmitCode(ctx, code); err != nil {
				return err
			}
			if opts.Username != "" {
				if _, err := client.API().AccountUpdateUsername(ctx, opts.Username); err != nil {
					return fmt.Errorf("username %s: %w", opts.Username, err)
				}
			}
			close(c.ready)
			<-ctx.Done()
			return ctx.Err()
		})
	}()
	select {
	case <-c.ready:
	case <-c.done:
		cancel()
		return nil, fmt.Errorf("sandbox: contact %s: login: %w", first, c.err)
	case <-ctx.Done():
		cancel()
		<-c.done
		return nil, ctx.Err()
	}
	if opts.Greet {
		s.onSignUp(func(uid, hash int64) {
			go c.greet(uid, hash)
		})
	}
	s.mu.Lock()
	s.contacts = append(s.contacts, c)
	s.mu.Unlock()
	return c, nil
}

func (c *Contact) greet(uid, hash int64) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	if _, err := c.client.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer:     &tg.InputPeerUser{UserID: uid, AccessHash: hash},
		Message:  fmt.Sprintf("Hi, this is %s, a simulated contact on Tacit's local sandbox. Write to me and I will answer.", c.Name),
		RandomID: randInt64(),
	}); err != nil {
		c.problem("greet user %d", uid, err)
	}
}

// problem reports a failure of the contact's automatic behaviour (nobody
// waits on it) unless the contact is shutting down.
func (c *Contact) problem(what string, id int64, err error) {
	select {
	case <-c.done:
		return
	default:
	}
	if errors.Is(err, context.Canceled) {
		return
	}
	c.srv.logf("sandbox: %s could not "+what+": %v", c.Name, id, err)
}

// Client is the contact's mtproto client (tests drive it directly).
func (c *Contact) Client() *mtproto.Client { return c.client }

// Close stops the contact's client.
func (c *Contact) Close() error {
	c.cancel()
	<-c.done
	if errors.Is(c.err, context.Canceled) {
		return nil
	}
	return c.err
}

// Contacts lists the simulated contacts.
func (s *Server) Contacts() []*Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Contact(nil), s.contacts...)
}

func (s *Server) isSimulated(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[id]
	return u != nil && u.simulated
}

// onSignUp registers f to be called after each sign-up with the new user's
// id and access hash. f runs with s.mu held: it may change the data model
// but must not take the lock, and must start goroutines for anything else.
func (s *Server) onSignUp(f func(userID, accessHash int64)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signUpHooks = append(s.signUpHooks, f)
}

// Demo contacts: names, numbers and the usernames people find them by.
var demoContacts = []struct{ Name, Phone, Username string }{
	{"Alice", "15550000001", "alice_demo"},
	{"Bob", "15550000002", "bob_demo"},
}

// DemoContacts starts the contacts the demo uses: Alice and Bob, who greet
// new users, answer, and can be found by username.
func (s *Server) DemoContacts(ctx context.Context) error {
	for _, c := range demoContacts {
		if _, err := s.AddContact(ctx, c.Name, c.Phone, ContactOptions{Greet: true, Username: c.Username, AnswerDelay: s.opts.DemoAnswerDelay}); err != nil {
			return err
		}
	}
	return nil
}
