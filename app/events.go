package app

import (
	"sync"

	"tacit/ui"
)

// hub implements ui.Events: it hands what the engines push to every
// subscriber.
type hub struct {
	mu     sync.Mutex
	subs   map[int]func(ui.Event)
	nextID int
}

// Subscribe implements ui.Events.
func (h *hub) Subscribe(fn func(ui.Event)) func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[int]func(ui.Event){}
	}
	id := h.nextID
	h.nextID++
	h.subs[id] = fn
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs, id)
	}
}

func (h *hub) publish(e ui.Event) {
	h.mu.Lock()
	subs := make([]func(ui.Event), 0, len(h.subs))
	for _, f := range h.subs {
		subs = append(subs, f)
	}
	h.mu.Unlock()
	for _, f := range subs {
		f(e)
	}
}
