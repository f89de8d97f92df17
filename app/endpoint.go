package app

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/tg"

	"tacit/mtproto"
	"tacit/mtproto/sandbox"
)

// endpointFile is what `tacit sandbox serve` writes so that other Tacit
// windows (`tacit --sandbox-endpoint FILE`) can reach it: the address and
// the server's public RSA key, which clients check during the key exchange.
type endpointFile struct {
	Address   string `json:"address"`
	DC        int    `json:"dc"`
	PublicKey string `json:"public_key"` // PEM, PKCS#1
}

func writeEndpoint(path string, srv *sandbox.Server) error {
	e := srv.Endpoint()
	if len(e.PublicKeys) == 0 || e.PublicKeys[0].RSA == nil {
		return errors.New("app: sandbox has no public key")
	}
	der := x509.MarshalPKCS1PublicKey(e.PublicKeys[0].RSA)
	data, err := json.MarshalIndent(endpointFile{
		Address:   srv.Addr(),
		DC:        e.DC,
		PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: der})),
	}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("app: write sandbox endpoint: %w", err)
	}
	return nil
}

// readEndpoint loads an endpoint file written by writeEndpoint.
func readEndpoint(path string) (mtproto.Endpoint, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint: %w (start `tacit sandbox serve` first)", err)
	}
	var f endpointFile
	if err := json.Unmarshal(data, &f); err != nil {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint %s is not valid JSON: %w", path, err)
	}
	host, portText, err := net.SplitHostPort(f.Address)
	if err != nil {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint %s: address %q: %w", path, f.Address, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint %s: port %q is not a port number (1-65535)", path, portText)
	}
	block, _ := pem.Decode([]byte(f.PublicKey))
	if block == nil {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint %s: no PEM public key", path)
	}
	pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
	if err != nil {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint %s: public key: %w", path, err)
	}
	dc := f.DC
	if dc == 0 {
		dc = sandbox.DC
	}
	if dc < 0 {
		return mtproto.Endpoint{}, "", fmt.Errorf("app: sandbox endpoint %s: data centre %d is not a data centre number", path, dc)
	}
	return mtproto.Endpoint{
		DC:         dc,
		DCOptions:  []tg.DCOption{{ID: dc, IPAddress: host, Port: port}},
		PublicKeys: []telegram.PublicKey{{RSA: pub}},
	}, f.Address, nil
}
