package settings

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"tacit/mtproto"
)

// proxyProblem checks the proxy field with the engine's grammar, the one
// the command line and the settings page use too, and says what is wrong
// ("" when nothing is). It never repeats the setting, which may hold a
// password or an MTProxy secret.
func proxyProblem(s string) string {
	_, err := mtproto.ParseProxy(s)
	var pe *mtproto.ProxyURLError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pe):
		return pe.Part + " " + pe.Problem
	}
	return "is not a valid proxy setting"
}

// proxyIsolationLen is the length of a Tor isolation token: 16 random
// bytes in hexadecimal.
const proxyIsolationLen = 32

func validProxyIsolation(s string) bool {
	if s == "" {
		return true
	}
	if len(s) != proxyIsolationLen {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// EnsureProxyIsolation gives the profile its Tor isolation token if it
// has none yet and reports whether p changed (the caller saves it). The
// token is random and never leaves this computer: Tacit presents it to
// the local Tor as SOCKS credentials, so Tor never shares a circuit
// between this profile and any other program or profile.
func (p *Preferences) EnsureProxyIsolation() (changed bool, err error) {
	if p.ProxyIsolation != "" {
		return false, nil
	}
	var b [proxyIsolationLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return false, fmt.Errorf("settings: proxy isolation token: %w", err)
	}
	p.ProxyIsolation = hex.EncodeToString(b[:])
	return true, nil
}
