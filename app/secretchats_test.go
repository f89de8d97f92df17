package app

import (
	"context"
	"testing"
	"time"

	"tacit/ui"
)

// TestStartSecretChatAfterDecline: starting a secret chat with a person whose only secret chat was
// declined starts a new one (it crashed the app when the person was known only from the chat list).
func TestStartSecretChatAfterDecline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	w := openWindow(t, ctx, demoSandbox(t, ctx), nil)
	w.signUp(ctx, "+44 7700 900310", "Pat")

	request := w.waitDialog(ctx, "request from Alice", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindSecret && d.Title == "Alice"
	})
	w.waitSecret(ctx, request.ID, ui.SecretRequested)
	if err := w.svc.Secret.DeclineSecretChat(ctx, request.ID); err != nil {
		t.Fatal(err)
	}
	cloud := w.waitDialog(ctx, "Alice's cloud chat", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindUser && d.Title == "Alice"
	})
	started, err := w.svc.Secret.StartSecretChat(ctx, cloud.ID)
	if err != nil {
		t.Fatal(err)
	}
	if started == request.ID {
		t.Fatalf("the declined chat %s was returned", started)
	}
	// Alice accepts every request.
	w.waitSecret(ctx, started, ui.SecretReady)

	group := w.waitDialog(ctx, "a cloud chat that is not a person", func(d ui.DialogSummary) bool {
		return d.Kind == ui.KindGroup || d.Kind == ui.KindChannel
	})
	if _, err := w.svc.Secret.StartSecretChat(ctx, group.ID); err == nil {
		t.Fatalf("a secret chat was started with %s %q", group.ID, group.Title)
	}
}
