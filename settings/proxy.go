package settings

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ProxyKind says how Tacit reaches Telegram.
type ProxyKind int

const (
	// ProxyDirect is a direct TCP connection (no proxy configured).
	ProxyDirect ProxyKind = iota
	// ProxySOCKS5 is a SOCKS5 proxy such as Tor. Host names are resolved by
	// the proxy, never locally.
	ProxySOCKS5
	// ProxyMTProxy is a Telegram MTProxy.
	ProxyMTProxy
)

// Proxy is a parsed proxy setting.
type Proxy struct {
	Kind ProxyKind
	// Host and Port of the proxy.
	Host string
	Port int
	// User and Password are optional SOCKS5 credentials.
	User, Password string
	// Secret is the MTProxy secret: 16 bytes, or 17 with a leading 0xdd
	// (random padding), or 0xee + 16 bytes + TLS domain (fake TLS).
	Secret []byte
}

// Addr is host:port.
func (p Proxy) Addr() string {
	return net.JoinHostPort(p.Host, strconv.Itoa(p.Port))
}

// ParseProxy parses a proxy setting. The empty string is ProxyDirect. Accepted
// forms:
//
//	socks5://[user[:password]@]host:port   (socks5h:// is accepted as a synonym)
//	mtproxy://host:port?secret=HEX
//	tg://proxy?server=HOST&port=PORT&secret=HEX
//	https://t.me/proxy?server=HOST&port=PORT&secret=HEX
//
// Errors say which part is wrong and never repeat a password or secret.
func ParseProxy(s string) (Proxy, error) {
	if s == "" {
		return Proxy{Kind: ProxyDirect}, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the input, which may hold a password.
		return Proxy{}, fmt.Errorf("not a valid URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "socks5", "socks5h":
		return parseSOCKS5(u)
	case "mtproxy":
		if u.Opaque != "" || u.User != nil || (u.Path != "" && u.Path != "/") {
			return Proxy{}, fmt.Errorf("mtproxy URL must be mtproxy://host:port?secret=HEX")
		}
		return mtproxy(u.Hostname(), u.Port(), u.Query())
	case "tg":
		if u.Host != "proxy" && u.Opaque != "proxy" {
			return Proxy{}, fmt.Errorf("tg:// link must be tg://proxy?server=...&port=...&secret=...")
		}
		q := u.Query()
		return mtproxy(q.Get("server"), q.Get("port"), q)
	case "https":
		if !strings.EqualFold(u.Host, "t.me") || u.Path != "/proxy" {
			return Proxy{}, fmt.Errorf("https link must be https://t.me/proxy?server=...&port=...&secret=...")
		}
		q := u.Query()
		return mtproxy(q.Get("server"), q.Get("port"), q)
	case "":
		return Proxy{}, fmt.Errorf("missing scheme: want socks5://host:port or mtproxy://host:port?secret=HEX")
	default:
		return Proxy{}, fmt.Errorf("unsupported scheme %q: want socks5:// or mtproxy://", u.Scheme)
	}
}

func parseSOCKS5(u *url.URL) (Proxy, error) {
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Proxy{}, fmt.Errorf("socks5 URL must be socks5://[user[:password]@]host:port with no path or query")
	}
	host, port, err := hostPort(u.Hostname(), u.Port())
	if err != nil {
		return Proxy{}, err
	}
	p := Proxy{Kind: ProxySOCKS5, Host: host, Port: port}
	if u.User != nil {
		p.User = u.User.Username()
		p.Password, _ = u.User.Password()
		if len(p.User) > 255 || len(p.Password) > 255 {
			return Proxy{}, fmt.Errorf("socks5 user name and password are limited to 255 bytes each")
		}
	}
	return p, nil
}

func mtproxy(host, port string, q url.Values) (Proxy, error) {
	h, p, err := hostPort(host, port)
	if err != nil {
		return Proxy{}, err
	}
	raw := q.Get("secret")
	if raw == "" {
		return Proxy{}, fmt.Errorf("mtproxy: missing secret")
	}
	secret, err := hex.DecodeString(raw)
	if err != nil {
		return Proxy{}, fmt.Errorf("mtproxy: secret is not hexadecimal")
	}
	switch {
	case len(secret) == 16:
	case len(secret) == 17 && secret[0] == 0xdd:
	case len(secret) > 17 && secret[0] == 0xee:
	default:
		return Proxy{}, fmt.Errorf("mtproxy: secret must be 16 bytes, 0xdd + 16 bytes, or 0xee + 16 bytes + domain (got %d bytes)", len(secret))
	}
	return Proxy{Kind: ProxyMTProxy, Host: h, Port: p, Secret: secret}, nil
}

func hostPort(host, port string) (string, int, error) {
	if host == "" {
		return "", 0, fmt.Errorf("missing host")
	}
	if strings.ContainsAny(host, " /\\@") {
		return "", 0, fmt.Errorf("invalid host %q", host)
	}
	if port == "" {
		return "", 0, fmt.Errorf("missing port")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", 0, fmt.Errorf("port %q is not a number between 1 and 65535", port)
	}
	return host, n, nil
}
