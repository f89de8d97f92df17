package secret

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
)

// Encrypted files (photos, documents, voice, video) of secret chats.
//
// Every file gets its own random 32-byte key and 32-byte IV, unrelated to the chat key; they
// travel inside the end-to-end encrypted decryptedMessageMedia*, and the server only sees the
// file's 32-bit key fingerprint. The whole file is one AES-256-IGE stream: parts are encrypted in
// order with the chaining state carried from one part to the next, and only the end of the file
// is padded (with random bytes) to a multiple of 16.
//
// What a receiver can and cannot detect. IGE has no MAC, and the protocol adds none for files:
//   - detected: a key or IV of the wrong length; a key/IV pair whose fingerprint differs from the
//     encryptedFile's key_fingerprint (a mismatched attachment); a download whose length is not
//     exactly the declared plaintext size rounded up to 16 (truncated or extended files); parts
//     that are not whole AES blocks;
//   - not detected: altered ciphertext bytes of the right length. IGE garbles the plaintext from
//     the altered block to the end of the file, but since the padding is random there is nothing
//     to verify. Consumers must treat decrypted files as untrusted data (size limits, careful
//     decoders).

// FilePartSize is the part size Tacit uses for encrypted uploads and downloads (512 KiB, a
// multiple of 16, so parts stay whole AES blocks).
const FilePartSize = 512 * 1024

// FileKeySize is the size of a file's AES key and of its IGE IV.
const FileKeySize = 32

var (
	// ErrFileKey reports a file key or IV that is not 32 bytes, or a key fingerprint that does not
	// match the key and IV.
	ErrFileKey = errors.New("secret: file key invalid")
	// ErrFileData reports encrypted file data of the wrong shape or size.
	ErrFileData = errors.New("secret: encrypted file data invalid")
)

// FileKey is the per-file AES-256 key and IGE IV.
type FileKey struct {
	Key [FileKeySize]byte
	IV  [FileKeySize]byte
}

// NewFileKey draws a fresh random key and IV for one file.
func NewFileKey() (FileKey, error) {
	var k FileKey
	if _, err := rand.Read(k.Key[:]); err != nil {
		return FileKey{}, fmt.Errorf("secret: file key: %w", err)
	}
	if _, err := rand.Read(k.IV[:]); err != nil {
		k.Wipe()
		return FileKey{}, fmt.Errorf("secret: file key: %w", err)
	}
	return k, nil
}

// ParseFileKey takes the key and iv fields of a received decryptedMessageMedia, which must be
// exactly 32 bytes each, and checks them against the key_fingerprint of the encryptedFile.
func ParseFileKey(key, iv []byte, fingerprint int32) (FileKey, error) {
	if len(key) != FileKeySize || len(iv) != FileKeySize {
		return FileKey{}, fmt.Errorf("%w: key %d and iv %d bytes", ErrFileKey, len(key), len(iv))
	}
	var k FileKey
	copy(k.Key[:], key)
	copy(k.IV[:], iv)
	if k.Fingerprint() != fingerprint {
		k.Wipe()
		return FileKey{}, fmt.Errorf("%w: fingerprint mismatch", ErrFileKey)
	}
	return k, nil
}

// Fingerprint returns the key_fingerprint of the file key: with d = MD5(key || iv),
// int32_le(d[0:4]) XOR int32_le(d[4:8]).
func (k *FileKey) Fingerprint() int32 {
	var buf [2 * FileKeySize]byte
	copy(buf[:], k.Key[:])
	copy(buf[FileKeySize:], k.IV[:])
	d := md5.Sum(buf[:])
	clear(buf[:])
	fp := int32(binary.LittleEndian.Uint32(d[0:4]) ^ binary.LittleEndian.Uint32(d[4:8]))
	clear(d[:])
	return fp
}

// Wipe overwrites the key and IV with zeros.
func (k *FileKey) Wipe() {
	clear(k.Key[:])
	clear(k.IV[:])
}

// EncryptedFileSize returns the size of the encrypted form of a file of size plaintext bytes:
// size rounded up to a multiple of 16.
func EncryptedFileSize(size int64) int64 {
	return (size + blockSize - 1) &^ (blockSize - 1)
}

// FileParts returns the number of FilePartSize parts of the encrypted form of a file of size
// plaintext bytes (at least 1: an empty file is uploaded as one empty part).
func FileParts(size int64) int {
	n := (EncryptedFileSize(size) + FilePartSize - 1) / FilePartSize
	return int(max(n, 1))
}

// FileStreamState is the position of a file encryption or decryption: the bytes processed so far
// and the IGE chaining state. Persist it to resume an interrupted upload or download at a part
// boundary; it is as secret as the file key.
type FileStreamState struct {
	Offset int64 // plaintext bytes encrypted, or ciphertext bytes decrypted
	IV     [FileKeySize]byte
}

// FileEncrypter encrypts one file of known size part by part. It is not safe for concurrent use.
type FileEncrypter struct {
	s      ige
	size   int64 // plaintext size
	offset int64 // plaintext bytes consumed
	done   bool
}

// NewFileEncrypter starts encrypting a file of size plaintext bytes with k.
func NewFileEncrypter(k FileKey, size int64) (*FileEncrypter, error) {
	return ResumeFileEncrypter(k, size, FileStreamState{IV: k.IV})
}

// ResumeFileEncrypter continues an encryption from a state returned by State.
func ResumeFileEncrypter(k FileKey, size int64, st FileStreamState) (*FileEncrypter, error) {
	if size < 0 || st.Offset < 0 || st.Offset > size || st.Offset%blockSize != 0 {
		return nil, fmt.Errorf("%w: size %d, offset %d", ErrFileData, size, st.Offset)
	}
	e := &FileEncrypter{size: size, offset: st.Offset}
	e.s.init(&k.Key, &st.IV)
	clear(st.IV[:])
	k.Wipe() // k is a copy
	return e, nil
}

// EncryptPart encrypts the next part of the file in place and returns the ciphertext. Every part
// but the last must be a multiple of 16 bytes. The part that reaches the declared size is the
// last: it is padded with random bytes to a multiple of 16 (appending to part, which reallocates
// only if its capacity is short). Parts beyond the declared size are rejected.
func (e *FileEncrypter) EncryptPart(part []byte) ([]byte, error) {
	if e.done {
		return nil, fmt.Errorf("%w: part after the end of the file", ErrFileData)
	}
	if int64(len(part)) > e.size-e.offset {
		return nil, fmt.Errorf("%w: part exceeds the declared size", ErrFileData)
	}
	last := e.offset+int64(len(part)) == e.size
	if !last && len(part)%blockSize != 0 {
		return nil, fmt.Errorf("%w: a part before the last is not a multiple of 16 bytes", ErrFileData)
	}
	e.offset += int64(len(part))
	if last {
		e.done = true
		if tail := len(part) % blockSize; tail != 0 {
			n := len(part)
			part = append(part, make([]byte, blockSize-tail)...)
			if _, err := rand.Read(part[n:]); err != nil {
				return nil, fmt.Errorf("secret: file padding: %w", err)
			}
		}
	}
	e.s.encrypt(part, part)
	if e.done {
		e.s.wipe()
	}
	return part, nil
}

// State returns the position and chaining state after the parts encrypted so far.
func (e *FileEncrypter) State() FileStreamState {
	return FileStreamState{Offset: e.offset, IV: e.s.state()}
}

// Wipe forgets the key schedule reference and chaining state.
func (e *FileEncrypter) Wipe() { e.s.wipe(); e.done = true }

// FileDecrypter decrypts a downloaded encrypted file part by part and checks its size. It is not
// safe for concurrent use.
type FileDecrypter struct {
	s      ige
	size   int64 // declared plaintext size
	total  int64 // EncryptedFileSize(size)
	offset int64 // ciphertext bytes consumed
}

// NewFileDecrypter starts decrypting a file whose media declared size plaintext bytes, with the
// key from ParseFileKey.
func NewFileDecrypter(k FileKey, size int64) (*FileDecrypter, error) {
	return ResumeFileDecrypter(k, size, FileStreamState{IV: k.IV})
}

// ResumeFileDecrypter continues a decryption from a state returned by State.
func ResumeFileDecrypter(k FileKey, size int64, st FileStreamState) (*FileDecrypter, error) {
	total := EncryptedFileSize(size)
	if size < 0 || st.Offset < 0 || st.Offset > total || st.Offset%blockSize != 0 {
		return nil, fmt.Errorf("%w: size %d, offset %d", ErrFileData, size, st.Offset)
	}
	d := &FileDecrypter{size: size, total: total, offset: st.Offset}
	d.s.init(&k.Key, &st.IV)
	clear(st.IV[:])
	k.Wipe()
	return d, nil
}

// DecryptPart decrypts the next downloaded part in place and returns its plaintext, without the
// padding of the last part. A part that is not a multiple of 16 bytes or goes past the encrypted
// size is rejected.
func (d *FileDecrypter) DecryptPart(part []byte) ([]byte, error) {
	if d.s.block == nil {
		return nil, fmt.Errorf("%w: part after Finish", ErrFileData)
	}
	if len(part)%blockSize != 0 {
		return nil, fmt.Errorf("%w: part is not a multiple of 16 bytes", ErrFileData)
	}
	if int64(len(part)) > d.total-d.offset {
		return nil, fmt.Errorf("%w: more data than the declared size", ErrFileData)
	}
	d.s.decrypt(part, part)
	start := d.offset
	d.offset += int64(len(part))
	if d.offset > d.size {
		keep := max(d.size-start, 0)
		clear(part[keep:]) // the padding
		part = part[:keep]
	}
	return part, nil
}

// Finish checks that the whole file arrived (exactly the declared size rounded up to 16) and
// wipes the decryption state.
func (d *FileDecrypter) Finish() error {
	d.s.wipe()
	if d.offset != d.total {
		return fmt.Errorf("%w: got %d of %d encrypted bytes", ErrFileData, d.offset, d.total)
	}
	return nil
}

// State returns the position and chaining state after the parts decrypted so far.
func (d *FileDecrypter) State() FileStreamState {
	return FileStreamState{Offset: d.offset, IV: d.s.state()}
}
