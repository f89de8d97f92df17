package app

import (
	"context"
	"errors"

	"tacit/mtproto"
	"tacit/ui"
)

// userError turns a protocol error into a ui.Problem naming the input it is
// about, with a sentence written for the user.
func userError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var me *mtproto.Error
	if !errors.As(mtproto.Classify(err), &me) {
		return &ui.Problem{Message: "Something went wrong. Please try again.", Err: err}
	}
	field := ui.FieldNone
	switch me.Kind {
	case mtproto.KindPhoneInvalid, mtproto.KindPhoneBanned, mtproto.KindPhoneOccupied:
		field = ui.FieldPhone
	case mtproto.KindCodeInvalid, mtproto.KindCodeExpired, mtproto.KindCodeHashInvalid:
		field = ui.FieldCode
	case mtproto.KindPasswordInvalid, mtproto.KindPasswordTooWeak, mtproto.KindPasswordRequired:
		field = ui.FieldPassword
	case mtproto.KindNameInvalid:
		field = ui.FieldFirstName
	case mtproto.KindEmailInvalid, mtproto.KindEmailCodeInvalid:
		field = ui.FieldEmail
	}
	return &ui.Problem{Field: field, Message: me.Error(), Err: err}
}
