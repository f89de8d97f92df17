// Command tacit is a Telegram desktop client with private defaults: secret
// chats first, no contact upload, forced 2-step verification and encrypted
// local data. main only reads flags; everything else is in package app.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"tacit/app"
)

// fyneApp is the app's metadata; its version is Tacit's.
//
//go:embed FyneApp.toml
var fyneApp []byte

// commit is the commit a release was built from, set by make release
// (-ldflags -X main.commit=...); other builds use what Go recorded.
var commit string

const usage = `Usage:
  tacit [--data DIR | --profile NAME] [--sandbox | --sandbox-endpoint FILE] [--proxy URL]
        open the window (--sandbox: against a local demo server)
  tacit --version
        print the version and the commit it was built from
  tacit selftest [--data DIR] [--message TEXT] [--proxy URL] [--json]
        run the headless end-to-end check against an in-process sandbox
  tacit sandbox serve [--listen ADDR] [--endpoint FILE]
        run the local sandbox server alone; windows join it with
        tacit --sandbox-endpoint FILE
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tacit:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "selftest":
			fs := newFlags("selftest")
			var cfg app.SelftestConfig
			fs.StringVar(&cfg.DataDir, "data", "", "data directory (a fresh one)")
			fs.StringVar(&cfg.Message, "message", app.DefaultSelftestMessage, "text of the test messages")
			fs.StringVar(&cfg.Proxy, "proxy", "", "proxy: "+app.ProxyForms)
			fs.BoolVar(&cfg.JSON, "json", false, "print JSON")
			if err := fs.Parse(args[1:]); err != nil {
				return err
			}
			return app.Selftest(ctx, cfg, os.Stdout)
		case "sandbox":
			if len(args) < 2 || args[1] != "serve" {
				return fmt.Errorf("unknown command %q\n%s", "sandbox", usage)
			}
			fs := newFlags("sandbox serve")
			listen := fs.String("listen", "127.0.0.1:0", "TCP address to listen on")
			endpoint := fs.String("endpoint", app.DefaultEndpointFile(), "file that tells windows the address and server key")
			if err := fs.Parse(args[2:]); err != nil {
				return err
			}
			return app.Serve(ctx, *listen, *endpoint, os.Stdout)
		}
	}
	fs := newFlags("tacit")
	var cfg app.Config
	fs.StringVar(&cfg.DataDir, "data", "", "data directory")
	fs.StringVar(&cfg.Profile, "profile", "", "profile name")
	fs.BoolVar(&cfg.Sandbox, "sandbox", false, "use a local demo server instead of Telegram")
	fs.StringVar(&cfg.SandboxEndpoint, "sandbox-endpoint", "", "connect to `tacit sandbox serve` through its endpoint file")
	fs.StringVar(&cfg.Proxy, "proxy", "", "proxy: "+app.ProxyForms)
	version := fs.Bool("version", false, "print the version and commit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown command %q\n%s", fs.Arg(0), usage)
	}
	build, err := app.ReadBuildInfo(fyneApp, commit)
	if err != nil {
		return err
	}
	if *version {
		_, err := fmt.Println(build)
		return err
	}
	cfg.Build = build
	return app.Run(ctx, cfg)
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	return fs
}
