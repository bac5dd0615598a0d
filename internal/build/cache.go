package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"ledenbrief/internal/cache"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/markdown"
	"ledenbrief/internal/pool"
	"ledenbrief/internal/record"
	"ledenbrief/internal/render"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// CacheDirName is the name of the build cache's folder, which a build
// keeps beside its content folder unless told otherwise (DefaultCacheDir).
const CacheDirName = ".ledenbrief-cache"

// DefaultCacheDir is the build cache of the content folder contentDir:
// beside it.
func DefaultCacheDir(contentDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(contentDir)), CacheDirName)
}

// PreviewFolder claims the folder of the build cache in cacheDir that
// the preview of the content folder content, built for the base URL
// baseURL (empty: site.yaml's), is built into, and returns its output
// folder and the function that lets it go. Kept between runs, it lets a
// preview that starts again, on any port, lend the files that did not
// change from the last one's output (publish.Folder.Lend) instead of
// writing them all; a preview of the same content and base URL that runs
// already holds it (cache.ErrBusy).
func PreviewFolder(cacheDir, content, baseURL string) (out string, release func(), err error) {
	abs, err := filepath.Abs(content)
	if err != nil {
		return "", nil, err
	}
	store, err := cache.Open(cacheDir)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256([]byte(abs + "\x00" + baseURL))
	dir, release, err := store.Claim(fmt.Sprintf("preview-%x", sum[:8]))
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(dir, "public"), release, nil
}

// IdleCache is how long the cache keeps what a kind of build (see
// buildCache) made when no build of that kind ran.
const IdleCache = 30 * 24 * time.Hour

// buildCache is what a build keeps of each letter between runs
// (Options.Cache): the files its letter pass wrote (pages, offline
// copies), its searchable units with their analysis and what it added
// to the site (site.Reuse), and apart from those its PDF. An entry's key
// is a hash of everything the letter's files show: the letter's own
// files, its place, what it shows of other letters, every setting,
// handreiking and site page, the theme and the kind of build (see
// fingerprints and globalHash); the cache adds the program's own
// version. The content files its copies hold (images, a PDF) are checked
// when the entry is read: a changed one makes it a miss. A letter whose
// entry is there is not resolved, rendered, copied or analysed again:
// only its files are read, and its outline taken from the cache (see
// outlines), to tell whether it changed. Of the whole site it keeps the
// static index's segments (segment), what its packed files were
// (search.PackMemo), and the pages that list the letters (writeRest).
type buildCache struct {
	kind     string
	store    *cache.Cache
	letters  *cache.Bucket // the letters' entries
	index    *cache.Bucket // the static index's segments and packed files
	outlines *cache.Bucket // the letters' documents' outlines (see outlines)
	words    *cache.Bucket // what the analyser made of every word (see surfaceTermsKey)
	pdfs     *cache.Bucket // nil unless the build prints PDFs
	printer  string        // the browser that prints them (ExecutableStamp)
	content  fs.FS
	keys     map[string][32]byte // by letter folder
	global   [32]byte            // the part of every key that is not a letter's
	start    time.Time
	reused   atomic.Int64
	built    atomic.Int64
}

// openCache opens the build cache of opts for site s, rendered by r,
// whose letters' files hash to sources (by folder), for a build that
// started at start.
func openCache(opts Options, s *site.Site, r *render.Renderer, sources map[string][32]byte, start time.Time) (*buildCache, error) {
	store, err := openStore(opts.Cache, opts.Check) // a check writes nothing, into the cache neither
	if err != nil {
		return nil, err
	}
	// A theme may show the site's zip on any page (the built-in one on
	// the home page only).
	kind := fmt.Sprintf("letters\x00offline=%t\x00positions=%t\x00sitezip=%t\x00drafts=%q", !opts.NoOffline, opts.KeepIndex, opts.SiteZip, draftNumbers(s))
	letters, err := store.Bucket(bucketName("letters", kind))
	if err != nil {
		return nil, err
	}
	index, err := store.Bucket(bucketName("search", kind))
	if err != nil {
		return nil, err
	}
	outlines, err := store.Bucket("outlines")
	if err != nil {
		return nil, err
	}
	words, err := store.Bucket("words")
	if err != nil {
		return nil, err
	}
	if payload, ok := words.Get(surfaceTermsKey); ok {
		_ = search.LoadSurfaceTerms(record.NewReader(payload)) // damaged: the words are analysed
	}
	bc := &buildCache{kind: kind, store: store, letters: letters, index: index, outlines: outlines, words: words, content: s.Content.FS, keys: map[string][32]byte{}, start: start}
	if opts.PDF {
		if bc.pdfs, err = store.Bucket(bucketName("pdf", kind)); err != nil {
			return nil, err
		}
		bc.printer = ExecutableStamp(opts.Chromium)
	}
	global := globalHash(s, r, opts)
	h := sha256.New()
	h.Write(global[:])
	// The files of the settings that every page shows: the style sheet
	// copies carry inline, the logo and the icon.
	c := &s.Content.Config
	for _, p := range []string{c.Stylesheet, c.Logo, c.Favicon} {
		data, _ := fs.ReadFile(s.Content.FS, p)
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
	}
	h.Sum(global[:0])
	bc.global = global
	for slug, fp := range fingerprints(s, sources, global) {
		bc.keys[slug] = sha256.Sum256(append([]byte(kind+"\x00"), fp[:]...))
	}
	return bc, nil
}

// openStore opens the build cache in dir, only to read it when readOnly.
func openStore(dir string, readOnly bool) (*cache.Cache, error) {
	if readOnly {
		return cache.OpenReadOnly(dir)
	}
	return cache.Open(dir)
}

// surfaceTermsKey is the key of the terms the analyser made of every word
// on its own (search.AppendSurfaceTerms), which the static index's
// dictionary maps the words a reader types to: at 5,000 letters,
// analysing them all again took a CPU-second of every build. They depend
// on the analyser alone, which the cache's version fixes, and are kept
// for every kind of build.
var surfaceTermsKey = sha256.Sum256([]byte("surface terms"))

// bucketName is the cache bucket of what (letters, search, pdf) of a
// kind of build.
func bucketName(what, kind string) string {
	sum := sha256.Sum256([]byte(kind))
	return fmt.Sprintf("%s-%x", what, sum[:8])
}

// memoKey is the key of the static index's packed files (PackMemo).
func (bc *buildCache) memoKey() [32]byte {
	return sha256.Sum256([]byte("packed search files\x00" + bc.kind))
}

// packMemo returns what the packed files of the static index were that
// the last build of this kind kept (their SHA-256 and size: the files
// themselves are lent from its output), or an empty memo.
func (bc *buildCache) packMemo() *search.PackMemo {
	if payload, ok := bc.index.Get(bc.memoKey()); ok {
		if memo, err := search.ReadPackMemo(record.NewReader(payload)); err == nil {
			return memo
		}
	}
	return search.NewLendingMemo()
}

// finish notes the build a success: the static index's files it packed
// are kept (memo, nil when it packed none), what it did not use of its
// kind is removed, and the kinds of build no one ran for a while.
func (bc *buildCache) finish(memo *search.PackMemo) error {
	if memo != nil && memo.Changed() { // nil: the export was lent (keepSearch)
		w := &record.Writer{}
		memo.AppendRecord(w)
		bc.index.Put(bc.memoKey(), w.B)
	}
	if w := (&record.Writer{}); search.AppendSurfaceTerms(w) {
		bc.words.Put(surfaceTermsKey, w.B)
	}
	err := errors.Join(bc.letters.Prune(bc.start), bc.index.Prune(bc.start), bc.outlines.Prune(bc.start), bc.words.Prune(bc.start))
	if bc.pdfs != nil {
		err = errors.Join(err, bc.pdfs.Prune(bc.start))
	}
	return errors.Join(err, bc.store.PruneIdle(IdleCache))
}

// letterEntry is what the cache keeps of a letter.
type letterEntry struct {
	pages     int                    // how many of files are pages
	files     []cachedFile           // in the order they were written
	docs      []search.StaticFile    // its text shards of the static index
	analysed  []*search.AnalyzedUnit // its units, analysed; in an entry read from the cache, read apart (see units)
	stored    bool                   // read from the cache: analysed is not read yet
	reuse     site.Reuse
	downloads *render.Downloads // nil when the build makes no copies
	media     []mediaStamp      // the content files the copies hold
}

// cachedFile is one output file of an entry.
type cachedFile struct {
	name string
	sum  [32]byte
	size int64
	data []byte // nil in a letter entry read from the cache (see placeFiles)
}

// mediaStamp is a content file, as found when an entry was made.
type mediaStamp struct {
	path  string
	stamp string
}

// stampOf tells the state of content file p: its size and times.
func stampOf(fsys fs.FS, p string) string {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return "missing"
	}
	return fmt.Sprintf("%d %d %d", info.Size(), info.ModTime().UnixNano(), changeTime(info))
}

// fresh reports whether the content files an entry holds are as they were.
func (bc *buildCache) fresh(media []mediaStamp) bool {
	for _, m := range media {
		if stampOf(bc.content, m.path) != m.stamp {
			return false
		}
	}
	return true
}

// stamps are the stamps of content files paths, sorted.
func (bc *buildCache) stamps(paths []string) []mediaStamp {
	paths = slices.Compact(slices.Sorted(slices.Values(paths)))
	out := make([]mediaStamp, len(paths))
	for i, p := range paths {
		out[i] = mediaStamp{path: p, stamp: stampOf(bc.content, p)}
	}
	return out
}

// get returns the entry of letter slug, or nil.
func (bc *buildCache) get(slug string) *letterEntry {
	payload, ok := bc.letters.Get(bc.keys[slug])
	if !ok {
		return nil
	}
	e, err := readLetterEntry(payload)
	if err != nil || !bc.fresh(e.media) {
		return nil
	}
	return e
}

// put keeps the entry of letter slug. A cache that cannot be written
// costs the next build time, not this one its result: the error is
// dropped.
func (bc *buildCache) put(slug string, e *letterEntry) {
	// The bytes first: an entry is never there without them, unless they
	// were removed since (see placeFiles).
	size := 0
	for _, f := range e.files {
		size += len(f.data) + binary.MaxVarintLen64
	}
	data := &record.Writer{B: make([]byte, 0, size+binary.MaxVarintLen64)}
	data.Uint(uint64(len(e.files)))
	for _, f := range e.files {
		data.Bytes(f.data)
	}
	analysis := &record.Writer{}
	analysis.Uint(uint64(len(e.analysed)))
	for _, au := range e.analysed {
		au.AppendRecord(analysis)
	}
	key := bc.keys[slug]
	if bc.letters.Put(dataKey(key), data.B) == nil && bc.letters.Put(analysisKey(key), analysis.B) == nil {
		bc.letters.Put(key, e.appendRecord(nil))
	}
}

// dataKey is the key of the bytes of the files of the letter entry of
// key: kept apart from the entry, so that a build whose previous output
// still holds the files (see placeFiles) never reads them.
func dataKey(key [32]byte) [32]byte {
	return sha256.Sum256(append([]byte("files\x00"), key[:]...))
}

// analysisKey is the key of the analysed units of the letter entry of
// key: kept apart from the entry, so that a build that takes the
// letter's postings from its segment (see segment) never reads them.
// They are a letter entry's largest part.
func analysisKey(key [32]byte) [32]byte {
	return sha256.Sum256(append([]byte("analysis\x00"), key[:]...))
}

// units returns the analysed units of letter slug's entry e: read from
// the cache, the first time, for an entry read from it. It reports false
// when the cache no longer holds them whole: the letter is then built
// again.
func (bc *buildCache) units(slug string, e *letterEntry) ([]*search.AnalyzedUnit, bool) {
	if !e.stored {
		return e.analysed, true
	}
	analysed, ok := readAnalysis(bc, slug, search.ReadAnalyzed)
	if ok {
		e.analysed, e.stored = analysed, false
	}
	return analysed, ok
}

// unitsOnly returns the units of letter slug's entry e, reading them
// from its analysis but not the analysis itself, which is most of the
// entry: for the preview, which notes every letter's units.
func (bc *buildCache) unitsOnly(slug string, e *letterEntry) ([]search.Unit, bool) {
	if !e.stored {
		return unitsOf(e.analysed), true
	}
	return readAnalysis(bc, slug, search.ReadUnit)
}

// readAnalysis reads the analysis entry of letter slug, each unit with
// read; false when the cache no longer holds it whole.
func readAnalysis[T any](bc *buildCache, slug string, read func(*record.Reader) (T, error)) ([]T, bool) {
	payload, ok := bc.letters.Get(analysisKey(bc.keys[slug]))
	if !ok {
		return nil, false
	}
	r := record.NewReader(payload)
	units := make([]T, r.Len())
	for i := range units {
		u, err := read(r)
		if err != nil {
			return nil, false
		}
		units[i] = u
	}
	return units, r.Done() == nil
}

// keepUnits marks the analysed units of letter slug's entry as used,
// for Prune, when this build does not read them: a later one may.
func (bc *buildCache) keepUnits(slug string) {
	bc.letters.Touch(analysisKey(bc.keys[slug]))
}

// placeFiles puts the files of letter slug's entry e into out: lent from
// the previous build where it left them as they are (see
// publish.Folder.Lend), written from the cache's copy of their bytes
// otherwise. It reports false when a file could be neither (the cache no
// longer holds its bytes whole): the letter is then built again, which
// replaces what was lent.
func (bc *buildCache) placeFiles(out *output, slug string, files []cachedFile) (bool, error) {
	var rest []int // files not lent
	for i, f := range files {
		if !out.Folder.Lend(f.name, f.sum, f.size) {
			rest = append(rest, i)
		}
	}
	key := dataKey(bc.keys[slug])
	if len(rest) == 0 {
		return bc.letters.Touch(key), nil // used: kept by Prune, for a build without the output
	}
	payload, ok := bc.letters.Get(key)
	if !ok {
		return false, nil
	}
	r := record.NewReader(payload)
	data := make([][]byte, r.Len())
	for i := range data {
		data[i] = r.Bytes()
	}
	if r.Done() != nil || len(data) != len(files) {
		return false, nil
	}
	for _, i := range rest {
		f := files[i]
		if int64(len(data[i])) != f.size {
			return false, nil
		}
		if err := out.Folder.WriteFileSum(f.name, data[i], f.sum); err != nil {
			return false, err
		}
	}
	return true, nil
}

func (e *letterEntry) appendRecord(b []byte) []byte {
	w := &record.Writer{B: b}
	w.Uint(uint64(e.pages))
	w.Uint(uint64(len(e.files))) // their bytes are apart (see put)
	for _, f := range e.files {
		w.String(f.name)
		w.Bytes(f.sum[:])
		w.Uint(uint64(f.size))
	}
	w.Uint(uint64(len(e.docs)))
	for _, f := range e.docs {
		w.String(f.Name)
		w.Bytes(f.Sum[:])
		w.Bytes(f.Data)
	}
	e.reuse.AppendRecord(w) // the analysis is apart (see put)
	if d := e.downloads; d == nil {
		w.Uint(0)
	} else {
		w.Uint(1)
		for _, s := range []string{d.Zip, d.HTML, d.PDF} {
			w.String(s)
		}
		for _, n := range []int64{d.ZipSize, d.HTMLSize, d.PDFSize} {
			w.Int(n)
		}
	}
	appendStamps(w, e.media)
	return w.B
}

func readLetterEntry(b []byte) (*letterEntry, error) {
	r := record.NewReader(b)
	e := &letterEntry{pages: int(r.Uint()), stored: true}
	e.files = make([]cachedFile, r.Len())
	for i := range e.files {
		f := &e.files[i]
		f.name = r.String()
		copy(f.sum[:], r.Bytes())
		f.size = int64(r.Uint())
	}
	e.docs = make([]search.StaticFile, r.Len())
	for i := range e.docs {
		f := &e.docs[i]
		f.Name = r.String()
		copy(f.Sum[:], r.Bytes())
		f.Data = r.Bytes()
	}
	var err error
	if e.reuse, err = site.ReadReuse(r); err != nil {
		return nil, err
	}
	if r.Uint() == 1 {
		d := &render.Downloads{Zip: r.String(), HTML: r.String(), PDF: r.String()}
		d.ZipSize, d.HTMLSize, d.PDFSize = r.Int(), r.Int(), r.Int()
		e.downloads = d
	}
	e.media = readStamps(r)
	return e, r.Done()
}

func appendFiles(w *record.Writer, files []cachedFile) {
	w.Uint(uint64(len(files)))
	for _, f := range files {
		w.String(f.name)
		w.Bytes(f.sum[:])
		w.Bytes(f.data)
	}
}

func readFiles(r *record.Reader) []cachedFile {
	files := make([]cachedFile, r.Len())
	for i := range files {
		files[i].name = r.String()
		copy(files[i].sum[:], r.Bytes())
		files[i].data = r.Bytes()
		files[i].size = int64(len(files[i].data))
	}
	return files
}

func appendStamps(w *record.Writer, media []mediaStamp) {
	w.Uint(uint64(len(media)))
	for _, m := range media {
		w.String(m.path)
		w.String(m.stamp)
	}
}

func readStamps(r *record.Reader) []mediaStamp {
	media := make([]mediaStamp, r.Len())
	for i := range media {
		media[i] = mediaStamp{path: r.String(), stamp: r.String()}
	}
	return media
}

// pdfEntry is what the cache keeps of a letter's PDF: the PDF and the
// letter page that offers it.
type pdfEntry struct {
	files []cachedFile
	media []mediaStamp
}

// pdfKey is the key of letter slug's PDF.
func (bc *buildCache) pdfKey(slug string) [32]byte {
	key := bc.keys[slug]
	return sha256.Sum256(append([]byte("pdf\x00"+bc.printer+"\x00"), key[:]...))
}

// ExecutableStamp tells one build of a program found by name from
// another: its path, size and modification time ("" when it is not
// found). A PDF is kept in the cache by the browser that printed it.
func ExecutableStamp(name string) string {
	path, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	info, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", path, info.Size(), info.ModTime().UnixNano())
}

// getPDF returns the PDF entry of letter slug, or nil.
func (bc *buildCache) getPDF(slug string) *pdfEntry {
	payload, ok := bc.pdfs.Get(bc.pdfKey(slug))
	if !ok {
		return nil
	}
	r := record.NewReader(payload)
	e := &pdfEntry{files: readFiles(r), media: readStamps(r)}
	if r.Done() != nil || !bc.fresh(e.media) {
		return nil
	}
	return e
}

// putPDF keeps the PDF entry of letter slug (see put).
func (bc *buildCache) putPDF(slug string, e *pdfEntry) {
	w := &record.Writer{}
	appendFiles(w, e.files)
	appendStamps(w, e.media)
	bc.pdfs.Put(bc.pdfKey(slug), w.B)
}

// fileRecorder notes the files written for one letter, and the content
// files read for them, for its cache entry.
type fileRecorder struct {
	mu    sync.Mutex
	files []cachedFile
	pages int
	media []string
}

func (fr *fileRecorder) file(name string, data []byte, page bool) cachedFile {
	f := cachedFile{name: name, sum: sha256.Sum256(data), size: int64(len(data)), data: append([]byte(nil), data...)}
	fr.mu.Lock()
	fr.files = append(fr.files, f)
	if page {
		fr.pages++
	}
	fr.mu.Unlock()
	return f
}

// add notes files written from elsewhere, pages of them pages.
func (fr *fileRecorder) add(files []cachedFile, pages int) {
	fr.mu.Lock()
	fr.files = append(fr.files, files...)
	fr.pages += pages
	fr.mu.Unlock()
}

func (fr *fileRecorder) read(p string) {
	fr.mu.Lock()
	fr.media = append(fr.media, p)
	fr.mu.Unlock()
}

// sourceHashes are the hashes of the letters' files (sourceHash), by
// folder, as the first pass loads them: what the cache's keys and the
// incremental builder's fingerprints start from.
type sourceHashes struct {
	mu   sync.Mutex
	sums map[string][32]byte
}

func newSourceHashes() *sourceHashes { return &sourceHashes{sums: map[string][32]byte{}} }

// note notes the files of a loaded letter (their hash from loaded, when
// it holds the letter).
func (sh *sourceHashes) note(l *content.Letter, loaded *letterCache) [32]byte {
	sum, ok := loaded.sum(l)
	if !ok {
		sum = sourceHash(l)
	}
	sh.mu.Lock()
	sh.sums[l.Slug] = sum
	sh.mu.Unlock()
	return sum
}

// writeCached writes the files of a cache entry into out.
func writeCached(out *output, files []cachedFile) error {
	for _, f := range files {
		if err := out.Folder.WriteFileSum(f.name, f.data, f.sum); err != nil {
			return err
		}
	}
	return nil
}

// segmentLetters is how many consecutive letter numbers share a segment
// of the static index's postings (see segment).
const segmentLetters = 32

// segmentOf is the segment of the letter in folder slug.
func segmentOf(slug string) int {
	n, _ := letternumber.Index(slug) // a letter's folder: content checked it
	return n / segmentLetters
}

// segment is the postings of the static index of a group of letters
// with neighbouring numbers (segmentOf), kept in the cache as one
// collector (search.Collector.AppendRecord) under a key of the letters'
// keys: a build collects the units only of the segments with a letter
// that changed, and takes the others as the cache holds them, so that
// its cost in postings follows the change.
//
// Segments are grouped, about segmentFanout to a group (see
// startsGroup), each group kept too under a key of its members' keys,
// and the groups are merged into the index. A build with one letter
// changed so reads a few dozen collectors, each thinned (see
// search.Collector.Merge), instead of every segment's. Merged collectors
// make the same index as one collector of all units, however grouped
// (TestMergedCollectorsMakeTheSameIndex).
type segment struct {
	key [32]byte
	// collector collects the letters' units, or a group's members'
	// postings; nil when the cache held it (or a group it is in), and
	// once it is complete.
	collector *search.Collector
	pending   atomic.Int32 // letters (of a group: members) not in yet
	members   []*segment   // of a group, in order
	parent    *segment     // the group it is in; nil: merged into the index
}

// segmentFanout is about how many segments (or groups) a group of the
// next level holds (see segment).
const segmentFanout = 8

// groupLevels is how many levels of groups the segments have. Each is
// kept in the cache, so a change writes one group of each level again:
// with a second level, about a third of the site's postings (at 5,000
// letters, 185 segments in 30 groups in 2 of the second level), where
// reading the 30 groups costs less.
const groupLevels = 1

// startsGroup reports whether the segment (or group) numbered n starts a
// new group of level depth after one of held members: when a hash of its
// number says so, for one in segmentFanout, or when the group holds
// three times that. The numbers of a group of groups are those of their
// first members.
func startsGroup(depth, n, held int) bool {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%d", depth, n)
	return held >= 3*segmentFanout || h.Sum32()%segmentFanout == 0
}

// segmentTree returns the segments of the published letters of s, by
// number, each with its key, and the top level of the tree of groups
// above them (see startsGroup), whose keys hold every segment's.
func (bc *buildCache) segmentTree(s *site.Site) (map[int]*segment, []*segment) {
	members := map[int][]string{}
	for _, li := range s.Letters {
		if !li.Meta.Draft {
			members[segmentOf(li.Slug)] = append(members[segmentOf(li.Slug)], li.Slug)
		}
	}
	segs := make(map[int]*segment, len(members))
	numbers := slices.Sorted(maps.Keys(members))
	level := make([]*segment, len(numbers))
	for i, n := range numbers {
		h := sha256.New()
		fmt.Fprintf(h, "segment\x00%s\x00%d\x00", bc.kind, n)
		for _, slug := range slices.Sorted(slices.Values(members[n])) {
			key := bc.keys[slug]
			fmt.Fprintf(h, "%s\x00", slug)
			h.Write(key[:])
		}
		seg := &segment{}
		seg.pending.Store(int32(len(members[n])))
		h.Sum(seg.key[:0])
		segs[n], level[i] = seg, seg
	}
	// Each level groups the one below in order, a group ending where the
	// next member's number says (see startsGroup): a segment added or
	// removed changes the keys of its own groups only.
	for depth := 1; depth <= groupLevels && len(level) > segmentFanout; depth++ {
		var up []*segment
		var upNumbers []int
		for i, seg := range level {
			if len(up) == 0 || startsGroup(depth, numbers[i], len(up[len(up)-1].members)) {
				up, upNumbers = append(up, &segment{}), append(upNumbers, numbers[i])
			}
			group := up[len(up)-1]
			group.members = append(group.members, seg)
			seg.parent = group
		}
		for _, group := range up {
			group.pending.Store(int32(len(group.members)))
			h := sha256.New()
			fmt.Fprintf(h, "group\x00%s\x00%d\x00", bc.kind, depth)
			for _, m := range group.members {
				h.Write(m.key[:])
			}
			h.Sum(group.key[:0])
		}
		level, numbers = up, upNumbers
	}
	return segs, level
}

// segments returns the segments of the published letters of s, by
// number. What the cache holds of their tree is taken now: merged into
// idx, or into the group made again that it is in.
func (bc *buildCache) segments(s *site.Site, idx *search.Index, workers int) (map[int]*segment, error) {
	segs, level := bc.segmentTree(s)
	// From the top down, what the cache holds is read, and what is below
	// it neither read nor made. The records are decoded on every CPU; the
	// top level's, most of the site's postings, in one pass into idx
	// (search.MergeRecords).
	var tops []heldSegment
	var jobs []func() error
	var ready func(seg *segment)
	ready = func(seg *segment) {
		if payload, ok := bc.index.Get(seg.key); ok {
			if seg.parent == nil {
				tops = append(tops, heldSegment{seg, payload})
			} else {
				jobs = append(jobs, func() error { return bc.decode(seg, payload, idx) })
			}
			return
		}
		seg.collector = search.NewCollector()
		for _, m := range seg.members {
			ready(m)
		}
	}
	for _, top := range level {
		ready(top)
	}
	jobs = append(jobs, func() error {
		payloads := make([][]byte, len(tops))
		for i, h := range tops {
			payloads[i] = h.payload
		}
		if c, err := search.MergeRecords(payloads); err == nil {
			return idx.Merge(c)
		}
		for _, h := range tops { // one is damaged: each is taken on its own
			if err := bc.decode(h.seg, h.payload, idx); err != nil {
				return err
			}
		}
		return nil
	})
	err := pool.Each(jobs, workers, func(_ int, job func() error) error { return job() })
	return segs, err
}

// heldSegment is a segment (or group) the cache holds, with its record.
type heldSegment struct {
	seg     *segment
	payload []byte
}

// decode delivers seg from its record in the cache, payload; a damaged
// one is made again (see remake).
func (bc *buildCache) decode(seg *segment, payload []byte, idx *search.Index) error {
	c, err := search.ReadCollector(record.NewReader(payload))
	if err != nil {
		return bc.remake(seg, idx)
	}
	return bc.deliver(seg, c, nil, idx, true)
}

// take takes seg from the cache when it holds it, and otherwise makes it
// again (see remake).
func (bc *buildCache) take(seg *segment, idx *search.Index) error {
	if payload, ok := bc.index.Get(seg.key); ok {
		return bc.decode(seg, payload, idx)
	}
	return bc.remake(seg, idx)
}

// remake readies seg to be made again: a segment's letters to be
// collected, a group's members to be taken (see take).
func (bc *buildCache) remake(seg *segment, idx *search.Index) error {
	seg.collector = search.NewCollector()
	for _, m := range seg.members {
		if err := bc.take(m, idx); err != nil {
			return err
		}
	}
	return nil
}

// deliver hands the complete postings c of seg on: to the group it is
// in, which is complete once all its members are in; or into idx, as
// its record rec when there is one. Keep tells whether a group completed
// so is kept in the cache.
func (bc *buildCache) deliver(seg *segment, c *search.Collector, rec []byte, idx *search.Index, keep bool) error {
	group := seg.parent
	if group == nil {
		if rec != nil {
			return idx.MergeKept(c, rec)
		}
		return idx.Merge(c)
	}
	group.collector.Merge(c)
	if group.pending.Add(-1) > 0 {
		return nil
	}
	return bc.complete(group, idx, keep)
}

// complete keeps a segment (or group) whose collector has all its
// postings in the cache (unless keep is false: the build found
// problems, which may have left units out) and delivers it.
func (bc *buildCache) complete(seg *segment, idx *search.Index, keep bool) error {
	var rec []byte
	if keep {
		w := &record.Writer{}
		seg.collector.AppendRecord(w)
		rec = w.B
		bc.index.Put(seg.key, rec) // see put
	}
	c := seg.collector
	seg.collector = nil // complete: only its memory is left
	return bc.deliver(seg, c, rec, idx, keep)
}

// letterIn notes that the units of a letter of segment seg are in: once
// all its letters' are, a segment collected by this build is complete.
func (bc *buildCache) letterIn(seg *segment, idx *search.Index, keep bool) error {
	if seg.collector == nil || seg.pending.Add(-1) > 0 {
		return nil
	}
	return bc.complete(seg, idx, keep)
}

// outlines keeps, per letter, the outlines of its documents (their
// headings and links, markdown.AppendOutline), under a key of the
// Markdown settings and the letter's files: the first pass over a letter
// whose files did not change reads them instead of parsing it.
type outlines struct {
	bucket *cache.Bucket
	conv   *markdown.Converter
}

// openOutlines opens the outlines of the build cache in dir (only to read
// them, for a check), or returns nil when it cannot: the first pass then
// parses every letter.
func openOutlines(dir string, conv *markdown.Converter, readOnly bool) *outlines {
	store, err := openStore(dir, readOnly)
	if err != nil {
		return nil
	}
	bucket, err := store.Bucket("outlines")
	if err != nil {
		return nil
	}
	return &outlines{bucket: bucket, conv: conv}
}

// letter returns the first pass's documents of the letter whose files
// hash to sources (sourceHash). Their outlines are read when the first
// pass asks for a document.
func (o *outlines) letter(sources [32]byte) *letterOutlines {
	fp := o.conv.Fingerprint()
	return &letterOutlines{o: o, key: sha256.Sum256(append(append([]byte("outlines\x00"), fp[:]...), sources[:]...)),
		texts: map[*markdown.Doc][32]byte{}}
}

// read reads the letter's outlines from the cache, once.
func (lo *letterOutlines) read() {
	if lo.cached != nil {
		return
	}
	lo.cached = map[[32]byte]*markdown.Doc{}
	payload, ok := lo.o.bucket.Get(lo.key)
	if !ok {
		return
	}
	r := record.NewReader(payload)
	cached := map[[32]byte]*markdown.Doc{}
	texts := map[*markdown.Doc][32]byte{}
	for range r.Len() {
		var src, text [32]byte
		copy(src[:], r.Bytes())
		copy(text[:], r.Bytes())
		d, err := markdown.ReadOutline(r, nil)
		if err != nil {
			return
		}
		cached[src], texts[d] = d, text
	}
	if r.Done() == nil {
		lo.cached, lo.texts = cached, texts
	}
}

// letterOutlines are one letter's documents for the first pass
// (site.FirstPass): those the cache holds, and the others parsed.
type letterOutlines struct {
	o      *outlines
	key    [32]byte
	cached map[[32]byte]*markdown.Doc // by the hash of their source; nil until read
	texts  map[*markdown.Doc][32]byte // site.SectionTextHash of each
	docs   []outlinedDoc              // every document asked for, in order
	parsed bool                       // some were not in the cache
}

type outlinedDoc struct {
	src [32]byte
	doc *markdown.Doc
}

// Parse returns the document of source src: its outline from the cache,
// or parsed.
func (lo *letterOutlines) Parse(src []byte) *markdown.Doc {
	lo.read()
	sum := sha256.Sum256(src)
	d := lo.cached[sum]
	if d == nil {
		d = lo.o.conv.Parse(src)
		lo.texts[d] = site.SectionTextHash(d)
		lo.parsed = true
	} else {
		d.Source = src
	}
	lo.docs = append(lo.docs, outlinedDoc{src: sum, doc: d})
	return d
}

// TextHash returns site.SectionTextHash of a document Parse returned.
func (lo *letterOutlines) TextHash(d *markdown.Doc) [32]byte { return lo.texts[d] }

// keep keeps the outlines of a letter some of whose documents were
// parsed, unless one has problems (which only parsing reports).
func (lo *letterOutlines) keep() {
	if !lo.parsed {
		return
	}
	w := &record.Writer{}
	w.Uint(uint64(len(lo.docs)))
	for _, od := range lo.docs {
		if !od.doc.HasOutline() {
			return
		}
		text := lo.texts[od.doc]
		w.Bytes(od.src[:])
		w.Bytes(text[:])
		od.doc.AppendOutline(w)
	}
	lo.o.bucket.Put(lo.key, w.B) // see put
}

// writeRest is writeRest (the pages that list letters and handreikingen,
// the site pages, the assets, media, feed and sitemaps) through the
// cache: they show of the letters only what structureHash hashes, so
// while it, the media and everything global stay the same, their files
// are the cache's. It puts what it writes in the cache unless the build
// found problems.
func (bc *buildCache) writeRest(s *site.Site, r *render.Renderer, out *output, workers int, diags *diag.List) error {
	// What every page of the rest shows of the site but the letters: the
	// build's kind, the global hash and the media's stamps.
	h := sha256.New()
	fmt.Fprintf(h, "rest\x00%s\x00", bc.kind)
	h.Write(bc.global[:])
	for _, m := range s.Media() {
		fmt.Fprintf(h, "%s\x00%s\x00", m, stampOf(bc.content, m))
	}
	var base, key [32]byte
	h.Sum(base[:0])
	structure := structureHash(s)
	key = sha256.Sum256(append(base[:], structure[:]...))
	if payload, ok := bc.index.Get(key); ok {
		r := record.NewReader(payload)
		pages, files := int(r.Uint()), readFiles(r)
		if r.Done() == nil {
			out.pages.Add(int64(pages))
			// The handreikingen's pages are kept on their own too, for
			// a build that makes the rest again: used, for Prune.
			for _, p := range s.OtherPages() {
				if p.Refs != nil {
					bc.index.Touch(guidePageKey(base, p.Kind, p.Path, p.Title, p.Refs))
				}
			}
			return writeCached(out, files)
		}
	}
	fr := &fileRecorder{}
	own := func(p *render.Page, out *output) (bool, error) { return bc.guidePage(r, base, p, out, fr, diags) }
	if err := writeRest(s, r, out.recording(fr), workers, own); err != nil {
		return err
	}
	if diags.Len() == 0 {
		w := &record.Writer{}
		w.Uint(uint64(fr.pages))
		appendFiles(w, fr.files)
		bc.index.Put(key, w.B) // see put
	}
	return nil
}

// guidePage writes p, when it is a page of a handreiking (its own, or a
// further page of the places that link to it), from the cache where it
// holds it under guidePageKey (from base, see writeRest), or renders it
// and keeps it there (unless the build found problems), and notes it in
// fr, the recorder of the rest of the site: adding a letter that links
// one handreiking renders that one's pages again, not a thousand. It
// reports false for any other page.
func (bc *buildCache) guidePage(r *render.Renderer, base [32]byte, p *render.Page, out *output, fr *fileRecorder, diags *diag.List) (bool, error) {
	if p.Refs == nil {
		return false, nil
	}
	key := guidePageKey(base, p.Kind, p.Path, p.Title, p.Refs)
	if payload, ok := bc.index.Get(key); ok {
		rr := record.NewReader(payload)
		if files := readFiles(rr); rr.Done() == nil && len(files) > 0 {
			out.pages.Add(1)
			fr.add(files, 1)
			return true, writeCached(out, files)
		}
	}
	own := &fileRecorder{}
	var buf bytes.Buffer
	if err := out.recording(own).page(r, &buf, p); err != nil {
		return true, err
	}
	fr.add(own.files, own.pages)
	if diags.Len() == 0 {
		w := &record.Writer{}
		appendFiles(w, own.files)
		bc.index.Put(key, w.B) // see put
	}
	return true, nil
}

// guidePageKey is the key of a page of a handreiking, of kind and at
// path with title, which shows the places refs (the handreiking's or
// some of them): base (what every page of the rest shows of the site but
// the letters: see writeRest), the page, and for each place, in the
// order shown, what the page shows of it and of its letter (its public
// part). Not the letter's place among the others, which the page shows
// only by that order: a letter added renders again the pages of the
// handreikingen it links to alone.
func guidePageKey(base [32]byte, kind, path, title string, refs *site.RefsPage) [32]byte {
	h := sha256.New()
	h.Write([]byte("guidepage\x00"))
	h.Write(base[:])
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%d\x00", kind, path, title, refs.Guide.ID, refs.N, refs.Pages)
	for _, ref := range refs.Refs {
		li := ref.Letter
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s\x00%s\x00", li.Slug, ref.Page, ref.SectionID, ref.SectionTitle, ref.LinkText, ref.AnchorText)
		h.Write(li.Public[:])
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}
