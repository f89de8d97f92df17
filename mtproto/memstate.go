package mtproto

import (
	"context"
	"sort"
	"sync"

	"github.com/gotd/td/telegram/updates"
)

// MemoryState is an in-memory updates.StateStorage that outlives a Client,
// so a test or a simulated contact can stop and restart a client and catch
// up through getDifference. Tacit's app uses the encrypted store instead.
type MemoryState struct {
	mu       sync.Mutex
	states   map[int64]updates.State
	channels map[int64]map[int64]int
}

// NewMemoryState returns an empty MemoryState.
func NewMemoryState() *MemoryState {
	return &MemoryState{states: map[int64]updates.State{}, channels: map[int64]map[int64]int{}}
}

var _ updates.StateStorage = (*MemoryState)(nil)

// GetState implements updates.StateStorage.
func (m *MemoryState) GetState(_ context.Context, userID int64) (updates.State, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.states[userID]
	return s, ok, nil
}

// SetState implements updates.StateStorage.
func (m *MemoryState) SetState(_ context.Context, userID int64, s updates.State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[userID] = s
	m.channels[userID] = map[int64]int{}
	return nil
}

func (m *MemoryState) update(userID int64, f func(*updates.State)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.states[userID]
	if !ok {
		return nil
	}
	f(&s)
	m.states[userID] = s
	return nil
}

// SetPts implements updates.StateStorage.
func (m *MemoryState) SetPts(_ context.Context, userID int64, pts int) error {
	return m.update(userID, func(s *updates.State) { s.Pts = pts })
}

// SetQts implements updates.StateStorage.
func (m *MemoryState) SetQts(_ context.Context, userID int64, qts int) error {
	return m.update(userID, func(s *updates.State) { s.Qts = qts })
}

// SetDate implements updates.StateStorage.
func (m *MemoryState) SetDate(_ context.Context, userID int64, date int) error {
	return m.update(userID, func(s *updates.State) { s.Date = date })
}

// SetSeq implements updates.StateStorage.
func (m *MemoryState) SetSeq(_ context.Context, userID int64, seq int) error {
	return m.update(userID, func(s *updates.State) { s.Seq = seq })
}

// SetDateSeq implements updates.StateStorage.
func (m *MemoryState) SetDateSeq(_ context.Context, userID int64, date, seq int) error {
	return m.update(userID, func(s *updates.State) { s.Date, s.Seq = date, seq })
}

// GetChannelPts implements updates.StateStorage.
func (m *MemoryState) GetChannelPts(_ context.Context, userID, channelID int64) (int, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	pts, ok := m.channels[userID][channelID]
	return pts, ok, nil
}

// SetChannelPts implements updates.StateStorage.
func (m *MemoryState) SetChannelPts(_ context.Context, userID, channelID int64, pts int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.channels[userID] == nil {
		m.channels[userID] = map[int64]int{}
	}
	m.channels[userID][channelID] = pts
	return nil
}

// ForEachChannels implements updates.StateStorage.
func (m *MemoryState) ForEachChannels(ctx context.Context, userID int64, f func(ctx context.Context, channelID int64, pts int) error) error {
	m.mu.Lock()
	ids := make([]int64, 0, len(m.channels[userID]))
	pts := map[int64]int{}
	for id, p := range m.channels[userID] {
		ids = append(ids, id)
		pts[id] = p
	}
	m.mu.Unlock()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if err := f(ctx, id, pts[id]); err != nil {
			return err
		}
	}
	return nil
}
