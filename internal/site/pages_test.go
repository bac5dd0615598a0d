package site

import "testing"

// TestPageSpansCoverTheListOnce holds pageSpan to what the pages of a
// list promise whatever its length: every item on exactly one page, in
// order, at most perPage a page, the first page never empty but for an
// empty list; and one item more, the newest, changes no page but the
// first unless it starts one more page.
func TestPageSpansCoverTheListOnce(t *testing.T) {
	const perPage = 10
	span := func(total int) [][2]int {
		pages := pageCount(total, perPage)
		out := make([][2]int, pages)
		for n := range pages {
			lo, hi := pageSpan(total, perPage, n+1)
			out[n] = [2]int{lo, hi}
		}
		return out
	}
	for total := range 45 {
		spans := span(total)
		next := 0
		for n, s := range spans {
			lo, hi := s[0], s[1]
			if lo != next || hi < lo || hi-lo > perPage || (n > 0 && hi-lo != perPage) {
				t.Fatalf("%d items: page %d shows [%d, %d), after %d", total, n+1, lo, hi, next)
			}
			next = hi
		}
		if next != total || (total > 0 && spans[0][1] == 0) {
			t.Fatalf("%d items: the pages %v do not show them all", total, spans)
		}
		grown := span(total + 1)
		if len(grown) != len(spans) {
			continue
		}
		for n := 1; n < len(spans); n++ { // the same items, counted from the oldest
			if total-spans[n][0] != total+1-grown[n][0] || total-spans[n][1] != total+1-grown[n][1] {
				t.Errorf("%d items and one newer: page %d shows [%d, %d), then [%d, %d)", total, n+1, spans[n][0], spans[n][1], grown[n][0], grown[n][1])
			}
		}
	}
}
