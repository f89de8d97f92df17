package mtproto

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"+44 7700 900123", "447700900123", true},
		{"(555) 000-0001", "5550000001", true},
		{"+1.555.000.0001", "15550000001", true},
		{"", "", false},
		{"1234", "", false},
		{"0044 7700 900123", "", false},
		{"+44 7700 90012a", "", false},
		{"+44+7700", "", false},
		{"١٢٣٤٥٦٧", "", false}, // non-ASCII digits are refused, not misread
		{"1234567890123456", "", false},
	} {
		got, err := NormalizePhone(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrPhoneInvalid) {
			t.Errorf("NormalizePhone(%q) error %v is not ErrPhoneInvalid", tc.in, err)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want ErrorKind
	}{
		{tgerr.New(400, "PHONE_CODE_INVALID"), KindCodeInvalid},
		{tgerr.New(400, "PHONE_CODE_EXPIRED"), KindCodeExpired},
		{tgerr.New(400, "PASSWORD_HASH_INVALID"), KindPasswordInvalid},
		{tgerr.New(401, "SESSION_PASSWORD_NEEDED"), KindPasswordRequired},
		{tgerr.New(420, "FLOOD_WAIT_30"), KindFloodWait},
		{tgerr.New(401, "AUTH_KEY_UNREGISTERED"), KindUnauthorized},
		{tgerr.New(500, "INTERNAL"), KindServer},
		{tgerr.New(400, "SOMETHING_NEW"), KindUnknown},
		{fmt.Errorf("dial: %w", errors.New("connection refused")), KindNetwork},
	} {
		var e *Error
		if !errors.As(Classify(tc.err), &e) || e.Kind != tc.want {
			t.Errorf("Classify(%v) = %v, want kind %d", tc.err, Classify(tc.err), tc.want)
			continue
		}
		if e.Error() == "" || !errors.Is(e, tc.err) && tc.want != KindNetwork {
			t.Errorf("Classify(%v): message %q, unwrap lost", tc.err, e.Error())
		}
	}
	var e *Error
	errors.As(Classify(tgerr.New(420, "FLOOD_WAIT_30")), &e)
	if e.Wait != 30*time.Second {
		t.Errorf("flood wait = %v", e.Wait)
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	// The message never repeats a raw protocol error to the user.
	errors.As(Classify(errors.New("secret internal detail")), &e)
	if msg := e.Error(); msg == "" || contains(msg, "secret internal detail") {
		t.Errorf("network error message %q", msg)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestParseProxy(t *testing.T) {
	p, err := ParseProxy("socks5://user:pw@127.0.0.1:9050")
	if err != nil || p.Kind != ProxySOCKS5 || p.Addr != "127.0.0.1:9050" || p.User != "user" || p.Password != "pw" {
		t.Fatalf("socks5: %+v %v", p, err)
	}
	p, err = ParseProxy("tg://proxy?server=proxy.example&port=443&secret=dd00112233445566778899aabbccddeeff")
	if err != nil || p.Kind != ProxyMTProxy || p.Addr != "proxy.example:443" || len(p.Secret) != 17 {
		t.Fatalf("mtproxy: %+v %v", p, err)
	}
	if p, err := ParseProxy(""); err != nil || p.Kind != ProxyNone {
		t.Fatalf("empty: %+v %v", p, err)
	}
	for _, bad := range []string{"http://127.0.0.1:8080", "socks5://127.0.0.1", "tg://proxy?server=x&port=y&secret=00", "tg://proxy?server=x&port=1", "::not a url"} {
		if _, err := ParseProxy(bad); err == nil {
			t.Errorf("ParseProxy(%q) accepted", bad)
		}
	}
	for _, s := range []string{"socks5://127.0.0.1:1080", "tg://proxy?server=127.0.0.1&port=443&secret=00112233445566778899aabbccddeeff"} {
		p, _ := ParseProxy(s)
		if _, err := p.resolver(nil); err != nil {
			t.Errorf("resolver for %q: %v", s, err)
		}
	}
}

type fakeInvoker struct {
	errs  []error
	calls int
}

func (f *fakeInvoker) Invoke(ctx context.Context, in bin.Encoder, out bin.Decoder) error {
	f.calls++
	if len(f.errs) == 0 {
		return nil
	}
	err := f.errs[0]
	f.errs = f.errs[1:]
	return err
}

func TestFloodWaitMiddleware(t *testing.T) {
	var waits []time.Duration
	fw := FloodWait{MaxWait: 10 * time.Second, MaxRetries: 2, Sleep: func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}}
	inv := &fakeInvoker{errs: []error{tgerr.New(420, "FLOOD_WAIT_2"), tgerr.New(420, "FLOOD_WAIT_5")}}
	if err := fw.Handle(inv)(context.Background(), &tg.HelpGetConfigRequest{}, nil); err != nil {
		t.Fatalf("retried call failed: %v", err)
	}
	if inv.calls != 3 || len(waits) != 2 || waits[0] != 2*time.Second || waits[1] != 5*time.Second {
		t.Fatalf("calls %d waits %v", inv.calls, waits)
	}
	// Too long a wait is returned at once.
	inv = &fakeInvoker{errs: []error{tgerr.New(420, "FLOOD_WAIT_60")}}
	if _, ok := tgerr.AsFloodWait(fw.Handle(inv)(context.Background(), &tg.HelpGetConfigRequest{}, nil)); !ok || inv.calls != 1 {
		t.Fatal("long wait not returned")
	}
	// Retries are bounded.
	inv = &fakeInvoker{errs: []error{tgerr.New(420, "FLOOD_WAIT_1"), tgerr.New(420, "FLOOD_WAIT_1"), tgerr.New(420, "FLOOD_WAIT_1"), tgerr.New(420, "FLOOD_WAIT_1")}}
	if err := fw.Handle(inv)(context.Background(), &tg.HelpGetConfigRequest{}, nil); err == nil || inv.calls != 3 {
		t.Fatalf("unbounded retries: calls %d err %v", inv.calls, err)
	}
	// A cancelled wait stops.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	inv = &fakeInvoker{errs: []error{tgerr.New(420, "FLOOD_WAIT_1")}}
	if err := (FloodWait{}).Handle(inv)(ctx, &tg.HelpGetConfigRequest{}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func TestDeviceIsNeutral(t *testing.T) {
	d := Device()
	for _, s := range []string{d.DeviceModel, d.SystemVersion, d.AppVersion} {
		if contains(s, "go1") || contains(s, "linux") || contains(s, "windows") || contains(s, "darwin") {
			t.Errorf("device string %q reveals the platform", s)
		}
	}
	if d.LangCode != "en" || d.SystemLangCode != "en" {
		t.Errorf("language codes reveal the locale: %+v", d)
	}
}
