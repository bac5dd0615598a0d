package build

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"ledenbrief/internal/cache"
	"ledenbrief/internal/content"
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

// idleBuckets is how long the cache keeps what a kind of build (see
// buildCache) made when no build of that kind ran.
const idleBuckets = 30 * 24 * time.Hour

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
// entry is there is neither read nor parsed nor rendered again.
type buildCache struct {
	store   *cache.Cache
	letters *cache.Bucket
	pdfs    *cache.Bucket // nil unless the build prints PDFs
	content fs.FS
	keys    map[string][32]byte // by letter folder
	start   time.Time
	reused  atomic.Int64
	built   atomic.Int64
}

// openCache opens the build cache of opts for site s, rendered by r,
// whose letters' files hash to sources (by folder).
func openCache(opts Options, s *site.Site, r *render.Renderer, sources map[string][32]byte) (*buildCache, error) {
	start := time.Now()
	store, err := cache.Open(opts.Cache)
	if err != nil {
		return nil, err
	}
	kind := fmt.Sprintf("letters\x00offline=%t\x00positions=%t\x00drafts=%q", !opts.NoOffline, opts.KeepIndex, draftNumbers(s))
	letters, err := store.Bucket(bucketName(kind))
	if err != nil {
		return nil, err
	}
	bc := &buildCache{store: store, letters: letters, content: s.Content.FS, keys: map[string][32]byte{}, start: start}
	if opts.PDF {
		if bc.pdfs, err = store.Bucket(bucketName("pdf\x00" + kind)); err != nil {
			return nil, err
		}
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
	for slug, fp := range fingerprints(s, sources, global) {
		bc.keys[slug] = sha256.Sum256(append([]byte(kind+"\x00"), fp[:]...))
	}
	return bc, nil
}

// bucketName is the cache bucket of a kind of build.
func bucketName(kind string) string {
	sum := sha256.Sum256([]byte(kind))
	return fmt.Sprintf("%x", sum[:8])
}

// finish notes the build a success: what it did not use of its kind is
// removed, and the kinds of build no one ran for a while.
func (bc *buildCache) finish() error {
	err := bc.letters.Prune(bc.start)
	if bc.pdfs != nil {
		err = bc.pdfs.Prune(bc.start)
	}
	if err == nil {
		err = bc.store.PruneIdle(idleBuckets)
	}
	return err
}

// letterEntry is what the cache keeps of a letter.
type letterEntry struct {
	pages     int          // how many of files are pages
	files     []cachedFile // in the order they were written
	analysed  []*search.AnalyzedUnit
	reuse     site.Reuse
	downloads *render.Downloads // nil when the build makes no copies
	media     []mediaStamp      // the content files the copies hold
}

// cachedFile is one output file of an entry.
type cachedFile struct {
	name string
	sum  [32]byte
	data []byte
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
	bc.letters.Put(bc.keys[slug], e.appendRecord(nil))
}

func (e *letterEntry) appendRecord(b []byte) []byte {
	w := &record.Writer{B: b}
	w.Uint(uint64(e.pages))
	appendFiles(w, e.files)
	w.Uint(uint64(len(e.analysed)))
	for _, au := range e.analysed {
		au.AppendRecord(w)
	}
	e.reuse.AppendRecord(w)
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
	e := &letterEntry{pages: int(r.Uint())}
	e.files = readFiles(r)
	e.analysed = make([]*search.AnalyzedUnit, r.Len())
	for i := range e.analysed {
		au, err := search.ReadAnalyzed(r)
		if err != nil {
			return nil, err
		}
		e.analysed[i] = au
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
	return sha256.Sum256(append([]byte("pdf\x00"), key[:]...))
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
	f := cachedFile{name: name, sum: sha256.Sum256(data), data: append([]byte(nil), data...)}
	fr.mu.Lock()
	fr.files = append(fr.files, f)
	if page {
		fr.pages++
	}
	fr.mu.Unlock()
	return f
}

func (fr *fileRecorder) read(p string) {
	fr.mu.Lock()
	fr.media = append(fr.media, p)
	fr.mu.Unlock()
}

// sourceHashes are the hashes of the letters' files (sourceHash), by
// folder, as the first pass loads them.
type sourceHashes struct {
	mu   sync.Mutex
	sums map[string][32]byte
}

// note notes the files of a loaded letter (their hash from loaded, when
// it holds the letter).
func (sh *sourceHashes) note(l *content.Letter, loaded *letterCache) {
	sum, ok := loaded.sum(l)
	if !ok {
		sum = sourceHash(l)
	}
	sh.mu.Lock()
	sh.sums[l.Slug] = sum
	sh.mu.Unlock()
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
