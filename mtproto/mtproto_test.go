package mtproto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"
)

// TestNormalizePhone pins Tacit's one phone rule, which the window uses too (through app).
func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		problem  PhoneProblem
	}{
		{"+44 7700 900123", "447700900123", 0},
		{"0044 7700 900123", "447700900123", 0},
		{"+1.555.000.0001", "15550000001", 0},
		{"+1 (555) 000-0001", "15550000001", 0},
		{"+44\u00a07700\u00a0900123", "447700900123", 0},
		{"447700900500", "447700900500", 0}, // the API's form: international, no prefix
		{"", "", PhoneEmpty},
		{"   ", "", PhoneEmpty},
		{"07700 900123", "", PhoneNational},
		{"+0 7700 900123", "", PhoneNational},
		{"12", "", PhoneLength},
		{"+123456", "", PhoneLength},
		{"+1234567890123456", "", PhoneLength},
		{"+44 7700 90012a", "", PhoneCharacters},
		{"+44+7700", "", PhoneCharacters},
		{"+", "", PhoneCharacters},
		{"١٢٣٤٥٦٧٨", "", PhoneCharacters}, // non-ASCII digits are refused, not misread
	} {
		got, err := NormalizePhone(tc.in)
		var pe *PhoneError
		switch {
		case tc.problem == 0 && (err != nil || got != tc.want):
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		case tc.problem != 0 && (!errors.As(err, &pe) || pe.Problem != tc.problem || !errors.Is(err, ErrPhoneInvalid)):
			t.Errorf("NormalizePhone(%q) = %q, %v; want problem %d", tc.in, got, err, tc.problem)
		}
	}
}

func TestClassify(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		err  error
		want ErrorKind
		rpc  string
	}{
		{tgerr.New(400, "PHONE_CODE_INVALID"), KindCodeInvalid, "PHONE_CODE_INVALID"},
		{tgerr.New(400, "PHONE_CODE_EXPIRED"), KindCodeExpired, "PHONE_CODE_EXPIRED"},
		{tgerr.New(400, "PASSWORD_HASH_INVALID"), KindPasswordInvalid, "PASSWORD_HASH_INVALID"},
		{tgerr.New(401, "SESSION_PASSWORD_NEEDED"), KindPasswordRequired, "SESSION_PASSWORD_NEEDED"},
		{tgerr.New(420, "FLOOD_WAIT_30"), KindFloodWait, "FLOOD_WAIT"},
		{tgerr.New(401, "AUTH_KEY_UNREGISTERED"), KindUnauthorized, "AUTH_KEY_UNREGISTERED"},
		{tgerr.New(403, "CHAT_WRITE_FORBIDDEN"), KindNotAllowed, "CHAT_WRITE_FORBIDDEN"},
		{tgerr.New(400, "USERNAME_OCCUPIED"), KindUsernameOccupied, "USERNAME_OCCUPIED"},
		{tgerr.New(500, "INTERNAL"), KindServer, "INTERNAL"},
		{tgerr.New(400, "SOMETHING_NEW"), KindUnknown, "SOMETHING_NEW"},
		{fmt.Errorf("dial: %w", refused), KindNetwork, ""},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), KindNetwork, ""},
		// A failure that is not about the network (the local database, say) is not called one.
		{errors.New("sqlite: disk I/O error"), KindUnknown, ""},
	} {
		var e *Error
		if !errors.As(Classify(tc.err), &e) || e.Kind != tc.want || e.RPC != tc.rpc {
			t.Errorf("Classify(%v) = %#v, want kind %v, RPC %q", tc.err, Classify(tc.err), tc.want, tc.rpc)
			continue
		}
		if !errors.Is(e, tc.err) {
			t.Errorf("Classify(%v): the cause is lost", tc.err)
		}
		// The log text keeps what a developer needs: the kind and Telegram's error type, or the cause.
		msg := e.Error()
		if !strings.Contains(msg, tc.want.String()) || tc.rpc != "" && !strings.Contains(msg, tc.rpc) ||
			tc.rpc == "" && !strings.Contains(msg, tc.err.Error()) {
			t.Errorf("Classify(%v).Error() = %q", tc.err, msg)
		}
	}
	var e *Error
	errors.As(Classify(tgerr.New(420, "FLOOD_WAIT_30")), &e)
	if e.Wait != 30*time.Second || e.Code != 420 {
		t.Errorf("flood wait = %v, code %d", e.Wait, e.Code)
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	for _, err := range []error{context.Canceled, fmt.Errorf("call: %w", context.DeadlineExceeded)} {
		if got := Classify(err); got != err {
			t.Errorf("Classify(%v) = %v, want it unchanged", err, got)
		}
	}
	if !errors.Is(Classify(tgerr.New(400, "PHONE_CODE_INVALID")), ErrCodeInvalid) {
		t.Error("errors.Is with the sentinel fails")
	}
	for k := KindUnknown; k <= KindUsernameNotOccupied; k++ {
		if strings.HasPrefix(k.String(), "kind ") {
			t.Errorf("kind %d has no name", int(k))
		}
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
