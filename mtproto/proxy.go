package mtproto

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ProxyKind names the ways Tacit can reach Telegram.
type ProxyKind int

// Proxy kinds.
const (
	// ProxyNone is a direct connection.
	ProxyNone ProxyKind = iota
	// ProxySOCKS5 is a SOCKS5 proxy, with or without a user name and
	// password. Host names are resolved by the proxy, never locally.
	ProxySOCKS5
	// ProxyTor is Tor's SOCKS5 port. Each profile presents its own random
	// credentials (Isolate), so Tor keeps its circuits apart from every
	// other program's and every other profile's.
	ProxyTor
	// ProxyMTProxy is a Telegram MTProxy with a plain, dd or ee (fake TLS)
	// secret.
	ProxyMTProxy
)

func (k ProxyKind) String() string {
	switch k {
	case ProxyNone:
		return "direct"
	case ProxySOCKS5:
		return "SOCKS5"
	case ProxyTor:
		return "Tor"
	case ProxyMTProxy:
		return "MTProxy"
	}
	return "ProxyKind(" + strconv.Itoa(int(k)) + ")"
}

// Tor's SOCKS ports on this computer: the tor service, and Tor Browser.
const (
	TorPort        = 9050
	TorBrowserPort = 9150
)

// Proxy is a parsed proxy setting. It is chosen before the first packet,
// so registration and login go through it too, and it is used for every
// connection the client makes: every data centre, migrations, file
// transfers.
type Proxy struct {
	Kind ProxyKind
	// Host and Port of the proxy.
	Host string
	Port int
	// User and Password are SOCKS5 credentials; for Tor they are the
	// profile's isolation credentials (see Isolate).
	User, Password string
	// Secret is the MTProxy secret: 16 bytes, 0xdd + 16 bytes (random
	// padding), or 0xee + 16 bytes + the domain fake TLS imitates.
	Secret []byte
}

// Addr is the proxy's host:port.
func (p Proxy) Addr() string { return net.JoinHostPort(p.Host, strconv.Itoa(p.Port)) }

// String describes the proxy without its password or secret, for the
// settings page and diagnostics.
func (p Proxy) String() string {
	switch p.Kind {
	case ProxyNone:
		return "direct connection"
	case ProxySOCKS5:
		if p.User != "" {
			return "SOCKS5 proxy " + p.Addr() + " (with user name and password)"
		}
		return "SOCKS5 proxy " + p.Addr()
	case ProxyTor:
		return "Tor at " + p.Addr()
	case ProxyMTProxy:
		switch mtproxyMode(p.Secret) {
		case "dd":
			return "MTProxy " + p.Addr() + " (random padding)"
		case "ee":
			return "MTProxy " + p.Addr() + " (disguised as TLS to " + string(p.Secret[17:]) + ")"
		}
		return "MTProxy " + p.Addr()
	}
	return p.Kind.String()
}

// Isolate gives a Tor proxy the profile's isolation token as its SOCKS
// credentials: Tor (IsolateSOCKSAuth, on by default) never shares a circuit
// between different credentials, so two profiles, or Tacit and a browser,
// are not linked by a common exit. Other kinds are returned unchanged.
func (p Proxy) Isolate(token string) Proxy {
	if p.Kind == ProxyTor && token != "" {
		p.User, p.Password = "tacit", token
	}
	return p
}

// ProxyURLError says which part of a proxy setting is wrong. Its text is
// built only from fixed words: it never repeats the setting, which may
// hold a password or an MTProxy secret.
type ProxyURLError struct {
	// Part is the part that is wrong: "kind", "host", "port", "user",
	// "password", "secret", "path" or "link".
	Part string
	// Problem says what is wrong and what is allowed.
	Problem string
}

func (e *ProxyURLError) Error() string { return "proxy " + e.Part + " " + e.Problem }

// The ways a proxy setting can be wrong.
var (
	errProxyNoKind         = &ProxyURLError{Part: "kind", Problem: "is missing; use one of: " + ProxyForms}
	errProxyNotURL         = &ProxyURLError{Part: "link", Problem: "is not a valid URL; use one of: " + ProxyForms}
	errProxyTorUser        = &ProxyURLError{Part: "user", Problem: "must be left out of tor://: Tacit gives each profile its own, so Tor keeps their circuits apart"}
	errProxyTgLink         = &ProxyURLError{Part: "link", Problem: "must look like tg://proxy?server=HOST&port=PORT&secret=SECRET"}
	errProxyWebLink        = &ProxyURLError{Part: "link", Problem: "must look like https://t.me/proxy?server=HOST&port=PORT&secret=SECRET"}
	errProxyMTProxyScheme  = &ProxyURLError{Part: "kind", Problem: "mtproxy:// is not supported: write MTProxy links as tg://proxy?server=HOST&port=PORT&secret=SECRET"}
	errProxyKind           = &ProxyURLError{Part: "kind", Problem: "is not supported; use one of: " + ProxyForms}
	errProxyPath           = &ProxyURLError{Part: "path", Problem: "must be empty: write socks5://[user:password@]host:port, with nothing after the port"}
	errProxyEmptyUser      = &ProxyURLError{Part: "user", Problem: "is empty; write socks5://user:password@host:port, or leave both out"}
	errProxyLongUser       = &ProxyURLError{Part: "user", Problem: "is longer than SOCKS5 allows (255 bytes)"}
	errProxyLongPassword   = &ProxyURLError{Part: "password", Problem: "is longer than SOCKS5 allows (255 bytes)"}
	errProxyNoSecret       = &ProxyURLError{Part: "secret", Problem: "is missing; an MTProxy link has server, port and secret"}
	errProxySecretEncoding = &ProxyURLError{Part: "secret", Problem: "is neither hexadecimal nor base64"}
	errProxySecretForm     = &ProxyURLError{Part: "secret", Problem: "must be 16 bytes, dd followed by 16 bytes, or ee followed by 16 bytes and a domain name"}
	errProxyNoHost         = &ProxyURLError{Part: "host", Problem: "is missing"}
	errProxyHost           = &ProxyURLError{Part: "host", Problem: "must be a host name or an IP address"}
	errProxyNoPort         = &ProxyURLError{Part: "port", Problem: "is missing"}
	errProxyPort           = &ProxyURLError{Part: "port", Problem: "must be a number between 1 and 65535"}
)

// ProxyForms lists the accepted proxy settings, for help texts.
const ProxyForms = "socks5://[user:password@]host:port, tor (or tor://127.0.0.1:9150 for Tor Browser), " +
	"tg://proxy?server=HOST&port=PORT&secret=SECRET or https://t.me/proxy?server=HOST&port=PORT&secret=SECRET"

// ParseProxy reads a proxy setting. It is the one grammar for the
// preferences file, the command line and the settings page:
//
//	""                                        a direct connection
//	socks5://[user[:password]@]host:port      SOCKS5 (socks5h:// is the same)
//	tor                                       Tor on 127.0.0.1:9050
//	tor://host:port                           Tor elsewhere (Tor Browser: tor://127.0.0.1:9150)
//	tg://proxy?server=H&port=P&secret=S       MTProxy, as Telegram shares it
//	https://t.me/proxy?server=H&port=P&secret=S   the same as a web link
//
// MTProxy secrets are hexadecimal or base64: 16 bytes, dd + 16 bytes, or
// ee + 16 bytes + a domain name. Errors are *ProxyURLError and never
// contain the setting or any part of it.
func ParseProxy(raw string) (Proxy, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Proxy{Kind: ProxyNone}, nil
	}
	if strings.EqualFold(raw, "tor") {
		return Proxy{Kind: ProxyTor, Host: "127.0.0.1", Port: TorPort}, nil
	}
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "t.me/") || strings.HasPrefix(lower, "telegram.me/") {
		raw = "https://" + raw
	}
	if !strings.Contains(raw, "://") && !strings.HasPrefix(strings.ToLower(raw), "tg:") {
		return Proxy{}, errProxyNoKind
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the input; say only that it is not a URL.
		return Proxy{}, errProxyNotURL
	}
	switch strings.ToLower(u.Scheme) {
	case "socks5", "socks5h":
		return parseSOCKS5(u, ProxySOCKS5)
	case "tor":
		if u.User != nil {
			return Proxy{}, errProxyTorUser
		}
		return parseSOCKS5(u, ProxyTor)
	case "tg":
		if !strings.EqualFold(u.Host, "proxy") && !strings.EqualFold(u.Opaque, "proxy") {
			return Proxy{}, errProxyTgLink
		}
		return parseMTProxy(u.Query())
	case "https", "http":
		host := strings.ToLower(u.Host)
		if (host != "t.me" && host != "telegram.me") || u.Path != "/proxy" {
			return Proxy{}, errProxyWebLink
		}
		return parseMTProxy(u.Query())
	case "mtproxy":
		return Proxy{}, errProxyMTProxyScheme
	case "":
		return Proxy{}, errProxyNoKind
	}
	return Proxy{}, errProxyKind
}

func parseSOCKS5(u *url.URL, kind ProxyKind) (Proxy, error) {
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return Proxy{}, errProxyPath
	}
	host, port, err := proxyHostPort(u.Hostname(), u.Port())
	if err != nil {
		return Proxy{}, err
	}
	p := Proxy{Kind: kind, Host: host, Port: port}
	if u.User != nil {
		p.User = u.User.Username()
		if pw, ok := u.User.Password(); ok {
			p.Password = pw
		}
		switch {
		case p.User == "":
			return Proxy{}, errProxyEmptyUser
		case len(p.User) > 255:
			return Proxy{}, errProxyLongUser
		case len(p.Password) > 255:
			return Proxy{}, errProxyLongPassword
		}
	}
	return p, nil
}

func parseMTProxy(q url.Values) (Proxy, error) {
	host, port, err := proxyHostPort(q.Get("server"), q.Get("port"))
	if err != nil {
		return Proxy{}, err
	}
	raw := q.Get("secret")
	if raw == "" {
		return Proxy{}, errProxyNoSecret
	}
	secret, ok := decodeProxySecret(raw)
	if !ok {
		return Proxy{}, errProxySecretEncoding
	}
	if mtproxyMode(secret) == "" {
		return Proxy{}, errProxySecretForm
	}
	return Proxy{Kind: ProxyMTProxy, Host: host, Port: port, Secret: secret}, nil
}

// mtproxyMode is "plain", "dd" or "ee" for a valid MTProxy secret, and ""
// otherwise.
func mtproxyMode(s []byte) string {
	switch {
	case len(s) == 16:
		return "plain"
	case len(s) == 17 && s[0] == 0xdd:
		return "dd"
	case len(s) > 17 && s[0] == 0xee && validDomain(string(s[17:])):
		return "ee"
	}
	return ""
}

func decodeProxySecret(s string) ([]byte, bool) {
	if len(s)%2 == 0 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, true
		}
	}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

func proxyHostPort(host, port string) (string, int, error) {
	switch {
	case host == "":
		return "", 0, errProxyNoHost
	case !validHost(host):
		return "", 0, errProxyHost
	case port == "":
		return "", 0, errProxyNoPort
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, errProxyPort
	}
	return host, n, nil
}

// validHost accepts an IP address or a DNS name.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	return validDomain(h)
}

// validDomain accepts a DNS name: labels of letters, digits, '-' and '_',
// at most 253 bytes in all.
func validDomain(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range []byte(label) {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return false
			}
		}
	}
	return true
}

// GoString hides the password and secret from %#v.
func (p Proxy) GoString() string { return fmt.Sprintf("mtproto.Proxy{%s}", p.String()) }
