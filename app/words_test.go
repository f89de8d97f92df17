package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gotd/td/tgerr"

	"tacit/mtproto"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// TestEveryEngineErrorIsWorded: each kind of engine error has its own sentence, never the generic one.
func TestEveryEngineErrorIsWorded(t *testing.T) {
	for k := mtproto.KindUnknown + 1; !strings.HasPrefix(k.String(), "kind "); k++ {
		msg, _ := engineWords(&mtproto.Error{Kind: k})
		if msg == "" || msg == genericFailure {
			t.Errorf("%v: %q", k, msg)
		}
	}
}

func TestUserErrorWords(t *testing.T) {
	for _, tc := range []struct {
		err   error
		want  string
		field ui.Field
	}{
		{fmt.Errorf("sign in: %w", tgerr.New(400, "PHONE_CODE_INVALID")), "code is not right", ui.FieldCode},
		{tgerr.New(420, "FLOOD_WAIT_300"), "wait 5 minutes", ui.FieldNone},
		{tgerr.New(403, "CHAT_WRITE_FORBIDDEN"), "cannot write in this chat", ui.FieldNone},
		{tgerr.New(400, "SOMETHING_NEW"), "SOMETHING_NEW", ui.FieldNone},
		// A failure of the local database is not a network problem.
		{fmt.Errorf("cache: %w", store.ErrCorrupt), "database is damaged", ui.FieldNone},
		{errors.New("sqlite: disk I/O error"), genericFailure, ui.FieldNone},
		{fmt.Errorf("send: %w", secret.ErrNotReady), "not ready yet", ui.FieldNone},
		{fmt.Errorf("call: %w", context.DeadlineExceeded), "did not answer in time", ui.FieldNone},
	} {
		var p *ui.Problem
		if !errors.As(userError(tc.err), &p) || !strings.Contains(p.Message, tc.want) || p.Field != tc.field {
			t.Errorf("userError(%v) = %#v, want %q in field %v", tc.err, p, tc.want, tc.field)
			continue
		}
		if !errors.Is(p, tc.err) {
			t.Errorf("userError(%v) lost the cause", tc.err)
		}
		if strings.Contains(p.Message, "Cannot reach") {
			t.Errorf("userError(%v) blames the network: %q", tc.err, p.Message)
		}
	}
	if err := userError(context.Canceled); err != context.Canceled {
		t.Errorf("a cancelled call became %v", err)
	}
	made := &ui.Problem{Message: "made by a role"}
	if err := userError(fmt.Errorf("x: %w", made)); !errors.Is(err, made) {
		t.Errorf("a role's problem was reworded: %v", err)
	}
}
