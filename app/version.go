package app

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/BurntSushi/toml"
)

// BuildInfo says which Tacit is running, for `tacit --version` and the
// About page: the version from FyneApp.toml and the commit it was built
// from.
type BuildInfo struct {
	// Version is FyneApp.toml's, such as "0.1.0".
	Version string
	// Commit is the full commit hash, "" when the build did not record it.
	Commit string
	// Modified is true for a build from a tree with uncommitted changes.
	Modified bool
	// Go is the toolchain, such as "go1.26.8".
	Go string
}

// String is one line such as "Tacit 0.1.0 (commit 4f1c…, go1.26.8 linux/amd64)".
func (b BuildInfo) String() string {
	commit := "commit unknown"
	if b.Commit != "" {
		commit = "commit " + b.Commit
	}
	if b.Modified {
		commit += " with local changes"
	}
	return fmt.Sprintf("Tacit %s (%s, %s %s/%s)", b.Version, commit, b.Go, runtime.GOOS, runtime.GOARCH)
}

// ReadBuildInfo reads the version from fyneApp (FyneApp.toml, embedded by
// main) and the commit from commit (set at link time by make release) or
// else from what the Go toolchain recorded (vcs.revision, vcs.modified).
func ReadBuildInfo(fyneApp []byte, commit string) (BuildInfo, error) {
	var meta struct {
		Details struct{ Version string }
	}
	if err := toml.Unmarshal(fyneApp, &meta); err != nil {
		return BuildInfo{}, fmt.Errorf("app: FyneApp.toml: %w", err)
	}
	if meta.Details.Version == "" {
		return BuildInfo{}, fmt.Errorf("app: FyneApp.toml has no Details.Version")
	}
	b := BuildInfo{Version: meta.Details.Version, Commit: commit, Go: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		b.Go = info.GoVersion
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.modified" && commit == "":
				b.Modified = s.Value == "true"
			}
		}
	}
	return b, nil
}
