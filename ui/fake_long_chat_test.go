package ui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeLongChat is the Messages role with one long chat held in memory and paged as the store pages it: by
// message ID through an index (a binary search here), Limit messages at a time, a fresh copy each call.
// The other dialogs and methods are fakeMessages'.
type fakeLongChat struct {
	*fakeMessages
	dialog DialogID
	msgs   []Message // IDs 1..n, oldest first
	pages  atomic.Int64
	round  int
}

// longChatMessages builds the chat's messages once per test binary (the fakes of every test and benchmark
// round share them; Fyne's test driver keeps windows of earlier rounds alive): a few people, texts of one to a few lines, one
// a minute, about a third sent by this account.
var longChatMessages = sync.OnceValue(func() []Message {
	const n = 100_000
	words := strings.Fields(`the quick brown fox jumps over a lazy dog while seven wizards quietly pack boxes of
		liquor and jugs of wine; meet at the station at nine, bring the maps, the rope and something warm`)
	people := []string{"Alice", "Bob", "Carol", "Dave"}
	start := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	msgs := make([]Message, n)
	var b strings.Builder
	for i := range msgs {
		b.Reset()
		for w := range 3 + (i*7)%40 {
			if w > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[(i*13+w*5)%len(words)])
		}
		fmt.Fprintf(&b, " #%d", i+1)
		m := Message{ID: int64(i + 1), Dialog: longChatID, Text: strings.Clone(b.String()), Date: start.Add(time.Duration(i) * time.Minute),
			Can: Abilities{DeleteForMe: true, Forward: true}}
		if i%3 == 0 {
			m.Out, m.Status = true, StatusRead
			m.Can.Edit, m.Can.DeleteForEveryone = true, true
		} else {
			m.Sender = people[i%len(people)]
		}
		msgs[i] = m
	}
	return msgs
})

const longChatID DialogID = "g100k"

func newFakeLongChat(f *fakeMessages) *fakeLongChat {
	return &fakeLongChat{fakeMessages: f, dialog: longChatID, msgs: longChatMessages()}
}

// renew gives the newest n messages texts the window has not laid out before (the next round's number in
// front), so that each round of a benchmark lays text out as a chat opened for the first time does, not
// from Fyne's cache of measured text. Call it while no page is being fetched (it changes the messages
// every fake shares).
func (f *fakeLongChat) renew(n int) {
	f.round++
	for i := max(0, len(f.msgs)-n); i < len(f.msgs); i++ {
		t := f.msgs[i].Text
		if f.round > 1 {
			_, t, _ = strings.Cut(t, " ")
		}
		f.msgs[i].Text = fmt.Sprintf("%d %s", f.round, t)
	}
}

// History implements Messages: the newest page, the page before or after a message, or the page around one.
func (f *fakeLongChat) History(ctx context.Context, id DialogID, p Page) ([]Message, error) {
	if id != f.dialog {
		return f.fakeMessages.History(ctx, id, p)
	}
	f.pages.Add(1)
	h := f.msgs
	// at is the index of the first message with an ID at or above mid.
	at := func(mid int64) int { return sort.Search(len(h), func(i int) bool { return h[i].ID >= mid }) }
	var out []Message
	switch {
	case p.Before != 0:
		i := at(p.Before)
		out = h[max(0, i-p.Limit):i]
	case p.After != 0:
		i := at(p.After + 1)
		out = h[i:min(len(h), i+p.Limit)]
	case p.Around != 0:
		i := at(p.Around)
		half := max(1, p.Limit/2)
		out = h[max(0, i-half):min(len(h), i+half+1)]
	default:
		out = h[max(0, len(h)-p.Limit):]
	}
	return slices.Clone(out), nil
}
