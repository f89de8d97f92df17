package app

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/settings"
	"tacit/ui"
)

func TestProxyWords(t *testing.T) {
	for _, tc := range []struct {
		err  *mtproto.ProxyError
		want string
	}{
		{&mtproto.ProxyError{Kind: mtproto.ProxyTor, Addr: "127.0.0.1:9050"}, "Cannot reach Tor at 127.0.0.1:9050. Start Tor"},
		{&mtproto.ProxyError{Kind: mtproto.ProxySOCKS5, Addr: "h:1080"}, "Cannot reach the SOCKS5 proxy at h:1080"},
		{&mtproto.ProxyError{Kind: mtproto.ProxyMTProxy, Addr: "h:443"}, "Cannot reach the MTProxy at h:443"},
		{&mtproto.ProxyError{Kind: mtproto.ProxySOCKS5, Addr: "h:1080", Refused: true}, "check the user name and password"},
		{&mtproto.ProxyError{Kind: mtproto.ProxyTor, Addr: "127.0.0.1:9050", Refused: true}, "did not carry the connection"},
		{&mtproto.ProxyError{Kind: mtproto.ProxyMTProxy, Addr: "h:443", Refused: true}, "secret"},
	} {
		tc.err.Err = errors.New("cause")
		var p *ui.Problem
		if !errors.As(userError(tc.err), &p) || !strings.Contains(strings.ToLower(p.Message), strings.ToLower(tc.want)) ||
			!strings.Contains(p.Message, "does not connect without it") || !errors.Is(p, mtproto.ErrProxyUnreachable) {
			t.Errorf("%v: %#v, want %q", tc.err, p, tc.want)
		}
	}
}

// With a proxy that is down, the window's first call says so at once,
// naming the proxy, instead of waiting and blaming Telegram's servers.
func TestResumeSaysTheProxyIsDown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := sandbox.New(sandbox.Options{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	p, err := mtproto.ParseProxy("tor://" + dead)
	if err != nil {
		t.Fatal(err)
	}
	client, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t", Endpoint: srv.Endpoint(), Proxy: p.Isolate("00112233445566778899aabbccddeeff")})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBackend(client, loginOptions(nil), srv, nil)
	runCtx, stop := context.WithCancel(ctx)
	wait := connect(runCtx, client, b)
	defer func() { stop(); wait() }()
	_, err = loginService{b}.Resume(ctx)
	var pr *ui.Problem
	if !errors.As(err, &pr) || !strings.Contains(pr.Message, "Cannot reach Tor at "+dead) {
		t.Fatalf("Resume = %v", err)
	}
}

// The Tor isolation token is made once per profile, saved with its
// preferences, and presented as the SOCKS credentials.
func TestProfileProxyIsolatesTor(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/" + settings.PreferencesFileName
	prefs := settings.Default()
	prefs.Proxy = "tor"
	p, err := profileProxy("", path, &prefs)
	if err != nil || p.Kind != mtproto.ProxyTor || p.Password == "" || p.Password != prefs.ProxyIsolation {
		t.Fatalf("tor: %v %v", p, err)
	}
	saved, err := settings.LoadPreferences(path)
	if err != nil || saved.ProxyIsolation != p.Password {
		t.Fatalf("token not saved: %v", err)
	}
	again, err := profileProxy("", path, &saved)
	if err != nil || again.Password != p.Password {
		t.Fatalf("token changed between starts: %v", err)
	}
	other := settings.Default()
	q, err := profileProxy("tor://127.0.0.1:9150", dir+"/other.json", &other)
	if err != nil || q.Password == p.Password || q.Port != mtproto.TorBrowserPort {
		t.Fatalf("second profile: %v %v", q, err)
	}
	if _, err := profileProxy("socks5://u:Hunter2Canary@h", path, &saved); err == nil || strings.Contains(err.Error(), "Hunter2Canary") {
		t.Fatalf("bad --proxy: %v", err)
	}
}
