package sandbox_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/gotd/td/tg"
	"github.com/gotd/td/tgerr"

	"tacit/mtproto/sandbox"
)

// rpcType is the Telegram error name of err, or "" for success.
func rpcType(err error) string {
	if err == nil {
		return ""
	}
	if rpc, ok := tgerr.As(err); ok {
		return rpc.Type
	}
	return err.Error()
}

func channelOf(t *testing.T, u tg.UpdatesClass) *tg.Channel {
	t.Helper()
	if up, ok := u.(*tg.Updates); ok {
		for _, c := range up.Chats {
			if c, ok := c.(*tg.Channel); ok {
				return c
			}
		}
	}
	t.Fatalf("no channel in %T", u)
	return nil
}

func TestGetFileChunkRules(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700940001", "Uma")
	api := r.API()
	data := make([]byte, 3*1024*1024+100)
	for i := range data {
		data[i] = byte(i * 7)
	}
	const part = 512 * 1024
	parts := (len(data) + part - 1) / part
	for i := range parts {
		if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 77, FilePart: i, Bytes: data[i*part : min(len(data), (i+1)*part)]}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := api.MessagesSendMedia(ctx, &tg.MessagesSendMediaRequest{Peer: &tg.InputPeerSelf{}, RandomID: 1,
		Media: &tg.InputMediaUploadedDocument{File: &tg.InputFile{ID: 77, Parts: parts, Name: "x.bin"}, MimeType: "application/octet-stream"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc *tg.Document
	for _, u := range res.(*tg.Updates).Updates {
		if nm, ok := u.(*tg.UpdateNewMessage); ok {
			doc = nm.Message.(*tg.Message).Media.(*tg.MessageMediaDocument).Document.(*tg.Document)
		}
	}
	if doc == nil || doc.Size != int64(len(data)) {
		t.Fatalf("document = %+v", doc)
	}
	loc := &tg.InputDocumentFileLocation{ID: doc.ID, AccessHash: doc.AccessHash, FileReference: doc.FileReference}
	for _, c := range []struct {
		precise       bool
		offset        int64
		limit         int
		want          string
		wantBytes     int
		wantFirstByte int64
	}{
		{offset: 0, limit: 1 << 20, wantBytes: 1 << 20},
		{offset: 1 << 20, limit: 512 * 1024, wantBytes: 512 * 1024, wantFirstByte: 1 << 20},
		{offset: 3 << 20, limit: 1 << 20, wantBytes: 100, wantFirstByte: 3 << 20},
		{offset: 4 << 20, limit: 1 << 20, wantBytes: 0},
		{offset: 0, limit: 2 << 20, want: "LIMIT_INVALID"},
		{offset: 0, limit: 3 * 4096, want: "LIMIT_INVALID"},    // 1 MiB not a multiple
		{offset: 0, limit: 1000, want: "LIMIT_INVALID"},        // not a multiple of 4 KiB
		{offset: 1024, limit: 4096, want: "OFFSET_INVALID"},    // not a multiple of 4 KiB
		{offset: 4096, limit: 1 << 20, want: "OFFSET_INVALID"}, // crosses a 1 MiB boundary
		{precise: true, offset: 1024, limit: 3 * 1024, wantBytes: 3 * 1024, wantFirstByte: 1024},
		{precise: true, offset: 1024, limit: 1000, want: "LIMIT_INVALID"},
		{precise: true, offset: (1 << 20) - 1024, limit: 2048, want: "OFFSET_INVALID"},
	} {
		res, err := api.UploadGetFile(ctx, &tg.UploadGetFileRequest{Precise: c.precise, Location: loc, Offset: c.offset, Limit: c.limit})
		if got := rpcType(err); got != c.want {
			t.Errorf("precise=%v offset=%d limit=%d: error %q, want %q", c.precise, c.offset, c.limit, got, c.want)
			continue
		}
		if err != nil {
			continue
		}
		b := res.(*tg.UploadFile).Bytes
		if len(b) != c.wantBytes || (len(b) > 0 && b[0] != data[c.wantFirstByte]) {
			t.Errorf("offset=%d limit=%d: %d bytes", c.offset, c.limit, len(b))
		}
	}
	stale := *loc
	stale.FileReference = []byte("old")
	if _, err := api.UploadGetFile(ctx, &tg.UploadGetFileRequest{Location: &stale, Limit: 4096}); rpcType(err) != "FILE_REFERENCE_EXPIRED" {
		t.Fatalf("stale reference: %v", err)
	}
}

func TestUploadPartRules(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700940002", "Val")
	api := r.API()
	send := func(file tg.InputFileClass) error {
		_, err := api.MessagesSendMedia(ctx, &tg.MessagesSendMediaRequest{Peer: &tg.InputPeerSelf{}, RandomID: 5,
			Media: &tg.InputMediaUploadedDocument{File: file, MimeType: "text/plain"}})
		return err
	}
	if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 1, FilePart: 0, Bytes: make([]byte, 512*1024+1)}); rpcType(err) != "FILE_PART_TOO_BIG" {
		t.Fatalf("oversized part: %v", err)
	}
	if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 1, FilePart: 0}); rpcType(err) != "FILE_PART_EMPTY" {
		t.Fatalf("empty part: %v", err)
	}
	if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 1, FilePart: 4000, Bytes: []byte{1}}); rpcType(err) != "FILE_PART_INVALID" {
		t.Fatalf("part number: %v", err)
	}
	// A missing part.
	for _, p := range []int{0, 2} {
		if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 2, FilePart: p, Bytes: make([]byte, 1024)}); err != nil {
			t.Fatal(err)
		}
	}
	err := send(&tg.InputFile{ID: 2, Parts: 3, Name: "a"})
	if rpc, ok := tgerr.As(err); !ok || rpc.Type != "FILE_PART_MISSING" || rpc.Argument != 1 {
		t.Fatalf("missing part: %v (want FILE_PART_1_MISSING)", err)
	}
	// Parts of different sizes.
	for p, n := range []int{1024, 2048, 10} {
		if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 3, FilePart: p, Bytes: make([]byte, n)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := send(&tg.InputFile{ID: 3, Parts: 3, Name: "b"}); rpcType(err) != "FILE_PART_SIZE_INVALID" {
		t.Fatalf("uneven parts: %v", err)
	}
	// A checksum that does not match; then the right one.
	body := []byte("tacit checksum test")
	if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: 4, FilePart: 0, Bytes: body}); err != nil {
		t.Fatal(err)
	}
	if err := send(&tg.InputFile{ID: 4, Parts: 1, Name: "c", MD5Checksum: "00"}); rpcType(err) != "MD5_CHECKSUM_INVALID" {
		t.Fatalf("bad checksum: %v", err)
	}
	sum := md5.Sum(body)
	if err := send(&tg.InputFile{ID: 4, Parts: 1, Name: "c", MD5Checksum: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatalf("good checksum: %v", err)
	}
	// Big-file parts must agree on the total, and be sent as a big file.
	if _, err := api.UploadSaveBigFilePart(ctx, &tg.UploadSaveBigFilePartRequest{FileID: 5, FilePart: 0, FileTotalParts: 2, Bytes: make([]byte, 1024)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.UploadSaveBigFilePart(ctx, &tg.UploadSaveBigFilePartRequest{FileID: 5, FilePart: 1, FileTotalParts: 3, Bytes: make([]byte, 10)}); rpcType(err) != "FILE_PARTS_INVALID" {
		t.Fatalf("changed total: %v", err)
	}
	if _, err := api.UploadSaveBigFilePart(ctx, &tg.UploadSaveBigFilePartRequest{FileID: 5, FilePart: 1, FileTotalParts: 2, Bytes: make([]byte, 10)}); err != nil {
		t.Fatal(err)
	}
	if err := send(&tg.InputFile{ID: 5, Parts: 2, Name: "d"}); rpcType(err) != "FILE_PARTS_INVALID" {
		t.Fatalf("big file sent as small: %v", err)
	}
	if err := send(&tg.InputFileBig{ID: 5, Parts: 2, Name: "d"}); err != nil {
		t.Fatalf("big file: %v", err)
	}
}

// A client stopped after its message reached the server, before it recorded the answer, sends the
// same uploaded file again when it restarts; Telegram accepts it, and so does the sandbox until
// many newer uploads have been used.
func TestUsedUploadStaysUsableForAResend(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700940004", "Xan")
	api := r.API()
	upload := func(id int64) tg.InputFileClass {
		if _, err := api.UploadSaveFilePart(ctx, &tg.UploadSaveFilePartRequest{FileID: id, FilePart: 0, Bytes: []byte("resend me")}); err != nil {
			t.Fatal(err)
		}
		return &tg.InputFile{ID: id, Parts: 1, Name: "r.txt"}
	}
	send := func(file tg.InputFileClass, randomID int64) error {
		_, err := api.MessagesSendMedia(ctx, &tg.MessagesSendMediaRequest{Peer: &tg.InputPeerSelf{}, RandomID: randomID,
			Media: &tg.InputMediaUploadedDocument{File: file, MimeType: "text/plain"}})
		return err
	}
	first := upload(1)
	if err := send(first, 1); err != nil {
		t.Fatal(err)
	}
	if err := send(first, 2); err != nil {
		t.Fatalf("the same upload sent again: %v", err)
	}
	for i := range int64(sandbox.KeptUploads) {
		if err := send(upload(100+i), 100+i); err != nil {
			t.Fatal(err)
		}
	}
	if err := send(first, 3); rpcType(err) != "FILE_PART_MISSING" {
		t.Fatalf("an upload older than %d used ones: %v, want FILE_PART_0_MISSING", sandbox.KeptUploads, err)
	}
}

func TestChannelDifferenceSlicesAndTooLong(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700940003", "Wes")
	api := r.API()
	upd, err := api.ChannelsCreateChannel(ctx, &tg.ChannelsCreateChannelRequest{Broadcast: true, Title: "Feed"})
	if err != nil {
		t.Fatal(err)
	}
	ch := channelOf(t, upd)
	in := &tg.InputChannel{ChannelID: ch.ID, AccessHash: ch.AccessHash}
	if _, err := api.UpdatesGetChannelDifference(ctx, &tg.UpdatesGetChannelDifferenceRequest{Channel: &tg.InputChannel{ChannelID: ch.ID, AccessHash: 1},
		Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 1, Limit: 10}); rpcType(err) != "CHANNEL_INVALID" {
		t.Fatalf("wrong access hash: %v", err)
	}
	if err := s.SeedChannelPosts("Feed", r.Self().ID, 250, func(i int) string { return fmt.Sprint(i) }); err != nil {
		t.Fatal(err)
	}
	// From pts 1 (after the creation): 250 posts in slices of 100.
	pts, total, calls := 1, 0, 0
	for final := false; !final; calls++ {
		d, err := api.UpdatesGetChannelDifference(ctx, &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: pts, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		diff, ok := d.(*tg.UpdatesChannelDifference)
		if !ok {
			t.Fatalf("got %T", d)
		}
		for i, m := range diff.NewMessages {
			if want := fmt.Sprint(total + i); m.(*tg.Message).Message != want {
				t.Fatalf("message %q, want %q", m.(*tg.Message).Message, want)
			}
		}
		if len(diff.Users) != 0 {
			t.Fatal("broadcast posts name the admin who posted them")
		}
		total += len(diff.NewMessages)
		pts, final = diff.Pts, diff.Final
	}
	if total != 250 || calls != 3 || pts != 251 {
		t.Fatalf("%d messages in %d calls up to pts %d", total, calls, pts)
	}
	d, err := api.UpdatesGetChannelDifference(ctx, &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: pts, Limit: 100})
	if _, ok := d.(*tg.UpdatesChannelDifferenceEmpty); !ok || err != nil {
		t.Fatalf("caught up: %T %v", d, err)
	}
	if _, err := api.UpdatesGetChannelDifference(ctx, &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: pts + 5, Limit: 100}); rpcType(err) != "PERSISTENT_TIMESTAMP_INVALID" {
		t.Fatalf("pts from the future: %v", err)
	}
	// A gap of more than a thousand events: too long, reload instead.
	if err := s.SeedChannelPosts("Feed", r.Self().ID, 1500, func(i int) string { return fmt.Sprint("late ", i) }); err != nil {
		t.Fatal(err)
	}
	d, err = api.UpdatesGetChannelDifference(ctx, &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: pts, Limit: 100})
	long, ok := d.(*tg.UpdatesChannelDifferenceTooLong)
	if !ok || err != nil {
		t.Fatalf("long gap: %T %v", d, err)
	}
	dlg := long.Dialog.(*tg.Dialog)
	if p, _ := dlg.GetPts(); p != 1751 || dlg.TopMessage != 1751 || len(long.Messages) != 100 {
		t.Fatalf("too long: pts %d, top %d, %d messages", p, dlg.TopMessage, len(long.Messages))
	}
}

// Deleting for everyone in a basic group works for one's own messages
// (and for the creator); anyone else's "for everyone" deletes only their
// own copy.
func TestGroupRevokeRules(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	a := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, a, "447700940004", "Xia")
	b := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, b, "447700940005", "Yan")
	created, err := a.API().MessagesCreateChat(ctx, &tg.MessagesCreateChatRequest{Title: "Pair", Users: []tg.InputUserClass{
		&tg.InputUser{UserID: b.Self().ID, AccessHash: b.Self().AccessHash}}})
	if err != nil {
		t.Fatal(err)
	}
	chat := created.Updates.(*tg.Updates).Chats[0].(*tg.Chat)
	peer := &tg.InputPeerChat{ChatID: chat.ID}
	if _, err := a.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: peer, Message: "from the creator", RandomID: 11}); err != nil {
		t.Fatal(err)
	}
	m := waitMessage(t, ctx, b, func(m *tg.Message) bool { return m.Message == "from the creator" })
	// Yan cannot revoke Xia's message: it leaves only his box.
	if _, err := b.API().MessagesDeleteMessages(ctx, &tg.MessagesDeleteMessagesRequest{Revoke: true, ID: []int{m.ID}}); err != nil {
		t.Fatal(err)
	}
	hist := func(r *running) int {
		h, err := r.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peer, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range h.(*tg.MessagesMessagesSlice).Messages {
			if _, ok := m.(*tg.Message); ok {
				n++
			}
		}
		return n
	}
	if hist(a) != 1 || hist(b) != 0 {
		t.Fatalf("after a member's revoke: creator sees %d, member %d", hist(a), hist(b))
	}
	if _, err := b.API().MessagesSendMessage(ctx, &tg.MessagesSendMessageRequest{Peer: peer, Message: "from the member", RandomID: 12}); err != nil {
		t.Fatal(err)
	}
	waitMessage(t, ctx, a, func(m *tg.Message) bool { return m.Message == "from the member" })
	top, _ := a.API().MessagesGetHistory(ctx, &tg.MessagesGetHistoryRequest{Peer: peer, Limit: 1})
	id := top.(*tg.MessagesMessagesSlice).Messages[0].GetID()
	// The creator may revoke anyone's message.
	if _, err := a.API().MessagesDeleteMessages(ctx, &tg.MessagesDeleteMessagesRequest{Revoke: true, ID: []int{id}}); err != nil {
		t.Fatal(err)
	}
	if hist(a) != 1 || hist(b) != 0 {
		t.Fatalf("after the creator's revoke: creator sees %d, member %d", hist(a), hist(b))
	}
}

// New users land in the demo group and channel, where the simulated
// contacts post.
func TestDemoGroupsWelcomeNewUsers(t *testing.T) {
	ctx := testCtx(t)
	s := newSandbox(t, sandbox.Options{})
	if err := s.DemoGroups(ctx); err == nil {
		t.Fatal("demo groups without demo contacts")
	}
	if err := s.DemoContacts(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.DemoGroups(ctx); err != nil {
		t.Fatal(err)
	}
	r := start(t, ctx, s, clientOpts{})
	signUp(t, ctx, s, r, "447700940006", "Zed")
	waitMessage(t, ctx, r, func(m *tg.Message) bool {
		_, inGroup := m.PeerID.(*tg.PeerChat)
		return inGroup && m.Message != ""
	})
	var titles map[string]bool
	for {
		titles = map[string]bool{}
		ds, err := r.API().MessagesGetDialogs(ctx, &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range ds.(*tg.MessagesDialogsSlice).Chats {
			switch c := c.(type) {
			case *tg.Chat:
				titles[c.Title] = !c.Left
			case *tg.Channel:
				titles[c.Title] = !c.Left && c.Broadcast
			}
		}
		if titles[sandbox.DemoChannelTitle] {
			break
		}
		// The channel invitation follows the group's; wait for its push.
		select {
		case <-ctx.Done():
			t.Fatalf("dialogs: %v", titles)
		case m := <-r.msgs:
			r.seen = append(r.seen, m)
		}
	}
	if !titles[sandbox.DemoGroupTitle] {
		t.Fatalf("not in the demo group: %v", titles)
	}
}
