package secret

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	gotdige "github.com/gotd/ige"
	"github.com/gotd/td/bin"
	gotdcrypto "github.com/gotd/td/crypto"
)

// keyBytes0to255 returns the key of the published vectors: bytes 0x00..0xFF.
func keyBytes0to255() []byte {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	return key
}

func randomChatKey(t testing.TB) []byte {
	t.Helper()
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

func mustDecodeHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sealPlaintext encrypts out[headerSize:], a complete padded plaintext (a multiple of 16 bytes),
// in place with the side offset x and writes key_fingerprint and msg_key into out[:headerSize].
// It performs no check on the plaintext's layout, which lets tests build malformed messages and
// check the published vector (whose plaintext has no length prefix).
func sealPlaintext(key []byte, x int, out []byte) {
	plain := out[headerSize:]
	binary.LittleEndian.PutUint64(out[:fingerprintSize], uint64(KeyFingerprint(key)))
	msgKey := (*[msgKeySize]byte)(out[fingerprintSize:headerSize])
	computeMsgKey(msgKey, key, x, plain)

	var aesKey, aesIV [32]byte
	deriveAESKeyIV(&aesKey, &aesIV, key, msgKey, x)
	var s ige
	s.init(&aesKey, &aesIV)
	clear(aesKey[:])
	clear(aesIV[:])
	s.encrypt(plain, plain)
	s.wipe()
}

// TestPublishedVectorX0 checks the MTProto 2.0 vector (x = 0) of the reference, §6.1.
func TestPublishedVectorX0(t *testing.T) {
	key := keyBytes0to255()
	plain := append([]byte("Hello, world! This data should remain secure!"), make([]byte, 19)...)
	want := mustDecodeHex(t, "32d1586ea457dfc8"+"a81729d46db54019a2bfd7f744f9b96c"+
		"4f716cfdc4477db2a2c15f6ddb85235fb9552f1d8407c6aaea00cc844c5a1bf6"+
		"ac44b79b5edc2a23868b3d6073a590992c0f2975243d563ea180d218ee757c9a")

	out := make([]byte, headerSize+len(plain))
	copy(out[headerSize:], plain)
	sealPlaintext(key, 0, out)
	if !bytes.Equal(out, want) {
		t.Fatalf("sealed vector:\n got %x\nwant %x", out, want)
	}

	// The receiving side's decryption of the vector gives the plaintext back. (Open itself
	// rejects it: the vector's plaintext has no length prefix.)
	var msgKey [msgKeySize]byte
	copy(msgKey[:], want[fingerprintSize:headerSize])
	var k, iv [32]byte
	deriveAESKeyIV(&k, &iv, key, &msgKey, 0)
	var s ige
	s.init(&k, &iv)
	got := make([]byte, len(plain))
	s.decrypt(got, want[headerSize:])
	if !bytes.Equal(got, plain) {
		t.Fatalf("decrypted vector: got %q", got)
	}
	if _, err := Open(key, true, want); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Open of a plaintext without length prefix: err = %v, want ErrDecrypt", err)
	}
}

func TestKeyFingerprintVector(t *testing.T) {
	const want = int64(-3972359982579920590)
	if got := KeyFingerprint(keyBytes0to255()); got != want {
		t.Fatalf("KeyFingerprint = %d, want %d", got, want)
	}
	msg, err := Seal(keyBytes0to255(), true, make([]byte, 8))
	if err != nil {
		t.Fatal(err)
	}
	if fp, ok := PeekFingerprint(msg); !ok || fp != want {
		t.Fatalf("PeekFingerprint = %d, %v", fp, ok)
	}
	if _, ok := PeekFingerprint(msg[:7]); ok {
		t.Fatal("PeekFingerprint accepted 7 bytes")
	}
}

// TestCrossImplementation compares Seal's record with one built from gotd's MTProto 2.0 KDF
// (crypto.MessageKey, crypto.Keys) and gotd/ige, for both directions, and opens gotd's output.
func TestCrossImplementation(t *testing.T) {
	for _, originator := range []bool{true, false} {
		for _, size := range []int{16, 32, 64, 1024, 4096 + 16} {
			key := randomChatKey(t)
			plain := make([]byte, size)
			rand.Read(plain)
			binary.LittleEndian.PutUint32(plain, uint32(size-4-12)&^3)

			ours := make([]byte, headerSize+size)
			copy(ours[headerSize:], plain)
			sealPlaintext(key, sideOffset(originator), ours)

			var gk gotdcrypto.Key
			copy(gk[:], key)
			side := gotdcrypto.Server
			if originator {
				side = gotdcrypto.Client
			}
			mk := gotdcrypto.MessageKey(gk, plain, side)
			ak, aiv := gotdcrypto.Keys(gk, mk, side)
			blk, err := aes.NewCipher(ak[:])
			if err != nil {
				t.Fatal(err)
			}
			ct := make([]byte, size)
			gotdige.EncryptBlocks(blk, aiv[:], ct, plain)
			id := gk.ID()
			theirs := append(append(append([]byte{}, id[:]...), mk[:]...), ct...)

			if !bytes.Equal(ours, theirs) {
				t.Fatalf("originator=%v size=%d: records differ", originator, size)
			}
			if _, err := Open(key, originator, theirs); err != nil {
				t.Fatalf("originator=%v size=%d: Open of gotd's record: %v", originator, size, err)
			}
		}
	}
}

// TestSealCrossImplementation opens Seal's records with gotd's KDF and gotd/ige: fingerprint,
// msg_key over the padded plaintext, length prefix, payload and padding bounds.
func TestSealCrossImplementation(t *testing.T) {
	for _, originator := range []bool{true, false} {
		for _, size := range []int{0, 4, 52, 1000, 5000, 70000} {
			key := randomChatKey(t)
			payload := make([]byte, size)
			rand.Read(payload)
			msg, err := Seal(key, originator, payload)
			if err != nil {
				t.Fatal(err)
			}
			var gk gotdcrypto.Key
			copy(gk[:], key)
			side := gotdcrypto.Server
			if originator {
				side = gotdcrypto.Client
			}
			id := gk.ID()
			if !bytes.Equal(msg[:8], id[:]) {
				t.Fatal("fingerprint differs from gotd's key ID")
			}
			var mk bin.Int128
			copy(mk[:], msg[8:24])
			ak, aiv := gotdcrypto.Keys(gk, mk, side)
			blk, _ := aes.NewCipher(ak[:])
			plain := make([]byte, len(msg)-24)
			gotdige.DecryptBlocks(blk, aiv[:], plain, msg[24:])
			if gotdcrypto.MessageKey(gk, plain, side) != mk {
				t.Fatalf("originator=%v size=%d: msg_key differs from gotd's", originator, size)
			}
			n := int(binary.LittleEndian.Uint32(plain))
			pad := len(plain) - 4 - n
			if n != size || !bytes.Equal(plain[4:4+n], payload) || pad < 12 || pad > 1024 {
				t.Fatalf("originator=%v size=%d: plaintext layout wrong (n=%d, padding %d)", originator, size, n, pad)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	key := randomChatKey(t)
	sizes := []int{0, 4, 8, 12, 16, 60, 64, 100, 1000, 1276, 1280, 4096, 65536, 1 << 20}
	for _, originator := range []bool{true, false} {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("originator=%v/%d", originator, size), func(t *testing.T) {
				payload := make([]byte, size)
				rand.Read(payload)
				msg, err := Seal(key, originator, payload)
				if err != nil {
					t.Fatal(err)
				}
				if (len(msg)-headerSize)%16 != 0 {
					t.Fatalf("ciphertext length %d not a multiple of 16", len(msg)-headerSize)
				}
				if pad := len(msg) - headerSize - 4 - size; pad < minPadding || pad > maxPadding {
					t.Fatalf("padding %d out of 12..1024", pad)
				}
				got, err := Open(key, originator, msg)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if !bytes.Equal(got, payload) {
					t.Fatal("payload changed in round trip")
				}
				// The other direction's derivation must not open it.
				if _, err := Open(key, !originator, msg); err != ErrDecrypt {
					t.Fatalf("Open with the wrong sender role: err = %v", err)
				}
			})
		}
	}
}

// TestReflection: a client's own outgoing message fed back to it as incoming fails (x differs).
func TestReflection(t *testing.T) {
	key := randomChatKey(t)
	// The originator sends with x = 0; receiving it back, it would open it as the peer's (x = 8).
	msg, err := Seal(key, true, []byte("mirror test!"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(key, false, msg); err != ErrDecrypt {
		t.Fatalf("reflected message: err = %v", err)
	}
}

func TestSealIsRandomised(t *testing.T) {
	key := randomChatKey(t)
	a, _ := Seal(key, true, []byte("same"))
	b, _ := Seal(key, true, []byte("same"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same payload are identical: padding not random")
	}
}

func TestSealRejects(t *testing.T) {
	if _, err := Seal(make([]byte, 255), true, nil); !errors.Is(err, ErrKeySize) {
		t.Fatalf("255-byte key: %v", err)
	}
	if _, err := Open(make([]byte, 257), true, make([]byte, 40)); !errors.Is(err, ErrKeySize) {
		t.Fatalf("Open with 257-byte key: %v", err)
	}
	for _, n := range []int{1, 2, 3, 5, 7} {
		if _, err := Seal(keyBytes0to255(), true, make([]byte, n)); !errors.Is(err, ErrPayload) {
			t.Fatalf("payload of %d bytes: %v", n, err)
		}
	}
}

func TestPaddedSize(t *testing.T) {
	for dataLen := 4; dataLen <= 20000; dataLen += 4 {
		size := paddedSize(dataLen)
		pad := size - dataLen
		if size%16 != 0 || pad < minPadding || pad > maxPadding {
			t.Fatalf("dataLen %d: size %d, padding %d", dataLen, size, pad)
		}
	}
}

// sealMalformed builds a record with a correct fingerprint and msg_key over an arbitrary plaintext
// whose length prefix is n and whose total size is size bytes.
func sealMalformed(key []byte, x int, n uint32, size int) []byte {
	out := make([]byte, headerSize+size)
	binary.LittleEndian.PutUint32(out[headerSize:], n)
	rand.Read(out[headerSize+4:])
	sealPlaintext(key, x, out)
	return out
}

// TestOpenRejects is the crypto-level part of the negative test list (§5.1 items 4-7).
func TestOpenRejects(t *testing.T) {
	key := randomChatKey(t)
	valid, err := Seal(key, false, []byte("a valid message!"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(key, false, valid); err != nil {
		t.Fatalf("valid message rejected: %v", err)
	}
	flip := func(i int, bit uint) []byte {
		m := bytes.Clone(valid)
		m[i] ^= 1 << bit
		return m
	}
	otherKey := randomChatKey(t)
	cases := []struct {
		name       string
		key        []byte
		originator bool
		msg        []byte
	}{
		{"empty", key, false, nil},
		{"23 bytes", key, false, valid[:23]},
		{"24 bytes, header only", key, false, valid[:24]},
		{"24+15", key, false, valid[:39]},
		{"24+17", key, false, valid[:41]},
		{"one byte short", key, false, valid[:len(valid)-1]},
		{"one block short", key, false, valid[:len(valid)-16]},
		{"one byte extra", key, false, append(bytes.Clone(valid), 0)},
		{"one block extra", key, false, append(bytes.Clone(valid), make([]byte, 16)...)},
		{"wrong fingerprint", key, false, flip(0, 0)},
		{"fingerprint last byte", key, false, flip(7, 7)},
		{"flipped msg_key", key, false, flip(8, 3)},
		{"flipped ciphertext first block", key, false, flip(24, 0)},
		{"flipped ciphertext last byte", key, false, flip(len(valid)-1, 7)},
		{"wrong x (sender role)", key, true, valid},
		{"wrong key", otherKey, false, valid},
		{"padding 11", key, false, sealMalformed(key, 8, 64-4-11, 64)},
		// Padding 11 or 1025 force a length prefix that is not a multiple of 4 (the total is a
		// multiple of 16), so padding 8 and 1028 isolate the padding bounds.
		{"padding 1025", key, false, sealMalformed(key, 8, 16*65-4-1025, 16*65)},
		{"padding 8", key, false, sealMalformed(key, 8, 64-4-8, 64)},
		{"padding 1028", key, false, sealMalformed(key, 8, 8, 4+8+1028)},
		{"padding 1036 with n=0", key, false, sealMalformed(key, 8, 0, 1040)},
		{"padding 0", key, false, sealMalformed(key, 8, 60, 64)},
		{"negative length", key, false, sealMalformed(key, 8, 0xfffffff0, 64)},
		{"length -4 (int32)", key, false, sealMalformed(key, 8, 0xfffffffc, 64)},
		{"length with the sign bit over a valid one", key, false, sealMalformed(key, 8, 0x80000000|44, 64)},
		{"length not multiple of 4", key, false, sealMalformed(key, 8, 30, 64)},
		{"length past the buffer", key, false, sealMalformed(key, 8, 64, 64)},
		{"length far past the buffer", key, false, sealMalformed(key, 8, 1<<30, 64)},
		{"length 0x7ffffffc", key, false, sealMalformed(key, 8, 0x7ffffffc, 64)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := bytes.Clone(tc.msg)
			got, err := Open(tc.key, tc.originator, tc.msg)
			if err != ErrDecrypt || got != nil {
				t.Fatalf("Open = %x, %v; want nil, ErrDecrypt", got, err)
			}
			if !bytes.Equal(in, tc.msg) {
				t.Fatal("Open modified its input")
			}
		})
	}

	// Boundaries that must be accepted, so the cases above fail for the stated reason.
	for _, ok := range []struct {
		name string
		msg  []byte
	}{
		{"padding 12", sealMalformed(key, 8, 64-4-12, 64)},
		{"padding 1024", sealMalformed(key, 8, 12, 4+12+1024)},
		{"empty payload, padding 12", sealMalformed(key, 8, 0, 16)},
	} {
		if _, err := Open(key, false, ok.msg); err != nil {
			t.Fatalf("%s rejected: %v", ok.name, err)
		}
	}
}

// TestOpenFlipEveryBit flips each bit of a whole record (fingerprint, msg_key, ciphertext).
func TestOpenFlipEveryBit(t *testing.T) {
	key := randomChatKey(t)
	valid, err := Seal(key, true, []byte("flip every bit of me, please!!.."))
	if err != nil {
		t.Fatal(err)
	}
	for i := range valid {
		for bit := range 8 {
			m := bytes.Clone(valid)
			m[i] ^= 1 << bit
			if _, err := Open(key, true, m); err != ErrDecrypt {
				t.Fatalf("byte %d bit %d: err = %v", i, bit, err)
			}
		}
	}
}

// TestOpenFailuresIndistinguishable: every kind of failure yields the very same error value and
// text, and no failure returns data.
func TestOpenFailuresIndistinguishable(t *testing.T) {
	key := randomChatKey(t)
	valid, _ := Seal(key, true, []byte("1234"))
	bad := [][]byte{
		nil, valid[:30], append(bytes.Clone(valid), 1), // shape
		append([]byte{valid[0] ^ 1}, valid[1:]...), // fingerprint
		sealMalformed(key, 0, 3, 32),               // length prefix
		sealMalformed(key, 0, 0, 1040),             // padding
	}
	tampered := bytes.Clone(valid)
	tampered[30] ^= 0x80
	bad = append(bad, tampered) // msg_key
	var first error
	for i, m := range bad {
		_, err := Open(key, true, m)
		if err == nil {
			t.Fatalf("case %d accepted", i)
		}
		if first == nil {
			first = err
		}
		if err != first || err.Error() != first.Error() {
			t.Fatalf("case %d: error %q differs from %q", i, err, first)
		}
	}
	if first != ErrDecrypt {
		t.Fatalf("error is %v, want ErrDecrypt", first)
	}
}

// TestIGEInPlaceAndChunked checks the IGE stream against gotd/ige (distinct buffers), in place,
// and in chunks with the carried state.
func TestIGEInPlaceAndChunked(t *testing.T) {
	var k, iv [32]byte
	rand.Read(k[:])
	rand.Read(iv[:])
	plain := make([]byte, 16*37)
	rand.Read(plain)

	blk, _ := aes.NewCipher(k[:])
	want := make([]byte, len(plain))
	gotdige.EncryptBlocks(blk, iv[:], want, plain)

	var s ige
	s.init(&k, &iv)
	inPlace := bytes.Clone(plain)
	s.encrypt(inPlace, inPlace)
	if !bytes.Equal(inPlace, want) {
		t.Fatal("in-place IGE encryption differs from gotd/ige")
	}

	s.init(&k, &iv)
	chunked := make([]byte, len(plain))
	for off, step := 0, 16; off < len(plain); off, step = off+step, step+16 {
		end := min(off+step, len(plain))
		s.encrypt(chunked[off:end], plain[off:end])
	}
	if !bytes.Equal(chunked, want) {
		t.Fatal("chunked IGE encryption differs from one pass")
	}

	s.init(&k, &iv)
	back := bytes.Clone(want)
	s.decrypt(back[:48], back[:48])
	s.decrypt(back[48:], back[48:])
	if !bytes.Equal(back, plain) {
		t.Fatal("chunked in-place IGE decryption failed")
	}
}

// expandKey stretches a fuzzer-chosen seed into a 256-byte chat key; an empty seed selects the
// fixed key of the seed corpus, so mutated valid ciphertexts meet their own key.
func expandKey(seed []byte) []byte {
	if len(seed) == 0 {
		return keyBytes0to255()
	}
	key := make([]byte, 0, KeySize)
	for i := byte(0); len(key) < KeySize; i++ {
		h := sha256.Sum256(append([]byte{i}, seed...))
		key = append(key, h[:]...)
	}
	return key
}

// FuzzOpen: Open never panics, fails only with ErrDecrypt, and what it accepts is well framed.
// The seeds are valid messages under the fixed key, in both directions, which the fuzzer mutates.
func FuzzOpen(f *testing.F) {
	for _, originator := range []bool{true, false} {
		for _, n := range []int{0, 4, 32, 200, 1500} {
			msg, err := Seal(keyBytes0to255(), originator, bytes.Repeat([]byte{byte(n)}, n))
			if err != nil {
				f.Fatal(err)
			}
			f.Add([]byte(nil), originator, msg)
		}
	}
	f.Add([]byte("k"), false, make([]byte, 40))
	f.Add([]byte(nil), true, []byte{})
	f.Fuzz(func(t *testing.T, keySeed []byte, originator bool, msg []byte) {
		key := expandKey(keySeed)
		payload, err := Open(key, originator, msg)
		if err != nil {
			if err != ErrDecrypt || payload != nil {
				t.Fatalf("Open = %d bytes, %v", len(payload), err)
			}
			return
		}
		pad := len(msg) - headerSize - 4 - len(payload)
		if len(payload)%4 != 0 || pad < minPadding || pad > maxPadding {
			t.Fatalf("accepted payload of %d bytes with padding %d", len(payload), pad)
		}
		if fp, _ := PeekFingerprint(msg); fp != KeyFingerprint(key) {
			t.Fatal("accepted a message with a foreign fingerprint")
		}
		// The payload re-seals and opens to itself.
		again, err := Seal(key, originator, payload)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := Open(key, originator, again); err != nil || !bytes.Equal(back, payload) {
			t.Fatalf("re-seal round trip: %v", err)
		}
	})
}

// reportCPU reports the process's CPU time per operation since start (cpu-ns/op): on a shared
// machine it varies much less than the wall clock, and with -cpu 1 it is the one-core cost.
func reportCPU(b *testing.B, start int64) {
	if used := processCPU(b) - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used)/float64(b.N), "cpu-ns/op")
	}
}

var benchSizes = []struct {
	name string
	n    int
}{{"64B", 64}, {"4KiB", 4 << 10}, {"1MiB", 1 << 20}}

// BenchmarkSeal measures Seal per payload byte.
func BenchmarkSeal(b *testing.B) {
	key := randomChatKey(b)
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			payload := make([]byte, s.n)
			rand.Read(payload)
			b.SetBytes(int64(s.n))
			b.ReportAllocs()
			cpu := processCPU(b)
			for b.Loop() {
				if _, err := Seal(key, true, payload); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkOpen measures Open per payload byte.
func BenchmarkOpen(b *testing.B) {
	key := randomChatKey(b)
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			payload := make([]byte, s.n)
			rand.Read(payload)
			msg, err := Seal(key, false, payload)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(s.n))
			b.ReportAllocs()
			cpu := processCPU(b)
			for b.Loop() {
				if _, err := Open(key, false, msg); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkLimit is the work the protocol cannot avoid on the same bytes: one SHA-256 pass and
// one AES-256-CBC encryption pass (Go's stdlib, assembly-backed). Seal and Open are compared to it.
func BenchmarkLimit(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			src := make([]byte, s.n)
			dst := make([]byte, s.n)
			rand.Read(src)
			var key [32]byte
			var iv [16]byte
			rand.Read(key[:])
			b.SetBytes(int64(s.n))
			b.ReportAllocs()
			cpu := processCPU(b)
			for b.Loop() {
				sum := sha256.Sum256(src)
				blk, _ := aes.NewCipher(key[:])
				cipher.NewCBCEncrypter(blk, iv[:]).CryptBlocks(dst, src)
				dst[0] ^= sum[0]
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkLimitFreshOutput is BenchmarkLimit writing into a newly allocated buffer each time,
// as Seal and Open must (they return fresh slices). It is not the target, only an explanation: it
// shows what the Go runtime's handling of a fresh 1 MiB result (allocation, page faults, GC)
// adds to the same cryptographic work.
func BenchmarkLimitFreshOutput(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			src := make([]byte, s.n)
			rand.Read(src)
			var key [32]byte
			var iv [16]byte
			rand.Read(key[:])
			b.SetBytes(int64(s.n))
			b.ReportAllocs()
			for b.Loop() {
				dst := make([]byte, s.n)
				sum := sha256.Sum256(src)
				blk, _ := aes.NewCipher(key[:])
				cipher.NewCBCEncrypter(blk, iv[:]).CryptBlocks(dst, src)
				dst[0] ^= sum[0]
				benchSink = dst
			}
		})
	}
}

var benchSink []byte

// BenchmarkIGE compares Tacit's IGE stream with gotd/ige at 1 MiB, encryption and decryption.
func BenchmarkIGE(b *testing.B) {
	var k, iv [32]byte
	rand.Read(k[:])
	rand.Read(iv[:])
	src := make([]byte, 1<<20)
	dst := make([]byte, 1<<20)
	rand.Read(src)
	blk, _ := aes.NewCipher(k[:])
	b.Run("tacit/encrypt", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			var s ige
			s.init(&k, &iv)
			s.encrypt(dst, src)
		}
	})
	b.Run("tacit/decrypt", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			var s ige
			s.init(&k, &iv)
			s.decrypt(dst, src)
		}
	})
	b.Run("gotd/encrypt", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			gotdige.EncryptBlocks(blk, iv[:], dst, src)
		}
	})
	b.Run("gotd/decrypt", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			gotdige.DecryptBlocks(blk, iv[:], dst, src)
		}
	})
}
