package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"ledenbrief/internal/search/words"
)

// DocsPerShard is the number of units per text shard of the static index:
// showing ten results loads at most ten small files. Eight units compress
// an eighth better than four, in half the files, but a query typed key by
// key loads half as much again (BenchmarkBrowserSearch).
const DocsPerShard = 4

// maxStoredText caps the text kept per unit for snippets, in bytes: the
// unit's first sentences (see lead), about 50 words, twice the window a
// snippet shows. It is most of the static index: 500 bytes made that
// part 15% larger, 1,200 bytes 60%; 400 instead of 360 made the largest
// first typed query of BenchmarkBrowserSearch at 5,000 letters 2.4 KB
// larger (150.6 KB, above its 150 KB budget).
const maxStoredText = 360

// MetaPath is where the static index starts, relative to the site root.
// Its name is fixed so that pages can point at it before the index is
// complete; it names the folder that holds the shards (IndexDir).
const MetaPath = "search/meta.js"

// IndexDir is the folder of the index's shards. Its name and theirs are
// fixed, so that a build changes only the shards whose content changed
// (and a mirror fetches only those); the stamp in MetaPath, a hash of
// them all, is the version of the index a browser asks for, so that it
// never mixes a shard it kept from before with the new ones.
const IndexDir = "search/index/"

// meta is what the browser loads first: the statistics and parameters
// every query needs, and where the shards are.
type meta struct {
	Version int    `json:"version"`
	Dir     string `json:"dir"` // folder of the shards, relative to the site root
	// Stamp is a hash of every shard: the browser asks for each shard
	// with it (a query), so that a cached shard of an older index is
	// never used with this one.
	Stamp  string   `json:"stamp"`
	N      int      `json:"n"`
	Fields []string `json:"fields"`
	// WordFields is how many of Fields a query word is searched in; the
	// last field holds the pairs.
	WordFields int `json:"wordFields"`
	// PairFiles is the number of files the pairs' postings are spread
	// over, by a hash of the pair (pairFile).
	PairFiles int       `json:"pairFiles"`
	Boost     []float64 `json:"boost"`
	Avg       []float64 `json:"avg"`
	K1        float64   `json:"k1"`
	B         float64   `json:"b"`
	// Shards are the shards of words' first two letters (or fewer, for
	// shorter words), those of one file space-separated; a shard that was
	// split lists its longer ones.
	Shards       []string `json:"shards"`
	DocsPerShard int      `json:"docsPerShard"`
	Stop         []string `json:"stop"`
	Question     []string `json:"question"` // words.QuestionWords
	// Synonyms maps the term of a one-word synonym to what it also finds.
	Synonyms  map[string][]string `json:"synonyms,omitempty"`
	Expansion map[string]float64  `json:"expansion"`
	Fuzziness []int               `json:"fuzziness"` // bleve's auto fuzziness: low and high thresholds, maximum
	// Numbering is how a passage's number tells its letter: UnitsPerLetter,
	// OverflowBase and OverflowPerLetter (see units.go).
	Numbering []int `json:"numbering"`
	// Facets is the file of the passages' facets (facetTable), named by
	// its content, which the results page loads to narrow and sort; ""
	// in a bundle, which holds them.
	Facets string `json:"facets,omitempty"`
	// Threads is the file of the passages that are copies of one another
	// in the editions of a series (threadTable), named by its content,
	// which every search loads; "" when there are none, and in a bundle.
	Threads string `json:"threads,omitempty"`
}

// StaticWriter writes the static index of a site through a write function
// (a path relative to the site root, and the file's bytes): text shards of
// DocsPerShard units each as units are indexed, and at the end the
// vocabulary shards (by first letters, split where they grow beyond
// VocabShardBytes) and postings files of the Dictionary, and the meta
// script. It is safe for concurrent use.
type StaticWriter struct {
	// Memo, when set, holds files packed by an earlier build: those whose
	// content is the same are not compressed again, but written from the
	// memo's bytes or, when it keeps none, lent through Lend.
	Memo *PackMemo
	// Lend, when set, places file name of the index (with IndexDir) as
	// the previous build wrote it, with SHA-256 sum and size bytes,
	// without its bytes, and reports whether it could. It must be safe
	// for concurrent use.
	Lend   func(name string, sum [32]byte, size int) bool
	write  func(name string, data []byte, sum [32]byte) error
	bundle *bundle // set: everything goes into one file, see NewBundleWriter
	mu     sync.Mutex
	hashes map[string][32]byte // file name → content hash, for the index's stamp
	Files  int                 // files written
	Bytes  int                 // bytes written
}

// NewStaticWriter returns a writer that writes through write, which is
// given each file with its SHA-256 and must be safe for concurrent use:
// Finish writes on two goroutines, and AddFile may be called on any
// number.
func NewStaticWriter(write func(name string, data []byte, sum [32]byte) error) *StaticWriter {
	return &StaticWriter{write: write, hashes: map[string][32]byte{}}
}

// NewBundleWriter returns a writer that writes the whole index as one
// script calling LB.bundle, in the form an HTML document holds inline
// (see Packed), with no sum (zero): for the index of one letter, which
// the letter's single-file copy holds, and whose hundreds of small shards
// would each cost more in headers and lost compression than they save in
// loading.
func NewBundleWriter(write func(name string, data []byte, sum [32]byte) error) *StaticWriter {
	return &StaticWriter{write: write, hashes: map[string][32]byte{}, bundle: &bundle{
		Shards: map[string]*vocabShard{}, Postings: map[string]records{}, Pairs: map[int]records{}, Docs: map[int]docRows{},
	}}
}

// bundle is the whole static index in one value: JSON {"meta": …,
// "v": shards, "p": postings files, "q": pairs files, "d": text shards}
// (see appendJSON).
type bundle struct {
	Meta     meta
	Shards   map[string]*vocabShard
	Postings map[string]records
	Pairs    map[int]records
	Docs     map[int]docRows
	Facets   *facetTable
	Threads  *threadTable // nil when there are none
}

// packFile writes name, the packing of a call of fn with v and keys,
// taken from the memo when it holds the same call (see fromMemo).
func (w *StaticWriter) packFile(name, fn string, v any, keys ...any) error {
	raw, done, err := encodeJSON(fn, v)
	if err != nil {
		return err
	}
	defer done()
	var key [32]byte
	if w.Memo != nil {
		key = packKey(fn, raw, keys)
		if ok, err := w.fromMemo(key, name); ok || err != nil {
			return err
		}
	}
	data, err := compress(zlibWriters, fn, raw, keys, false)
	if err != nil {
		return err
	}
	return w.packed(key, name, data)
}

// fromMemo writes name as the memo holds it under key: from its bytes,
// or lent from the previous build. It reports false when it cannot.
func (w *StaticWriter) fromMemo(key [32]byte, name string) (bool, error) {
	f, ok := w.Memo.get(key)
	switch {
	case !ok:
		return false, nil
	case f.data != nil:
		return true, w.fileSum(name, f.data, f.sum)
	case w.Lend != nil && w.Lend(IndexDir+name, f.sum, f.size):
		w.note(name, f.sum, f.size)
		return true, nil
	}
	return false, nil
}

// packed writes name, data packed anew, and notes it in the memo (if
// any) under key.
func (w *StaticWriter) packed(key [32]byte, name string, data []byte) error {
	sum := sha256.Sum256(data)
	if w.Memo != nil {
		w.Memo.put(key, data, sum)
	}
	return w.fileSum(name, data, sum)
}

func (w *StaticWriter) file(name string, data []byte) error {
	return w.fileSum(name, data, sha256.Sum256(data))
}

// fileSum writes name, data whose SHA-256 is sum.
func (w *StaticWriter) fileSum(name string, data []byte, sum [32]byte) error {
	w.note(name, sum, len(data))
	return w.write(IndexDir+name, data, sum)
}

// note counts name, of size bytes with SHA-256 sum, as written.
func (w *StaticWriter) note(name string, sum [32]byte, size int) {
	w.mu.Lock()
	w.hashes[name] = sum
	w.Files++
	w.Bytes += size
	w.mu.Unlock()
}

// WriteDocs writes the text shards of units that own their shards: a
// letter's units (numbered from a multiple of UnitsPerLetter), or all the
// handreikingen at once.
func (w *StaticWriter) WriteDocs(units []Unit) error {
	if w.bundle != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		for n, rows := range docShards(units) {
			w.bundle.Docs[n] = rows
		}
		return nil
	}
	shards := docShards(units)
	for _, n := range slices.Sorted(maps.Keys(shards)) {
		if err := w.packFile(docFileName(n), "LB.docs", shards[n], n); err != nil {
			return err
		}
	}
	return nil
}

// docFileName is the name of text shard n.
func docFileName(n int) string { return fmt.Sprintf("d-%d.js", n) }

// StaticFile is one file of the static index, named within IndexDir,
// with its SHA-256.
type StaticFile struct {
	Name string
	Data []byte
	Sum  [32]byte
}

// DocFiles returns the text shards WriteDocs writes, packed, in order of
// their names, without writing them (see AddFile).
func (w *StaticWriter) DocFiles(units []Unit) ([]StaticFile, error) {
	shards := docShards(units)
	var files []StaticFile
	for _, n := range slices.Sorted(maps.Keys(shards)) {
		data, err := pack("LB.docs", shards[n], n)
		if err != nil {
			return nil, err
		}
		files = append(files, StaticFile{Name: docFileName(n), Data: data, Sum: sha256.Sum256(data)})
	}
	return files, nil
}

// AddFile writes a file of the index that DocFiles made, now or in an
// earlier build.
func (w *StaticWriter) AddFile(f StaticFile) error { return w.fileSum(f.Name, f.Data, f.Sum) }

// docShards are the text shards of units, by number.
func docShards(units []Unit) map[int]docRows {
	byShard := map[int]docRows{}
	for _, u := range units {
		n := u.Ordinal / DocsPerShard
		rows := byShard[n]
		if rows == nil {
			rows = make(docRows, DocsPerShard) // nil where no unit has the number
			byShard[n] = rows
		}
		text := u.Body
		if text == "" { // a handreiking: its description is all in Extra
			text = u.Extra
		}
		rows[u.Ordinal%DocsPerShard] = []string{u.URL, u.Label, u.Context, u.Date, u.Kind, lead(text, maxStoredText)}
	}
	return byShard
}

// PostingsFileBytes is the size a postings file of the static index is
// made around: terms are packed into files in term order, a file ending
// past half of it where a term's hash says (see startsFile) and before
// twice it (a single term's postings may fill a file alone). A query
// loads only the files of its own terms.
const PostingsFileBytes = 4 << 10

// Finish writes the vocabulary shards and postings files of d into
// IndexDir and the meta script, stamped with a hash of every shard.
func (w *StaticWriter) Finish(d *Dictionary) error {
	shards := vocabShards{}
	for _, e := range d.vocab {
		if e.key == e.term {
			shards.of(d, e.key).Vocab[e.key] = vocabValue{df: e.df}
		} else {
			shards.of(d, e.key).Vocab[e.key] = vocabValue{term: e.term, df: e.df}
		}
	}
	// A shard names the postings file of every term its words (and its
	// listed completions) stand for, so that a query loads the shards of
	// its own words and then straight away the postings.
	// The pairs' files are written meanwhile: they share nothing with
	// the words' but the dictionary, which both only read.
	type pairsDone struct {
		files int
		err   error
	}
	pairs := make(chan pairsDone, 1)
	go func() {
		n, err := w.writePairs(d)
		pairs <- pairsDone{n, err}
	}()
	waitPairs := sync.OnceValue(func() pairsDone { return <-pairs })
	defer waitPairs() // no file is written after Finish returns
	fileOf := map[string]string{}
	if err := w.writePostings(d, func(term, file string) { fileOf[term] = file }); err != nil {
		return err
	}
	shards.addTerms(d, fileOf)
	roots, err := w.writeShards(d, shards)
	if err != nil {
		return err
	}
	pd := waitPairs()
	if pd.err != nil {
		return pd.err
	}
	pairFiles := pd.files
	facets, facetFile := d.facets(), ""
	if w.bundle == nil {
		data, err := pack("LB.facets", facets)
		if err != nil {
			return err
		}
		facetFile = facetFileName(data)
		if err := w.file(facetFile, data); err != nil {
			return err
		}
	}
	threadFile := ""
	if len(d.threads.Groups) > 0 && w.bundle == nil {
		data, err := pack("LB.threads", d.threads)
		if err != nil {
			return err
		}
		threadFile = threadFileName(data)
		if err := w.file(threadFile, data); err != nil {
			return err
		}
	}
	m := d.meta(IndexDir, w.stamp(), pairFiles, roots)
	m.Facets, m.Threads = facetFile, threadFile
	if w.bundle != nil {
		m.Dir, m.Stamp = "", ""
		w.bundle.Facets = facets
		if len(d.threads.Groups) > 0 {
			w.bundle.Threads = d.threads
		}
		w.bundle.Meta = m
		data, err := packInline("LB.bundle", w.bundle)
		if err != nil {
			return err
		}
		return w.write(MetaPath, data, [32]byte{})
	}
	data, err := pack("LB.meta", m)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.Files++
	w.Bytes += len(data)
	w.mu.Unlock()
	return w.write(MetaPath, data, sha256.Sum256(data))
}

// vocabShards are the vocabulary's shards by their prefix.
type vocabShards map[string]*vocabShard

// of returns the shard of a folded word, made when it is the first.
func (shards vocabShards) of(d *Dictionary, key string) *vocabShard {
	k := d.layout.shardOf(key)
	s := shards[k]
	if s == nil {
		s = &vocabShard{Vocab: map[string]vocabValue{}, Terms: map[string]string{}}
		shards[k] = s
	}
	return s
}

// addTerms lists in each shard the postings file (fileOf) of every term
// its words stand for, the compounds they are a part of, and for a split
// shard its most frequent words.
func (shards vocabShards) addTerms(d *Dictionary, fileOf map[string]string) {
	for _, e := range d.vocab {
		if f, ok := fileOf[e.term]; ok {
			shards.of(d, e.key).Terms[e.term] = f
		}
		// The compounds a word is a part of, with their postings files.
		if cs := d.compounds[e.term]; len(cs) > 0 {
			sh := shards.of(d, e.key)
			if sh.Compounds == nil {
				sh.Compounds = map[string][]string{}
			}
			sh.Compounds[e.key] = cs
			for _, c := range cs {
				sh.Terms[c] = fileOf[c]
			}
		}
	}
	for k := range d.layout.split {
		for _, e := range d.layout.top[k] {
			shards.of(d, k).Top = append(shards.of(d, k).Top, []string{e.key, e.term})
			if f, ok := fileOf[e.term]; ok {
				shards.of(d, k).Terms[e.term] = f
			}
		}
	}
}

// writeShards writes every shard (or puts it in the bundle) and returns
// the roots. The browser finds a word's shard from the roots (two
// letters) and, in the shard of each split prefix, the letters its longer
// shards add: the table it starts from stays small however the
// vocabulary grows. Neighbouring shards (roots, or the longer shards of
// one prefix) share a file (see shardRuns): most shards are a few hundred
// bytes. A root is listed with the roots of its file, space-separated
// ("ab ac ad"), a split prefix's letters likewise ("b mn v").
func (w *StaticWriter) writeShards(d *Dictionary, shards vocabShards) (roots []string, err error) {
	keys := slices.Sorted(maps.Keys(shards))
	children := map[string][]string{} // a split prefix's longer shards, in order
	var rootKeys []string
	for _, k := range keys {
		if parent := runePrefix(k, utf8.RuneCountInString(k)-1); utf8.RuneCountInString(k) > 2 && d.layout.split[parent] {
			children[parent] = append(children[parent], k)
		} else {
			rootKeys = append(rootKeys, k)
		}
	}
	// A shard's JSON includes its letters, which depend on how its longer
	// shards were grouped: the deepest prefixes first.
	parents := slices.SortedFunc(maps.Keys(children), func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	encoded := map[string][]byte{}
	encode := func(k string) int {
		if w.bundle != nil {
			return 0 // one file holds the whole index: no runs
		}
		encoded[k] = shards[k].appendJSON(nil)
		return len(encoded[k])
	}
	var runs [][]string
	for _, parent := range parents {
		parentRuns := shardRuns(children[parent], encode)
		var letters []string
		for _, run := range parentRuns {
			var b strings.Builder
			for _, k := range run {
				b.WriteString(strings.TrimPrefix(k, parent))
			}
			letters = append(letters, b.String())
		}
		shards[parent].Split = strings.Join(letters, " ")
		runs = append(runs, parentRuns...)
	}
	for _, run := range shardRuns(rootKeys, encode) {
		roots = append(roots, strings.Join(run, " "))
		runs = append(runs, run)
	}
	for _, run := range runs {
		if w.bundle != nil {
			for _, k := range run {
				w.bundle.Shards[k] = shards[k]
			}
			continue
		}
		file := records{}
		for _, k := range run {
			file[k] = encoded[k]
		}
		if err := w.packFile("v-"+hex.EncodeToString([]byte(run[0]))+".js", "LB.shards", file, run[0]); err != nil {
			return nil, err
		}
	}
	return roots, nil
}

// shardRuns cuts neighbouring shards (keys, in order) into the runs that
// share a file, of about VocabShardBytes/4: a run ends where the next
// key's hash says once it holds an eighth of VocabShardBytes, or before it
// would hold more than half (see startsFile), so that a shard that grows
// moves the ends of its own run only. size encodes a shard and returns
// its bytes. At 1,000 generated letters: 1,101 files instead of 2,125, and
// a query typed key by key loads 2% more (BenchmarkBrowserSearch; runs
// twice as long: 869 files, 5% more).
func shardRuns(keys []string, size func(key string) int) [][]string {
	var runs [][]string
	held := 0
	for _, k := range keys {
		n := size(k)
		if len(runs) == 0 || startsFile(k, held, n, VocabShardBytes/4) {
			runs = append(runs, nil)
			held = 0
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], k)
		held += n
	}
	return runs
}

// stamp is a hash of all the index's files (see meta.Stamp).
func (w *StaticWriter) stamp() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := sha256.New()
	for _, n := range slices.Sorted(maps.Keys(w.hashes)) {
		sum := w.hashes[n]
		h.Write([]byte(n))
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil)[:5])
}

// meta is the static index's description of itself: its folder, its
// statistics and every rule of query analysis and scoring the browser
// must follow as bleve does.
func (d *Dictionary) meta(dir, stamp string, pairFiles int, roots []string) meta {
	m := meta{
		Version: 4, Dir: dir, Stamp: stamp, N: d.N, Fields: Fields, WordFields: len(WordFields), PairFiles: pairFiles, Avg: d.Avg,
		K1: search.BM25_k1, B: search.BM25_b, Shards: roots, DocsPerShard: DocsPerShard, Stop: append([]string{}, slices.Sorted(maps.Keys(d.Stop))...), Question: words.QuestionWords, Synonyms: d.synonyms,
		Fuzziness: []int{searcher.AutoFuzzinessLowThreshold, searcher.AutoFuzzinessHighThreshold, searcher.MaxFuzziness},
		Numbering: []int{UnitsPerLetter, OverflowBase, OverflowPerLetter},
		Expansion: map[string]float64{"prefix": prefixBoost, "prefixExact": prefixAfterExact, "compound": compoundBoost, "minPart": words.MinPart, "fuzzy": fuzzyBoost, "maxPrefix": maxPrefix, "maxFuzzy": maxFuzzy, "minPrefixLen": minPrefixLen, "maxRunes": MaxQueryRunes, "maxWords": MaxQueryWords},
	}
	for _, f := range Fields {
		m.Boost = append(m.Boost, FieldBoost[f])
	}
	return m
}

// writePostings writes the postings of every term, in term order, into
// files of about PostingsFileBytes, and tells where each term went. Where
// a file ends is decided by the terms themselves (startsFile), and a file
// is named by its first term (postingsFileID): a term added or removed
// changes its own file, seldom a neighbour, never the rest. A file whose
// terms and postings are those of a file the memo holds is taken from it
// without being encoded (see termsInput).
func (w *StaticWriter) writePostings(d *Dictionary, put func(term, file string)) error {
	terms := d.words
	type run struct {
		file  string
		terms []string
	}
	var runs []run
	size := 0
	used := map[string]bool{}
	for _, term := range terms {
		next := len(term) + postingsRecordLen(d.Terms[term]) + 4
		if len(runs) == 0 || startsFile(term, size, next, PostingsFileBytes) {
			runs = append(runs, run{file: postingsFileID(term, used)})
			size = 0
		}
		r := &runs[len(runs)-1]
		r.terms = append(r.terms, term)
		size += next
		put(term, r.file)
	}
	var input []byte
	for _, r := range runs {
		var err error
		input, err = w.writeTerms(input, "p-"+r.file+".js", "LB.postings", r.file, r.terms, d, func() (records, error) {
			batch := make(records, len(r.terms))
			for _, t := range r.terms {
				batch[t] = postingsRecord(d.Terms[t])
			}
			return batch, nil
		}, func(batch records) { w.bundle.Postings[r.file] = batch })
		if err != nil {
			return err
		}
	}
	return nil
}

// startsFile reports whether key starts a new file (of postings, or of
// vocabulary shards) after one that holds size bytes, next being key's
// record, for files made around bound bytes: when the key's hash says so
// once the file holds half of bound (a boundary the content defines,
// which an edit elsewhere does not move), or when the record would make
// the file hold twice bound.
func startsFile(key string, size, next, bound int) bool {
	switch {
	case size == 0:
		return false
	case size+next > 2*bound:
		return true
	}
	return size >= bound/2 && fnv1a(key, fnvOffset)%8 == 0
}

// postingsFileID is the name of the postings file that starts with term:
// 40 bits of its SHA-256, in hex, with a number added in the unlikely
// case that an earlier file of this index (used) has the name.
func postingsFileID(term string, used map[string]bool) string {
	sum := sha256.Sum256([]byte(term))
	id := hex.EncodeToString(sum[:5])
	for n := 2; used[id]; n++ {
		id = fmt.Sprintf("%s-%d", hex.EncodeToString(sum[:5]), n)
	}
	used[id] = true
	return id
}

// postingsRecordLen is len(postingsRecord(p)), without encoding it.
func postingsRecordLen(p *Postings) int {
	n := 2 // [ ]
	for f := range p.lastListed() + 1 {
		list := p.List(f)
		if f > 0 {
			n++ // ,
		}
		n += 2 // [ ]
		if df := p.DF(f); df != len(list) {
			n += decimalLen(int64(-df))
			if len(list) > 0 {
				n++
			}
		}
		prev := int32(0)
		for i, po := range list {
			if i > 0 {
				n++
			}
			n += decimalLen(int64(po.Doc-prev)) + decimalLen(int64(po.Freq)) + decimalLen(int64(po.Len)) + 2
			prev = po.Doc
		}
	}
	return n
}

// decimalLen is the length of strconv.FormatInt(v, 10).
func decimalLen(v int64) int {
	n := 1
	if v < 0 {
		n, v = 2, -v
	}
	for ; v >= 10; v /= 10 {
		n++
	}
	return n
}

// postingsRecord encodes a term's postings for the browser, as JSON: per
// field, up to the last that has any, its postings as (document delta,
// frequency, length) triples, preceded by its document frequency as a
// negative number when that is not the number of postings (when
// keepBest thinned them). It is written by hand: encoding/json took about
// 5% of the CPU of a build with copies.
func postingsRecord(p *Postings) []byte {
	// Most terms have a posting or two: room for what the term's record
	// takes, not for a few postings in every field, made the records of
	// a 5,000-letter default build allocate 0.34 GB, not 1.5 GB.
	out := make([]byte, 0, postingsRecordLen(p))
	out = append(out, '[')
	for f := range p.lastListed() + 1 {
		list := p.List(f)
		if f > 0 {
			out = append(out, ',')
		}
		out = append(out, '[')
		if df := p.DF(f); df != len(list) {
			out = strconv.AppendInt(out, int64(-df), 10)
			if len(list) > 0 {
				out = append(out, ',')
			}
		}
		prev := int32(0)
		for i, po := range list {
			if i > 0 {
				out = append(out, ',')
			}
			out = strconv.AppendInt(out, int64(po.Doc-prev), 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(po.Freq), 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(po.Len), 10)
			prev = po.Doc
		}
		out = append(out, ']')
	}
	return append(out, ']')
}

// PairsFileBytes is the most a pairs file holds on average (before
// compression): twice a postings file, since a query loads one pairs file
// per pair of neighbouring words, and the pairs are most of the index's
// files. At 1,000 letters of the benchmark corpus: 2,048 files instead
// of 4,096, their bytes 6% fewer.
const PairsFileBytes = 8 << 10

// writePairs writes the postings of the pairs field into files chosen by
// a hash of the pair (pairFile), as many as keep them under
// PairsFileBytes on average, and returns their number: the browser finds a
// pair's file without a table, and a phrase loads one file per pair.
// Every file is written, an empty one too, so that no pair leads to a
// missing file. A file whose pairs and postings are those of a file the
// memo holds is taken from it without being encoded (see termsInput):
// an edit changes a few of the thousands.
func (w *StaticWriter) writePairs(d *Dictionary) (int, error) {
	size := 0
	var pairs []string
	for t, p := range d.Terms {
		if isPair(t) {
			pairs = append(pairs, t)
			size += minPairKey + postingsRecordLen(p) + 4
		}
	}
	// A power of two, so that the pairs are dealt out again only when
	// their size doubles, not at every pair added.
	n := 1
	for n*PairsFileBytes < size {
		n *= 2
	}
	byFile := make([][]string, n)
	for _, t := range pairs {
		f := pairFile(t, n)
		byFile[f] = append(byFile[f], t)
	}
	var input []byte
	for f, pairs := range byFile {
		slices.Sort(pairs)
		var err error
		input, err = w.writeTerms(input, fmt.Sprintf("q-%d.js", f), "LB.pairs", f, pairs, d, func() (records, error) {
			keys, err := pairKeys(pairs, minPairKey)
			if err != nil {
				return nil, err
			}
			batch := make(records, len(pairs))
			for i, t := range pairs {
				batch[keys[i]] = postingsRecord(d.Terms[t])
			}
			return batch, nil
		}, func(batch records) { w.bundle.Pairs[f] = batch })
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}

// writeTerms writes name, a file of the static index that holds the
// postings of terms (sorted): a call of fn with the file's key (its
// name's id, or its number) and the records batch makes. A file the memo
// holds under a hash of what it is made of (termsInput) is taken from it
// without being encoded; in a bundle, the records go to bundle instead.
// buf is a buffer to reuse, returned.
func (w *StaticWriter) writeTerms(buf []byte, name, fn string, key any, terms []string, d *Dictionary, batch func() (records, error), bundle func(records)) ([]byte, error) {
	var memoKey [32]byte
	if w.Memo != nil {
		buf = termsInput(buf[:0], fn, fmt.Sprint(key), terms, d)
		memoKey = sha256.Sum256(buf)
		if ok, err := w.fromMemo(memoKey, name); ok || err != nil {
			return buf, err
		}
	}
	recs, err := batch()
	if err != nil {
		return buf, err
	}
	if w.bundle != nil {
		bundle(recs)
		return buf, nil
	}
	data, err := pack(fn, recs, key)
	if err != nil {
		return buf, err
	}
	return buf, w.packed(memoKey, name, data)
}

// termsInput appends to b what a file of the static index that holds
// the postings of terms is made of, for the memo's key: the script's
// function fn, the file's name or number, and each term (sorted) with
// its document frequencies and postings, as varints. The packed file is
// a function of these.
func termsInput(b []byte, fn, file string, terms []string, d *Dictionary) []byte {
	b = append(b, fn...)
	b = append(b, 0)
	b = append(b, file...)
	b = append(b, 0)
	for _, t := range terms {
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
		p := d.Terms[t]
		for fi := range numFields {
			list := p.List(fi)
			b = binary.AppendUvarint(b, uint64(p.DF(fi)))
			b = binary.AppendUvarint(b, uint64(len(list)))
			for _, po := range list {
				b = binary.AppendVarint(b, int64(po.Doc))
				b = binary.AppendVarint(b, int64(po.Freq))
				b = binary.AppendVarint(b, int64(po.Len))
			}
		}
	}
	return b
}

// pairFile is the file of n that holds a pair: FNV-1a of its UTF-8 bytes.
func pairFile(pair string, n int) int {
	return int(fnv1a(pair, fnvOffset) % uint32(n))
}

// minPairKey is the least number of hex digits of a pair's key in its
// file (see pairKeys): 40 bits, so a pair the index does not hold finds
// another's postings about once in 2^40 / 100 lookups (a pairs file holds
// about a hundred pairs).
const minPairKey = 10

// pairKeys returns the key of each of the pairs of one pairs file, in
// the order of pairs: the first hex digits of its pairHash64, as many as
// tell every pair of the file apart, and at least min. Keys instead of
// the pairs' text make the pairs files a fifth smaller. The browser takes
// the length of a file's keys from any of them. The length is found from
// the hashes sorted: one digit more than the most that neighbours share.
func pairKeys(pairs []string, min int) ([]string, error) {
	hashes := make([]uint64, len(pairs))
	for i, p := range pairs {
		hashes[i] = pairHash64(p)
	}
	sorted := slices.Clone(hashes)
	slices.Sort(sorted)
	n := min
	for i := 1; i < len(sorted); i++ {
		shared := bits.LeadingZeros64(sorted[i-1]^sorted[i]) / 4 // hex digits
		if shared == 16 {
			return nil, fmt.Errorf("search: two pairs of %q share a 64-bit hash", pairs)
		}
		n = max(n, shared+1)
	}
	keys := make([]string, len(pairs))
	var sum [8]byte
	var digits [16]byte
	for i, h := range hashes {
		binary.BigEndian.PutUint64(sum[:], h)
		hex.Encode(digits[:], sum[:])
		keys[i] = string(digits[:n])
	}
	return keys, nil
}

// pairHash64 is 64 bits of hash of a pair: FNV-1a of its UTF-8 bytes
// from two offset bases (FNV's own and another), each mixed by
// MurmurHash3's finaliser so that every bit depends on every other, the
// first the high 32 bits. The browser computes the same (pairRecord in
// search.js).
func pairHash64(pair string) uint64 {
	return uint64(fmix32(fnv1a(pair, fnvOffset)))<<32 | uint64(fmix32(fnv1a(pair, 0x5bd1e995)))
}

// fnvOffset is FNV-1a's 32-bit offset basis.
const fnvOffset = 0x811c9dc5

// fnv1a is FNV-1a's 32-bit hash of s's UTF-8 bytes from the offset basis
// h (fnvOffset for FNV-1a itself).
func fnv1a(s string, h uint32) uint32 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 0x01000193
	}
	return h
}

// fmix32 is MurmurHash3's finaliser.
func fmix32(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	return h ^ h>>16
}

// vocabShard is one vocabulary shard: folded words with their term (or
// just the document frequency when the word is the term), and the terms
// of those words (and of its completions) with the name of the postings
// file that holds their document frequencies and postings per field. Its
// JSON (appendJSON) names the fields by the letter after each.
type vocabShard struct {
	Vocab map[string]vocabValue // v
	Terms map[string]string     // t
	// Top, in the shard of a prefix that was split, lists the words a
	// completion of exactly that prefix chooses from, as [word, term],
	// best first (see topCompletions). c, when there are any
	Top [][]string
	// Compounds lists, for a word that is part of compounds, the terms of
	// the best of them (see buildCompounds). x, when there are any
	Compounds map[string][]string
	// Split, in the shard of a prefix that was split, lists the letters
	// its longer shards add, one each: "bmnv" in "ge" for "geb", "gem" …
	// s, when set
	Split string
}

// StaticBundle returns the static index of units, whose dictionary is d
// (see BuildDictionary), as one script to hold inline (see
// NewBundleWriter; Packed makes it the script for MetaPath): the search
// index of a copy of one letter. The units must be numbered from 0 in
// their order.
func StaticBundle(d *Dictionary, units []Unit) ([]byte, error) {
	var out []byte
	w := NewBundleWriter(func(_ string, data []byte, _ [32]byte) error {
		out = data
		return nil
	})
	if err := w.WriteDocs(units); err != nil {
		return nil, err
	}
	if err := w.Finish(d); err != nil {
		return nil, err
	}
	return out, nil
}
