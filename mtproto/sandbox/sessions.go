package sandbox

import (
	"context"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest"
)

func (s *Server) registerSessions(d *tg.ServerDispatcher) {
	d.OnAccountGetAuthorizations(s.getAuthorizations)
	d.OnAccountResetAuthorization(s.resetAuthorization)
	d.OnAuthResetAuthorizations(s.resetAuthorizations)
	d.OnAccountChangeAuthorizationSettings(s.changeAuthorizationSettings)
}

// authorizationViewLocked is a as its owner sees it from the session cur.
func (s *Server) authorizationViewLocked(a, cur *authorization) tg.Authorization {
	out := tg.Authorization{
		Current:       cur != nil && a.keyID == cur.keyID,
		Hash:          a.hash,
		DeviceModel:   a.device.DeviceModel,
		Platform:      a.device.SystemVersion,
		SystemVersion: a.device.SystemVersion,
		APIID:         a.device.APIID,
		AppName:       "unknown",
		AppVersion:    a.device.AppVersion,
		DateCreated:   a.created,
		DateActive:    a.active,
		IP:            "127.0.0.1",
		Country:       "Sandbox",
		Region:        "Loopback",

		EncryptedRequestsDisabled: a.encryptedRequestsDisabled,
		CallRequestsDisabled:      a.callRequestsDisabled,
	}
	if out.Current {
		out.Hash = 0
	}
	return out
}

func (s *Server) getAuthorizations(ctx context.Context) (*tg.AccountAuthorizations, error) {
	return signedIn(s, ctx, func(o *op) (*tg.AccountAuthorizations, error) {
		out := &tg.AccountAuthorizations{AuthorizationTTLDays: 180}
		for _, a := range s.authsOfLocked(o.me.id) {
			out.Authorizations = append(out.Authorizations, s.authorizationViewLocked(a, o.auth))
		}
		return out, nil
	})
}

// logOutLocked ends an authorization and returns its sessions to drop.
func logOutLocked(a *authorization) []tgtest.Session {
	a.userID, a.pending = 0, 0
	var out []tgtest.Session
	for _, sess := range a.sessions {
		out = append(out, sess)
	}
	return out
}

func (s *Server) resetAuthorization(ctx context.Context, hash int64) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		for _, a := range s.authsOfLocked(o.me.id) {
			if a.hash == hash && a.keyID != o.auth.keyID {
				o.d.drop = append(o.d.drop, logOutLocked(a)...)
				return true, nil
			}
		}
		return false, rpcErr(400, "HASH_INVALID")
	})
}

func (s *Server) resetAuthorizations(ctx context.Context) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		for _, a := range s.authsOfLocked(o.me.id) {
			if a.keyID != o.auth.keyID {
				o.d.drop = append(o.d.drop, logOutLocked(a)...)
			}
		}
		return true, nil
	})
}

func (s *Server) changeAuthorizationSettings(ctx context.Context, req *tg.AccountChangeAuthorizationSettingsRequest) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		for _, a := range s.authsOfLocked(o.me.id) {
			if a.hash != req.Hash && !(req.Hash == 0 && a.keyID == o.auth.keyID) {
				continue
			}
			if v, ok := req.GetEncryptedRequestsDisabled(); ok {
				a.encryptedRequestsDisabled = v
			}
			if v, ok := req.GetCallRequestsDisabled(); ok {
				a.callRequestsDisabled = v
			}
			return true, nil
		}
		return false, rpcErr(400, "HASH_INVALID")
	})
}
