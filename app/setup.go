package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
	"tacit/settings"
	"tacit/ui"
)

// probeWait bounds a test of the connection or of the API credentials.
const probeWait = 30 * time.Second

// setupService implements ui.Setup: the first start, before any local data exists. What the user chooses
// goes into the profile's preferences file; the profile's Vault takes over once the credentials work.
type setupService struct {
	runCtx context.Context
	paths  settings.Paths
	// endpoint is where Telegram is: the zero value for Telegram itself, a sandbox in tests.
	endpoint mtproto.Endpoint
	// proxyFlag is the --proxy of the command line, offered on the connection page.
	proxyFlag string
	// custody makes the profile's key custody (the system keyring's; tests make theirs).
	custody func(settings.Paths) *settings.Custody

	mu    sync.Mutex
	prefs settings.Preferences
	vault *vault   // the profile's, once UseCredentials succeeded
	demo  *demoRun // the demo, once started
	diag  *diagnostics
}

var _ ui.Setup = (*setupService)(nil)

func newSetup(runCtx context.Context, paths settings.Paths, prefs settings.Preferences, proxyFlag string, diag *diagnostics) *setupService {
	return &setupService{runCtx: runCtx, paths: paths, prefs: prefs, proxyFlag: proxyFlag, diag: diag, custody: systemCustody}
}

// systemCustody keeps the profile's database key with the system keyring or behind a passphrase.
func systemCustody(paths settings.Paths) *settings.Custody {
	return settings.NewCustody(paths.Data, paths.Profile, settings.SystemKeyring{})
}

// Saved implements ui.Setup.
func (s *setupService) Saved(context.Context) (ui.SetupState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ui.SetupState{TorAddrs: torAddrs()}
	raw := s.proxyFlag
	if raw == "" {
		raw = s.prefs.Proxy
	}
	// A proxy setting that does not parse was refused when the preferences were read; offer a direct
	// connection then, which the user sees and can change before anything is sent.
	if p, err := mtproto.ParseProxy(raw); err == nil {
		st.Connection = connectionOf(p, raw)
	}
	if s.prefs.APIID != 0 {
		st.APIID, st.APIHash = strconv.Itoa(s.prefs.APIID), s.prefs.APIHash
	}
	return st, nil
}

// torAddrs are where Tor listens on this computer, as the connection page offers them.
func torAddrs() []string {
	p, err := mtproto.ParseProxy("tor") // the engine's default Tor: this computer, the tor service's port
	if err != nil {
		return nil
	}
	browser := p
	browser.Port = mtproto.TorBrowserPort
	return []string{p.Addr(), browser.Addr()}
}

// connectionOf describes a parsed proxy setting for the connection page; raw is the setting (an MTProxy
// link is shown as it was given).
func connectionOf(p mtproto.Proxy, raw string) ui.Connection {
	switch p.Kind {
	case mtproto.ProxySOCKS5:
		return ui.Connection{Kind: ui.ConnectSOCKS5, Host: p.Host, Port: strconv.Itoa(p.Port), User: p.User, Password: p.Password}
	case mtproto.ProxyTor:
		return ui.Connection{Kind: ui.ConnectTor, Host: p.Host, Port: strconv.Itoa(p.Port)}
	case mtproto.ProxyMTProxy:
		return ui.Connection{Kind: ui.ConnectMTProxy, Link: strings.TrimSpace(raw)}
	}
	return ui.Connection{Kind: ui.ConnectDirect}
}

// proxySetting writes c in the engine's one proxy grammar, as the preferences keep it.
func proxySetting(c ui.Connection) string {
	host := net.JoinHostPort(strings.TrimSpace(c.Host), strings.TrimSpace(c.Port))
	switch c.Kind {
	case ui.ConnectSOCKS5:
		u := url.URL{Scheme: "socks5", Host: host}
		if c.User != "" || c.Password != "" {
			u.User = url.UserPassword(c.User, c.Password)
		}
		return u.String()
	case ui.ConnectTor:
		return (&url.URL{Scheme: "tor", Host: host}).String()
	case ui.ConnectMTProxy:
		return strings.TrimSpace(c.Link)
	}
	return ""
}

// proxyOf reads c with the engine's grammar; Tor gets the profile's isolation credentials (made now if the
// profile has none; they are saved with the preferences).
func (s *setupService) proxyOf(c ui.Connection) (mtproto.Proxy, string, error) {
	raw := proxySetting(c)
	p, err := mtproto.ParseProxy(raw)
	if err != nil {
		return mtproto.Proxy{}, "", userError(err)
	}
	if p.Kind == mtproto.ProxyTor {
		s.mu.Lock()
		_, err := s.prefs.EnsureProxyIsolation()
		token := s.prefs.ProxyIsolation
		s.mu.Unlock()
		if err != nil {
			return mtproto.Proxy{}, "", userError(err)
		}
		p = p.Isolate(token)
	}
	return p, raw, nil
}

// probe asks Telegram (or the test's endpoint) for its configuration through p.
func (s *setupService) probe(ctx context.Context, p mtproto.Proxy, apiID int, apiHash string) error {
	ctx, cancel := context.WithTimeout(ctx, probeWait)
	defer cancel()
	return mtproto.Probe(ctx, mtproto.Options{AppID: apiID, AppHash: apiHash, Endpoint: s.endpoint, Proxy: p})
}

// TestConnection implements ui.Setup. Any answer from Telegram shows that the way there works, even one
// that refuses the credentials (those are checked on the next page).
func (s *setupService) TestConnection(ctx context.Context, c ui.Connection) error {
	p, _, err := s.proxyOf(c)
	if err != nil {
		return err
	}
	s.mu.Lock()
	id, hash := s.prefs.APIID, s.prefs.APIHash
	s.mu.Unlock()
	err = s.probe(ctx, p, id, hash)
	var me *mtproto.Error
	if errors.As(err, &me) && me.RPC != "" {
		return nil
	}
	return connectionError(err)
}

// CheckCredentials implements ui.Setup with the preferences' own rules.
func (s *setupService) CheckCredentials(apiID, apiHash string) error {
	_, _, err := s.credentials(apiID, apiHash)
	return err
}

// credentials reads api_id and api_hash as typed.
func (s *setupService) credentials(apiID, apiHash string) (int, string, error) {
	apiID, apiHash = strings.TrimSpace(apiID), strings.ToLower(strings.TrimSpace(apiHash))
	id, err := strconv.Atoi(apiID)
	if apiID == "" || err != nil || id <= 0 {
		return 0, "", credentialError("api_id", apiID == "")
	}
	if apiHash == "" {
		return 0, "", credentialError("api_hash", true)
	}
	p := settings.Default()
	p.APIID, p.APIHash = id, apiHash
	var pe *settings.PreferencesError
	if errors.As(p.Validate(), &pe) {
		for _, pr := range pe.Problems {
			if pr.Field == "api_id" || pr.Field == "api_hash" {
				return 0, "", credentialError(pr.Field, false)
			}
		}
	}
	return id, apiHash, nil
}

// UseCredentials implements ui.Setup.
func (s *setupService) UseCredentials(ctx context.Context, c ui.Connection, apiID, apiHash string) (ui.Vault, error) {
	id, hash, err := s.credentials(apiID, apiHash)
	if err != nil {
		return nil, err
	}
	p, raw, err := s.proxyOf(c)
	if err != nil {
		return nil, err
	}
	if err := s.probe(ctx, p, id, hash); err != nil {
		return nil, apiError(err)
	}
	if err := s.paths.Ensure(); err != nil {
		return nil, userError(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.prefs
	next.APIID, next.APIHash, next.Proxy = id, hash, raw
	if err := settings.SavePreferences(s.paths.PreferencesFile(), next); err != nil {
		return nil, &ui.Problem{Message: "Tacit cannot save its settings in " + s.paths.Config + ". Check that the directory can be written.", Err: err}
	}
	s.prefs = next
	if s.vault != nil {
		s.vault.close() // Back from the data protection page: nothing of it was opened
	}
	opts := mtproto.Options{AppID: id, AppHash: hash, Endpoint: s.endpoint, Proxy: p}
	s.vault = newVault(s.runCtx, s.paths, s.custody(s.paths), opts)
	return s.vault, nil
}

// Demo implements ui.Setup: the sandbox in this process, with its simulated people, group and channel.
func (s *setupService) Demo(ctx context.Context) (ui.Vault, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.demo == nil {
		d, err := startDemo(ctx, s.runCtx, s.diag)
		if err != nil {
			return nil, &ui.Problem{Message: "The demo server did not start. Try again.", Err: err}
		}
		d.sess.prefs = newPrefStore("", s.prefs) // the profile's choices, changed in memory only
		s.demo = d
	}
	return s.demo.vault, nil
}

// close ends whatever the wizard started: the profile's client and store, or the demo.
func (s *setupService) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vault != nil {
		s.vault.close()
	}
	if s.demo != nil {
		s.demo.close()
	}
}

// demoRun is the demo server in this process, the window's session on it and the demo's key custody.
type demoRun struct {
	srv   *sandbox.Server
	sess  *session
	keys  *demoKeys
	vault demoVault
}

// startDemo starts the sandbox with its demo people, group and channel, and the demo's key custody.
func startDemo(ctx, runCtx context.Context, diag *diagnostics) (*demoRun, error) {
	keys, err := newDemoKeys()
	if err != nil {
		return nil, err
	}
	srv, err := sandbox.New(sandbox.Options{DemoAnswerDelay: sandbox.DemoAnswerDelay, Logf: diag.sandboxf})
	if err != nil {
		return nil, errors.Join(err, keys.remove())
	}
	if err := srv.DemoContacts(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("app: demo contacts: %w", err), srv.Close(), keys.remove())
	}
	if err := srv.DemoGroups(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("app: demo group and channel: %w", err), srv.Close(), keys.remove())
	}
	srv.DemoOtherDevice()
	opts := mtproto.Options{AppID: 1, AppHash: "sandbox", Endpoint: srv.Endpoint()}
	sess := newSession(runCtx, opts, nil, srv, "", diag)
	// The demo's lock opens with the passphrase of the demo's key custody, as a profile's does.
	sess.lock = &appLock{custody: keys.custody, demo: keys}
	d := &demoRun{srv: srv, sess: sess, keys: keys}
	d.vault = demoVault{vault: newVault(runCtx, settings.Paths{Data: keys.dir, Profile: demoProfile}, keys.custody, opts), d: d}
	return d, nil
}

func (d *demoRun) close() {
	d.vault.close()
	d.sess.close()
	if err := d.srv.Close(); err != nil {
		d.sess.diag.report("demo server stopped", err)
	}
	if err := d.keys.remove(); err != nil {
		d.sess.diag.report("remove the demo's key directory", err)
	}
}
