package sandbox

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/gotd/td/tg"
)

const tosID = "tacit-sandbox-tos-1"

func (s *Server) registerHelp(d *tg.ServerDispatcher) {
	d.OnHelpGetConfig(func(ctx context.Context) (*tg.Config, error) {
		now := s.unix()
		return &tg.Config{
			Date: now, Expires: now + 3600, ThisDC: DC,
			DCOptions:   []tg.DCOption{s.dcOpt},
			ChatSizeMax: 200, MegagroupSizeMax: 200000, ForwardedCountMax: 100,
			OnlineUpdatePeriodMs: 210000, OfflineBlurTimeoutMs: 5000, OfflineIdleTimeoutMs: 30000,
			OnlineCloudTimeoutMs: 300000, NotifyCloudDelayMs: 30000, NotifyDefaultDelayMs: 1500,
			PushChatPeriodMs: 60000, PushChatLimit: 2, EditTimeLimit: 172800, RevokeTimeLimit: 2147483647,
			RevokePmTimeLimit: 2147483647, RatingEDecay: 2419200, StickersRecentLimit: 200,
			ChannelsReadMediaPeriod: 604800, CallReceiveTimeoutMs: 20000, CallRingTimeoutMs: 90000,
			CallConnectTimeoutMs: 30000, CallPacketTimeoutMs: 10000, MeURLPrefix: "https://t.me/",
			CaptionLengthMax: 1024, MessageLengthMax: 4096, WebfileDCID: DC,
		}, nil
	})
	d.OnHelpGetNearestDC(func(ctx context.Context) (*tg.NearestDC, error) {
		return &tg.NearestDC{Country: "ZZ", ThisDC: DC, NearestDC: DC}, nil
	})
	d.OnHelpGetTermsOfServiceUpdate(func(ctx context.Context) (tg.HelpTermsOfServiceUpdateClass, error) {
		return &tg.HelpTermsOfServiceUpdateEmpty{Expires: s.unix() + 86400}, nil
	})
	d.OnHelpAcceptTermsOfService(func(ctx context.Context, id tg.DataJSON) (bool, error) {
		if id.Data != tosID {
			return false, rpcErr(400, "TOS_ID_INVALID")
		}
		return anyKey(s, ctx, func(o *op) (bool, error) {
			o.auth.tosAccepted = true
			return true, nil
		})
	})
}

func termsOfService() tg.HelpTermsOfService {
	return tg.HelpTermsOfService{
		ID:   tg.DataJSON{Data: tosID},
		Text: "Sandbox terms: this local server is for testing Tacit. Nothing leaves this machine.",
	}
}

func (s *Server) registerAuth(d *tg.ServerDispatcher) {
	d.OnAuthSendCode(s.sendCode)
	d.OnAuthResendCode(func(ctx context.Context, req *tg.AuthResendCodeRequest) (tg.AuthSentCodeClass, error) {
		return s.sendCode(ctx, &tg.AuthSendCodeRequest{PhoneNumber: req.PhoneNumber})
	})
	d.OnAuthCancelCode(func(ctx context.Context, req *tg.AuthCancelCodeRequest) (bool, error) {
		return anyKey(s, ctx, func(o *op) (bool, error) {
			delete(s.st.codes, strings.TrimPrefix(req.PhoneNumber, "+"))
			return true, nil
		})
	})
	d.OnAuthSignIn(s.signIn)
	d.OnAuthSignUp(s.signUp)
	d.OnAuthLogOut(func(ctx context.Context) (*tg.AuthLoggedOut, error) {
		return signedIn(s, ctx, func(o *op) (*tg.AuthLoggedOut, error) {
			o.auth.userID, o.auth.pending = 0, 0
			return &tg.AuthLoggedOut{}, nil
		})
	})
	d.OnAuthExportLoginToken(s.exportLoginToken)
	d.OnAuthImportLoginToken(func(ctx context.Context, token []byte) (tg.AuthLoginTokenClass, error) {
		return s.exportLoginToken(ctx, &tg.AuthExportLoginTokenRequest{})
	})
	d.OnAuthAcceptLoginToken(s.acceptLoginToken)
	d.OnAuthBindTempAuthKey(func(ctx context.Context, req *tg.AuthBindTempAuthKeyRequest) (bool, error) {
		return true, nil
	})
}

// validPhone reports whether p looks like an international number (digits).
func validPhone(p string) bool {
	if len(p) < 5 || len(p) > 15 || p[0] == '0' {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Server) sendCode(ctx context.Context, req *tg.AuthSendCodeRequest) (tg.AuthSentCodeClass, error) {
	phone := strings.TrimPrefix(req.PhoneNumber, "+")
	if !validPhone(phone) {
		return nil, rpcErr(400, "PHONE_NUMBER_INVALID")
	}
	return anyKey(s, ctx, func(o *op) (tg.AuthSentCodeClass, error) {
		code := fmt.Sprintf("%05d", new(big.Int).SetBytes(randBytes(4)).Int64()%100000)
		pc := &pendingCode{hash: hex.EncodeToString(randBytes(8)), code: code, expires: s.unix() + int(s.opts.CodeTTL/time.Second)}
		s.st.codes[phone] = pc
		if s.opts.OnCode != nil {
			s.opts.OnCode(phone, code)
		}
		sent := &tg.AuthSentCode{PhoneCodeHash: pc.hash}
		sent.SetTimeout(60)
		if u, ok := s.st.byPhone[phone]; ok && len(s.authsOfLocked(u.id)) > 0 {
			sent.Type = &tg.AuthSentCodeTypeApp{Length: len(code)}
		} else {
			sent.Type = &tg.AuthSentCodeTypeSMS{Length: len(code)}
		}
		return sent, nil
	})
}

// checkCodeLocked validates a phone code; it counts wrong attempts and
// forgets the code after five of them.
func (s *Server) checkCodeLocked(phone, hash, code string) (*pendingCode, error) {
	pc, ok := s.st.codes[phone]
	if !ok {
		return nil, rpcErr(400, "PHONE_CODE_EXPIRED")
	}
	if hash == "" {
		return nil, rpcErr(400, "PHONE_CODE_HASH_EMPTY")
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(pc.hash)) != 1 {
		return nil, rpcErr(400, "PHONE_CODE_HASH_INVALID")
	}
	if s.unix() > pc.expires {
		delete(s.st.codes, phone)
		return nil, rpcErr(400, "PHONE_CODE_EXPIRED")
	}
	if code == "" {
		return nil, rpcErr(400, "PHONE_CODE_EMPTY")
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(pc.code)) != 1 {
		pc.attempts++
		if pc.attempts >= 5 {
			delete(s.st.codes, phone)
		}
		return nil, rpcErr(400, "PHONE_CODE_INVALID")
	}
	return pc, nil
}

func (s *Server) signIn(ctx context.Context, req *tg.AuthSignInRequest) (tg.AuthAuthorizationClass, error) {
	phone := strings.TrimPrefix(req.PhoneNumber, "+")
	return anyKey(s, ctx, func(o *op) (tg.AuthAuthorizationClass, error) {
		pc, err := s.checkCodeLocked(phone, req.PhoneCodeHash, req.PhoneCode)
		if err != nil {
			return nil, err
		}
		a := o.auth
		u, ok := s.st.byPhone[phone]
		if !ok {
			pc.verified = true
			return &tg.AuthAuthorizationSignUpRequired{TermsOfService: termsOfService()}, nil
		}
		delete(s.st.codes, phone)
		if u.password != nil {
			a.pending = u.id
			return nil, rpcErr(401, "SESSION_PASSWORD_NEEDED")
		}
		a.userID = u.id
		return &tg.AuthAuthorization{User: s.userViewLocked(u, u)}, nil
	})
}

func (s *Server) signUp(ctx context.Context, req *tg.AuthSignUpRequest) (tg.AuthAuthorizationClass, error) {
	phone := strings.TrimPrefix(req.PhoneNumber, "+")
	return anyKey(s, ctx, func(o *op) (tg.AuthAuthorizationClass, error) {
		pc, ok := s.st.codes[phone]
		if !ok || !pc.verified {
			return nil, rpcErr(400, "PHONE_CODE_EXPIRED")
		}
		if subtle.ConstantTimeCompare([]byte(req.PhoneCodeHash), []byte(pc.hash)) != 1 {
			return nil, rpcErr(400, "PHONE_CODE_HASH_INVALID")
		}
		if _, taken := s.st.byPhone[phone]; taken {
			return nil, rpcErr(400, "PHONE_NUMBER_OCCUPIED")
		}
		first, last := strings.TrimSpace(req.FirstName), strings.TrimSpace(req.LastName)
		if first == "" || len([]rune(first)) > 64 {
			return nil, rpcErr(400, "FIRSTNAME_INVALID")
		}
		if len([]rune(last)) > 64 {
			return nil, rpcErr(400, "LASTNAME_INVALID")
		}
		delete(s.st.codes, phone)
		a := o.auth
		u := s.newUserLocked(phone, first, last)
		u.tosAccept = a.tosAccepted
		u.noJoinedNotifications = req.NoJoinedNotifications
		a.userID = u.id
		if !req.NoJoinedNotifications {
			s.announceJoinLocked(&o.d, u)
		}
		for _, hook := range s.signUpHooks {
			hook(u.id, u.accessHash)
		}
		return &tg.AuthAuthorization{User: s.userViewLocked(u, u)}, nil
	})
}

// announceJoinLocked tells every user who saved u's number that u joined,
// unless they silenced such notices: a service message in their chat with u.
func (s *Server) announceJoinLocked(d *delivery, u *user) {
	for _, other := range s.sortedUsersLocked() {
		if other.id == u.id {
			continue
		}
		if _, saved := other.savedPhones[u.phone]; !saved || other.signUpNoticesSilent {
			continue
		}
		s.st.joined = append(s.st.joined, JoinedNotice{To: other.id, Joined: u.id})
		m := &boxMessage{peer: userPeer(u.id), from: u.id, date: s.unix(), action: actionContactSignUp}
		s.appendMessageLocked(d, other, m, 0)
	}
}

func (s *Server) exportLoginToken(ctx context.Context, req *tg.AuthExportLoginTokenRequest) (tg.AuthLoginTokenClass, error) {
	return anyKey(s, ctx, func(o *op) (tg.AuthLoginTokenClass, error) {
		a := o.auth
		if a.userID != 0 {
			u := s.st.users[a.userID]
			return &tg.AuthLoginTokenSuccess{Authorization: &tg.AuthAuthorization{User: s.userViewLocked(u, u)}}, nil
		}
		if a.pending != 0 {
			return nil, rpcErr(401, "SESSION_PASSWORD_NEEDED")
		}
		for k, t := range s.st.tokens {
			if t.keyID == a.keyID || s.unix() > t.expires {
				delete(s.st.tokens, k)
			}
		}
		t := &loginToken{token: randBytes(32), keyID: a.keyID, expires: s.unix() + 30}
		s.st.tokens[string(t.token)] = t
		return &tg.AuthLoginToken{Expires: t.expires, Token: t.token}, nil
	})
}

func (s *Server) acceptLoginToken(ctx context.Context, token []byte) (*tg.Authorization, error) {
	return signedIn(s, ctx, func(o *op) (*tg.Authorization, error) {
		me, d := o.me, &o.d
		t, ok := s.st.tokens[string(token)]
		if !ok || !bytes.Equal(t.token, token) {
			return nil, rpcErr(400, "AUTH_TOKEN_INVALID")
		}
		if s.unix() > t.expires {
			delete(s.st.tokens, string(token))
			return nil, rpcErr(400, "AUTH_TOKEN_EXPIRED")
		}
		delete(s.st.tokens, string(token))
		target := s.st.auths[t.keyID]
		if target == nil {
			return nil, rpcErr(400, "AUTH_TOKEN_INVALID")
		}
		if me.password != nil {
			target.pending = me.id
		} else {
			target.userID = me.id
		}
		for _, sess := range target.sessions {
			d.items = append(d.items, pushItem{session: sess, updates: &tg.UpdateShort{Update: &tg.UpdateLoginToken{}, Date: s.unix()}})
		}
		auth := s.authorizationViewLocked(target, o.auth)
		return &auth, nil
	})
}

// Code is the login code last sent to phone (digits only), as the sandbox
// shows it instead of sending an SMS.
func (s *Server) Code(phone string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pc, ok := s.st.codes[strings.TrimPrefix(phone, "+")]
	if !ok {
		return "", false
	}
	return pc.code, true
}
