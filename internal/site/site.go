// Package site turns loaded content into the site as data: the pages, the
// URL of every page, each letter's anchors, every link resolved to a
// relative URL, and the backlinks from handreikingen and annex sections to
// the places that link to them. It reports every link that does not land
// and every id that is not unique. It neither reads files nor writes HTML.
package site

import (
	"fmt"
	"io/fs"
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

// Site is the resolved site apart from its letters, which are resolved one
// at a time with ResolveLetter and handed back with AddLetter.
type Site struct {
	Content   *content.Site
	Converter *markdown.Converter
	Guides    []*Guide // sorted by id
	Letters   []*LetterInfo

	guideByID map[string]*Guide
	mu        sync.Mutex
	media     map[string]bool
}

// Guide is a handreiking with its parsed body and everything that links to it.
type Guide struct {
	*content.Guide
	Doc  *markdown.Doc
	Refs []Ref // sorted: newest letter first, then document order
}

// Path is the folder of the guide's page.
func (g *Guide) Path() string { return GuidePath(g.ID) }

// Ref is a place in a letter that links to something.
type Ref struct {
	Letter       *LetterInfo
	Page         anchors.Page
	SectionID    string // the anchor of the section holding the link
	SectionTitle string
	LinkText     string
	order        int // position in the letter, for stable sorting
}

// Path is the folder of the page the reference is on.
func (r Ref) Path() string {
	if r.Page == anchors.AnnexPage {
		return AnnexPath(r.Letter.Slug)
	}
	return LetterPath(r.Letter.Slug)
}

// LetterInfo is what the rest of the site needs to know of a letter once
// its pages are written: enough for the home page, the feed and backlinks.
type LetterInfo struct {
	Slug     string
	Meta     content.LetterMeta
	Sections []SectionInfo // the annex's top-level sections
}

// SectionInfo names one annex section.
type SectionInfo struct {
	ID, Title string
}

// Letter is one letter resolved: its documents parsed and its links
// rewritten to relative URLs.
type Letter struct {
	Info     *LetterInfo
	Body     *markdown.Doc
	Src      *content.Letter
	Sections []*Section
	Anchors  *anchors.Registry
	guideRef map[string][]Ref // guide id → references from this letter
}

// Section is one annex section.
type Section struct {
	Src  *content.Doc
	Doc  *markdown.Doc
	Back []Ref // the places in the letter that link to this section or its subsections
}

// New parses the handreikingen of c and prepares the site for its letters.
func New(c *content.Site, diags *diag.List) *Site {
	abbr := make(map[string]string, len(c.Abbreviations))
	for _, a := range c.Abbreviations {
		abbr[a.Term] = a.Expansion
	}
	s := &Site{
		Content:   c,
		Converter: markdown.New(markdown.Options{AllowHTML: c.Config.AllowHTML, Abbreviations: abbr}),
		guideByID: map[string]*Guide{},
		media:     map[string]bool{},
	}
	for _, cg := range c.Guides {
		g := &Guide{Guide: cg, Doc: s.Converter.Parse(cg.Body())}
		s.checkHeadings(&cg.Doc, g.Doc, 2, "## ", diags)
		s.guideByID[g.ID] = g
		s.Guides = append(s.Guides, g)
	}
	return s
}

// ResolveGuides rewrites the links in handreiking bodies and puts the
// letters and every handreiking's references in order. Call it after every
// letter has been added: the pages that list letters are written last.
func (s *Site) ResolveGuides(diags *diag.List) {
	slices.SortFunc(s.Letters, compareLetters)
	for _, g := range s.Guides {
		for _, l := range g.Doc.Links {
			s.resolveLink(l, &g.Guide.Doc, g.Path(), nil, diags)
		}
		slices.SortStableFunc(g.Refs, func(a, b Ref) int {
			if c := compareLetters(a.Letter, b.Letter); c != 0 {
				return c
			}
			return a.order - b.order
		})
	}
}

// compareLetters orders letters newest first, then by number.
func compareLetters(a, b *LetterInfo) int {
	if c := b.Meta.Date.Compare(a.Meta.Date); c != 0 {
		return c
	}
	return strings.Compare(b.Slug, a.Slug)
}

// ResolveLetter parses the documents of l, registers its anchors and
// resolves its links. It is safe to call for several letters at once.
func (s *Site) ResolveLetter(l *content.Letter, diags *diag.List) *Letter {
	info := &LetterInfo{Slug: l.Slug, Meta: l.Meta}
	rl := &Letter{Info: info, Src: l, Anchors: anchors.NewRegistry(), guideRef: map[string][]Ref{}}
	rl.Body = s.Converter.Parse(l.Body.Body())
	s.checkHeadings(l.Body, rl.Body, 2, "## ", diags)
	for _, h := range rl.Body.Headings {
		rl.Anchors.Add(anchors.Anchor{ID: h.ID, Page: anchors.LetterPage, Title: h.Text, Src: l.Body.Src, Offset: l.Body.BodyOffset + h.Offset}, diags)
	}
	for _, d := range l.Annex {
		sec := &Section{Src: d, Doc: s.Converter.Parse(d.Body())}
		rl.Sections = append(rl.Sections, sec)
		info.Sections = append(info.Sections, SectionInfo{ID: d.ID, Title: d.Title})
		rl.Anchors.Add(anchors.Anchor{ID: d.ID, Page: anchors.AnnexPage, Title: d.Title, Src: d.Src, Offset: d.IDOffset}, diags)
		s.checkHeadings(d, sec.Doc, 3, "### ", diags)
		for _, h := range sec.Doc.Headings {
			rl.Anchors.Add(anchors.Anchor{ID: h.ID, Page: anchors.AnnexPage, Title: h.Text, Src: d.Src, Offset: d.BodyOffset + h.Offset}, diags)
		}
	}
	order := 0
	for _, link := range rl.Body.Links {
		order++
		s.resolveLetterLink(rl, link, l.Body, anchors.LetterPage, "", "", order, diags)
	}
	for _, sec := range rl.Sections {
		for _, link := range sec.Doc.Links {
			order++
			s.resolveLetterLink(rl, link, sec.Src, anchors.AnnexPage, sec.Src.ID, sec.Src.Title, order, diags)
		}
	}
	return rl
}

// AddLetter records a resolved letter for the home page and its
// references to handreikingen. Letters may be added in any order and at
// once; ResolveGuides sorts them.
func (s *Site) AddLetter(rl *Letter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Letters = append(s.Letters, rl.Info)
	for id, refs := range rl.guideRef {
		g := s.guideByID[id]
		g.Refs = append(g.Refs, refs...)
	}
}

// Media returns the content files that links and images point at, as paths
// relative to the content folder, sorted. Each is published at "media/" + path.
func (s *Site) Media() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for p := range s.media {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// checkHeadings reports headings above minLevel (the page's own title and
// section titles are written by the theme) and ids that cannot be anchors.
func (s *Site) checkHeadings(d *content.Doc, md *markdown.Doc, minLevel int, hint string, diags *diag.List) {
	for _, h := range md.Headings {
		off := d.BodyOffset + h.Offset
		switch {
		case h.Level < minLevel:
			diags.Add(d.Src, off, "heading level %d is reserved for the page itself; start headings here with %q", h.Level, hint)
		case h.ID == "":
			diags.Add(d.Src, off, "heading %q has no letters to make an id from; add one with {#id}", h.Text)
		case !content.ValidID(h.ID):
			diags.Add(d.Src, off, "invalid id %q: use lowercase letters, digits and single hyphens", h.ID)
		}
	}
}

// resolveLetterLink resolves a link in a letter or its annex and records
// what it links to, for backlinks.
func (s *Site) resolveLetterLink(rl *Letter, link *markdown.Link, d *content.Doc, page anchors.Page, defID, defTitle string, order int, diags *diag.List) {
	from := LetterPath(rl.Info.Slug)
	if page == anchors.AnnexPage {
		from = AnnexPath(rl.Info.Slug)
	}
	ref := Ref{Letter: rl.Info, Page: page, SectionID: defID, SectionTitle: defTitle, LinkText: link.Text, order: order}
	if link.Section != "" {
		ref.SectionID = link.Section
		if a := rl.Anchors.Lookup(link.Section); a != nil {
			ref.SectionTitle = a.Title
		}
	}
	target := s.resolveLink(link, d, from, rl, diags)
	switch t := target.(type) {
	case *Guide:
		rl.guideRef[t.ID] = append(rl.guideRef[t.ID], ref)
	case *anchors.Anchor:
		if t.Page == anchors.AnnexPage && page == anchors.LetterPage {
			if sec := rl.sectionOf(t.ID); sec != nil {
				sec.Back = append(sec.Back, ref)
			}
		}
	}
}

// sectionOf returns the annex section that holds anchor id.
func (rl *Letter) sectionOf(id string) *Section {
	for _, sec := range rl.Sections {
		if sec.Src.ID == id {
			return sec
		}
		for _, h := range sec.Doc.Headings {
			if h.ID == id {
				return sec
			}
		}
	}
	return nil
}

// resolveLink rewrites one link's destination to a relative URL and returns
// what it points at (*Guide, *anchors.Anchor, or nil for external links and
// errors). local is the letter the link is in, nil for a handreiking.
func (s *Site) resolveLink(link *markdown.Link, d *content.Doc, from string, local *Letter, diags *diag.List) any {
	off := d.BodyOffset + link.Offset
	dest := link.Dest
	what := "link"
	if link.Image {
		what = "image"
	}
	switch {
	case dest == "" || dest == "#":
		diags.Add(d.Src, off, "placeholder %s %q: link to the id of a section or handreiking, like [Hier](#rechtspositie)", what, dest)
		return nil
	case strings.HasPrefix(dest, "#"):
		id := dest[1:]
		if local != nil {
			if a := local.Anchors.Lookup(id); a != nil {
				to := LetterPath(local.Info.Slug)
				if a.Page == anchors.AnnexPage {
					to = AnnexPath(local.Info.Slug)
				}
				link.SetDest(Rel(from, to, id))
				return a
			}
		}
		if g := s.guideByID[id]; g != nil {
			link.SetDest(Rel(from, g.Path(), ""))
			return g
		}
		diags.Add(d.Src, off, "unknown id %q%s", id, s.suggest(id, local))
		return nil
	case hasScheme(dest, "https", "http", "mailto", "tel"):
		return nil
	case strings.Contains(strings.SplitN(dest, "/", 2)[0], ":"):
		diags.Add(d.Src, off, "%s %q uses a scheme that is not allowed; use https:, http:, mailto: or tel:", what, dest)
		return nil
	case strings.HasPrefix(dest, "/"):
		diags.Add(d.Src, off, "%s %q is an absolute path, which breaks on mirrors and offline copies; link by id instead", what, dest)
		return nil
	}
	// A path to a file in the content folder, relative to this document.
	file, frag, _ := strings.Cut(dest, "#")
	rel := strings.TrimPrefix(d.Src.Path, s.Content.Prefix+"/")
	target := path.Join(path.Dir(rel), file)
	if target == ".." || strings.HasPrefix(target, "../") {
		diags.Add(d.Src, off, "%s %q leaves the content folder", what, dest)
		return nil
	}
	info, err := statNoLink(s.Content, target)
	if err != nil || !info.Mode().IsRegular() {
		diags.Add(d.Src, off, "%s %q: no such file in the content folder", what, dest)
		return nil
	}
	s.mu.Lock()
	s.media[target] = true
	s.mu.Unlock()
	link.SetDest(Up(from, "media/"+path.Dir(target)+"/") + path.Base(target) + hash(frag))
	return nil
}

func hasScheme(dest string, schemes ...string) bool {
	for _, sc := range schemes {
		if len(dest) > len(sc) && strings.EqualFold(dest[:len(sc)+1], sc+":") {
			return true
		}
	}
	return false
}

// statNoLink stats a content file, refusing symbolic links anywhere on the way.
func statNoLink(c *content.Site, name string) (fs.FileInfo, error) {
	p := ""
	var info fs.FileInfo
	for _, seg := range strings.Split(name, "/") {
		p = path.Join(p, seg)
		var err error
		if info, err = fs.Lstat(c.FS, p); err != nil {
			return nil, err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil, fs.ErrPermission
		}
	}
	return info, nil
}

// suggest proposes the nearest known ids for a mistyped one.
func (s *Site) suggest(id string, local *Letter) string {
	var known []string
	if local != nil {
		for _, a := range local.Anchors.All() {
			known = append(known, a.ID)
		}
	}
	for _, g := range s.Guides {
		known = append(known, g.ID)
	}
	best, bestDist := "", len(id)/2+2
	for _, k := range known {
		if d := editdist.Distance(id, k); d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// OnAnnex reports whether the reference is in the annex rather than the letter.
func (r Ref) OnAnnex() bool { return r.Page == anchors.AnnexPage }
