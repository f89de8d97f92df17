package store

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"lukechampine.com/adiantum"
)

// What someone who copies the data directory and later learns the database key can read:
// the tests here decrypt the files themselves, block by block, the way the encrypting VFS
// wrote them, and look at every byte (live pages, free pages, unused space, WAL frames a
// checkpoint did not truncate).

// vfsBlock is the encrypting VFS's block: every file it writes is a sequence of 4 KiB
// blocks, each encrypted with the block's offset as tweak.
const vfsBlock = 4096

// decryptFile decrypts a file the VFS wrote with key. A trailing partial block (a torn
// write) is left out.
func decryptFile(t *testing.T, path string, key []byte) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decryptBlocks(raw, key)
}

func decryptBlocks(raw, key []byte) []byte {
	h := adiantum.New(bytes.Clone(key))
	out := make([]byte, 0, len(raw))
	var tweak [8]byte
	for off := 0; off+vfsBlock <= len(raw); off += vfsBlock {
		binary.LittleEndian.PutUint64(tweak[:], uint64(off))
		block := bytes.Clone(raw[off : off+vfsBlock])
		out = append(out, h.Decrypt(block, tweak[:])...)
	}
	return out
}

// encryptedFiles are the files of a store the VFS encrypts.
var encryptedFiles = map[string]bool{dbFileName: true, dbFileName + "-wal": true}

// findInDir looks for each needle in every file below dir: in the bytes as stored and,
// for the database and its WAL, in the bytes decrypted with key. It returns "needle in
// file" for each find.
func findInDir(t *testing.T, dir string, key []byte, needles []needle) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		views := map[string][]byte{rel: raw}
		if encryptedFiles[rel] {
			views[rel+" (decrypted)"] = decryptBlocks(raw, key)
		}
		for name, data := range views {
			for _, n := range needles {
				if bytes.Contains(data, n.b) {
					found = append(found, n.name+" in "+name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// freePages returns the pages on the freelist of a decrypted database file.
func freePages(t *testing.T, db []byte) [][]byte {
	t.Helper()
	if len(db) < 100 || !bytes.HasPrefix(db, []byte("SQLite format 3\x00")) {
		t.Fatalf("not a decrypted database file (%d bytes)", len(db))
	}
	size := int(binary.BigEndian.Uint16(db[16:18]))
	if size == 1 {
		size = 65536
	}
	page := func(n uint32) []byte {
		off := int(n-1) * size
		if n == 0 || off+size > len(db) {
			t.Fatalf("freelist names page %d beyond the file", n)
		}
		return db[off : off+size]
	}
	total := binary.BigEndian.Uint32(db[36:40])
	var out [][]byte
	for trunk := binary.BigEndian.Uint32(db[32:36]); trunk != 0; {
		p := page(trunk)
		out = append(out, p)
		leaves := binary.BigEndian.Uint32(p[4:8])
		if int(leaves) > (size-8)/4 {
			t.Fatalf("freelist trunk page %d claims %d leaves", trunk, leaves)
		}
		for i := range leaves {
			out = append(out, page(binary.BigEndian.Uint32(p[8+4*i:])))
		}
		trunk = binary.BigEndian.Uint32(p[0:4])
	}
	if uint32(len(out)) != total {
		t.Fatalf("freelist has %d pages, the header says %d", len(out), total)
	}
	return out
}
