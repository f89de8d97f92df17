package mtproto

import "github.com/gotd/td/telegram/dcs"

// ProxyResolver exposes the resolver every connection of a client uses,
// for the proxy tests.
func ProxyResolver(p Proxy, base dcs.DialFunc) (dcs.Resolver, error) { return p.resolver(base, nil) }
