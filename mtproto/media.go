package mtproto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gotd/td/tg"
)

// Transfer sizes, within Telegram's rules: upload parts of 512 KiB (every
// part but the last the same size), files over 10 MiB as "big" files,
// at most 4000 parts; downloads in 1 MiB chunks at 1 MiB-aligned offsets.
const (
	UploadPartSize   = 512 * 1024
	bigFileThreshold = 10 * 1024 * 1024
	maxUploadParts   = 4000
	DownloadChunk    = 1024 * 1024
)

// transientRetries is how often a transfer repeats one part or chunk after
// a network failure (the client reconnects by itself meanwhile) before it
// gives up and reports a TransferError.
const transientRetries = 5

// RetryTransient runs call, repeating it after network failures (the client
// reconnects by itself meanwhile) with a growing pause while ctx lasts, at most
// transientRetries times. Secret chat transfers use it too (secret.Options).
func RetryTransient(ctx context.Context, call func() error) error {
	var err error
	for attempt := 0; ; attempt++ {
		err = call()
		if err == nil || ctx.Err() != nil {
			break
		}
		var e *Error
		if !errors.As(Classify(err), &e) || e.Kind != KindNetwork || attempt == transientRetries {
			break
		}
		t := time.NewTimer(time.Duration(attempt+1) * 200 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Progress reports a transfer: done of total bytes. It runs on the
// transferring goroutine.
type Progress func(done, total int64)

// MediaKind says what a MediaInfo holds.
type MediaKind int

// Kinds of media.
const (
	MediaPhoto MediaKind = iota + 1
	MediaDocument
)

// MediaInfo describes a message's photo or document.
type MediaInfo struct {
	Kind          MediaKind
	Name          string
	MIME          string
	Size          int64
	Width, Height int
	Location      FileLocation
}

// FileLocation says where to download a file from. It is plain data: the
// app may store it and download later (until Telegram expires the
// reference, then reload the message).
type FileLocation struct {
	Photo         bool
	ID            int64
	AccessHash    int64
	FileReference []byte
	// ThumbSize is the photo size to fetch (photos only).
	ThumbSize string
	// Size is the file's size in bytes (0 if unknown).
	Size int64
}

func mediaFromTG(m tg.MessageMediaClass) *MediaInfo {
	switch m := m.(type) {
	case *tg.MessageMediaDocument:
		d, ok := m.Document.(*tg.Document)
		if !ok {
			return nil
		}
		info := &MediaInfo{Kind: MediaDocument, MIME: d.MimeType, Size: d.Size,
			Location: FileLocation{ID: d.ID, AccessHash: d.AccessHash, FileReference: append([]byte(nil), d.FileReference...), Size: d.Size}}
		for _, a := range d.Attributes {
			switch a := a.(type) {
			case *tg.DocumentAttributeFilename:
				info.Name = a.FileName
			case *tg.DocumentAttributeImageSize:
				info.Width, info.Height = a.W, a.H
			}
		}
		return info
	case *tg.MessageMediaPhoto:
		p, ok := m.Photo.(*tg.Photo)
		if !ok {
			return nil
		}
		info := &MediaInfo{Kind: MediaPhoto, MIME: "image/jpeg",
			Location: FileLocation{Photo: true, ID: p.ID, AccessHash: p.AccessHash, FileReference: append([]byte(nil), p.FileReference...)}}
		// The largest plain size is the photo itself.
		for _, s := range p.Sizes {
			if ps, ok := s.(*tg.PhotoSize); ok && int64(ps.Size) >= info.Size {
				info.Size, info.Width, info.Height = int64(ps.Size), ps.W, ps.H
				info.Location.ThumbSize, info.Location.Size = ps.Type, int64(ps.Size)
			}
		}
		return info
	}
	return nil
}

// TransferError is a failed upload or download. Done bytes are kept: the
// same call with the same record (upload) or target (download) continues
// from there.
type TransferError struct {
	// Op is "upload" or "download".
	Op          string
	Name        string
	Done, Total int64
	Err         error
}

func (e *TransferError) Error() string {
	pct := int64(0)
	if e.Total > 0 {
		pct = e.Done * 100 / e.Total
	}
	return fmt.Sprintf("mtproto: %s stopped at %d of %d bytes (%d%%): %v", e.Op, e.Done, e.Total, pct, e.Err)
}

func (e *TransferError) Unwrap() error { return e.Err }

// UploadRecord is the state of one upload. Persist it (it holds no file
// contents) to continue an interrupted upload with the same file id:
// parts before Done are on the server already.
type UploadRecord struct {
	FileID   int64
	Name     string
	Size     int64
	PartSize int
	Parts    int
	// Done counts the parts saved so far, in order.
	Done int
}

// Big reports whether Telegram wants the file as a big file.
func (r *UploadRecord) Big() bool { return r.Size > bigFileThreshold }

// Complete reports whether every part is on the server.
func (r *UploadRecord) Complete() bool { return r.Parts > 0 && r.Done >= r.Parts }

// NewUpload starts the record of an upload of size bytes named name.
func NewUpload(name string, size int64) (*UploadRecord, error) {
	if size <= 0 {
		return nil, &Error{Kind: KindFileEmpty}
	}
	parts := int((size + UploadPartSize - 1) / UploadPartSize)
	if parts > maxUploadParts {
		return nil, &Error{Kind: KindFileTooBig, Reason: fmt.Sprintf("%d bytes", size)}
	}
	id := randomID()
	if id < 0 {
		id = -id
	}
	return &UploadRecord{FileID: id, Name: filepath.Base(name), Size: size, PartSize: UploadPartSize, Parts: parts}, nil
}

// UploadFile sends the parts of r that are not on the server yet, reading
// them from src (which must hold the same bytes each time). rec.Done
// advances after every saved part. The returned error is a
// *TransferError wrapping an *Error.
func (cl *Cloud) UploadFile(ctx context.Context, rec *UploadRecord, src io.ReaderAt, progress Progress) error {
	if rec == nil || rec.Parts <= 0 || rec.PartSize <= 0 {
		return &Error{Kind: KindFileInvalid, Reason: "nothing to upload"}
	}
	fail := func(err error) error {
		return &TransferError{Op: "upload", Name: rec.Name, Done: min(int64(rec.Done)*int64(rec.PartSize), rec.Size), Total: rec.Size, Err: err}
	}
	buf := make([]byte, rec.PartSize)
	for rec.Done < rec.Parts {
		off := int64(rec.Done) * int64(rec.PartSize)
		n := int(min(int64(rec.PartSize), rec.Size-off))
		if _, err := src.ReadAt(buf[:n], off); err != nil && !(errors.Is(err, io.EOF) && n > 0) {
			return fail(localFileError("read", err))
		}
		err := RetryTransient(ctx, func() error {
			var err error
			if rec.Big() {
				_, err = cl.api().UploadSaveBigFilePart(ctx, &tg.UploadSaveBigFilePartRequest{FileID: rec.FileID, FilePart: rec.Done,
					FileTotalParts: rec.Parts, Bytes: buf[:n]})
			} else {
				_, err = cl.api().UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: rec.FileID, FilePart: rec.Done, Bytes: buf[:n]})
			}
			return err
		})
		if err != nil {
			return fail(Classify(err))
		}
		rec.Done++
		if progress != nil {
			progress(min(int64(rec.Done)*int64(rec.PartSize), rec.Size), rec.Size)
		}
	}
	return nil
}

// UploadPath uploads a local file; rec continues an earlier attempt (nil
// starts a new one). It returns the record, complete on success.
func (cl *Cloud) UploadPath(ctx context.Context, path string, rec *UploadRecord, progress Progress) (*UploadRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return rec, localFileError("open", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return rec, localFileError("read", err)
	}
	if rec == nil || rec.Size != st.Size() {
		if rec, err = NewUpload(path, st.Size()); err != nil {
			return nil, err
		}
	}
	return rec, cl.UploadFile(ctx, rec, f, progress)
}

// MediaOptions tune SendMedia.
type MediaOptions struct {
	// Photo sends the file as a photo (Telegram shows it inline); else a
	// document.
	Photo   bool
	MIME    string
	Caption string
	ReplyTo int
}

// SendMedia sends a completely uploaded file as a photo or document.
func (cl *Cloud) SendMedia(ctx context.Context, peer Peer, rec *UploadRecord, opts MediaOptions) (Message, error) {
	in, err := inputPeer(peer)
	if err != nil {
		return Message{}, err
	}
	if rec == nil || !rec.Complete() {
		return Message{}, &Error{Kind: KindFileInvalid, Reason: "upload not complete"}
	}
	var file tg.InputFileClass = &tg.InputFile{ID: rec.FileID, Parts: rec.Parts, Name: rec.Name}
	if rec.Big() {
		file = &tg.InputFileBig{ID: rec.FileID, Parts: rec.Parts, Name: rec.Name}
	}
	var media tg.InputMediaClass
	if opts.Photo {
		media = &tg.InputMediaUploadedPhoto{File: file}
	} else {
		mime := opts.MIME
		if mime == "" {
			mime = "application/octet-stream"
		}
		media = &tg.InputMediaUploadedDocument{File: file, MimeType: mime,
			Attributes: []tg.DocumentAttributeClass{&tg.DocumentAttributeFilename{FileName: rec.Name}}}
	}
	caption, entities := cl.textAndEntities(opts.Caption, SendOptions{})
	req := &tg.MessagesSendMediaRequest{Peer: in, Media: media, Message: caption, RandomID: randomID()}
	if len(entities) > 0 {
		req.SetEntities(entities)
	}
	if opts.ReplyTo != 0 {
		req.SetReplyTo(&tg.InputReplyToMessage{ReplyToMsgID: opts.ReplyTo})
	}
	res, err := cl.api().MessagesSendMedia(ctx, req)
	if err != nil {
		return Message{}, fmt.Errorf("mtproto: send %s to %s: %w", rec.Name, peer, Classify(err))
	}
	msgs := cl.messagesOfUpdates(res)
	if len(msgs) == 0 {
		return Message{}, &Error{Kind: KindServer, Reason: "no sent file in the answer"}
	}
	return msgs[0], nil
}

func (l FileLocation) input() tg.InputFileLocationClass {
	if l.Photo {
		return &tg.InputPhotoFileLocation{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.FileReference, ThumbSize: l.ThumbSize}
	}
	return &tg.InputDocumentFileLocation{ID: l.ID, AccessHash: l.AccessHash, FileReference: l.FileReference}
}

// Download writes the file at loc into w from byte offset from (rounded
// down to a chunk boundary) to the end, and returns how many bytes of the
// file w now holds. With loc.Size unknown it stops at the first short
// chunk. A failure is a *TransferError; call again with the returned
// count to continue.
func (cl *Cloud) Download(ctx context.Context, loc FileLocation, w io.WriterAt, from int64, progress Progress) (int64, error) {
	off := from - from%DownloadChunk
	off = max(off, 0)
	name := fmt.Sprintf("file %d", loc.ID)
	for {
		if loc.Size > 0 && off >= loc.Size {
			return off, nil
		}
		var res tg.UploadFileClass
		err := RetryTransient(ctx, func() error {
			var err error
			res, err = cl.api().UploadGetFile(ctx, &tg.UploadGetFileRequest{Location: loc.input(), Offset: off, Limit: DownloadChunk})
			return err
		})
		if err != nil {
			return off, &TransferError{Op: "download", Name: name, Done: off, Total: loc.Size, Err: Classify(err)}
		}
		f, ok := res.(*tg.UploadFile)
		if !ok {
			return off, &TransferError{Op: "download", Name: name, Done: off, Total: loc.Size,
				Err: &Error{Kind: KindCDN}}
		}
		if len(f.Bytes) > DownloadChunk {
			return off, &TransferError{Op: "download", Name: name, Done: off, Total: loc.Size,
				Err: &Error{Kind: KindServer, Reason: "more bytes than asked for"}}
		}
		if len(f.Bytes) > 0 {
			if _, err := w.WriteAt(f.Bytes, off); err != nil {
				return off, &TransferError{Op: "download", Name: name, Done: off, Total: loc.Size,
					Err: localFileError("write", err)}
			}
		}
		off += int64(len(f.Bytes))
		if progress != nil {
			progress(off, loc.Size)
		}
		if len(f.Bytes) < DownloadChunk {
			if loc.Size > 0 && off != loc.Size {
				return off, &TransferError{Op: "download", Name: name, Done: off, Total: loc.Size,
					Err: &Error{Kind: KindTransferIncomplete, Reason: fmt.Sprintf("%d of %d bytes", off, loc.Size)}}
			}
			return off, nil
		}
	}
}

// PartialSuffix is appended to a download's path until it is complete.
const PartialSuffix = ".part"

// DownloadFile downloads loc to path. Bytes go to path+PartialSuffix
// first, which a later call continues from; only a complete file (of the
// expected size) is renamed to path. Nothing half-written ever has the
// final name.
func (cl *Cloud) DownloadFile(ctx context.Context, loc FileLocation, path string, progress Progress) error {
	tmp := path + PartialSuffix
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return localFileError("create", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return localFileError("read", err)
	}
	from := st.Size() - st.Size()%DownloadChunk
	if loc.Size > 0 && st.Size() > loc.Size {
		from = 0 // not this file: start over
	}
	n, err := cl.Download(ctx, loc, f, from, progress)
	if err == nil {
		if terr := f.Truncate(n); terr != nil {
			err = terr
		} else {
			err = f.Sync()
		}
		if err != nil {
			err = localFileError("write", err)
		}
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = localFileError("write", cerr)
	}
	if err != nil {
		var te *TransferError
		if errors.As(err, &te) {
			te.Name = filepath.Base(path)
		}
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return localFileError("move", err)
	}
	return nil
}
