package build

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/manifest"
	"ledenbrief/internal/publish"
	"ledenbrief/internal/render"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// Incremental builds one site into one folder again and again, as the
// preview does on every save, and does again only what an edit affects.
// A letter's pages are rendered again when the letter changed or a
// letter it shows something of did (one it links to, one that links to
// it, an edition of its series), judged by LetterInfo.Public; the pages
// that list letters, when any letter's Public changed; everything, when
// anything else changed (site.yaml, abbreviations, handreikingen, site
// pages, the theme, a media file). Only files whose bytes changed are
// written, one by one; the search index follows in the background. When
// it is done, the folder is byte for byte what a full build writes
// (TestIncrementalEqualsFullBuild).
type Incremental struct {
	opts    Options // NoOffline and KeepIndex are set; Out is the folder
	parses  *site.ParseCache
	letters *letterCache
	last    *snapshot        // the folder as the last good build left it; nil before one
	memo    *search.PackMemo // the static index's files the last export packed; held with publishing
	onIndex func(idx *search.Index, dict *search.Dictionary, baseURL string)

	// The search index is exported in the background after each build;
	// the next build cancels it without waiting. publishing is held while
	// the folder and last.files change, by a build or by that export.
	publishing   sync.Mutex
	cancelSearch context.CancelFunc
	searchDone   chan struct{}
}

// NewIncremental returns a builder for opts (Out is the folder it builds
// into). onIndex is given the bleve index and its static form whenever
// they are current, with the site's address, and owns the index from
// then on.
func NewIncremental(opts Options, onIndex func(idx *search.Index, dict *search.Dictionary, baseURL string)) *Incremental {
	opts.Check, opts.KeepIndex, opts.NoOffline, opts.PDF = false, true, true, false
	return &Incremental{opts: opts, onIndex: onIndex}
}

// snapshot is what the output folder holds after a good build, and what
// made it.
type snapshot struct {
	global    [32]byte
	structure [32]byte
	media     [32]byte
	letters   map[string]*letterSnapshot
	files     map[string]manifest.File // every file but the manifest
	site      *site.Site
	units     map[string][]search.Unit // by letter folder
}

// letterSnapshot is what the last good build made of one letter.
type letterSnapshot struct {
	fingerprint [32]byte
	reuse       site.Reuse
}

// recorder notes, while a build runs, what the next incremental build
// needs: every letter's sources, units and what resolving it added.
type recorder struct {
	mu       sync.Mutex
	site     *site.Site
	renderer *render.Renderer
	sources  *sourceHashes // the hashes of the letters' files
	units    map[string][]search.Unit
	reuse    map[string]site.Reuse
}

func newRecorder() *recorder {
	return &recorder{sources: newSourceHashes(), units: map[string][]search.Unit{}, reuse: map[string]site.Reuse{}}
}

// sourceHash is a hash of a letter's files.
func sourceHash(l *content.Letter) [32]byte {
	h := sha256.New()
	for _, d := range append([]*content.Doc{l.Body}, l.Annex...) {
		fmt.Fprintf(h, "%s\x00%d\x00", d.Src.Path, len(d.Src.Text))
		h.Write(d.Src.Text)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// letterCache keeps the letters earlier builds loaded, with the stamp of
// their files (content.Site.LetterStamp) and their hash: a letter whose
// files have the same stamp is not read again. Letters with problems are
// not kept.
type letterCache struct {
	mu      sync.Mutex
	entries map[string]*cachedLetter // by folder
	used    map[string]bool
}

type cachedLetter struct {
	stamp  string
	letter *content.Letter
	sum    [32]byte
}

func newLetterCache() *letterCache {
	return &letterCache{entries: map[string]*cachedLetter{}, used: map[string]bool{}}
}

// loader returns content.Site.LoadLetter of c, through the cache.
func (lc *letterCache) loader(c *content.Site) func(string, *diag.List) *content.Letter {
	return func(slug string, diags *diag.List) *content.Letter {
		stamp, err := c.LetterStamp(slug)
		lc.mu.Lock()
		e := lc.entries[slug]
		lc.used[slug] = true
		lc.mu.Unlock()
		if err == nil && e != nil && e.stamp == stamp {
			return e.letter
		}
		own := &diag.List{}
		l := c.LoadLetter(slug, own)
		diags.Append(own)
		if l != nil && own.Len() == 0 && err == nil {
			lc.mu.Lock()
			lc.entries[slug] = &cachedLetter{stamp: stamp, letter: l, sum: sourceHash(l)}
			lc.mu.Unlock()
		}
		return l
	}
}

// sum returns the hash of a letter the cache holds.
func (lc *letterCache) sum(l *content.Letter) ([32]byte, bool) {
	if lc == nil {
		return [32]byte{}, false
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if e := lc.entries[l.Slug]; e != nil && e.letter == l {
		return e.sum, true
	}
	return [32]byte{}, false
}

// prune drops the letters the builds since the last prune did not load.
func (lc *letterCache) prune() {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	for slug := range lc.entries {
		if !lc.used[slug] {
			delete(lc.entries, slug)
		}
	}
	lc.used = map[string]bool{}
}

// letter notes what the second pass made of a letter.
func (r *recorder) letter(slug string, units []search.Unit, reuse site.Reuse) {
	r.mu.Lock()
	r.units[slug], r.reuse[slug] = units, reuse
	r.mu.Unlock()
}

// Rebuild builds the site again. A build with content errors changes
// nothing in the folder; its problems are in Result.Diags.
func (b *Incremental) Rebuild(ctx context.Context) (*Result, error) {
	if b.cancelSearch != nil {
		b.cancelSearch() // it publishes nothing from now on
	}
	if b.last != nil {
		res, handled, err := b.again(ctx)
		if handled {
			return res, err
		}
	}
	return b.full(ctx)
}

// Close stops the search export running in the background.
func (b *Incremental) Close() { b.stopSearch() }

// full builds everything, as Run, and keeps what the next build reuses.
func (b *Incremental) full(ctx context.Context) (*Result, error) {
	b.publishing.Lock()
	defer b.publishing.Unlock()
	// What earlier builds parsed may depend on what changed (the
	// abbreviations, allow_html): a full build starts afresh.
	b.parses, b.letters = site.NewParseCache(), newLetterCache()
	opts := b.opts
	opts.Context, opts.rec, opts.parses, opts.letters = ctx, newRecorder(), b.parses, b.letters
	opts.sources = opts.rec.sources
	// With a build cache the letters come from it, and the bleve index,
	// which needs every unit analysed with term positions, is made in
	// the background, as after every later build: the preview is there
	// at once, its search API a little later.
	deferIndex := opts.Cache != ""
	if deferIndex {
		opts.KeepIndex = false
	}
	res, err := Run(opts)
	b.parses.Prune()
	b.letters.prune()
	if err != nil || res.Diags.Len() > 0 {
		if res.Index != nil {
			res.Index.Close()
			res.Index = nil
		}
		return res, err
	}
	data, err := os.ReadFile(filepath.Join(opts.Out, manifest.Name))
	if err != nil {
		return res, err
	}
	var m manifest.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return res, err
	}
	rec := opts.rec
	last := &snapshot{global: globalHash(rec.site, rec.renderer, opts), structure: structureHash(rec.site), media: mediaHash(rec.site),
		letters: map[string]*letterSnapshot{}, files: map[string]manifest.File{}, site: rec.site, units: rec.units}
	for _, f := range m.Files {
		last.files[f.Path] = f
	}
	fps := fingerprints(rec.site, rec.sources.sums, last.global)
	for _, li := range rec.site.Letters {
		last.letters[li.Slug] = &letterSnapshot{fingerprint: fps[li.Slug], reuse: rec.reuse[li.Slug]}
	}
	b.last = last
	if deferIndex {
		b.startSearch()
		return res, nil
	}
	b.onIndex(res.Index, res.Dict, res.BaseURL)
	res.Index = nil // handed over
	return res, nil
}

// again builds only what changed since the last good build. handled is
// false when more changed than it can tell apart: then a full build must
// run.
func (b *Incremental) again(ctx context.Context) (res *Result, handled bool, err error) {
	res = &Result{Diags: &diag.List{}}
	diags := res.Diags
	opts := b.opts
	opts.Context, opts.rec, opts.parses, opts.letters = ctx, newRecorder(), b.parses, b.letters
	opts.sources = opts.rec.sources
	rec := opts.rec
	defer b.parses.Prune()
	defer b.letters.prune()
	s, r, err := load(opts, res)
	if err != nil {
		return res, true, err
	}
	global := globalHash(s, r, opts)
	if global != b.last.global {
		return nil, false, nil
	}
	fps := fingerprints(s, rec.sources.sums, global)
	todo := b.changed(s, fps)
	out := newOutput(publish.Memory())
	pass := &letterPass{s: s, r: r, out: out, diags: diags, rec: rec}
	if err := pass.run(ctx, todo, opts.Workers); err != nil {
		return res, true, err
	}
	for _, li := range s.Letters {
		if !slices.Contains(todo, li) {
			reuse := b.last.letters[li.Slug].reuse
			s.Reused(li.Slug, reuse)
			rec.letter(li.Slug, b.last.units[li.Slug], reuse)
		}
	}
	s.ResolveGuides(diags)
	structure, media := structureHash(s), mediaHash(s)
	rest := structure != b.last.structure || media != b.last.media
	if rest {
		if err := writeRest(s, r, out, opts.Workers, nil); err != nil {
			return res, true, err
		}
	}
	res.Pages, res.Files, res.Bytes = int(out.pages.Load()), out.Files(), out.Bytes()
	if diags.Len() > 0 {
		return res, true, nil
	}
	if err := ctx.Err(); err != nil {
		return res, true, err
	}

	b.publishing.Lock()
	defer b.publishing.Unlock()
	files := b.filesAfter(s, todo, rest, out)
	if err := b.publish(files, out.Kept(), describe(s)); err != nil {
		return res, true, err
	}
	next := &snapshot{global: global, structure: structure, media: media, letters: map[string]*letterSnapshot{}, files: files, site: s, units: rec.units}
	for _, li := range s.Letters {
		next.letters[li.Slug] = &letterSnapshot{fingerprint: fps[li.Slug], reuse: rec.reuse[li.Slug]}
	}
	b.last = next
	b.startSearch()
	return res, true, nil
}

// changed lists the letters whose fingerprint (fps) is not the last
// build's: new letters and letters whose output may differ.
func (b *Incremental) changed(s *site.Site, fps map[string][32]byte) []*site.LetterInfo {
	var todo []*site.LetterInfo
	for _, li := range s.Letters {
		if prev := b.last.letters[li.Slug]; prev == nil || prev.fingerprint != fps[li.Slug] {
			todo = append(todo, li)
		}
	}
	return todo
}

// filesAfter is the site's files after a build that wrote into out the
// letters todo again, and the rest when rest: the files of the letters
// done again and of the letters gone, and with the listing pages those of
// the rest, are replaced by what was written now.
func (b *Incremental) filesAfter(s *site.Site, todo []*site.LetterInfo, rest bool, out *output) map[string]manifest.File {
	redone := map[string]bool{}
	for _, li := range todo {
		redone[li.Slug] = true
	}
	for slug := range b.last.letters {
		if s.Info(slug) == nil {
			redone[slug] = true
		}
	}
	files := map[string]manifest.File{}
	for name, f := range b.last.files {
		switch owner := fileOwner(name, b.last.letters); {
		case owner == ownerSearch:
		case owner == ownerRest && rest:
			continue
		case owner != ownerRest && redone[owner]:
			continue
		}
		files[name] = f
	}
	for _, f := range out.Written() {
		files[f.Path] = f
	}
	return files
}

// Owners of the files of a site, besides the letters (by folder).
const (
	ownerRest   = "" // the listing pages, site pages, assets, media, feed …
	ownerSearch = "search/"
)

// fileOwner tells which part of a build writes a file: one of letters
// (its folder), the search index, or the rest (which also writes pages
// in letter folders: those kept for aliases).
func fileOwner(name string, letters map[string]*letterSnapshot) string {
	if strings.HasPrefix(name, ownerSearch) {
		return ownerSearch
	}
	first, rest, _ := strings.Cut(name, "/")
	if letters[first] != nil && (rest == "index.html" || rest == "bijlage/index.html" || isChangesPage(rest)) {
		return first
	}
	return ownerRest
}

// isChangesPage reports whether a path inside a letter's folder is one of
// its changes pages: wijzigingen/index.html or wijzigingen/<other>/index.html.
func isChangesPage(rest string) bool {
	after, ok := strings.CutPrefix(rest, "wijzigingen/")
	if !ok {
		return false
	}
	other, _ := strings.CutSuffix(after, "index.html")
	return after == "index.html" || (other != after && strings.Count(other, "/") == 1 && strings.HasSuffix(other, "/"))
}

// publish makes the folder hold files (written: their new contents): see
// publish.Update.
func (b *Incremental) publish(files map[string]manifest.File, written map[string][]byte, m manifest.Manifest) error {
	return publish.Update(b.opts.Out, b.last.files, files, written, m)
}

// startSearch indexes every unit of the last build again in the
// background, exports the static index and hands the bleve index over,
// unless the next build starts first.
func (b *Incremental) startSearch() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.cancelSearch, b.searchDone = cancel, done
	last := b.last
	go func() {
		defer close(done)
		// Saves come in bursts: an export that the next save would stop
		// only takes the processor from the build it waits for.
		select {
		case <-ctx.Done():
			return
		case <-time.After(searchDelay):
		}
		idx, dict, err := b.exportSearch(ctx, last)
		if err != nil {
			if idx != nil {
				idx.Close()
			}
			return
		}
		b.onIndex(idx, dict, last.site.Content.Config.BaseURL)
	}()
}

// searchDelay is how long the search export waits after a build.
const searchDelay = 500 * time.Millisecond

// stopSearch stops a running search export and waits until it stopped.
func (b *Incremental) stopSearch() {
	if b.cancelSearch != nil {
		b.cancelSearch()
		<-b.searchDone
		b.cancelSearch = nil
	}
}

// WaitSearch waits until the search index of the last build is current.
func (b *Incremental) WaitSearch() {
	if b.searchDone != nil {
		<-b.searchDone
	}
}

// exportSearch indexes the units of snapshot last as a full build does,
// writes the static index into the folder (the files that changed, and
// the manifest) and returns the bleve index.
func (b *Incremental) exportSearch(ctx context.Context, last *snapshot) (*search.Index, *search.Dictionary, error) {
	idx, err := search.NewIndex(true)
	if err != nil {
		return nil, nil, err
	}
	out := newOutput(publish.Memory())
	static := search.NewStaticWriter(out.Folder.WriteFileSum)
	b.publishing.Lock()
	static.Memo = b.memo
	b.publishing.Unlock()
	if static.Memo == nil {
		static.Memo = search.NewPackMemo()
	}
	for _, slug := range last.site.Content.LetterSlugs {
		if err := ctx.Err(); err != nil {
			return idx, nil, err
		}
		units := last.units[slug]
		if len(units) == 0 {
			continue
		}
		// Analysed here, once for bleve and the static index: kept
		// between builds, the analysis would cost more memory than the
		// text (token positions, for highlighting).
		analysed, err := search.AnalyzeAll(units, true)
		if err != nil {
			return idx, nil, err
		}
		if err := idx.Add(analysed); err != nil {
			return idx, nil, err
		}
		if err := static.WriteDocs(units); err != nil {
			return idx, nil, err
		}
	}
	dict, err := exportSearch(ctx, last.site, idx, newGuideUnits(last.site, true), static)
	if err != nil {
		return idx, nil, err
	}
	b.publishing.Lock()
	defer b.publishing.Unlock()
	if err := ctx.Err(); err != nil {
		return idx, nil, err // a newer build started: it publishes
	}
	files := map[string]manifest.File{}
	for name, f := range last.files {
		if fileOwner(name, last.letters) != ownerSearch {
			files[name] = f
		}
	}
	for _, f := range out.Written() {
		files[f.Path] = f
	}
	if err := b.publish(files, out.Kept(), describe(last.site)); err != nil {
		return idx, nil, err
	}
	last.files = files
	b.memo = static.Memo.Next()
	return idx, dict, nil
}

// globalHash is a hash of everything every page may show besides the
// letters: the settings, abbreviations, synonyms, handreikingen, site
// pages, theme and the build's options.
func globalHash(s *site.Site, r *render.Renderer, opts Options) [32]byte {
	h := sha256.New()
	c := s.Content
	cfg, _ := json.Marshal(c.Config)
	abbr, _ := json.Marshal(c.Abbreviations)
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%t\x00%s\x00", cfg, abbr, opts.BaseURL, opts.Drafts, opts.ThemeDir)
	for _, g := range append(slices.Clone(c.Synonyms.Groups), c.Synonyms.OneWay...) {
		fmt.Fprintf(h, "%q\x00", g.Words)
	}
	fmt.Fprintf(h, "%d\x00", len(c.Synonyms.Groups))
	for _, g := range c.Guides {
		fmt.Fprintf(h, "%s\x00%d\x00", g.Src.Path, len(g.Src.Text))
		h.Write(g.Src.Text)
	}
	for _, p := range c.InfoPages {
		fmt.Fprintf(h, "%s\x00%d\x00", p.Src.Path, len(p.Src.Text))
		h.Write(p.Src.Text)
	}
	fmt.Fprintf(h, "%v\x00", c.BrokenGuides)
	sum := r.Fingerprint()
	h.Write(sum[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// mediaHash is a hash of the media files the site publishes, by their
// sizes and times; call it once every link is resolved.
func mediaHash(s *site.Site) [32]byte {
	h := sha256.New()
	for _, m := range s.Media() {
		info, err := fs.Stat(s.Content.FS, m)
		if err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00", m, info.Size(), info.ModTime().UnixNano())
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// structureHash is a hash of what the listing pages show of the letters:
// every letter's Public and place.
func structureHash(s *site.Site) [32]byte {
	h := sha256.New()
	for _, li := range s.Letters {
		fmt.Fprintf(h, "%s\x00%d\x00", li.Slug, li.Order())
		h.Write(li.Public[:])
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// fingerprints gives every letter a hash of everything its pages show:
// its files, and what it shows of the letters it links to, that link to
// it, and the editions of its series (their files too, for what changed
// between editions). A letter's place among the others is not in it: no
// page of a letter shows it, and a letter added before it must not make
// it build again.
func fingerprints(s *site.Site, sources map[string][32]byte, global [32]byte) map[string][32]byte {
	out := make(map[string][32]byte, len(s.Letters))
	for _, li := range s.Letters {
		deps := map[*site.LetterInfo]bool{li: true}
		for _, t := range li.LinksTo {
			deps[t] = true
		}
		for _, ref := range li.Inbound {
			deps[ref.Letter] = true
		}
		for _, sec := range li.Sections {
			for _, ref := range li.SectionInbound(sec.ID) {
				deps[ref.Letter] = true
			}
		}
		series := map[*site.LetterInfo]bool{}
		if li.Series != nil {
			for _, e := range li.Series.Editions {
				deps[e], series[e] = true, true
			}
		}
		list := slices.SortedFunc(maps.Keys(deps), func(a, b *site.LetterInfo) int { return strings.Compare(a.Slug, b.Slug) })
		h := sha256.New()
		h.Write(global[:])
		src := sources[li.Slug]
		h.Write(src[:])
		for _, d := range list {
			fmt.Fprintf(h, "%s\x00", d.Slug)
			h.Write(d.Public[:])
			if series[d] {
				src := sources[d.Slug]
				h.Write(src[:])
			}
		}
		var sum [32]byte
		h.Sum(sum[:0])
		out[li.Slug] = sum
	}
	return out
}
