package secret

import (
	"bytes"
	"errors"
	"math/big"
	"sync"
	"testing"
)

// TestCheckDHParamsTelegramPrime: Telegram's prime passes; g = 3, 4, 7 are quadratic-residue
// generators for it, g = 2, 5, 6 are not. The cache runs the expensive test once.
func TestCheckDHParamsTelegramPrime(t *testing.T) {
	p := TelegramPrime()
	if err := CheckDHParams(3, p); err != nil {
		t.Fatalf("CheckDHParams(3, telegram p) = %v", err)
	}
	var cache DHVerdictCache
	for g, ok := range map[int]bool{2: false, 3: true, 4: true, 5: false, 6: false, 7: true} {
		err := cache.CheckDHParams(g, p)
		if ok != (err == nil) {
			t.Errorf("g = %d: err = %v", g, err)
		}
		if err != nil && !errors.Is(err, ErrDHParams) {
			t.Errorf("g = %d: err = %v is not ErrDHParams", g, err)
		}
	}
	if err := cache.CheckDHParams(3, new(big.Int).Set(p)); err != nil {
		t.Fatal(err)
	}
	if cache.computed != 1 {
		t.Fatalf("safe-prime test ran %d times, want 1", cache.computed)
	}
}

var (
	nonSafeOnce            sync.Once
	primeNotSafe           *big.Int // prime p whose (p-1)/2 is composite
	compositeWithPrimeHalf *big.Int // composite p = 2q+1 with q prime
)

// nonSafePrimes finds, deterministically, a 2048-bit prime that is not safe and a composite
// 2q+1 with q prime, both near Telegram's prime.
func nonSafePrimes(t *testing.T) (*big.Int, *big.Int) {
	nonSafeOnce.Do(func() {
		two := big.NewInt(2)
		p := new(big.Int).Add(TelegramPrime(), two)
		for ; ; p.Add(p, two) {
			if p.ProbablyPrime(20) {
				q := new(big.Int).Rsh(p, 1)
				if !q.ProbablyPrime(20) {
					primeNotSafe = new(big.Int).Set(p)
					break
				}
			}
		}
		q := new(big.Int).Rsh(TelegramPrime(), 1) // (p-1)/2 of Telegram's prime
		for q.Add(q, two); ; q.Add(q, two) {
			if q.ProbablyPrime(20) {
				c := new(big.Int).Lsh(q, 1)
				c.Add(c, big.NewInt(1))
				if !c.ProbablyPrime(20) {
					compositeWithPrimeHalf = c
					break
				}
			}
		}
	})
	return primeNotSafe, compositeWithPrimeHalf
}

func TestCheckDHParamsRejects(t *testing.T) {
	p := TelegramPrime()
	notSafe, halfPrime := nonSafePrimes(t)
	plus2 := new(big.Int).Add(p, big.NewInt(2))
	if plus2.ProbablyPrime(10) {
		t.Fatal("test assumption: p+2 is composite")
	}
	cases := []struct {
		name string
		g    int
		p    *big.Int
	}{
		{"nil p", 3, nil},
		{"negative p", 3, new(big.Int).Neg(p)},
		{"2047 bits", 3, new(big.Int).Rsh(p, 1)},
		{"2049 bits", 3, new(big.Int).Add(new(big.Int).Lsh(p, 1), big.NewInt(1))},
		{"g = 0", 0, p},
		{"g = 1", 1, p},
		{"g = 8", 8, p},
		{"g = -3", -3, p},
		{"g = 2 not a residue (p mod 8 != 7)", 2, p},
		{"g = 5 not a residue", 5, p},
		{"g = 6 not a residue", 6, p},
		{"p composite", 4, plus2},
		{"p prime, (p-1)/2 composite", 4, notSafe},
		{"(p-1)/2 prime, p composite", 4, halfPrime},
		{"p even", 4, new(big.Int).Sub(p, big.NewInt(1))},
	}
	for _, tc := range cases {
		err := CheckDHParams(tc.g, tc.p)
		if !errors.Is(err, ErrDHParams) {
			t.Errorf("%s: err = %v, want ErrDHParams", tc.name, err)
		}
		var cache DHVerdictCache
		if err := cache.CheckDHParams(tc.g, tc.p); !errors.Is(err, ErrDHParams) {
			t.Errorf("%s (cached): err = %v", tc.name, err)
		}
	}
}

// TestCheckDHParamsResidues covers every residue rule with synthetic moduli: the cheap checks
// run before primality, so they are tested on 2048-bit numbers of the right residue class.
func TestCheckDHParamsResidues(t *testing.T) {
	base := new(big.Int).Lsh(big.NewInt(1), DHPrimeBits-1) // 2^2047
	withMod := func(m, r int64) *big.Int {
		x := new(big.Int).Set(base)
		cur := new(big.Int).Mod(x, big.NewInt(m)).Int64()
		return x.Add(x, big.NewInt((r-cur+m)%m))
	}
	rules := map[int]struct {
		m    int64
		good []int64
	}{
		2: {8, []int64{7}},
		3: {3, []int64{2}},
		5: {5, []int64{1, 4}},
		6: {24, []int64{19, 23}},
		7: {7, []int64{3, 5, 6}},
	}
	for g, rule := range rules {
		for r := int64(0); r < rule.m; r++ {
			want := false
			for _, ok := range rule.good {
				want = want || ok == r
			}
			err := checkDHShape(g, withMod(rule.m, r))
			if want != (err == nil) {
				t.Errorf("g = %d, p mod %d = %d: err = %v", g, rule.m, r, err)
			}
		}
	}
	if err := checkDHShape(4, base); err != nil {
		t.Errorf("g = 4 has no residue condition: %v", err)
	}
}

func TestCheckPublicValue(t *testing.T) {
	p := TelegramPrime()
	one := big.NewInt(1)
	margin := new(big.Int).Lsh(one, 1984)
	add := func(a *big.Int, d int64) *big.Int { return new(big.Int).Add(a, big.NewInt(d)) }
	pMinusMargin := new(big.Int).Sub(p, margin)
	for _, tc := range []struct {
		name string
		gx   *big.Int
		ok   bool
	}{
		{"nil", nil, false},
		{"0", big.NewInt(0), false},
		{"1", one, false},
		{"2", big.NewInt(2), false},
		{"-5", big.NewInt(-5), false},
		{"small 2^64", new(big.Int).Lsh(one, 64), false},
		{"2^1984", margin, false},
		{"2^1984+1", add(margin, 1), true},
		{"p-2^1984-1", add(pMinusMargin, -1), true},
		{"p-2^1984 (too close to p)", pMinusMargin, false},
		{"p-2", add(p, -2), false},
		{"p-1", add(p, -1), false},
		{"p", p, false},
		{"p+1", add(p, 1), false},
		{"2^2048", new(big.Int).Lsh(one, 2048), false},
		{"middle", new(big.Int).Rsh(p, 1), true},
	} {
		err := CheckPublicValue(tc.gx, p)
		if tc.ok != (err == nil) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if err != nil && !errors.Is(err, ErrPublicValue) {
			t.Errorf("%s: err = %v is not ErrPublicValue", tc.name, err)
		}
	}
	if err := CheckPublicValue(big.NewInt(5), nil); !errors.Is(err, ErrPublicValue) {
		t.Errorf("nil p: %v", err)
	}
}

func TestParsePublicValue(t *testing.T) {
	p := TelegramPrime()
	mid := new(big.Int).Rsh(p, 1)
	enc := mid.FillBytes(make([]byte, 256))
	if _, err := ParsePublicValue(enc, p); err != nil {
		t.Fatalf("256-byte encoding: %v", err)
	}
	short := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 1990), big.NewInt(1))
	if got, err := ParsePublicValue(short.Bytes(), p); err != nil || got.Cmp(short) != 0 {
		t.Fatalf("minimal encoding of %d bytes: %v", len(short.Bytes()), err)
	}
	for name, b := range map[string][]byte{
		"257 bytes with leading zero": append([]byte{0}, enc...),
		"empty":                       nil,
		"one byte":                    {1},
		"p-1":                         new(big.Int).Sub(p, big.NewInt(1)).Bytes(),
		"p":                           p.Bytes(),
	} {
		if _, err := ParsePublicValue(b, p); !errors.Is(err, ErrPublicValue) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestSharedKeyAgreement(t *testing.T) {
	p := TelegramPrime()
	random := bytes.Repeat([]byte{0xA5}, 256)
	a, ga, err := NewKeyPair(3, p, random)
	if err != nil {
		t.Fatal(err)
	}
	b, gb, err := NewKeyPair(3, p, random)
	if err != nil {
		t.Fatal(err)
	}
	if a.Cmp(b) == 0 {
		t.Fatal("two key pairs with the same server random share the exponent")
	}
	kA, err := SharedKey(gb, a, p)
	if err != nil {
		t.Fatal(err)
	}
	kB, err := SharedKey(ga, b, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(kA) != KeySize || !bytes.Equal(kA, kB) {
		t.Fatal("the two sides computed different keys")
	}
	if KeyFingerprint(kA) != KeyFingerprint(kB) || KeyHash(kA) != KeyHash(kB) {
		t.Fatal("fingerprints differ")
	}
	for _, bad := range []*big.Int{big.NewInt(1), new(big.Int).Sub(p, big.NewInt(1)), big.NewInt(2)} {
		if _, err := SharedKey(bad, a, p); !errors.Is(err, ErrPublicValue) {
			t.Errorf("SharedKey accepted g_b = %v: %v", bad, err)
		}
	}
	if _, _, err := NewKeyPair(9, p, nil); !errors.Is(err, ErrDHParams) {
		t.Errorf("NewKeyPair with g = 9: %v", err)
	}
}

// TestSharedKeyLeadingZero: a key whose big-endian encoding has 255 bytes is left-padded, and the
// fingerprint is computed over the 256-byte form (a right-padding implementation differs).
func TestSharedKeyLeadingZero(t *testing.T) {
	p := TelegramPrime()
	gb := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 2039), big.NewInt(12345))
	key, err := SharedKey(gb, big.NewInt(1), p) // gb^1 mod p = gb
	if err != nil {
		t.Fatal(err)
	}
	if len(gb.Bytes()) != 255 || len(key) != 256 || key[0] != 0 || key[1] == 0 {
		t.Fatalf("encoding: %d bytes, key %d bytes, key[0..1] = %x", len(gb.Bytes()), len(key), key[:2])
	}
	if new(big.Int).SetBytes(key).Cmp(gb) != 0 {
		t.Fatal("key is not the left-padded shared value")
	}
	rightPadded := make([]byte, 256)
	copy(rightPadded, gb.Bytes())
	if KeyFingerprint(key) == KeyFingerprint(rightPadded) {
		t.Fatal("left- and right-padded keys give the same fingerprint")
	}
}

func TestGenerateExponentMixesServerRandom(t *testing.T) {
	local := bytes.Repeat([]byte{0x0F, 0xF0}, 128)
	server := bytes.Repeat([]byte{0xFF}, 256)
	got, err := generateExponent(bytes.NewReader(local), server)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 256)
	for i := range want {
		want[i] = local[i] ^ server[i]
	}
	if !bytes.Equal(got.FillBytes(make([]byte, 256)), want) {
		t.Fatal("exponent is not local XOR server random")
	}
	noServer, _ := generateExponent(bytes.NewReader(local), nil)
	if !bytes.Equal(noServer.FillBytes(make([]byte, 256)), local) {
		t.Fatal("exponent without server random is not the local bytes")
	}
	if _, err := generateExponent(bytes.NewReader(local[:100]), server); err == nil {
		t.Fatal("short local randomness accepted")
	}
	a1, _ := GenerateExponent(server)
	a2, _ := GenerateExponent(server)
	if a1.Cmp(a2) == 0 || bytes.Equal(a1.Bytes(), server) {
		t.Fatal("exponent determined by the server random")
	}
}

func TestWipeInt(t *testing.T) {
	x, _ := GenerateExponent(nil)
	words := x.Bits()
	WipeInt(x)
	if x.Sign() != 0 {
		t.Fatal("not zero after wipe")
	}
	for i, w := range words[:cap(words)][:len(words)] {
		if w != 0 {
			t.Fatalf("word %d not wiped", i)
		}
	}
	WipeInt(nil)
}
