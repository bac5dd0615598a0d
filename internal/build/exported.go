package build

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"ledenbrief/internal/record"
	"ledenbrief/internal/site"
)

// exportedSearch is what the export of the static search index wrote
// after the letter pass: its files (the vocabulary, postings, pairs,
// the handreikingen's and site pages' text shards, the meta script; not
// the letters' text shards, which come with their letters) and how many
// units the index holds. The cache keeps it under exportKey: a build
// whose key it is, and whose previous output still holds those files,
// lends them instead of merging the site's postings and making the
// dictionary again.
type exportedSearch struct {
	units int
	files []cachedFile // without their bytes
}

// exportKey is the key of the exported search of this build: the kind of
// build, the global hash (settings, abbreviations, synonyms,
// handreikingen, site pages, theme) and every letter's key, which hold
// all the index is made of: the letters' units, and what they say of the
// handreikingen and site pages.
func (bc *buildCache) exportKey() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "export\x00%s\x00", bc.kind)
	h.Write(bc.global[:])
	for _, slug := range slices.Sorted(maps.Keys(bc.keys)) {
		key := bc.keys[slug]
		fmt.Fprintf(h, "%s\x00", slug)
		h.Write(key[:])
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// lendExported lends out the files of the search this build would
// export, from the previous output, and reports whether it could lend
// them all; then it returns how many units the index holds. When it
// cannot, the export writes every file, replacing those it lent.
func (bc *buildCache) lendExported(out *output) (units int, ok bool) {
	payload, ok := bc.index.Get(bc.exportKey())
	if !ok {
		return 0, false
	}
	r := record.NewReader(payload)
	units = int(r.Uint())
	files := make([]cachedFile, r.Len())
	for i := range files {
		files[i].name = r.String()
		copy(files[i].sum[:], r.Bytes())
		files[i].size = int64(r.Uint())
	}
	if r.Done() != nil {
		return 0, false
	}
	for _, f := range files {
		if !out.Folder.Lend(f.name, f.sum, f.size) {
			return 0, false
		}
	}
	return units, true
}

// keepExported notes the search this build exported, as lendExported
// reads it.
func (bc *buildCache) keepExported(units int, files []cachedFile) {
	w := &record.Writer{}
	w.Uint(uint64(units))
	w.Uint(uint64(len(files)))
	for _, f := range slices.SortedFunc(slices.Values(files), func(a, b cachedFile) int { return strings.Compare(a.name, b.name) }) {
		w.String(f.name)
		w.Bytes(f.sum[:])
		w.Uint(uint64(f.size))
	}
	bc.index.Put(bc.exportKey(), w.B) // a cache that cannot keep it costs the next build its time
}

// keepSearch marks what a build that lent the exported search did not
// read, as used, for Prune: the packed files' memo and the top of the
// segments' tree, which the next build that exports again reads.
func (bc *buildCache) keepSearch(s *site.Site) {
	bc.index.Touch(bc.memoKey())
	_, top := bc.segmentTree(s)
	for _, seg := range top {
		bc.index.Touch(seg.key)
	}
}

// exportRecorder notes the files the static index's writer writes once
// it is on: those of the export (see exportedSearch).
type exportRecorder struct {
	on    atomic.Bool
	mu    sync.Mutex
	files []cachedFile
}

// note notes a file of size bytes with SHA-256 sum written, if the
// recorder is on.
func (er *exportRecorder) note(name string, size int, sum [32]byte) {
	if er.on.Load() {
		er.mu.Lock()
		er.files = append(er.files, cachedFile{name: name, sum: sum, size: int64(size)})
		er.mu.Unlock()
	}
}
