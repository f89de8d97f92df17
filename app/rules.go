package app

import (
	"tacit/mtproto"
)

// rulesService implements ui.Rules with the engines' own rules.
type rulesService struct{}

// NormalizePhone implements ui.Rules with mtproto's one phone rule.
func (rulesService) NormalizePhone(s string) (string, error) {
	d, err := mtproto.NormalizePhone(s)
	if err != nil {
		return "", userError(err)
	}
	return "+" + d, nil
}

// MinPasswordLength implements ui.Rules.
func (rulesService) MinPasswordLength() int { return mtproto.MinPasswordLength }

// NormalizeUsername implements ui.Rules with mtproto's one username rule.
func (rulesService) NormalizeUsername(s string) (string, error) {
	name, err := mtproto.NormalizeUsername(s)
	if err != nil {
		return "", userError(err)
	}
	return name, nil
}

// PersonLink implements ui.Rules with mtproto's link reader.
func (rulesService) PersonLink(s string) (string, bool) { return mtproto.ParseLink(s) }

// MessageLength implements ui.Rules.
func (rulesService) MessageLength(text string) (int, int) {
	return mtproto.MessageLength(text), mtproto.MaxMessageLength
}
