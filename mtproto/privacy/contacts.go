package privacy

import (
	"context"
	"fmt"
	"strings"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// AddContact adds user to the contact list under the given name. The phone
// number of the Tacit user is shared with the new contact (a phone privacy
// exception, add_phone_privacy_exception) only when sharePhone is true.
//
// Tacit never imports an address book: contacts are added one at a time,
// from people the user already talks to, and no phone number is sent.
func AddContact(ctx context.Context, api *tg.Client, user tg.InputUserClass, first, last string, sharePhone bool) error {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" || len([]rune(first)) > 64 || len([]rune(last)) > 64 {
		return mtproto.ErrNameInvalid
	}
	_, err := api.ContactsAddContact(ctx, &tg.ContactsAddContactRequest{
		AddPhonePrivacyException: sharePhone,
		ID:                       user,
		FirstName:                first,
		LastName:                 last,
	})
	if err != nil {
		return fmt.Errorf("privacy: add contact: %w", mtproto.Classify(err))
	}
	return nil
}
