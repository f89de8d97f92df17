package store

import (
	"testing"

	"github.com/gotd/td/telegram/peers"
)

func TestGotdPeerStorage(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	ps := s.Peers()
	user := peers.Key{Prefix: "users_", ID: 5}
	channel := peers.Key{Prefix: "channel_", ID: 5}
	if _, found, err := ps.Find(ctx, user); err != nil || found {
		t.Fatalf("empty Find: %v %v", found, err)
	}
	if err := ps.Save(ctx, user, peers.Value{AccessHash: 11}); err != nil {
		t.Fatal(err)
	}
	if err := ps.Save(ctx, channel, peers.Value{AccessHash: 22}); err != nil {
		t.Fatal(err)
	}
	if v, found, err := ps.Find(ctx, user); err != nil || !found || v.AccessHash != 11 {
		t.Fatalf("Find(user) = %v %v %v", v, found, err)
	}
	if h, _, _ := s.AccessHash(ctx, ChannelPeer(5)); h != 22 {
		t.Fatalf("channel hash through the Store API = %d", h)
	}
	if err := ps.Save(ctx, peers.Key{Prefix: "bogus_", ID: 1}, peers.Value{}); err == nil {
		t.Fatal("unknown prefix accepted")
	}

	if _, _, found, err := ps.FindPhone(ctx, "+1555"); err != nil || found {
		t.Fatalf("empty FindPhone: %v %v", found, err)
	}
	if err := ps.SavePhone(ctx, "+1555", user); err != nil {
		t.Fatal(err)
	}
	k, v, found, err := ps.FindPhone(ctx, "+1555")
	if err != nil || !found || k != user || v.AccessHash != 11 {
		t.Fatalf("FindPhone = %v %v %v %v", k, v, found, err)
	}

	if h, err := ps.GetContactsHash(ctx); err != nil || h != 0 {
		t.Fatalf("empty contacts hash = %d %v", h, err)
	}
	if err := ps.SaveContactsHash(ctx, -123456789); err != nil {
		t.Fatal(err)
	}
	if h, err := ps.GetContactsHash(ctx); err != nil || h != -123456789 {
		t.Fatalf("contacts hash = %d %v", h, err)
	}
}
