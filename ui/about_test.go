package ui

import "testing"

func TestAboutFromSettings(t *testing.T) {
	u, _ := readyUI(t)
	about := &fakeAbout{info: AboutInfo{Version: "Version 9.8.7", Commit: "Built from commit 0123abcd.",
		Toolchain: "Built with go1.26 for plan9/arm"}}
	u.SetAbout(about)
	u.tap(u.main.chats.settings)
	wantPage(t, u, pageSettings)
	u.tap(u.settingsPg.about)
	wantPage(t, u, pageAbout)
	p := u.aboutPg
	if p.version.Text != about.info.Version || p.commit.Text != about.info.Commit || p.toolchain.Text != about.info.Toolchain {
		t.Fatalf("shown: %q, %q, %q", p.version.Text, p.commit.Text, p.toolchain.Text)
	}
	if about.called("About") != 1 {
		t.Fatalf("About asked %d times", about.called("About"))
	}
	if p.threat.Visible() {
		t.Fatal("the threat model is open before its link is followed")
	}
	tapLink(p.threatLink)
	if !p.threat.Visible() {
		t.Fatal("following the threat model's link does not show it")
	}
	u.tap(p.back)
	wantPage(t, u, pageSettings)
}

func TestSettingsWithoutAbout(t *testing.T) {
	u, _ := readyUI(t)
	u.tap(u.main.chats.settings)
	wantPage(t, u, pageSettings)
	if u.settingsPg.about != nil {
		t.Fatal("the settings offer an About the window does not have")
	}
}
