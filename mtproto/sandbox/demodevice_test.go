package sandbox_test

import (
	"testing"

	"tacit/mtproto/sandbox"
)

// TestDemoOtherDeviceCanBeEnded: with the demo's second device, a new account is logged in twice; ending
// the other session logs that device out and it is listed no more.
func TestDemoOtherDeviceCanBeEnded(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	s.DemoOtherDevice()
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700900901", "Dee")
	auths, err := r.API().AccountGetAuthorizations(ctx)
	if err != nil || len(auths.Authorizations) != 2 {
		t.Fatalf("authorizations after sign-up: %+v %v", auths, err)
	}
	other := auths.Authorizations[0]
	if other.Current {
		other = auths.Authorizations[1]
	}
	if other.Current || other.DeviceModel != "Simulated phone" || other.Hash == 0 {
		t.Fatalf("the other device: %+v", other)
	}
	if ok, err := r.API().AccountResetAuthorization(ctx, other.Hash); err != nil || !ok {
		t.Fatalf("end the other session: %v %v", ok, err)
	}
	auths, err = r.API().AccountGetAuthorizations(ctx)
	if err != nil || len(auths.Authorizations) != 1 || !auths.Authorizations[0].Current {
		t.Fatalf("authorizations after ending it: %+v %v", auths, err)
	}
	if uid, _ := s.UserByPhone("447700900901"); len(s.Devices(uid)) != 1 {
		t.Fatalf("the server still has %d devices logged in", len(s.Devices(uid)))
	}
}
