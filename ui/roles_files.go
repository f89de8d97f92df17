package ui

import (
	"context"
	"io"
)

// Files sends and fetches the photos and files of every kind of chat. Fetched files are kept in the
// local encrypted store (a secret chat's decrypted there); a readable copy reaches the disk only through
// SaveAs, where the user chose, or OpenCopy, for a cloud chat's file the user opens.
//
// Every transfer reports progress and stops when its context is cancelled (the user's Cancel). A transfer
// that loses the connection waits for it and goes on from where it stopped.
type Files interface {
	// SendFile sends a file into dialog, as a photo (shown inline) when opts.AsPhoto, else as a file with its
	// name, and returns the message as stored.
	SendFile(ctx context.Context, dialog DialogID, file Upload, opts FileOptions, progress Progress) (Message, error)

	// Photo returns the photo of a message (Media.Kind MediaPhoto) as image bytes, fetched into the local
	// store the first time. The bytes came from the sender: the UI treats them as untrusted.
	Photo(ctx context.Context, dialog DialogID, id int64, progress Progress) ([]byte, error)

	// SaveAs writes the photo or file of a message to w, a file the user chose.
	SaveAs(ctx context.Context, dialog DialogID, id int64, w io.Writer, progress Progress) error

	// OpenCopy writes a readable copy of a cloud chat message's file into a private temporary folder, which
	// is emptied when Tacit ends, and returns its path for the system to open. A secret chat's files are
	// never written out this way (SaveAs only).
	OpenCopy(ctx context.Context, dialog DialogID, id int64, progress Progress) (string, error)

	// ClipboardImage returns the picture on the system clipboard as PNG bytes, or nil when it holds none.
	ClipboardImage(ctx context.Context) ([]byte, error)
}

// Upload is a file to send: the local file at Path, or Data (a pasted picture) under Name.
type Upload struct {
	Path string
	Name string
	Data []byte
}

// FileOptions tune a file sent.
type FileOptions struct {
	AsPhoto bool
	Caption string
	ReplyTo int64
}

// Progress reports a transfer: done of total bytes (total 0 when not known). It may be called from any
// goroutine.
type Progress func(done, total int64)
