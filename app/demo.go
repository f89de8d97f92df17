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

// DemoPassphrase implements ui.DemoHints: the passphrase of the demo's app lock.
func (b demoService) DemoPassphrase() (string, bool) {
	if b.lock == nil || b.lock.demoPass == "" {
		return "", false
	}
	return b.lock.demoPass, true
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
