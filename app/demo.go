package app

import "tacit/mtproto"

// demoService implements ui.DemoHints for a window on a sandbox.
type demoService struct{ *Backend }

// SandboxHint implements ui.DemoHints.
func (b demoService) SandboxHint() string {
	if b.hint != "" {
		return b.hint
	}
	return "Demo server on this computer: nothing reaches Telegram. Any number works; the code is shown here."
}

// DemoPassphrase implements ui.DemoHints: the demo passphrase, while it protects the demo's key (and so
// opens its app lock).
func (b demoService) DemoPassphrase() (string, bool) {
	if b.lock == nil || b.lock.demo == nil {
		return "", false
	}
	return b.lock.demo.passphrase()
}

// DemoCode implements ui.DemoHints.
func (b demoService) DemoCode(phone string) (string, bool) {
	if b.sandbox == nil {
		return "", false
	}
	p, err := mtproto.NormalizePhone(phone)
	if err != nil {
		return "", false
	}
	return b.sandbox.Code(p)
}

// DemoEmailCode implements ui.DemoHints: the code the sandbox keeps for the account's pending recovery
// e-mail instead of mailing it, signed in or still setting its password at sign-up.
func (b demoService) DemoEmailCode() (string, bool) {
	if b.sandbox == nil {
		return "", false
	}
	id := b.currentLogin().UserID()
	if me := b.client.Self(); me != nil {
		id = me.ID
	}
	if id == 0 {
		return "", false
	}
	return b.sandbox.EmailCode(id)
}
