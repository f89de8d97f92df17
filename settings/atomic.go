package settings

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic replaces path with data so that a crash leaves either the
// old or the new content, never a mix: it writes a temporary file in the same
// directory (mode perm), fsyncs it, renames it over path and fsyncs the
// directory. The temporary file is removed on every error path. The parent
// directory must exist.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("set mode of temporary file: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write temporary file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync temporary file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close temporary file: %w", err)
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("replace %s: %w", base, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		// Persist the rename. Some platforms cannot sync a directory; the
		// rename itself has succeeded, so that is not an error.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// tempPrefix is the prefix of the temporary files writeFileAtomic creates
// for a file named base.
func tempPrefix(base string) string {
	return "." + base + ".tmp-"
}
