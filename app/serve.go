package app

import (
	"context"
	"fmt"
	"io"

	"tacit/mtproto/sandbox"
)

// Serve runs the sandbox alone on a TCP address with the demo contacts,
// until ctx ends.
func Serve(ctx context.Context, listen string, out io.Writer) error {
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	srv, err := sandbox.New(sandbox.Options{Listen: listen})
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
	fmt.Fprintf(out, "tacit sandbox: listening on %s (obfuscated abridged MTProto). Stop with Ctrl+C.\n", srv.Addr())
	<-ctx.Done()
	return nil
}
