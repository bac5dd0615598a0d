// Package build runs the whole pipeline for one site: load the content,
// index every letter (first pass: ids, sections, links between letters),
// connect them (series, backlinks, the anchor lock), resolve and render
// every letter (second pass), render the pages that list them, and publish
// the result. Letters are streamed through a pool of workers in both
// passes, one letter at a time per worker, so memory stays flat as a site
// grows. Output goes through the publish package, which swaps it in only
// when the build had no errors, so a failed or interrupted build never
// damages the previous output.
package build

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ledenbrief"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/manifest"
	"ledenbrief/internal/pool"
	"ledenbrief/internal/publish"
	"ledenbrief/internal/render"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// GCPercent and MemoryLimit are the garbage collector settings the
// command runs builds with (unless GOGC or GOMEMLIMIT is set). A build
// allocates much short-lived memory: collecting a third as often saves a
// fifth of the build time, and the soft limit keeps the heap that this
// lets grow within 900 MiB while what the build holds is below it (at
// most 630 MiB at 10,000 letters of the benchmark corpus, where the limit
// costs 5% of the time and saves half the peak memory).
const (
	GCPercent   = 200
	MemoryLimit = 900 << 20
)

// Options configure a build.
type Options struct {
	// Content is the content folder.
	Content string
	// Out is the output folder; empty with Check.
	Out string
	// BaseURL overrides site.yaml's base_url when not empty.
	BaseURL string
	// ThemeDir, when not empty, is a folder whose templates/ and assets/
	// replace the embedded theme's files of the same name.
	ThemeDir string
	// Check validates the content and renders every page without writing.
	Check bool
	// Clean replaces everything in the output folder, also files that no
	// build wrote; by default those are kept.
	Clean bool
	// Context stops the build when it is done (an interrupt); nil means
	// never. A stopped build publishes nothing and leaves nothing behind.
	Context context.Context
	// Drafts builds the letters marked draft too, each page marked as a
	// concept; they stay out of the home page, feed, sitemap and search.
	Drafts bool
	// SignKey, when set, signs manifest.json: the build writes
	// manifest.sig (see package manifest).
	SignKey ed25519.PrivateKey
	// ValidFor, with SignKey, is how long mirrors accept the signed site
	// (manifest.Manifest.Expires); 0 means no expiry.
	ValidFor time.Duration
	// PreviousKey, with SignKey, endorses SignKey's public key in the
	// site (manifest.EndorsementName), so that mirrors that trust the
	// previous key come to trust the new one.
	PreviousKey ed25519.PrivateKey
	// Workers is the number of letters processed at once; 0 means one per CPU.
	Workers int
	// KeepIndex returns the bleve index in the Result, made with term
	// vectors so that it can highlight (for the search command and server).
	KeepIndex bool
	// PDF prints every published letter with its annex to a PDF beside
	// its page, offered with its copies; it needs Chromium (Chromium
	// names it) and takes about a second a letter.
	PDF bool
	// Chromium is the browser that prints the PDFs.
	Chromium string
	// Document, a letter's folder ("21-082"), asks for that letter and its
	// annex as one document to print (Result.Document), as the PDFs are
	// printed from.
	Document string
	// NoOffline leaves out the offline copies of the letters, which double
	// the time a build takes: for a quick preview. A published site has
	// them.
	NoOffline bool
	// SiteZip also writes SiteZip, a zip of the whole site, and offers it
	// on the home page. Its entries that did not change since the previous
	// build's zip are copied from it as they were compressed.
	SiteZip bool
	// UpdateLock adds every published anchor the lock does not list yet
	// to the content's anchors.lock once the site is published, as cargo
	// build updates Cargo.lock. A build with Drafts never changes the lock.
	UpdateLock bool
	// Locked fails the build, before anything is written, when the lock
	// does not list every published anchor (for CI: the lock must have
	// been updated and reviewed with the content).
	Locked bool
	// Lang is the language the build's problems are reported in by those
	// who print them (the build itself keeps them as values).
	Lang diag.Lang
	// Cache, when not empty, is the build cache's folder: what a letter
	// made is kept there and used again by the next build that would
	// make it the same (see buildCache). A check reads it and writes
	// nothing into it.
	Cache string

	rec     *recorder        // notes what the build made, for Incremental
	sources *sourceHashes    // the letters' files, for the cache's keys and Incremental
	parses  *site.ParseCache // first-pass documents of earlier builds
	letters *letterCache     // letters loaded by earlier builds
}

// Result summarises a build.
type Result struct {
	Diags *diag.List // content errors; the build wrote nothing when this is not empty
	Pages int        // HTML pages rendered
	Files int        // files written, pages included
	Bytes int64      // bytes written
	Units int        // searchable units indexed
	// Reused and Built count the letters whose files came from the
	// cache and those made now, when the build used a cache.
	Reused, Built int
	// SearchLent reports that no letter changed since a build whose
	// output was still there: its static search index was taken whole,
	// not made again.
	SearchLent bool
	// CacheErr is why the build could not use the cache it was given; it
	// was built without.
	CacheErr error
	// LockAdded is how many anchors UpdateLock added to LockFile.
	LockAdded int
	LockFile  string
	// Drafts are the numbers of the draft letters in the build, sorted.
	Drafts []string
	// BaseURL is the site's canonical address, ending in "/".
	BaseURL string
	// Document is the print document Options.Document asked for.
	Document []byte

	// Index and Dict are the bleve index and its static form, with KeepIndex.
	Index *search.Index
	Dict  *search.Dictionary
}

// Run builds the site described by opts. A non-nil error means the build
// could not run (for example the output folder is not writable); problems
// in the content are in Result.Diags.
func Run(opts Options) (*Result, error) {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	started := time.Now()
	res := &Result{Diags: &diag.List{}}
	diags := res.Diags
	cached := opts.Cache != ""
	if cached && opts.sources == nil {
		opts.sources = newSourceHashes()
	}
	s, r, err := load(opts, res)
	if err != nil {
		return res, err
	}
	out, err := openOutput(opts)
	if err != nil {
		return res, err
	}
	defer out.Abandon()
	var bc *buildCache
	if cached {
		// Also when loading found problems: the cache holds only letters
		// a build made without problems, under keys of everything they
		// show, so the others are found as a build without it finds them
		// (TestProblemsAreFoundWithTheCache), in seconds instead of the
		// twenty a 5,000-letter check took. A cache that cannot be opened
		// (a read-only disk, a file in its place) costs this build its
		// time, not its result.
		if bc, res.CacheErr = openCache(opts, s, r, opts.sources.sums, started); res.CacheErr != nil {
			bc = nil
		}
	}

	// Only the search command and the server search the bleve index; a
	// build that does not keep it needs the static index alone.
	idx := search.NewStaticIndex()
	if opts.KeepIndex {
		if idx, err = search.NewIndex(true); err != nil {
			return res, err
		}
	}
	defer func() {
		if res.Index == nil { // not handed to the caller
			idx.Close()
		}
	}()
	guides := newGuideUnits(s, opts.KeepIndex)
	exports := &exportRecorder{}
	static := search.NewStaticWriter(func(name string, data []byte, sum [32]byte) error {
		exports.note(name, len(data), sum)
		return out.Folder.WriteFileSum(name, data, sum)
	})
	pass := &letterPass{s: s, r: r, idx: idx, positions: opts.KeepIndex, static: static, out: out, diags: diags,
		offered: printed{downloads: map[string]*render.Downloads{}}, rec: opts.rec, cache: bc}
	if !opts.Check && !opts.NoOffline {
		if pass.offline, err = newOfflineKit(s, r, guides); err != nil {
			return res, err
		}
	}
	if bc != nil && !opts.KeepIndex { // a bleve index needs every unit
		// When no letter's key changed since a build whose output is
		// still there, neither did the static index: it is lent whole.
		if res.Units, pass.lent = bc.lendExported(out); pass.lent {
			bc.keepSearch(s)
		} else {
			pass.static.Memo = bc.packMemo()
			pass.static.Lend = func(name string, sum [32]byte, size int) bool {
				if !out.Folder.Lend(name, sum, int64(size)) {
					return false
				}
				exports.note(name, size, sum)
				return true
			}
			if pass.segments, err = bc.segments(s, idx, opts.Workers); err != nil {
				return res, err
			}
		}
	}
	if err := pass.run(ctx, s.Letters, opts.Workers); err != nil {
		return res, err
	}
	// What the export writes is kept for a later build (keepExported).
	exports.on.Store(bc != nil && !opts.KeepIndex && !pass.lent)
	dict, err := buildRest(s, r, idx, guides, pass.static, out, opts.Workers, diags, bc, pass.lent)
	if err != nil {
		return res, err
	}
	if dict != nil {
		res.Units = dict.N
	}
	if bc != nil {
		res.Reused, res.Built = int(bc.reused.Load()), int(bc.built.Load())
		res.SearchLent = pass.lent
	}
	if opts.KeepIndex {
		res.Index, res.Dict = idx, dict
	}
	res.count(out)
	res.Drafts = draftNumbers(s)
	res.LockFile = filepath.Join(opts.Content, content.LockFile)
	unlocked := checkUnlocked(opts, s, res)
	if diags.Len() > 0 || opts.Check {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := finish(ctx, opts, s, r, out, pass, res, unlocked); err != nil || bc == nil {
		return res, err
	}
	// The site is published: a cache that cannot be tidied costs disk
	// space, not the build.
	if exports.on.Load() {
		bc.keepExported(dict.N, exports.files)
	}
	bc.finish(pass.static.Memo)
	return res, nil
}

// load reads and indexes the content (its problems into res) and loads
// the theme.
func load(opts Options, res *Result) (*site.Site, *render.Renderer, error) {
	s, err := Index(opts, res.Diags)
	if err != nil {
		return nil, nil, err
	}
	s.CheckLock(res.Diags)
	res.BaseURL = s.Content.Config.BaseURL
	if opts.rec != nil {
		opts.rec.site = s
	}
	r, err := newRenderer(opts, s)
	if err != nil {
		return nil, nil, err
	}
	if opts.rec != nil {
		opts.rec.renderer = r
	}
	return s, r, nil
}

// openOutput opens the folder the build publishes into; for a check, one
// that writes nothing.
func openOutput(opts Options) (*output, error) {
	if opts.Check {
		return newOutput(publish.Discard()), nil
	}
	f, err := publish.Open(opts.Out, opts.Content, opts.Clean)
	if err != nil {
		return nil, err
	}
	return newOutput(f), nil
}

// count notes what out holds so far.
func (res *Result) count(out *output) {
	res.Pages, res.Files, res.Bytes = int(out.pages.Load()), out.Files(), out.Bytes()
}

// checkUnlocked returns the published anchors the lock does not list yet,
// when the build keeps the lock (UpdateLock) or must not change it
// (Locked, which makes them an error).
func checkUnlocked(opts Options, s *site.Site, res *Result) []string {
	if opts.Drafts || !(opts.UpdateLock || opts.Locked) || res.Diags.Len() > 0 {
		return nil
	}
	unlocked := s.Lock.Unlocked(s.PublishedKeys())
	if opts.Locked && len(unlocked) > 0 {
		src := s.Lock.Src
		if src == nil {
			src = &diag.Source{Path: path.Join(s.Content.Prefix, content.LockFile)}
		}
		res.Diags.Add(src, 0, diag.LockWouldAdd, len(unlocked), res.LockFile)
	}
	return unlocked
}

// finish publishes a site whose pages are written: its PDFs and the print
// document asked for, its signing key's endorsement, the site's zip, the
// manifest (signed), the folder swapped in, and then the lock updated
// with the anchors it did not list (unlocked).
func finish(ctx context.Context, opts Options, s *site.Site, r *render.Renderer, out *output, pass *letterPass, res *Result, unlocked []string) error {
	var err error
	if opts.PDF {
		if err := printPDFs(ctx, s, r, out, opts.Chromium, &pass.offered, pass.cache); err != nil {
			return err
		}
		res.count(out)
	}
	if opts.Document != "" {
		if res.Document, err = documentOf(s, r, opts.Document); err != nil {
			return err
		}
	}
	published := describe(s)
	if opts.SignKey != nil {
		published.Stamp(manifest.Previous(opts.Out), opts.ValidFor)
		if opts.PreviousKey != nil {
			if err := out.WriteFile(manifest.EndorsementName, manifest.Endorse(opts.PreviousKey, opts.SignKey.Public().(ed25519.PublicKey))); err != nil {
				return err
			}
		}
	}
	if opts.SiteZip && !opts.Check {
		if err := out.WriteSiteZip(SiteZip, published, opts.SignKey); err != nil {
			return err
		}
		res.count(out)
	}
	if err := out.Commit(published, opts.SignKey); err != nil {
		return err
	}
	if opts.UpdateLock && len(unlocked) > 0 {
		if res.LockAdded, err = s.Lock.WriteMerged(res.LockFile, unlocked); err != nil {
			return fmt.Errorf("the site is published, but %s could not be updated: %w", res.LockFile, err)
		}
	}
	return nil
}

// draftNumbers returns the numbers of the draft letters of s, sorted.
func draftNumbers(s *site.Site) []string {
	var out []string
	for _, li := range s.Letters {
		if li.Meta.Draft {
			out = append(out, li.Meta.Number)
		}
	}
	slices.Sort(out)
	return out
}

// newRenderer loads the theme: the embedded one, with the files of
// opts.ThemeDir in place of its own.
func newRenderer(opts Options, s *site.Site) (*render.Renderer, error) {
	theme := fs.FS(ledenbrief.Theme)
	if opts.ThemeDir != "" {
		theme = render.Overlay(ledenbrief.Theme, os.DirFS(opts.ThemeDir))
	}
	r, err := render.New(theme, s.Converter, &s.Content.Config, s.InfoPages)
	if err == nil && opts.Drafts {
		r.MarkConcept(draftNumbers(s))
	}
	if err == nil && opts.SiteZip {
		r.OfferSiteZip(SiteZip)
	}
	return r, err
}

// describe is what manifest.json says of the site besides its files: the
// version of ledenbrief, the published letters and the drafts built
// with them (a concept build's).
func describe(s *site.Site) manifest.Manifest {
	m := manifest.Manifest{Version: manifest.Version()}
	for _, li := range s.Letters {
		l := manifest.Letter{Number: li.Meta.Number, Path: li.Path(), Date: li.Meta.Date.Format("2006-01-02")}
		if li.Series != nil {
			l.Series, l.Edition = li.Meta.Series, li.Edition+1
		}
		if li.Meta.Draft {
			m.Drafts = append(m.Drafts, l)
		} else {
			m.Letters = append(m.Letters, l)
		}
	}
	return m
}

// Index loads the content and makes the first pass over every letter:
// the site it returns knows every letter's ids, sections, series and the
// links between letters, but has rendered nothing and has not checked
// the anchor lock (see site.Site.CheckLock).
func Index(opts Options, diags *diag.List) (*site.Site, error) {
	if info, err := os.Stat(opts.Content); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("content folder %s: not found", opts.Content)
	}
	prefix := filepath.ToSlash(filepath.Clean(opts.Content))
	c := content.Load(os.DirFS(opts.Content), prefix, diags)
	if opts.BaseURL != "" {
		if err := CheckBaseURL(opts.BaseURL); err != nil {
			return nil, err
		}
		c.Config.BaseURL = strings.TrimSuffix(opts.BaseURL, "/") + "/"
	}
	s := site.New(c, opts.Drafts, diags)
	s.Parses = opts.parses
	var outlines *outlines
	if opts.Cache != "" {
		outlines = openOutlines(opts.Cache, s.Converter, opts.Check)
	}
	err := pool.Each(c.LetterSlugs, opts.Workers, func(i int, slug string) error {
		load := c.LoadLetter
		if opts.letters != nil {
			load = opts.letters.loader(c)
		}
		l := load(slug, diags)
		if l == nil {
			return nil
		}
		var sources [32]byte
		if opts.sources != nil {
			sources = opts.sources.note(l, opts.letters)
		}
		if outlines == nil {
			s.IndexLetter(l, i, diags)
			return nil
		}
		docs := outlines.letter(sources)
		var fp site.FirstPass = docs
		if s.Parses != nil { // the preview's: it holds the outlines of the last build
			fp = s.Parses.Through(docs)
		}
		s.IndexLetterWith(l, i, diags, fp)
		docs.keep()
		return nil
	})
	s.Link(diags)
	return s, err
}

// CheckBaseURL reports a base URL that is not an absolute http(s) URL
// with a host: the feed, the sitemap and every canonical link start with
// it, so a javascript: or relative one would be written into all of them.
func CheckBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("base URL %q must be an absolute http(s) URL, like https://ledenbrieven.example.org/", base)
	}
	return nil
}

// ExampleHost reports whether base is an address that cannot be the
// site's real one: a domain reserved for examples and tests (RFC 2606:
// example.org, .example, .test, .invalid, .localhost). Copies and PDFs
// made with it link readers nowhere.
func ExampleHost(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return true
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	for _, d := range []string{"example.org", "example.com", "example.net", "example", "test", "invalid", "localhost"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return host == ""
}

// letterPass is the second pass over the letters: each is resolved and
// rendered, indexed for search and, when the site is written, copied for
// offline reading.
type letterPass struct {
	s         *site.Site
	r         *render.Renderer
	idx       *search.Index // nil: the units are not indexed
	positions bool          // analyse with positions, for an index that highlights
	static    *search.StaticWriter
	out       *output
	offline   *offlineKit      // nil when nothing is written
	offered   printed          // what each letter page offers
	rec       *recorder        // nil unless building for Incremental
	cache     *buildCache      // nil unless the build keeps a cache
	segments  map[int]*segment // with a cache, where the letters' units are collected; nil: into idx
	lent      bool             // the static index's export was lent from the previous output: nothing is collected
	diags     *diag.List
}

// run resolves and renders letters, several at once: each one's page,
// its annex, what changed since the previous edition, its searchable
// units (drafts are never searchable) and its offline copies.
func (p *letterPass) run(ctx context.Context, letters []*site.LetterInfo, workers int) error {
	var bufs sync.Pool
	return pool.Each(letters, workers, func(_ int, li *site.LetterInfo) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf, _ := bufs.Get().(*bytes.Buffer)
		if buf == nil {
			buf = new(bytes.Buffer)
		}
		defer bufs.Put(buf)
		return p.letter(li, buf)
	})
}

// letter makes a letter's files, or takes them from the cache.
func (p *letterPass) letter(li *site.LetterInfo, buf *bytes.Buffer) error {
	if p.cache == nil {
		_, err := p.make(li, buf, p.out)
		return err
	}
	if e := p.cache.get(li.Slug); e != nil {
		if units, ok := p.readUnits(li, e); ok {
			placed, err := p.cache.placeFiles(p.out, li.Slug, e.files)
			if err != nil {
				return err
			}
			if placed {
				p.cache.reused.Add(1)
				if err := p.reuse(li, e, units); err != nil {
					return err
				}
				return p.segmentIn(li)
			}
		}
	}
	p.cache.built.Add(1)
	fr := &fileRecorder{}
	e, err := p.make(li, buf, p.out.recording(fr))
	if err != nil {
		return err
	}
	if e != nil && p.diags.Len() == 0 {
		e.files, e.pages = fr.files, fr.pages
		e.media = p.cache.stamps(append(fr.media, e.reuse.Media...))
		p.cache.put(li.Slug, e)
	}
	return p.segmentIn(li)
}

// segmentIn notes that a letter's units are collected (see
// buildCache.letterIn).
func (p *letterPass) segmentIn(li *site.LetterInfo) error {
	if p.segments == nil || li.Meta.Draft {
		return nil
	}
	return p.cache.letterIn(p.segments[segmentOf(li.Slug)], p.idx, p.diags.Len() == 0)
}

// reuse takes a letter from its cache entry, whose files are in place
// (placeFiles), with its units as readUnits read them: it indexes them
// and adds to the site what resolving the letter added.
func (p *letterPass) reuse(li *site.LetterInfo, e *letterEntry, units []search.Unit) error {
	p.out.pages.Add(int64(e.pages))
	for _, f := range e.docs {
		if err := p.static.AddFile(f); err != nil {
			return err
		}
	}
	p.s.Reused(li.Slug, e.reuse)
	if e.downloads != nil {
		p.offered.keep(li.Slug, e.downloads)
	}
	if p.rec != nil {
		p.rec.letter(li.Slug, units, e.reuse)
	}
	return p.collect(li, e.analysed)
}

// readUnits reads the analysed units of letter li's cache entry e when
// this build needs them: when its segment is collected again (see
// segment); and the units alone when only the incremental builder notes
// them. It reports false when the cache no longer holds them whole.
func (p *letterPass) readUnits(li *site.LetterInfo, e *letterEntry) (units []search.Unit, ok bool) {
	switch {
	case p.collects(li):
		analysed, ok := p.cache.units(li.Slug, e)
		return unitsOf(analysed), ok
	case p.rec != nil:
		return p.cache.unitsOnly(li.Slug, e)
	}
	p.cache.keepUnits(li.Slug)
	return nil, true
}

// collects reports whether the units of letter li are collected in this
// build: a published letter's are, unless its segment came from the cache.
func (p *letterPass) collects(li *site.LetterInfo) bool {
	if li.Meta.Draft || p.idx == nil || p.lent {
		return false
	}
	return p.segments == nil || p.segments[segmentOf(li.Slug)].collector != nil
}

// collect collects the analysed units of letter li: into its segment, or
// into the index.
func (p *letterPass) collect(li *site.LetterInfo, analysed []*search.AnalyzedUnit) error {
	if !p.collects(li) {
		return nil
	}
	if p.segments != nil {
		p.segments[segmentOf(li.Slug)].collector.Add(analysed)
		return nil
	}
	return p.idx.Add(analysed)
}

// make resolves and renders a letter into out, and returns what its
// cache entry holds besides the files; nil when it cannot be indexed.
func (p *letterPass) make(li *site.LetterInfo, buf *bytes.Buffer, out *output) (*letterEntry, error) {
	s, r := p.s, p.r
	l, err := reload(s, li.Slug)
	if err != nil {
		return nil, err
	}
	rl := s.ResolveLetter(l, p.diags)
	var units []search.Unit
	var analysed []*search.AnalyzedUnit
	if !li.Meta.Draft {
		var ok bool
		if units, analysed, ok, err = p.index(rl); err != nil || !ok {
			return nil, err
		}
	}
	e := &letterEntry{analysed: analysed, reuse: rl.Reuse()}
	if p.idx != nil && !li.Meta.Draft {
		if err := p.collect(li, analysed); err != nil {
			return nil, err
		}
		if e.docs, err = p.static.DocFiles(units); err != nil {
			return nil, err
		}
		for _, f := range e.docs {
			if err := p.static.AddFile(f); err != nil {
				return nil, err
			}
		}
	}
	if p.rec != nil {
		p.rec.letter(li.Slug, units, e.reuse)
	}
	var letterPage, annexPage *render.Page
	var compared []*site.Page
	editions := parsedEditions{}
	for _, sp := range s.LetterPages(li) {
		v := view(s, sp)
		switch sp.Kind {
		case site.KindLetter:
			v.Letter, letterPage = rl, v
		case site.KindAnnex:
			v.Letter, annexPage = rl, v
		case site.KindChanges:
			compared = append(compared, sp)
		}
	}
	if n := li.Newer(); n != nil && annexPage != nil {
		newest, err := editions.parse(s, n)
		if err != nil {
			return nil, err
		}
		annexPage.Fates = s.SubsectionFates(rl, newest)
	}
	if p.offline != nil && !li.Meta.Draft && p.diags.Len() == 0 {
		e.downloads, err = p.withCopies(out, rl, analysed, letterPage, annexPage, buf)
	} else {
		err = out.page(r, buf, letterPage)
		if err == nil && annexPage != nil {
			err = out.page(r, buf, annexPage)
		}
	}
	if err != nil {
		return e, err
	}
	return e, p.comparisons(out, rl, compared, editions, buf)
}

// parsedEditions are the other editions of a letter's series that its
// pages show, each parsed once however many pages show it.
type parsedEditions map[*site.LetterInfo]*site.Letter

// parse returns edition li parsed.
func (pe parsedEditions) parse(s *site.Site, li *site.LetterInfo) (*site.Letter, error) {
	if l := pe[li]; l != nil {
		return l, nil
	}
	l, err := reload(s, li.Slug)
	if err != nil {
		return nil, err
	}
	pe[li] = s.Parse(l)
	return pe[li], nil
}

// comparisons renders the changes pages of letter rl: each compares it
// with another edition of its series.
func (p *letterPass) comparisons(out *output, rl *site.Letter, pages []*site.Page, editions parsedEditions, buf *bytes.Buffer) error {
	for _, sp := range pages {
		other, err := editions.parse(p.s, sp.Other)
		if err != nil {
			return err
		}
		v := view(p.s, sp)
		v.Changes = p.s.Compare(rl, other)
		v.Changes.Pair = sp.Path != rl.Info.ChangesPath()
		if err := out.page(p.r, buf, v); err != nil {
			return err
		}
	}
	return nil
}

// index makes the searchable units of a published letter, with the
// everyday words and abbreviations they can be found by, and, when they
// are indexed or copied, analyses each once (make collects them); ok is
// false when the letter cannot be indexed, which is reported.
func (p *letterPass) index(rl *site.Letter) (units []search.Unit, analysed []*search.AnalyzedUnit, ok bool, err error) {
	s := p.s
	units, err = LetterUnits(rl, LetterBase(rl.Info.Slug))
	if err != nil {
		p.diags.Add(rl.Src.Body.Src, 0, diag.BuildFailed, err)
		return nil, nil, false, nil
	}
	search.AddAbbreviations(units, s.Content.Abbreviations)
	search.AddSynonyms(units, s.Content.Synonyms)
	if p.idx == nil && p.offline == nil {
		return units, nil, true, nil // Incremental analyses them when it exports the index
	}
	if analysed, err = search.AnalyzeAll(units, p.positions); err != nil {
		return nil, nil, false, err
	}
	return units, analysed, true, nil
}

// withCopies writes a published letter's page and annex with its offline
// copies. The copies are made first, so that the letter page offers them
// with their sizes.
func (p *letterPass) withCopies(out *output, rl *site.Letter, units []*search.AnalyzedUnit, letterPage, annexPage *render.Page, buf *bytes.Buffer) (*render.Downloads, error) {
	r := p.r
	d := p.offline.downloads(rl.Info)
	if err := p.offline.copies(out, rl, units, letterPage, annexPage, d); err != nil {
		return nil, err
	}
	p.offered.keep(rl.Info.Slug, d)
	letterPage.Downloads = d
	if err := out.page(r, buf, letterPage); err != nil {
		return nil, err
	}
	if annexPage != nil {
		return d, out.page(r, buf, annexPage)
	}
	return d, nil
}

// view is what the template of page p is given: the page, and the site's
// data its kind shows.
func view(s *site.Site, p *site.Page) *render.Page {
	v := &render.Page{
		Kind: p.Kind, Path: p.Path, Title: p.Title, Description: p.Description, Draft: p.Draft, Refresh: p.Refresh,
		Archive: p.Archive, Refs: p.Refs, Series: p.Series, Redirect: p.Redirect, Guide: p.Guide, SitePage: p.Info,
	}
	switch p.Kind {
	case site.KindHome:
		v.Home, v.Years = s.Home(), s.Years()
	case site.KindGuides:
		v.Guides = s.Guides
	case site.KindAbbreviations:
		v.Abbreviations = s.Content.Abbreviations
	}
	return v
}

// renderBytes renders p into a copy of its own.
func renderBytes(r *render.Renderer, buf *bytes.Buffer, p *render.Page) ([]byte, error) {
	buf.Reset()
	if err := r.Render(buf, p); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// reload loads a letter again in the second pass. Its problems were
// reported in the first; a letter that no longer loads was changed on
// disk during the build.
func reload(s *site.Site, slug string) (*content.Letter, error) {
	l := s.Content.LoadLetter(slug, &diag.List{})
	if l == nil {
		return nil, fmt.Errorf("letter %s changed during the build; build again", slug)
	}
	return l, nil
}

// buildRest writes everything that needs all letters: handreikingen with
// their backlinks, the index pages, series pages, the pages kept for
// aliases, the static search index, the feed, the sitemap and the assets.
// The static search index is made while the pages are rendered, unless
// it was lent (then the dictionary is nil); the pages come from the cache
// bc (nil for none) when it holds them.
func buildRest(s *site.Site, r *render.Renderer, idx *search.Index, guides *guideUnits, static *search.StaticWriter, out *output, workers int, diags *diag.List, bc *buildCache, lent bool) (*search.Dictionary, error) {
	s.ResolveGuides(diags)
	var dict *search.Dictionary
	exported := make(chan error, 1)
	go func() {
		var err error
		if !lent {
			dict, err = exportSearch(context.Background(), s, idx, guides, static)
		}
		exported <- err
	}()
	var written error
	if bc != nil {
		written = bc.writeRest(s, r, out, workers, diags)
	} else {
		written = writeRest(s, r, out, workers, nil)
	}
	err := errors.Join(written, <-exported)
	return dict, err
}

// writeRest renders the pages that list letters and handreikingen, the
// site pages and the pages kept for aliases, and writes the files that
// are not pages; call it after ResolveGuides. A page that own (nil for
// none) reports it wrote itself is left to it: the build cache writes the
// handreikingen's pages (see buildCache.guidePage).
func writeRest(s *site.Site, r *render.Renderer, out *output, workers int, own func(p *render.Page, out *output) (bool, error)) error {
	var pages []*render.Page
	var notFound *render.Page
	for _, p := range s.OtherPages() {
		if p.Kind == site.KindNotFound {
			notFound = view(s, p)
			continue
		}
		pages = append(pages, view(s, p))
	}
	rendered := pool.Each(pages, workers, func(_ int, p *render.Page) error {
		if own != nil {
			if done, err := own(p, out); done || err != nil {
				return err
			}
		}
		var buf bytes.Buffer
		return out.page(r, &buf, p)
	})
	return errors.Join(rendered, writeFiles(s, r, out, notFound))
}

// exportSearch indexes the handreikingen and site pages and writes the
// static search index of every unit indexed.
func exportSearch(ctx context.Context, s *site.Site, idx *search.Index, guides *guideUnits, static *search.StaticWriter) (*search.Dictionary, error) {
	analysed := make([]*search.AnalyzedUnit, 0, len(s.Guides)+2*len(s.InfoPages))
	for _, g := range s.Guides {
		au, err := guides.unit(g, g.AnchorTexts())
		if err != nil {
			return nil, err
		}
		analysed = append(analysed, au)
	}
	var pages []search.Unit
	for _, p := range s.InfoPages {
		pages = append(pages, PageUnits(p, search.OtherBase+len(s.Guides)+len(pages), s.PageAnchorTexts(p))...)
	}
	search.AddAbbreviations(pages, s.Content.Abbreviations)
	search.AddSynonyms(pages, s.Content.Synonyms)
	pagesAnalysed, err := search.AnalyzeAll(pages, guides.positions)
	if err != nil {
		return nil, err
	}
	analysed = append(analysed, pagesAnalysed...)
	if err := idx.Add(analysed); err != nil {
		return nil, err
	}
	if err := static.WriteDocs(unitsOf(analysed)); err != nil {
		return nil, err
	}
	dict, err := idx.Dictionary(ctx)
	if err != nil {
		return nil, err
	}
	dict.NoteSynonyms(s.Content.Synonyms)
	return dict, static.Finish(dict)
}

// unitsOf returns the units of analysed.
func unitsOf(analysed []*search.AnalyzedUnit) []search.Unit {
	units := make([]search.Unit, len(analysed))
	for i, au := range analysed {
		units[i] = au.Unit
	}
	return units
}

// guideUnits are the handreikingen's units, each analysed once, the
// first time the site's index or a letter's copy asks for it: as the
// site indexes it, with what all letters' links say of it, and as a
// letter's copy does, with what that letter's links say.
type guideUnits struct {
	s         *site.Site
	positions bool
	ordinal   map[*site.Guide]int
	units     sync.Map // guideKey → *search.AnalyzedUnit
}

// guideKey is a handreiking with the anchor texts its unit has.
type guideKey struct {
	guide   *site.Guide
	anchors string
}

// newGuideUnits returns the handreikingen's units of s, numbered after
// search.OtherBase in the order of s.Guides.
func newGuideUnits(s *site.Site, positions bool) *guideUnits {
	g := &guideUnits{s: s, positions: positions, ordinal: map[*site.Guide]int{}}
	for i, guide := range s.Guides {
		g.ordinal[guide] = search.OtherBase + i
	}
	return g
}

// unit returns a handreiking's unit, analysed, with anchors as the text
// of the links to it.
func (g *guideUnits) unit(guide *site.Guide, anchors []string) (*search.AnalyzedUnit, error) {
	key := guideKey{guide, strings.Join(anchors, "\n")}
	if au, ok := g.units.Load(key); ok {
		return au.(*search.AnalyzedUnit), nil
	}
	units := []search.Unit{GuideUnit(guide, content.KindLabel(guide.Kind), g.ordinal[guide], anchors)}
	search.AddAbbreviations(units, g.s.Content.Abbreviations)
	search.AddSynonyms(units, g.s.Content.Synonyms)
	au, err := search.Analyze(units[0], g.positions)
	if err != nil {
		return nil, err
	}
	au2, _ := g.units.LoadOrStore(key, au)
	return au2.(*search.AnalyzedUnit), nil
}

// writeFiles writes the theme's assets, the media the content links to,
// the page servers show for a missing address (notFound), the feed and
// the sitemap.
func writeFiles(s *site.Site, r *render.Renderer, out *output, notFound *render.Page) error {
	for _, a := range r.Assets() {
		if err := out.WriteFile("assets/"+a.Name, a.Data); err != nil {
			return err
		}
	}
	for _, m := range s.Media() {
		data, err := fs.ReadFile(s.Content.FS, m)
		if err != nil {
			return fmt.Errorf("copy %s: %w", m, err)
		}
		if err := out.WriteFile("media/"+m, data); err != nil {
			return err
		}
	}
	var page bytes.Buffer
	if err := r.Render(&page, notFound); err != nil {
		return err
	}
	if err := out.WriteFile(site.NotFoundFile, page.Bytes()); err != nil {
		return err
	}
	if err := out.WriteFile("feed.xml", render.Feed(s)); err != nil {
		return err
	}
	sitemaps := render.Sitemaps(s.Content.Config.BaseURL, s.Pages())
	for _, name := range slices.Sorted(maps.Keys(sitemaps)) {
		if err := out.WriteFile(name, sitemaps[name]); err != nil {
			return err
		}
	}
	return nil
}

// output is the folder a build publishes into, with the count of pages.
// One made by recording also notes what is written for a cache entry.
type output struct {
	*publish.Folder
	pages *atomic.Int64
	rec   *fileRecorder // nil: nothing is noted
}

// newOutput returns the output into folder f.
func newOutput(f *publish.Folder) *output { return &output{Folder: f, pages: new(atomic.Int64)} }

// recording returns o, noting what is written through it in fr.
func (o *output) recording(fr *fileRecorder) *output {
	return &output{Folder: o.Folder, pages: o.pages, rec: fr}
}

// WriteFile writes a file that is not a page.
func (o *output) WriteFile(name string, data []byte) error { return o.write(name, data, false) }

func (o *output) write(name string, data []byte, page bool) error {
	if page {
		o.pages.Add(1)
	}
	if o.rec == nil {
		return o.Folder.WriteFile(name, data)
	}
	f := o.rec.file(name, data, page)
	return o.Folder.WriteFileSum(name, data, f.sum)
}

// page renders p and writes it as its folder's index.html.
func (o *output) page(r *render.Renderer, buf *bytes.Buffer, p *render.Page) error {
	buf.Reset()
	if err := r.Render(buf, p); err != nil {
		return err
	}
	return o.written(p, buf.Bytes())
}

// written writes page p, rendered as html, as its folder's index.html.
func (o *output) written(p *render.Page, html []byte) error {
	return o.write(path.Join(p.Path, "index.html"), html, true)
}
