package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gotd/td/session"
	"github.com/gotd/td/telegram/peers"

	"tacit/mtproto/secret"
)

// needle is a known plaintext that must not appear in any file.
type needle struct {
	name string
	b    []byte
}

// scanTree reads every regular file below root and reports each needle found.
// It returns the files it scanned (relative names).
func scanTree(t *testing.T, root string, needles []needle) (scanned []string, found []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		scanned = append(scanned, rel)
		for _, n := range needles {
			if bytes.Contains(data, n.b) {
				found = append(found, n.name+" in "+rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return scanned, found
}

func TestNoPlaintextOnDisk(t *testing.T) {
	ctx := testContext(t)
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	tmp := filepath.Join(root, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp) // anything SQLite might spill to a temp file lands here

	cloudText := "xylophonecanarycloud the cloud message text"
	secretText := "marimbacanarysecret the secret message text"
	phone := "+15550199731"
	hint := "hintcanary my first bicycle"
	userName := "Quillcanaryname"
	keyBytes := randomBytes(t, 32) // secret chat key material
	rekeySecret := randomBytes(t, 32)
	authKey := randomBytes(t, 32) // inside the MTProto auth key
	fileKey := randomBytes(t, 32) // a secret chat file's key (secret.Media.Key)
	mediaContent := randomBytes(t, 3*chunkSize+999)
	mediaMarker := []byte("filecanary inside the media file")
	copy(mediaContent[chunkSize+5:], mediaMarker)

	needles := []needle{
		{"cloud message text", []byte("xylophonecanarycloud")},
		{"secret message text", []byte("marimbacanarysecret")},
		{"phone number", []byte(phone)},
		{"phone digits", []byte("5550199731")},
		{"2FA hint", []byte("hintcanary")},
		{"user name", []byte("quillcanaryname")}, // FTS/collation-folded form too
		{"user name", []byte(userName)},
		{"secret chat key", keyBytes},
		{"re-key secret", rekeySecret},
		{"auth key", authKey},
		{"secret file key", fileKey},
		{"media content", mediaContent[:32]},
		{"media content middle", mediaContent[2*chunkSize : 2*chunkSize+32]},
		{"media marker", mediaMarker},
		{"SQLite header", []byte("SQLite format 3")},
		{"SQL schema text", []byte("CREATE TABLE")},
	}

	// The scanner can fail: a plaintext copy beside the data is found.
	canaryDir := filepath.Join(root, "control")
	os.MkdirAll(canaryDir, 0o700)
	os.WriteFile(filepath.Join(canaryDir, "plain"), append([]byte(secretText), keyBytes...), 0o600)
	if _, found := scanTree(t, canaryDir, needles); len(found) != 2 {
		t.Fatalf("control scan found %v, want the secret text and the key", found)
	}

	key := testKey(t)
	s, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeKnownPlaintext(t, ctx, s, cloudText, secretText, phone, hint, userName, keyBytes, rekeySecret, authKey, fileKey, mediaContent)

	// While open, with the WAL not checkpointed.
	scanned, found := scanTree(t, dir, needles)
	for _, want := range []string{dbFileName, dbFileName + "-wal", dbFileName + "-shm", keyCheckFileName} {
		if !contains(scanned, want) {
			t.Fatalf("file %s not present while open (scanned %v)", want, scanned)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, dbFileName+"-wal")); err != nil || fi.Size() == 0 {
		t.Fatalf("WAL is empty while open (%v): the open-state scan would prove nothing", err)
	}
	if !containsPrefix(scanned, mediaDirName+string(filepath.Separator)) {
		t.Fatalf("no media file scanned: %v", scanned)
	}
	if len(found) > 0 {
		t.Errorf("plaintext on disk while open: %v", found)
	}
	if _, found := scanTree(t, tmp, needles); len(found) > 0 {
		t.Errorf("plaintext in the temp directory: %v", found)
	}

	// The data really is there (the scan is not vacuous).
	if hits, err := s.Search(ctx, "marimbacanarysecret", 5); err != nil || len(hits) != 1 {
		t.Fatalf("secret message not searchable: %v %v", hits, err)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	scanned, found = scanTree(t, dir, needles)
	if len(found) > 0 {
		t.Errorf("plaintext on disk after close: %v", found)
	}
	if _, found := scanTree(t, tmp, needles); len(found) > 0 {
		t.Errorf("plaintext in the temp directory after close: %v", found)
	}
	t.Logf("scanned %d files: %v", len(scanned), scanned)

	// And everything reads back with the key.
	s2, err := Open(ctx, dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if u, err := s2.User(ctx, 77); err != nil || u.Phone != phone {
		t.Fatalf("phone did not survive: %+v %v", u, err)
	}
}

func writeKnownPlaintext(t *testing.T, ctx context.Context, s *Store, cloudText, secretText, phone, hint, userName string,
	keyBytes, rekeySecret, authKey, fileKey, mediaContent []byte) {
	t.Helper()
	if err := s.PutUsers(ctx, User{ID: 77, FirstName: userName, Phone: phone, AccessHash: 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDialogs(ctx, Dialog{Peer: UserPeer(77), Kind: DialogUser, Title: userName}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutMessages(ctx, Message{Peer: UserPeer(77), ID: 1, Date: time.Now(), Text: cloudText}); err != nil {
		t.Fatal(err)
	}
	if err := s.Peers().SavePhone(ctx, phone, peers.Key{Prefix: "users_", ID: 77}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetValue(ctx, "auth.password_hint", []byte(hint)); err != nil {
		t.Fatal(err)
	}
	loader := session.Loader{Storage: s.Session()}
	fullAuthKey := append(bytes.Repeat([]byte{0x11}, 224), authKey...)
	if err := loader.Save(ctx, &session.Data{DC: 2, AuthKey: fullAuthKey, AuthKeyID: []byte{1, 2, 3, 4, 5, 6, 7, 8}}); err != nil {
		t.Fatal(err)
	}
	chatKey := append(bytes.Repeat([]byte{0x22}, 224), keyBytes...)
	err := s.Secret().Update(ctx, func(tx secret.Tx) error {
		c := secret.Chat{ID: 9, PeerID: 77, State: secret.StateReady, Key: chatKey, PrevKey: chatKey,
			Rekey: secret.Rekey{State: secret.RekeyRequested, Secret: rekeySecret}, ResendUpTo: -1}
		if err := tx.PutChat(c); err != nil {
			return err
		}
		if err := tx.PutPending(secret.PendingMessage{ChatID: 9, OutSeq: 4, Payload: []byte(secretText)}); err != nil {
			return err
		}
		return tx.PutMessage(secret.Message{ChatID: 9, RandomID: 1, Kind: secret.KindMedia, Date: time.Now(), Text: secretText,
			Media: &secret.Media{Kind: secret.MediaDocument, Name: "doc.pdf", Key: fileKey, IV: fileKey}})
	})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.CreateMedia(ctx, MediaInfo{Owner: MessageRef{SecretPeer(9), 1}, Name: "doc.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(mediaContent); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetVerified(ctx, 9, [36]byte{1}, true); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsPrefix(list []string, prefix string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}
