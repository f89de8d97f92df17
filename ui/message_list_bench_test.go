package ui

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
)

// A chat of 100,000 messages (fakeLongChat) opened and scrolled in the window on the test driver: the
// list keeps a window of at most windowCap messages whatever the length of the chat and however far it is
// scrolled. No test here asserts a time; the benchmarks report them for make bench.

// longChatUI opens the main window with the long chat in the chat list.
func longChatUI(tb testing.TB) (*harness, *fakeLongChat, DialogSummary) {
	tb.Helper()
	b := newFakes()
	long := newFakeLongChat(b.msgs)
	newest := long.msgs[len(long.msgs)-1]
	d := DialogSummary{ID: longChatID, Title: "Long chat", Kind: KindGroup, LastMessage: newest.Text, LastDate: newest.Date}
	b.chats.dialogs = []DialogSummary{d}
	b.login.resume = LoginStage{Step: StepReady}
	svc := b.services()
	svc.Messages = long
	u := newHarness(tb, func(a fyne.App) *UI { return New(a, svc) })
	u.Start()
	u.settle()
	if u.page != pageMain {
		tb.Fatalf("page = %d, want the main window", u.page)
	}
	return u, long, d
}

// openLongChat opens the chat as the chat list does and runs the window until its newest page is laid out.
func openLongChat(tb testing.TB, u *harness, long *fakeLongChat, d DialogSummary) *messageList {
	tb.Helper()
	c := u.main.conv
	c.open(d, 0)
	u.settle()
	l := c.list
	if len(l.msgs) < pageSize || l.msgs[len(l.msgs)-1].ID != long.msgs[len(long.msgs)-1].ID || l.width <= 0 || len(l.view.active) == 0 {
		tb.Fatalf("opened: %d messages held, %d rows laid out at width %v", len(l.msgs), len(l.view.active), l.width)
	}
	return l
}

// topMessage returns the ID of the first message at the top of the view.
func topMessage(l *messageList) int64 {
	for i := max(0, l.itemAt(l.offset)); i < len(l.items); i++ {
		if l.items[i].kind == itemMessage {
			return l.msgs[l.items[i].msg].ID
		}
	}
	return 0
}

// scrollLongChat scrolls the view a screen at a time through the list's scroll handler (up: towards older
// messages), running the pages it asks for, until the top of the view has moved by n messages.
func scrollLongChat(tb testing.TB, u *harness, l *messageList, n int, up bool) {
	tb.Helper()
	target, dy := topMessage(l)-int64(n), l.viewH
	if !up {
		target, dy = topMessage(l)+int64(n), -dy
	}
	for stuck := 0; (up && topMessage(l) > target) || (!up && topMessage(l) < target); {
		top := topMessage(l)
		l.view.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, dy)})
		u.settle()
		if topMessage(l) == top {
			if stuck++; stuck > 3 {
				tb.Fatalf("scrolling stopped at message %d, %d messages held", top, len(l.msgs))
			}
		}
	}
}

// heapLive is the heap's live bytes after a collection.
func heapLive() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestScrollingALongChatKeepsAWindow scrolls 1,000 messages up a 100,000-message chat and back: the list
// holds at most windowCap messages, their heights and the rows near the view, drops pages far from the
// view and asks for them again when scrolled back.
func TestScrollingALongChatKeepsAWindow(t *testing.T) {
	u, long, d := longChatUI(t)
	l := openLongChat(t, u, long, d)
	newest := long.msgs[len(long.msgs)-1].ID
	bounded := func(when string) {
		t.Helper()
		rows := len(l.view.active) + len(l.view.free)
		if len(l.msgs) > windowCap || len(l.heights) > len(l.items) || rows > 60 {
			t.Fatalf("%s: %d messages held (at most %d), %d heights kept for %d rows, %d rows built",
				when, len(l.msgs), windowCap, len(l.heights), len(l.items), rows)
		}
	}
	bounded("opened")

	asked := long.pages.Load()
	scrollLongChat(t, u, l, 1000, true)
	bounded("scrolled up 1,000 messages")
	if top := topMessage(l); top > newest-1000 || l.atLatest || !l.hasOlder || l.msgs[len(l.msgs)-1].ID == newest {
		t.Fatalf("scrolled up to message %d: window %d..%d, holds the newest %v", top, l.msgs[0].ID, l.msgs[len(l.msgs)-1].ID, l.atLatest)
	}
	if n := long.pages.Load() - asked; n < 1000/pageSize || n > 1000/pageSize+2 {
		t.Errorf("%d pages asked for 1,000 messages of %d", n, pageSize)
	}

	scrollLongChat(t, u, l, 1000, false)
	bounded("scrolled back down")
	if !l.atLatest || l.msgs[len(l.msgs)-1].ID != newest {
		t.Fatalf("scrolled back down: window %d..%d, holds the newest %v", l.msgs[0].ID, l.msgs[len(l.msgs)-1].ID, l.atLatest)
	}
}

// BenchmarkOpenChat100k opens a 100,000-message chat until its newest 50 messages are measured and the rows
// in view laid out (ns/page; cpu-ns/page the process's CPU time). Each round's texts are new to the window
// (renew), as for a chat opened the first time.
func BenchmarkOpenChat100k(b *testing.B) {
	u, long, d := longChatUI(b)
	var l *messageList
	var cpu int64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		long.renew(pageSize)
		start := processCPU(b)
		b.StartTimer()
		l = openLongChat(b, u, long, d)
		b.StopTimer()
		cpu += processCPU(b) - start
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/page")
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/page")
	b.ReportMetric(float64(len(l.msgs)), "msgs-held")
}

// BenchmarkScrollChat100k scrolls 1,000 messages up a 100,000-message chat a screen at a time, as the
// wheel does, from the chat just opened: ns/page is the time per page of 50 asked for and shown (cpu-ns/page
// the process's CPU time, which other programs on the machine disturb less),
// msgs-held what the list holds at the end, heap-before-B and heap-after-B the live heap (after a
// collection) before and after the scroll. Each round's texts are new to the window (renew).
func BenchmarkScrollChat100k(b *testing.B) {
	u, long, d := longChatUI(b)
	var l *messageList
	var pages, cpu int64
	var before, after uint64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		long.renew(pageSize + 1200)
		l = openLongChat(b, u, long, d)
		before = heapLive()
		asked, start := long.pages.Load(), processCPU(b)
		b.StartTimer()
		scrollLongChat(b, u, l, 1000, true)
		b.StopTimer()
		cpu += processCPU(b) - start
		pages += long.pages.Load() - asked
		after = heapLive()
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pages), "ns/page")
	b.ReportMetric(float64(cpu)/float64(pages), "cpu-ns/page")
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
	b.ReportMetric(float64(len(l.msgs)), "msgs-held")
	b.ReportMetric(float64(before), "heap-before-B")
	b.ReportMetric(float64(after), "heap-after-B")
}
