package secret

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tg/e2e"
)

// bigFileThreshold: larger files are uploaded with upload.saveBigFilePart.
const bigFileThreshold = 10 * 1024 * 1024

// FileOptions describe an outgoing file.
type FileOptions struct {
	// Photo sends the file as a photo (JPEG) instead of a document.
	Photo bool
	// W, H: image dimensions, if known.
	W, H int
	// Thumb is a small JPEG preview (at most 90x90, a few KB) carried inside the message.
	Thumb          []byte
	ThumbW, ThumbH int
	Caption        string
	// TTL overrides the chat's self-destruct timer (nil = chat default).
	TTL *int
	// ReplyTo is the random id of the message answered (0 = none).
	ReplyTo int64
}

// SendFile encrypts r (size bytes) with a fresh per-file key, uploads it part by part and
// sends it. progress, if set, is called after each part with bytes done and total.
func (m *Manager) SendFile(ctx context.Context, id ChatID, r io.Reader, size int64, name, mime string, opts FileOptions, progress func(done, total int64)) (Message, error) {
	c, err := m.chat(ctx, id)
	if err != nil {
		return Message{}, err
	}
	if c.State != StateReady {
		return Message{}, ErrNotReady
	}
	if size <= 0 {
		// Telegram stores no empty files (an upload needs at least one non-empty part).
		return Message{}, fmt.Errorf("secret: send file: the file is empty")
	}
	fk, err := NewFileKey()
	if err != nil {
		return Message{}, err
	}
	defer fk.Wipe()
	upload, err := m.uploadEncrypted(ctx, fk, r, size, progress)
	if err != nil {
		return Message{}, err
	}
	var msg Message
	err = m.userSend(ctx, id, func(ct *chatTx) error {
		if ct.c.State != StateReady {
			return ErrNotReady
		}
		rid := nonZeroRandInt64()
		ttl := ct.c.TTL
		if opts.TTL != nil {
			ttl = min(max(*opts.TTL, 0), maxTTL)
		}
		md := &Media{Kind: MediaDocument, Name: name, MIME: mime, Size: size, Key: bytes.Clone(fk.Key[:]),
			IV: bytes.Clone(fk.IV[:]), Thumb: opts.Thumb, ThumbW: opts.ThumbW, ThumbH: opts.ThumbH,
			W: opts.W, H: opts.H, Caption: opts.Caption}
		var media e2e.DecryptedMessageMediaClass
		layer := sendLayer(ct.c.HisLayer)
		switch {
		case opts.Photo && size <= 1<<31-1:
			md.Kind, md.MIME = MediaPhoto, "image/jpeg"
			media = &e2e.DecryptedMessageMediaPhoto{Thumb: orEmpty(opts.Thumb), ThumbW: opts.ThumbW, ThumbH: opts.ThumbH,
				W: opts.W, H: opts.H, Size: int(size), Key: md.Key, Iv: md.IV, Caption: opts.Caption}
		default:
			attrs := []e2e.DocumentAttributeClass{&e2e.DocumentAttributeFilename{FileName: name}}
			if opts.W > 0 && opts.H > 0 {
				attrs = append(attrs, &e2e.DocumentAttributeImageSize{W: opts.W, H: opts.H})
			}
			if layer >= 143 {
				media = &e2e.DecryptedMessageMediaDocument{Thumb: orEmpty(opts.Thumb), ThumbW: opts.ThumbW, ThumbH: opts.ThumbH,
					MimeType: mime, Size: size, Key: md.Key, Iv: md.IV, Attributes: attrs, Caption: opts.Caption}
			} else {
				if size > 1<<31-1 {
					return fmt.Errorf("secret: send file: the peer's layer %d cannot carry files over 2 GB", layer)
				}
				media = &e2e.DecryptedMessageMediaDocument46{Thumb: orEmpty(opts.Thumb), ThumbW: opts.ThumbW, ThumbH: opts.ThumbH,
					MimeType: mime, Size: int(size), Key: md.Key, Iv: md.IV, Attributes: attrs, Caption: opts.Caption}
			}
		}
		dm := &e2e.DecryptedMessage{RandomID: rid, TTL: ttl, Message: ""}
		dm.SetMedia(media)
		if opts.ReplyTo != 0 {
			dm.SetReplyToRandomID(opts.ReplyTo)
		}
		if _, err := ct.enqueue(dm, rid, false, upload); err != nil {
			return err
		}
		msg = Message{ChatID: id, RandomID: rid, Out: true, Kind: KindMedia, Date: ct.now, Text: opts.Caption, TTL: ttl, Media: md,
			ReplyTo: opts.ReplyTo}
		if err := ct.tx.PutMessage(msg); err != nil {
			return err
		}
		ct.emit(MessageQueued{Message: msg})
		return nil
	})
	if err != nil && !m.stored(ctx, msg) {
		return Message{}, fmt.Errorf("secret: send file: %w", err)
	}
	return m.reread(ctx, msg), err
}

func orEmpty(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// uploadEncrypted encrypts and uploads the file, returning what sendEncryptedFile needs.
func (m *Manager) uploadEncrypted(ctx context.Context, fk FileKey, r io.Reader, size int64, progress func(done, total int64)) (*OutboxFile, error) {
	enc, err := NewFileEncrypter(fk, size)
	if err != nil {
		return nil, err
	}
	defer enc.Wipe()
	fileID := nonZeroRandInt64()
	parts := FileParts(size)
	big := size > bigFileThreshold
	buf := make([]byte, FilePartSize, FilePartSize+blockSize)
	var done int64
	for i := range parts {
		n := min(int64(FilePartSize), size-done)
		part := buf[:n]
		if _, err := io.ReadFull(r, part); err != nil {
			return nil, fmt.Errorf("secret: read file: %w", err)
		}
		ct, err := enc.EncryptPart(part)
		if err != nil {
			return nil, err
		}
		err = m.transfer(ctx, func() (err error) {
			if big {
				_, err = m.api.UploadSaveBigFilePart(ctx, &tg.UploadSaveBigFilePartRequest{FileID: fileID, FilePart: i, FileTotalParts: parts, Bytes: ct})
			} else {
				_, err = m.api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: fileID, FilePart: i, Bytes: ct})
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("secret: upload part %d/%d: %w", i+1, parts, err)
		}
		done += n
		if progress != nil {
			progress(done, size)
		}
	}
	clear(buf)
	return &OutboxFile{UploadID: fileID, Parts: parts, Big: big, KeyFingerprint: fk.Fingerprint()}, nil
}

// transfer runs one part's upload or one chunk's download through Options.RetryTransfer.
func (m *Manager) transfer(ctx context.Context, call func() error) error {
	if m.opts.RetryTransfer == nil {
		return call()
	}
	return m.opts.RetryTransfer(ctx, call)
}

// DownloadFile downloads and decrypts the attachment of message randomID into w. The
// plaintext is checked for the declared size; IGE has no integrity check, so callers must
// treat the bytes as untrusted.
func (m *Manager) DownloadFile(ctx context.Context, id ChatID, randomID int64, w io.Writer, progress func(done, total int64)) error {
	msg, err := m.message(ctx, id, randomID)
	if err != nil {
		return err
	}
	md := msg.Media
	if md == nil || md.File.ID == 0 {
		return fmt.Errorf("secret: download: message has no file")
	}
	fk, err := ParseFileKey(md.Key, md.IV, md.File.KeyFingerprint)
	if err != nil {
		return err
	}
	defer fk.Wipe()
	total := EncryptedFileSize(md.Size)
	if md.File.Size != total {
		return fmt.Errorf("%w: encrypted size %d for %d bytes", ErrFileData, md.File.Size, md.Size)
	}
	dec, err := NewFileDecrypter(fk, md.Size)
	if err != nil {
		return err
	}
	loc := &tg.InputEncryptedFileLocation{ID: md.File.ID, AccessHash: md.File.AccessHash}
	var offset, written int64
	for offset < total {
		var res tg.UploadFileClass
		err := m.transfer(ctx, func() (err error) {
			res, err = m.api.UploadGetFile(ctx, &tg.UploadGetFileRequest{Location: loc, Offset: offset, Limit: FilePartSize})
			return err
		})
		if err != nil {
			dec.Finish()
			return fmt.Errorf("secret: download at %d: %w", offset, err)
		}
		f, ok := res.(*tg.UploadFile)
		if !ok {
			dec.Finish()
			return fmt.Errorf("secret: download: unexpected %T", res)
		}
		if len(f.Bytes) == 0 {
			break
		}
		pt, err := dec.DecryptPart(f.Bytes)
		if err != nil {
			dec.Finish()
			return err
		}
		if _, err := w.Write(pt); err != nil {
			dec.Finish()
			return fmt.Errorf("secret: download: write: %w", err)
		}
		offset += int64(len(f.Bytes))
		written += int64(len(pt))
		if progress != nil {
			progress(written, md.Size)
		}
	}
	return dec.Finish()
}

// ErrMedia reports an attachment that fails validation; the message is shown without it.
var ErrMedia = errors.New("secret: invalid attachment")

func mediaFromWire(mc e2e.DecryptedMessageMediaClass, file *EncryptedFile) (*Media, error) {
	var md Media
	switch v := mc.(type) {
	case *e2e.DecryptedMessageMediaPhoto:
		md = Media{Kind: MediaPhoto, MIME: "image/jpeg", Size: int64(v.Size), Key: v.Key, IV: v.Iv,
			Thumb: v.Thumb, ThumbW: v.ThumbW, ThumbH: v.ThumbH, W: v.W, H: v.H, Caption: v.Caption}
	case *e2e.DecryptedMessageMediaDocument:
		md = Media{Kind: MediaDocument, MIME: v.MimeType, Size: v.Size, Key: v.Key, IV: v.Iv,
			Thumb: v.Thumb, ThumbW: v.ThumbW, ThumbH: v.ThumbH, Caption: v.Caption}
		for _, a := range v.Attributes {
			switch a := a.(type) {
			case *e2e.DocumentAttributeFilename:
				md.Name = a.FileName
			case *e2e.DocumentAttributeImageSize:
				md.W, md.H = a.W, a.H
			}
		}
	case *e2e.DecryptedMessageMediaDocument46:
		md = Media{Kind: MediaDocument, MIME: v.MimeType, Size: int64(v.Size), Key: v.Key, IV: v.Iv,
			Thumb: v.Thumb, ThumbW: v.ThumbW, ThumbH: v.ThumbH, Caption: v.Caption}
		for _, a := range v.Attributes {
			if f, ok := a.(*e2e.DocumentAttributeFilename); ok {
				md.Name = f.FileName
			}
		}
	default:
		return nil, fmt.Errorf("%w: unsupported media %T", ErrMedia, mc)
	}
	if file == nil {
		return nil, fmt.Errorf("%w: no file attached", ErrMedia)
	}
	fk, err := ParseFileKey(md.Key, md.IV, file.KeyFingerprint)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMedia, err)
	}
	fk.Wipe()
	if md.Size < 0 || md.Size > file.Size || file.Size >= md.Size+16 {
		return nil, fmt.Errorf("%w: size does not match the encrypted file", ErrMedia)
	}
	if len(md.Thumb) > maxThumbBytes || md.ThumbW > maxThumbSide || md.ThumbH > maxThumbSide {
		md.Thumb, md.ThumbW, md.ThumbH = nil, 0, 0
	}
	md.Key, md.IV, md.Thumb = bytes.Clone(md.Key), bytes.Clone(md.IV), bytes.Clone(md.Thumb)
	md.File = *file
	return &md, nil
}

// Thumbnail limits: larger thumbnails are dropped.
const (
	maxThumbBytes = 6000
	maxThumbSide  = 100
)
