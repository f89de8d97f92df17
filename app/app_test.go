package app

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/mtproto/store"
	"tacit/ui"
)

func TestSelftestPasses(t *testing.T) {
	var out bytes.Buffer
	if err := Selftest(context.Background(), SelftestConfig{Message: "ping from the test"}, &out); err != nil {
		t.Fatalf("selftest: %v\n%s", err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "all steps passed") || strings.Contains(text, "FAILED") {
		t.Fatalf("output:\n%s", text)
	}
}

func TestSelftestJSONReportsFailure(t *testing.T) {
	var out bytes.Buffer
	// A proxy that does not exist makes the first client step fail, at
	// once and saying why.
	err := Selftest(context.Background(), SelftestConfig{JSON: true, Proxy: "socks5://127.0.0.1:1", Timeout: 5 * time.Minute}, &out)
	if err == nil {
		t.Fatal("selftest passed through a dead proxy")
	}
	if !strings.Contains(out.String(), `"ok": false`) || !strings.Contains(out.String(), "proxy 127.0.0.1:1 unreachable") {
		t.Fatalf("json:\n%s", out.String())
	}
}

// TestBackendSignUpAndChat drives ui.Backend the way the window does.
func TestBackendSignUpAndChat(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.DemoContacts(ctx); err != nil {
		t.Fatal(err)
	}
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t", Endpoint: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(client, loginOptions(nil), srv, nil)
	events := make(chan ui.Event, 64)
	defer b.Services().Events.Subscribe(func(e ui.Event) { events <- e })()
	done := make(chan error, 1)
	runCtx, stop := context.WithCancel(ctx)
	go func() {
		done <- client.Run(runCtx, func(ctx context.Context) error {
			b.run(ctx)
			<-ctx.Done()
			return nil
		})
	}()
	defer func() { stop(); <-done }()

	if b.Services().Demo.SandboxHint() == "" {
		t.Error("no sandbox hint")
	}
	st, err := b.Services().Login.Resume(ctx)
	if err != nil || st.Step != ui.StepPhone {
		t.Fatalf("resume: %+v %v", st, err)
	}
	if _, err := b.Services().Login.SendCode(ctx, "12"); err == nil {
		t.Fatal("short number accepted")
	} else {
		var p *ui.Problem
		if !errors.As(err, &p) || p.Field != ui.FieldPhone || p.UserMessage() == "" {
			t.Fatalf("phone error not mapped to the field: %#v", err)
		}
	}
	if _, err := b.Services().Login.SendCode(ctx, "+44 7700 900200"); err != nil {
		t.Fatal(err)
	}
	code, ok := b.Services().Demo.DemoCode("+44 7700 900200")
	if !ok {
		t.Fatal("no demo code")
	}
	if _, err := b.Services().Login.SubmitCode(ctx, "999999"); err == nil {
		t.Fatal("wrong code accepted")
	}
	st, err = b.Services().Login.SubmitCode(ctx, code)
	if err != nil || st.Step != ui.StepSignUpRequired || st.TermsOfService == "" {
		t.Fatalf("code: %+v %v", st, err)
	}
	if _, err := b.Services().Login.SignUp(ctx, "Pat", "", false); err == nil {
		t.Fatal("sign-up without acknowledgement")
	}
	st, err = b.Services().Login.SignUp(ctx, "Pat", "", true)
	if err != nil || st.Step != ui.StepSetPassword {
		t.Fatalf("sign-up: %+v %v", st, err)
	}
	if _, err := b.Services().Chats.Dialogs(ctx); err == nil {
		// The server answers, but the UI never asks before Ready; the
		// state machine is what guards the main window.
		t.Log("dialogs before ready answered by the server")
	}
	st, err = b.Services().Login.SetPassword(ctx, []byte("backend password 1"), "", "")
	if err != nil || st.Step != ui.StepReady {
		t.Fatalf("set password: %+v %v", st, err)
	}
	// Alice and Bob greet every new user.
	var dialogs []ui.DialogSummary
	for cloudDialogs(dialogs) < 2 {
		dialogs, err = b.Services().Chats.Dialogs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cloudDialogs(dialogs) < 2 {
			select {
			case <-events:
			case <-ctx.Done():
				t.Fatalf("greetings missing: %+v", dialogs)
			}
		}
	}
	var alice ui.DialogSummary
	for _, d := range dialogs {
		switch d.Kind {
		case ui.KindUser:
			if d.Title == "Alice" {
				alice = d
			}
		case ui.KindSecret:
			// The contacts ask for secret chats; nothing accepts them
			// but the user.
			info, err := b.Services().Secret.SecretChat(ctx, d.ID)
			if err != nil || info.State != ui.SecretRequested {
				t.Errorf("secret chat %q: %+v %v, want a request waiting for the user", d.Title, info, err)
			}
		default:
			t.Errorf("dialog %q kind %v", d.Title, d.Kind)
		}
	}
	if alice.ID == "" || alice.Unread != 1 {
		t.Fatalf("alice = %+v", alice)
	}
	sent, err := b.Services().Messages.SendText(ctx, alice.ID, "hello alice", ui.SendOptions{})
	if err != nil || sent.ID == 0 || !sent.Out {
		t.Fatalf("send: %+v %v", sent, err)
	}
	for {
		select {
		case e := <-events:
			if m, ok := e.(ui.MessageEvent); ok && m.Message.Dialog == alice.ID && !m.Message.Out && strings.Contains(m.Message.Text, "got your message") {
				hist, err := b.Services().Messages.History(ctx, alice.ID, ui.Page{Limit: 10})
				if err != nil || len(hist) != 3 || hist[1].Text != "hello alice" {
					t.Fatalf("history: %+v %v", hist, err)
				}
				return
			}
		case <-ctx.Done():
			t.Fatal("no reply event")
		}
	}
}

func cloudDialogs(ds []ui.DialogSummary) int {
	n := 0
	for _, d := range ds {
		if d.Kind != ui.KindSecret {
			n++
		}
	}
	return n
}

// TestPendingLockdownRepairedOnResume: a sign-up interrupted before its
// lockdown was confirmed (the marker left in the store) is locked down at
// the next start.
func TestPendingLockdownRepairedOnResume(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	db, err := store.Open(ctx, t.TempDir(), bytes.Repeat([]byte{9}, store.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t", Endpoint: srv.Endpoint(), Session: db.Session(), State: db.UpdateState()})
	if err != nil {
		t.Fatal(err)
	}
	// Sign up without the lockdown, as if Tacit had stopped right after
	// auth.signUp, and leave the marker the Backend sets before it.
	raw := client.NewLogin(mtproto.LoginOptions{AllowNoPassword: true})
	b := NewBackend(client, loginOptions(nil), srv, db)
	err = client.Run(ctx, func(ctx context.Context) error {
		b.run(ctx)
		raw.SendCode(ctx, "447700900500")
		code, _ := srv.Code("447700900500")
		raw.SubmitCode(ctx, code)
		if _, err := raw.SignUp(ctx, mtproto.SignUpForm{FirstName: "Vic", Acknowledged: true}); err != nil {
			return err
		}
		if err := db.SetValue(ctx, lockdownPending, []byte{1}); err != nil {
			return err
		}
		rules, err := client.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyPhoneNumber{})
		if err != nil {
			return err
		}
		if _, hidden := rules.Rules[0].(*tg.PrivacyValueDisallowAll); hidden {
			t.Fatal("test setup: the number is already hidden")
		}
		if _, err := b.Services().Login.Resume(ctx); err != nil {
			return err
		}
		rules, err = client.API().AccountGetPrivacy(ctx, &tg.InputPrivacyKeyPhoneNumber{})
		if err != nil {
			return err
		}
		if _, hidden := rules.Rules[0].(*tg.PrivacyValueDisallowAll); !hidden {
			t.Errorf("after resume the number is visible to %T", rules.Rules[0])
		}
		if v, _ := db.Value(ctx, lockdownPending); len(v) != 0 {
			t.Error("the marker was not cleared")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCloudEventsKeepUnreadCounts: a known chat gets only MessageEvents
// (the UI counts them) and, for an edit, a MessageChangedEvent; a new chat is announced once, with no unread count
// of its own that would be added to the message's.
func TestCloudEventsKeepUnreadCounts(t *testing.T) {
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t"})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(client, loginOptions(nil), nil, nil)
	var events []ui.Event
	defer b.Services().Events.Subscribe(func(e ui.Event) { events = append(events, e) })()
	peer := mtproto.Peer{Kind: mtproto.PeerGroup, ID: 77}
	b.rememberPeer(peer, "Book club")
	msg := func(id int) mtproto.Event {
		return mtproto.Event{Kind: mtproto.EventNew, Peer: peer, Message: mtproto.Message{ID: id, Peer: peer, Text: "hi", FromName: "Ann", Date: time.Unix(int64(1000+id), 0)}}
	}
	b.onCloudEvent(msg(1))
	b.onCloudEvent(mtproto.Event{Kind: mtproto.EventEdited, Peer: peer, Message: mtproto.Message{ID: 1, Peer: peer, Text: "hi!"}})
	if len(events) != 2 {
		t.Fatalf("known chat: %d events, want a MessageEvent and a MessageChangedEvent: %#v", len(events), events)
	}
	if _, ok := events[0].(ui.MessageEvent); !ok {
		t.Fatalf("known chat: %T", events[0])
	}
	if c, ok := events[1].(ui.MessageChangedEvent); !ok || c.Message.ID != 1 || c.Message.Text != "hi!" {
		t.Fatalf("the edit came as %#v", events[1])
	}
	events = nil
	other := mtproto.Peer{Kind: mtproto.PeerChannel, ID: 88}
	b.onCloudEvent(mtproto.Event{Kind: mtproto.EventNew, Peer: other, Message: mtproto.Message{ID: 5, Peer: other, Text: "news"}})
	if len(events) != 2 {
		t.Fatalf("new chat: %d events", len(events))
	}
	d, ok := events[0].(ui.DialogEvent)
	if !ok || d.Dialog.Unread != 0 || d.Dialog.Kind != ui.KindChannel || d.Dialog.LastMessage != "news" {
		t.Fatalf("new chat announced as %#v", events[0])
	}
	if m, ok := events[1].(ui.MessageEvent); !ok || m.Message.Dialog != d.Dialog.ID {
		t.Fatalf("then %#v", events[1])
	}
}
