package secret

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
)

// TelegramPrime returns the 2048-bit safe prime Telegram's servers publish for Diffie-Hellman, in secret
// chats and 2-step verification alike. Tacit never trusts a prime for being this one: every prime a server
// sends is checked (CheckDHParams). The local sandbox serves it.
func TelegramPrime() *big.Int {
	p, ok := new(big.Int).SetString(telegramPrimeHex, 16)
	if !ok {
		panic("secret: TelegramPrime: bad constant")
	}
	return p
}

const telegramPrimeHex = "" +
	"C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F" +
	"48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37" +
	"20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64" +
	"2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4" +
	"A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754" +
	"FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4" +
	"E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F" +
	"0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B"

// DHPrimeBits is the required size of the Diffie-Hellman prime p.
const DHPrimeBits = 2048

var (
	// ErrDHParams reports a (g, p) pair from messages.getDhConfig that fails the checks.
	ErrDHParams = errors.New("secret: unacceptable DH parameters")
	// ErrPublicValue reports a g_a or g_b outside the allowed range.
	ErrPublicValue = errors.New("secret: unacceptable DH public value")
)

// safePrimeRounds is the number of Miller-Rabin rounds (beside the Baillie-PSW test that
// big.Int.ProbablyPrime always runs) applied to q = (p-1)/2. p is chosen by the server, so the
// error bound must hold for adversarial input: 4^-64.
const safePrimeRounds = 64

// checkDHShape runs the cheap checks of DHVerdictCache.CheckDHParams: the size of p and the range and residue
// condition of g.
func checkDHShape(g int, p *big.Int) error {
	if p == nil || p.Sign() <= 0 || p.BitLen() != DHPrimeBits {
		return fmt.Errorf("%w: p is not a %d-bit number", ErrDHParams, DHPrimeBits)
	}
	if g < 2 || g > 7 {
		return fmt.Errorf("%w: g = %d is not in 2..7", ErrDHParams, g)
	}
	mod := func(m int64) int64 { return new(big.Int).Mod(p, big.NewInt(m)).Int64() }
	var ok bool
	switch g {
	case 2:
		ok = mod(8) == 7
	case 3:
		ok = mod(3) == 2
	case 4:
		ok = true
	case 5:
		r := mod(5)
		ok = r == 1 || r == 4
	case 6:
		r := mod(24)
		ok = r == 19 || r == 23
	case 7:
		r := mod(7)
		ok = r == 3 || r == 5 || r == 6
	}
	if !ok {
		return fmt.Errorf("%w: g = %d does not generate the quadratic residues mod p", ErrDHParams, g)
	}
	return nil
}

// isSafePrime reports whether p and q = (p-1)/2 are both prime. q gets the full probabilistic
// test; p then follows from Pocklington's criterion with base 2 (q is prime, q > sqrt(p) - 1,
// 2^(p-1) = 1 mod p and gcd(2^2 - 1, p) = 1), which costs a single modular exponentiation.
// A cheap Fermat test of p runs first, so that most composites are rejected quickly.
func isSafePrime(p *big.Int) bool {
	one := big.NewInt(1)
	if p.Bit(0) == 0 || p.Cmp(big.NewInt(7)) < 0 {
		return false
	}
	pMinus1 := new(big.Int).Sub(p, one)
	if new(big.Int).Exp(big.NewInt(2), pMinus1, p).Cmp(one) != 0 {
		return false // 2^(p-1) != 1: p is composite
	}
	if new(big.Int).Mod(p, big.NewInt(3)).Sign() == 0 {
		return false
	}
	q := new(big.Int).Rsh(pMinus1, 1)
	return q.ProbablyPrime(0) && q.ProbablyPrime(safePrimeRounds)
}

// DHVerdictCache remembers, per prime, whether it passed the safe-prime test of its CheckDHParams,
// so that the expensive test runs once per p (per process, or longer if the caller persists the
// result). The cheap checks (size, g and its residue condition) run on every call. The zero value
// is ready to use and safe for concurrent use. At most a few primes are kept: Telegram uses one,
// and a server sending many different primes cannot make the cache grow without bound.
type DHVerdictCache struct {
	mu       sync.Mutex
	verdicts map[string]bool // key: big-endian bytes of p
	computed int             // number of safe-prime tests run, for tests
}

const dhVerdictCacheSize = 8

// CheckDHParams checks the Diffie-Hellman parameters of messages.getDhConfig: p is a safe prime
// of exactly 2048 bits (p and (p-1)/2 prime) and g is in 2..7 and generates the subgroup of
// quadratic residues, i.e.
//
//	g=2: p mod 8 = 7;  g=3: p mod 3 = 2;  g=4: -;  g=5: p mod 5 in {1,4};
//	g=6: p mod 24 in {19,23};  g=7: p mod 7 in {3,5,6}.
//
// The primality test is expensive (hundreds of milliseconds); its verdict for p is cached, and
// the cheap checks run on every call.
func (c *DHVerdictCache) CheckDHParams(g int, p *big.Int) error {
	if err := checkDHShape(g, p); err != nil {
		return err
	}
	key := string(p.Bytes())
	c.mu.Lock()
	verdict, known := c.verdicts[key]
	c.mu.Unlock()
	if !known {
		verdict = isSafePrime(p)
		c.mu.Lock()
		if c.verdicts == nil || len(c.verdicts) >= dhVerdictCacheSize {
			c.verdicts = make(map[string]bool)
		}
		c.verdicts[key] = verdict
		c.computed++
		c.mu.Unlock()
	}
	if !verdict {
		return fmt.Errorf("%w: p is not a safe prime", ErrDHParams)
	}
	return nil
}

// CheckPublicValue checks a DH public value g_a or g_b (own or received, on the first exchange
// and on every re-key) against the prime p: 1 < gx < p-1 and 2^(2048-64) < gx < p - 2^(2048-64).
// The bounds are strict, as in Telegram's security guidelines.
func CheckPublicValue(gx, p *big.Int) error {
	if gx == nil || p == nil || p.Sign() <= 0 {
		return fmt.Errorf("%w: missing value", ErrPublicValue)
	}
	one := big.NewInt(1)
	pMinus1 := new(big.Int).Sub(p, one)
	if gx.Cmp(one) <= 0 || gx.Cmp(pMinus1) >= 0 {
		return fmt.Errorf("%w: not in (1, p-1)", ErrPublicValue)
	}
	margin := new(big.Int).Lsh(one, DHPrimeBits-64)
	upper := new(big.Int).Sub(p, margin)
	if gx.Cmp(margin) <= 0 || gx.Cmp(upper) >= 0 {
		return fmt.Errorf("%w: not in (2^1984, p-2^1984)", ErrPublicValue)
	}
	return nil
}

// ParsePublicValue decodes a g_a or g_b received as TL bytes (unsigned big-endian, at most 256
// bytes, not necessarily exactly 256) and checks it with CheckPublicValue.
func ParsePublicValue(b []byte, p *big.Int) (*big.Int, error) {
	if len(b) == 0 || len(b) > DHPrimeBits/8 {
		return nil, fmt.Errorf("%w: encoding of %d bytes", ErrPublicValue, len(b))
	}
	gx := new(big.Int).SetBytes(b)
	if err := CheckPublicValue(gx, p); err != nil {
		return nil, err
	}
	return gx, nil
}

// GenerateExponent returns a fresh secret exponent a (or b): 2048 bits from crypto/rand XORed
// with the server's random bytes of messages.getDhConfig. The server bytes only add entropy:
// since the local bytes are uniform and unknown to the server, the result is uniform whatever the
// server sends. Never use the server bytes alone, and never mix them into the key itself.
func GenerateExponent(serverRandom []byte) (*big.Int, error) {
	return generateExponent(rand.Reader, serverRandom)
}

func generateExponent(local io.Reader, serverRandom []byte) (*big.Int, error) {
	buf := make([]byte, DHPrimeBits/8)
	defer clear(buf)
	if _, err := io.ReadFull(local, buf); err != nil {
		return nil, fmt.Errorf("secret: dh exponent: %w", err)
	}
	for i := 0; i < len(buf) && i < len(serverRandom); i++ {
		buf[i] ^= serverRandom[i]
	}
	return new(big.Int).SetBytes(buf), nil
}

// NewKeyPair picks a secret exponent (see GenerateExponent) and returns it with its public value
// g^a mod p, drawing again in the (about 2^-63 likely) case the public value fails
// CheckPublicValue. (g, p) must have passed CheckDHParams. Wipe a with WipeInt when done.
func NewKeyPair(g int, p *big.Int, serverRandom []byte) (a, ga *big.Int, err error) {
	if err := checkDHShape(g, p); err != nil {
		return nil, nil, err
	}
	for range 16 {
		a, err = GenerateExponent(serverRandom)
		if err != nil {
			return nil, nil, err
		}
		ga = new(big.Int).Exp(big.NewInt(int64(g)), a, p)
		if CheckPublicValue(ga, p) == nil {
			return a, ga, nil
		}
		WipeInt(a)
	}
	return nil, nil, fmt.Errorf("secret: dh: no acceptable public value after 16 draws")
}

// SharedKey checks the peer's public value gb and returns the chat key gb^a mod p, left-padded
// with zero bytes to exactly KeySize bytes (about one key in 256 has a leading zero byte).
//
// big.Int exponentiation is not constant-time; the exponent's exposure is limited to local
// timing, which a remote party cannot observe at useful resolution.
func SharedKey(gb, a, p *big.Int) ([]byte, error) {
	if err := CheckPublicValue(gb, p); err != nil {
		return nil, err
	}
	if a == nil || a.Sign() <= 0 {
		return nil, fmt.Errorf("secret: dh: missing secret exponent")
	}
	k := new(big.Int).Exp(gb, a, p)
	defer WipeInt(k)
	key := make([]byte, KeySize)
	k.FillBytes(key)
	return key, nil
}

// WipeInt overwrites the words of x with zeros and sets it to 0: use it on secret exponents and
// shared-key integers once they are no longer needed. Copies made by big.Int internals during
// arithmetic cannot be reached from Go.
func WipeInt(x *big.Int) {
	if x == nil {
		return
	}
	clear(x.Bits())
	x.SetInt64(0)
}
