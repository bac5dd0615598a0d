package site

import (
	"fmt"
	"time"

	"ledenbrief/internal/content"
)

// Kinds of page: each is rendered by the theme's template of that name.
const (
	KindHome          = "home"
	KindLetter        = "letter"
	KindAnnex         = "annex"
	KindGuide         = "guide"
	KindGuides        = "guides"
	KindAbbreviations = "abbreviations"
	KindSearch        = "search"
	KindChanges       = "changes"   // what changed in an edition
	KindSeries        = "series"    // a series, leading to its newest edition
	KindRedirect      = "redirect"  // an old address kept for an alias
	KindArchive       = "archive"   // one page of a year's letters
	KindGuideRefs     = "guiderefs" // a further page of the places that link to a handreiking
	KindPage          = "page"      // a site page from paginas/
	KindNotFound      = "notfound"  // 404.html, shown by servers at any depth
	// KindOffline is the single HTML file of a letter's offline copy: not a
	// page of the site, and not in its page list.
	KindOffline = "offline"
	// KindPrint is a letter and its annex as one document to print to
	// PDF: not a page of the site either.
	KindPrint = "print"
)

// Page is one HTML page of the site: what it is, where it goes, its
// title, and the part of the site its template shows. Pages and
// LetterPages make them; writing the pages, the sitemap and the offline
// copies all take them from there, so that a title or a path is made in
// one place.
type Page struct {
	Kind        string
	Path        string // the page's folder, "" for the home page
	Title       string
	Description string
	LastMod     string // YYYY-MM-DD: when a letter's page last changed; "" for other pages
	Draft       bool   // a page of a letter that is not published
	Refresh     string // the folder this page leads on to at once, if any

	Letter   *LetterInfo  // a letter's page, its annex or its changes
	Other    *LetterInfo  // the edition a changes page compares Letter with
	Guide    *Guide       // a handreiking's page
	Refs     *RefsPage    // a handreiking's page or a further page of its places
	Archive  *ArchivePage // a page of the archive
	Series   *Series      // a series page
	Redirect *Redirect    // an old address
	Info     *InfoPage    // a site page from paginas/
}

// InSitemap reports whether search engines are told of the page: every
// page but redirects, the 404 page, drafts and a series whose newest
// edition is a draft.
func (p *Page) InSitemap() bool {
	switch {
	case p.Kind == KindRedirect || p.Kind == KindNotFound || p.Draft:
		return false
	case p.Kind == KindSeries:
		return !p.Series.Newest().Meta.Draft
	}
	return true
}

// LetterTitle is how a letter is named wherever it is listed: "Lbr.
// 21/082: Belangrijke ontwikkelingen …".
func LetterTitle(m content.LetterMeta) string { return m.Number + ": " + m.Subject }

// LetterPages returns the pages of one letter: its own, its annex's when
// it has sections, what changed since the previous edition when there is
// one, and its comparison with every other edition it is compared with
// (see LetterInfo.Compared). Call it after Link.
func (s *Site) LetterPages(li *LetterInfo) []*Page {
	title, date := LetterTitle(li.Meta), li.Meta.Updated().Format(time.DateOnly)
	pages := []*Page{{Kind: KindLetter, Path: li.Path(), Title: title, Description: li.Meta.Summary, LastMod: date, Draft: li.Meta.Draft, Letter: li}}
	if len(li.Sections) > 0 {
		pages = append(pages, &Page{Kind: KindAnnex, Path: li.AnnexPath(), Title: "Bijlage bij " + title, LastMod: date, Draft: li.Meta.Draft, Letter: li})
	}
	if li.Previous() != nil {
		pages = append(pages, &Page{Kind: KindChanges, Path: li.ChangesPath(), Title: "Wijzigingen in " + li.Meta.Number, LastMod: date, Draft: li.Meta.Draft, Letter: li, Other: li.Previous()})
	}
	for _, e := range li.Compared() {
		older, newer := e, li
		if e.Edition > li.Edition {
			older, newer = li, e
		}
		pages = append(pages, &Page{Kind: KindChanges, Path: li.ComparePath(e), Title: "Verschillen tussen " + older.Meta.Number + " en " + newer.Meta.Number, LastMod: date, Draft: li.Meta.Draft || e.Meta.Draft, Letter: li, Other: e})
	}
	return pages
}

// OtherPages returns every page of the site that is not a letter's: the
// home page, the listings, the search page, the archive, the letters'
// pages come in between for the sitemap's sake (see Pages), the
// series, the handreikingen, the site pages, the redirects and the 404
// page. Call it after Link.
func (s *Site) OtherPages() []*Page {
	return s.pages(false)
}

// Pages returns every page of the site, the letters' included (drafts
// only in a build with drafts), in a fixed order: the one page list. Call
// it after Link.
func (s *Site) Pages() []*Page {
	return s.pages(true)
}

// pages lists the site's pages, with the letters' or without.
func (s *Site) pages(letters bool) []*Page {
	cfg := &s.Content.Config
	pages := []*Page{
		{Kind: KindHome, Path: HomePath, Title: "Ledenbrieven", Description: cfg.Description},
		{Kind: KindGuides, Path: GuidesPath, Title: "Handreikingen"},
		{Kind: KindAbbreviations, Path: AbbreviationsPath, Title: "Afkortingen"},
		SearchPage(),
	}
	for _, a := range s.Archive() {
		pages = append(pages, &Page{Kind: KindArchive, Path: a.Path(), Title: fmt.Sprintf("Brieven uit %d", a.Year), Archive: a})
	}
	if letters {
		for _, li := range s.Letters {
			pages = append(pages, s.LetterPages(li)...)
		}
	}
	for _, sr := range s.Series {
		n := sr.Newest()
		pages = append(pages, &Page{Kind: KindSeries, Path: sr.Path(), Title: n.Meta.Subject, LastMod: n.Meta.Date.Format(time.DateOnly), Series: sr, Refresh: n.Path()})
	}
	for _, g := range s.Guides {
		pages = append(pages, GuidePages(g)...)
	}
	for _, p := range s.InfoPages {
		pages = append(pages, &Page{Kind: KindPage, Path: p.Path(), Title: p.Title, Description: p.Description, Info: p})
	}
	for _, rd := range s.Redirects {
		pages = append(pages, &Page{Kind: KindRedirect, Path: rd.Path, Title: rd.Title, Redirect: rd, Refresh: rd.To})
	}
	return append(pages, &Page{Kind: KindNotFound, Path: HomePath, Title: "Pagina niet gevonden"})
}

// SearchPage is the page that lists the results of a search.
func SearchPage() *Page { return &Page{Kind: KindSearch, Path: SearchPath, Title: "Zoeken"} }

// GuidePages returns a handreiking's page and the further pages of the
// places that link to it.
func GuidePages(g *Guide) []*Page {
	var pages []*Page
	for _, rp := range g.RefPages() {
		pages = append(pages, GuidePage(rp))
	}
	return pages
}

// GuidePage is the page of a handreiking's places rp: the handreiking's
// own page for the first, a further page of places for the others.
func GuidePage(rp *RefsPage) *Page {
	g := rp.Guide
	if rp.N == 1 {
		return &Page{Kind: KindGuide, Path: g.Path(), Title: g.Title, Guide: g, Refs: rp}
	}
	return &Page{Kind: KindGuideRefs, Path: rp.Path(), Title: fmt.Sprintf("%s: genoemd in (%d)", g.Title, rp.N), Refs: rp}
}
