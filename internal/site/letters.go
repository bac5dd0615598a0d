package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"ledenbrief/internal/anchors"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/markdown"
	"ledenbrief/internal/record"
)

// LetterInfo is what the rest of the site needs to know of a letter while
// any letter is rendered: its ids, its sections, its place in a series and
// the links other letters make to it. It is made in the first pass.
type LetterInfo struct {
	Slug     string
	Meta     content.LetterMeta
	Sections []*SectionInfo // the annex's top-level sections, in order
	Aliases  []string       // folders the letter was published under before

	Series  *Series        // nil for a letter outside any series
	Edition int            // position in Series.Editions, oldest first
	Removed []*SectionInfo // sections of the previous edition this one no longer has
	Inbound []Ref          // links from other letters to the letter page, sorted
	LinksTo []*LetterInfo  // the letters it links to (after Link)

	// Public is a hash of everything of the letter that another page may
	// show: its front matter, its ids and titles, its sections, and its
	// links with their texts and places (made in the first pass). While
	// it is the same, only the letter's own pages can change.
	Public [32]byte

	ids      map[string]idInfo   // every id of the letter and its annex, aliases too
	outgoing []crossRef          // links to other letters, resolved by Link
	inbound  map[string][]Ref    // annex section id → links from other letters
	names    map[string][]string // live id ("" the letter) → anchor texts of links from other letters
	order    int                 // position among the letter folders
	aliasSrc *diag.Source        // brief.md, kept only when the letter has aliases
	aliasOff []int
	metaSrc  *diag.Source   // brief.md, kept only for a published letter in a series
	metaOff  map[string]int // where its reference, summary and date are
}

// SectionInfo names one annex section and how it relates to the same
// section in the other editions of its series.
type SectionInfo struct {
	ID, Title string
	Aliases   []string
	// Thread is the same for a section in every edition of a series,
	// following ids and aliases, so that renamed and moved sections match.
	Thread string
	// Status compares the section with the previous edition: StatusNew,
	// StatusChanged or StatusUnchanged; "" in a letter that is no later edition.
	Status string
	hash   [32]byte
}

// Section statuses, as readers see them.
const (
	StatusNew       = "nieuw"
	StatusChanged   = "gewijzigd"
	StatusUnchanged = "ongewijzigd"
	StatusRemoved   = "vervallen"
)

// idInfo says where an id of a letter lands.
type idInfo struct {
	page    anchors.Page
	live    string // the id itself, or the live id of an alias
	section string // the annex section holding it
	title   string
}

// crossRef is a link from one letter to another, kept from the first
// pass so that the target's pages can list it.
type crossRef struct {
	slug, id string
	ref      Ref
}

// SectionInbound returns the links from other letters to an annex
// section of the letter or its subsections (after Link).
func (li *LetterInfo) SectionInbound(id string) []Ref { return li.inbound[id] }

// Order is the letter's position among the letter folders, a number that
// does not change when other letters are built or left out.
func (li *LetterInfo) Order() int { return li.order }

// pagePath is the folder of one of the letter's pages.
func (li *LetterInfo) pagePath(p anchors.Page) string {
	if p == anchors.AnnexPage {
		return AnnexPath(li.Slug)
	}
	return LetterPath(li.Slug)
}

// Path is the folder of the letter's page.
func (li *LetterInfo) Path() string { return LetterPath(li.Slug) }

// AnnexPath is the folder of the letter's annex page.
func (li *LetterInfo) AnnexPath() string { return AnnexPath(li.Slug) }

// ChangesPath is the folder of the page that compares the letter with
// the previous edition.
func (li *LetterInfo) ChangesPath() string { return ChangesPath(li.Slug) }

// Letter is one letter resolved: its documents parsed and its links
// rewritten to relative URLs.
type Letter struct {
	Info     *LetterInfo
	Body     *markdown.Doc
	Src      *content.Letter
	Sections []*Section
	Anchors  *anchors.Registry
	// Topics are the letter's topic blocks (its body's sections) that
	// link somewhere, with where they lead (after ResolveLetter).
	Topics   []*Topic
	guideRef map[string][]Ref // guide id → references from this letter
	media    []string         // content files the letter links to or shows
	// names are the anchor texts of the letter's links to its own ids
	// (live id → texts, in document order); pageNames those of its links
	// to site pages (page id → texts).
	names, pageNames map[string][]string
}

// Reuse is what resolving a letter added to the site besides its own
// pages: the places it links to handreikingen from, and the media it
// uses. A build that reuses the letter's pages from an earlier build
// adds them again with Reused.
type Reuse struct {
	GuideRefs map[string][]Ref    // handreiking id → places in the letter
	PageNames map[string][]string // site page id → anchor texts of the letter's links to it
	Media     []string
}

// Reuse returns what resolving the letter added to the site.
func (rl *Letter) Reuse() Reuse {
	return Reuse{GuideRefs: rl.guideRef, PageNames: rl.pageNames, Media: rl.media}
}

// Reused adds to the site what resolving letter slug added in an earlier
// build, as if it were resolved again: its places link to this build's
// letter.
func (s *Site) Reused(slug string, r Reuse) {
	li := s.Info(slug)
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, refs := range r.GuideRefs {
		g := s.guideByID[id]
		for _, ref := range refs {
			ref.Letter = li
			g.Refs = append(g.Refs, ref)
		}
	}
	for _, m := range r.Media {
		s.media[m] = true
	}
	for id, names := range r.PageNames {
		s.pageNames[id] = append(s.pageNames[id], names...)
	}
}

// Topic is a topic block of a letter and where its links lead: annex
// sections, and the handreikingen those sections name.
type Topic struct {
	ID, Title string
	Annex     []Target
	Guides    []Target
	Letters   []Target
}

// Target is a page a topic leads to: its title, folder and the fragment.
type Target struct {
	Title, Path, Fragment string
}

// targetOf is the page link leads to, under title.
func targetOf(title string, link *markdown.Link) Target {
	return Target{Title: title, Path: link.Target.Page, Fragment: link.Target.Fragment}
}

// addTarget appends t to list unless it is there already.
func addTarget(list []Target, t Target) []Target {
	if slices.Contains(list, t) {
		return list
	}
	return append(list, t)
}

// LinkedGuides returns, for each handreiking the letter links to (by
// id), a page of the places in this letter that link to it: the
// handreiking pages of a copy of this letter alone.
func (rl *Letter) LinkedGuides(s *Site) []*RefsPage {
	ids := slices.Sorted(maps.Keys(rl.guideRef))
	out := make([]*RefsPage, 0, len(ids))
	for _, id := range ids {
		refs := slices.Clone(rl.guideRef[id])
		sortRefs(refs)
		out = append(out, &RefsPage{Guide: s.guideByID[id], N: 1, Pages: 1, Refs: refs})
	}
	return out
}

// Prev is the annex section before section i, or nil.
func (rl *Letter) Prev(i int) *Section {
	if i <= 0 || i > len(rl.Sections) {
		return nil
	}
	return rl.Sections[i-1]
}

// Next is the annex section after section i, or nil.
func (rl *Letter) Next(i int) *Section {
	if i < 0 || i+1 >= len(rl.Sections) {
		return nil
	}
	return rl.Sections[i+1]
}

// Section is one annex section.
type Section struct {
	Src  *content.Doc
	Doc  *markdown.Doc
	Info *SectionInfo
	// Back lists the places that link to this section or its
	// subsections: first the letter itself, then other letters.
	Back []Ref
}

// isLetterLink reports whether a link goes to another letter: "21-082"
// or "21-082#id". (It runs for every id and link of every letter.)
func isLetterLink(dest string) bool {
	return len(dest) >= 6 && (len(dest) == 6 || dest[6] == '#') && letternumber.IsFolder(dest[:6])
}

// parse parses the documents of l and registers its anchors. note says
// whether anchors new to the lock are kept, to explain a lost one.
func (s *Site) parse(l *content.Letter, diags *diag.List, note bool) *Letter {
	return s.parseWith(l, diags, note, s.Converter.Parse)
}

// parseWith is parse with the Markdown parser given: the first pass,
// which only reads the documents, may take them from a cache.
func (s *Site) parseWith(l *content.Letter, diags *diag.List, note bool, parseDoc func([]byte) *markdown.Doc) *Letter {
	rl := &Letter{Src: l, Anchors: anchors.NewRegistry(), guideRef: map[string][]Ref{}, names: map[string][]string{}, pageNames: map[string][]string{}}
	reg := func(a anchors.Anchor, aliases []string, frontMatter bool) {
		page := LetterPath(l.Slug)
		if a.Page == anchors.AnnexPage {
			page = AnnexPath(l.Slug)
		}
		if !note {
			page = "" // nothing is noted for a page without a name
		}
		s.checkNamespace(a.ID, a, diags)
		s.register(rl.Anchors, a, aliases, page, frontMatter, diags)
	}
	rl.Body = parseDoc(l.Body.Body())
	s.checkMarkdown(l.Body, rl.Body, 2, "## ", diags)
	for _, h := range rl.Body.Headings {
		reg(anchors.Anchor{ID: h.ID, Page: anchors.LetterPage, Title: h.Text, Src: l.Body.Src, Offset: l.Body.BodyOffset + h.Offset}, h.Aliases, false)
	}
	for _, d := range l.Annex {
		sec := &Section{Src: d, Doc: parseDoc(d.Body())}
		rl.Sections = append(rl.Sections, sec)
		var aliases []string
		for _, a := range d.Aliases {
			aliases = append(aliases, a.ID)
		}
		s.checkMarkdown(d, sec.Doc, 3, "### ", diags)
		reg(anchors.Anchor{ID: d.ID, Page: anchors.AnnexPage, Section: d.ID, Title: d.Title, Src: d.Src, Offset: d.IDOffset}, aliases, true)
		for _, h := range sec.Doc.Headings {
			reg(anchors.Anchor{ID: h.ID, Page: anchors.AnnexPage, Section: d.ID, Title: h.Text, Src: d.Src, Offset: d.BodyOffset + h.Offset}, h.Aliases, false)
		}
	}
	return rl
}

// checkNamespace reports a live id of a letter that a link by id could
// not tell from another kind of target: a handreiking's id (or alias), or
// a letter number. Aliases may equal a handreiking's id: they keep old
// fragments on the page working, and links by id prefer the handreiking.
func (s *Site) checkNamespace(id string, a anchors.Anchor, diags *diag.List) {
	if g := s.guideByID[id]; g != nil {
		diags.Add(a.Src, a.Offset, diag.IDIsGuide, id, g.Title, g.Src.Path, id)
	}
	if isLetterLink(id) {
		diags.Add(a.Src, a.Offset, diag.IDLooksLikeLetter, id)
	}
}

// IndexLetter is the first pass over a letter: it parses it, reports
// duplicate ids and bad headings, and records what other letters and the
// lock need to know of it. order is the letter's position among the
// letter folders. Safe to call for several letters at once.
func (s *Site) IndexLetter(l *content.Letter, order int, diags *diag.List) {
	s.IndexLetterWith(l, order, diags, nil)
}

// FirstPass gives the first pass over a letter its documents: Parse
// returns a document's headings, links and problems (an outline is
// enough, see markdown.ReadOutline), TextHash the hash of the plain text
// of an annex section (SectionTextHash) that Parse returned.
type FirstPass interface {
	Parse(src []byte) *markdown.Doc
	TextHash(d *markdown.Doc) [32]byte
}

// SectionTextHash is the hash of the plain text of a parsed annex
// section, which tells editions whether it changed.
func SectionTextHash(d *markdown.Doc) [32]byte {
	h := sha256.New()
	var buf []byte // a section's text, copied for Write
	for _, sec := range d.Sections(0) {
		buf = append(buf[:0], sec.Text...)
		h.Write(buf)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// IndexLetterWith is IndexLetter taking the letter's documents from fp;
// nil parses them (through Parses, when set).
func (s *Site) IndexLetterWith(l *content.Letter, order int, diags *diag.List, fp FirstPass) {
	if l.Meta.Draft && !s.Drafts {
		s.mu.Lock()
		s.draftSlugs[l.Slug] = true
		s.mu.Unlock()
		return
	}
	parseDoc, textHash := s.Converter.Parse, s.Parses.textHash
	if s.Parses != nil {
		parseDoc = s.Parses.parse(s.Converter)
	}
	if fp != nil {
		parseDoc, textHash = fp.Parse, fp.TextHash
	}
	rl := s.parseWith(l, diags, !l.Meta.Draft, parseDoc)
	info := &LetterInfo{Slug: l.Slug, Meta: l.Meta, ids: map[string]idInfo{}, inbound: map[string][]Ref{}, names: map[string][]string{}, order: order}
	if l.Meta.Series != "" && !l.Meta.Draft {
		info.metaSrc, info.metaOff = l.Body.Src, l.Offsets
	}
	for _, a := range l.Aliases {
		info.Aliases = append(info.Aliases, a.ID)
		info.aliasOff = append(info.aliasOff, a.Offset)
		info.aliasSrc = l.Body.Src
	}
	for _, a := range rl.Anchors.All() {
		live := a.ID
		if a.AliasOf != "" {
			live = a.AliasOf
		}
		info.ids[a.ID] = idInfo{page: a.Page, live: live, section: a.Section, title: a.Title}
	}
	for _, sec := range rl.Sections {
		si := &SectionInfo{ID: sec.Src.ID, Title: sec.Src.Title, Thread: sec.Src.ID}
		for _, a := range sec.Src.Aliases {
			si.Aliases = append(si.Aliases, a.ID)
		}
		text := textHash(sec.Doc)
		si.hash = sha256.Sum256(append([]byte(si.Title+"\n"), text[:]...))
		info.Sections = append(info.Sections, si)
	}
	rl.Info = info
	rl.forEachLink(func(link *markdown.Link, _ *content.Doc, ref Ref) {
		if !isLetterLink(link.Dest) {
			return
		}
		slug, id := link.Dest[:6], ""
		if len(link.Dest) > 7 {
			id = link.Dest[7:]
		}
		if slug != l.Slug {
			info.outgoing = append(info.outgoing, crossRef{slug: slug, id: id, ref: ref})
		}
	})
	info.Public = s.Parses.public(l, func() [32]byte { return publicHash(l, info, rl) })
	if note := !l.Meta.Draft; note {
		s.noteFresh(LetterPath(l.Slug), "", anchors.Anchor{Title: l.Meta.Subject, Src: l.Body.Src}, true)
		if len(rl.Sections) > 0 {
			s.noteFresh(AnnexPath(l.Slug), "", anchors.Anchor{Title: "Bijlage", Src: rl.Sections[0].Src.Src}, true)
		}
	}
	s.mu.Lock()
	s.Letters = append(s.Letters, info)
	s.letterBySlug[l.Slug] = info
	s.mu.Unlock()
}

// sectionText is the plain text of a whole annex section, to compare and
// diff editions.
func sectionText(d *markdown.Doc) string {
	sections := d.Sections(0)
	size := 0
	for _, sec := range sections {
		size += len(sec.Text)
	}
	var b strings.Builder
	b.Grow(size)
	for _, sec := range sections {
		b.WriteString(sec.Text)
	}
	return b.String()
}

// forEachLink calls f for every link of the letter and its annex, in
// document order, with the reference a backlink to it would show.
func (rl *Letter) forEachLink(f func(*markdown.Link, *content.Doc, Ref)) {
	order := 0
	visit := func(links []*markdown.Link, d *content.Doc, page anchors.Page, defID, defTitle string) {
		for _, link := range links {
			order++
			ref := Ref{Letter: rl.Info, Page: page, SectionID: defID, SectionTitle: defTitle, LinkText: link.Text, AnchorText: link.AnchorText(), order: order}
			if link.Section != "" {
				ref.SectionID = link.Section
				if a := rl.Anchors.Lookup(link.Section); a != nil {
					ref.SectionTitle = a.Title
				}
			}
			f(link, d, ref)
		}
	}
	visit(rl.Body.Links, rl.Src.Body, anchors.LetterPage, "", "")
	for _, sec := range rl.Sections {
		visit(sec.Doc.Links, sec.Src, anchors.AnnexPage, sec.Src.ID, sec.Src.Title)
	}
}

// Info returns the letter built from folder slug, or nil.
func (s *Site) Info(slug string) *LetterInfo {
	li := s.letterBySlug[slug]
	if li == nil || li.Slug != slug {
		return nil
	}
	return li
}

// ResolveLetter is the second pass over a letter indexed before: it parses
// it again, resolves its links (reporting those that do not land) and
// collects the backlinks its pages show. Safe to call for several letters
// at once, after Link.
func (s *Site) ResolveLetter(l *content.Letter, diags *diag.List) *Letter {
	rl := s.parse(l, &diag.List{}, false) // the first pass reported its problems
	rl.Info = s.Info(l.Slug)
	back := map[string][]Ref{}
	topics := newTopics(rl.Body)
	sectionGuides := map[string][]*Guide{} // annex section id → handreikingen it links, in order
	rl.forEachLink(func(link *markdown.Link, d *content.Doc, ref Ref) {
		from := LetterPath(l.Slug)
		if ref.Page == anchors.AnnexPage {
			from = AnnexPath(l.Slug)
		}
		topic := topics.of(link.Section)
		if ref.Page == anchors.AnnexPage {
			topic = nil
		}
		switch t := s.resolveLink(link, d, from, rl, diags).(type) {
		case *Guide:
			rl.guideRef[t.ID] = append(rl.guideRef[t.ID], ref)
			if link.Sentence != "" {
				link.SetName(hierName(link, t.Title, ""))
			}
			if ref.Page == anchors.AnnexPage && !slices.Contains(sectionGuides[d.ID], t) {
				sectionGuides[d.ID] = append(sectionGuides[d.ID], t)
			}
			if topic != nil {
				topic.Guides = addTarget(topic.Guides, targetOf(t.Title, link))
			}
		case *anchors.Anchor:
			rl.names[t.ID] = append(rl.names[t.ID], ref.AnchorText)
			if link.Sentence != "" && t.Page == anchors.AnnexPage {
				link.SetName(hierName(link, t.Title, "bijlage paragraaf "+rl.sectionNumber(t.Section, t.ID)))
			}
			if t.Page == anchors.AnnexPage && ref.Page == anchors.LetterPage {
				back[t.Section] = append(back[t.Section], ref)
				if topic != nil {
					topic.Annex = addTarget(topic.Annex, targetOf(t.Title, link))
					topics.sections[topic] = append(topics.sections[topic], t.Section)
				}
			}
		case *LetterInfo:
			if topic != nil {
				topic.Letters = addTarget(topic.Letters, targetOf(LetterTitle(t.Meta), link))
			}
		}
	})
	rl.Topics = topics.done(LetterPath(l.Slug), sectionGuides)
	for i, sec := range rl.Sections {
		sec.Info = rl.Info.Sections[i]
		sec.Back = append(back[sec.Src.ID], rl.Info.inbound[sec.Src.ID]...)
	}
	s.mu.Lock()
	for id, refs := range rl.guideRef {
		g := s.guideByID[id]
		g.Refs = append(g.Refs, refs...)
	}
	for id, names := range rl.pageNames {
		s.pageNames[id] = append(s.pageNames[id], names...)
	}
	s.mu.Unlock()
	return rl
}

// hierName is the accessible name of a link whose text does not say
// where it leads ("Hier"): "Hier leest u meer over Integriteit, bijlage
// paragraaf 2" for the letters' formula, else "Hier: Integriteit,
// bijlage paragraaf 2"; where ("bijlage paragraaf 2") may be "".
func hierName(link *markdown.Link, title, where string) string {
	if where != "" {
		title += ", " + where
	}
	if rest, ok := strings.CutPrefix(link.Sentence, link.Text+" leest u meer"); ok && (rest == "" || strings.HasPrefix(rest, " ")) {
		return link.Text + " leest u meer over " + title
	}
	return link.Text + ": " + title
}

// sectionNumber is the number of an annex section or subsection as the
// annex numbers them: "2" for its second section, "2.3" for the third
// subsection of that, "2.3.1" deeper.
func (rl *Letter) sectionNumber(section, id string) string {
	for i, sec := range rl.Sections {
		if sec.Src.ID != section {
			continue
		}
		number := []int{i + 1}
		if id == section {
			return strconv.Itoa(i + 1)
		}
		for _, h := range sec.Doc.Headings {
			depth := h.Level - 2 // the section's own title is level 2
			if depth < 1 {
				continue
			}
			for len(number) > depth+1 {
				number = number[:len(number)-1]
			}
			for len(number) < depth+1 {
				number = append(number, 0)
			}
			number[depth]++
			if h.ID == id || slices.Contains(h.Aliases, id) {
				parts := make([]string, len(number))
				for k, n := range number {
					parts[k] = strconv.Itoa(n)
				}
				return strings.Join(parts, ".")
			}
		}
		return strconv.Itoa(i + 1)
	}
	return ""
}

// AnchorTexts returns what the site's links to the letter's id say of
// it (the id "" for the letter itself): the anchor texts of the links of
// the letter and of other letters that lead there, sorted, each once.
// Search indexes them as the passage's links field.
func (rl *Letter) AnchorTexts(id string) []string {
	return sortedTexts(append(slices.Clone(rl.names[id]), rl.Info.names[id]...))
}

// AnchorTexts returns what the letters' links to the handreiking say of
// it, sorted, each once: as AnchorTexts of refs.
func (g *Guide) AnchorTexts() []string { return AnchorTexts(g.Refs) }

// AnchorTexts returns the anchor texts of refs, sorted, each once.
func AnchorTexts(refs []Ref) []string {
	texts := make([]string, len(refs))
	for i, r := range refs {
		texts[i] = r.AnchorText
	}
	return sortedTexts(texts)
}

// PageAnchorTexts returns what the letters' links to site page p say of
// it, sorted, each once (after every letter is resolved or reused).
func (s *Site) PageAnchorTexts(p *InfoPage) []string {
	return sortedTexts(slices.Clone(s.pageNames[p.ID]))
}

// sortedTexts sorts texts and leaves out empty and repeated ones.
func sortedTexts(texts []string) []string {
	slices.Sort(texts)
	texts = slices.Compact(texts)
	if len(texts) > 0 && texts[0] == "" {
		texts = texts[1:]
	}
	return texts
}

// resolveLetterLink resolves a link to another letter, "21-082" or
// "21-082#id", following the letter's and the id's aliases.
func (s *Site) resolveLetterLink(link *markdown.Link, d *content.Doc, from string, diags *diag.List) any {
	off := d.BodyOffset + link.Offset
	slug, id := link.Dest[:6], ""
	if len(link.Dest) > 7 {
		id = link.Dest[7:]
	}
	if link.Dest == slug+"#" {
		diags.Add(d.Src, off, diag.LetterPlaceholder, link.Dest, slug, slug)
		return nil
	}
	li := s.letterBySlug[slug]
	if li == nil {
		if s.draftSlugs[slug] {
			diags.Add(d.Src, off, diag.LetterDraft, slug)
			return nil
		}
		if !slices.Contains(s.Content.LetterSlugs, slug) { // else its own errors say why it is missing
			diags.Add(d.Src, off, diag.UnknownLetter, slug, diag.Later(func() diag.Msg { return didYouMean(slug, s.slugs()) }))
		}
		return nil
	}
	if id == "" {
		linkPage(link, from, li.Path(), "")
		return li
	}
	t, ok := li.ids[id]
	if !ok {
		diags.Add(d.Src, off, diag.UnknownLetterID, id, li.Slug, diag.Later(func() diag.Msg { return didYouMean(id, li.idList()) }))
		return nil
	}
	linkPage(link, from, li.pagePath(t.page), t.live)
	return li
}

// slugs lists the folders of the letters built, sorted.
func (s *Site) slugs() []string { return slices.Sorted(maps.Keys(s.letterBySlug)) }

// idList lists the ids of a letter, sorted.
func (li *LetterInfo) idList() []string { return slices.Sorted(maps.Keys(li.ids)) }

// Parse parses a letter indexed before without resolving its links, for
// comparing it with a later edition.
func (s *Site) Parse(l *content.Letter) *Letter {
	rl := s.parse(l, &diag.List{}, false)
	rl.Info = s.Info(l.Slug)
	return rl
}

// topicIndex collects the topic blocks of a letter's body while its links
// are resolved.
type topicIndex struct {
	list     []*Topic
	byID     map[string]*Topic // any heading id → the topic block holding it
	sections map[*Topic][]string
}

// newTopics lists the level-2 sections of a letter's body; headings
// below one belong to it.
func newTopics(body *markdown.Doc) *topicIndex {
	ti := &topicIndex{byID: map[string]*Topic{}, sections: map[*Topic][]string{}}
	var cur *Topic
	for _, h := range body.Headings {
		if h.Level <= 2 {
			cur = &Topic{ID: h.ID, Title: h.Text}
			ti.list = append(ti.list, cur)
		}
		if cur != nil {
			ti.byID[h.ID] = cur
		}
	}
	return ti
}

// of returns the topic block holding the heading with id, or nil.
func (ti *topicIndex) of(id string) *Topic { return ti.byID[id] }

// done adds to each topic the handreikingen of the annex sections it
// leads to, and returns the topics that lead somewhere.
func (ti *topicIndex) done(letterPage string, sectionGuides map[string][]*Guide) []*Topic {
	var out []*Topic
	for _, t := range ti.list {
		for _, sec := range ti.sections[t] {
			for _, g := range sectionGuides[sec] {
				t.Guides = addTarget(t.Guides, Target{Title: g.Title, Path: g.Path()})
			}
		}
		if len(t.Annex)+len(t.Guides)+len(t.Letters) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// publicHash is LetterInfo.Public of a letter indexed in the first pass.
func publicHash(l *content.Letter, info *LetterInfo, rl *Letter) [32]byte {
	h := sha256.New()
	line := func(fields ...string) {
		for _, f := range fields {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
		h.Write([]byte{'\n'})
	}
	meta, _ := json.Marshal(l.Meta) // plain data: it marshals
	line(string(meta), strings.Join(info.Aliases, " "))
	for _, id := range info.idList() {
		t := info.ids[id]
		line(id, strconv.Itoa(int(t.page)), t.live, t.section, t.title)
	}
	for _, sec := range info.Sections {
		line(sec.ID, sec.Title, strings.Join(sec.Aliases, " "))
	}
	rl.forEachLink(func(link *markdown.Link, d *content.Doc, ref Ref) {
		line(link.Dest, strconv.Itoa(int(ref.Page)), ref.SectionID, ref.SectionTitle, ref.LinkText, ref.AnchorText)
	})
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// ParseCache keeps the documents the first pass read, by their source,
// for the next build of the same site with the same Markdown settings:
// the first pass only reads a document's outline (markdown.Doc.Outline),
// so that is what it keeps of a document without problems, with the
// hash of its text. Documents not used by a build are dropped after it
// (Prune).
type ParseCache struct {
	mu      sync.Mutex
	seed    maphash.Seed
	docs    map[uint64][]*markdown.Doc // by a hash of their source
	used    map[*markdown.Doc]bool
	texts   map[*markdown.Doc][32]byte   // see textHash
	publics map[*content.Letter][32]byte // see LetterInfo.Public
	letters map[*content.Letter]bool     // whose Public a build since the last Prune asked for
}

// NewParseCache returns an empty cache.
func NewParseCache() *ParseCache {
	return &ParseCache{seed: maphash.MakeSeed(), docs: map[uint64][]*markdown.Doc{}, used: map[*markdown.Doc]bool{},
		texts: map[*markdown.Doc][32]byte{}, publics: map[*content.Letter][32]byte{}, letters: map[*content.Letter]bool{}}
}

// textHash is the hash of the plain text of an annex section, kept for a
// document of the cache. A nil cache computes it.
func (c *ParseCache) textHash(d *markdown.Doc) [32]byte {
	if c == nil {
		return SectionTextHash(d)
	}
	c.mu.Lock()
	sum, ok := c.texts[d]
	c.mu.Unlock()
	if !ok {
		sum = SectionTextHash(d)
		c.mu.Lock()
		c.texts[d] = sum
		c.mu.Unlock()
	}
	return sum
}

// public is LetterInfo.Public of letter l, computed by make once for a
// letter loaded once (the cache of loaded letters gives the same letter
// while its files are the same). A nil cache computes it.
func (c *ParseCache) public(l *content.Letter, make func() [32]byte) [32]byte {
	if c == nil {
		return make()
	}
	c.mu.Lock()
	sum, ok := c.publics[l]
	c.letters[l] = true
	c.mu.Unlock()
	if !ok {
		sum = make()
		c.mu.Lock()
		c.publics[l] = sum
		c.mu.Unlock()
	}
	return sum
}

// lookup returns the document of source src the cache holds, noted used,
// or nil.
func (c *ParseCache) lookup(src []byte) *markdown.Doc {
	h := maphash.Bytes(c.seed, src)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.docs[h] {
		if bytes.Equal(d.Source, src) {
			c.used[d] = true
			return d
		}
	}
	return nil
}

// keep keeps document d of source src, noted used, and returns what it
// keeps of it: its outline, when it has no problems (which only parsing
// reports), with the hash of its text, text.
func (c *ParseCache) keep(src []byte, d *markdown.Doc, text [32]byte) *markdown.Doc {
	if d.HasOutline() {
		d = d.Outline()
	}
	h := maphash.Bytes(c.seed, src)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs[h] = append(c.docs[h], d)
	c.used[d], c.texts[d] = true, text
	return d
}

// parse returns a parser that takes documents from the cache.
func (c *ParseCache) parse(conv *markdown.Converter) func([]byte) *markdown.Doc {
	return func(src []byte) *markdown.Doc {
		if d := c.lookup(src); d != nil {
			return d
		}
		d := conv.Parse(src)
		return c.keep(src, d, SectionTextHash(d))
	}
}

// Through returns a first pass that takes documents from the cache and
// those it does not hold from fp, keeping them.
func (c *ParseCache) Through(fp FirstPass) FirstPass { return throughCache{c, fp} }

type throughCache struct {
	c  *ParseCache
	fp FirstPass
}

func (t throughCache) Parse(src []byte) *markdown.Doc {
	if d := t.c.lookup(src); d != nil {
		return d
	}
	d := t.fp.Parse(src)
	return t.c.keep(src, d, t.fp.TextHash(d))
}

func (t throughCache) TextHash(d *markdown.Doc) [32]byte { return t.c.textHash(d) }

// Prune drops the documents that the builds since the last Prune did not use.
func (c *ParseCache) Prune() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, docs := range c.docs {
		kept := slices.DeleteFunc(docs, func(d *markdown.Doc) bool { return !c.used[d] })
		if len(kept) == 0 {
			delete(c.docs, h)
		} else {
			c.docs[h] = kept
		}
	}
	for d := range c.texts {
		if !c.used[d] {
			delete(c.texts, d)
		}
	}
	for l := range c.publics {
		if !c.letters[l] {
			delete(c.publics, l)
		}
	}
	c.used, c.letters = make(map[*markdown.Doc]bool, len(c.used)), make(map[*content.Letter]bool, len(c.publics))
}

// AppendRecord appends r to w, as ReadReuse reads it: the build cache
// keeps it with the letter's pages.
func (r Reuse) AppendRecord(w *record.Writer) {
	ids := slices.Sorted(maps.Keys(r.GuideRefs))
	w.Uint(uint64(len(ids)))
	for _, id := range ids {
		w.String(id)
		w.Uint(uint64(len(r.GuideRefs[id])))
		for _, ref := range r.GuideRefs[id] {
			w.Uint(uint64(ref.Page))
			w.String(ref.SectionID)
			w.String(ref.SectionTitle)
			w.String(ref.LinkText)
			w.String(ref.AnchorText)
			w.Int(int64(ref.order))
		}
	}
	ids = slices.Sorted(maps.Keys(r.PageNames))
	w.Uint(uint64(len(ids)))
	for _, id := range ids {
		w.String(id)
		w.Uint(uint64(len(r.PageNames[id])))
		for _, name := range r.PageNames[id] {
			w.String(name)
		}
	}
	w.Uint(uint64(len(r.Media)))
	for _, m := range r.Media {
		w.String(m)
	}
}

// ReadReuse reads what AppendRecord wrote.
func ReadReuse(rd *record.Reader) (Reuse, error) {
	var r Reuse
	if n := rd.Len(); n > 0 {
		r.GuideRefs = make(map[string][]Ref, n)
		for range n {
			id := rd.String()
			refs := make([]Ref, rd.Len())
			for i := range refs {
				refs[i] = Ref{Page: anchors.Page(rd.Uint()), SectionID: rd.String(), SectionTitle: rd.String(), LinkText: rd.String(), AnchorText: rd.String(), order: int(rd.Int())}
			}
			r.GuideRefs[id] = refs
		}
	}
	if n := rd.Len(); n > 0 {
		r.PageNames = make(map[string][]string, n)
		for range n {
			id := rd.String()
			names := make([]string, rd.Len())
			for i := range names {
				names[i] = rd.String()
			}
			r.PageNames[id] = names
		}
	}
	if n := rd.Len(); n > 0 {
		r.Media = make([]string, n)
		for i := range r.Media {
			r.Media[i] = rd.String()
		}
	}
	return r, rd.Err()
}
