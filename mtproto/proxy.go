package mtproto

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/proxy"

	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/transport"
)

// ProxyKind names the supported proxy types.
type ProxyKind int

// Proxy kinds.
const (
	ProxyNone ProxyKind = iota
	ProxySOCKS5
	ProxyMTProxy
)

// Proxy is a parsed proxy setting. It is chosen before the first packet is
// sent, so registration and login also go through it.
type Proxy struct {
	Kind     ProxyKind
	Addr     string // host:port
	User     string
	Password string
	Secret   []byte // MTProxy secret
}

// ParseProxy reads a proxy URL: "" (none), "socks5://[user:pass@]host:port"
// (Tor's SOCKS port works here) or "tg://proxy?server=H&port=P&secret=S"
// (also https://t.me/proxy?...) for MTProxy.
func ParseProxy(raw string) (Proxy, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Proxy{}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Proxy{}, fmt.Errorf("proxy: %q is not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme == "socks5" || u.Scheme == "socks5h":
		if u.Host == "" || u.Port() == "" {
			return Proxy{}, fmt.Errorf("proxy: %q needs host and port, e.g. socks5://127.0.0.1:9050", raw)
		}
		p := Proxy{Kind: ProxySOCKS5, Addr: u.Host}
		if u.User != nil {
			p.User = u.User.Username()
			p.Password, _ = u.User.Password()
		}
		return p, nil
	case u.Scheme == "tg" && u.Host == "proxy", (u.Scheme == "https" || u.Scheme == "http") && u.Host == "t.me" && u.Path == "/proxy":
		q := u.Query()
		server, port, secret := q.Get("server"), q.Get("port"), q.Get("secret")
		if server == "" || port == "" || secret == "" {
			return Proxy{}, fmt.Errorf("proxy: MTProxy link needs server, port and secret")
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return Proxy{}, fmt.Errorf("proxy: MTProxy port %q is not a number", port)
		}
		s, err := decodeSecret(secret)
		if err != nil {
			return Proxy{}, err
		}
		return Proxy{Kind: ProxyMTProxy, Addr: net.JoinHostPort(server, port), Secret: s}, nil
	}
	return Proxy{}, fmt.Errorf("proxy: unsupported scheme %q (use socks5:// or tg://proxy?...)", u.Scheme)
}

func decodeSecret(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("proxy: MTProxy secret is neither hex nor base64")
}

// resolver builds the DC resolver: obfuscated abridged transport (the wire
// format of Telegram Desktop), dialled directly, through SOCKS5, or through
// MTProxy. base, when not nil, replaces the network dialer (the in-memory
// sandbox).
func (p Proxy) resolver(base dcs.DialFunc) (dcs.Resolver, error) {
	dial := base
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	switch p.Kind {
	case ProxyNone:
		return dcs.Plain(dcs.PlainOptions{Protocol: transport.Abridged, Obfuscated: true, Dial: dial}), nil
	case ProxySOCKS5:
		var auth *proxy.Auth
		if p.User != "" {
			auth = &proxy.Auth{User: p.User, Password: p.Password}
		}
		sd, err := proxy.SOCKS5("tcp", p.Addr, auth, contextDialer(dial))
		if err != nil {
			return nil, fmt.Errorf("proxy: socks5: %w", err)
		}
		cd, ok := sd.(proxy.ContextDialer)
		if !ok {
			return nil, fmt.Errorf("proxy: socks5 dialer has no context support")
		}
		return dcs.Plain(dcs.PlainOptions{Protocol: transport.Abridged, Obfuscated: true, Dial: cd.DialContext}), nil
	case ProxyMTProxy:
		r, err := dcs.MTProxy(p.Addr, p.Secret, dcs.MTProxyOptions{Dial: dial})
		if err != nil {
			return nil, fmt.Errorf("proxy: mtproxy: %w", err)
		}
		return r, nil
	}
	return nil, fmt.Errorf("proxy: unknown kind %d", p.Kind)
}

type contextDialer dcs.DialFunc

func (d contextDialer) Dial(network, addr string) (net.Conn, error) {
	return d(context.Background(), network, addr)
}

func (d contextDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return d(ctx, network, addr)
}
