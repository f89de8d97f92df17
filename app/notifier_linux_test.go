package app

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// notificationServer stands in for the desktop's notification service: it records what Notify is given.
type notificationServer struct{ got chan notifyCall }

type notifyCall struct {
	app, icon, title, body string
	hints                  map[string]dbus.Variant
}

func (s notificationServer) Notify(app string, _ uint32, icon, title, body string, _ []string, hints map[string]dbus.Variant, _ int32) (uint32, *dbus.Error) {
	s.got <- notifyCall{app: app, icon: icon, title: title, body: body, hints: hints}
	return 1, nil
}

// TestDesktopNotifierSound: a notification asks the desktop for its message sound, or to keep quiet, as
// the user chose, through the freedesktop notification service on a session bus of the test's own.
func TestDesktopNotifierSound(t *testing.T) {
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("no dbus-daemon")
	}
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(addr))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())

	srv, err := dbus.Connect(strings.TrimSpace(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := notificationServer{got: make(chan notifyCall, 2)}
	if err := srv.Export(s, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if reply, err := srv.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v %v", reply, err)
	}

	send := desktopNotifier()
	for _, sound := range []bool{true, false} {
		if err := send("Tacit", "New message", sound); err != nil {
			t.Fatal(err)
		}
		var c notifyCall
		select {
		case c = <-s.got:
		case <-time.After(time.Minute):
			t.Fatal("the notification service got nothing")
		}
		if c.app != AppID || c.title != "Tacit" || c.body != "New message" {
			t.Fatalf("notification %+v", c)
		}
		if _, err := os.Stat(c.icon); err != nil {
			t.Errorf("icon %q: %v", c.icon, err)
		}
		name, named := c.hints["sound-name"]
		quiet, quietSet := c.hints["suppress-sound"]
		switch {
		case sound && (!named || name.Value() != "message-new-instant" || quietSet):
			t.Errorf("with sound: hints %v", c.hints)
		case !sound && (named || !quietSet || quiet.Value() != true):
			t.Errorf("without sound: hints %v", c.hints)
		}
	}
}
