package sandbox

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/gif"  // photo dimensions
	_ "image/jpeg" // photo dimensions
	_ "image/png"  // photo dimensions

	"github.com/gotd/td/tg"
)

// Telegram's upload and download rules.
const (
	// maxPartSize is the largest upload part; every part but the last has
	// the same size, a multiple of 1 KiB that divides 512 KiB.
	maxPartSize = 512 * 1024
	// maxParts bounds a file to 4000 parts (2000 MB at 512 KiB).
	maxParts = 4000
	// smallFileMax is the largest file upload.saveFilePart may carry; bigger
	// ones go through upload.saveBigFilePart.
	smallFileMax = 10 * 1024 * 1024
	// maxChunk is the largest upload.getFile limit (1 MiB).
	maxChunk = 1024 * 1024
)

type uploadKey struct{ user, file int64 }

// partialUpload collects the parts of one file id.
type partialUpload struct {
	parts map[int][]byte
	// total is file_total_parts of saveBigFilePart (0 for small files).
	total int
	big   bool
	// used is set once a send has used the upload; it stays usable (a client that
	// was stopped before it saw the answer sends the same file again) until
	// keptUploads newer ones have been used.
	used bool
}

// keptUploads is how many used uploads stay usable: Telegram keeps an uploaded
// file for a while after a message used it, and a client resending after a lost
// answer relies on that.
const keptUploads = 64

// storedFile is an uploaded document or photo.
type storedFile struct {
	id, accessHash int64
	ref            []byte
	data           []byte
	date           int
	mime           string
	name           string
	photo          bool
	w, h           int
}

func (f *storedFile) toTG() tg.MessageMediaClass {
	if f.photo {
		p := &tg.Photo{ID: f.id, AccessHash: f.accessHash, FileReference: append([]byte(nil), f.ref...), Date: f.date, DCID: DC,
			Sizes: []tg.PhotoSizeClass{&tg.PhotoSize{Type: "y", W: f.w, H: f.h, Size: len(f.data)}}}
		return &tg.MessageMediaPhoto{Photo: p}
	}
	attrs := []tg.DocumentAttributeClass{}
	if f.name != "" {
		attrs = append(attrs, &tg.DocumentAttributeFilename{FileName: f.name})
	}
	d := &tg.Document{ID: f.id, AccessHash: f.accessHash, FileReference: append([]byte(nil), f.ref...), Date: f.date,
		MimeType: f.mime, Size: int64(len(f.data)), DCID: DC, Attributes: attrs}
	return &tg.MessageMediaDocument{Document: d}
}

func (s *Server) registerFiles(d *tg.ServerDispatcher) {
	d.OnUploadSaveFilePart(s.saveFilePart)
	d.OnUploadSaveBigFilePart(s.saveBigFilePart)
	d.OnUploadGetFile(s.getFile)
	d.OnMessagesSendMedia(s.sendMedia)
}

func checkPart(part int, data []byte) error {
	if part < 0 || part >= maxParts {
		return rpcErr(400, "FILE_PART_INVALID")
	}
	if len(data) == 0 {
		return rpcErr(400, "FILE_PART_EMPTY")
	}
	if len(data) > maxPartSize {
		return rpcErr(400, "FILE_PART_TOO_BIG")
	}
	return nil
}

func (s *Server) saveFilePart(ctx context.Context, req *tg.UploadSaveFilePartRequest) (bool, error) {
	if err := checkPart(req.FilePart, req.Bytes); err != nil {
		return false, err
	}
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		k := uploadKey{me.id, req.FileID}
		up := s.cloud.uploads[k]
		if up == nil {
			up = &partialUpload{parts: map[int][]byte{}}
			s.cloud.uploads[k] = up
		}
		if up.big {
			return false, rpcErr(400, "FILE_PARTS_INVALID")
		}
		up.parts[req.FilePart] = req.Bytes
		return true, nil
	})
}

func (s *Server) saveBigFilePart(ctx context.Context, req *tg.UploadSaveBigFilePartRequest) (bool, error) {
	if err := checkPart(req.FilePart, req.Bytes); err != nil {
		return false, err
	}
	if req.FileTotalParts <= 0 || req.FileTotalParts > maxParts || req.FilePart >= req.FileTotalParts {
		return false, rpcErr(400, "FILE_PARTS_INVALID")
	}
	return signedIn(s, ctx, func(o *op) (bool, error) {
		me := o.me
		k := uploadKey{me.id, req.FileID}
		up := s.cloud.uploads[k]
		if up == nil {
			up = &partialUpload{parts: map[int][]byte{}, big: true, total: req.FileTotalParts}
			s.cloud.uploads[k] = up
		}
		if !up.big || up.total != req.FileTotalParts {
			return false, rpcErr(400, "FILE_PARTS_INVALID")
		}
		up.parts[req.FilePart] = req.Bytes
		return true, nil
	})
}

// assembleLocked joins the parts of an uploaded file, checking Telegram's
// part rules, and keeps the upload for a later resend (forgetting the oldest
// beyond keptUploads).
func (s *Server) assembleLocked(me *user, in tg.InputFileClass) ([]byte, string, error) {
	var (
		id    int64
		parts int
		name  string
		sum   string
		big   bool
	)
	switch f := in.(type) {
	case *tg.InputFile:
		id, parts, name, sum = f.ID, f.Parts, f.Name, f.MD5Checksum
	case *tg.InputFileBig:
		id, parts, name, big = f.ID, f.Parts, f.Name, true
	default:
		return nil, "", rpcErr(400, "FILE_ID_INVALID")
	}
	k := uploadKey{me.id, id}
	up := s.cloud.uploads[k]
	if up == nil {
		return nil, "", rpcErr(400, "FILE_PART_0_MISSING")
	}
	if parts <= 0 || parts > maxParts || up.big != big || (big && up.total != parts) {
		return nil, "", rpcErr(400, "FILE_PARTS_INVALID")
	}
	size := 0
	partSize := 0
	for i := range parts {
		p, ok := up.parts[i]
		if !ok {
			return nil, "", rpcErr(400, fmt.Sprintf("FILE_PART_%d_MISSING", i))
		}
		if i == 0 {
			partSize = len(p)
		}
		last := i == parts-1
		if !last && (len(p) != partSize || len(p)%1024 != 0 || maxPartSize%len(p) != 0) {
			return nil, "", rpcErr(400, "FILE_PART_SIZE_INVALID")
		}
		if last && len(p) > partSize {
			return nil, "", rpcErr(400, "FILE_PART_SIZE_INVALID")
		}
		size += len(p)
	}
	if !big && size > smallFileMax {
		return nil, "", rpcErr(400, "FILE_PARTS_INVALID")
	}
	data := make([]byte, 0, size)
	for i := range parts {
		data = append(data, up.parts[i]...)
	}
	if sum != "" {
		h := md5.Sum(data)
		if hex.EncodeToString(h[:]) != sum {
			return nil, "", rpcErr(400, "MD5_CHECKSUM_INVALID")
		}
	}
	if !up.used {
		up.used = true
		s.cloud.usedUploads = append(s.cloud.usedUploads, k)
		if len(s.cloud.usedUploads) > keptUploads {
			delete(s.cloud.uploads, s.cloud.usedUploads[0])
			s.cloud.usedUploads = s.cloud.usedUploads[1:]
		}
	}
	return data, name, nil
}

func (s *Server) newFileLocked(data []byte) *storedFile {
	f := &storedFile{id: randInt64(), accessHash: randInt64(), ref: randBytes(16), data: data, date: s.unix()}
	s.cloud.files[f.id] = f
	return f
}

// mediaLocked turns an InputMedia into a stored file.
func (s *Server) mediaLocked(me *user, in tg.InputMediaClass) (*storedFile, error) {
	switch m := in.(type) {
	case *tg.InputMediaUploadedDocument:
		data, name, err := s.assembleLocked(me, m.File)
		if err != nil {
			return nil, err
		}
		f := s.newFileLocked(data)
		f.mime = m.MimeType
		if f.mime == "" {
			f.mime = "application/octet-stream"
		}
		f.name = name
		for _, a := range m.Attributes {
			if fn, ok := a.(*tg.DocumentAttributeFilename); ok {
				f.name = fn.FileName
			}
		}
		return f, nil
	case *tg.InputMediaUploadedPhoto:
		data, name, err := s.assembleLocked(me, m.File)
		if err != nil {
			return nil, err
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
			return nil, rpcErr(400, "IMAGE_PROCESS_FAILED")
		}
		if cfg.Width+cfg.Height > 10000 {
			return nil, rpcErr(400, "PHOTO_INVALID_DIMENSIONS")
		}
		f := s.newFileLocked(data)
		f.photo, f.w, f.h, f.name, f.mime = true, cfg.Width, cfg.Height, name, "image/jpeg"
		return f, nil
	case *tg.InputMediaDocument:
		d, ok := m.ID.(*tg.InputDocument)
		if !ok {
			return nil, rpcErr(400, "MEDIA_INVALID")
		}
		f := s.cloud.files[d.ID]
		if f == nil || f.photo || f.accessHash != d.AccessHash {
			return nil, rpcErr(400, "MEDIA_INVALID")
		}
		return f, nil
	case *tg.InputMediaPhoto:
		p, ok := m.ID.(*tg.InputPhoto)
		if !ok {
			return nil, rpcErr(400, "MEDIA_INVALID")
		}
		f := s.cloud.files[p.ID]
		if f == nil || !f.photo || f.accessHash != p.AccessHash {
			return nil, rpcErr(400, "MEDIA_INVALID")
		}
		return f, nil
	}
	return nil, rpcErr(400, "MEDIA_INVALID")
}

func (s *Server) sendMedia(ctx context.Context, req *tg.MessagesSendMediaRequest) (tg.UpdatesClass, error) {
	return signedIn(s, ctx, func(o *op) (tg.UpdatesClass, error) {
		me := o.me
		if err := checkText(req.Message, true); err != nil {
			return nil, err
		}
		f, err := s.mediaLocked(me, req.Media)
		if err != nil {
			return nil, err
		}
		r, _ := req.GetReplyTo()
		return s.postLocked(o, req.Peer, content{text: req.Message, entities: s.storeEntitiesLocked(req.Entities),
			replyTo: replyToID(r), media: f, randomID: req.RandomID})
	})
}

// getFile serves a chunk of a stored file under Telegram's rules: without
// precise, offset and limit are multiples of 4 KiB and 1 MiB is a
// multiple of limit; with precise, multiples of 1 KiB and limit at most
// 1 MiB; either way the chunk stays inside one 1 MiB block.
func (s *Server) getFile(ctx context.Context, req *tg.UploadGetFileRequest) (tg.UploadFileClass, error) {
	if req.Limit <= 0 || req.Limit > maxChunk {
		return nil, rpcErr(400, "LIMIT_INVALID")
	}
	if req.Offset < 0 {
		return nil, rpcErr(400, "OFFSET_INVALID")
	}
	if req.Precise {
		if req.Limit%1024 != 0 {
			return nil, rpcErr(400, "LIMIT_INVALID")
		}
		if req.Offset%1024 != 0 || req.Offset/maxChunk != (req.Offset+int64(req.Limit)-1)/maxChunk {
			return nil, rpcErr(400, "OFFSET_INVALID")
		}
	} else {
		if req.Limit%4096 != 0 || maxChunk%req.Limit != 0 {
			return nil, rpcErr(400, "LIMIT_INVALID")
		}
		if req.Offset%4096 != 0 || req.Offset/maxChunk != (req.Offset+int64(req.Limit)-1)/maxChunk {
			return nil, rpcErr(400, "OFFSET_INVALID")
		}
	}
	return signedIn(s, ctx, func(o *op) (tg.UploadFileClass, error) {

		var (
			id, hash int64
			ref      []byte
			photo    bool
		)
		switch l := req.Location.(type) {
		case *tg.InputDocumentFileLocation:
			id, hash, ref = l.ID, l.AccessHash, l.FileReference
		case *tg.InputPhotoFileLocation:
			id, hash, ref, photo = l.ID, l.AccessHash, l.FileReference, true
		default:
			return nil, rpcErr(400, "LOCATION_INVALID")
		}
		f := s.cloud.files[id]
		if f == nil || f.accessHash != hash || f.photo != photo {
			return nil, rpcErr(400, "FILE_ID_INVALID")
		}
		if !bytes.Equal(f.ref, ref) {
			return nil, rpcErr(400, "FILE_REFERENCE_EXPIRED")
		}
		end := min(req.Offset+int64(req.Limit), int64(len(f.data)))
		var chunk []byte
		if req.Offset < end {
			chunk = f.data[req.Offset:end]
		}
		typ := tg.StorageFileTypeClass(&tg.StorageFilePartial{})
		if photo {
			typ = &tg.StorageFileJpeg{}
		}
		return &tg.UploadFile{Type: typ, Mtime: f.date, Bytes: chunk}, nil
	})
}
