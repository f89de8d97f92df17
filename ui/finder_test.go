package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestSearchResultsLayout: the chat list's search lists its results right under the search box once the
// "Searching…" line is gone, and a section's heading (CHATS, MESSAGES…) is a line of its own height, not
// a result's two lines with the heading at the top and space below it, in a colour that can be read.
func TestSearchResultsLayout(t *testing.T) {
	u, _ := readyUI(t)
	c := u.main.chats
	u.win.Canvas().Focus(c.search.field)
	test.Type(c.search.field, "alice")
	if !c.search.status.Visible() || c.search.status.Text != "Searching…" {
		t.Fatalf("status while searching: visible %v %q", c.search.status.Visible(), c.search.status.Text)
	}
	c.found.Refresh() // the window lays the results out while the status line shows
	u.fire()
	u.settle()
	if c.search.status.Visible() {
		t.Fatalf("status after the search: %q", c.search.status.Text)
	}
	if y := c.search.list.Position().Y; y != 0 {
		t.Fatalf("the results start %.0f px below the search box: the status line's place is left empty", y)
	}
	heights := map[findingKind]float32{}
	for _, o := range test.LaidOutObjects(c.search.list) {
		if r, ok := o.(*findRow); ok && r.Visible() && r.i < len(c.search.results) {
			heights[c.search.results[r.i].kind] = r.Size().Height
			if r.header.Visible() {
				wantContrast(t, "section heading", r.header, theme.Color(theme.ColorNameBackground))
			}
		}
	}
	head, chat := heights[findHeader], heights[findChat]
	if head == 0 || chat == 0 {
		t.Fatalf("rows drawn: %v", heights)
	}
	if want := c.search.headerHeight; head != want || head >= chat*2/3 {
		t.Fatalf("a heading is %.0f px high (its words need %.0f), a chat %.0f", head, want, chat)
	}
}

// TestSearchListsAPersonOnce: someone whose chat the search lists already under Chats is not listed again
// under the people found; someone without a chat is.
func TestSearchListsAPersonOnce(t *testing.T) {
	u, b := readyUI(t)
	b.people.people = []Person{
		{Dialog: "u1", Name: "Bob", Username: "bob_b", Contact: true},
		{Dialog: "u9", Name: "Bobby", Username: "bobby_b"},
	}
	c := u.main.chats
	u.win.Canvas().Focus(c.search.field)
	test.Type(c.search.field, "bob")
	u.fire()
	u.settle()
	var titles []string
	for _, r := range c.search.results {
		if r.kind != findHeader {
			titles = append(titles, r.title)
		}
	}
	if len(titles) != 2 || titles[0] != "Bob" || titles[1] != "Bobby" {
		t.Fatalf("found %q, want Bob once (his chat) and Bobby", titles)
	}
	if c.search.results[len(c.search.results)-1].kind != findPerson {
		t.Fatalf("Bobby is not listed as a person: %+v", c.search.results)
	}
}
