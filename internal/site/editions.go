package site

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"ledenbrief/internal/anchors"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/diff"
	"ledenbrief/internal/markdown"
)

// Series is the editions of one letter: letters with the same series in
// their front matter, a newer one being a newer version of the annex.
type Series struct {
	ID       string
	Editions []*LetterInfo // oldest first: by date, then number
}

// Path is the folder of the series page, which leads to the newest edition.
func (s *Series) Path() string { return SeriesPath(s.ID) }

// Newest is the newest edition.
func (s *Series) Newest() *LetterInfo { return s.Editions[len(s.Editions)-1] }

// Link is the step between the two passes: with every letter indexed, it
// puts the letters in order, checks letter aliases, forms the series and
// compares their editions, and hands every link between letters to the
// page it lands on. CheckLock is the step after it.
func (s *Site) Link(diags *diag.List) {
	slices.SortFunc(s.Letters, compareLetters)
	s.linkAliases(diags)
	s.formSeries()
	s.checkCopied(diags)
	for _, li := range s.Letters {
		for _, x := range li.outgoing {
			s.addInbound(x)
			if t := s.letterBySlug[x.slug]; t != nil && !slices.Contains(li.LinksTo, t) {
				li.LinksTo = append(li.LinksTo, t)
			}
		}
		li.outgoing = nil
	}
	for _, li := range s.Letters {
		sortRefs(li.Inbound)
		for _, refs := range li.inbound {
			sortRefs(refs)
		}
	}
	s.Redirects = s.redirects()
}

// linkAliases lets a letter answer to the folders it had before, unless
// another letter uses them.
func (s *Site) linkAliases(diags *diag.List) {
	for i := len(s.Letters) - 1; i >= 0; i-- { // oldest first: the first claim wins
		li := s.Letters[i]
		for j, alias := range li.Aliases {
			if prev := s.letterBySlug[alias]; prev != nil {
				diags.Add(li.aliasSrc, li.aliasOff[j], diag.AliasCollidesLetter, alias, prev.Slug)
				continue
			}
			if s.draftSlugs[alias] {
				diags.Add(li.aliasSrc, li.aliasOff[j], diag.AliasCollidesDraft, alias, alias)
				continue
			}
			s.letterBySlug[alias] = li
		}
	}
}

// addInbound records a link from one letter at the letter or the annex
// section it lands on. Links that do not land are reported by ResolveLetter.
func (s *Site) addInbound(x crossRef) {
	li := s.letterBySlug[x.slug]
	if li == nil {
		return
	}
	if x.id == "" {
		li.Inbound = append(li.Inbound, x.ref)
		li.names[""] = append(li.names[""], x.ref.AnchorText)
		return
	}
	t, ok := li.ids[x.id]
	if ok {
		li.names[t.live] = append(li.names[t.live], x.ref.AnchorText)
	}
	switch {
	case !ok:
	case t.page == anchors.AnnexPage:
		li.inbound[t.section] = append(li.inbound[t.section], x.ref)
	default:
		li.Inbound = append(li.Inbound, x.ref)
	}
}

// formSeries groups letters into series, oldest edition first, and gives
// every section its thread through the editions and its status.
func (s *Site) formSeries() {
	byID := map[string]*Series{}
	for i := len(s.Letters) - 1; i >= 0; i-- {
		li := s.Letters[i]
		if li.Meta.Series == "" {
			continue
		}
		sr := byID[li.Meta.Series]
		if sr == nil {
			sr = &Series{ID: li.Meta.Series}
			byID[sr.ID] = sr
			s.Series = append(s.Series, sr)
		}
		li.Series, li.Edition = sr, len(sr.Editions)
		sr.Editions = append(sr.Editions, li)
	}
	slices.SortFunc(s.Series, func(a, b *Series) int { return strings.Compare(a.ID, b.ID) })
	for _, sr := range s.Series {
		threadSections(sr)
	}
}

// checkCopied reports a published edition that still has the kenmerk,
// summary or date of the edition before it, from which "ledenbrief new"
// copied them: a letter that says it is another is not ready.
func (s *Site) checkCopied(diags *diag.List) {
	for _, sr := range s.Series {
		for k := 1; k < len(sr.Editions); k++ {
			li, prev := sr.Editions[k], sr.Editions[k-1]
			if li.metaSrc == nil {
				continue
			}
			m, p := li.Meta, prev.Meta
			if m.Reference == p.Reference {
				diags.Add(li.metaSrc, li.metaOff["reference"], diag.CopiedReference, m.Reference, p.Number)
			}
			if m.Summary != "" && m.Summary == p.Summary {
				diags.Add(li.metaSrc, li.metaOff["summary"], diag.CopiedSummary, p.Number)
			}
			if m.Date.Equal(p.Date) {
				diags.Add(li.metaSrc, li.metaOff["date"], diag.CopiedDate, content.DutchDate(m.Date), p.Number)
			}
		}
	}
}

// threadSections matches each section with the same section in the
// editions before it, by id or alias, so that a renamed or moved section
// keeps its thread, and compares it with the previous edition.
func threadSections(sr *Series) {
	threadOf := map[string]string{} // an id or alias seen so far → its thread
	used := map[string]bool{}
	for k, li := range sr.Editions {
		inThis := map[string]bool{}
		for _, sec := range li.Sections {
			sec.Thread = ""
			for _, name := range append([]string{sec.ID}, sec.Aliases...) {
				if t, ok := threadOf[name]; ok && !inThis[t] {
					sec.Thread = t
					break
				}
			}
			if sec.Thread == "" {
				sec.Thread = sec.ID
				for used[sec.Thread] {
					sec.Thread += "+"
				}
			}
			used[sec.Thread], inThis[sec.Thread] = true, true
		}
		for _, sec := range li.Sections {
			for _, name := range append([]string{sec.ID}, sec.Aliases...) {
				threadOf[name] = sec.Thread
			}
		}
		if k == 0 {
			continue
		}
		prev := sr.Editions[k-1]
		for _, sec := range li.Sections {
			switch p := prev.section(sec.Thread); {
			case p == nil:
				sec.Status = StatusNew
			case p.hash == sec.hash:
				sec.Status = StatusUnchanged
			default:
				sec.Status = StatusChanged
			}
		}
		li.Removed = nil
		for _, p := range prev.Sections {
			if !inThis[p.Thread] {
				li.Removed = append(li.Removed, p)
			}
		}
	}
}

// section returns the letter's section of a thread, or nil.
func (li *LetterInfo) section(thread string) *SectionInfo {
	for _, sec := range li.Sections {
		if sec.Thread == thread {
			return sec
		}
	}
	return nil
}

// Previous is the edition before this one, or nil.
func (li *LetterInfo) Previous() *LetterInfo {
	if li.Series == nil || li.Edition == 0 {
		return nil
	}
	return li.Series.Editions[li.Edition-1]
}

// Next is the edition that followed the letter in its series: the one it
// was the current edition until; nil for the newest and for a letter
// outside a series.
func (li *LetterInfo) Next() *LetterInfo {
	if li.Series == nil || li.Edition+1 >= len(li.Series.Editions) {
		return nil
	}
	return li.Series.Editions[li.Edition+1]
}

// Newer is the newest edition of the letter's series when that is not the
// letter itself: the reader of a superseded edition is told about it.
func (li *LetterInfo) Newer() *LetterInfo {
	if li.Series == nil || li.Series.Newest() == li {
		return nil
	}
	return li.Series.Newest()
}

// Fate says what became of a section or subsection of an edition that
// is not the newest: the newest edition has it unchanged or with another
// text, or an edition after this one no longer has it.
type Fate struct {
	Status    string      // StatusUnchanged, StatusChanged (replaced) or StatusRemoved
	Edition   *LetterInfo // the newest edition; for StatusRemoved the one that removed it
	ID, Title string      // its id and title in the newest edition; "" when removed
	// Compare is the folder of the page that compares the letter with the
	// newest edition, and Fragment the part of it that shows the text.
	Compare, Fragment string
	// Removal is the part of the removing edition's changes page that
	// shows the removal; "" when that page shows it only as part of a
	// section that stayed.
	Removal string
}

// SectionFate returns what became of annex section id of the letter in
// the newest edition of its series: nil for the newest and for a letter
// outside a series.
func (li *LetterInfo) SectionFate(id string) *Fate {
	n, sec := li.Newer(), li.sectionByID(id)
	if n == nil || sec == nil {
		return nil
	}
	f := li.fate(n, id)
	if ns := n.section(sec.Thread); ns != nil {
		f.ID, f.Title, f.Status = ns.ID, ns.Title, StatusChanged
		if ns.hash == sec.hash {
			f.Status = StatusUnchanged
		}
		return f
	}
	f.Status = StatusRemoved
	for _, e := range li.Series.Editions[li.Edition+1:] {
		if e.section(sec.Thread) == nil {
			f.Edition = e
			f.Removal = e.Previous().section(sec.Thread).ID
			break
		}
	}
	return f
}

// fate is a Fate with the comparison of li with the newest edition n,
// at the part that shows li's annex section id.
func (li *LetterInfo) fate(n *LetterInfo, id string) *Fate {
	f := &Fate{Edition: n}
	if frag := li.CompareSection(n, id); frag != "" {
		f.Compare, f.Fragment = li.ComparePath(n), frag
	}
	return f
}

// SubsectionFates returns what became of every subsection of letter old
// (an annex heading below a section's own) in newest, the newest edition
// of its series, by the subsection's id: its id is followed from edition
// to edition through ids and aliases, and its text, heading included,
// compared with the newest's. Both letters are parsed; nil when old is
// the newest edition.
func (s *Site) SubsectionFates(old, newest *Letter) map[string]*Fate {
	li := old.Info
	if li.Newer() != newest.Info {
		return nil
	}
	newText := map[string]string{}
	for _, sec := range newest.Sections {
		maps.Copy(newText, subsectionTexts(sec.Doc))
	}
	out := map[string]*Fate{}
	for _, sec := range old.Sections {
		oldText := subsectionTexts(sec.Doc)
		for _, h := range sec.Doc.Headings {
			f := li.fate(newest.Info, sec.Src.ID)
			id, removed := li.follow(anchors.AnnexPage, h.ID)
			switch {
			case removed != nil:
				f.Status, f.Edition = StatusRemoved, removed
			case newText[id] == oldText[h.ID]:
				f.Status, f.ID, f.Title = StatusUnchanged, id, newest.Info.ids[id].title
			default:
				f.Status, f.ID, f.Title = StatusChanged, id, newest.Info.ids[id].title
			}
			out[h.ID] = f
		}
	}
	return out
}

// follow follows id on page of the letter through the later editions of
// its series, by their ids and aliases: its id in the newest edition, or
// its id in the last edition that has it and the edition that removed it.
func (li *LetterInfo) follow(page anchors.Page, id string) (string, *LetterInfo) {
	for _, e := range li.Series.Editions[li.Edition+1:] {
		t, ok := e.ids[id]
		if !ok || t.page != page {
			return id, e
		}
		id = t.live
	}
	return id, nil
}

// Thread names the passage at id on page of the letter ("" the top of
// the page) so that its copies in every edition of the series share the
// name, for search to show one of them: the series, and the id the
// passage has in the newest edition (or in the last one that has it,
// with the edition that removed it). It is "" for a letter outside a
// series of two or more editions.
func (li *LetterInfo) Thread(page anchors.Page, id string) string {
	if li.Series == nil || len(li.Series.Editions) < 2 {
		return ""
	}
	if id == "" {
		return fmt.Sprintf("%s\x00%d\x00", li.Series.ID, page)
	}
	final, removed := li.follow(page, id)
	key := fmt.Sprintf("%s\x00%d\x00%s", li.Series.ID, page, final)
	if removed != nil {
		key += "\x00" + removed.Slug
	}
	return key
}

// subsectionTexts maps each heading of d to the text under it, up to the
// next heading of its level or higher, headed by its title: d is split
// once for each level its headings have.
func subsectionTexts(d *markdown.Doc) map[string]string {
	level := map[string]int{}
	for _, h := range d.Headings {
		level[h.ID] = h.Level
	}
	out := map[string]string{}
	for _, l := range slices.Compact(slices.Sorted(maps.Values(level))) {
		for _, part := range d.Sections(l) {
			if level[part.ID] == l {
				out[part.ID] = part.Title + "\n" + part.Text
			}
		}
	}
	return out
}

func (li *LetterInfo) sectionByID(id string) *SectionInfo {
	for _, sec := range li.Sections {
		if sec.ID == id {
			return sec
		}
	}
	return nil
}

// Version is one edition's state of a section, for the version switcher.
type Version struct {
	Letter  *LetterInfo
	Section *SectionInfo // nil when the section was removed in this edition
	Status  string       // a section status, StatusRemoved included; "" in the first edition
	Current bool         // the edition being read
}

// Versions lists section id of this letter in every edition of its series
// that has it, oldest first, and the edition that removed it, if any.
// It returns nil for a letter outside a series of two or more editions.
func (li *LetterInfo) Versions(id string) []Version {
	sec := li.sectionByID(id)
	if li.Series == nil || len(li.Series.Editions) < 2 || sec == nil {
		return nil
	}
	var out []Version
	seen := false
	for _, e := range li.Series.Editions {
		es := e.section(sec.Thread)
		switch {
		case es != nil:
			seen = true
			out = append(out, Version{Letter: e, Section: es, Status: es.Status, Current: e == li})
		case seen:
			out = append(out, Version{Letter: e, Status: StatusRemoved})
			seen = false
		}
	}
	return out
}

// Changes compares two editions of a series: what changed from the older
// one to the newer one. It is shown on a page in the folder of Owner,
// which is one of the two.
type Changes struct {
	Letter, Previous *LetterInfo // the newer edition and the older one
	Owner            *LetterInfo // the letter whose folder holds the page
	Pair             bool        // a page of one pair (wijzigingen/<other>/), not the changes since the previous edition; set by its caller
	Sections         []SectionChange
}

// Other is the edition the page's owner is compared with.
func (c *Changes) Other() *LetterInfo {
	if c.Owner == c.Letter {
		return c.Previous
	}
	return c.Letter
}

// Consecutive reports whether the older edition is the one just before
// the newer.
func (c *Changes) Consecutive() bool { return c.Letter.Previous() == c.Previous }

// SectionChange is one section of a Changes page.
type SectionChange struct {
	ID, Title    string // in the new edition; ID is "" for the letter itself
	PrevID       string // the id in the previous edition, "" when new
	PrevTitle    string
	Status       string
	OnLetterPage bool           // the letter itself rather than an annex section
	Moved        bool           // the section changed places with the others
	Excerpts     []diff.Excerpt // word-level difference: changed paragraphs with one around each
}

// ChangeContext is how many unchanged paragraphs a changes page shows
// around each changed one.
const ChangeContext = 1

// Renamed reports whether the section has another id than before.
func (c SectionChange) Renamed() bool { return c.PrevID != "" && c.ID != "" && c.PrevID != c.ID }

// Anchor is the id of the section's part of a changes page.
func (c SectionChange) Anchor() string {
	switch {
	case c.OnLetterPage:
		return LetterChangeAnchor
	case c.ID != "":
		return c.ID
	}
	return c.PrevID
}

// LetterChangeAnchor is the id of the letter's own part of a changes page.
const LetterChangeAnchor = "lb_brief"

// MaxCompared bounds the comparison pages of one edition. A series of
// up to MaxCompared+1 editions compares every edition with every other;
// in a longer one, an edition is compared with the first and the newest
// and with the editions nearest to it, MaxCompared in all, so that the
// pages grow linearly with the series rather than with its square.
const MaxCompared = 12

// Compared lists the editions that letter li has a comparison page with,
// oldest first: every other edition of its series, bounded by MaxCompared.
func (li *LetterInfo) Compared() []*LetterInfo {
	if li.Series == nil || len(li.Series.Editions) < 2 {
		return nil
	}
	eds := li.Series.Editions
	if len(eds)-1 <= MaxCompared {
		return slices.DeleteFunc(slices.Clone(eds), func(e *LetterInfo) bool { return e == li })
	}
	pick := map[int]bool{0: true, len(eds) - 1: true}
	delete(pick, li.Edition)
	for d := 1; len(pick) < MaxCompared; d++ {
		for _, k := range []int{li.Edition - d, li.Edition + d} { // the older first
			if k >= 0 && k < len(eds) && len(pick) < MaxCompared {
				pick[k] = true
			}
		}
	}
	var out []*LetterInfo
	for k, e := range eds {
		if pick[k] {
			out = append(out, e)
		}
	}
	return out
}

// ComparePath is the folder of the page that compares letter li with
// another edition of its series.
func (li *LetterInfo) ComparePath(other *LetterInfo) string { return ComparePath(li.Slug, other.Slug) }

// Compares reports whether letter li has a comparison page with other.
func (li *LetterInfo) Compares(other *LetterInfo) bool { return slices.Contains(li.Compared(), other) }

// CompareSection is where a comparison of li with another edition shows
// section id of li: the section's anchor on that page, "" when the other
// edition is not compared with li.
func (li *LetterInfo) CompareSection(other *LetterInfo, id string) string {
	sec := li.sectionByID(id)
	if sec == nil || !li.Compares(other) {
		return ""
	}
	newer := other
	if li.Edition > other.Edition {
		newer = li
	}
	if s := newer.section(sec.Thread); s != nil {
		return s.ID
	}
	return id
}

// Compare compares two parsed editions of one series, owner the letter
// whose folder holds the page: the letter itself, every annex section by
// thread, with its status between the two, and the sections the newer
// no longer has. It reads the older edition's text as it was written and
// the newer's, whichever of the two is the owner.
func (s *Site) Compare(owner, other *Letter) *Changes {
	newer, older := owner, other
	if other.Info.Edition > owner.Info.Edition {
		newer, older = other, owner
	}
	c := &Changes{Letter: newer.Info, Previous: older.Info, Owner: owner.Info}
	olderByThread := map[string]*Section{}
	olderInfo := map[string]*SectionInfo{}
	olderPos := map[string]int{}
	for i, sec := range older.Sections {
		t := older.Info.Sections[i].Thread
		olderByThread[t], olderInfo[t], olderPos[t] = sec, older.Info.Sections[i], i
	}
	var kept []int // older positions of the sections kept, in their new order
	inNewer := map[string]bool{}
	for _, info := range newer.Info.Sections {
		inNewer[info.Thread] = true
		if p, ok := olderPos[info.Thread]; ok {
			kept = append(kept, p)
		}
	}
	inPlace := increasing(kept)
	body := diff.Words(sectionText(older.Body), sectionText(newer.Body))
	status := StatusUnchanged
	if diff.Changed(body) {
		status = StatusChanged
	}
	c.Sections = append(c.Sections, SectionChange{Title: "De brief", PrevTitle: "De brief", Status: status, OnLetterPage: true, Excerpts: excerpts(body)})
	for i, sec := range newer.Sections {
		info := newer.Info.Sections[i]
		ch := SectionChange{ID: info.ID, Title: info.Title, Status: StatusNew}
		old := ""
		if p := olderByThread[info.Thread]; p != nil {
			ch.PrevID, ch.PrevTitle = p.Src.ID, p.Src.Title
			ch.Moved = !inPlace[olderPos[info.Thread]]
			ch.Status = StatusChanged
			if olderInfo[info.Thread].hash == info.hash {
				ch.Status = StatusUnchanged
			}
			old = withTitle(p.Src.Title, p.Doc)
		}
		ch.Excerpts = excerpts(diff.Words(old, withTitle(info.Title, sec.Doc)))
		c.Sections = append(c.Sections, ch)
	}
	for i, p := range older.Sections {
		r := older.Info.Sections[i]
		if inNewer[r.Thread] {
			continue
		}
		ch := SectionChange{PrevID: r.ID, PrevTitle: r.Title, Title: r.Title, Status: StatusRemoved}
		ch.Excerpts = excerpts(diff.Words(withTitle(r.Title, p.Doc), ""))
		c.Sections = append(c.Sections, ch)
	}
	return c
}

// increasing returns the members of a longest increasing subsequence of
// seq: the sections that kept their order. The others moved.
func increasing(seq []int) map[int]bool {
	// O(n²) is plenty for the sections of one annex.
	length := make([]int, len(seq))
	from := make([]int, len(seq))
	best := -1
	for i := range seq {
		length[i], from[i] = 1, -1
		for j := range i {
			if seq[j] < seq[i] && length[j]+1 > length[i] {
				length[i], from[i] = length[j]+1, j
			}
		}
		if best < 0 || length[i] > length[best] {
			best = i
		}
	}
	out := map[int]bool{}
	for i := best; i >= 0; i = from[i] {
		out[seq[i]] = true
	}
	return out
}

// excerpts is what a changes page shows of a script.
func excerpts(ops []diff.Op) []diff.Excerpt {
	return diff.WithContext(diff.Paragraphs(ops), ChangeContext)
}

// withTitle is a section's text headed by its title, so that a new title
// shows as a change.
func withTitle(title string, d *markdown.Doc) string {
	return title + "\n" + sectionText(d)
}

// HomeEntry is one item of the home page: a letter, or the newest edition
// of a series with the editions before it.
type HomeEntry struct {
	Letter *LetterInfo
	Older  []*LetterInfo // newest first, at most HomeOlder; the letter's page lists them all
}

// HomeOlder is how many earlier editions a home page entry lists.
const HomeOlder = 5

// Home lists the latest HomeEntries published letters, newest first, a
// series as one entry under its newest edition. Drafts are never listed.
func (s *Site) Home() []HomeEntry {
	var out []HomeEntry
	entry := map[*Series]int{}     // a series → its entry
	for _, li := range s.Letters { // newest first
		if li.Meta.Draft {
			continue
		}
		if i, ok := entry[li.Series]; ok && li.Series != nil {
			if len(out[i].Older) < HomeOlder {
				out[i].Older = append(out[i].Older, li)
			}
			continue
		}
		if len(out) == HomeEntries {
			continue // older editions of the series listed are still gathered
		}
		if li.Series != nil {
			entry[li.Series] = len(out)
		}
		out = append(out, HomeEntry{Letter: li})
	}
	return out
}

// Published lists the letters that are not drafts, newest first: those
// in the feed, the sitemap and the search index.
func (s *Site) Published() []*LetterInfo {
	var out []*LetterInfo
	for _, li := range s.Letters {
		if !li.Meta.Draft {
			out = append(out, li)
		}
	}
	return out
}
