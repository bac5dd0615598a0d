package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
)

// A section of a letter that has several editions is a passage in each
// of them. A search shows it once, as the newest edition's passage among
// those that match, at the place of the best-ranked of them, and names
// the other editions that match ("ook in Lbr. 24/901"). Search (bleve)
// and search.js (the static index's threads file) do the same, from the
// same table.

// threadTable is the groups of passages that are copies of one another
// (the same Unit.Thread), as the browser reads them (LB.threads): each
// group its passages' numbers, oldest edition first (by date, then
// number); groups in the order of their first number. Only groups of two
// or more are listed. A number tells the browser its letter (see
// letterOfDoc in search.js, the inverse of the numbering in units.go);
// the link it reads from the passage's text shard, for the few it shows.
type threadTable struct {
	Groups [][]int32 `json:"groups"`
	// members are the groups as Search needs them, and of maps a unit's
	// id to its group and its place in it.
	members [][]threadMember
	of      map[string][2]int
}

// threadMember is one edition's passage in a group.
type threadMember struct {
	Doc    int32
	ID     string // the unit's id, as bleve's hits name it
	Letter string
	URL    string
}

// threadsOf groups the units of docs by thread.
func threadsOf(docs map[int32]docInfo) *threadTable {
	byThread := map[string][]threadMember{}
	for doc, info := range docs {
		if info.thread != "" {
			byThread[info.thread] = append(byThread[info.thread], threadMember{Doc: doc, ID: info.id, Letter: info.letter, URL: info.url})
		}
	}
	t := &threadTable{Groups: [][]int32{}, of: map[string][2]int{}}
	for _, members := range byThread {
		if len(members) < 2 {
			continue
		}
		slices.SortFunc(members, func(a, b threadMember) int {
			return cmp.Or(cmp.Compare(docs[a.Doc].date, docs[b.Doc].date), cmp.Compare(a.Doc, b.Doc))
		})
		t.members = append(t.members, members)
	}
	slices.SortFunc(t.members, func(a, b []threadMember) int { return cmp.Compare(a[0].Doc, b[0].Doc) })
	for g, members := range t.members {
		docs := make([]int32, len(members))
		for i, m := range members {
			t.of[m.ID] = [2]int{g, i}
			docs[i] = m.Doc
		}
		t.Groups = append(t.Groups, docs)
	}
	return t
}

// threadFileName names the threads file by its content.
func threadFileName(data []byte) string {
	sum := sha256.Sum256(data)
	return "t-" + hex.EncodeToString(sum[:6]) + ".js"
}

// Also is another edition whose copy of a passage matched a search.
type Also struct {
	Letter string `json:"letter"`
	URL    string `json:"url"`
}

// distinct counts the results of ranked that collapse keeps.
func (t *threadTable) distinct(ranked []Result) int {
	n, seen := 0, map[int]bool{}
	for _, r := range ranked {
		if at, ok := t.of[r.ID]; !ok || !seen[at[0]] {
			n++
			if ok {
				seen[at[0]] = true
			}
		}
	}
	return n
}

// collapse keeps one result per group of copies among ranked results
// (best first): the newest edition's of those that matched, in the place
// of the best-ranked one, with the others as Also, oldest first. matched
// tells, for a unit id not among ranked, whether it matched too, with
// its result; it is asked only for groups that are shown.
func (t *threadTable) collapse(ranked []Result, size int, matched func(ids []string) (map[string]Result, error)) ([]Result, error) {
	var out []Result
	group := map[int]int{} // group → its place in out
	for _, r := range ranked {
		at, ok := t.of[r.ID]
		if !ok {
			out = append(out, r)
			continue
		}
		if _, seen := group[at[0]]; seen {
			continue
		}
		group[at[0]] = len(out)
		out = append(out, r)
	}
	if len(out) > size {
		out = out[:size]
	}
	var ask []string
	for g := range group {
		if group[g] >= len(out) {
			continue
		}
		for _, m := range t.members[g] {
			ask = append(ask, m.ID)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	slices.Sort(ask)
	hits, err := matched(ask)
	if err != nil {
		return nil, err
	}
	for _, g := range slices.Sorted(maps.Keys(group)) {
		i := group[g]
		if i >= len(out) {
			continue
		}
		members := t.members[g]
		newest := -1
		for k, m := range members {
			if _, ok := hits[m.ID]; ok {
				newest = k
			}
		}
		if newest < 0 {
			continue // the best copy matched a moment ago: the index changed in between
		}
		best := out[i]
		shown := hits[members[newest].ID]
		shown.Score = best.Score // the group ranks where its best copy does
		for k, m := range members {
			if _, ok := hits[m.ID]; ok && k != newest {
				shown.Also = append(shown.Also, Also{Letter: m.Letter, URL: m.URL})
			}
		}
		out[i] = shown
	}
	return out, nil
}
