package app

import (
	"fmt"

	"tacit/mtproto"
	"tacit/settings"
)

// ProxyForms lists the accepted proxy settings, for help texts.
const ProxyForms = mtproto.ProxyForms

// profileProxy picks the proxy of a profile: the command line's (cli)
// over the preferences', read with the engine's one grammar. Tor gets the
// profile's isolation credentials, made and saved with the preferences on
// first use, so Tor never shares a circuit with another profile or
// program.
func profileProxy(cli, prefsPath string, prefs *settings.Preferences) (mtproto.Proxy, error) {
	raw := cli
	if raw == "" {
		raw = prefs.Proxy
	}
	p, err := mtproto.ParseProxy(raw)
	if err != nil {
		// The error never repeats the setting: it may hold a password.
		return mtproto.Proxy{}, fmt.Errorf("the proxy given with --proxy is not valid: %w (accepted: %s)", err, mtproto.ProxyForms)
	}
	if p.Kind != mtproto.ProxyTor {
		return p, nil
	}
	changed, err := prefs.EnsureProxyIsolation()
	if err != nil {
		return mtproto.Proxy{}, err
	}
	if changed {
		if err := settings.SavePreferences(prefsPath, *prefs); err != nil {
			return mtproto.Proxy{}, fmt.Errorf("app: keep the Tor isolation token: %w", err)
		}
	}
	return p.Isolate(prefs.ProxyIsolation), nil
}

// selftestProxy reads the self-test's --proxy. Tor gets a fresh isolation
// token, so the run shares no circuit with anything else.
func selftestProxy(raw string) (mtproto.Proxy, error) {
	p, err := mtproto.ParseProxy(raw)
	if err != nil {
		return mtproto.Proxy{}, fmt.Errorf("the proxy given with --proxy is not valid: %w (accepted: %s)", err, ProxyForms)
	}
	var prefs settings.Preferences
	if _, err := prefs.EnsureProxyIsolation(); err != nil {
		return mtproto.Proxy{}, err
	}
	return p.Isolate(prefs.ProxyIsolation), nil
}

// proxyWords says that the proxy failed and what to do; Tacit never
// connects around it.
func proxyWords(e *mtproto.ProxyError) string {
	const never = " Tacit does not connect without it; to connect directly, remove the proxy in the settings."
	if e.Refused {
		switch e.Kind {
		case mtproto.ProxyMTProxy:
			return "The MTProxy at " + e.Addr + " did not carry the connection. Check the link's secret, or ask whoever runs the proxy." + never
		case mtproto.ProxyTor:
			return "Tor at " + e.Addr + " did not carry the connection. Tor may still be starting, or cannot reach Telegram: try again in a minute." + never
		}
		return "The SOCKS5 proxy at " + e.Addr + " refused the connection. Check the user name and password in the proxy setting." + never
	}
	switch e.Kind {
	case mtproto.ProxyTor:
		return fmt.Sprintf("Cannot reach Tor at %s. Start Tor (for Tor Browser, keep it open and use tor://127.0.0.1:%d).%s", e.Addr, mtproto.TorBrowserPort, never)
	case mtproto.ProxyMTProxy:
		return "Cannot reach the MTProxy at " + e.Addr + ". Check the network, or whether the proxy still runs." + never
	}
	return "Cannot reach the SOCKS5 proxy at " + e.Addr + ". Check that it is running." + never
}
