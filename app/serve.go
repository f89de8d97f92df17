package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tacit/mtproto/sandbox"
)

// Serve runs the sandbox alone on a TCP address with the demo contacts,
// until ctx ends. It writes the endpoint file other windows connect with
// (`tacit --sandbox-endpoint FILE`) and prints the login codes it "sends".
func Serve(ctx context.Context, listen, endpoint string, out io.Writer) error {
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	srv, err := sandbox.New(sandbox.Options{Listen: listen, DemoAnswerDelay: sandbox.DemoAnswerDelay,
		OnCode: func(phone, code string) {
			fmt.Fprintf(out, "tacit sandbox: login code for +%s: %s\n", phone, code)
		},
		Logf: func(format string, args ...any) {
			fmt.Fprintf(out, "tacit "+format+"\n", args...)
		}})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.DemoContacts(ctx); err != nil {
		return fmt.Errorf("app: demo contacts: %w", err)
	}
	if err := srv.DemoGroups(ctx); err != nil {
		return fmt.Errorf("app: demo group and channel: %w", err)
	}
	srv.DemoOtherDevice()
	if endpoint == "" {
		endpoint = DefaultEndpointFile()
	}
	if err := writeEndpoint(endpoint, srv); err != nil {
		return err
	}
	defer os.Remove(endpoint)
	fmt.Fprintf(out, "tacit sandbox: listening on %s (obfuscated abridged MTProto). Stop with Ctrl+C.\n", srv.Addr())
	fmt.Fprintf(out, "tacit sandbox: connect a window with: tacit --sandbox-endpoint %s\n", endpoint)
	<-ctx.Done()
	return nil
}

// DefaultEndpointFile is where `tacit sandbox serve` writes its endpoint
// when not told otherwise.
func DefaultEndpointFile() string {
	return filepath.Join(os.TempDir(), "tacit-sandbox.json")
}
