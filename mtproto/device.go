package mtproto

import "github.com/gotd/td/telegram"

// AppVersion is the version Tacit reports to the server.
const AppVersion = "0.1.0"

// Device returns the strings Tacit sends in initConnection. They are fixed
// and neutral: no Go version, no operating system release, no locale and no
// time zone, so that they say nothing about this machine. Other sessions of
// the account see them in their session list.
func Device() telegram.DeviceConfig {
	return telegram.DeviceConfig{
		DeviceModel:    "Desktop",
		SystemVersion:  "Desktop",
		AppVersion:     "Tacit " + AppVersion,
		SystemLangCode: "en",
		LangPack:       "",
		LangCode:       "en",
	}
}
