package sandbox

import (
	"context"
	"hash/fnv"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/tg"
)

// The methods clients call while starting, with Telegram's semantics:
// client configuration (help.getAppConfig), chat folders, pinned dialogs,
// notification settings, the language list and the country list, plus
// messages.getMessages and channels.getMessages.

func (s *Server) registerStartup(d *tg.ServerDispatcher) {
	d.OnHelpGetAppConfig(s.getAppConfig)
	d.OnHelpGetCountriesList(s.getCountriesList)
	d.OnLangpackGetLanguages(s.getLanguages)
	d.OnMessagesGetDialogFilters(s.getDialogFilters)
	d.OnMessagesGetPinnedDialogs(s.getPinnedDialogs)
	d.OnAccountGetNotifySettings(s.getNotifySettings)
	d.OnAccountUpdateNotifySettings(s.updateNotifySettings)
	d.OnMessagesGetMessages(s.getMessages)
	d.OnChannelsGetMessages(s.getChannelMessages)
}

// encodedHash is the 32-bit hash a client sends back to learn that a list
// has not changed (Telegram's hash is opaque to clients; any stable value
// of the content works).
func encodedHash(e bin.Encoder) int {
	var b bin.Buffer
	if err := e.Encode(&b); err != nil {
		return 0 // never cached: the client just gets the full answer
	}
	h := fnv.New32a()
	h.Write(b.Buf)
	return int(int32(h.Sum32()))
}

// appConfig is the client configuration Telegram serves: limits a client
// enforces before asking (caption and bio lengths, pinned and folder
// counts, upload parts) and feature switches. Premium limits are listed
// because clients read both.
func appConfig() *tg.JSONObject {
	num := func(v float64) tg.JSONValueClass { return &tg.JSONNumber{Value: v} }
	str := func(v string) tg.JSONValueClass { return &tg.JSONString{Value: v} }
	boolean := func(v bool) tg.JSONValueClass { return &tg.JSONBool{Value: v} }
	arr := func(v ...string) tg.JSONValueClass {
		out := &tg.JSONArray{Value: []tg.JSONValueClass{}}
		for _, x := range v {
			out.Value = append(out.Value, str(x))
		}
		return out
	}
	fields := []struct {
		key string
		val tg.JSONValueClass
	}{
		{"emojies_animated_zoom", num(0.625)},
		{"emojies_send_dice", arr("🎲", "🎯", "🏀", "⚽", "🎰", "🎳")},
		{"gif_search_branding", str("tenor")},
		{"stickers_emoji_suggest_only_api", boolean(false)},
		{"stickers_emoji_cache_time", num(86400)},
		{"qr_login_camera", boolean(false)},
		{"qr_login_code", str("disabled")},
		{"dialog_filters_enabled", boolean(true)},
		{"dialog_filters_tooltip", boolean(false)},
		{"autoarchive_setting_available", boolean(true)},
		{"pending_suggestions", arr()},
		{"autologin_domains", arr()},
		{"url_auth_domains", arr()},
		{"premium_purchase_blocked", boolean(true)},
		{"keep_alive_service", boolean(true)},
		{"background_connection", boolean(true)},
		{"chat_read_mark_size_threshold", num(100)},
		{"chat_read_mark_expire_period", num(604800)},
		{"pm_read_date_expire_period", num(604800)},
		{"reactions_uniq_max", num(11)},
		{"message_animated_emoji_max", num(100)},
		{"channels_limit_default", num(500)},
		{"channels_limit_premium", num(1000)},
		{"channels_public_limit_default", num(10)},
		{"channels_public_limit_premium", num(20)},
		{"saved_gifs_limit_default", num(200)},
		{"saved_gifs_limit_premium", num(400)},
		{"stickers_faved_limit_default", num(5)},
		{"stickers_faved_limit_premium", num(10)},
		{"dialog_filters_limit_default", num(10)},
		{"dialog_filters_limit_premium", num(20)},
		{"dialog_filters_chats_limit_default", num(100)},
		{"dialog_filters_chats_limit_premium", num(200)},
		{"dialogs_pinned_limit_default", num(5)},
		{"dialogs_pinned_limit_premium", num(10)},
		{"dialogs_folder_pinned_limit_default", num(100)},
		{"dialogs_folder_pinned_limit_premium", num(200)},
		{"caption_length_limit_default", num(1024)},
		{"caption_length_limit_premium", num(4096)},
		{"about_length_limit_default", num(70)},
		{"about_length_limit_premium", num(140)},
		{"upload_max_fileparts_default", num(maxParts)},
		{"upload_max_fileparts_premium", num(2 * maxParts)},
		{"small_queue_max_active_operations_count", num(5)},
		{"large_queue_max_active_operations_count", num(2)},
	}
	obj := &tg.JSONObject{}
	for _, f := range fields {
		obj.Value = append(obj.Value, tg.JSONObjectValue{Key: f.key, Value: f.val})
	}
	return obj
}

func (s *Server) getAppConfig(ctx context.Context, hash int) (tg.HelpAppConfigClass, error) {
	cfg := appConfig()
	h := encodedHash(cfg)
	if hash != 0 && hash == h {
		return &tg.HelpAppConfigNotModified{}, nil
	}
	return &tg.HelpAppConfig{Hash: h, Config: cfg}, nil
}

// country is one entry of the country list: ISO code, English name,
// calling code and national number patterns (X is a digit).
type country struct {
	iso, name, code string
	patterns        []string
}

// countries are the entries the sandbox lists: the numbers its tests and
// demo use (+1 555, +44 7700 900) and the commonest others.
var countries = []country{
	{"AR", "Argentina", "54", []string{"XX XXXX XXXX"}},
	{"AU", "Australia", "61", []string{"XXX XXX XXX"}},
	{"AT", "Austria", "43", []string{"XXX XXXXXXX"}},
	{"BE", "Belgium", "32", []string{"XXX XX XX XX"}},
	{"BR", "Brazil", "55", []string{"XX XXXXX XXXX"}},
	{"CA", "Canada", "1", []string{"XXX XXX XXXX"}},
	{"FR", "France", "33", []string{"X XX XX XX XX"}},
	{"DE", "Germany", "49", []string{"XXXX XXXXXXX"}},
	{"IN", "India", "91", []string{"XXXXX XXXXX"}},
	{"IT", "Italy", "39", []string{"XXX XXX XXXX"}},
	{"JP", "Japan", "81", []string{"XX XXXX XXXX"}},
	{"MX", "Mexico", "52", []string{"XX XXXX XXXX"}},
	{"NL", "Netherlands", "31", []string{"X XX XX XX XX"}},
	{"PL", "Poland", "48", []string{"XXX XXX XXX"}},
	{"ES", "Spain", "34", []string{"XXX XXX XXX"}},
	{"SE", "Sweden", "46", []string{"XX XXX XXXX"}},
	{"CH", "Switzerland", "41", []string{"XX XXX XXXX"}},
	{"UA", "Ukraine", "380", []string{"XX XXX XX XX"}},
	{"GB", "United Kingdom", "44", []string{"XXXX XXXXXX"}},
	{"US", "United States", "1", []string{"XXX XXX XXXX"}},
}

func countriesList() *tg.HelpCountriesList {
	out := &tg.HelpCountriesList{}
	for _, c := range countries {
		code := tg.HelpCountryCode{CountryCode: c.code}
		code.SetPatterns(append([]string(nil), c.patterns...))
		out.Countries = append(out.Countries, tg.HelpCountry{ISO2: c.iso, DefaultName: c.name, CountryCodes: []tg.HelpCountryCode{code}})
	}
	return out
}

func (s *Server) getCountriesList(ctx context.Context, req *tg.HelpGetCountriesListRequest) (tg.HelpCountriesListClass, error) {
	list := countriesList()
	h := encodedHash(list)
	if req.Hash != 0 && req.Hash == h {
		return &tg.HelpCountriesListNotModified{}, nil
	}
	list.Hash = h
	return list, nil
}

// langPacks are the language pack names of Telegram's apps; unofficial
// clients send an empty name.
var langPacks = map[string]bool{"": true, "android": true, "ios": true, "tdesktop": true, "macos": true,
	"android_x": true, "webk": true, "weba": true}

func (s *Server) getLanguages(ctx context.Context, pack string) ([]tg.LangPackLanguage, error) {
	if !langPacks[pack] {
		return nil, rpcErr(400, "LANG_PACK_INVALID")
	}
	langs := []struct{ name, native, code string }{
		{"English", "English", "en"},
		{"German", "Deutsch", "de"},
		{"Spanish", "Español", "es"},
		{"French", "Français", "fr"},
		{"Italian", "Italiano", "it"},
		{"Dutch", "Nederlands", "nl"},
		{"Portuguese (Brazil)", "Português (Brasil)", "pt-br"},
		{"Russian", "Русский", "ru"},
		{"Ukrainian", "Українська", "uk"},
	}
	out := make([]tg.LangPackLanguage, 0, len(langs))
	for _, l := range langs {
		out = append(out, tg.LangPackLanguage{Official: true, Name: l.name, NativeName: l.native, LangCode: l.code,
			PluralCode: l.code[:2], StringsCount: 4000, TranslatedCount: 4000,
			TranslationsURL: "https://translations.telegram.org/" + l.code + "/"})
	}
	return out, nil
}

// getDialogFilters: no folders of the user's own, only the default "All
// chats" entry that marks where the main list goes among them.
func (s *Server) getDialogFilters(ctx context.Context) (*tg.MessagesDialogFilters, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesDialogFilters, error) {

		return &tg.MessagesDialogFilters{Filters: []tg.DialogFilterClass{&tg.DialogFilterDefault{}}}, nil
	})
}

// getPinnedDialogs: nothing is pinned (the sandbox has no pinning).
func (s *Server) getPinnedDialogs(ctx context.Context, folder int) (*tg.MessagesPeerDialogs, error) {
	return signedIn(s, ctx, func(o *op) (*tg.MessagesPeerDialogs, error) {
		me := o.me
		if folder != 0 && folder != 1 {
			return nil, rpcErr(400, "FOLDER_ID_INVALID")
		}
		return &tg.MessagesPeerDialogs{Dialogs: []tg.DialogClass{}, Messages: []tg.MessageClass{}, Chats: []tg.ChatClass{},
			Users: []tg.UserClass{}, State: s.stateLocked(me)}, nil
	})
}

// notifyKey names what notification settings apply to: a scope
// ("users", "chats", "broadcasts") or one peer.
type notifyKey struct {
	scope string
	peer  peerRef
}

func (s *Server) notifyKeyLocked(me *user, in tg.InputNotifyPeerClass) (notifyKey, error) {
	switch in := in.(type) {
	case *tg.InputNotifyUsers:
		return notifyKey{scope: "users"}, nil
	case *tg.InputNotifyChats:
		return notifyKey{scope: "chats"}, nil
	case *tg.InputNotifyBroadcasts:
		return notifyKey{scope: "broadcasts"}, nil
	case *tg.InputNotifyPeer:
		p, ok := s.peerRefOfInputLocked(me, in.Peer)
		if !ok {
			return notifyKey{}, rpcErr(400, "PEER_ID_INVALID")
		}
		return notifyKey{peer: p}, nil
	}
	return notifyKey{}, rpcErr(400, "PEER_ID_INVALID")
}

// notifySettingsLocked is what me set for k. A scope nobody changed shows
// Telegram's defaults (previews on, not muted); a peer nobody changed has
// no settings of its own (empty: the scope applies).
func notifySettingsLocked(me *user, k notifyKey) tg.PeerNotifySettings {
	if set, ok := me.notify[k]; ok {
		return set.toTG()
	}
	out := tg.PeerNotifySettings{}
	if k.scope != "" {
		out.SetShowPreviews(true)
		out.SetSilent(false)
		out.SetMuteUntil(0)
	}
	return out
}

// notifySetting is a stored account.updateNotifySettings.
type notifySetting struct {
	showPreviews, silent            *bool
	muteUntil                       *int
	storiesMuted, storiesHideSender *bool
	hasSound, hasStoriesSound       bool
	sound, storiesSound             tg.NotificationSoundClass
}

func (n notifySetting) toTG() tg.PeerNotifySettings {
	out := tg.PeerNotifySettings{}
	if n.showPreviews != nil {
		out.SetShowPreviews(*n.showPreviews)
	}
	if n.silent != nil {
		out.SetSilent(*n.silent)
	}
	if n.muteUntil != nil {
		out.SetMuteUntil(*n.muteUntil)
	}
	if n.storiesMuted != nil {
		out.SetStoriesMuted(*n.storiesMuted)
	}
	if n.storiesHideSender != nil {
		out.SetStoriesHideSender(*n.storiesHideSender)
	}
	if n.hasSound {
		out.SetOtherSound(cloneSound(n.sound))
	}
	if n.hasStoriesSound {
		out.SetStoriesOtherSound(cloneSound(n.storiesSound))
	}
	return out
}

// cloneSound copies a sound through its wire form (tg objects set their
// flags while encoding, so stored ones are never handed out).
func cloneSound(in tg.NotificationSoundClass) tg.NotificationSoundClass {
	var b bin.Buffer
	if err := in.Encode(&b); err != nil {
		return &tg.NotificationSoundDefault{}
	}
	out, err := tg.DecodeNotificationSound(&b)
	if err != nil {
		return &tg.NotificationSoundDefault{}
	}
	return out
}

func (s *Server) getNotifySettings(ctx context.Context, in tg.InputNotifyPeerClass) (*tg.PeerNotifySettings, error) {
	return signedIn(s, ctx, func(o *op) (*tg.PeerNotifySettings, error) {
		me := o.me
		k, err := s.notifyKeyLocked(me, in)
		if err != nil {
			return nil, err
		}
		out := notifySettingsLocked(me, k)
		return &out, nil
	})
}

func (s *Server) updateNotifySettings(ctx context.Context, req *tg.AccountUpdateNotifySettingsRequest) (bool, error) {
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me, d := o.me, &o.d
		k, err := s.notifyKeyLocked(me, req.Peer)
		if err != nil {
			return false, err
		}
		in := req.Settings
		set := me.notify[k]
		if v, ok := in.GetShowPreviews(); ok {
			set.showPreviews = &v
		}
		if v, ok := in.GetSilent(); ok {
			set.silent = &v
		}
		if v, ok := in.GetMuteUntil(); ok {
			set.muteUntil = &v
		}
		if v, ok := in.GetStoriesMuted(); ok {
			set.storiesMuted = &v
		}
		if v, ok := in.GetStoriesHideSender(); ok {
			set.storiesHideSender = &v
		}
		if v, ok := in.GetSound(); ok {
			set.hasSound, set.sound = true, cloneSound(v)
		}
		if v, ok := in.GetStoriesSound(); ok {
			set.hasStoriesSound, set.storiesSound = true, cloneSound(v)
		}
		if me.notify == nil {
			me.notify = map[notifyKey]notifySetting{}
		}
		me.notify[k] = set
		var peer tg.NotifyPeerClass
		switch {
		case k.scope == "users":
			peer = &tg.NotifyUsers{}
		case k.scope == "chats":
			peer = &tg.NotifyChats{}
		case k.scope == "broadcasts":
			peer = &tg.NotifyBroadcasts{}
		default:
			peer = &tg.NotifyPeer{Peer: k.peer.tg()}
		}
		s.toUserLocked(d, me.id, o.session(), func() tg.UpdatesClass {
			return &tg.UpdateShort{Update: &tg.UpdateNotifySettings{Peer: peer, NotifySettings: set.toTG()}, Date: s.unix()}
		})
		return true, nil
	})
}

// getMessages returns messages of the caller's private chats and basic
// groups by id (their own numbering), or the message one replies to;
// unknown and deleted ids come back as messageEmpty, as on Telegram.
func (s *Server) getMessages(ctx context.Context, ids []tg.InputMessageClass) (tg.MessagesMessagesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesMessagesClass, error) {
		me := o.me
		lookup := func(id int) *boxMessage {
			if id <= 0 || id > len(me.box) || me.box[id-1].deleted {
				return nil
			}
			return me.box[id-1]
		}
		var found []*boxMessage
		res := &tg.MessagesMessages{Messages: []tg.MessageClass{}}
		for _, in := range ids {
			var id int
			switch in := in.(type) {
			case *tg.InputMessageID:
				id = in.ID
			case *tg.InputMessageReplyTo:
				if m := lookup(in.ID); m != nil {
					id = m.replyTo
				}
			default:
				continue // pinned and callback-query messages: none in the sandbox
			}
			m := lookup(id)
			if m == nil {
				res.Messages = append(res.Messages, &tg.MessageEmpty{ID: id})
				continue
			}
			found = append(found, m)
			res.Messages = append(res.Messages, m.toTG())
		}
		res.Users = s.usersOfLocked(me, found)
		res.Chats = s.chatsOfLocked(me, found)
		return res, nil
	})
}

// getChannelMessages is getMessages for a channel or supergroup.
func (s *Server) getChannelMessages(ctx context.Context, req *tg.ChannelsGetMessagesRequest) (tg.MessagesMessagesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.MessagesMessagesClass, error) {
		me := o.me
		ch, err := s.inputChannelLocked(me, req.Channel, true)
		if err != nil {
			return nil, err
		}
		lookup := func(id int) *boxMessage {
			if id <= 0 || id > len(ch.msgs) || ch.msgs[id-1].deleted {
				return nil
			}
			return ch.msgs[id-1]
		}
		var found []*boxMessage
		res := &tg.MessagesChannelMessages{Pts: ch.pts, Messages: []tg.MessageClass{}, Topics: []tg.ForumTopicClass{},
			Chats: []tg.ChatClass{s.channelViewLocked(me, ch)}}
		for _, in := range req.ID {
			var id int
			switch in := in.(type) {
			case *tg.InputMessageID:
				id = in.ID
			case *tg.InputMessageReplyTo:
				if m := lookup(in.ID); m != nil {
					id = m.replyTo
				}
			default:
				continue
			}
			m := lookup(id)
			if m == nil {
				res.Messages = append(res.Messages, &tg.MessageEmpty{ID: id})
				continue
			}
			found = append(found, m)
			res.Messages = append(res.Messages, s.messageViewLocked(me, m))
		}
		res.Count = len(res.Messages)
		res.Users = s.usersOfLocked(me, found)
		return res, nil
	})
}
