package app

import (
	"context"
	"errors"
	"fmt"

	"tacit/mtproto"
	"tacit/mtproto/store"
	"tacit/ui"
)

// sequentialWriter lets a download that writes in order feed the store's
// streaming, encrypting media writer.
type sequentialWriter struct {
	w   *store.MediaWriter
	off int64
}

func (s *sequentialWriter) WriteAt(p []byte, off int64) (int, error) {
	if off != s.off {
		return 0, fmt.Errorf("app: media download out of order (at %d, expected %d)", off, s.off)
	}
	n, err := s.w.Write(p)
	s.off += int64(n)
	return n, err
}

// SaveMedia downloads the photo or document of a cloud message into the
// encrypted store: the file on disk is sealed with its own key, like every
// other local data, and is deleted with its message. A failed download
// leaves nothing behind and can simply be repeated.
func (b *Backend) SaveMedia(ctx context.Context, dialog ui.DialogID, msgID int, progress mtproto.Progress) (store.MediaID, error) {
	if !b.cache.enabled() {
		return 0, &ui.Problem{Message: "Files are saved only with a local database (not in the demo)."}
	}
	peer, _, err := b.peerOf(dialog)
	if err != nil {
		return 0, err
	}
	msgs, err := b.cloud.History(ctx, peer, msgID+1, 1)
	if err != nil {
		return 0, userError(err)
	}
	if len(msgs) == 0 || msgs[0].ID != msgID || msgs[0].Media == nil {
		return 0, &ui.Problem{Message: "That message has no file (or no longer exists)."}
	}
	media := msgs[0].Media
	w, err := b.cache.db.CreateMedia(ctx, store.MediaInfo{
		Owner: store.MessageRef{Peer: storeCloudPeer(peer), ID: int64(msgID)},
		MIME:  media.MIME,
		Name:  media.Name,
	})
	if err != nil {
		return 0, &ui.Problem{Message: "The file cannot be saved locally.", Err: err}
	}
	sw := &sequentialWriter{w: w}
	if _, err := b.cloud.Download(ctx, media.Location, sw, 0, progress); err != nil {
		_ = w.Abort()
		var te *mtproto.TransferError
		if errors.As(err, &te) {
			return 0, &ui.Problem{Message: fmt.Sprintf("The download stopped after %d of %d bytes. Try again.", te.Done, te.Total), Err: err}
		}
		return 0, userError(err)
	}
	id, err := w.Commit(ctx)
	if err != nil {
		return 0, &ui.Problem{Message: "The file could not be stored.", Err: err}
	}
	return id, nil
}
