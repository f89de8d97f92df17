package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
)

// KeySize is the size in bytes of a secret chat's shared key (g^ab mod p, left-padded).
const KeySize = 256

const (
	fingerprintSize = 8
	msgKeySize      = 16
	headerSize      = fingerprintSize + msgKeySize // key_fingerprint || msg_key
	blockSize       = aes.BlockSize

	minPadding = 12
	maxPadding = 1024

	// maxMessageSize bounds what Open looks at, keeping every length computation far from
	// int32 overflow. Telegram accepts much smaller encrypted payloads.
	maxMessageSize = 1 << 28
	// MaxPayload is the largest payload Seal accepts.
	MaxPayload = maxMessageSize - headerSize - 4 - maxPadding - blockSize
)

var (
	// ErrDecrypt is the only error Open reports for a message it rejects, whatever the reason
	// (unknown key fingerprint, bad length, msg_key mismatch, bad length prefix or padding).
	// Callers cannot and must not tell these cases apart.
	ErrDecrypt = errors.New("secret: message rejected")
	// ErrKeySize reports a chat key that is not KeySize bytes long (a caller bug, not hostile input).
	ErrKeySize = errors.New("secret: chat key must be 256 bytes")
	// ErrPayload reports a payload Seal cannot frame: not a whole number of 4-byte words
	// (every TL object is) or longer than MaxPayload.
	ErrPayload = errors.New("secret: payload length invalid")
)

// sideOffset is the x of the MTProto 2.0 KDF: 0 for messages sent by the chat's originator
// (admin_id), 8 for messages sent by the other participant.
func sideOffset(fromOriginator bool) int {
	if fromOriginator {
		return 0
	}
	return 8
}

// KeyFingerprint returns the key_fingerprint of a chat key: the last 64 bits of SHA1(key),
// read as a little-endian int64. key must be the full 256-byte key (see SharedKey).
func KeyFingerprint(key []byte) int64 {
	sum := sha1.Sum(key)
	return int64(binary.LittleEndian.Uint64(sum[12:20]))
}

// PeekFingerprint returns the key_fingerprint a sealed message claims, so that a caller holding
// two keys (during re-keying) can pick the one to Open it with. ok is false if msg is too short.
func PeekFingerprint(msg []byte) (fp int64, ok bool) {
	if len(msg) < fingerprintSize {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint64(msg[:fingerprintSize])), true
}

// Seal encrypts payload, a serialized decryptedMessageLayer (or, for old layers, another TL
// object), for a secret chat with the MTProto 2.0 end-to-end scheme. fromOriginator tells whether
// the sender of this message (the local user) created the chat.
//
// The result is key_fingerprint (8) || msg_key (16) || AES-256-IGE(int32 length || payload ||
// padding). The padding is 12..1024 random bytes; its length rounds the encrypted size up to a
// size bucket (64, 128, 192, 256, 384, 512, 768, 1024, 1280, then multiples of 448) so that
// the ciphertext length reveals less about the message length.
func Seal(key []byte, fromOriginator bool, payload []byte) ([]byte, error) {
	if len(key) != KeySize {
		return nil, ErrKeySize
	}
	if len(payload)%4 != 0 || len(payload) > MaxPayload {
		return nil, ErrPayload
	}
	dataLen := 4 + len(payload)
	plainLen := paddedSize(dataLen)
	x := sideOffset(fromOriginator)

	// The plaintext P = length || payload || padding is never assembled in full: it is hashed
	// piece by piece, and the encryption copies each chunk of it straight from the pieces.
	var prefix [4]byte
	binary.LittleEndian.PutUint32(prefix[:], uint32(len(payload)))
	var paddingBuf [maxPadding]byte
	padding := paddingBuf[:plainLen-dataLen]
	if _, err := rand.Read(padding); err != nil {
		return nil, fmt.Errorf("secret: seal: padding: %w", err)
	}
	pieces := [3][]byte{prefix[:], payload, padding}

	// For large messages the output buffer is allocated (and its pages faulted in) on another
	// core while this one hashes: the encryption cannot start before msg_key is known anyway.
	var out []byte
	var outReady chan []byte
	if plainLen >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
		outReady = make(chan []byte, 1)
		go func() { outReady <- make([]byte, headerSize+plainLen) }()
	} else {
		out = make([]byte, headerSize+plainLen)
	}
	var msgKey [msgKeySize]byte
	computeMsgKey(&msgKey, key, x, pieces[:]...)
	if outReady != nil {
		out = <-outReady
	}
	binary.LittleEndian.PutUint64(out[:fingerprintSize], uint64(KeyFingerprint(key)))
	copy(out[fingerprintSize:headerSize], msgKey[:])

	var aesKey, aesIV [32]byte
	deriveAESKeyIV(&aesKey, &aesIV, key, &msgKey, x)
	var s ige
	s.init(&aesKey, &aesIV)
	clear(aesKey[:])
	clear(aesIV[:])
	s.encryptPieces(out[headerSize:], pieces[:])
	s.wipe()
	clear(padding)
	return out, nil
}

// parallelMin is the message size from which Seal and Open use a second
// goroutine; parallelChunk is the unit Open's decrypting goroutine hands over.
const (
	parallelMin   = 128 << 10
	parallelChunk = 64 << 10
)

// copyPieces fills buf with the bytes at offset off of the concatenation of pieces.
func copyPieces(buf []byte, off int, pieces [][]byte) {
	for _, p := range pieces {
		if len(buf) == 0 {
			return
		}
		if off >= len(p) {
			off -= len(p)
			continue
		}
		n := copy(buf, p[off:])
		buf = buf[n:]
		off = 0
	}
}

// paddedSize returns the encrypted size for dataLen bytes of length prefix and payload: at least
// dataLen+12, a multiple of 16, at most dataLen+1024.
func paddedSize(dataLen int) int {
	need := dataLen + minPadding
	for _, bucket := range [...]int{64, 128, 192, 256, 384, 512, 768, 1024, 1280} {
		if need <= bucket {
			return bucket
		}
	}
	const step = 448 // a multiple of 16; padding stays below 12+448
	return (need + step - 1) / step * step
}

// Open decrypts a message sealed by the peer. fromOriginator tells whether the SENDER of msg
// created the chat. It returns the payload (the serialized TL object, without length prefix or
// padding). TL-level checks (decryptedMessageLayer, random_bytes >= 15, exact consumption) are
// the decoder's job.
//
// Checks, all evaluated without early exit and reported as the single error ErrDecrypt:
// length at least 24+16 and 24 plus a multiple of 16; key_fingerprint equal to key's;
// msg_key equal (constant time) to SHA256(key[88+x:120+x] || plaintext)[8:24]; the length
// prefix non-negative, a multiple of 4 and inside the plaintext; padding 12..1024 bytes.
// Even when the shape of msg is wrong, the decryption and msg_key computation still run.
func Open(key []byte, fromOriginator bool, msg []byte) ([]byte, error) {
	if len(key) != KeySize {
		return nil, ErrKeySize
	}
	x := sideOffset(fromOriginator) // both sides derive with the sender's x

	// Shape of the message. The length is public (the sender chose it), so branching on it
	// leaks nothing; but whatever the shape, the same work as for a valid message follows.
	valid := 1
	body := msg
	if len(msg) < headerSize+blockSize || (len(msg)-headerSize)%blockSize != 0 || len(msg) > maxMessageSize {
		valid = 0
		body = reshapeRejected(msg)
	}

	var wantFP [fingerprintSize]byte
	binary.LittleEndian.PutUint64(wantFP[:], uint64(KeyFingerprint(key)))
	valid &= subtle.ConstantTimeCompare(wantFP[:], body[:fingerprintSize])

	msgKey := (*[msgKeySize]byte)(body[fingerprintSize:headerSize])
	var aesKey, aesIV [32]byte
	deriveAESKeyIV(&aesKey, &aesIV, key, msgKey, x)
	plain := make([]byte, len(body)-headerSize)
	ct := body[headerSize:]
	h := sha256.New()
	h.Write(key[88+x : 120+x])
	if len(plain) >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
		// Large messages: another core decrypts while this one hashes each decrypted chunk.
		// Every check still runs on every byte.
		prev := 0
		for end := range decryptInBackground(aesKey, aesIV, plain, ct) {
			h.Write(plain[prev:end])
			prev = end
		}
	} else {
		// Decrypt and hash in chunks, so that each plaintext chunk is hashed while in cache.
		var s ige
		s.init(&aesKey, &aesIV)
		const chunk = 16 << 10
		for off := 0; off < len(plain); off += chunk {
			end := min(off+chunk, len(plain))
			s.decrypt(plain[off:end], ct[off:end])
			h.Write(plain[off:end])
		}
		s.wipe()
	}
	clear(aesKey[:])
	clear(aesIV[:])
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	// The hash's buffer may still hold key bytes: after Reset, a write shorter than a block
	// overwrites the buffer without hashing it.
	var zeros [sha256.BlockSize - 1]byte
	h.Reset()
	h.Write(zeros[:])
	valid &= subtle.ConstantTimeCompare(sum[8:24], msgKey[:])
	clear(sum[:])

	// Length prefix: 0 <= n, n%4 == 0, 12 <= len(plain)-4-n <= 1024, evaluated branch-free.
	raw := binary.LittleEndian.Uint32(plain[:4])
	n := int(raw & 0x7fffffff)
	avail := len(plain) - 4
	valid &= subtle.ConstantTimeEq(int32(raw>>31), 0)
	valid &= subtle.ConstantTimeByteEq(uint8(raw&3), 0)
	inside := subtle.ConstantTimeLessOrEq(n, avail)
	valid &= inside // also implied below: outside, padding is taken as 0 and fails the minimum
	padding := subtle.ConstantTimeSelect(inside, avail-n, 0)
	valid &= subtle.ConstantTimeLessOrEq(minPadding, padding)
	valid &= subtle.ConstantTimeLessOrEq(padding, maxPadding)

	if valid != 1 {
		clear(plain)
		return nil, ErrDecrypt
	}
	return plain[4 : 4+n : 4+n], nil
}

// reshapeRejected returns a stand-in for a message of invalid shape: its bytes cut or
// zero-extended to the nearest valid size, so that Open can run its usual work on it.
func reshapeRejected(msg []byte) []byte {
	size := headerSize + blockSize
	if len(msg) > size {
		size = headerSize + (len(msg)-headerSize)/blockSize*blockSize
	}
	if size > maxMessageSize {
		size = maxMessageSize
	}
	body := make([]byte, size)
	copy(body, msg)
	return body
}

// computeMsgKey sets dst to msg_key = SHA256(key[88+x:120+x] || plain)[8:24], where plain is
// the concatenation of pieces.
func computeMsgKey(dst *[msgKeySize]byte, key []byte, x int, pieces ...[]byte) {
	h := sha256.New() // a concrete value the compiler keeps on the stack
	h.Write(key[88+x : 120+x])
	for _, p := range pieces {
		h.Write(p)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	copy(dst[:], sum[8:24])
	clear(sum[:])
	// The hash's buffer may still hold key bytes: after Reset, a write shorter than a block
	// overwrites the buffer without hashing it.
	var zeros [sha256.BlockSize - 1]byte
	h.Reset()
	h.Write(zeros[:])
}

// decryptInBackground decrypts ct into plain on another goroutine, parallelChunk bytes at a
// time, and sends the end offset of each decrypted chunk; the channel is closed after the last.
// It takes the key and IV by value and clears its copies.
func decryptInBackground(aesKey, aesIV [32]byte, plain, ct []byte) <-chan int {
	done := make(chan int, 16)
	go func() {
		s := new(ige)
		s.init(&aesKey, &aesIV)
		clear(aesKey[:])
		clear(aesIV[:])
		for off := 0; off < len(plain); off += parallelChunk {
			end := min(off+parallelChunk, len(plain))
			s.decrypt(plain[off:end], ct[off:end])
			done <- end
		}
		s.wipe()
		close(done)
	}()
	return done
}

// deriveAESKeyIV is the MTProto 2.0 KDF:
//
//	a = SHA256(msg_key || key[x:x+36]);  b = SHA256(key[40+x:76+x] || msg_key)
//	aes_key = a[0:8] || b[8:24] || a[24:32];  aes_iv = b[0:8] || a[8:24] || b[24:32]
func deriveAESKeyIV(aesKey, aesIV *[32]byte, key []byte, msgKey *[msgKeySize]byte, x int) {
	var buf [msgKeySize + 36]byte
	copy(buf[:], msgKey[:])
	copy(buf[msgKeySize:], key[x:x+36])
	a := sha256.Sum256(buf[:])
	copy(buf[:], key[40+x:76+x])
	copy(buf[36:], msgKey[:])
	b := sha256.Sum256(buf[:])

	copy(aesKey[0:8], a[0:8])
	copy(aesKey[8:24], b[8:24])
	copy(aesKey[24:32], a[24:32])
	copy(aesIV[0:8], b[0:8])
	copy(aesIV[8:24], a[8:24])
	copy(aesIV[24:32], b[24:32])
	clear(buf[:])
	clear(a[:])
	clear(b[:])
}

// ige is an AES-256-IGE stream. It keeps the chaining state between calls, so a long input can
// be processed in pieces (file parts) with the same result as in one pass; dst and src may be the
// same slice (in place), but must not overlap otherwise. Lengths must be multiples of 16. One
// value either encrypts or decrypts.
//
//	encrypt: c_i = E(p_i XOR c_{i-1}) XOR p_{i-1};  decrypt: p_i = D(c_i XOR p_{i-1}) XOR c_{i-1}
//
// with c_0 = iv[0:16] and p_0 = iv[16:32].
//
// Both directions are rewritten as CBC-style chains so that each block costs one block-cipher
// call and at most one 16-byte XOR, the other XORs becoming bulk passes over L1-resident chunks:
//
//   - encryption: with d_i = c_i XOR p_{i-1}, d_i = E((p_i XOR p_{i-2}) XOR d_{i-1}), which is the
//     CBC encryption of q_i = p_i XOR p_{i-2} (IV d_0 = c_0, taking p_{-1} = 0): Go's CBC mode for
//     long inputs, the same chain block by block for short ones (without the mode's allocations),
//     then c_i = d_i XOR p_{i-1};
//   - decryption: with f_i = D(c_i XOR p_{i-1}), f_i = D((c_i XOR c_{i-2}) XOR f_{i-1}) (taking
//     c_{-1} = 0, hence f_0 = p_0), then p_i = f_i XOR c_{i-1}.
type ige struct {
	block cipher.Block
	d     [blockSize]byte  // encryption: d_{i-1}, when cbc is nil
	cbc   cipher.BlockMode // encryption of long inputs: the CBC mode, holding d_{i-1}
	dir   int8             // 0 until the first call, then igeEncrypting or igeDecrypting
	c     [blockSize]byte  // previous ciphertext block
	p     [blockSize]byte  // previous plaintext block
	f     [blockSize]byte  // decryption: f_{i-1}
	// work holds the two previous input blocks (p or c) followed by the current chunk's input,
	// which keeps in-place operation possible; used is how much of it has held data.
	work [2*blockSize + igeChunk]byte
	used int
}

const (
	igeChunk      = 4096
	igeCBCMin     = 16 << 10 // from this length the encryption runs on the CBC mode
	igeEncrypting = 1
	igeDecrypting = 2
)

// init starts a stream with key and iv. The work buffer is not cleared here (it is large and
// wipe clears what was used), so init must follow a wipe or a zero value.
func (s *ige) init(key, iv *[32]byte) {
	block, err := aes.NewCipher(key[:])
	if err != nil { // unreachable: a 32-byte key is always valid
		panic("secret: aes: " + err.Error())
	}
	s.block, s.cbc, s.dir = block, nil, 0
	copy(s.c[:], iv[0:16])
	copy(s.p[:], iv[16:32])
	s.f = [blockSize]byte{}
}

// start prepares the chunk buffer for the first call, from the state (c, p).
func (s *ige) start(dir int8, n int) {
	if s.dir == dir {
		return
	}
	if s.dir != 0 {
		panic("secret: ige used in both directions")
	}
	s.dir = dir
	clear(s.work[:blockSize])
	if dir == igeEncrypting {
		s.d = s.c // d_0 = c_0 XOR p_{-1}, p_{-1} = 0
		if n >= igeCBCMin {
			iv := s.d // a copy: the mode keeps its argument, which would move s to the heap
			s.cbc = cipher.NewCBCEncrypter(s.block, iv[:])
		}
		copy(s.work[blockSize:], s.p[:]) // [p_{-1} = 0, p_0]
	} else {
		copy(s.work[blockSize:], s.c[:]) // [c_{-1} = 0, c_0]
		s.f = s.p                        // f_0 = p_0 XOR c_{-1}
	}
}

// chunkBuffer returns work sized for a chunk of l bytes.
func (s *ige) chunkBuffer(l int) []byte {
	s.used = max(s.used, 2*blockSize+l)
	return s.work[:2*blockSize+l]
}

func (s *ige) encrypt(dst, src []byte) {
	n := len(src) &^ (blockSize - 1)
	s.encryptPieces(dst[:n], [][]byte{src[:n]})
}

// encryptPieces encrypts len(dst) bytes (rounded down to whole blocks) into dst; the plaintext
// is the concatenation of pieces. A piece may lie in dst itself at the plaintext offset it
// holds (in-place encryption): each chunk is read before it is overwritten.
func (s *ige) encryptPieces(dst []byte, pieces [][]byte) {
	n := len(dst) &^ (blockSize - 1)
	s.start(igeEncrypting, n)
	for off := 0; off < n; off += igeChunk {
		l := min(igeChunk, n-off)
		in := s.chunkBuffer(l) // p_{i-2}, p_{i-1}, chunk plaintext
		copyPieces(in[2*blockSize:], off, pieces)
		out := dst[off : off+l]
		subtle.XORBytes(out, in[2*blockSize:], in[:l]) // q_i = p_i ^ p_{i-2}
		if s.cbc != nil {
			s.cbc.CryptBlocks(out, out) // d_i = E(q_i ^ d_{i-1}): CBC encryption
		} else {
			// The same chain without the mode's allocations, for short messages.
			prev := s.d[:]
			for i := 0; i < l; i += blockSize {
				blk := out[i : i+blockSize]
				subtle.XORBytes(blk, blk, prev)
				s.block.Encrypt(blk, blk)
				prev = blk
			}
			copy(s.d[:], prev)
		}
		subtle.XORBytes(out, out, in[blockSize:blockSize+l]) // c_i = d_i ^ p_{i-1}
		copy(in[:2*blockSize], in[l:])
	}
	if n > 0 {
		copy(s.c[:], dst[n-blockSize:])
		copy(s.p[:], s.work[blockSize:2*blockSize])
	}
}

func (s *ige) decrypt(dst, src []byte) {
	n := len(src) &^ (blockSize - 1)
	s.start(igeDecrypting, n)
	dst = dst[:n]
	for off := 0; off < n; off += igeChunk {
		l := min(igeChunk, n-off)
		in := s.chunkBuffer(l) // c_{i-2}, c_{i-1}, chunk ciphertext
		copy(in[2*blockSize:], src[off:off+l])
		out := dst[off : off+l]
		subtle.XORBytes(out, in[2*blockSize:], in[:l]) // r_i = c_i ^ c_{i-2}
		prev := s.f[:]
		for i := 0; i < l; i += blockSize {
			blk := out[i : i+blockSize]
			subtle.XORBytes(blk, blk, prev) // c_i ^ p_{i-1} = r_i ^ f_{i-1}
			s.block.Decrypt(blk, blk)       // f_i
			prev = blk
		}
		copy(s.f[:], prev)
		subtle.XORBytes(out, out, in[blockSize:blockSize+l]) // p_i = f_i ^ c_{i-1}
		copy(in[:2*blockSize], in[l:])
	}
	if n > 0 {
		copy(s.c[:], s.work[blockSize:2*blockSize])
		copy(s.p[:], dst[n-blockSize:])
	}
}

// state returns the current chaining state in the 32-byte IV form accepted by init.
func (s *ige) state() [32]byte {
	var iv [32]byte
	copy(iv[0:16], s.c[:])
	copy(iv[16:32], s.p[:])
	return iv
}

// wipe forgets the chaining state, input copies and scratch block. The AES key schedule inside
// crypto/aes cannot be cleared from Go; dropping the reference is all that can be done.
func (s *ige) wipe() {
	clear(s.work[:s.used])
	s.used = 0
	clear(s.c[:])
	clear(s.p[:])
	clear(s.f[:])
	clear(s.d[:])
	s.block, s.cbc, s.dir = nil, nil, 0
}
