package sandbox

import "net"

// watchAccepts tells onAccept the peer of every connection l accepts.
func watchAccepts(l net.Listener, onAccept func(net.Addr)) net.Listener {
	if onAccept == nil {
		return l
	}
	return acceptWatcher{l, onAccept}
}

type acceptWatcher struct {
	net.Listener
	onAccept func(net.Addr)
}

func (w acceptWatcher) Accept() (net.Conn, error) {
	c, err := w.Listener.Accept()
	if err == nil {
		w.onAccept(c.RemoteAddr())
	}
	return c, err
}
