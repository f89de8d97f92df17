package privacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// CurrentSession is the hash that names this device's own session.
const CurrentSession int64 = 0

// Session is one logged-in device of the account, as the server lists it.
type Session struct {
	// Hash names the session for Terminate and SetSecretChatsAllowed;
	// CurrentSession for this device.
	Hash    int64
	Current bool
	// Device is the device strings in one line, e.g.
	// "Desktop, Desktop, Tacit 0.1.0".
	Device        string
	DeviceModel   string
	Platform      string
	SystemVersion string
	AppName       string
	AppVersion    string
	// Official: the server says the app is an official Telegram app.
	Official bool
	IP       string
	// Location is the server's guess from the IP address.
	Location string
	Created  time.Time
	Active   time.Time
	// AcceptsSecretChats: secret chat requests may reach this session.
	AcceptsSecretChats bool
	// AcceptsCalls: calls may ring on this session.
	AcceptsCalls bool
	// PasswordPending: logged in with the code, the 2-step password not
	// given yet.
	PasswordPending bool
	// Unconfirmed: a new login the server asks the user to confirm.
	Unconfirmed bool
}

// App is the session's app and version in one line. The app's name is the one the server registered for
// its api_id, which a server may not know: it then says "unknown", which is left out.
func (s Session) App() string {
	return appLine(s.AppName, s.AppVersion)
}

func appLine(name, version string) string {
	name = strings.TrimSpace(name)
	if strings.EqualFold(name, "unknown") {
		name = ""
	}
	return strings.TrimSpace(name + " " + version)
}

func deviceLine(a tg.Authorization) string {
	var parts []string
	seen := map[string]bool{}
	for _, p := range []string{a.DeviceModel, a.Platform, a.SystemVersion, appLine(a.AppName, a.AppVersion)} {
		p = strings.TrimSpace(p)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "unknown device"
	}
	return strings.Join(parts, ", ")
}

func sessionOf(a tg.Authorization) Session {
	hash := a.Hash
	if a.Current {
		hash = CurrentSession
	}
	var loc []string
	for _, p := range []string{a.Region, a.Country} {
		if p != "" {
			loc = append(loc, p)
		}
	}
	return Session{
		Hash:               hash,
		Current:            a.Current,
		Device:             deviceLine(a),
		DeviceModel:        a.DeviceModel,
		Platform:           a.Platform,
		SystemVersion:      a.SystemVersion,
		AppName:            a.AppName,
		AppVersion:         a.AppVersion,
		Official:           a.OfficialApp,
		IP:                 a.IP,
		Location:           strings.Join(loc, ", "),
		Created:            time.Unix(int64(a.DateCreated), 0),
		Active:             time.Unix(int64(a.DateActive), 0),
		AcceptsSecretChats: !a.EncryptedRequestsDisabled,
		AcceptsCalls:       !a.CallRequestsDisabled,
		PasswordPending:    a.PasswordPending,
		Unconfirmed:        a.Unconfirmed,
	}
}

// Sessions lists the account's logged-in devices, this one first.
func Sessions(ctx context.Context, api *tg.Client) ([]Session, error) {
	res, err := api.AccountGetAuthorizations(ctx)
	if err != nil {
		return nil, fmt.Errorf("privacy: sessions: %w", mtproto.Classify(err))
	}
	out := make([]Session, 0, len(res.Authorizations))
	for _, a := range res.Authorizations {
		s := sessionOf(a)
		if s.Current {
			out = append([]Session{s}, out...)
		} else {
			out = append(out, s)
		}
	}
	return out, nil
}

// ErrCurrentSession is returned for an attempt to terminate this device's
// own session; logging out does that.
var ErrCurrentSession = errors.New("privacy: this is the current session; log out instead")

// Terminate ends another device's session. That device is logged out: its
// next request fails as unauthorized.
func Terminate(ctx context.Context, api *tg.Client, hash int64) error {
	if hash == CurrentSession {
		return ErrCurrentSession
	}
	ok, err := api.AccountResetAuthorization(ctx, hash)
	if err != nil {
		return fmt.Errorf("privacy: terminate session: %w", mtproto.Classify(err))
	}
	if !ok {
		return errors.New("privacy: terminate session: the server did not end it")
	}
	list, err := Sessions(ctx, api)
	if err != nil {
		return fmt.Errorf("privacy: terminate session: read back: %w", err)
	}
	for _, s := range list {
		if s.Hash == hash {
			return errors.New("privacy: terminate session: the session is still listed")
		}
	}
	return nil
}

// TerminateOthers ends every session but this one and checks that only this
// one is left.
func TerminateOthers(ctx context.Context, api *tg.Client) error {
	ok, err := api.AuthResetAuthorizations(ctx)
	if err != nil {
		return fmt.Errorf("privacy: terminate other sessions: %w", mtproto.Classify(err))
	}
	if !ok {
		return errors.New("privacy: terminate other sessions: the server did not end them")
	}
	list, err := Sessions(ctx, api)
	if err != nil {
		return fmt.Errorf("privacy: terminate other sessions: read back: %w", err)
	}
	var left []string
	for _, s := range list {
		if !s.Current {
			left = append(left, s.Device)
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("privacy: terminate other sessions: still listed: %s", strings.Join(left, "; "))
	}
	return nil
}

// SetSecretChatsAllowed says whether secret chat requests may reach the
// session hash (CurrentSession for this device), through
// account.changeAuthorizationSettings (encrypted_requests_disabled), and
// reads it back. Telegram's default, kept by Tacit for this device, is to
// accept them.
func SetSecretChatsAllowed(ctx context.Context, api *tg.Client, hash int64, allowed bool) error {
	req := &tg.AccountChangeAuthorizationSettingsRequest{Hash: hash}
	req.SetEncryptedRequestsDisabled(!allowed)
	ok, err := api.AccountChangeAuthorizationSettings(ctx, req)
	if err != nil {
		return fmt.Errorf("privacy: secret chats on a session: %w", mtproto.Classify(err))
	}
	if !ok {
		return errors.New("privacy: secret chats on a session: the server did not change it")
	}
	list, err := Sessions(ctx, api)
	if err != nil {
		return fmt.Errorf("privacy: secret chats on a session: read back: %w", err)
	}
	for _, s := range list {
		if s.Hash == hash {
			if s.AcceptsSecretChats != allowed {
				return &NotAppliedError{Rules: []string{"secret chats on " + s.Device}}
			}
			return nil
		}
	}
	return errors.New("privacy: secret chats on a session: no such session")
}
