package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"

	"tacit/mtproto"
	"tacit/mtproto/secret"
	"tacit/mtproto/store"
	"tacit/ui"
)

// filesService implements ui.Files for cloud and secret chats. A file fetched for the window goes into the
// encrypted store (a secret chat's decrypted there, never to a plain file); SaveAs writes where the user
// chose, OpenCopy into a private folder that goes when the session ends.
type filesService struct{ *Backend }

// Limits on what is held in memory.
const (
	maxPhotoBytes  = 50 << 20  // a photo read whole for the window
	maxMemoryBytes = 200 << 20 // a file fetched without a local database (the demo), or forwarded
	thumbSide      = 90        // the preview carried inside a secret chat photo
)

// SendFile implements ui.Files.
func (b filesService) SendFile(ctx context.Context, dialog ui.DialogID, file ui.Upload, opts ui.FileOptions, progress ui.Progress) (ui.Message, error) {
	src, size, name, closeSrc, err := openUpload(file)
	if err != nil {
		return ui.Message{}, userError(err)
	}
	defer func() { b.diag.report("close a sent file", closeSrc()) }()
	if size <= 0 {
		return ui.Message{}, userError(mtproto.ErrFileEmpty)
	}
	mimeType := mimeOf(name, src)
	if id, ok := secretChatOf(dialog); ok {
		return b.sendSecretFile(ctx, id, src, size, name, mimeType, opts, progress)
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return ui.Message{}, err
	}
	rec, err := mtproto.NewUpload(name, size)
	if err != nil {
		return ui.Message{}, userError(err)
	}
	if err := b.cloud.UploadFile(ctx, rec, src, mtproto.Progress(progress)); err != nil {
		return ui.Message{}, userError(err)
	}
	m, err := b.cloud.SendMedia(ctx, peer, rec, mtproto.MediaOptions{Photo: opts.AsPhoto, MIME: mimeType,
		Caption: opts.Caption, ReplyTo: int(opts.ReplyTo)})
	if err != nil {
		return ui.Message{}, userError(err)
	}
	if b.cache.enabled() {
		b.diag.report("cache a sent file's message", b.cache.db.PutMessages(ctx, storeCloudMessage(m)))
		if opts.AsPhoto {
			b.keepCopy(ctx, store.MessageRef{Peer: storeCloudPeer(peer), ID: int64(m.ID)}, name, mimeType, src, size)
		}
	}
	return b.uiCloudPage(ctx, b.view(dialog, peer), []mtproto.Message{m})[0], nil
}

// sendSecretFile encrypts and sends a file into a secret chat. A photo goes as JPEG with a small preview
// inside the encrypted message.
func (b filesService) sendSecretFile(ctx context.Context, id secret.ChatID, src io.ReaderAt, size int64, name, mimeType string,
	opts ui.FileOptions, progress ui.Progress) (ui.Message, error) {
	info, err := b.secret.Chat(ctx, id)
	if err != nil {
		return ui.Message{}, userError(err)
	}
	fo := secret.FileOptions{Caption: opts.Caption, ReplyTo: opts.ReplyTo}
	var r io.Reader = io.NewSectionReader(src, 0, size)
	if opts.AsPhoto {
		photo, err := photoForSecretChat(io.NewSectionReader(src, 0, size), size)
		if err != nil {
			return ui.Message{}, userError(err)
		}
		fo.Photo, fo.W, fo.H, fo.Thumb, fo.ThumbW, fo.ThumbH = true, photo.w, photo.h, photo.thumb, photo.tw, photo.th
		r, size, mimeType = bytes.NewReader(photo.jpeg), int64(len(photo.jpeg)), "image/jpeg"
		src = bytes.NewReader(photo.jpeg)
	}
	m, err := b.secret.SendFile(ctx, id, r, size, name, mimeType, fo, progress)
	if err != nil && m.RandomID == 0 {
		return ui.Message{}, userError(err)
	}
	if b.cache.enabled() && opts.AsPhoto {
		b.keepCopy(ctx, store.MessageRef{Peer: store.SecretPeer(int32(id)), ID: m.RandomID}, name, mimeType, src, size)
	}
	return b.quotedSecretMessage(ctx, info, m), nil
}

// keepCopy stores the file of a message the user sent, so that it shows without being fetched back.
func (b *Backend) keepCopy(ctx context.Context, ref store.MessageRef, name, mimeType string, src io.ReaderAt, size int64) {
	w, err := b.cache.db.CreateMedia(ctx, store.MediaInfo{Owner: ref, MIME: mimeType, Name: name})
	if err != nil {
		b.diag.report("keep a sent file", err)
		return
	}
	if _, err := io.Copy(w, io.NewSectionReader(src, 0, size)); err != nil {
		b.diag.report("keep a sent file", errors.Join(err, w.Abort()))
		return
	}
	_, err = w.Commit(ctx)
	b.diag.report("keep a sent file", err)
}

// Photo implements ui.Files.
func (b filesService) Photo(ctx context.Context, dialog ui.DialogID, id int64, progress ui.Progress) ([]byte, error) {
	data, err := b.fileBytesLimit(ctx, dialog, id, maxPhotoBytes, progress)
	return data, err
}

// fileBytes returns a message's file, read whole.
func (b filesService) fileBytes(ctx context.Context, dialog ui.DialogID, id int64, progress ui.Progress) ([]byte, error) {
	return b.fileBytesLimit(ctx, dialog, id, maxMemoryBytes, progress)
}

func (b filesService) fileBytesLimit(ctx context.Context, dialog ui.DialogID, id int64, limit int64, progress ui.Progress) ([]byte, error) {
	var buf bytes.Buffer
	if err := b.write(ctx, dialog, id, &limitedWriter{w: &buf, left: limit}, progress); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SaveAs implements ui.Files.
func (b filesService) SaveAs(ctx context.Context, dialog ui.DialogID, id int64, w io.Writer, progress ui.Progress) error {
	return b.write(ctx, dialog, id, w, progress)
}

// OpenCopy implements ui.Files: only cloud chats' files are written out this way.
func (b filesService) OpenCopy(ctx context.Context, dialog ui.DialogID, id int64, progress ui.Progress) (string, error) {
	if _, ok := secretChatOf(dialog); ok {
		return "", userError(errSecretOpen)
	}
	dir, err := b.openFolder()
	if err != nil {
		return "", userError(err)
	}
	name, err := b.fileName(ctx, dialog, id)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "*-"+safeFileName(name))
	if err != nil {
		return "", userError(mtproto.ErrLocalFile)
	}
	err = b.write(ctx, dialog, id, f, progress)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = userError(mtproto.ErrLocalFile)
	}
	if err != nil {
		return "", errors.Join(err, os.Remove(f.Name()))
	}
	return f.Name(), nil
}

// openFolder is the private folder of the readable copies of opened files, made on first use.
func (b *Backend) openFolder() (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openDir == "" {
		dir, err := os.MkdirTemp("", "tacit-open-")
		if err != nil {
			return "", err
		}
		b.openDir = dir
	}
	return b.openDir, nil
}

// removeOpened deletes the readable copies of opened files (the session ends).
func (b *Backend) removeOpened() {
	b.mu.Lock()
	dir := b.openDir
	b.openDir = ""
	b.mu.Unlock()
	if dir != "" {
		b.diag.report("remove the opened files", os.RemoveAll(dir))
	}
}

// write writes a message's file to w: from the store, where it is fetched into first (decrypting a secret
// chat's), or straight from the server without a local database.
func (b filesService) write(ctx context.Context, dialog ui.DialogID, id int64, w io.Writer, progress ui.Progress) error {
	if !b.cache.enabled() {
		return b.fetch(ctx, dialog, id, w, progress)
	}
	mid, err := b.stored(ctx, dialog, id, progress)
	if err != nil {
		return err
	}
	r, err := b.cache.db.OpenMedia(ctx, mid)
	if err != nil {
		return userError(err)
	}
	_, err = io.Copy(w, r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var te *limitError
		if errors.As(err, &te) {
			return userError(errFileTooLargeToShow)
		}
		return userError(mtproto.ErrLocalFile)
	}
	return nil
}

// stored returns the stored file of a message, fetching it into the store the first time.
func (b filesService) stored(ctx context.Context, dialog ui.DialogID, id int64, progress ui.Progress) (store.MediaID, error) {
	ref, err := b.mediaRef(dialog, id)
	if err != nil {
		return 0, err
	}
	if have, err := b.cache.db.MediaOf(ctx, ref); err == nil && len(have) > 0 {
		return have[0].ID, nil
	}
	name, err := b.fileName(ctx, dialog, id)
	if err != nil {
		return 0, err
	}
	w, err := b.cache.db.CreateMedia(ctx, store.MediaInfo{Owner: ref, Name: name})
	if err != nil {
		return 0, userError(err)
	}
	if err := b.fetch(ctx, dialog, id, w, progress); err != nil {
		return 0, errors.Join(err, w.Abort())
	}
	mid, err := w.Commit(ctx)
	if err != nil {
		return 0, userError(err)
	}
	return mid, nil
}

// mediaRef names a message's file in the store.
func (b *Backend) mediaRef(dialog ui.DialogID, id int64) (store.MessageRef, error) {
	if chat, ok := secretChatOf(dialog); ok {
		return store.MessageRef{Peer: store.SecretPeer(int32(chat)), ID: id}, nil
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return store.MessageRef{}, err
	}
	return store.MessageRef{Peer: storeCloudPeer(peer), ID: id}, nil
}

// fetch downloads a message's file into w (decrypting a secret chat's on the way).
func (b filesService) fetch(ctx context.Context, dialog ui.DialogID, id int64, w io.Writer, progress ui.Progress) error {
	if chat, ok := secretChatOf(dialog); ok {
		return userError(b.secret.DownloadFile(ctx, chat, id, w, progress))
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return err
	}
	media, err := b.cloudMedia(ctx, peer, int(id), false)
	if err != nil {
		return err
	}
	sw := &sequentialWriter{w: w}
	_, err = b.cloud.Download(ctx, media.Location, sw, 0, mtproto.Progress(progress))
	if errors.Is(err, mtproto.ErrFileExpired) && sw.off == 0 {
		// The cached file reference is stale: ask the server for the message again.
		if media, err = b.cloudMedia(ctx, peer, int(id), true); err != nil {
			return err
		}
		_, err = b.cloud.Download(ctx, media.Location, sw, 0, mtproto.Progress(progress))
	}
	var le *limitError
	if errors.As(err, &le) {
		return userError(errFileTooLargeToShow)
	}
	return userError(err)
}

// cloudMedia finds where a cloud message's file is: in the cache, or (fresh, or without a cached copy) on
// the server.
func (b *Backend) cloudMedia(ctx context.Context, peer mtproto.Peer, id int, fresh bool) (*mtproto.MediaInfo, error) {
	if b.cache.enabled() && !fresh {
		if m, err := b.cache.db.Message(ctx, storeCloudPeer(peer), id); err == nil {
			if cm := cachedCloudMessage(peer, m); cm.Media != nil {
				return cm.Media, nil
			}
		}
	}
	msgs, err := b.cloud.History(ctx, peer, id+1, 1)
	if err != nil {
		return nil, userError(err)
	}
	if len(msgs) == 0 || msgs[0].ID != id || msgs[0].Media == nil {
		return nil, userError(errNoFile)
	}
	if b.cache.enabled() {
		b.diag.report("cache a message", b.cache.db.PutMessages(ctx, storeCloudMessage(msgs[0])))
	}
	return msgs[0].Media, nil
}

// fileName is the name of a message's file, for the store and for an opened copy.
func (b filesService) fileName(ctx context.Context, dialog ui.DialogID, id int64) (string, error) {
	page, err := messagesService(b).History(ctx, dialog, ui.Page{Around: id, Limit: 2})
	if err != nil {
		return "", err
	}
	for _, m := range page {
		if m.ID == id && m.Media != nil {
			if m.Media.Name != "" {
				return m.Media.Name, nil
			}
			return "photo.jpg", nil
		}
	}
	return "", userError(errNoFile)
}

// safeFileName keeps a file name the server or a peer sent from leaving the folder it is written to.
func safeFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == ':' {
			return '_'
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "" || name == "/" {
		return "file"
	}
	if len(name) > 120 {
		name = name[len(name)-120:]
	}
	return name
}

// openUpload opens what the user sends: a local file, or pasted bytes.
func openUpload(f ui.Upload) (io.ReaderAt, int64, string, func() error, error) {
	if f.Data != nil {
		name := f.Name
		if name == "" {
			name = "file"
		}
		return bytes.NewReader(f.Data), int64(len(f.Data)), safeFileName(name), func() error { return nil }, nil
	}
	file, err := os.Open(f.Path)
	if err != nil {
		return nil, 0, "", nil, &mtproto.Error{Kind: mtproto.KindLocalFile, Reason: "open the file"}
	}
	st, err := file.Stat()
	if err != nil || !st.Mode().IsRegular() {
		_ = file.Close()
		return nil, 0, "", nil, &mtproto.Error{Kind: mtproto.KindLocalFile, Reason: "read the file"}
	}
	name := f.Name
	if name == "" {
		name = filepath.Base(f.Path)
	}
	return file, st.Size(), safeFileName(name), file.Close, nil
}

// mimeOf names a file's type by its extension, or else by its first bytes.
func mimeOf(name string, src io.ReaderAt) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	head := make([]byte, 512)
	n, err := src.ReadAt(head, 0)
	if n == 0 && err != nil {
		return "application/octet-stream"
	}
	return http.DetectContentType(head[:n])
}

// secretPhoto is a picture prepared for a secret chat: JPEG, its size, and a small preview.
type secretPhoto struct {
	jpeg   []byte
	w, h   int
	thumb  []byte
	tw, th int
}

// maxSendPixels bounds the pictures Tacit decodes to send as photos.
const maxSendPixels = 50_000_000

// photoForSecretChat reads a picture the user sends as a photo and makes its JPEG and preview.
func photoForSecretChat(r io.Reader, size int64) (secretPhoto, error) {
	if size > maxPhotoBytes {
		return secretPhoto{}, errPhotoTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(r, size))
	if err != nil {
		return secretPhoto{}, &mtproto.Error{Kind: mtproto.KindLocalFile, Reason: "read the file"}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || int64(cfg.Width)*int64(cfg.Height) > maxSendPixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return secretPhoto{}, errNotAPhoto
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return secretPhoto{}, errNotAPhoto
	}
	out := secretPhoto{jpeg: data, w: cfg.Width, h: cfg.Height}
	if format != "jpeg" {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			return secretPhoto{}, errNotAPhoto
		}
		out.jpeg = buf.Bytes()
	}
	out.tw, out.th = fit(cfg.Width, cfg.Height, thumbSide)
	small := image.NewRGBA(image.Rect(0, 0, out.tw, out.th))
	draw.ApproxBiLinear.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
	var tb bytes.Buffer
	if err := jpeg.Encode(&tb, small, &jpeg.Options{Quality: 60}); err != nil {
		return secretPhoto{}, errNotAPhoto
	}
	out.thumb = tb.Bytes()
	return out, nil
}

// fit scales w x h to fit in side x side.
func fit(w, h, side int) (int, int) {
	if w >= h {
		return side, max(1, h*side/w)
	}
	return max(1, w*side/h), side
}

// sequentialWriter lets a download that writes in order feed a plain writer (the store's encrypting media
// writer, a file the user chose).
type sequentialWriter struct {
	w   io.Writer
	off int64
}

func (s *sequentialWriter) WriteAt(p []byte, off int64) (int, error) {
	if off != s.off {
		return 0, fmt.Errorf("app: download out of order (at %d, expected %d)", off, s.off)
	}
	n, err := s.w.Write(p)
	s.off += int64(n)
	return n, err
}

// limitedWriter refuses to grow past left bytes.
type limitedWriter struct {
	w    io.Writer
	left int64
}

type limitError struct{}

func (limitError) Error() string { return "app: file larger than the limit" }

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, &limitError{}
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}

// Failures of files the roles find themselves; words.go words them.
var (
	errNoFile             = errors.New("app: the message has no file")
	errSecretOpen         = errors.New("app: a secret chat's file is written out only by Save as")
	errFileTooLargeToShow = errors.New("app: the file is too large to show")
	errNotAPhoto          = errors.New("app: the picture cannot be read")
	errPhotoTooLarge      = errors.New("app: the picture is too large to send as a photo")
)
