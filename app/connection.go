package app

import (
	"context"

	"tacit/settings"
	"tacit/ui"
)

// The settings' connection section (ui.ConnectionSettings) is the setup's own check over the profile's
// preferences: setupService tests a way to Telegram exactly as the first-start wizard does, and saves it
// for the next start. The running client keeps the way it was started with.

var _ ui.ConnectionSettings = (*setupService)(nil)

// Connection implements ui.ConnectionSettings with what the preferences on disk hold now.
func (s *setupService) Connection(ctx context.Context) (ui.ConnectionState, error) {
	if p, err := settings.LoadPreferences(s.paths.PreferencesFile()); err == nil {
		s.mu.Lock()
		s.prefs.Proxy = p.Proxy
		s.mu.Unlock()
	}
	st, err := s.Saved(ctx)
	if err != nil {
		return ui.ConnectionState{}, err
	}
	return ui.ConnectionState{Connection: st.Connection, TorAddrs: st.TorAddrs}, nil
}

// SaveConnection implements ui.ConnectionSettings: the way is tested first, then written into the
// preferences as they are on disk now (another section may have saved its own settings meanwhile), with
// the profile's Tor isolation token.
func (s *setupService) SaveConnection(ctx context.Context, c ui.Connection) error {
	if err := s.TestConnection(ctx, c); err != nil {
		return err
	}
	_, raw, err := s.proxyOf(c)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	path := s.paths.PreferencesFile()
	next, err := settings.LoadPreferences(path)
	if err != nil {
		next = s.prefs
	}
	next.Proxy = raw
	if next.ProxyIsolation == "" {
		next.ProxyIsolation = s.prefs.ProxyIsolation
	}
	if err := settings.SavePreferences(path, next); err != nil {
		return &ui.Problem{Message: "Tacit cannot save its settings in " + s.paths.Config + ". Check that the directory can be written.", Err: err}
	}
	s.prefs = next
	return nil
}

// fixedConnection is the connection section of a window on a demo server: there is no way to Telegram to
// choose.
type fixedConnection struct{}

// fixedConnectionWords say why.
const fixedConnectionWords = "This window talks to a demo server, not to Telegram, so there is no connection to choose. " +
	"When Tacit talks to Telegram, you choose here how it connects: directly, through a SOCKS5 proxy, Tor or an MTProxy."

// Connection implements ui.ConnectionSettings.
func (fixedConnection) Connection(context.Context) (ui.ConnectionState, error) {
	return ui.ConnectionState{Fixed: fixedConnectionWords}, nil
}

// TestConnection implements ui.ConnectionSettings.
func (fixedConnection) TestConnection(context.Context, ui.Connection) error {
	return &ui.Problem{Message: fixedConnectionWords}
}

// SaveConnection implements ui.ConnectionSettings.
func (fixedConnection) SaveConnection(context.Context, ui.Connection) error {
	return &ui.Problem{Message: fixedConnectionWords}
}
