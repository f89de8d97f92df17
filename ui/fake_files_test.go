package ui

import (
	"context"
	"io"
	"sync"
	"time"
)

// fakeFiles keeps the files of messages by dialog and ID; a transfer can be held at its gate halfway, to
// look at its progress and cancel it.
type fakeFiles struct {
	calls
	mu        sync.Mutex
	msgs      *fakeMessages
	content   map[photoKey][]byte
	sent      []fakeUpload
	saved     map[int64][]byte
	opened    []int64
	clipboard []byte
	// halfway, when set, holds every transfer after it reported half its size, until it is closed or the
	// transfer's context ends.
	halfway chan struct{}
}

type fakeUpload struct {
	dialog DialogID
	file   Upload
	opts   FileOptions
}

func newFakeFiles(msgs *fakeMessages) *fakeFiles {
	return &fakeFiles{msgs: msgs, content: map[photoKey][]byte{}, saved: map[int64][]byte{}}
}

// transfer reports progress to the half, waits at the gate, then reports the end.
func (f *fakeFiles) transfer(ctx context.Context, size int64, progress Progress) error {
	if progress != nil {
		progress(size/2, size)
	}
	f.mu.Lock()
	gate := f.halfway
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if progress != nil {
		progress(size, size)
	}
	return nil
}

func (f *fakeFiles) SendFile(ctx context.Context, id DialogID, file Upload, opts FileOptions, progress Progress) (Message, error) {
	f.record("SendFile")
	if err := f.transfer(ctx, 1000, progress); err != nil {
		return Message{}, err
	}
	f.mu.Lock()
	f.sent = append(f.sent, fakeUpload{id, file, opts})
	f.mu.Unlock()
	kind := MediaFile
	if opts.AsPhoto {
		kind = MediaPhoto
	}
	f.msgs.mu.Lock()
	defer f.msgs.mu.Unlock()
	f.msgs.nextID++
	m := Message{ID: f.msgs.nextID, Dialog: id, Out: true, Text: opts.Caption, Date: time.Now(), Status: StatusSent,
		Media: &Media{Kind: kind, Name: file.Name, Size: 1000}}
	f.msgs.history[id] = append(f.msgs.history[id], m)
	return m, nil
}

func (f *fakeFiles) Photo(ctx context.Context, id DialogID, mid int64, progress Progress) ([]byte, error) {
	f.record("Photo")
	f.mu.Lock()
	b, ok := f.content[photoKey{id, mid}]
	f.mu.Unlock()
	if !ok {
		return nil, &Problem{Message: "The photo is gone."}
	}
	return append([]byte(nil), b...), f.transfer(ctx, int64(len(b)), progress)
}

func (f *fakeFiles) SaveAs(ctx context.Context, id DialogID, mid int64, w io.Writer, progress Progress) error {
	f.record("SaveAs")
	f.mu.Lock()
	b := f.content[photoKey{id, mid}]
	f.mu.Unlock()
	if err := f.transfer(ctx, int64(len(b)), progress); err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	f.mu.Lock()
	f.saved[mid] = b
	f.mu.Unlock()
	return nil
}

func (f *fakeFiles) OpenCopy(ctx context.Context, id DialogID, mid int64, progress Progress) (string, error) {
	f.record("OpenCopy")
	if err := f.transfer(ctx, 100, progress); err != nil {
		return "", err
	}
	f.mu.Lock()
	f.opened = append(f.opened, mid)
	f.mu.Unlock()
	return "", nil
}

func (f *fakeFiles) ClipboardImage(context.Context) ([]byte, error) {
	f.record("ClipboardImage")
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.clipboard, nil
}

// fakeNotifications answers what the settings say notifications show.
type fakeNotifications struct {
	cloud, secret NotifyContent
}

func (f *fakeNotifications) Content(k DialogKind) NotifyContent {
	if k.EndToEnd() {
		return f.secret
	}
	return f.cloud
}
