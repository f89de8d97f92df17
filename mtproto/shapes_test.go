package mtproto_test

import (
	"context"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

// watchShapes records the type of every container pushed to uid.
func watchShapes(s *sandbox.Server, uid int64) chan string {
	shapes := make(chan string, 100)
	s.Intercept(sandbox.Interceptor{Push: func(ctx context.Context, p *sandbox.Push, next sandbox.PushFunc) error {
		if p.UserID == uid {
			if u, ok := p.Updates.(tg.UpdatesClass); ok {
				shapes <- u.TypeName()
			}
		}
		return next(ctx, p)
	}})
	return shapes
}

func waitShape(t *testing.T, ctx context.Context, shapes chan string, want string) {
	t.Helper()
	for {
		select {
		case got := <-shapes:
			if got == want {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no %s pushed before the deadline", want)
		}
	}
}

// TestShortMessageNamesItsSender: a private message pushed as
// updateShortMessage carries no users; the chat must still show the
// sender's name and a usable peer, whether this run of the client has met
// the sender (a contact added moments ago) or not (after a restart).
func TestShortMessageNamesItsSender(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700910101", "Ann")
	bobDev := newDevice()
	bob := startMember(t, ctx, s, memberOpts{dev: bobDev})
	signUp(t, ctx, s, bob, "447700910102", "Bob")
	shapes := watchShapes(s, bob.Self().ID)

	// Bob adds Ann as a contact (as privacy.AddContact does): the server
	// now counts her as known to him and sends her messages short.
	a := ann.Self()
	if _, err := bob.API().ContactsAddContact(ctx, &tg.ContactsAddContactRequest{
		ID: &tg.InputUser{UserID: a.ID, AccessHash: a.AccessHash}, FirstName: "Ann"}); err != nil {
		t.Fatal(err)
	}
	check := func(m *member, text string) {
		t.Helper()
		if _, err := ann.cloud.SendText(ctx, m.peer(), text, mtproto.SendOptions{}); err != nil {
			t.Fatal(err)
		}
		waitShape(t, ctx, shapes, "updateShortMessage")
		e := m.waitEvent(t, ctx, text, newText(ann.peer(), text))
		if e.Message.From != a.ID || e.Message.FromName != "Ann" || e.Message.Out {
			t.Fatalf("%q: from %d %q out %v", text, e.Message.From, e.Message.FromName, e.Message.Out)
		}
		if e.Peer.AccessHash != a.AccessHash {
			t.Fatalf("%q: peer %+v, want Ann's access hash", text, e.Peer)
		}
	}
	check(bob, "hello Bob")

	// After a restart neither cache holds Ann.
	bob.stop()
	bob = resume(t, ctx, s, bobDev)
	check(bob, "still there?")
}

// TestShortOutgoingFromAnotherDevice: one's own message sent from another
// device, pushed as an outgoing updateShortMessage (it names only the
// recipient, no sender), shows as sent by oneself in the recipient's chat.
func TestShortOutgoingFromAnotherDevice(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700910103", "Ann")
	bob := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, bob, "447700910104", "Bob")
	laptop := startMember(t, ctx, s, memberOpts{})
	l := laptop.NewLogin(mtproto.LoginOptions{})
	if _, err := l.SendCode(ctx, "447700910104"); err != nil {
		t.Fatal(err)
	}
	code, _ := s.Code("447700910104")
	if st, err := l.SubmitCode(ctx, code); err != nil || st != mtproto.StagePassword {
		t.Fatalf("code: %v %v", st, err)
	}
	if st, err := l.SubmitPassword(ctx, []byte(testPassword)); err != nil || st != mtproto.StageReady {
		t.Fatalf("password: %v %v", st, err)
	}
	shapes := watchShapes(s, bob.Self().ID)
	// Ann writes first, so Bob's account knows her.
	if _, err := ann.cloud.SendText(ctx, bob.peer(), "hi", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	laptop.waitEvent(t, ctx, "hi", newText(ann.peer(), "hi"))
	if _, err := bob.cloud.SendText(ctx, ann.peer(), "from my phone", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	waitShape(t, ctx, shapes, "updateShortMessage")
	e := laptop.waitEvent(t, ctx, "from my phone", newText(ann.peer(), "from my phone"))
	if !e.Message.Out || e.Message.From != bob.Self().ID || e.Peer.AccessHash != ann.Self().AccessHash {
		t.Fatalf("own message from the other device: %+v", e)
	}
}
