package sandbox_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/secret"
)

// secretRec collects a manager's events; tests wait on conditions, never on time.
type secretRec struct {
	mu   sync.Mutex
	evs  []secret.Event
	wake chan struct{}
}

func (r *secretRec) add(ev secret.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *secretRec) events() []secret.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]secret.Event(nil), r.evs...)
}

func (r *secretRec) wait(t *testing.T, ctx context.Context, what string, cond func([]secret.Event) bool) []secret.Event {
	t.Helper()
	for {
		r.mu.Lock()
		evs := append([]secret.Event(nil), r.evs...)
		r.mu.Unlock()
		if cond(evs) {
			return evs
		}
		select {
		case <-r.wake:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s (%d events)", what, len(evs))
		}
	}
}

func secretTexts(evs []secret.Event, kind secret.MessageKind) []secret.Message {
	var out []secret.Message
	for _, ev := range evs {
		if e, ok := ev.(secret.MessageReceived); ok && e.Message.Kind == kind {
			out = append(out, e.Message)
		}
	}
	return out
}

func countEv[T secret.Event](evs []secret.Event) int {
	n := 0
	for _, ev := range evs {
		if _, ok := ev.(T); ok {
			n++
		}
	}
	return n
}

// secretUser is a signed-up Tacit client with a secret chat manager wired into its updates.
type secretUser struct {
	r    *running
	m    *secret.Manager
	rec  *secretRec
	stop func()
}

func newSecretUser(t *testing.T, ctx context.Context, s *sandbox.Server, phone, name string) *secretUser {
	return newSecretUserOpts(t, ctx, s, phone, name, secret.Options{}, nil)
}

// newSecretUserOpts also takes manager options and lose, which may make the client lose an
// incoming encrypted message (the update is consumed but never reaches the manager).
func newSecretUserOpts(t *testing.T, ctx context.Context, s *sandbox.Server, phone, name string, opts secret.Options, lose func(*tg.UpdateNewEncryptedMessage) bool) *secretUser {
	t.Helper()
	r := start(t, ctx, s, clientOpts{})
	u := attachSecret(t, ctx, r, secret.NewMemoryStorage(), opts, lose)
	signUp(t, ctx, s, r, phone, name)
	u.run(t, ctx)
	return u
}

// attachSecret wires a secret chat manager over store into r's updates (before login).
func attachSecret(t *testing.T, ctx context.Context, r *running, store secret.Storage, opts secret.Options, lose func(*tg.UpdateNewEncryptedMessage) bool) *secretUser {
	t.Helper()
	u := &secretUser{r: r, rec: &secretRec{wake: make(chan struct{}, 1)}}
	opts.Events = u.rec.add
	u.m = secret.NewManager(r.API(), store, opts)
	d := r.Dispatcher()
	d.OnEncryption(func(ctx context.Context, _ tg.Entities, up *tg.UpdateEncryption) error {
		return u.m.HandleEncryption(ctx, up)
	})
	d.OnNewEncryptedMessage(func(ctx context.Context, _ tg.Entities, up *tg.UpdateNewEncryptedMessage) error {
		if lose != nil && lose(up) {
			return nil
		}
		return u.m.HandleNewEncryptedMessage(ctx, up)
	})
	d.OnEncryptedMessagesRead(func(ctx context.Context, _ tg.Entities, up *tg.UpdateEncryptedMessagesRead) error {
		return u.m.HandleRead(ctx, up)
	})
	d.OnEncryptedChatTyping(func(ctx context.Context, _ tg.Entities, up *tg.UpdateEncryptedChatTyping) error {
		return u.m.HandleTyping(ctx, up)
	})
	return u
}

// run starts the manager's Run loop until the test ends (or stop is called).
func (u *secretUser) run(t *testing.T, ctx context.Context) {
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = u.m.Run(runCtx) }()
	var once sync.Once
	u.stop = func() { once.Do(func() { cancel(); <-done; u.m.Close() }) }
	t.Cleanup(u.stop)
}

func TestSecretChatTwoClientsOverSandbox(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	alice := newSecretUser(t, ctx, s, "15551110001", "Alice")
	bob := newSecretUser(t, ctx, s, "15551110002", "Bob")
	bobSelf := bob.r.Self()

	id, err := alice.m.Start(ctx, bobSelf.ID, bobSelf.AccessHash)
	if err != nil {
		t.Fatal(err)
	}
	bob.rec.wait(t, ctx, "request", func(evs []secret.Event) bool { return countEv[secret.ChatRequested](evs) == 1 })
	if info, _ := bob.m.Chat(ctx, id); info.State != secret.StateRequested {
		t.Fatalf("Bob's chat is %v before he decided", info.State)
	}
	if err := bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	var fps [2]secret.Fingerprint
	for i, u := range []*secretUser{alice, bob} {
		evs := u.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool { return countEv[secret.ChatReady](evs) == 1 })
		for _, ev := range evs {
			if r, ok := ev.(secret.ChatReady); ok {
				fps[i] = r.Fingerprint
			}
		}
	}
	if fps[0] != fps[1] || fps[0].Emoji() != fps[1].Emoji() {
		t.Fatal("key visualisations differ")
	}

	// 1000 messages each way, concurrently; the automatic re-key (every 100 messages) runs
	// in the middle of them.
	const n = 1000
	var wg sync.WaitGroup
	for _, u := range []*secretUser{alice, bob} {
		wg.Add(1)
		go func(u *secretUser, name string) {
			defer wg.Done()
			for i := range n {
				if _, err := u.m.SendText(ctx, id, fmt.Sprintf("%s %d", name, i), secret.SendOptions{}); err != nil {
					t.Errorf("%s send %d: %v", name, i, err)
					return
				}
			}
		}(u, map[*secretUser]string{alice: "alice", bob: "bob"}[u])
	}
	wg.Wait()
	for _, pair := range []struct {
		to   *secretUser
		from string
	}{{alice, "bob"}, {bob, "alice"}} {
		evs := pair.to.rec.wait(t, ctx, "1000 messages", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) >= n })
		got := secretTexts(evs, secret.KindText)
		if len(got) != n {
			t.Fatalf("received %d messages, want %d", len(got), n)
		}
		for i, m := range got {
			if m.Text != fmt.Sprintf("%s %d", pair.from, i) {
				t.Fatalf("message %d is %q", i, m.Text)
			}
		}
		if countEv[secret.Rekeyed](evs) < 2 {
			t.Errorf("only %d re-keys during %d messages", countEv[secret.Rekeyed](evs), 2*n)
		}
		if countEv[secret.ChatClosed](evs) != 0 {
			t.Fatal("chat closed")
		}
	}

	// A forced re-key with messages in flight on both sides.
	before := countEv[secret.Rekeyed](alice.rec.events())
	for _, u := range []*secretUser{alice, bob} {
		wg.Add(1)
		go func(u *secretUser) {
			defer wg.Done()
			for i := range 20 {
				if i == 5 && u == alice {
					// An automatic exchange may still be finishing: retry when something happened.
					for {
						err := u.m.Rekey(ctx, id)
						if err == nil {
							break
						}
						if !errors.Is(err, secret.ErrRekeyBusy) {
							t.Errorf("rekey: %v", err)
							break
						}
						select { // wait for the next event (the running exchange moving on)
						case <-u.rec.wake:
						case <-ctx.Done():
							t.Errorf("re-key never became possible")
							return
						}
					}
				}
				if _, err := u.m.SendText(ctx, id, fmt.Sprintf("in flight %d", i), secret.SendOptions{}); err != nil {
					t.Errorf("send: %v", err)
				}
			}
		}(u)
	}
	wg.Wait()
	for _, u := range []*secretUser{alice, bob} {
		u.rec.wait(t, ctx, "in-flight messages and re-key", func(evs []secret.Event) bool {
			return len(secretTexts(evs, secret.KindText)) == n+20 && countEv[secret.Rekeyed](evs) > before
		})
	}
	for _, u := range []*secretUser{alice, bob} {
		if fp, _ := u.m.Fingerprint(ctx, id); fp != fps[0] {
			t.Fatal("key visualisation changed on re-key")
		}
	}

	// A 20 MB file, byte-identical after the round trip.
	data := make([]byte, 20*1024*1024)
	_, _ = rand.Read(data)
	if _, err := alice.m.SendFile(ctx, id, bytes.NewReader(data), int64(len(data)), "big.bin", "application/octet-stream", secret.FileOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	evs := bob.rec.wait(t, ctx, "file", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindMedia)) == 1 })
	file := secretTexts(evs, secret.KindMedia)[0]
	var out bytes.Buffer
	if err := bob.m.DownloadFile(ctx, id, file.RandomID, &out, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("20 MB file differs after the round trip (%d bytes)", out.Len())
	}
}

func TestSecretChatWithSimulatedContact(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	carol, err := s.AddContact(ctx, "Carol", "15552220003", sandbox.ContactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	user := newSecretUser(t, ctx, s, "15552220004", "Dana")
	cs := carol.Client().Self()
	id, err := user.m.Start(ctx, cs.ID, cs.AccessHash)
	if err != nil {
		t.Fatal(err)
	}
	// The contact accepts by itself (it is a simulated person), and answers.
	user.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool { return countEv[secret.ChatReady](evs) == 1 })
	if _, err := user.m.SendText(ctx, id, "hello Carol", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	user.rec.wait(t, ctx, "answer", func(evs []secret.Event) bool {
		for _, m := range secretTexts(evs, secret.KindText) {
			if strings.Contains(m.Text, "got your secret message") {
				return true
			}
		}
		return false
	})
	mine, _ := user.m.Fingerprint(ctx, id)
	theirs, err := carol.SecretChats().Fingerprint(ctx, id)
	if err != nil || mine != theirs {
		t.Fatalf("fingerprints differ (%v)", err)
	}
	// "/rekey" makes the contact re-key.
	if _, err := user.m.SendText(ctx, id, "/rekey", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	user.rec.wait(t, ctx, "re-key", func(evs []secret.Event) bool { return countEv[secret.Rekeyed](evs) == 1 })
	// A file both ways: the contact sends it back.
	data := make([]byte, 300*1024+7)
	_, _ = rand.Read(data)
	if _, err := user.m.SendFile(ctx, id, bytes.NewReader(data), int64(len(data)), "photo.jpg", "image/jpeg", secret.FileOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	evs := user.rec.wait(t, ctx, "file back", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindMedia)) == 1 })
	back := secretTexts(evs, secret.KindMedia)[0]
	var out bytes.Buffer
	if err := user.m.DownloadFile(ctx, id, back.RandomID, &out, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) || back.Media.Name != "back-photo.jpg" {
		t.Fatalf("file sent back differs")
	}
	// A photo comes back as a photo, and the answer names it so.
	if _, err := user.m.SendFile(ctx, id, bytes.NewReader(data[:4096]), 4096, "", "image/jpeg",
		secret.FileOptions{Photo: true, W: 64, H: 48}, nil); err != nil {
		t.Fatal(err)
	}
	evs = user.rec.wait(t, ctx, "photo back", func(evs []secret.Event) bool {
		return len(secretTexts(evs, secret.KindMedia)) == 2 &&
			slices.ContainsFunc(secretTexts(evs, secret.KindText), func(m secret.Message) bool { return strings.Contains(m.Text, "got your photo") })
	})
	if photo := secretTexts(evs, secret.KindMedia)[1]; photo.Media.Kind != secret.MediaPhoto || photo.Media.W != 64 || photo.Media.H != 48 {
		t.Fatalf("the photo came back as %+v", photo.Media)
	}
	if fp, _ := user.m.Fingerprint(ctx, id); fp != mine {
		t.Fatal("visualisation changed")
	}
}

func TestSimulatedContactStartsSecretChatAfterSignUp(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	if _, err := s.AddContact(ctx, "Erin", "15553330005", sandbox.ContactOptions{Greet: true}); err != nil {
		t.Fatal(err)
	}
	user := newSecretUser(t, ctx, s, "15553330006", "Finn")
	evs := user.rec.wait(t, ctx, "request from the contact", func(evs []secret.Event) bool { return countEv[secret.ChatRequested](evs) == 1 })
	var id secret.ChatID
	for _, ev := range evs {
		if r, ok := ev.(secret.ChatRequested); ok {
			id = r.Chat.ID
		}
	}
	// Nothing happens until the user decides.
	if info, _ := user.m.Chat(ctx, id); info.State != secret.StateRequested {
		t.Fatalf("state %v", info.State)
	}
	if err := user.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	user.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool { return countEv[secret.ChatReady](evs) == 1 })
	if _, err := user.m.SendText(ctx, id, "hi", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	user.rec.wait(t, ctx, "answer", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) == 1 })
}

// testClock is a settable clock for self-destruct timers.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A message lost on the way is healed by a Resend, and a self-destructing message
// disappears on both sides once read and its time is up.
func TestSecretChatGapAndTTLOverSandbox(t *testing.T) {
	ctx := testCtx(t)
	clock := &testClock{now: time.Unix(1_900_000_000, 0)}
	s := newSandbox(t, sandbox.Options{Now: clock.Now})
	opts := secret.Options{Now: clock.Now, RekeyAfterMessages: 1 << 20}
	var mu sync.Mutex
	armed, lost := false, 0
	alice := newSecretUserOpts(t, ctx, s, "15554440007", "Alice", opts, nil)
	bob := newSecretUserOpts(t, ctx, s, "15554440008", "Bob", opts, func(up *tg.UpdateNewEncryptedMessage) bool {
		mu.Lock()
		defer mu.Unlock()
		// Lose the first text message (sendEncrypted, not a service message) once armed.
		if _, ok := up.Message.(*tg.EncryptedMessage); ok && armed && lost == 0 {
			lost++
			return true
		}
		return false
	})
	bobSelf := bob.r.Self()
	id, err := alice.m.Start(ctx, bobSelf.ID, bobSelf.AccessHash)
	if err != nil {
		t.Fatal(err)
	}
	bob.rec.wait(t, ctx, "request", func(evs []secret.Event) bool { return countEv[secret.ChatRequested](evs) == 1 })
	if err := bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*secretUser{alice, bob} {
		u.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool {
			for _, ev := range evs {
				if l, ok := ev.(secret.LayerChanged); ok && l.PeerLayer == secret.Layer {
					return true
				}
			}
			return false
		})
	}
	mu.Lock()
	armed = true
	mu.Unlock()
	for i := range 4 {
		if _, err := alice.m.SendText(ctx, id, fmt.Sprint(i), secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	evs := bob.rec.wait(t, ctx, "4 messages", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) == 4 })
	for i, m := range secretTexts(evs, secret.KindText) {
		if m.Text != fmt.Sprint(i) {
			t.Fatalf("message %d = %q", i, m.Text)
		}
	}
	mu.Lock()
	if lost != 1 {
		t.Fatalf("%d messages lost, want 1", lost)
	}
	mu.Unlock()

	// Self-destruct: 5 seconds after reading.
	ttl := 5
	sent, err := alice.m.SendText(ctx, id, "vanish", secret.SendOptions{TTL: &ttl})
	if err != nil {
		t.Fatal(err)
	}
	bob.rec.wait(t, ctx, "vanish", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) == 5 })
	if err := bob.m.MarkRead(ctx, id); err != nil {
		t.Fatal(err)
	}
	alice.rec.wait(t, ctx, "read", func(evs []secret.Event) bool {
		for _, ev := range evs {
			if r, ok := ev.(secret.MessagesRead); ok {
				for _, rid := range r.RandomIDs {
					if rid == sent.RandomID {
						return true
					}
				}
			}
		}
		return false
	})
	clock.Advance(6 * time.Second)
	for _, u := range []*secretUser{alice, bob} {
		if err := u.m.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		ms, _ := u.m.Messages(ctx, id)
		for _, m := range ms {
			if m.Text == "vanish" {
				t.Fatalf("self-destructing message still there")
			}
		}
		if len(ms) < 4 {
			t.Fatalf("other messages deleted too (%d left)", len(ms))
		}
	}
}

// Secret messages sent while a client is offline arrive through updates.getDifference
// (new_encrypted_messages) when it comes back, with the chat state from its store.
func TestSecretMessagesWhileOffline(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	alice := newSecretUser(t, ctx, s, "15556660001", "Alice")
	sess := &session.StorageMemory{}
	state := mtproto.NewMemoryState()
	store := secret.NewMemoryStorage()
	r := start(t, ctx, s, clientOpts{session: sess, state: state})
	bob := attachSecret(t, ctx, r, store, secret.Options{}, nil)
	signUp(t, ctx, s, r, "15556660002", "Bob")
	bob.run(t, ctx)
	me := r.Self()
	id, err := alice.m.Start(ctx, me.ID, me.AccessHash)
	if err != nil {
		t.Fatal(err)
	}
	bob.rec.wait(t, ctx, "request", func(evs []secret.Event) bool { return countEv[secret.ChatRequested](evs) == 1 })
	if err := bob.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	alice.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool { return countEv[secret.ChatReady](evs) == 1 })
	if _, err := alice.m.SendText(ctx, id, "before", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	bob.rec.wait(t, ctx, "before", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) == 1 })

	// Bob goes offline; Alice keeps writing.
	bob.stop()
	r.stop()
	for i := range 3 {
		if _, err := alice.m.SendText(ctx, id, fmt.Sprintf("away %d", i), secret.SendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	r2 := start(t, ctx, s, clientOpts{session: sess, state: state})
	bob2 := attachSecret(t, ctx, r2, store, secret.Options{}, nil)
	if st, err := r2.NewLogin(mtproto.LoginOptions{}).Resume(ctx); err != nil || st != mtproto.StageReady {
		t.Fatalf("resume: %v %v", st, err)
	}
	bob2.run(t, ctx)
	evs := bob2.rec.wait(t, ctx, "missed messages", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) == 3 })
	for i, m := range secretTexts(evs, secret.KindText) {
		if m.Text != fmt.Sprintf("away %d", i) {
			t.Fatalf("message %d = %q", i, m.Text)
		}
	}
	// And the chat goes on both ways.
	if _, err := bob2.m.SendText(ctx, id, "back", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	alice.rec.wait(t, ctx, "back", func(evs []secret.Event) bool {
		got := secretTexts(evs, secret.KindText)
		return len(got) == 1 && got[0].Text == "back"
	})
}

// TestContactReadsAndTypesBeforeItAnswers: a contact with an answer delay (the demo's) marks a secret
// message read at once and shows itself typing before its answer arrives, so the window can show both.
func TestContactReadsAndTypesBeforeItAnswers(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	erin, err := s.AddContact(ctx, "Erin", "15552220005", sandbox.ContactOptions{AnswerDelay: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	user := newSecretUser(t, ctx, s, "15552220006", "Finn")
	es := erin.Client().Self()
	id, err := user.m.Start(ctx, es.ID, es.AccessHash)
	if err != nil {
		t.Fatal(err)
	}
	user.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool { return countEv[secret.ChatReady](evs) == 1 })
	if _, err := user.m.SendText(ctx, id, "are you there?", secret.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	evs := user.rec.wait(t, ctx, "answer", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindText)) == 1 })
	order := map[string]int{}
	for i, ev := range evs {
		switch ev.(type) {
		case secret.MessagesRead:
			order["read"] = cmp.Or(order["read"], i+1)
		case secret.Typing:
			order["typing"] = cmp.Or(order["typing"], i+1)
		case secret.MessageReceived:
			order["answer"] = cmp.Or(order["answer"], i+1)
		}
	}
	if order["read"] == 0 || order["typing"] == 0 || order["read"] > order["answer"] || order["typing"] > order["answer"] {
		t.Fatalf("events in the order %v: want the read and the typing before the answer", order)
	}
}

// TestSecretFileSurvivesDroppedConnections: the connection drops three times during the upload of a
// secret file and three times during its download; each time the client reconnects and carries on with
// the part under way, progress never goes back, and the file arrives byte for byte.
func TestSecretFileSurvivesDroppedConnections(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	retry := secret.Options{RetryTransfer: mtproto.RetryTransient} // as Tacit runs its manager
	gus := newSecretUserOpts(t, ctx, s, "15551110011", "Gus", retry, nil)
	hal := newSecretUserOpts(t, ctx, s, "15551110012", "Hal", retry, nil)
	halSelf := hal.r.Self()
	id, err := gus.m.Start(ctx, halSelf.ID, halSelf.AccessHash)
	if err != nil {
		t.Fatal(err)
	}
	hal.rec.wait(t, ctx, "request", func(evs []secret.Event) bool { return countEv[secret.ChatRequested](evs) == 1 })
	if err := hal.m.Accept(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*secretUser{gus, hal} {
		u.rec.wait(t, ctx, "ready", func(evs []secret.Event) bool { return countEv[secret.ChatReady](evs) == 1 })
	}
	data := make([]byte, 3<<20+123)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	// dropAt returns a progress callback that drops every connection when progress passes each
	// quarter, and checks that progress only moves forward.
	dropAt := func(what string) func(done, total int64) {
		var last int64
		next := int64(1)
		return func(done, total int64) {
			if done < last {
				t.Errorf("%s progress went back from %d to %d", what, last, done)
			}
			last = done
			if next <= 3 && done >= total*next/4 {
				next++
				s.DropConnections()
			}
		}
	}
	if _, err := gus.m.SendFile(ctx, id, bytes.NewReader(data), int64(len(data)), "notes.bin", "application/octet-stream",
		secret.FileOptions{}, dropAt("upload")); err != nil {
		t.Fatalf("upload with dropped connections: %v", err)
	}
	evs := hal.rec.wait(t, ctx, "the file", func(evs []secret.Event) bool { return len(secretTexts(evs, secret.KindMedia)) == 1 })
	got := secretTexts(evs, secret.KindMedia)[0]
	var out bytes.Buffer
	if err := hal.m.DownloadFile(ctx, id, got.RandomID, &out, dropAt("download")); err != nil {
		t.Fatalf("download with dropped connections: %v", err)
	}
	if !bytes.Equal(out.Bytes(), data) {
		t.Fatalf("the file arrived as %d bytes that differ from the %d sent", out.Len(), len(data))
	}
}
