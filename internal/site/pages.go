package site

import (
	"fmt"
	"strconv"
)

// Bounds that keep every page small however many letters a site has.
const (
	// HomeEntries is how many letters (a series counting once) the home
	// page lists; the archive by year has them all.
	HomeEntries = 20
	// ArchivePerPage is how many letters one archive page lists.
	ArchivePerPage = 100
	// RefsPerPage is how many places that link to a handreiking its page
	// lists; further ones are on numbered pages of their own.
	RefsPerPage = 100
	// FeedEntries is how many letters the feed carries, newest first.
	FeedEntries = 50
)

// ArchivePath is the folder of page n (from 1) of a year's archive.
func ArchivePath(year, n int) string {
	if n <= 1 {
		return "archief/" + strconv.Itoa(year) + "/"
	}
	return fmt.Sprintf("archief/%d/%d/", year, n)
}

// GuideRefsPath is the folder of page n (from 1) of the places that link
// to a handreiking; page 1 is the handreiking's own page.
func GuideRefsPath(id string, n int) string {
	if n <= 1 {
		return GuidePath(id)
	}
	return fmt.Sprintf("%sgenoemd/%d/", GuidePath(id), n)
}

// ArchiveYear is one year of the archive: its letters over Pages pages.
type ArchiveYear struct {
	Year    int
	Letters int
	Pages   int
}

// Path is the folder of the year's first archive page.
func (y ArchiveYear) Path() string { return ArchivePath(y.Year, 1) }

// ArchivePage is one page of a year's archive.
type ArchivePage struct {
	ArchiveYear
	N       int           // the page's number, from 1
	Letters []*LetterInfo // newest first
	Years   []ArchiveYear // every year, for navigation
}

// Path is the folder of the page.
func (p *ArchivePage) Path() string { return ArchivePath(p.Year, p.N) }

// PageNumbers lists 1 … Pages, for the page navigation.
func (p *ArchivePage) PageNumbers() []int { return numbers(p.Pages) }

// numbers lists 1 … n.
func numbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// PagePath is the folder of page n of the same year.
func (p *ArchivePage) PagePath(n int) string { return ArchivePath(p.Year, n) }

// Years lists the years that have published letters, newest first.
func (s *Site) Years() []ArchiveYear {
	var out []ArchiveYear
	for _, li := range s.Published() { // newest first
		y := li.Meta.Date.Year()
		if len(out) == 0 || out[len(out)-1].Year != y {
			out = append(out, ArchiveYear{Year: y})
		}
		out[len(out)-1].Letters++
	}
	for i := range out {
		out[i].Pages = pageCount(out[i].Letters, ArchivePerPage)
	}
	return out
}

// Archive returns every page of the archive: per year, newest first, at
// most ArchivePerPage letters a page, cut as pageSpan says.
func (s *Site) Archive() []*ArchivePage {
	years := s.Years()
	var out []*ArchivePage
	letters := s.Published() // newest first, so a year's letters are together
	for _, y := range years {
		of := letters[:y.Letters]
		letters = letters[y.Letters:]
		for n := 1; n <= y.Pages; n++ {
			lo, hi := pageSpan(len(of), ArchivePerPage, n)
			out = append(out, &ArchivePage{ArchiveYear: y, N: n, Years: years, Letters: of[lo:hi]})
		}
	}
	return out
}

// pageCount is the number of pages of at most perPage that show a list
// of total: one at least, the first, even for an empty list.
func pageCount(total, perPage int) int { return max(1, (total+perPage-1)/perPage) }

// pageSpan returns the items [lo, hi) of a list of total, newest first,
// that page n (from 1) of pages of at most perPage shows. The pages are
// cut from the oldest end: the first page shows the newest total -
// perPage*(pages-1), from 1 to perPage, and every further page perPage.
// A newer item so changes the first page alone (and all of them once in
// perPage items, when it starts one more page), where pages cut from the
// newest end would every one shift by an item: adding a letter to 5,000
// rendered again some 700 pages of places for the few handreikingen it
// links to.
func pageSpan(total, perPage, n int) (lo, hi int) {
	first := total - perPage*(pageCount(total, perPage)-1)
	if n <= 1 {
		return 0, first
	}
	lo = first + (n-2)*perPage
	return lo, lo + perPage
}

// RefsPage is one page of the places that link to a handreiking.
type RefsPage struct {
	Guide *Guide
	N     int // from 1; page 1 is the handreiking's own page
	Pages int
	Refs  []Ref
}

// Path is the folder of the page.
func (p *RefsPage) Path() string { return GuideRefsPath(p.Guide.ID, p.N) }

// PageNumbers lists 1 … Pages, for the page navigation.
func (p *RefsPage) PageNumbers() []int { return numbers(p.Pages) }

// PagePath is the folder of page n of the same handreiking's places.
func (p *RefsPage) PagePath(n int) string { return GuideRefsPath(p.Guide.ID, n) }

// RefPages splits the places that link to g into pages of at most
// RefsPerPage, cut as pageSpan says; there is always a first page, the
// handreiking's own.
func (g *Guide) RefPages() []*RefsPage {
	pages := pageCount(len(g.Refs), RefsPerPage)
	out := make([]*RefsPage, pages)
	for n := range pages {
		lo, hi := pageSpan(len(g.Refs), RefsPerPage, n+1)
		out[n] = &RefsPage{Guide: g, N: n + 1, Pages: pages, Refs: g.Refs[lo:hi]}
	}
	return out
}
