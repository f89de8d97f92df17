package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tacit/ui"
)

// accountService implements ui.Account.
type accountService struct{ *Backend }

// serverLogOutWait bounds how long log out waits for the server (ending the secret chats, then the
// session) before it deletes everything here regardless.
const serverLogOutWait = 20 * time.Second

// LogOut implements ui.Account. In order: every secret chat ends (at the server with its history where it
// can be reached, and here in any case, keys wiped); the session ends at the server; this session's client
// stops; everything of the account is deleted from the store (the WAL checkpointed and truncated); a new
// session with a new auth key starts for the next account. Nothing of the old Backend serves the window
// afterwards.
func (b accountService) LogOut(ctx context.Context) (ui.LoggedOut, error) {
	if b.renew == nil {
		return ui.LoggedOut{}, errors.New("app: log out: nothing owns this session")
	}
	b.mu.Lock()
	ended := b.accountEnded
	b.mu.Unlock()
	var notice string
	if !ended {
		var err error
		if notice, err = b.endAccount(ctx); err != nil {
			return ui.LoggedOut{}, err
		}
	}
	// The account's data on this computer goes whatever the caller's deadline says.
	next, err := b.renew(context.WithoutCancel(ctx))
	if err != nil {
		return ui.LoggedOut{}, &ui.Problem{Message: "The account is logged out, but its data could not all be deleted from this computer. " +
			"Free some disk space or check that the data directory can be written, then choose Log out again.", Err: err}
	}
	return ui.LoggedOut{Next: next.Services(), Notice: notice}, nil
}

// endAccount ends the secret chats and the session, at the server where it can be reached, and returns
// what could not be done there, in words for the user.
func (b accountService) endAccount(ctx context.Context) (string, error) {
	server, cancel := context.WithTimeout(ctx, serverLogOutWait)
	defer cancel()
	var notice string
	report, err := b.secret.LogOut(server)
	if err != nil {
		return "", &ui.Problem{Message: "The secret chats could not be deleted from this computer. Nothing else was changed; try again.", Err: err}
	}
	for _, f := range report.Unreached {
		b.diag.report(fmt.Sprintf("log out: tell the server that secret chat %d ended", f.Chat), f.Err)
	}
	if n := len(report.Unreached); n > 0 {
		notice = plural(n, "Telegram could not be told that a secret chat ended, so the other person still sees it until they end it. ",
			"Telegram could not be told that %d secret chats ended, so the other people still see them until they end them. ")
	}
	if err := b.client.LogOut(server); err != nil {
		b.diag.report("log out at the server", err)
		notice += "Telegram could not be reached, so this computer's session still appears among your account's devices: " +
			"end it from another device (Settings, Devices)."
	}
	b.mu.Lock()
	b.accountEnded = true
	b.mu.Unlock()
	return notice, nil
}

// plural formats n into one or other, chosen by n.
func plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(other, n)
}
