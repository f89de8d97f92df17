package mtproto_test

import (
	"errors"
	"testing"
	"time"

	"tacit/mtproto"
)

func TestUsernamesAndFindingPeople(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	s := newSandbox(t)
	ann := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ann, "447700910031", "Ann")
	ben := startMember(t, ctx, s, memberOpts{})
	signUp(t, ctx, s, ben, "447700910032", "Ben")

	if ok, err := ann.cloud.CheckUsername(ctx, "tacit_ann"); err != nil || !ok {
		t.Fatalf("check a free name: %v %v", ok, err)
	}
	me, err := ann.cloud.SetUsername(ctx, "@Tacit_Ann")
	if err != nil || me.Username != "Tacit_Ann" || !me.Self {
		t.Fatalf("set username: %+v %v", me, err)
	}
	if me, err := ann.cloud.Me(ctx); err != nil || me.Username != "Tacit_Ann" {
		t.Fatalf("me: %+v %v", me, err)
	}
	if _, err := ann.cloud.SetUsername(ctx, "Tacit_Ann"); !errors.Is(err, &mtproto.Error{Kind: mtproto.KindUsernameNotModified}) {
		t.Fatalf("same name again: %v", err)
	}
	// Names are compared without case: Ben cannot take it.
	if ok, err := ben.cloud.CheckUsername(ctx, "tacit_ann"); err != nil || ok {
		t.Fatalf("check a taken name: %v %v", ok, err)
	}
	if _, err := ben.cloud.SetUsername(ctx, "TACIT_ANN"); !errors.Is(err, &mtproto.Error{Kind: mtproto.KindUsernameOccupied}) {
		t.Fatalf("take a taken name: %v", err)
	}
	if _, err := ben.cloud.CheckUsername(ctx, "1bad"); !errors.Is(err, mtproto.ErrUsernameInvalid) {
		t.Fatalf("check an invalid name: %v", err)
	}

	// Ben finds Ann by her username, exactly and by its start, but not by her name: they have no chat.
	found, err := ben.cloud.ResolveUsername(ctx, "tacit_ann")
	if err != nil || found.Peer.ID != ann.Self().ID || found.FirstName != "Ann" || found.Username != "Tacit_Ann" {
		t.Fatalf("resolve: %+v %v", found, err)
	}
	if _, err := ben.cloud.ResolveUsername(ctx, "nobody_here"); !errors.Is(err, &mtproto.Error{Kind: mtproto.KindUsernameNotOccupied}) {
		t.Fatalf("resolve a free name: %v", err)
	}
	mine, others, err := ben.cloud.SearchPeople(ctx, "tacit_a", 20)
	if err != nil || len(mine) != 0 || len(others) != 1 || others[0].Peer.ID != ann.Self().ID {
		t.Fatalf("search by username: %+v %+v %v", mine, others, err)
	}
	if mine, others, err := ben.cloud.SearchPeople(ctx, "Ann", 20); err != nil || len(mine)+len(others) != 0 {
		t.Fatalf("a stranger found by name: %+v %+v %v", mine, others, err)
	}
	// Once they talk, Ann is one of Ben's own results, by name too.
	if _, err := ben.cloud.SendText(ctx, found.Peer, "hello", mtproto.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	if mine, _, err := ben.cloud.SearchPeople(ctx, "ann", 20); err != nil || len(mine) != 1 || mine[0].Name() != "Ann" {
		t.Fatalf("search a chat partner by name: %+v %v", mine, err)
	}

	// Removing the name frees it.
	if me, err := ann.cloud.SetUsername(ctx, ""); err != nil || me.Username != "" {
		t.Fatalf("remove username: %+v %v", me, err)
	}
	if ok, err := ben.cloud.CheckUsername(ctx, "tacit_ann"); err != nil || !ok {
		t.Fatalf("a freed name: %v %v", ok, err)
	}
	if u, err := ben.cloud.ResolvePhone(ctx, "447700910031"); err != nil || u.Peer.ID != ann.Self().ID {
		t.Fatalf("resolve phone: %+v %v", u, err)
	}
}
