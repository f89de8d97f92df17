package ui

import (
	"context"
	"sync"
)

// fakeSecret holds the secret chats by dialog: what Accept leads to, the dialog StartSecretChat returns
// (added to the chat list when startAdds is set) and the SetVerified calls.
type fakeSecret struct {
	calls
	mu          sync.Mutex
	chats       *fakeChats
	secrets     map[DialogID]*SecretChatInfo
	acceptTo    SecretState
	startResult DialogID
	startAdds   *DialogSummary
	startErr    error
	verifyErr   error
	verifyCalls []bool
	startedFrom []DialogID
	ttlCalls    []int
	deleted     []DialogID
}

// readySecret describes a ready secret chat with peer whose key hash is the bytes 0..35.
func readySecret(id DialogID, peer string) *SecretChatInfo {
	info := &SecretChatInfo{Dialog: id, PeerName: peer, State: SecretReady}
	for i := range 144 {
		bit := 2 * i
		info.Identicon[i/12][i%12] = uint8(bit/8) >> (bit % 8) & 3
	}
	info.Emoji = [5]string{"😉", "🐼", "🍕", "🚀", "⚽"}
	info.Hex = testKeyHex
	return info
}

// testKeyHex is the hex of readySecret: the bytes 0..31 in 4 lines.
const testKeyHex = "00 01 02 03  04 05 06 07\n08 09 0A 0B  0C 0D 0E 0F\n10 11 12 13  14 15 16 17\n18 19 1A 1B  1C 1D 1E 1F"

func (f *fakeSecret) SecretChat(_ context.Context, id DialogID) (SecretChatInfo, error) {
	f.record("SecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	info, ok := f.secrets[id]
	if !ok {
		return SecretChatInfo{}, &Problem{Message: "No such secret chat."}
	}
	return *info, nil
}

func (f *fakeSecret) AcceptSecretChat(_ context.Context, id DialogID) error {
	f.record("AcceptSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	info, ok := f.secrets[id]
	if !ok || info.State != SecretRequested {
		return &Problem{Message: "There is no request to accept."}
	}
	info.State = f.acceptTo
	return nil
}

func (f *fakeSecret) DeclineSecretChat(_ context.Context, id DialogID) error {
	f.record("DeclineSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	info, ok := f.secrets[id]
	if !ok {
		return &Problem{Message: "No such secret chat."}
	}
	info.State, info.Closed = SecretClosed, "You declined this secret chat."
	return nil
}

func (f *fakeSecret) StartSecretChat(_ context.Context, id DialogID) (DialogID, error) {
	f.record("StartSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.startedFrom = append(f.startedFrom, id)
	if f.startErr != nil {
		return "", f.startErr
	}
	if f.startAdds != nil {
		f.chats.add(*f.startAdds)
	}
	return f.startResult, nil
}

func (f *fakeSecret) SetVerified(_ context.Context, id DialogID, verified bool) error {
	f.record("SetVerified")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verifyCalls = append(f.verifyCalls, verified)
	if f.verifyErr != nil {
		return f.verifyErr
	}
	if info, ok := f.secrets[id]; ok {
		info.Verified = verified
	}
	return nil
}

func (f *fakeSecret) SetTTL(_ context.Context, id DialogID, seconds int) error {
	f.record("SetTTL")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ttlCalls = append(f.ttlCalls, seconds)
	if info, ok := f.secrets[id]; ok {
		info.TTL = seconds
	}
	return nil
}

func (f *fakeSecret) DeleteSecretChat(_ context.Context, id DialogID) error {
	f.record("DeleteSecretChat")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, id)
	delete(f.secrets, id)
	f.chats.remove(id)
	return nil
}

// setSecret changes the state of a secret chat as the other side or the network would.
func (f *fakeSecret) setSecret(id DialogID, change func(*SecretChatInfo)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.secrets[id])
}
