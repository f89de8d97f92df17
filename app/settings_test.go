package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"tacit/mtproto/sandbox"
	"tacit/ui"
)

// TestSettingsChangePassword: the 2-step verification password changes only with the current one, and the
// new one is what the server checks afterwards.
func TestSettingsChangePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	w := openWindow(t, ctx, srv, nil)
	w.signUp(ctx, "+44 7700 900324", "Robin")
	s := w.svc.Settings
	st, err := s.TwoStep(ctx)
	if err != nil || !st.HasPassword {
		t.Fatalf("2-step state %+v %v", st, err)
	}
	err = s.ChangePassword(ctx, []byte("not the password"), []byte("new password 22"), "")
	var p *ui.Problem
	if !errors.As(err, &p) || p.Field != ui.FieldCurrentPassword {
		t.Fatalf("a wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, []byte("window password 1"), []byte("new password 22"), "twenty-two"); err != nil {
		t.Fatal(err)
	}
	if st, err := s.TwoStep(ctx); err != nil || st.Hint != "twenty-two" || !st.HasPassword {
		t.Fatalf("read back %+v %v", st, err)
	}
	// The old password no longer counts; the new one does.
	err = s.ChangePassword(ctx, []byte("window password 1"), []byte("third password 3"), "")
	if !errors.As(err, &p) || p.Field != ui.FieldCurrentPassword {
		t.Fatalf("the old password still counts: %v", err)
	}
	if err := s.ChangePassword(ctx, []byte("new password 22"), []byte("third password 3"), ""); err != nil {
		t.Fatalf("the new password does not count: %v", err)
	}
}
