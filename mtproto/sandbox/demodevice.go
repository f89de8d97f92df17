package sandbox

import "github.com/gotd/td/tgtest"

// demoDevice is the simulated second device of the demo: a phone, as account.getAuthorizations shows it.
var demoDevice = Device{APIID: 6, DeviceModel: "Simulated phone", SystemVersion: "Android 14",
	AppVersion: "Telegram Android 11.5", SystemLangCode: "en", LangCode: "en"}

// DemoOtherDevice makes every account that signs up from now on logged in on a second, simulated device as
// well, so that the demo's list of devices has another session to end. The device holds an authorization
// but no connection; ending it (account.resetAuthorization, auth.resetAuthorizations) logs it out like any
// other, and it is listed no more.
func (s *Server) DemoOtherDevice() {
	s.onSignUp(func(uid, _ int64) {
		var key [8]byte
		copy(key[:], randBytes(len(key)))
		now := s.unix()
		s.st.auths[key] = &authorization{keyID: key, hash: randInt64(), userID: uid, device: demoDevice,
			created: now, active: now, sessions: map[int64]tgtest.Session{}}
	})
}
