package mtproto

import (
	"context"
	"errors"
	"net"

	"golang.org/x/net/proxy"

	"github.com/gotd/td/telegram/dcs"
	"github.com/gotd/td/transport"
)

// ErrProxyUnreachable is matched by every *ProxyError.
var ErrProxyUnreachable = errors.New("proxy unreachable")

// ProxyError says the proxy could not carry a connection to Telegram.
// Tacit never falls back to a direct connection: with a proxy set, every
// connection goes through it or fails with this error.
type ProxyError struct {
	// Kind and Addr (host:port) name the proxy; Addr holds no password.
	Kind ProxyKind
	Addr string
	// Refused is true when the proxy answered but would not carry the
	// connection (wrong credentials, or it cannot reach Telegram); false
	// when the proxy itself could not be reached.
	Refused bool
	// Err is the cause.
	Err error
}

func (e *ProxyError) Error() string {
	what := "unreachable"
	if e.Refused {
		what = "refused the connection"
	}
	return "mtproto: " + e.Kind.String() + " proxy " + e.Addr + " " + what + ": " + e.Err.Error()
}

func (e *ProxyError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrProxyUnreachable) true.
func (e *ProxyError) Is(target error) bool { return target == ErrProxyUnreachable }

// resolver builds the DC resolver every connection of the client uses
// (gotd's primary connection, its DC pools for migrations and other data
// centres, media and CDN connections): the obfuscated abridged transport
// (Telegram Desktop's wire format) dialled directly, through SOCKS5/Tor,
// or through MTProxy. base, when not nil, replaces the network dialer (the
// in-memory sandbox; tests). report is told of each proxy failure and
// each connection made.
func (p Proxy) resolver(base dcs.DialFunc, report func(error)) (dcs.Resolver, error) {
	if base == nil {
		var d net.Dialer
		base = d.DialContext
	}
	plain := func(dial dcs.DialFunc) dcs.Resolver {
		return dcs.Plain(dcs.PlainOptions{Protocol: transport.Abridged, Obfuscated: true, Dial: dial})
	}
	// toProxy dials the proxy itself, whatever address the transport asked
	// for: nothing is ever dialled except the proxy.
	toProxy := func(ctx context.Context, network, _ string) (net.Conn, error) {
		c, err := base(ctx, network, p.Addr())
		if err != nil {
			return nil, &ProxyError{Kind: p.Kind, Addr: p.Addr(), Err: err}
		}
		return c, nil
	}
	switch p.Kind {
	case ProxyNone:
		return plain(base), nil
	case ProxySOCKS5, ProxyTor:
		var auth *proxy.Auth
		if p.User != "" {
			auth = &proxy.Auth{User: p.User, Password: p.Password}
		}
		sd, err := proxy.SOCKS5("tcp", p.Addr(), auth, contextDialer(toProxy))
		if err != nil {
			return nil, &ProxyError{Kind: p.Kind, Addr: p.Addr(), Err: err}
		}
		cd, ok := sd.(proxy.ContextDialer)
		if !ok {
			return nil, &ProxyError{Kind: p.Kind, Addr: p.Addr(), Err: errors.New("SOCKS5 dialer without context support")}
		}
		// The SOCKS5 dialer sends host names to the proxy unresolved.
		return reportingResolver{plain(cd.DialContext), p, report}, nil
	case ProxyMTProxy:
		r, err := dcs.MTProxy(p.Addr(), p.Secret, dcs.MTProxyOptions{Dial: toProxy})
		if err != nil {
			// gotd's message repeats the secret: keep only our words.
			return nil, errProxySecretForm
		}
		return reportingResolver{r, p, report}, nil
	}
	return nil, errProxyKind
}

// reportingResolver turns every failure to connect through the proxy into
// a *ProxyError and tells report about it and about each success.
type reportingResolver struct {
	dcs.Resolver
	p      Proxy
	report func(error)
}

func (r reportingResolver) Primary(ctx context.Context, dc int, list dcs.List) (transport.Conn, error) {
	return r.done(ctx)(r.Resolver.Primary(ctx, dc, list))
}

func (r reportingResolver) MediaOnly(ctx context.Context, dc int, list dcs.List) (transport.Conn, error) {
	return r.done(ctx)(r.Resolver.MediaOnly(ctx, dc, list))
}

func (r reportingResolver) CDN(ctx context.Context, dc int, list dcs.List) (transport.Conn, error) {
	return r.done(ctx)(r.Resolver.CDN(ctx, dc, list))
}

func (r reportingResolver) done(ctx context.Context) func(transport.Conn, error) (transport.Conn, error) {
	return func(c transport.Conn, err error) (transport.Conn, error) {
		if err != nil && ctx.Err() == nil {
			var pe *ProxyError
			if !errors.As(err, &pe) {
				// The proxy took the connection but did not carry it.
				pe = &ProxyError{Kind: r.p.Kind, Addr: r.p.Addr(), Refused: true, Err: err}
			}
			err = pe
		}
		if r.report != nil && ctx.Err() == nil {
			r.report(err)
		}
		return c, err
	}
}

type contextDialer dcs.DialFunc

func (d contextDialer) Dial(network, addr string) (net.Conn, error) {
	return d(context.Background(), network, addr)
}

func (d contextDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return d(ctx, network, addr)
}
