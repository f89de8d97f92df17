package mtproto

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
)

const testSecret = "0123456789abcdef0123456789abcdef"

func TestParseProxyAccepts(t *testing.T) {
	ee := "ee" + testSecret + hex.EncodeToString([]byte("www.example.com"))
	eeRaw, _ := hex.DecodeString(ee)
	tests := []struct {
		in   string
		want Proxy
	}{
		{"", Proxy{Kind: ProxyNone}},
		{"  ", Proxy{Kind: ProxyNone}},
		{"socks5://127.0.0.1:1080", Proxy{Kind: ProxySOCKS5, Host: "127.0.0.1", Port: 1080}},
		{"SOCKS5://proxy.example:1080/", Proxy{Kind: ProxySOCKS5, Host: "proxy.example", Port: 1080}},
		{"socks5h://proxy.example:1080", Proxy{Kind: ProxySOCKS5, Host: "proxy.example", Port: 1080}},
		{"socks5://alice:s3cret@[::1]:1080", Proxy{Kind: ProxySOCKS5, Host: "::1", Port: 1080, User: "alice", Password: "s3cret"}},
		{"socks5://alice@h:1", Proxy{Kind: ProxySOCKS5, Host: "h", Port: 1, User: "alice"}},
		{"socks5://a%40b:p%3Aw@h:65535", Proxy{Kind: ProxySOCKS5, Host: "h", Port: 65535, User: "a@b", Password: "p:w"}},
		{"tor", Proxy{Kind: ProxyTor, Host: "127.0.0.1", Port: TorPort}},
		{"TOR", Proxy{Kind: ProxyTor, Host: "127.0.0.1", Port: TorPort}},
		{"tor://127.0.0.1:9150", Proxy{Kind: ProxyTor, Host: "127.0.0.1", Port: TorBrowserPort}},
		{"tg://proxy?server=1.2.3.4&port=443&secret=" + testSecret, Proxy{Kind: ProxyMTProxy, Host: "1.2.3.4", Port: 443, Secret: mustHex(testSecret)}},
		{"tg://proxy?server=p.example&port=8443&secret=dd" + testSecret, Proxy{Kind: ProxyMTProxy, Host: "p.example", Port: 8443, Secret: mustHex("dd" + testSecret)}},
		{"https://t.me/proxy?server=p.example&port=443&secret=" + ee, Proxy{Kind: ProxyMTProxy, Host: "p.example", Port: 443, Secret: eeRaw}},
		{"https://t.me/proxy?server=p.example&port=443&secret=" + base64.RawURLEncoding.EncodeToString(eeRaw), Proxy{Kind: ProxyMTProxy, Host: "p.example", Port: 443, Secret: eeRaw}},
		{"t.me/proxy?server=p.example&port=443&secret=" + base64.StdEncoding.EncodeToString(eeRaw), Proxy{Kind: ProxyMTProxy, Host: "p.example", Port: 443, Secret: eeRaw}},
		{"http://telegram.me/proxy?port=1&server=h&secret=dd" + testSecret + "&extra=1", Proxy{Kind: ProxyMTProxy, Host: "h", Port: 1, Secret: mustHex("dd" + testSecret)}},
	}
	for _, tt := range tests {
		got, err := ParseProxy(tt.in)
		if err != nil {
			t.Errorf("ParseProxy(%q): %v", tt.in, err)
			continue
		}
		if got.Kind != tt.want.Kind || got.Host != tt.want.Host || got.Port != tt.want.Port ||
			got.User != tt.want.User || got.Password != tt.want.Password || !bytes.Equal(got.Secret, tt.want.Secret) {
			t.Errorf("ParseProxy(%q) = %#v %q %q %x, want %#v", tt.in, got, got.User, got.Password, got.Secret, tt.want)
		}
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseProxyRejects(t *testing.T) {
	tests := map[string]string{
		"localhost:9050":                       "kind",
		"127.0.0.1:9050":                       "kind",
		"http://h:8080":                        "link",
		"ftp://h:21":                           "kind",
		"mtproxy://h:443?secret=" + testSecret: "tg://proxy",
		"socks5://h":                           "port",
		"socks5://:1080":                       "host",
		"socks5://h:0":                         "between 1 and 65535",
		"socks5://h:70000":                     "between 1 and 65535",
		"socks5://h:1?x=1":                     "nothing after the port",
		"socks5://h:1/path":                    "nothing after the port",
		"socks5://h:1#frag":                    "nothing after the port",
		"socks5://:pw@h:1":                     "user",
		"socks5://" + strings.Repeat("u", 256) + ":p@h:1": "255",
		"socks5://u:" + strings.Repeat("p", 256) + "@h:1": "255",
		"socks5://h_!:1":                                                 "host",
		"tor://u:p@127.0.0.1:9050":                                       "own",
		"tor://127.0.0.1":                                                "port",
		"tg://resolve?domain=x":                                          "tg://proxy",
		"tg://proxy?server=h&port=1":                                     "secret",
		"tg://proxy?server=h&port=x&secret=00":                           "between 1 and 65535",
		"tg://proxy?port=1&secret=00":                                    "host",
		"tg://proxy?server=h%20x&port=1&secret=00":                       "host",
		"tg://proxy?server=h&port=1&secret=0123":                         "16 bytes",
		"tg://proxy?server=h&port=1&secret=!!!!":                         "hexadecimal",
		"tg://proxy?server=h&port=1&secret=ee" + testSecret:              "16 bytes",
		"tg://proxy?server=h&port=1&secret=ef" + testSecret:              "16 bytes",
		"tg://proxy?server=h&port=1&secret=ee" + testSecret + "2f2f":     "16 bytes",
		"https://example.com/proxy?server=h&port=1&secret=" + testSecret: "t.me/proxy",
		"https://t.me/joinchat?server=h&port=1&secret=" + testSecret:     "t.me/proxy",
		"socks5://h:1\x7f":                                               "valid URL",
	}
	for in, want := range tests {
		_, err := ParseProxy(in)
		if err == nil || !slices.Contains(proxyURLErrors, err) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseProxy(%q) = %v, want a *ProxyURLError containing %q", in, err, want)
		}
	}
}

// TestProxyErrorsHideSecrets feeds settings that are wrong in every part
// and checks that no error text repeats a password, a secret or the
// setting itself.
func TestProxyErrorsHideSecrets(t *testing.T) {
	const password = "Hunter2Canary"
	const secret = "dd" + "c0ffee00c0ffee00c0ffee00c0ffee00"
	bad := []string{
		"socks5://alice:" + password + "@host/path",
		"socks5://alice:" + password + "@host:99999",
		"socks5://alice:" + password + "@:1080",
		"socks5://alice:" + password + "@host",
		"socks5://alice:" + password + "@host:1?q",
		"socks5://:" + password + "@host:1",
		"socks5://alice:" + password + "@ho st:1",
		"socks5://alice:" + password + "\x7f@host:1",
		"tor://alice:" + password + "@127.0.0.1:9050",
		"mtproxy://host:1?secret=" + secret,
		"tg://proxy?server=host&port=x&secret=" + secret,
		"tg://proxy?server=&port=1&secret=" + secret,
		"tg://proxy?server=host&port=1&secret=" + secret + "ff",
		"tg://proxy?server=host&port=1&secret=" + secret[:30],
		"tg://resolve?server=host&port=1&secret=" + secret,
		"https://t.me/proxi?server=host&port=1&secret=" + secret,
		"https://t.me/proxy?server=h%00st&port=1&secret=" + secret,
		password + "://host:1",
		secret,
	}
	for _, in := range bad {
		_, err := ParseProxy(in)
		if err == nil {
			t.Errorf("ParseProxy(%q) accepted", in)
			continue
		}
		msg := err.Error()
		for _, leak := range []string{password, strings.ToLower(password), secret, secret[2:], secret[:16], in} {
			if strings.Contains(msg, leak) {
				t.Errorf("error for %q leaks %q: %s", in, leak, msg)
			}
		}
	}
}

// TestProxyPrintsNoSecret checks that formatting a Proxy for a log or an
// error never prints its password or secret.
func TestProxyPrintsNoSecret(t *testing.T) {
	for _, in := range []string{
		"socks5://alice:Hunter2Canary@h:1",
		"tg://proxy?server=h&port=1&secret=ee" + testSecret + hex.EncodeToString([]byte("cdn.example")),
	} {
		p, err := ParseProxy(in)
		if err != nil {
			t.Fatal(err)
		}
		p = p.Isolate("tokenCanary")
		for _, s := range []string{p.String(), fmt.Sprint(p), fmt.Sprintf("%v %+v %#v %s", p, p, p, p)} {
			if strings.Contains(s, "Hunter2Canary") || strings.Contains(s, testSecret) || strings.Contains(s, "89abcdef") {
				t.Errorf("%q prints a secret: %s", in, s)
			}
		}
	}
	tor, _ := ParseProxy("tor")
	if s := fmt.Sprintf("%v %+v %#v", tor.Isolate("tokenCanary"), tor.Isolate("tokenCanary"), tor.Isolate("tokenCanary")); strings.Contains(s, "tokenCanary") {
		t.Errorf("Tor isolation token printed: %s", s)
	}
}

func TestIsolateOnlyTor(t *testing.T) {
	tor, _ := ParseProxy("tor")
	if p := tor.Isolate("abc"); p.User == "" || p.Password != "abc" {
		t.Fatalf("Tor not isolated: %q %q", p.User, p.Password)
	}
	socks, _ := ParseProxy("socks5://127.0.0.1:9050")
	if p := socks.Isolate("abc"); p.User != "" || p.Password != "" {
		t.Fatal("a plain SOCKS5 proxy got credentials it was not given")
	}
}

// proxyURLErrors are all the errors ParseProxy returns; their texts are
// fixed, so none can carry a password or secret.
var proxyURLErrors = []error{
	errProxyNoKind, errProxyNotURL, errProxyTorUser, errProxyTgLink, errProxyWebLink,
	errProxyMTProxyScheme, errProxyKind, errProxyPath, errProxyEmptyUser, errProxyLongUser,
	errProxyLongPassword, errProxyNoSecret, errProxySecretEncoding, errProxySecretForm,
	errProxyNoHost, errProxyHost, errProxyNoPort, errProxyPort,
}

// FuzzParseProxy: the parser never panics; what it accepts is well formed;
// what it refuses is one of the fixed *ProxyURLErrors.
func FuzzParseProxy(f *testing.F) {
	for _, s := range []string{
		"", "tor", "tor://127.0.0.1:9150", "socks5://u:p@127.0.0.1:1080", "socks5h://[::1]:9050/",
		"tg://proxy?server=1.2.3.4&port=443&secret=" + testSecret,
		"tg://proxy?server=h&port=1&secret=dd" + testSecret,
		"https://t.me/proxy?server=h&port=1&secret=ee" + testSecret + "6578616d706c652e636f6d",
		"t.me/proxy?server=h&port=1&secret=7gEjRWeJq83vASNFZ4mrze9leGFtcGxlLmNvbQ",
		"mtproxy://h:1?secret=00", "socks5://h:1?x", "%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseProxy(in)
		if err != nil {
			// Every refusal is one of the fixed errors: nothing of the
			// input can be in its text.
			if !slices.Contains(proxyURLErrors, err) {
				t.Fatalf("error outside the fixed set %T: %v", err, err)
			}
			return
		}
		switch p.Kind {
		case ProxyNone:
			if strings.TrimSpace(in) != "" {
				t.Fatalf("%q parsed as a direct connection", in)
			}
		case ProxySOCKS5, ProxyTor, ProxyMTProxy:
			if !validHost(p.Host) || p.Port < 1 || p.Port > 65535 {
				t.Fatalf("%q: bad host or port %q %d", in, p.Host, p.Port)
			}
			if p.Kind == ProxyMTProxy && mtproxyMode(p.Secret) == "" {
				t.Fatalf("%q: invalid secret accepted", in)
			}
			if _, err := p.resolver(nil, nil); err != nil {
				t.Fatalf("%q: accepted but no resolver: %v", in, err)
			}
		default:
			t.Fatalf("unknown kind %d", p.Kind)
		}
	})
}
