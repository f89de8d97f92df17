package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// secretUI is readyUI with a secret chat s2 with Carol in state, not yet open.
func secretUI(t *testing.T, state SecretState) (*harness, *fakes) {
	t.Helper()
	u, b := readyUI(t)
	info := readySecret("s2", "Carol")
	if state != SecretReady {
		*info = SecretChatInfo{Dialog: "s2", PeerName: "Carol", State: state}
	}
	b.secret.secrets["s2"] = info
	d := DialogSummary{ID: "s2", Title: "Carol", Kind: KindSecret, LastDate: time.Now()}
	b.chats.dialogs = append(b.chats.dialogs, d)
	b.events.emit(DialogEvent{Dialog: d})
	u.settle()
	return u, b
}

func openDialog(u *harness, id DialogID) *conversation {
	u.main.chats.list.Select(u.main.index(id))
	u.settle()
	return u.main.conv
}

func wantComposer(t *testing.T, c *conversation, enabled bool, note string) {
	t.Helper()
	if c.entry.Disabled() == enabled || c.send.Disabled() == enabled {
		t.Fatalf("composer enabled: entry %v send %v, want %v", !c.entry.Disabled(), !c.send.Disabled(), enabled)
	}
	if note == "" && c.composerNote.Visible() {
		t.Fatalf("composer note %q shown", c.composerNote.Text)
	}
	if note != "" && (!c.composerNote.Visible() || !strings.Contains(c.composerNote.Text, note)) {
		t.Fatalf("composer note (visible %v) %q, want %q", c.composerNote.Visible(), c.composerNote.Text, note)
	}
}

func TestSecretRequestWaitsForTheUser(t *testing.T) {
	u, b := secretUI(t, SecretRequested)
	c := openDialog(u, "s2")
	if !c.request.Visible() ||
		c.requestText.Text != "Carol wants to start a secret chat. Only the two of you can read it; Telegram cannot." {
		t.Fatalf("request banner (visible %v) %q", c.request.Visible(), c.requestText.Text)
	}
	wantComposer(t, c, false, "Accept the request")
	if c.keyButton.Visible() {
		t.Fatal("key button shown before there is a key")
	}

	// Nothing accepts on its own: not opening, not events, not messages.
	b.events.emit(DialogEvent{Dialog: u.main.dialogs[u.main.index("s2")]})
	u.settle()
	b.events.emit(MessageEvent{Message: Message{ID: 80, Dialog: "s2", Sender: "Carol", Text: "hi?", Date: time.Now()}})
	u.settle()
	if n := b.called("AcceptSecretChat"); n != 0 {
		t.Fatalf("AcceptSecretChat called %d times without the user", n)
	}
	c.entry.SetText("hello") // the user cannot type into it; a stray Enter must not send either
	c.submit()
	u.settle()
	if b.called("SendText") != 0 {
		t.Fatal("sent into a chat that is not ready")
	}

	// Accept: the key exchange runs; the composer waits for it.
	u.tap(c.accept)
	if n := b.called("AcceptSecretChat"); n != 1 {
		t.Fatalf("AcceptSecretChat called %d times", n)
	}
	if c.request.Visible() {
		t.Fatal("request banner still shown after accepting")
	}
	wantComposer(t, c, false, "Setting up the encryption with Carol…")

	// The exchange completes: the application says so with a DialogEvent.
	b.secret.setSecret("s2", func(s *SecretChatInfo) { *s = *readySecret("s2", "Carol") })
	b.events.emit(DialogEvent{Dialog: u.main.dialogs[u.main.index("s2")]})
	u.settle()
	wantComposer(t, c, true, "")
	if !c.keyButton.Visible() || c.keyButton.Text != "Key not compared yet — Compare keys" {
		t.Fatalf("key button (visible %v) %q", c.keyButton.Visible(), c.keyButton.Text)
	}
	if c.privacy.Text != privacyLabel(KindSecret) || !c.privacy.Visible() {
		t.Fatalf("privacy label %q", c.privacy.Text)
	}
	typeInto(c.entry, "hello")
	u.tap(c.send)
	if len(b.msgs.sent) != 1 || b.msgs.sent[0] != (fakeSent{"s2", "hello", 0}) {
		t.Fatalf("sent %+v", b.msgs.sent)
	}
	if c.entry.Disabled() {
		t.Fatal("composer off after sending in a ready chat")
	}
}

func TestDeclineAsksFirst(t *testing.T) {
	u, b := secretUI(t, SecretRequested)
	c := openDialog(u, "s2")
	u.tap(c.decline)
	if !strings.Contains(dialogText(t, u), "Carol sees that the request was declined") {
		t.Fatalf("confirmation says %q", dialogText(t, u))
	}
	u.tap(dialogButton(t, u, "Cancel"))
	if b.called("DeclineSecretChat") != 0 || !c.request.Visible() {
		t.Fatal("declined without confirmation")
	}

	u.tap(c.decline)
	u.tap(dialogButton(t, u, "Decline"))
	if b.called("DeclineSecretChat") != 1 || b.called("AcceptSecretChat") != 0 {
		t.Fatalf("Decline %d, Accept %d calls", b.called("DeclineSecretChat"), b.called("AcceptSecretChat"))
	}
	if c.request.Visible() {
		t.Fatal("request banner still shown after declining")
	}
	wantComposer(t, c, false, "You declined this secret chat.")
}

// dialogText returns the text of the labels of the dialog on top of the window.
func dialogText(t *testing.T, u *harness) string {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	var texts []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	return strings.Join(texts, "\n")
}

func TestComposerOffWhileWaitingOrClosed(t *testing.T) {
	u, b := secretUI(t, SecretWaiting)
	c := openDialog(u, "s2")
	wantComposer(t, c, false, "Waiting for Carol to accept…")
	if c.request.Visible() || c.keyButton.Visible() {
		t.Fatal("a waiting chat shows the request banner or the key button")
	}
	c.entry.SetText("hello")
	c.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.settle()
	if b.called("SendText") != 0 {
		t.Fatal("sent into a waiting chat")
	}

	// The peer declines: the chat closes with the application's reason.
	b.secret.setSecret("s2", func(s *SecretChatInfo) { s.State, s.Closed = SecretClosed, "Carol did not accept the secret chat." })
	b.events.emit(DialogEvent{Dialog: u.main.dialogs[u.main.index("s2")]})
	u.settle()
	wantComposer(t, c, false, "Carol did not accept the secret chat.")
	// An ended chat is no longer end-to-end encrypted: no lock and no such words, and a new chat is offered.
	if c.privacy.Text != labelEnded || strings.Contains(c.privacy.Text, "encrypted") || !c.startSecret.Visible() ||
		c.startSecret.Text != "Start a new secret chat" {
		t.Fatalf("closed chat header: %q, start button visible %v %q", c.privacy.Text, c.startSecret.Visible(), c.startSecret.Text)
	}
	wantContrast(t, "ended chat's label in the header", c.privacy, theme.Color(theme.ColorNameBackground))
	d := u.main.dialogs[u.main.index("s2")]
	d.Closed = true
	b.events.emit(DialogEvent{Dialog: d})
	u.settle()
	if r := rows(u)["Carol"]; r.privacy.Text != labelEnded {
		t.Fatalf("chat list says %q for the ended chat", r.privacy.Text)
	} else {
		wantContrast(t, "ended chat's label in the chat list", r.privacy, theme.Color(theme.ColorNameBackground))
	}

	// Another dialog is unaffected, and coming back shows the state again.
	c = openDialog(u, "u1")
	wantComposer(t, c, true, "")
	c = openDialog(u, "s2")
	wantComposer(t, c, false, "Carol did not accept the secret chat.")

	// Starting a new one from the ended chat asks for one with the same person and opens it.
	b.secret.startResult = "s3"
	b.secret.startAdds = &DialogSummary{ID: "s3", Title: "Carol", Kind: KindSecret}
	b.secret.secrets["s3"] = &SecretChatInfo{Dialog: "s3", PeerName: "Carol", State: SecretWaiting}
	u.tap(c.startSecret)
	if got := b.secret.startedFrom; len(got) != 1 || got[0] != "s2" || u.main.conv.dialog.ID != "s3" {
		t.Fatalf("started from %v, open %s", got, u.main.conv.dialog.ID)
	}
}

func TestNewerPeerNoticeAndServiceMessages(t *testing.T) {
	u, b := secretUI(t, SecretReady)
	b.secret.setSecret("s2", func(s *SecretChatInfo) { s.Notice = "Carol's app is newer. Update Tacit." })
	b.msgs.history["s2"] = []Message{
		{ID: 1, Dialog: "s2", Sender: "Carol", Text: "hi", Date: time.Now()},
		{ID: 2, Dialog: "s2", Sender: "Carol", Text: "Carol took a screenshot of the chat.", Date: time.Now(), Service: true},
	}
	c := openDialog(u, "s2")
	if !c.notice.Visible() || c.notice.Text != "Carol's app is newer. Update Tacit." {
		t.Fatalf("notice %v %q", c.notice.Visible(), c.notice.Text)
	}
	if len(c.list.msgs) != 2 {
		t.Fatalf("%d messages", len(c.list.msgs))
	}
	service, msg := c.list.view.rowOf(2), c.list.view.rowOf(1)
	if service == nil || !service.pill.Visible() || service.bg.Visible() || !service.pillText.TextStyle.Italic ||
		service.pillText.Alignment != fyne.TextAlignCenter {
		t.Fatal("the service message is not drawn as a centred line")
	}
	if msg == nil || msg.pill.Visible() || !msg.bg.Visible() {
		t.Fatal("a message drawn as a service line")
	}
}

func TestSelfDestructTimerShown(t *testing.T) {
	u, b := secretUI(t, SecretReady)
	b.secret.setSecret("s2", func(s *SecretChatInfo) { s.TTL = 86400 })
	c := openDialog(u, "s2")
	if !c.ttl.Visible() || !strings.Contains(c.ttl.Text, "1 day") {
		t.Fatalf("timer (visible %v) %q", c.ttl.Visible(), c.ttl.Text)
	}
	for s, want := range map[int]string{1: "1 second", 5: "5 seconds", 60: "1 minute", 90: "90 seconds",
		3600: "1 hour", 7200: "2 hours", 604800: "1 week"} {
		if got := DurationWords(s); got != want {
			t.Errorf("DurationWords(%d) = %q, want %q", s, got, want)
		}
	}
}

func TestStartSecretChatOpensTheReturnedDialog(t *testing.T) {
	u, b := readyUI(t)
	c := openDialog(u, "u1")
	if !c.startSecret.Visible() || !c.privacy.Visible() || c.privacy.Text != privacyLabel(KindUser) {
		t.Fatalf("cloud header: start button visible %v, label %q", c.startSecret.Visible(), c.privacy.Text)
	}

	// The Backend returns a secret chat the chat list does not have yet: it is fetched and opened.
	b.secret.startResult = "s3"
	b.secret.startAdds = &DialogSummary{ID: "s3", Title: "Bob", Kind: KindSecret, LastDate: time.Now()}
	b.secret.secrets["s3"] = &SecretChatInfo{Dialog: "s3", PeerName: "Bob", State: SecretWaiting}
	u.tap(c.startSecret)
	if !slices.Equal(b.secret.startedFrom, []DialogID{"u1"}) {
		t.Fatalf("StartSecretChat from %v", b.secret.startedFrom)
	}
	if c.dialog.ID != "s3" {
		t.Fatalf("open dialog %q after starting a secret chat", c.dialog.ID)
	}
	if c.startSecret.Visible() {
		t.Fatal("start button shown in the secret chat")
	}
	wantComposer(t, c, false, "Waiting for Bob to accept…")
	if got := u.main.dialogs[u.main.index("s3")].Title; got != "Bob" {
		t.Fatalf("chat list has %q", got)
	}

	// Starting it again finds the same chat, which the list already has.
	c = openDialog(u, "u1")
	u.tap(c.startSecret)
	if c.dialog.ID != "s3" || len(u.main.dialogs) != 5 {
		t.Fatalf("open dialog %q, %d dialogs", c.dialog.ID, len(u.main.dialogs))
	}

	// A failure stays in the cloud chat and says why.
	c = openDialog(u, "u1")
	b.secret.startErr = &Problem{Message: "Bob cannot receive secret chats."}
	u.tap(c.startSecret)
	if c.dialog.ID != "u1" {
		t.Fatalf("open dialog %q after a failure", c.dialog.ID)
	}
	wantError(t, c.loadErr, "Bob cannot receive secret chats")
}

func TestStartSecretChatOpensADialogThatArrivesLater(t *testing.T) {
	u, b := readyUI(t)
	c := openDialog(u, "u1")
	b.secret.startResult = "s4" // not in Dialogs yet: it comes as an event
	b.secret.secrets["s4"] = &SecretChatInfo{Dialog: "s4", PeerName: "Bob", State: SecretWaiting}
	u.tap(c.startSecret)
	if c.dialog.ID != "u1" {
		t.Fatalf("open dialog %q", c.dialog.ID)
	}
	b.events.emit(DialogEvent{Dialog: DialogSummary{ID: "s4", Title: "Bob", Kind: KindSecret, LastDate: time.Now()}})
	u.settle()
	if c.dialog.ID != "s4" {
		t.Fatalf("open dialog %q after the new chat arrived", c.dialog.ID)
	}
	wantComposer(t, c, false, "Waiting for Bob")
}

// TestHeaderFitsTheWindow: the conversation's header never asks for more width than the window gives it, so
// the window does not grow: not while the peer types in a chat whose key is not compared yet, and not while
// an ended chat's state is still being loaded (the chat list says it ended before the chat's own state does).
func TestHeaderFitsTheWindow(t *testing.T) {
	u, b := secretUI(t, SecretReady)
	b.secret.setSecret("s2", func(s *SecretChatInfo) { s.TTL = 604800 })
	c := openDialog(u, "s2")
	fits := func(when string) {
		t.Helper()
		if need, have := c.pane.MinSize().Width, c.pane.Size().Width; need > have {
			t.Fatalf("%s: the conversation needs %.0f px, the window gives it %.0f", when, need, have)
		}
	}
	if !c.keyButton.Visible() || !c.ttl.Visible() {
		t.Fatal("a ready chat without compared keys shows no key button or timer")
	}
	fits("ready")
	b.events.emit(TypingEvent{Dialog: "s2"})
	u.settle()
	if !c.typing.Visible() {
		t.Fatal("typing not shown")
	}
	fits("typing")

	// The chat ends; its state is asked for (held at the gate) after the chat list already said so.
	b.secret.setSecret("s2", func(s *SecretChatInfo) { s.State = SecretClosed })
	gate := make(chan struct{})
	b.secret.calls.mu.Lock()
	b.secret.gate = gate
	b.secret.calls.mu.Unlock()
	d := u.main.dialogs[u.main.index("s2")]
	d.Closed = true
	b.events.emit(DialogEvent{Dialog: d})
	u.drain()
	if !c.startSecret.Visible() || c.keyButton.Visible() || c.ttl.Visible() {
		t.Fatalf("ended chat before its state: start %v, key button %v, timer %v", c.startSecret.Visible(),
			c.keyButton.Visible(), c.ttl.Visible())
	}
	fits("ended, loading")
	close(gate)
	u.settle()
	fits("ended")
}
