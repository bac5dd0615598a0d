// Package site turns loaded content into the site as data: the pages, the
// URL of every page, each letter's anchors, every link resolved to a
// relative URL, the backlinks from handreikingen and annex sections to
// the places that link to them, the editions of a series and what changed
// between them, the redirects that keep old ids alive, and the anchors the
// site publishes against its lock. It reports every link that does not
// land, every id that is not unique and every published anchor that was
// lost. It neither reads files nor writes HTML.
//
// A site is made in two passes over its letters, so that links between
// letters can be resolved while letters are streamed: IndexLetter records
// each letter's ids, sections and outgoing links (pass one), Link connects
// them (series, backlinks, lock), and ResolveLetter rewrites the links of
// each letter as its pages are rendered (pass two).
package site

import (
	"path"
	"slices"
	"strings"
	"sync"

	"ledenbrief/internal/anchors"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/editdist"
	"ledenbrief/internal/markdown"
)

// Site is the resolved site apart from its letters' pages, which are
// resolved one at a time with ResolveLetter.
type Site struct {
	Content   *content.Site
	Converter *markdown.Converter
	Guides    []*Guide      // sorted by id
	InfoPages []*InfoPage   // site pages, sorted by id
	Letters   []*LetterInfo // every letter built, newest first (after Link)
	Series    []*Series     // sorted by id (after Link)
	Redirects []*Redirect   // pages kept for aliases, sorted by path (after Link)
	Lock      *anchors.Lock
	// Drafts is whether letters marked draft are built.
	Drafts bool
	// Parses, when set, gives the first pass documents parsed before.
	Parses *ParseCache

	guideByID    map[string]*Guide    // by id and by alias
	pageByID     map[string]*InfoPage // by id and by alias
	letterBySlug map[string]*LetterInfo
	draftSlugs   map[string]bool // drafts left out of this build
	mu           sync.Mutex
	media        map[string]bool
	pageNames    map[string][]string // site page id → anchor texts of the letters' links to it
	fresh        []freshAnchor       // anchors not in the lock yet, to explain a lost one
}

// Guide is a handreiking with its parsed body and everything that links to it.
type Guide struct {
	*content.Guide
	Doc     *markdown.Doc
	Refs    []Ref // sorted: newest letter first, then document order
	anchors *anchors.Registry
}

// Path is the folder of the guide's page.
func (g *Guide) Path() string { return GuidePath(g.ID) }

// InfoPage is a site page (about the site, its accessibility statement
// …) with its parsed body.
type InfoPage struct {
	*content.InfoPage
	Doc     *markdown.Doc
	anchors *anchors.Registry
}

// Path is the folder of the page.
func (p *InfoPage) Path() string { return PagePath(p.ID) }

// Ref is a place in a letter that links to something.
type Ref struct {
	Letter       *LetterInfo
	Page         anchors.Page
	SectionID    string // the anchor of the section holding the link
	SectionTitle string
	LinkText     string
	AnchorText   string // what the link says of its target (markdown.Link.AnchorText), for search
	order        int    // position in the letter, for stable sorting
}

// Path is the folder of the page the reference is on.
func (r Ref) Path() string {
	if r.Page == anchors.AnnexPage {
		return AnnexPath(r.Letter.Slug)
	}
	return LetterPath(r.Letter.Slug)
}

// OnAnnex reports whether the reference is in the annex rather than the letter.
func (r Ref) OnAnnex() bool { return r.Page == anchors.AnnexPage }

// sortRefs orders references newest letter first, then in document order.
func sortRefs(refs []Ref) {
	slices.SortStableFunc(refs, func(a, b Ref) int {
		if c := compareLetters(a.Letter, b.Letter); c != 0 {
			return c
		}
		return a.order - b.order
	})
}

// New parses the handreikingen of c and prepares the site for its
// letters. Drafts are built only when drafts is true.
func New(c *content.Site, drafts bool, diags *diag.List) *Site {
	abbr := make(map[string]string, len(c.Abbreviations))
	for _, a := range c.Abbreviations {
		abbr[a.Term] = a.Expansion
	}
	s := &Site{
		Content:      c,
		Converter:    markdown.New(markdown.Options{AllowHTML: c.Config.AllowHTML, Abbreviations: abbr}),
		Drafts:       drafts,
		Lock:         anchors.ParseLock(c.Lock, diags),
		guideByID:    map[string]*Guide{},
		pageByID:     map[string]*InfoPage{},
		letterBySlug: map[string]*LetterInfo{},
		draftSlugs:   map[string]bool{},
		media:        map[string]bool{},
		pageNames:    map[string][]string{},
	}
	for _, cg := range c.Guides {
		g := &Guide{Guide: cg}
		g.Doc, g.anchors = s.parseDocument(&cg.Doc, GuidePath(cg.ID), diags)
		s.guideByID[g.ID] = g
		s.Guides = append(s.Guides, g)
	}
	for _, g := range s.Guides {
		for _, a := range g.Aliases {
			if prev := s.guideByID[a.ID]; prev != nil {
				diags.Add(g.Src, a.Offset, diag.AliasCollidesGuide, a.ID, prev.ID, prev.Src.Path)
				continue
			}
			s.guideByID[a.ID] = g
		}
	}
	s.addPages(diags)
	return s
}

// parseDocument parses a handreiking or site page published in folder
// page, reports its problems, and registers its anchors (and notes the
// page's own id for the lock).
func (s *Site) parseDocument(d *content.Doc, page string, diags *diag.List) (*markdown.Doc, *anchors.Registry) {
	md, reg := s.Converter.Parse(d.Body()), anchors.NewRegistry()
	s.checkMarkdown(d, md, 2, "## ", diags)
	s.noteFresh(page, "", anchors.Anchor{ID: d.ID, Title: d.Title, Src: d.Src, Offset: d.IDOffset}, true)
	for _, h := range md.Headings {
		s.register(reg, anchors.Anchor{ID: h.ID, Title: h.Text, Src: d.Src, Offset: d.BodyOffset + h.Offset}, h.Aliases, page, false, diags)
	}
	return md, reg
}

// addPages parses the site pages. A page is published at the site's top
// level under its id, so the id may not be a folder the site uses for
// something else, and it shares the ids links name with the
// handreikingen.
func (s *Site) addPages(diags *diag.List) {
	for _, cp := range s.Content.InfoPages {
		switch {
		case reservedFolders[cp.ID] || isLetterLink(cp.ID): // an id has no "#": a letter's folder
			diags.Add(cp.Src, cp.IDOffset, diag.PageIDReserved, cp.ID)
			continue
		case s.guideByID[cp.ID] != nil:
			diags.Add(cp.Src, cp.IDOffset, diag.PageIDGuide, cp.ID, s.guideByID[cp.ID].Src.Path)
			continue
		}
		p := &InfoPage{InfoPage: cp}
		p.Doc, p.anchors = s.parseDocument(&cp.Doc, PagePath(cp.ID), diags)
		s.pageByID[p.ID] = p
		s.InfoPages = append(s.InfoPages, p)
	}
	for _, p := range s.InfoPages {
		for _, a := range p.Aliases {
			if s.pageByID[a.ID] != nil || s.guideByID[a.ID] != nil || reservedFolders[a.ID] {
				diags.Add(p.Src, a.Offset, diag.AliasCollidesPage, a.ID)
				continue
			}
			s.pageByID[a.ID] = p
		}
	}
}

// register adds a live anchor and its aliases to a registry, and keeps
// anchors the lock does not list yet to explain a lost one.
func (s *Site) register(r *anchors.Registry, a anchors.Anchor, aliases []string, page string, frontMatter bool, diags *diag.List) {
	if r.Add(a, diags) {
		s.noteFresh(page, a.ID, a, frontMatter)
	}
	for _, alias := range aliases {
		if alias == a.ID {
			continue // reported by checkMarkdown
		}
		al := a
		al.ID, al.AliasOf = alias, a.ID
		r.Add(al, diags)
	}
}

// ResolveGuides rewrites the links in handreiking and site page bodies
// and puts every handreiking's references in order. Call it after every
// letter has been resolved: the pages that list letters are written last.
func (s *Site) ResolveGuides(diags *diag.List) {
	for _, p := range s.InfoPages {
		for _, l := range p.Doc.Links {
			s.resolveLink(l, &p.InfoPage.Doc, p.Path(), nil, diags)
		}
	}
	for _, g := range s.Guides {
		for _, l := range g.Doc.Links {
			s.resolveLink(l, &g.Guide.Doc, g.Path(), nil, diags)
		}
		sortRefs(g.Refs)
	}
}

// compareLetters orders letters newest first, then by number.
func compareLetters(a, b *LetterInfo) int {
	if c := b.Meta.Date.Compare(a.Meta.Date); c != 0 {
		return c
	}
	return strings.Compare(b.Slug, a.Slug)
}

// Media returns the content files that links and images point at, and
// the logo, favicon and style sheet site.yaml names, as paths relative to
// the content folder, sorted and without repeats. Each is published at
// "media/" + path.
func (s *Site) Media() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for p := range s.media {
		out = append(out, p)
	}
	c := &s.Content.Config
	for _, p := range []string{c.Logo, c.Favicon, c.Stylesheet} {
		if p != "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkMarkdown reports the problems the Markdown parser found (raw
// HTML where it is not allowed, heading attributes), headings above
// minLevel (the page's own title and section titles are written by the
// theme) and ids or aliases that cannot be anchors.
func (s *Site) checkMarkdown(d *content.Doc, md *markdown.Doc, minLevel int, hint string, diags *diag.List) {
	for _, p := range md.Problems {
		diags.AddMsg(d.Src, d.BodyOffset+p.Offset, p.Msg)
	}
	for _, h := range md.Headings {
		off := d.BodyOffset + h.Offset
		switch {
		case h.Level < minLevel:
			diags.Add(d.Src, off, diag.HeadingLevel, h.Level, hint)
		case h.ID == "":
			diags.Add(d.Src, off, diag.HeadingNoLetters, h.Text)
		case !content.ValidID(h.ID):
			diags.Add(d.Src, off, diag.InvalidHeadingID, h.ID)
		}
		for _, a := range h.Aliases {
			switch {
			case !content.ValidID(a):
				diags.Add(d.Src, off, diag.InvalidHeadingAlias, a)
			case a == h.ID:
				diags.Add(d.Src, off, diag.HeadingAliasSelf, a)
			}
		}
	}
}

// resolveLink rewrites one link's destination to a relative URL and returns
// what it points at (*Guide, *anchors.Anchor of the same letter,
// *LetterInfo for another letter, or nil for external links and errors). local is the letter the link is
// in, nil for a handreiking.
func (s *Site) resolveLink(link *markdown.Link, d *content.Doc, from string, local *Letter, diags *diag.List) any {
	off := d.BodyOffset + link.Offset
	dest := link.Dest
	what := diag.M(diag.WhatLink)
	if link.Image {
		what = diag.M(diag.WhatImage)
	}
	switch {
	case dest == "" || dest == "#":
		diags.Add(d.Src, off, diag.Placeholder, what, dest)
		return nil
	case strings.HasPrefix(dest, "#"):
		return s.resolveID(link, d, from, local, diags)
	case isLetterLink(dest):
		return s.resolveLetterLink(link, d, from, diags)
	case hasScheme(dest, "https", "http", "mailto", "tel"):
		return nil
	case strings.Contains(strings.SplitN(dest, "/", 2)[0], ":"):
		diags.Add(d.Src, off, diag.LinkScheme, what, dest)
		return nil
	case strings.HasPrefix(dest, "/"):
		diags.Add(d.Src, off, diag.LinkAbsolute, what, dest)
		return nil
	}
	return s.resolveMedia(link, d, from, local, what, diags)
}

// resolveID resolves a link to an id (#id): a live id of the letter
// first, then a handreiking, then a site page, then an alias of the
// letter (an old id kept alive never takes a link from a handreiking).
func (s *Site) resolveID(link *markdown.Link, d *content.Doc, from string, local *Letter, diags *diag.List) any {
	id := link.Dest[1:]
	var a *anchors.Anchor
	if local != nil {
		a = local.Anchors.Lookup(id)
	}
	if g := s.guideByID[id]; g != nil && (a == nil || a.AliasOf != "") {
		linkPage(link, from, g.Path(), "")
		return g
	}
	if p := s.pageByID[id]; p != nil && (a == nil || a.AliasOf != "") {
		linkPage(link, from, p.Path(), "")
		if local != nil {
			local.pageNames[p.ID] = append(local.pageNames[p.ID], link.AnchorText())
		}
		return p
	}
	if a != nil {
		a = local.Anchors.Live(id)
		linkPage(link, from, local.Info.pagePath(a.Page), a.ID)
		return a
	}
	if !s.Content.BrokenGuides[id] && !s.Content.BrokenPages[id] { // else its own error says why
		diags.Add(d.Src, d.BodyOffset+link.Offset, diag.UnknownID, id, diag.Later(func() diag.Msg { return s.suggest(id, local) }))
	}
	return nil
}

// resolveMedia resolves a link to a file of the content folder, relative
// to document d: an image or a document the site publishes under media/.
func (s *Site) resolveMedia(link *markdown.Link, d *content.Doc, from string, local *Letter, what diag.Msg, diags *diag.List) any {
	off, dest := d.BodyOffset+link.Offset, link.Dest
	file, frag, _ := strings.Cut(dest, "#")
	rel := strings.TrimPrefix(d.Src.Path, s.Content.Prefix+"/")
	target := path.Join(path.Dir(rel), file)
	if target == ".." || strings.HasPrefix(target, "../") {
		diags.Add(d.Src, off, diag.LinkOutside, what, dest)
		return nil
	}
	if err := s.Content.CheckMedia(target); err != nil {
		diags.Add(d.Src, off, diag.LinkMedia, what, dest, err)
		return nil
	}
	s.mu.Lock()
	s.media[target] = true
	s.mu.Unlock()
	if local != nil {
		local.media = append(local.media, target)
	}
	published := "media/" + target
	link.SetTarget(markdown.FileTarget(published, frag), RelFile(from, published, frag))
	return nil
}

// linkPage resolves link, in the page in folder from, to the page in
// folder to at fragment.
func linkPage(link *markdown.Link, from, to, fragment string) {
	link.SetTarget(markdown.PageTarget(to, fragment), Rel(from, to, fragment))
}

func hasScheme(dest string, schemes ...string) bool {
	for _, sc := range schemes {
		if len(dest) > len(sc) && strings.EqualFold(dest[:len(sc)+1], sc+":") {
			return true
		}
	}
	return false
}

// suggest proposes the nearest known ids for a mistyped one.
func (s *Site) suggest(id string, local *Letter) diag.Msg {
	var known []string
	if local != nil {
		for _, a := range local.Anchors.All() {
			known = append(known, a.ID)
		}
	}
	for _, g := range s.Guides {
		known = append(known, g.ID)
	}
	for _, p := range s.InfoPages {
		known = append(known, p.ID)
	}
	return didYouMean(id, known)
}

// didYouMean names the nearest of known to word, if one is near enough,
// as the tail of a message: " (did you mean "x"?)", or nothing.
func didYouMean(word string, known []string) diag.Msg {
	best, bestDist := "", len(word)/2+2
	for _, k := range known {
		if d := editdist.Distance(word, k); d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return diag.Msg{}
	}
	return diag.M(diag.DidYouMean, best)
}
