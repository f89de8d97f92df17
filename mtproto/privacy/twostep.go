package privacy

import (
	"context"
	"fmt"

	"github.com/gotd/td/tg"

	"tacit/mtproto"
)

// TwoStep is the account's 2-step verification state. It holds no secret:
// not the hint, not the e-mail address.
type TwoStep struct {
	// HasPassword: a 2-step verification password is set.
	HasPassword bool
	// HasHint: the password has a hint.
	HasHint bool
	// HasRecoveryEmail: a confirmed recovery e-mail is set.
	HasRecoveryEmail bool
	// EmailPending: a recovery e-mail waits for its confirmation code.
	EmailPending bool
}

// Ready reports whether the account may be used: Tacit keeps the main
// window locked until a 2-step verification password exists (mtproto.Login
// stops at StageSetPassword).
func (t TwoStep) Ready() bool { return t.HasPassword }

// ReadTwoStep reads account.getPassword.
func ReadTwoStep(ctx context.Context, api *tg.Client) (TwoStep, error) {
	p, err := api.AccountGetPassword(ctx)
	if err != nil {
		return TwoStep{}, fmt.Errorf("privacy: read 2-step verification: %w", mtproto.Classify(err))
	}
	return TwoStep{
		HasPassword:      p.HasPassword,
		HasHint:          p.Hint != "",
		HasRecoveryEmail: p.HasRecovery,
		EmailPending:     p.EmailUnconfirmedPattern != "",
	}, nil
}
