package app

import (
	"fmt"
	"runtime"

	"tacit/ui"
)

// aboutService is the About page's role: which Tacit this is, in words.
type aboutService struct{ build BuildInfo }

func (s aboutService) About() ui.AboutInfo {
	return aboutWords(s.build, runtime.GOOS, runtime.GOARCH)
}

// aboutWords says b as the About page shows it, for a build for goos/goarch.
func aboutWords(b BuildInfo, goos, goarch string) ui.AboutInfo {
	commit := "This build did not record the commit it was made from."
	if b.Commit != "" {
		commit = "Built from commit " + b.Commit
		if b.Modified {
			commit += ", with local changes"
		}
		commit += "."
	}
	version := "Version " + b.Version
	if b.Version == "" {
		version = "Version unknown"
	}
	toolchain := fmt.Sprintf("Built for %s/%s", goos, goarch)
	if b.Go != "" {
		toolchain = fmt.Sprintf("Built with %s for %s/%s", b.Go, goos, goarch)
	}
	return ui.AboutInfo{Version: version, Commit: commit, Toolchain: toolchain}
}
