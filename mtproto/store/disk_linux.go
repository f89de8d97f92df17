package store

import "syscall"

// lowSpace is less room than a transaction may need: a failed write with
// this little left was refused for lack of space.
const lowSpace = 1 << 20

// diskState says whether the file system holding dir is full or read-only.
func diskState(dir string) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		// The file system cannot be asked: the write's own error stands
		// unclassified (the caller returns it as it was).
		return nil
	}
	switch {
	case st.Flags&stReadOnly != 0:
		return ErrReadOnly
	case st.Bavail*uint64(st.Bsize) < lowSpace:
		return ErrDiskFull
	}
	return nil
}

// stReadOnly is ST_RDONLY of statfs(2)'s f_flags.
const stReadOnly = 1
