package ui

import (
	"strings"
	"testing"
)

// TestSendFileDialogCountsTheFiles: the question before sending says who can read the file, or the files.
func TestSendFileDialogCountsTheFiles(t *testing.T) {
	u, _ := readyUI(t)
	one := []outgoing{{name: "notes.txt", size: 1200, data: []byte("notes")}}
	two := append(one, outgoing{name: "plan.pdf", size: 5000, data: []byte("plan")})
	for _, tc := range []struct {
		dialog DialogID
		files  []outgoing
		want   string
	}{
		{"s1", one, "Only you and Alice can read it: it is encrypted on this computer before it leaves it."},
		{"s1", two, "Only you and Alice can read them: they are encrypted on this computer before they leave it."},
		{"u1", one, "This is a cloud chat: Telegram can read this file."},
		{"u1", two, "This is a cloud chat: Telegram can read these files."},
	} {
		c := openDialog(u, tc.dialog)
		c.offer(tc.files)
		if got := dialogText(t, u); !strings.Contains(got, tc.want) {
			t.Errorf("%s, %d files: dialog says\n%s\nwant %q", tc.dialog, len(tc.files), got, tc.want)
		}
		c.sendDialog.Hide()
	}
}
