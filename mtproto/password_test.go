package mtproto

import (
	"bytes"
	"crypto/rand"
	"io"
	"math/big"
	"testing"

	"github.com/gotd/td/crypto/srp"
	"github.com/gotd/td/tg"
)

var srpPrime, _ = new(big.Int).SetString("C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F"+
	"48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37"+
	"20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64"+
	"2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4"+
	"A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754"+
	"FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4"+
	"E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F"+
	"0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B", 16)

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
