package secret

import (
	"fmt"
	"math/big"
)

// Done reports whether the last part has been encrypted.
func (e *FileEncrypter) Done() bool { return e.done }

// EncryptFile encrypts a whole small file (a photo or thumbnail) held in memory into a new
// buffer.
func EncryptFile(k FileKey, data []byte) ([]byte, error) {
	e, err := NewFileEncrypter(k, int64(len(data)))
	if err != nil {
		return nil, err
	}
	buf := make([]byte, len(data), EncryptedFileSize(int64(len(data))))
	copy(buf, data)
	return e.EncryptPart(buf)
}

// DecryptFile decrypts a whole encrypted file held in memory into a new buffer and checks its
// size against the declared plaintext size.
func DecryptFile(k FileKey, size int64, encrypted []byte) ([]byte, error) {
	d, err := NewFileDecrypter(k, size)
	if err != nil {
		return nil, err
	}
	if int64(len(encrypted)) != d.total {
		d.s.wipe()
		return nil, fmt.Errorf("%w: %d encrypted bytes for %d declared", ErrFileData, len(encrypted), size)
	}
	out, err := d.DecryptPart(append([]byte(nil), encrypted...))
	if err != nil {
		return nil, err
	}
	return out, d.Finish()
}

// CheckDHParams checks the Diffie-Hellman parameters of messages.getDhConfig: p is a safe prime
// of exactly 2048 bits (p and (p-1)/2 prime) and g is in 2..7 and generates the subgroup of
// quadratic residues, i.e.
//
//	g=2: p mod 8 = 7;  g=3: p mod 3 = 2;  g=4: -;  g=5: p mod 5 in {1,4};
//	g=6: p mod 24 in {19,23};  g=7: p mod 7 in {3,5,6}.
//
// This uncached form is the reference the tests hold DHVerdictCache.CheckDHParams to.
func CheckDHParams(g int, p *big.Int) error {
	if err := checkDHShape(g, p); err != nil {
		return err
	}
	if !isSafePrime(p) {
		return fmt.Errorf("%w: p is not a safe prime", ErrDHParams)
	}
	return nil
}
