package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

// TestEndpointFileConnects: a client built from the endpoint file that
// `tacit sandbox serve` writes reaches that server over TCP and passes its
// key check.
func TestEndpointFileConnects(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	codes := make(chan string, 4)
	srv, err := sandbox.New(sandbox.Options{Listen: "127.0.0.1:0", OnCode: func(phone, code string) { codes <- code }})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "endpoint.json")
	if err := writeEndpoint(path, srv); err != nil {
		t.Fatal(err)
	}
	endpoint, addr, err := readEndpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if addr != srv.Addr() || endpoint.Dial != nil {
		t.Fatalf("endpoint %+v for %s", endpoint, srv.Addr())
	}
	c, err := mtproto.New(mtproto.Options{AppID: 1, AppHash: "t", Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Run(ctx, func(ctx context.Context) error {
		l := c.NewLogin(mtproto.LoginOptions{AllowNoPassword: true})
		if _, err := l.SendCode(ctx, "+44 7700 900400"); err != nil {
			return err
		}
		st, err := l.SubmitCode(ctx, <-codes)
		if err != nil || st != mtproto.StageSignUp {
			t.Errorf("code: %v %v", st, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Bad files are explained.
	os.WriteFile(path, []byte("{"), 0o600)
	if _, _, err := readEndpoint(path); err == nil {
		t.Fatal("broken endpoint file accepted")
	}
	if _, _, err := readEndpoint(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("missing endpoint file accepted")
	}
}
