package settings

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseProxy(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		in   string
		want Proxy
	}{
		{"", Proxy{Kind: ProxyDirect}},
		{"socks5://127.0.0.1:9050", Proxy{Kind: ProxySOCKS5, Host: "127.0.0.1", Port: 9050}},
		{"socks5h://tor:9050/", Proxy{Kind: ProxySOCKS5, Host: "tor", Port: 9050}},
		{"socks5://u:p@[::1]:1080", Proxy{Kind: ProxySOCKS5, Host: "::1", Port: 1080, User: "u", Password: "p"}},
		{"mtproxy://proxy.example:443?secret=" + secret, Proxy{Kind: ProxyMTProxy, Host: "proxy.example", Port: 443}},
		{"tg://proxy?server=1.2.3.4&port=8888&secret=dd" + secret, Proxy{Kind: ProxyMTProxy, Host: "1.2.3.4", Port: 8888}},
		{"https://t.me/proxy?server=p.example&port=443&secret=ee" + secret + "676f6f676c652e636f6d", Proxy{Kind: ProxyMTProxy, Host: "p.example", Port: 443}},
	}
	for _, tt := range tests {
		got, err := ParseProxy(tt.in)
		if err != nil {
			t.Errorf("ParseProxy(%q): %v", tt.in, err)
			continue
		}
		if got.Kind != tt.want.Kind || got.Host != tt.want.Host || got.Port != tt.want.Port || got.User != tt.want.User || got.Password != tt.want.Password {
			t.Errorf("ParseProxy(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	p, err := ParseProxy("tg://proxy?server=h&port=1&secret=dd" + secret)
	if err != nil || len(p.Secret) != 17 || p.Secret[0] != 0xdd || p.Addr() != "h:1" {
		t.Fatalf("secret/addr: %+v %v", p, err)
	}
	if !bytes.Equal(p.Secret[1:3], []byte{0x01, 0x23}) {
		t.Fatalf("secret bytes %x", p.Secret)
	}
}

func TestParseProxyRejects(t *testing.T) {
	tests := map[string]string{
		"localhost:9050":                       "scheme",
		"http://h:8080":                        "unsupported scheme",
		"socks5://h":                           "missing port",
		"socks5://:1080":                       "missing host",
		"socks5://h:0":                         "between 1 and 65535",
		"socks5://h:70000":                     "between 1 and 65535",
		"socks5://h:1?x=1":                     "no path or query",
		"mtproxy://h:443":                      "missing secret",
		"mtproxy://h:443?secret=zz":            "not hexadecimal",
		"mtproxy://h:443?secret=0123":          "16 bytes",
		"tg://resolve?domain=x":                "tg://proxy",
		"https://example.com/proxy?server=h":   "t.me/proxy",
		"tg://proxy?server=h&port=x&secret=00": "between 1 and 65535",
		"socks5://h:1\x7f":                     "valid URL",
	}
	for in, want := range tests {
		_, err := ParseProxy(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseProxy(%q) = %v, want error containing %q", in, err, want)
		}
	}
}
