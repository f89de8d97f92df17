package store

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram/updates"
)

func TestSessionStorage(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	ss := s.Session()
	if _, err := ss.LoadSession(ctx); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("empty LoadSession: %v, want session.ErrNotFound", err)
	}
	blob := []byte(`{"Version":1,"Data":{"DC":2,"AuthKey":"c2VjcmV0"}}`)
	if err := ss.StoreSession(ctx, blob); err != nil {
		t.Fatal(err)
	}
	blob2 := append([]byte(nil), blob...)
	blob2[len(blob2)-3] = 'X'
	if err := ss.StoreSession(ctx, blob2); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Session().LoadSession(ctx)
	if err != nil || !bytes.Equal(got, blob2) {
		t.Fatalf("LoadSession after reopen = %q, %v", got, err)
	}

	// gotd's own loader round-trips through it.
	loader := session.Loader{Storage: s2.Session()}
	want := &session.Data{DC: 4, Addr: "127.0.0.1:443", AuthKey: bytes.Repeat([]byte{7}, 256), AuthKeyID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Salt: 99}
	if err := loader.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	data, err := loader.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if data.DC != 4 || !bytes.Equal(data.AuthKey, want.AuthKey) || data.Salt != 99 {
		t.Fatalf("loader round trip: %+v", data)
	}

	// A swapped or damaged session row fails authentication instead of loading.
	if _, err := s2.w.ExecContext(ctx, `UPDATE session SET data = zeroblob(80)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Session().LoadSession(ctx); err == nil || errors.Is(err, session.ErrNotFound) {
		t.Fatalf("damaged session row: %v, want an authentication error", err)
	}
	if err := s2.DeleteSession(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Session().LoadSession(ctx); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("after DeleteSession: %v", err)
	}
}

func TestUpdateState(t *testing.T) {
	ctx := testContext(t)
	s, dir, key := openTest(t)
	u := s.UpdateState()
	const me = 1001

	if _, found, err := u.GetState(ctx, me); err != nil || found {
		t.Fatalf("empty GetState: found=%v err=%v", found, err)
	}
	for name, set := range map[string]func() error{
		"SetPts":     func() error { return u.SetPts(ctx, me, 1) },
		"SetQts":     func() error { return u.SetQts(ctx, me, 1) },
		"SetDate":    func() error { return u.SetDate(ctx, me, 1) },
		"SetSeq":     func() error { return u.SetSeq(ctx, me, 1) },
		"SetDateSeq": func() error { return u.SetDateSeq(ctx, me, 1, 1) },
	} {
		if err := set(); err == nil {
			t.Errorf("%s without state succeeded; updates.StateStorage requires an error", name)
		}
	}

	if err := u.SetState(ctx, me, updates.State{Pts: 10, Qts: 20, Date: 30, Seq: 40}); err != nil {
		t.Fatal(err)
	}
	steps := []error{
		u.SetPts(ctx, me, 11),
		u.SetQts(ctx, me, 21),
		u.SetDate(ctx, me, 31),
		u.SetSeq(ctx, me, 41),
		u.SetDateSeq(ctx, me, 32, 42),
		u.SetState(ctx, 2002, updates.State{Pts: 1}), // another account is independent
		u.SetChannelPts(ctx, me, 500, 7),
		u.SetChannelPts(ctx, me, 300, 5),
		u.SetChannelPts(ctx, me, 500, 8),
		u.SetChannelPts(ctx, 2002, 900, 1),
		u.SetChannelAccessHash(ctx, me, 500, -555),
		u.SetUserAccessHash(ctx, me, 77, 777),
	}
	if err := errors.Join(steps...); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Everything survives a reopen.
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	u = s2.UpdateState()
	st, found, err := u.GetState(ctx, me)
	if err != nil || !found || st != (updates.State{Pts: 11, Qts: 21, Date: 32, Seq: 42}) {
		t.Fatalf("GetState = %+v, %v, %v", st, found, err)
	}
	if pts, found, err := u.GetChannelPts(ctx, me, 500); err != nil || !found || pts != 8 {
		t.Fatalf("GetChannelPts = %d, %v, %v", pts, found, err)
	}
	if _, found, _ := u.GetChannelPts(ctx, me, 900); found {
		t.Fatal("channel pts leaked across accounts")
	}
	var seen [][2]int64
	err = u.ForEachChannels(ctx, me, func(ctx context.Context, ch int64, pts int) error {
		seen = append(seen, [2]int64{ch, int64(pts)})
		// The callback may use the store (rows are read before it runs).
		return u.SetChannelPts(ctx, me, ch, pts+1)
	})
	if err != nil || len(seen) != 2 || seen[0] != [2]int64{300, 5} || seen[1] != [2]int64{500, 8} {
		t.Fatalf("ForEachChannels = %v, %v", seen, err)
	}
	stop := errors.New("stop")
	if err := u.ForEachChannels(ctx, me, func(context.Context, int64, int) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("ForEachChannels error = %v, want the callback's", err)
	}
	if h, found, err := u.GetChannelAccessHash(ctx, me, 500); err != nil || !found || h != -555 {
		t.Fatalf("GetChannelAccessHash = %d, %v, %v", h, found, err)
	}
	if h, found, err := u.GetUserAccessHash(ctx, me, 77); err != nil || !found || h != 777 {
		t.Fatalf("GetUserAccessHash = %d, %v, %v", h, found, err)
	}
	if _, found, _ := u.GetUserAccessHash(ctx, me, 500); found {
		t.Fatal("channel hash returned as user hash")
	}
}
