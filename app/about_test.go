package app

import (
	"testing"

	"tacit/ui"
)

func TestAboutWords(t *testing.T) {
	for _, tc := range []struct {
		b    BuildInfo
		want ui.AboutInfo
	}{
		{BuildInfo{Version: "0.1.0", Commit: "4f1c", Go: "go1.26.8"}, ui.AboutInfo{Version: "Version 0.1.0",
			Commit: "Built from commit 4f1c.", Toolchain: "Built with go1.26.8 for linux/amd64"}},
		{BuildInfo{Version: "0.1.0", Commit: "4f1c", Modified: true, Go: "go1.26.8"}, ui.AboutInfo{Version: "Version 0.1.0",
			Commit: "Built from commit 4f1c, with local changes.", Toolchain: "Built with go1.26.8 for linux/amd64"}},
		{BuildInfo{}, ui.AboutInfo{Version: "Version unknown",
			Commit: "This build did not record the commit it was made from.", Toolchain: "Built for linux/amd64"}},
	} {
		if got := aboutWords(tc.b, "linux", "amd64"); got != tc.want {
			t.Errorf("aboutWords(%+v) = %+v, want %+v", tc.b, got, tc.want)
		}
	}
}
