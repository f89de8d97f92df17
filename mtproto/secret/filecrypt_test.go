package secret

import (
	"bytes"
	"crypto/aes"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"testing"

	gotdige "github.com/gotd/ige"
)

// lcgVector builds the data, key and iv of tdlib's AesIgeState test for a length: an LCG
// seeded with the length fills the data, then the 32-byte key, then the 32-byte iv.
func lcgVector(n int) (data []byte, k FileKey) {
	seed := uint32(n)
	next := func() byte {
		seed = seed*123457567 + 987651241
		return byte(seed >> 23)
	}
	data = make([]byte, n)
	for i := range data {
		data[i] = next()
	}
	for i := range k.Key {
		k.Key[i] = next()
	}
	for i := range k.IV {
		k.IV[i] = next()
	}
	return data, k
}

// TestFileIGEVectors: the published AES-256-IGE CRC32 vectors (reference §6.1), in one pass and
// split into parts of every multiple of 16 up to 1 KiB with the IV carried between parts.
func TestFileIGEVectors(t *testing.T) {
	want := map[int]uint32{0: 0, 16: 2045698207, 32: 2423540300, 256: 525522475, 1024: 1545267325, 65536: 724143417}
	for n, crc := range want {
		data, k := lcgVector(n)
		ct, err := EncryptFile(k, data)
		if err != nil {
			t.Fatal(err)
		}
		if got := crc32.ChecksumIEEE(ct); got != crc {
			t.Fatalf("length %d: crc32 %d, want %d", n, got, crc)
		}
		for step := 16; step <= 1024 && step < n; step += 16 {
			e, err := NewFileEncrypter(k, int64(n))
			if err != nil {
				t.Fatal(err)
			}
			var chunked []byte
			for off := 0; off < n; off += step {
				part, err := e.EncryptPart(bytes.Clone(data[off:min(off+step, n)]))
				if err != nil {
					t.Fatal(err)
				}
				chunked = append(chunked, part...)
			}
			if got := crc32.ChecksumIEEE(chunked); got != crc || !e.Done() {
				t.Fatalf("length %d in parts of %d: crc32 %d, want %d", n, step, got, crc)
			}
		}
		back, err := DecryptFile(k, int64(n), ct)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("length %d: decrypt: %v", n, err)
		}
	}
}

// encryptInParts encrypts data with FilePartSize parts, as an upload does.
func encryptInParts(t *testing.T, k FileKey, data []byte) [][]byte {
	t.Helper()
	e, err := NewFileEncrypter(k, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var parts [][]byte
	for off := 0; off < len(data) || len(parts) == 0; off += FilePartSize {
		part, err := e.EncryptPart(bytes.Clone(data[off:min(off+FilePartSize, len(data))]))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
	}
	if !e.Done() {
		t.Fatal("encrypter not done after the last part")
	}
	if len(parts) != FileParts(int64(len(data))) {
		t.Fatalf("%d parts, FileParts says %d", len(parts), FileParts(int64(len(data))))
	}
	return parts
}

// decryptInParts decrypts a ciphertext with parts of partSize bytes, as a download does.
func decryptInParts(k FileKey, size int64, ct []byte, partSize int) ([]byte, error) {
	d, err := NewFileDecrypter(k, size)
	if err != nil {
		return nil, err
	}
	var out []byte
	for off := 0; off < len(ct); off += partSize {
		part, err := d.DecryptPart(bytes.Clone(ct[off:min(off+partSize, len(ct))]))
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, d.Finish()
}

func TestFileRoundTripMultiPart(t *testing.T) {
	sizes := []int{0, 1, 15, 16, 17, 1000, FilePartSize - 1, FilePartSize, FilePartSize + 1,
		3*FilePartSize + FilePartSize/2, 3*FilePartSize + FilePartSize/2 + 5}
	for _, size := range sizes {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			k, err := NewFileKey()
			if err != nil {
				t.Fatal(err)
			}
			data := make([]byte, size)
			rand.Read(data)
			ct := bytes.Join(encryptInParts(t, k, data), nil)
			if int64(len(ct)) != EncryptedFileSize(int64(size)) || len(ct)%16 != 0 || len(ct)-size >= 16 {
				t.Fatalf("ciphertext %d bytes for %d", len(ct), size)
			}

			// Independent check: the parts form one IGE stream (one-shot gotd/ige decryption).
			blk, _ := aes.NewCipher(k.Key[:])
			oneShot := make([]byte, len(ct))
			if len(ct) > 0 {
				gotdige.DecryptBlocks(blk, k.IV[:], oneShot, ct)
			}
			if !bytes.Equal(oneShot[:size], data) {
				t.Fatal("part-wise ciphertext is not the one-pass IGE stream")
			}

			for _, partSize := range []int{16, 4096, 128 * 1024, FilePartSize, 1 << 22} {
				if partSize == 16 && size > 100000 {
					continue
				}
				got, err := decryptInParts(k, int64(size), ct, partSize)
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("download in parts of %d: %v", partSize, err)
				}
			}
		})
	}
}

func TestFileFingerprint(t *testing.T) {
	var k FileKey
	for i := range k.Key {
		k.Key[i] = byte(i)
		k.IV[i] = byte(32 + i)
	}
	// Spelled out: MD5 over the 64 bytes 0..63, then the two little-endian words XORed.
	seq := make([]byte, 64)
	for i := range seq {
		seq[i] = byte(i)
	}
	d := md5.Sum(seq)
	want := int32(uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16 | uint32(d[3])<<24 ^
		(uint32(d[4]) | uint32(d[5])<<8 | uint32(d[6])<<16 | uint32(d[7])<<24))
	if got := k.Fingerprint(); got != want {
		t.Fatalf("Fingerprint = %d, want %d", got, want)
	}

	fp := k.Fingerprint()
	if _, err := ParseFileKey(k.Key[:], k.IV[:], fp); err != nil {
		t.Fatalf("valid key rejected: %v", err)
	}
	wrongKey := bytes.Clone(k.Key[:])
	wrongKey[5] ^= 1
	wrongIV := bytes.Clone(k.IV[:])
	wrongIV[31] ^= 0x80
	for name, tc := range map[string]struct {
		key, iv []byte
		fp      int32
	}{
		"wrong key":         {wrongKey, k.IV[:], fp},
		"wrong iv":          {k.Key[:], wrongIV, fp},
		"swapped key/iv":    {k.IV[:], k.Key[:], fp},
		"wrong fingerprint": {k.Key[:], k.IV[:], fp ^ 1},
		"key 31 bytes":      {k.Key[:31], k.IV[:], fp},
		"key 33 bytes":      {append(bytes.Clone(k.Key[:]), 0), k.IV[:], fp},
		"iv 16 bytes":       {k.Key[:], k.IV[:16], fp},
		"empty":             {nil, nil, fp},
	} {
		if _, err := ParseFileKey(tc.key, tc.iv, tc.fp); !errors.Is(err, ErrFileKey) {
			t.Errorf("%s: err = %v, want ErrFileKey", name, err)
		}
	}
}

func TestFileDecryptRejects(t *testing.T) {
	k, _ := NewFileKey()
	size := 2*FilePartSize + 100
	data := make([]byte, size)
	rand.Read(data)
	ct := bytes.Join(encryptInParts(t, k, data), nil)

	cases := map[string]struct {
		size int64
		ct   []byte
	}{
		"truncated by a part":      {int64(size), ct[:2*FilePartSize]},
		"truncated by a block":     {int64(size), ct[:len(ct)-16]},
		"truncated to nothing":     {int64(size), nil},
		"extended by a block":      {int64(size), append(bytes.Clone(ct), make([]byte, 16)...)},
		"declared size too large":  {int64(size + 16), ct},
		"declared size too small":  {int64(size - 16), ct},
		"not whole blocks":         {int64(size), ct[:len(ct)-1]},
		"declared size negative":   {-1, ct},
		"declared size 0 for data": {0, ct},
	}
	for name, tc := range cases {
		if _, err := decryptInParts(k, tc.size, tc.ct, FilePartSize); !errors.Is(err, ErrFileData) {
			t.Errorf("%s (parts): err = %v, want ErrFileData", name, err)
		}
		if _, err := DecryptFile(k, tc.size, tc.ct); !errors.Is(err, ErrFileData) {
			t.Errorf("%s (whole): err = %v, want ErrFileData", name, err)
		}
	}

	// A misaligned part in the middle of a download.
	d, _ := NewFileDecrypter(k, int64(size))
	if _, err := d.DecryptPart(bytes.Clone(ct[:1000])); !errors.Is(err, ErrFileData) {
		t.Errorf("misaligned part: %v", err)
	}
	d.Finish()
	if _, err := d.DecryptPart(make([]byte, 16)); !errors.Is(err, ErrFileData) {
		t.Errorf("part after Finish: %v", err)
	}
}

// TestFileAlterationNotDetected pins down what the docs say IGE cannot detect: a flipped
// ciphertext bit decrypts without error, garbling the plaintext from its block to the end, and
// nothing before it.
func TestFileAlterationNotDetected(t *testing.T) {
	k, _ := NewFileKey()
	data := make([]byte, 4096)
	rand.Read(data)
	ct, _ := EncryptFile(k, data)
	const at = 1000
	ct[at] ^= 1
	got, err := DecryptFile(k, int64(len(data)), ct)
	if err != nil {
		t.Fatalf("alteration reported: %v", err)
	}
	block := at / 16 * 16
	if !bytes.Equal(got[:block], data[:block]) {
		t.Fatal("plaintext before the altered block changed")
	}
	for b := block; b < len(data); b += 16 {
		if bytes.Equal(got[b:b+16], data[b:b+16]) {
			t.Fatalf("block at %d survived an earlier alteration", b)
		}
	}
}

func TestFileEncrypterRejects(t *testing.T) {
	k, _ := NewFileKey()
	e, _ := NewFileEncrypter(k, 100)
	if _, err := e.EncryptPart(make([]byte, 50)); !errors.Is(err, ErrFileData) {
		t.Errorf("misaligned first part: %v", err)
	}
	if st := e.State(); st.Offset != 0 {
		t.Errorf("a rejected part moved the offset to %d", st.Offset)
	}
	if part, err := e.EncryptPart(make([]byte, 100)); err != nil || len(part) != 112 {
		t.Errorf("the whole file after a rejected part: %d bytes, %v", len(part), err)
	}
	e, _ = NewFileEncrypter(k, 100)
	if _, err := e.EncryptPart(make([]byte, 112)); !errors.Is(err, ErrFileData) {
		t.Errorf("part past the declared size: %v", err)
	}
	e, _ = NewFileEncrypter(k, 100)
	last, err := e.EncryptPart(make([]byte, 100))
	if err != nil || len(last) != 112 {
		t.Fatalf("last part: %d bytes, %v", len(last), err)
	}
	if _, err := e.EncryptPart(nil); !errors.Is(err, ErrFileData) {
		t.Errorf("part after the end: %v", err)
	}
	if _, err := NewFileEncrypter(k, -1); !errors.Is(err, ErrFileData) {
		t.Errorf("negative size: %v", err)
	}
	if _, err := ResumeFileEncrypter(k, 100, FileStreamState{Offset: 8}); !errors.Is(err, ErrFileData) {
		t.Errorf("resume at offset 8: %v", err)
	}
}

// TestFileResume: an upload and a download interrupted at a part boundary and resumed from the
// saved state produce the same bytes as an uninterrupted run.
func TestFileResume(t *testing.T) {
	k, _ := NewFileKey()
	size := 3 * FilePartSize // a multiple of 16: no random padding, so runs are comparable
	data := make([]byte, size)
	rand.Read(data)
	want := bytes.Join(encryptInParts(t, k, data), nil)

	e, _ := NewFileEncrypter(k, int64(size))
	first, _ := e.EncryptPart(bytes.Clone(data[:FilePartSize]))
	st := e.State()
	if st.Offset != FilePartSize {
		t.Fatalf("state offset %d", st.Offset)
	}
	e2, err := ResumeFileEncrypter(k, int64(size), st)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := e2.EncryptPart(bytes.Clone(data[FilePartSize:]))
	if err != nil || !bytes.Equal(append(bytes.Clone(first), rest...), want) {
		t.Fatalf("resumed upload differs: %v", err)
	}

	d, _ := NewFileDecrypter(k, int64(size))
	p1, _ := d.DecryptPart(bytes.Clone(want[:2*FilePartSize]))
	d2, err := ResumeFileDecrypter(k, int64(size), d.State())
	if err != nil {
		t.Fatal(err)
	}
	p2, err := d2.DecryptPart(bytes.Clone(want[2*FilePartSize:]))
	if err != nil || d2.Finish() != nil || !bytes.Equal(append(p1, p2...), data) {
		t.Fatal("resumed download differs")
	}
}

func TestFileParts(t *testing.T) {
	for size, want := range map[int64]int{0: 1, 1: 1, FilePartSize: 1, FilePartSize + 1: 2,
		FilePartSize*3 + FilePartSize/2: 4, FilePartSize*4 - 8: 4, 20 << 20: 40} {
		if got := FileParts(size); got != want {
			t.Errorf("FileParts(%d) = %d, want %d", size, got, want)
		}
	}
	if EncryptedFileSize(17) != 32 || EncryptedFileSize(32) != 32 || EncryptedFileSize(0) != 0 {
		t.Error("EncryptedFileSize")
	}
}

func TestFileKeyWipe(t *testing.T) {
	k, _ := NewFileKey()
	if k.Key == ([32]byte{}) || k.IV == ([32]byte{}) || k.Key == k.IV {
		t.Fatal("NewFileKey returned a degenerate key")
	}
	k.Wipe()
	if k.Key != ([32]byte{}) || k.IV != ([32]byte{}) {
		t.Fatal("Wipe left key material")
	}
}

// FuzzFileDecrypt feeds arbitrary downloads, declared sizes and part splits to the decrypter.
// Seeds include valid encryptions under the fixed key, which the fuzzer mutates.
func FuzzFileDecrypt(f *testing.F) {
	_, k := lcgVector(16)
	for _, n := range []int{0, 1, 16, 31, 100} {
		data := bytes.Repeat([]byte{byte(n)}, n)
		ct, _ := EncryptFile(k, data)
		f.Add(int64(n), uint16(16), ct, false, []byte(nil))
	}
	f.Add(int64(-5), uint16(0), []byte{1, 2, 3}, true, make([]byte, 64))
	f.Fuzz(func(t *testing.T, size int64, split uint16, ct []byte, otherKey bool, keyIV []byte) {
		key := k
		if otherKey {
			var kb, ivb []byte
			if len(keyIV) >= 64 {
				kb, ivb = keyIV[:32], keyIV[32:64]
			} else {
				kb, ivb = keyIV, keyIV
			}
			fp := int32(0)
			if len(keyIV) >= 4 {
				fp = int32(binary.LittleEndian.Uint32(keyIV))
			}
			parsed, err := ParseFileKey(kb, ivb, fp)
			if err != nil {
				if !errors.Is(err, ErrFileKey) {
					t.Fatalf("ParseFileKey error %v", err)
				}
				return
			}
			key = parsed
		}
		out, err := DecryptFile(key, size, ct)
		if err == nil && int64(len(out)) != size {
			t.Fatalf("decrypted %d bytes for declared %d", len(out), size)
		}
		step := int(split)
		if step == 0 {
			step = 16
		}
		d, err := NewFileDecrypter(key, size)
		if err != nil {
			return
		}
		var total int64
		for off := 0; off < len(ct); off += step {
			part, err := d.DecryptPart(bytes.Clone(ct[off:min(off+step, len(ct))]))
			if err != nil {
				return
			}
			total += int64(len(part))
		}
		if d.Finish() == nil && total != size {
			t.Fatalf("finished with %d bytes for declared %d", total, size)
		}
	})
}

// BenchmarkFileParts measures encrypting and decrypting FilePartSize parts of a long file.
func BenchmarkFileParts(b *testing.B) {
	k, _ := NewFileKey()
	part := make([]byte, FilePartSize)
	rand.Read(part)
	b.Run("encrypt", func(b *testing.B) {
		e, _ := NewFileEncrypter(k, 1<<50)
		b.SetBytes(FilePartSize)
		for b.Loop() {
			if _, err := e.EncryptPart(part); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decrypt", func(b *testing.B) {
		d, _ := NewFileDecrypter(k, 1<<50)
		b.SetBytes(FilePartSize)
		for b.Loop() {
			if _, err := d.DecryptPart(part); err != nil {
				b.Fatal(err)
			}
		}
	})
}
