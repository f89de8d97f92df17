package app

import (
	"context"

	"tacit/mtproto"
)

// afterSignUp runs the privacy lockdown right after auth.signUp.
func afterSignUp(ctx context.Context, c *mtproto.Client) error {
	return nil
}
