package search

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"

	"ledenbrief/internal/record"
)

// Kinds are the kinds of passage the results page narrows by (the
// address's soort=), in the order it lists them.
var Kinds = []string{"brief", "bijlage", "handreiking", "pagina"}

// facet is what the results page narrows and sorts a passage by: its
// kind, its letter's date and series; and, for a passage of a letter in
// a series of editions, what names it among its copies in the others.
// What a letter's passages have in common is held once (sharedFacets):
// a Collector keeps the facet of every passage of the site.
type facet struct {
	*sharedFacet
	thread string // Unit.Thread
	url    string // with a thread: the passage's link
}

// sharedFacet is the part of a facet that a letter's passages share.
type sharedFacet struct {
	kind   string // one of Kinds
	date   string // YYYY-MM-DD; "" for handreikingen and site pages
	series string // the series id; "" for a letter outside a series and the rest
	letter string // with a thread: the letter's number
}

// sharedFacets holds each sharedFacet once.
type sharedFacets map[sharedFacet]*sharedFacet

// of returns the one copy of f.
func (s sharedFacets) of(f sharedFacet) *sharedFacet {
	if p := s[f]; p != nil {
		return p
	}
	p := &f
	s[f] = p
	return p
}

// docInfo is what a Collector keeps of each unit besides its terms.
type docInfo struct {
	id string
	facet
}

// facetOf returns the facet of u, its shared part from shared.
func facetOf(u *Unit, shared sharedFacets) facet {
	common := sharedFacet{kind: u.Kind, date: u.Date, series: u.Series}
	f := facet{thread: u.Thread}
	if f.thread != "" {
		common.letter, f.url = u.Letter, u.URL
	}
	f.sharedFacet = shared.of(common)
	return f
}

func (f facet) appendRecord(w *record.Writer) {
	w.String(f.kind)
	w.String(f.date)
	w.String(f.series)
	w.String(f.thread)
	if f.thread != "" {
		w.String(f.letter)
		w.String(f.url)
	}
}

// readFacet reads a facet appendRecord wrote, its shared part from
// shared.
func readFacet(r *record.Reader, shared sharedFacets) facet {
	common := sharedFacet{kind: r.String(), date: r.String(), series: r.String()}
	f := facet{thread: r.String()}
	if f.thread != "" {
		common.letter, f.url = r.String(), r.String()
	}
	f.sharedFacet = shared.of(common)
	return f
}

// facetTable is the facets of every passage of an index, as the browser
// reads them (LB.facets): runs of consecutive numbers that share a
// facet, each [numbers since the previous run's end, length, kind,
// date, series], the last three as places in Kinds, Dates and Series,
// counted from 1 (0: none).
type facetTable struct {
	Kinds  []string   `json:"kinds"`
	Dates  []string   `json:"dates"`
	Series []string   `json:"series"`
	Runs   [][5]int64 `json:"runs"`
}

// facets returns the facet table of d's units.
func (d *Dictionary) facets() *facetTable {
	t := &facetTable{Kinds: Kinds, Dates: []string{}, Series: []string{}, Runs: [][5]int64{}}
	docs := slices.Sorted(maps.Keys(d.docs))
	for _, doc := range docs {
		f := d.docs[doc].facet
		if f.date != "" {
			t.Dates = append(t.Dates, f.date)
		}
		if f.series != "" {
			t.Series = append(t.Series, f.series)
		}
	}
	slices.Sort(t.Dates)
	t.Dates = slices.Compact(t.Dates)
	slices.Sort(t.Series)
	t.Series = slices.Compact(t.Series)
	place := func(list []string, v string) int64 {
		if v == "" {
			return 0
		}
		i, _ := slices.BinarySearch(list, v)
		return int64(i + 1)
	}
	end := int64(0)
	for _, doc := range docs {
		f := d.docs[doc].facet
		run := [5]int64{int64(doc) - end, 1, int64(slices.Index(Kinds, f.kind) + 1), place(t.Dates, f.date), place(t.Series, f.series)}
		if n := len(t.Runs); n > 0 && run[0] == 0 && run[2] == t.Runs[n-1][2] && run[3] == t.Runs[n-1][3] && run[4] == t.Runs[n-1][4] {
			t.Runs[n-1][1]++
		} else {
			t.Runs = append(t.Runs, run)
		}
		end = int64(doc) + 1
	}
	return t
}

// facetFileName names the facet file by its content.
func facetFileName(data []byte) string {
	sum := sha256.Sum256(data)
	return "f-" + hex.EncodeToString(sum[:6]) + ".js"
}
