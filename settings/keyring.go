package settings

import (
	"context"
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name of Tacit's keyring items.
const KeyringService = "tacit"

// Keyring is the OS keyring as Custody uses it: the three calls of
// github.com/zalando/go-keyring. Get and Delete must return an error matching
// keyring.ErrNotFound when there is no such item; any other error means the
// keyring is unavailable or locked. Calls may block indefinitely (D-Bus, an
// unlock prompt); Custody makes them from its own goroutine with a timeout.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// SystemKeyring is the OS keyring (Secret Service on Linux and BSD, Keychain
// on macOS, Credential Manager on Windows) through go-keyring.
type SystemKeyring struct{}

// Get returns the secret stored for service and user.
func (SystemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set stores secret for service and user, replacing any previous one.
func (SystemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

// Delete removes the secret stored for service and user.
func (SystemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// ErrKeyringUnavailable is matched by a *KeyringError: the keyring failed with
// something other than "not found" (no D-Bus, no Secret Service, locked,
// timed out). It never means "there is no key yet".
var ErrKeyringUnavailable = errors.New("system keyring unavailable")

// KeyringError is a keyring failure other than "not found". It carries the
// cause (never a secret): errors.Is(err, context.DeadlineExceeded) is true
// when the keyring did not answer in time.
type KeyringError struct {
	Op   string // "get", "set" or "delete"
	User string // the keyring item's user name (not secret)
	Err  error
}

func (e *KeyringError) Error() string {
	cause := e.Err.Error()
	switch {
	case errors.Is(e.Err, context.DeadlineExceeded):
		cause = "no answer in time (the keyring may be locked or waiting for a prompt)"
	case errors.Is(e.Err, context.Canceled):
		cause = "cancelled"
	}
	return fmt.Sprintf("settings: keyring %s %s/%s: system keyring unavailable: %s", e.Op, KeyringService, e.User, cause)
}

// Unwrap returns the cause.
func (e *KeyringError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrKeyringUnavailable) true.
func (e *KeyringError) Is(target error) bool { return target == ErrKeyringUnavailable }

// keyringCall runs fn on its own goroutine and waits for it, for ctx, or for
// the custody's keyring timeout, whichever ends first. keyring.ErrNotFound is
// returned as is; any other failure becomes a *KeyringError. A call that
// times out keeps running in the background until the keyring answers; its
// result is dropped.
func (c *Custody) keyringCall(ctx context.Context, op, user string, fn func() (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", &KeyringError{Op: op, User: user, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, c.keyringTimeout)
	defer cancel()
	type result struct {
		value string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		switch {
		case r.err == nil:
			return r.value, nil
		case errors.Is(r.err, keyring.ErrNotFound):
			return "", keyring.ErrNotFound
		default:
			return "", &KeyringError{Op: op, User: user, Err: r.err}
		}
	case <-ctx.Done():
		return "", &KeyringError{Op: op, User: user, Err: ctx.Err()}
	}
}

func (c *Custody) keyringGet(ctx context.Context, user string) (string, error) {
	return c.keyringCall(ctx, "get", user, func() (string, error) { return c.kr.Get(KeyringService, user) })
}

func (c *Custody) keyringSet(ctx context.Context, user, secret string) error {
	_, err := c.keyringCall(ctx, "set", user, func() (string, error) { return "", c.kr.Set(KeyringService, user, secret) })
	return err
}

func (c *Custody) keyringDelete(ctx context.Context, user string) error {
	_, err := c.keyringCall(ctx, "delete", user, func() (string, error) { return "", c.kr.Delete(KeyringService, user) })
	return err
}
