package site

import (
	"path"
	"slices"
	"strings"

	"ledenbrief/internal/anchors"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/editdist"
)

// freshAnchor is an anchor the lock does not list yet: when a locked one
// disappears, the most similar fresh anchor on the same page is most
// likely its new name, and the diagnostic points there.
type freshAnchor struct {
	key         string
	anchor      anchors.Anchor
	frontMatter bool // declared in front matter rather than on a heading
}

// noteFresh keeps an anchor that the lock does not list, when the site
// has a lock. page "" notes nothing.
func (s *Site) noteFresh(page, id string, a anchors.Anchor, frontMatter bool) {
	if page == "" || s.Lock.Len() == 0 {
		return
	}
	key := anchors.Key(page, id)
	if s.Lock.Has(key) {
		return
	}
	s.mu.Lock()
	s.fresh = append(s.fresh, freshAnchor{key: key, anchor: a, frontMatter: frontMatter})
	s.mu.Unlock()
}

// PublishedKeys returns the lock keys of every anchor the published
// letters (drafts left out), handreikingen and site pages provide, aliases and the
// pages kept for them included, sorted. Call it after Link.
func (s *Site) PublishedKeys() []string {
	var keys []string
	for slug, li := range s.letterBySlug {
		if li.Meta.Draft {
			continue
		}
		keys = append(keys, anchors.Key(LetterPath(slug), ""))
		if len(li.Sections) > 0 {
			keys = append(keys, anchors.Key(AnnexPath(slug), ""))
		}
		for id, t := range li.ids {
			page := LetterPath(slug)
			if t.page == anchors.AnnexPage {
				page = AnnexPath(slug)
			}
			keys = append(keys, anchors.Key(page, id))
		}
	}
	for id, g := range s.guideByID {
		keys = append(keys, anchors.Key(GuidePath(id), ""))
		for _, a := range g.anchors.All() {
			keys = append(keys, anchors.Key(GuidePath(id), a.ID))
		}
	}
	for id, p := range s.pageByID {
		keys = append(keys, anchors.Key(PagePath(id), ""))
		for _, a := range p.anchors.All() {
			keys = append(keys, anchors.Key(PagePath(id), a.ID))
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// CheckLock reports every locked anchor that the site no longer provides,
// where it most likely went and what to do; a lost page is one report,
// not one for each of its ids. Call it after Link.
func (s *Site) CheckLock(diags *diag.List) {
	if s.Lock.Len() == 0 {
		return
	}
	provided := map[string]bool{}
	for _, k := range s.PublishedKeys() {
		provided[k] = true
	}
	missing := s.Lock.Missing(func(k string) bool { return provided[k] })
	lostPages := map[string]int{}
	lostIDs := map[string]int{} // page → its lost ids, for pairing a single rename
	for _, k := range missing {
		if page, id := anchors.SplitKey(k); id == "" {
			lostPages[page] = 0
		}
	}
	for _, k := range missing {
		if page, id := anchors.SplitKey(k); id != "" {
			lostIDs[page]++
			if _, ok := lostPages[page]; ok {
				lostPages[page]++
			}
		}
	}
	faulty := map[string]bool{} // files with an error of their own
	for _, d := range diags.Sorted() {
		faulty[d.Src.Path] = true
	}
	slices.SortFunc(s.fresh, func(a, b freshAnchor) int { return strings.Compare(a.key, b.key) })
	for _, k := range missing {
		page, id := anchors.SplitKey(k)
		if _, ok := lostPages[page]; ok && id != "" || s.failedToLoad(page) || s.madeFromFaulty(page, faulty) {
			continue
		}
		s.reportLost(k, page, id, lostPages[page], lostIDs[page] == 1, diags)
	}
}

// failedToLoad tells whether the page at folder page is missing because
// its file could not be loaded: its own error says why, and a lost anchor
// would only repeat it.
func (s *Site) failedToLoad(page string) bool {
	folder := strings.TrimSuffix(page, "/")
	if id, ok := strings.CutPrefix(folder, "handreikingen/"); ok {
		return s.Content.BrokenGuides[id]
	}
	if s.Content.BrokenPages[folder] {
		return true
	}
	slug, _, _ := strings.Cut(folder, "/")
	return slices.Contains(s.Content.LetterSlugs, slug) && s.letterBySlug[slug] == nil && !s.draftSlugs[slug]
}

// madeFromFaulty tells whether a file the page at folder page is made
// from has an error of its own: an anchor it lost may be lost only through
// that error (a duplicate id, a heading that failed), and the report would
// repeat it. Once the error is fixed, the check reports what is still lost.
func (s *Site) madeFromFaulty(page string, faulty map[string]bool) bool {
	if len(faulty) == 0 {
		return false
	}
	folder := strings.TrimSuffix(page, "/")
	if id, ok := strings.CutPrefix(folder, "handreikingen/"); ok {
		g := s.guideByID[id]
		return g != nil && faulty[g.Src.Path]
	}
	if p := s.pageByID[folder]; p != nil {
		return faulty[p.Src.Path]
	}
	slug, _, _ := strings.Cut(folder, "/")
	dir := path.Join(s.Content.Prefix, "brieven", slug) + "/"
	for file := range faulty {
		if strings.HasPrefix(file, dir) {
			return true
		}
	}
	return false
}

// reportLost reports one lost anchor, at the fresh anchor that most
// likely replaced it, or else at its line in the lock. alone says it is
// the only id lost on its page.
func (s *Site) reportLost(key, page, id string, ids int, alone bool, diags *diag.List) {
	if f := s.successor(page, id, alone); f != nil {
		newID := f.anchor.ID
		var how diag.Msg
		switch {
		case id == "" && strings.HasPrefix(page, "handreikingen/"):
			how = diag.M(diag.LockHowGuide, strings.TrimSuffix(strings.TrimPrefix(page, "handreikingen/"), "/"))
		case id == "":
			how = diag.M(diag.LockHowLetter, strings.TrimSuffix(page, "/"))
		case f.frontMatter:
			how = diag.M(diag.LockHowFrontMatter, id)
		default:
			how = diag.M(diag.LockHowHeading, newID, id)
		}
		diags.Add(f.anchor.Src, f.anchor.Offset, diag.LockLostAt, key, lostWhat(ids), how)
		return
	}
	what := diag.M(diag.LockRestoreID, id, id)
	if id == "" {
		what = diag.M(diag.LockRestorePage)
	}
	diags.Add(s.Lock.Src, s.Lock.Offset(key), diag.LockLost, key, lostWhat(ids), what)
}

// lostWhat says what is lost with an anchor: a page with ids ids on it,
// or one id (ids 0).
func lostWhat(ids int) diag.Msg {
	switch ids {
	case 0:
		return diag.M(diag.LostLinks)
	case 1:
		return diag.M(diag.LostPageOne)
	}
	return diag.M(diag.LostPageN, ids)
}

// successor returns the fresh anchor on the same page (or, for a page,
// the fresh page of the same kind) whose id is most like the lost one, if
// one is alike enough to be its likely new name; or, when the lost id is
// alone on its page and one id there is new, that one, however unlike:
// one id gone and one come is a rename.
func (s *Site) successor(page, id string, alone bool) *freshAnchor {
	var best, only *freshAnchor
	bestScore, onPage := 0.0, 0
	lost := id
	if id == "" {
		lost = page
	}
	for i := range s.fresh {
		f := &s.fresh[i]
		fpage, fid := anchors.SplitKey(f.key)
		cand := fid
		switch {
		case id != "" && fpage == page && fid != "":
			onPage++
			only = f
		case id == "" && fid == "" && pageKind(fpage) == pageKind(page):
			cand = fpage
		default:
			continue
		}
		if score := likeness(lost, cand); score > bestScore {
			best, bestScore = f, score
		}
	}
	if best == nil && alone && onPage == 1 {
		return only
	}
	return best
}

// pageKind tells a letter page, an annex page and a handreiking apart.
func pageKind(page string) string {
	switch {
	case strings.HasPrefix(page, "handreikingen/"):
		return "guide"
	case strings.HasSuffix(page, "/bijlage/"):
		return "annex"
	}
	return "letter"
}

// likeness scores how alike two ids are, from 0 (nothing in common) to 1:
// the larger of their shared words and their edit similarity. Ids that
// share no word and differ in more than half their letters score 0.
func likeness(a, b string) float64 {
	wa, wb := strings.FieldsFunc(a, isSep), strings.FieldsFunc(b, isSep)
	shared := 0
	for _, w := range wa {
		if len(w) > 2 && slices.Contains(wb, w) {
			shared++
		}
	}
	words := float64(shared) / float64(max(len(wa), len(wb), 1))
	longest := max(len(a), len(b), 1)
	edits := 1 - float64(editdist.Distance(a, b))/float64(longest)
	if edits < 0.5 {
		edits = 0
	}
	return max(words, edits)
}

func isSep(r rune) bool { return r == '-' || r == '/' }

// Redirect is a page kept at an old address: a letter, annex or
// handreiking that is now published under another name.
type Redirect struct {
	Path  string // the old folder
	To    string // the folder of the page it leads to
	Title string // the title of that page
	IDs   []RedirectID
}

// RedirectID is an id of the page an old address leads to, kept on the
// redirect page so that an old link with a fragment still lands.
type RedirectID struct {
	ID, Live, Title string
}

// redirects lists the pages kept for letter, handreiking and site page
// aliases.
func (s *Site) redirects() []*Redirect {
	var out []*Redirect
	for _, li := range s.Letters {
		for _, alias := range li.Aliases {
			if s.letterBySlug[alias] != li {
				continue // reported as a collision
			}
			lp := &Redirect{Path: LetterPath(alias), To: li.Path(), Title: LetterTitle(li.Meta)}
			ap := &Redirect{Path: AnnexPath(alias), To: AnnexPath(li.Slug), Title: "Bijlage bij " + li.Meta.Number}
			for _, id := range li.idList() {
				t := li.ids[id]
				rid := RedirectID{ID: id, Live: t.live, Title: li.ids[t.live].title}
				if t.page == anchors.AnnexPage {
					ap.IDs = append(ap.IDs, rid)
				} else {
					lp.IDs = append(lp.IDs, rid)
				}
			}
			out = append(out, lp)
			if len(li.Sections) > 0 {
				out = append(out, ap)
			}
		}
	}
	for _, g := range s.Guides {
		for _, a := range g.Aliases {
			if s.guideByID[a.ID] == g {
				out = append(out, docRedirect(GuidePath(a.ID), g.Path(), g.Title, g.anchors))
			}
		}
	}
	for _, p := range s.InfoPages {
		for _, a := range p.Aliases {
			if s.pageByID[a.ID] == p {
				out = append(out, docRedirect(PagePath(a.ID), p.Path(), p.Title, p.anchors))
			}
		}
	}
	slices.SortFunc(out, func(a, b *Redirect) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// docRedirect is the page kept at the old folder from of a handreiking
// or site page now at to, with the ids of its headings.
func docRedirect(from, to, title string, r *anchors.Registry) *Redirect {
	rd := &Redirect{Path: from, To: to, Title: title}
	for _, h := range r.All() {
		live := h.ID
		if h.AliasOf != "" {
			live = h.AliasOf
		}
		rd.IDs = append(rd.IDs, RedirectID{ID: h.ID, Live: live, Title: h.Title})
	}
	return rd
}
