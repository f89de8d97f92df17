package privacy_test

import (
	"errors"
	"testing"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
)

func TestSessionsTerminateAndSecretChats(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	const phone = "447700900300"
	a := start(t, ctx, s, clientOpts{})
	onboard(t, ctx, s, a, phone, "Quin")
	laptop := &telegram.DeviceConfig{DeviceModel: "Laptop", SystemVersion: "Linux", AppVersion: "Other 2.0", SystemLangCode: "en", LangCode: "en"}
	bConn, cConn := make(chan mtproto.ConnectionState, 64), make(chan mtproto.ConnectionState, 64)
	b := start(t, ctx, s, clientOpts{device: laptop, conn: bConn})
	signIn(t, ctx, s, b, phone)
	c := start(t, ctx, s, clientOpts{conn: cConn})
	signIn(t, ctx, s, c, phone)

	list, err := privacy.Sessions(ctx, a.API())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || !list[0].Current || list[0].Hash != privacy.CurrentSession {
		t.Fatalf("sessions %+v", list)
	}
	var laptopHash int64
	for _, x := range list[1:] {
		if x.Current || x.Hash == 0 {
			t.Fatalf("other session marked current: %+v", x)
		}
		if x.DeviceModel == "Laptop" {
			laptopHash = x.Hash
			if x.Device != "Laptop, Linux, Other 2.0" {
				t.Errorf("device line %q", x.Device)
			}
		}
		if !x.AcceptsSecretChats {
			t.Errorf("session accepts no secret chats by default: %+v", x)
		}
	}
	if laptopHash == 0 {
		t.Fatalf("laptop session not listed: %+v", list)
	}
	if list[0].Device != "Desktop, Tacit "+mtproto.AppVersion {
		t.Errorf("this device %q", list[0].Device)
	}
	up, err := privacy.CheckUp(ctx, a.API())
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := up.Item(privacy.ItemSessions); it.Rating != privacy.RatingWarn || it.CanHarden {
		t.Fatalf("sessions item with other devices: %+v", it)
	}

	// Which sessions accept secret chats.
	uid := a.Self().ID
	if n := len(s.SecretChatDevices(uid)); n != 3 {
		t.Fatalf("%d sessions accept secret chats, want 3", n)
	}
	if err := privacy.SetSecretChatsAllowed(ctx, a.API(), laptopHash, false); err != nil {
		t.Fatal(err)
	}
	for _, d := range s.SecretChatDevices(uid) {
		if d.DeviceModel == "Laptop" {
			t.Fatal("the laptop still accepts secret chats on the server")
		}
	}
	if err := privacy.SetSecretChatsAllowed(ctx, a.API(), privacy.CurrentSession, false); err != nil {
		t.Fatal(err)
	}
	up, _ = privacy.CheckUp(ctx, a.API())
	here, _ := up.Item(privacy.ItemSecretChatsHere)
	if here.Rating != privacy.RatingWarn || !here.CanHarden {
		t.Fatalf("secret chats refused here: %+v", here)
	}
	if rep, err := privacy.Harden(ctx, a.API(), []privacy.ItemID{privacy.ItemSecretChatsHere}); err != nil {
		t.Fatalf("harden secret chats here: %v %q", err, rep.Lines())
	}
	if n := len(s.SecretChatDevices(uid)); n != 2 {
		t.Fatalf("%d sessions accept secret chats, want 2", n)
	}

	// Terminating one session logs that device out.
	if err := privacy.Terminate(ctx, a.API(), privacy.CurrentSession); !errors.Is(err, privacy.ErrCurrentSession) {
		t.Fatalf("terminate this session: %v", err)
	}
	if err := privacy.Terminate(ctx, a.API(), laptopHash); err != nil {
		t.Fatal(err)
	}
	assertLoggedOut(t, b, bConn)
	if _, err := c.API().UpdatesGetState(ctx); err != nil {
		t.Fatalf("the third session was logged out too: %v", err)
	}
	// Terminating all others logs out the rest.
	if err := privacy.TerminateOthers(ctx, a.API()); err != nil {
		t.Fatal(err)
	}
	assertLoggedOut(t, c, cConn)
	list, err = privacy.Sessions(ctx, a.API())
	if err != nil || len(list) != 1 || !list[0].Current {
		t.Fatalf("after terminating others: %+v %v", list, err)
	}
	if _, err := a.API().UpdatesGetState(ctx); err != nil {
		t.Fatalf("this session was logged out: %v", err)
	}
}

// assertLoggedOut checks that c's next call is refused as unauthorized. The
// sandbox also drops the terminated session's connection; a call that meets
// the dropped connection is repeated once the client is connected again.
func assertLoggedOut(t *testing.T, c *mtproto.Client, states <-chan mtproto.ConnectionState) {
	t.Helper()
	ctx := testCtx(t)
	for {
		_, err := c.API().UpdatesGetState(ctx)
		rpc, ok := tgerr.As(err)
		if !ok && err != nil && ctx.Err() == nil {
			// Not an answer from the server: wait for the reconnection.
		wait:
			for {
				select {
				case st := <-states:
					if st == mtproto.StateReady {
						break wait
					}
				case <-ctx.Done():
					t.Fatalf("terminated session did not reconnect: %v", err)
				}
			}
			continue
		}
		if !ok || rpc.Code != 401 {
			t.Fatalf("terminated session's next call: %v, want 401", err)
		}
		if !errors.Is(mtproto.Classify(err), mtproto.ErrUnauthorized) {
			t.Fatalf("not classified as signed out: %v", mtproto.Classify(err))
		}
		return
	}
}

func TestSessionThatRefusesSecretChatsIsNotAsked(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	const phone = "447700900310"
	pushed1, pushed2 := make(chan tg.UpdateClass, 16), make(chan tg.UpdateClass, 16)
	b1 := start(t, ctx, s, clientOpts{pushed: pushed1})
	onboard(t, ctx, s, b1, phone, "Rae")
	b2 := start(t, ctx, s, clientOpts{pushed: pushed2})
	signIn(t, ctx, s, b2, phone)
	if err := privacy.SetSecretChatsAllowed(ctx, b2.API(), privacy.CurrentSession, false); err != nil {
		t.Fatal(err)
	}

	a := start(t, ctx, s, clientOpts{})
	rawSignUp(t, ctx, s, a, "447700900311", "Ash")
	peer := &tg.InputUser{UserID: b1.Self().ID, AccessHash: b1.Self().AccessHash}
	ga := make([]byte, 256)
	ga[0], ga[255] = 0x42, 0x07
	if _, err := a.API().MessagesRequestEncryption(ctx, &tg.MessagesRequestEncryptionRequest{UserID: peer, RandomID: 77, GA: ga}); err != nil {
		t.Fatal(err)
	}
	// A cloud message after the request marks the end of what each session
	// was sent. The client's updates manager may hand a message (pts) over
	// before an update without pts sent earlier, so the session that is asked
	// is awaited until its request arrives, marker or not; the other is read
	// up to the marker, after the first one was asked.
	if _, err := a.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{
		Peer: &tg.InputPeerUser{UserID: peer.UserID, AccessHash: peer.AccessHash}, Message: "marker", RandomID: 78}); err != nil {
		t.Fatal(err)
	}
	asked := func(ch chan tg.UpdateClass, untilAsked bool) bool {
		t.Helper()
		got, marker := false, false
		for {
			if (untilAsked && got) || (!untilAsked && marker) {
				return got
			}
			select {
			case u := <-ch:
				switch u := u.(type) {
				case *tg.UpdateEncryption:
					if _, ok := u.Chat.(*tg.EncryptedChatRequested); ok {
						got = true
					}
				case *tg.UpdateNewMessage:
					if m, ok := u.Message.(*tg.Message); ok && m.Message == "marker" {
						marker = true
					}
				}
			case <-ctx.Done():
				if untilAsked {
					return false
				}
				t.Fatal("no marker message before the deadline")
			}
		}
	}
	if !asked(pushed1, true) {
		t.Fatal("the session that accepts secret chats was not asked")
	}
	if asked(pushed2, false) {
		t.Fatal("the session that refuses secret chats was asked")
	}
}

// TestSessionAppLeavesOutUnknown: a server that does not know an api_id's app calls it "unknown"; the
// session's app line (the Devices tab, the check-up) then names only the version.
func TestSessionAppLeavesOutUnknown(t *testing.T) {
	for _, c := range []struct{ name, version, want string }{
		{"unknown", "11.5", "11.5"},
		{"Unknown", "", ""},
		{"Telegram Android", "11.5", "Telegram Android 11.5"},
		{" Tacit ", "0.1.0", "Tacit 0.1.0"},
	} {
		if got := (privacy.Session{AppName: c.name, AppVersion: c.version}).App(); got != c.want {
			t.Errorf("App() of %q %q = %q, want %q", c.name, c.version, got, c.want)
		}
	}
}
