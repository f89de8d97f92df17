package privacy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/privacy"
	"tacit/mtproto/sandbox"
)

func TestBlockUnblockReadBack(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t)
	c := start(t, ctx, s, clientOpts{})
	onboard(t, ctx, s, c, "447700900801", "Wren")
	api := c.API()
	var people []mtproto.Peer
	for i, name := range []string{"Ida", "Jon"} {
		x, err := s.AddContact(ctx, name, "155500002"+string(rune('1'+i)), sandbox.ContactOptions{Username: name + "_blocktest"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := x.Client().API().UsersGetUsers(ctx, []tg.InputUserClass{&tg.InputUserSelf{}})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, mtproto.Peer{Kind: mtproto.PeerUser, ID: x.UserID, AccessHash: u[0].(*tg.User).AccessHash})
	}

	if list, err := privacy.Blocked(ctx, api); err != nil || len(list) != 0 {
		t.Fatalf("blocklist of a new account: %v %v", list, err)
	}
	for _, p := range append(people, people[0]) {
		if err := privacy.Block(ctx, api, p); err != nil {
			t.Fatalf("block %d: %v", p.ID, err)
		}
	}
	list, err := privacy.Blocked(ctx, api)
	if err != nil || len(list) != 2 {
		t.Fatalf("blocklist: %+v %v", list, err)
	}
	if list[0].ID != people[1].ID || list[0].FirstName != "Jon" || list[0].Username != "Jon_blocktest" ||
		list[0].AccessHash != people[1].AccessHash || list[0].Since.IsZero() {
		t.Fatalf("most recently blocked first, with name and username: %+v", list[0])
	}
	if err := privacy.Unblock(ctx, api, people[0]); err != nil {
		t.Fatal(err)
	}
	if err := privacy.Unblock(ctx, api, people[0]); err != nil {
		t.Fatalf("unblock twice: %v", err)
	}
	if list, _ := privacy.Blocked(ctx, api); len(list) != 1 || list[0].ID != people[1].ID {
		t.Fatalf("after unblock: %+v", list)
	}

	// Typed failures.
	me := c.Self()
	self := mtproto.Peer{Kind: mtproto.PeerUser, ID: me.ID, AccessHash: me.AccessHash}
	if err := privacy.Block(ctx, api, self); !errors.Is(err, privacy.ErrBlockSelf) {
		t.Fatalf("block yourself: %v", err)
	}
	stranger := mtproto.Peer{Kind: mtproto.PeerUser, ID: people[0].ID, AccessHash: people[0].AccessHash + 1}
	if err := privacy.Block(ctx, api, stranger); !errors.Is(err, privacy.ErrBlockUnknown) {
		t.Fatalf("block with a wrong access hash: %v", err)
	}
	// A server that says yes and keeps nothing is found out by reading the list back.
	remove := s.Intercept(sandbox.Interceptor{Call: func(ctx context.Context, call *sandbox.Call, next sandbox.CallFunc) (bin.Encoder, error) {
		if call.TypeID == tg.ContactsBlockRequestTypeID {
			return &tg.BoolTrue{}, nil
		}
		return next(ctx, call)
	}})
	defer remove()
	if err := privacy.Block(ctx, api, people[0]); !errors.Is(err, privacy.ErrBlockNotKept) {
		t.Fatalf("block not kept: %v", err)
	}
}
