package app

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// FuzzEndpointFile feeds arbitrary bytes to the reader of the file `tacit
// sandbox serve` writes (another program, or another user, may have written
// it): it never panics, and what it accepts is usable: a data centre, an
// address with a port a socket can have, and the server's public key.
func FuzzEndpointFile(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)}))
	for _, e := range []endpointFile{
		{Address: "127.0.0.1:4430", DC: 2, PublicKey: pub},
		{Address: "[::1]:1", PublicKey: pub},
		{Address: "127.0.0.1:-1", DC: -3, PublicKey: pub},
		{Address: "127.0.0.1:99999", DC: 2, PublicKey: pub},
		{Address: "host", PublicKey: "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n"},
	} {
		data, err := json.Marshal(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"address": 5}`))
	f.Add([]byte(`[]`))
	path := filepath.Join(f.TempDir(), "endpoint.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		e, addr, err := readEndpoint(path)
		if err != nil {
			return
		}
		if e.DC <= 0 || len(e.DCOptions) == 0 || len(e.PublicKeys) == 0 || e.PublicKeys[0].RSA == nil || addr == "" {
			t.Fatalf("accepted an endpoint without a data centre, address or key: %+v", e)
		}
		for _, o := range e.DCOptions {
			if o.Port <= 0 || o.Port > 65535 || o.ID <= 0 {
				t.Fatalf("accepted data centre %d at port %d", o.ID, o.Port)
			}
		}
	})
}
