package mtproto

import (
	"bytes"
	"crypto/rand"
	"io"
	"math/big"
	"tacit/mtproto/secret"
	"testing"

	"github.com/gotd/td/crypto/srp"
	"github.com/gotd/td/tg"
)

var srpPrime = secret.TelegramPrime()

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestPasswordAnswerMixesLocalRandomness shows the SRP exponent is not the
// server's secure_random alone: with a zero local source the answer equals
// gotd's (server random used verbatim); with real randomness it differs.
func TestPasswordAnswerMixesLocalRandomness(t *testing.T) {
	p := make([]byte, 256)
	srpPrime.FillBytes(p)
	algo := &tg.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow{
		Salt1: bytes.Repeat([]byte{1}, 40), Salt2: bytes.Repeat([]byte{2}, 16), G: 3, P: p,
	}
	serverRandom := make([]byte, 256)
	io.ReadFull(rand.Reader, serverRandom)
	b := new(big.Int).Exp(big.NewInt(3), big.NewInt(123456789), srpPrime)
	B := make([]byte, 256)
	b.FillBytes(B)
	acct := &tg.AccountPassword{CurrentAlgo: algo, SRPB: B, SRPID: 42, SecureRandom: serverRandom}
	pw := []byte("correct horse")

	verbatim, err := srp.NewSRP(rand.Reader).Hash(pw, B, serverRandom, srp.Input(*algo))
	if err != nil {
		t.Fatal(err)
	}
	withZero, err := passwordAnswer(zeroReader{}, pw, acct)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(withZero.A, verbatim.A) {
		t.Fatal("with no local randomness the exponent should be the server's")
	}
	mixed, err := passwordAnswer(rand.Reader, pw, acct)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(mixed.A, verbatim.A) {
		t.Fatal("the SRP exponent is the server's secure_random: local randomness was not mixed in")
	}
	if mixed.SRPID != 42 {
		t.Fatalf("srp id %d", mixed.SRPID)
	}
}
