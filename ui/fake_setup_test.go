package ui

import (
	"context"
	"strings"
	"sync"
)

// fakeSetup is the first start's role in memory, with the rules the wizard relies on: a SOCKS5 proxy needs
// a host, a proxy on port 1 cannot be reached (and nothing else is tried), api_id is digits, and the
// credentials lead to the profile's vault.
type fakeSetup struct {
	calls
	mu sync.Mutex

	saved  SetupState
	vault  Vault
	demo   Vault
	tested []Connection // every connection tested
	used   []Connection // the connection given with the credentials
}

func newFakeSetup(v Vault) *fakeSetup {
	return &fakeSetup{vault: v, demo: v, saved: SetupState{TorAddrs: []string{"127.0.0.1:9050", "127.0.0.1:9150"}}}
}

func (f *fakeSetup) Saved(context.Context) (SetupState, error) {
	f.record("Saved")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.saved, nil
}

func (f *fakeSetup) TestConnection(_ context.Context, c Connection) error {
	f.record("TestConnection")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tested = append(f.tested, c)
	switch {
	case c.Kind == ConnectSOCKS5 && c.Host == "":
		return &Problem{Field: FieldProxyHost, Message: "The proxy's host is missing."}
	case c.Kind != ConnectDirect && c.Kind != ConnectMTProxy && c.Port == "1":
		return &Problem{Message: "Cannot reach the SOCKS5 proxy at " + c.Host + ":1. Tacit does not connect without it."}
	case c.Kind == ConnectMTProxy && !strings.HasPrefix(c.Link, "tg://proxy?"):
		return &Problem{Field: FieldProxyLink, Message: "The proxy link must look like tg://proxy?server=HOST&port=PORT&secret=SECRET."}
	}
	return nil
}

func (f *fakeSetup) CheckCredentials(apiID, apiHash string) error {
	f.record("CheckCredentials")
	if apiID == "" || strings.Trim(apiID, "0123456789") != "" {
		return &Problem{Field: FieldAPIID, Message: "The api_id is a whole number."}
	}
	if len(apiHash) != 32 {
		return &Problem{Field: FieldAPIHash, Message: "The api_hash is 32 characters."}
	}
	return nil
}

func (f *fakeSetup) UseCredentials(_ context.Context, c Connection, apiID, apiHash string) (Vault, error) {
	f.record("UseCredentials")
	if err := f.CheckCredentials(apiID, apiHash); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used = append(f.used, c)
	return f.vault, nil
}

func (f *fakeSetup) Demo(context.Context) (Vault, error) {
	f.record("Demo")
	return f.demo, nil
}
