// Package content loads a site's content folder into the letter, annex and
// handreiking model. It owns the file conventions and the front matter of
// every file kind, and reports every problem it finds as a diagnostic. It
// does not parse Markdown bodies: that is the markdown package's job.
//
// # Layout
//
//	site.yaml                    site settings (see Config)
//	afkortingen.yaml             abbreviation: expansion, one per line
//	synoniemen.yaml              everyday words for the letters' words, for search (see Synonyms)
//	brieven/<nn-nnn>/brief.md    a letter; the folder is its number with "/" → "-"
//	brieven/<nn-nnn>/bijlage/*.md    the annex, one file per section, in file-name order
//	handreikingen/*.md           one handreiking (guide, circular, website …) per file
//	paginas/*.md                 one site page (colofon, accessibility statement …) per file
//	anchors.lock                 every anchor ever published (read here, kept by the anchors package)
//
// A letter, an annex section and a handreiking may keep ids they had before
// with the front matter field "aliases" (a list of ids; for a letter, of
// letter folders like 21-082). A letter with "draft: true" is a concept:
// it is only built when drafts are asked for.
//
// Every file must be valid UTF-8 and a regular file: symbolic links are
// refused so that nothing outside the content folder can leak into a site.
package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"ledenbrief/internal/diag"
	"ledenbrief/internal/letternumber"
)

// Config holds the site-wide settings from site.yaml.
type Config struct {
	Title       string // the site's name, shown on every page
	Description string // one sentence for the home page and the feed
	Publisher   string // who publishes the letters
	BaseURL     string // canonical absolute URL of the site root, ending in "/"
	Language    string // BCP 47 language of the site's text
	AllowHTML   bool   // whether raw HTML in Markdown is passed through
	// Logo and Favicon are image files in the content folder (paths
	// relative to it), shown in every page's header and as its icon.
	Logo, Favicon string
	// Stylesheet is a CSS file in the content folder loaded after the
	// theme's, to set the theme's custom properties (colours, fonts).
	Stylesheet string
	// SectionNumbers numbers the annex's sections and subsections
	// (1, 1.1, …) on the page; ids never change with it.
	SectionNumbers bool
}

// ConfigFile is the site settings file in the content folder.
const ConfigFile = "site.yaml"

// Synonyms are the everyday words readers search with for the words the
// letters use, from synoniemen.yaml: groups of words that find each
// other, and one-way entries (a word that finds others, not the other
// way round). All lowercase.
type Synonyms struct {
	Groups []SynonymGroup
	OneWay []SynonymGroup // Words[0] finds Words[1:]
}

// SynonymGroup is one entry of synoniemen.yaml.
type SynonymGroup struct {
	Words []string
}

// Abbreviation is one entry of afkortingen.yaml.
type Abbreviation struct {
	Term      string // as written in the text, e.g. "VOG"
	Expansion string // e.g. "Verklaring Omtrent Gedrag"
}

// Doc is one Markdown file: its source, its front matter fields common to
// all kinds, and where its body starts.
type Doc struct {
	Src        *diag.Source
	BodyOffset int    // byte offset of the Markdown body in Src.Text
	ID         string // the stable anchor of the document (annex sections and handreikingen)
	IDOffset   int    // byte offset of the id's value, for diagnostics
	Title      string
	Aliases    []Alias // ids the document had before, still published
	// SearchWords (zoekwoorden in front matter) are words readers search
	// with for the document that its text does not use; search indexes
	// them with the document's first passage, never shown.
	SearchWords []string
}

// Alias is an old id kept alive, with the offset of where it is declared.
type Alias struct {
	ID     string
	Offset int
}

// Body returns the Markdown body of d.
func (d *Doc) Body() []byte { return d.Src.Text[d.BodyOffset:] }

// LetterMeta is the header of a letter, as printed above the paper letter.
type LetterMeta struct {
	Number      string    // "Lbr. 21/082"
	Reference   string    // kenmerk, "TRE/U202100853"
	Date        time.Time // date of the letter
	Subject     string    // onderwerp
	To          string    // addressee, "Aan de leden"
	Phone       string    // telephone number for questions
	Attachments int       // number of bijlagen
	Series      string    // id of the series the letter belongs to
	Summary     string    // one or two sentences for the home page and feed
	Draft       bool      // a concept, built only on request
	// Corrections are the changes made after publication, by date: small
	// corrections that need no new edition.
	Corrections []Correction
}

// Correction is one change to a published letter.
type Correction struct {
	Date        time.Time
	Description string // one line: what changed
}

// Updated returns the date of the letter's last correction, or its date.
func (m *LetterMeta) Updated() time.Time {
	if n := len(m.Corrections); n > 0 {
		return m.Corrections[n-1].Date
	}
	return m.Date
}

// Letter is one edition: the letter and its annex.
type Letter struct {
	Slug    string // folder name, "21-082"
	Meta    LetterMeta
	Body    *Doc
	Annex   []*Doc  // in file-name order
	Aliases []Alias // folders the letter was published under before
	// Offsets are where the values of the front matter fields reference,
	// summary and date start in brief.md, for messages about them.
	Offsets map[string]int
}

// ReviewMarker starts the line that "ledenbrief new" writes into every
// file of a new edition; an editor removes it once the file's text is
// reviewed, and a letter that is no longer a draft may not carry it.
const ReviewMarker = "# NAKIJKEN:"

// Guide is a handreiking: a document the letters refer to.
type Guide struct {
	Doc
	Kind      string // brochure, circulaire, nieuwsbericht, website, wetsvoorstel …
	Topic     string // the subject heading the publisher files it under
	Publisher string // who published it, when the letter says so
	URL       string // external address, from the letter or confirmed by a public source
	URLOffset int    // byte offset of the url field's value, for diagnostics
	Checked   string // YYYY-MM-DD: when the address was last confirmed
	Date      string // publication date as the letter gives it
}

// InfoPage is a site page from paginas/: about the site, its
// accessibility, anything that is neither letter nor handreiking.
type InfoPage struct {
	Doc
	Description string
	Menu        bool // listed in every page's main menu
	Footer      bool // listed in every page's footer
}

// Site is everything in a content folder except the letters' bodies, which
// are loaded one at a time with LoadLetter so that a build can stream them.
type Site struct {
	FS            fs.FS
	Prefix        string // path of the content folder as the user named it, for diagnostics
	Config        Config
	Abbreviations []Abbreviation // sorted by term
	Synonyms      Synonyms       // from synoniemen.yaml
	Guides        []*Guide       // sorted by id
	// BrokenGuides names the handreiking files that could not be loaded,
	// by the id their file name suggests, so that links to them are not
	// reported a second time.
	BrokenGuides map[string]bool
	InfoPages    []*InfoPage // sorted by id
	// BrokenPages names the site page files that could not be loaded, in
	// the same way.
	BrokenPages map[string]bool
	LetterSlugs []string     // sorted
	Lock        *diag.Source // anchors.lock; nil when the site has none yet

	// folders are the folders Stat found to be no symbolic link, by path:
	// a letter's files share theirs. Nil in a Site that Load did not make.
	folders *sync.Map
}

// LockFile is the name of the anchor lock in the content folder.
const LockFile = "anchors.lock"

// kindLabels maps the accepted values of a handreiking's kind field to
// the Dutch label readers see.
var kindLabels = map[string]string{
	"beleidskader": "Beleidskader", "brochure": "Brochure", "circulaire": "Circulaire",
	"handreiking": "Handreiking", "infographic": "Infographic", "instrument": "Instrument",
	"leidraad": "Leidraad", "nieuwsbericht": "Nieuwsbericht", "overig": "Document",
	"programma": "Programma", "website": "Website", "wetsvoorstel": "Wetsvoorstel",
}

// KindLabel is the Dutch label of a handreiking kind, as readers see it.
func KindLabel(kind string) string { return kindLabels[kind] }

// Load reads site.yaml, afkortingen.yaml and the handreikingen of fsys and
// lists the letters. prefix is prepended to paths in diagnostics.
func Load(fsys fs.FS, prefix string, diags *diag.List) *Site {
	s := &Site{FS: fsys, Prefix: prefix, folders: &sync.Map{}}
	s.loadConfig(diags)
	s.loadAbbreviations(diags)
	s.loadSynonyms(diags)
	s.loadGuides(diags)
	s.loadPages(diags)
	s.listLetters(diags)
	s.loadLock(diags)
	return s
}

func (s *Site) loadLock(diags *diag.List) {
	if _, err := fs.Lstat(s.FS, LockFile); errors.Is(err, fs.ErrNotExist) {
		return
	}
	if src, ok := s.source(LockFile, diags); ok {
		s.Lock = src
	}
}

// SymlinkError is the error of Stat for a path through a symbolic link.
type SymlinkError struct {
	Link string // the path of the link, relative to the content folder
}

func (e *SymlinkError) Error() string {
	return e.Link + " is a symbolic link; symbolic links are not allowed in the content folder"
}

// refuseLink reports a file or folder name that Stat refused because of
// link, which may be name itself or a folder on its way.
func (s *Site) refuseLink(name, link string, diags *diag.List) {
	src := &diag.Source{Path: path.Join(s.Prefix, name)}
	if link == name {
		diags.Add(src, 0, diag.Symlink)
		return
	}
	diags.Add(src, 0, diag.SymlinkOnPath, path.Join(s.Prefix, link))
}

// Stat returns the file info of a slash-separated path in the content
// folder, refusing a symbolic link anywhere on the way (a linked folder
// would let files from outside the content folder into the site). A
// folder on the way found no link before, in this load, is not looked at
// again.
func (s *Site) Stat(name string) (fs.FileInfo, error) {
	segs := strings.Split(name, "/")
	p := ""
	var info fs.FileInfo
	for i, seg := range segs {
		p = path.Join(p, seg)
		last := i == len(segs)-1
		if !last && s.folders != nil {
			if _, ok := s.folders.Load(p); ok {
				continue
			}
		}
		var err error
		if info, err = fs.Lstat(s.FS, p); err != nil {
			return nil, err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil, &SymlinkError{Link: p}
		}
		if !last && info.IsDir() && s.folders != nil {
			s.folders.Store(p, true)
		}
	}
	return info, nil
}

// source reads one file, refusing symbolic links and invalid UTF-8.
func (s *Site) source(name string, diags *diag.List) (*diag.Source, bool) {
	src := &diag.Source{Path: path.Join(s.Prefix, name)}
	var link *SymlinkError
	if _, err := s.Stat(name); errors.As(err, &link) {
		s.refuseLink(name, link.Link, diags)
		return src, false
	}
	text, err := fs.ReadFile(s.FS, name)
	if err != nil {
		diags.Add(src, 0, diag.CannotRead, unwrapPath(err))
		return src, false
	}
	switch {
	case bytes.HasPrefix(text, []byte("\xef\xbb\xbf")):
		text = text[3:] // the byte order mark Windows tools write: not part of the text
	case bytes.HasPrefix(text, []byte("\xff\xfe")), bytes.HasPrefix(text, []byte("\xfe\xff")):
		diags.Add(src, 0, diag.UTF16)
		return src, false
	}
	src.Text = text
	if !utf8.Valid(text) {
		diags.Add(src, firstInvalidUTF8(text), diag.InvalidUTF8)
		return src, false
	}
	return src, true
}

func (s *Site) loadConfig(diags *diag.List) {
	s.Config = Config{Language: "nl"}
	src, ok := s.source(ConfigFile, diags)
	if !ok {
		return
	}
	fm, ok := parseYAMLFile(src, diags)
	if !ok {
		return
	}
	c := &s.Config
	fm.decode([]field{
		{name: "title", required: true, set: text(&c.Title)},
		{name: "description", set: text(&c.Description)},
		{name: "publisher", required: true, set: text(&c.Publisher)},
		{name: "base_url", required: true, set: text(&c.BaseURL)},
		{name: "language", set: text(&c.Language)},
		{name: "allow_html", set: boolean(&c.AllowHTML)},
		{name: "logo", set: text(&c.Logo)},
		{name: "favicon", set: text(&c.Favicon)},
		{name: "stylesheet", set: text(&c.Stylesheet)},
		{name: "section_numbers", set: boolean(&c.SectionNumbers)},
	}, diags)
	for _, f := range []struct {
		name string
		file *string
		ok   func(string) bool
		want diag.Msg
	}{
		{"logo", &c.Logo, isImage, diag.M(diag.AnImage)},
		{"favicon", &c.Favicon, isImage, diag.M(diag.AnImage)},
		{"stylesheet", &c.Stylesheet, func(n string) bool { return path.Ext(n) == ".css" }, diag.M(diag.ACSSFile)},
	} {
		if *f.file == "" {
			continue
		}
		if err := s.checkSiteFile(*f.file, f.ok, f.want); err != nil {
			diags.Add(src, fm.valueOffset(f.name), diag.SiteFile, f.name, *f.file, err)
			*f.file = ""
		}
	}
	if c.BaseURL != "" {
		if !strings.HasPrefix(c.BaseURL, "https://") && !strings.HasPrefix(c.BaseURL, "http://") {
			diags.Add(src, fm.valueOffset("base_url"), diag.BaseURL, c.BaseURL)
		}
		if !strings.HasSuffix(c.BaseURL, "/") {
			c.BaseURL += "/"
		}
	}
}

// SynonymsFile is the file of synonyms in the content folder.
const SynonymsFile = "synoniemen.yaml"

// loadSynonyms reads synoniemen.yaml: "groepen", a list of lists of
// words, and "eenrichting", a map from a word to the words it finds.
func (s *Site) loadSynonyms(diags *diag.List) {
	if _, err := fs.Stat(s.FS, SynonymsFile); errors.Is(err, fs.ErrNotExist) {
		return
	}
	src, ok := s.source(SynonymsFile, diags)
	if !ok {
		return
	}
	fm, ok := parseYAMLFile(src, diags)
	if !ok || fm.root == nil {
		return
	}
	words := func(n *yaml.Node, min int) ([]string, bool) {
		if n.Kind != yaml.SequenceNode || len(n.Content) < min {
			diags.Add(src, fm.nodeOffset(n), diag.SynonymList, min)
			return nil, false
		}
		var out []string
		for _, w := range n.Content {
			v := strings.ToLower(strings.Join(strings.Fields(w.Value), " "))
			if w.Kind != yaml.ScalarNode || v == "" {
				diags.Add(src, fm.nodeOffset(w), diag.SynonymWord)
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	}
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		k, v := fm.root.Content[i], fm.root.Content[i+1]
		switch k.Value {
		case "groepen":
			if v.Kind != yaml.SequenceNode {
				diags.Add(src, fm.nodeOffset(v), diag.SynonymGroups)
				continue
			}
			for _, g := range v.Content {
				if ws, ok := words(g, 2); ok {
					s.Synonyms.Groups = append(s.Synonyms.Groups, SynonymGroup{Words: ws})
				}
			}
		case "eenrichting":
			if v.Kind != yaml.MappingNode {
				diags.Add(src, fm.nodeOffset(v), diag.SynonymOneWay)
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				from := strings.ToLower(strings.TrimSpace(v.Content[j].Value))
				if ws, ok := words(v.Content[j+1], 1); ok && from != "" {
					s.Synonyms.OneWay = append(s.Synonyms.OneWay, SynonymGroup{Words: append([]string{from}, ws...)})
				}
			}
		default:
			diags.Add(src, fm.nodeOffset(k), diag.SynonymSection, k.Value)
		}
	}
}

func (s *Site) loadAbbreviations(diags *diag.List) {
	if _, err := fs.Stat(s.FS, "afkortingen.yaml"); errors.Is(err, fs.ErrNotExist) {
		return
	}
	src, ok := s.source("afkortingen.yaml", diags)
	if !ok {
		return
	}
	fm, ok := parseYAMLFile(src, diags)
	if !ok || fm.root == nil {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(fm.root.Content); i += 2 {
		k, v := fm.root.Content[i], fm.root.Content[i+1]
		switch {
		case v.Kind != yaml.ScalarNode || v.Value == "":
			diags.Add(src, fm.nodeOffset(v), diag.AbbrEmpty, k.Value)
		case seen[k.Value]:
			diags.Add(src, fm.nodeOffset(k), diag.AbbrTwice, k.Value)
		default:
			seen[k.Value] = true
			s.Abbreviations = append(s.Abbreviations, Abbreviation{Term: k.Value, Expansion: v.Value})
		}
	}
	slices.SortFunc(s.Abbreviations, func(a, b Abbreviation) int { return strings.Compare(a.Term, b.Term) })
}

// parseYAMLFile parses a whole file as YAML front matter would be parsed.
func parseYAMLFile(src *diag.Source, diags *diag.List) (*frontMatter, bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(src.Text, &root); err != nil {
		diags.Add(src, yamlErrorOffset(src.Text, err), diag.YAMLMalformed, yamlProblem(src.Text, err))
		return nil, false
	}
	fm := &frontMatter{src: src, field: diag.M(diag.FieldYAML)}
	if len(root.Content) > 0 {
		if root.Content[0].Kind != yaml.MappingNode {
			diags.Add(src, 0, diag.YAMLNotMapping)
			return nil, false
		}
		fm.root = root.Content[0]
	}
	return fm, true
}

func (s *Site) loadGuides(diags *diag.List) {
	names := s.markdownFiles("handreikingen", diags)
	byID := map[string]*Guide{}
	s.BrokenGuides = map[string]bool{}
	for _, name := range names {
		broken := func() { s.BrokenGuides[strings.TrimSuffix(path.Base(name), path.Ext(name))] = true }
		src, ok := s.source(name, diags)
		if !ok {
			broken()
			continue
		}
		fm, body, ok := splitFrontMatter(src, diags)
		if !ok {
			broken()
			continue
		}
		g := &Guide{Doc: Doc{Src: src, BodyOffset: body}}
		decoded := fm.decode([]field{
			{name: "id", required: true, set: text(&g.ID)},
			{name: "title", required: true, set: text(&g.Title)},
			{name: "kind", required: true, set: text(&g.Kind)},
			{name: "topic", set: text(&g.Topic)},
			{name: "publisher", set: text(&g.Publisher)},
			{name: "url", set: text(&g.URL)},
			{name: "checked", set: text(&g.Checked)},
			{name: "date", set: text(&g.Date)},
			{name: "aliases", set: aliases(fm, &g.Aliases)},
			{name: "zoekwoorden", set: searchWords(&g.SearchWords)},
		}, diags)
		g.IDOffset, g.URLOffset = fm.valueOffset("id"), fm.valueOffset("url")
		decoded = checkAliases(src, g.ID, g.Aliases, ValidID, diag.M(diag.LikeGuideID), diags) && decoded
		if g.ID != "" && !checkID(src, g.IDOffset, g.ID, diags) || !decoded {
			broken()
			if g.ID != "" {
				s.BrokenGuides[g.ID] = true
			}
			continue
		}
		if _, ok := kindLabels[g.Kind]; !ok {
			known := slices.Sorted(maps.Keys(kindLabels))
			diags.Add(src, fm.valueOffset("kind"), diag.UnknownKind, g.Kind, strings.Join(known, ", "))
		}
		if g.URL != "" && !strings.HasPrefix(g.URL, "https://") && !strings.HasPrefix(g.URL, "http://") {
			diags.Add(src, g.URLOffset, diag.GuideURL, g.URL)
		}
		if g.Checked != "" {
			if _, err := time.Parse(time.DateOnly, g.Checked); err != nil {
				diags.Add(src, fm.valueOffset("checked"), diag.CheckedDate, g.Checked)
			}
		}
		if prev, dup := byID[g.ID]; dup {
			diags.Add(src, g.IDOffset, diag.GuideDuplicate, g.ID, prev.Src.Path)
			continue
		}
		byID[g.ID] = g
		s.Guides = append(s.Guides, g)
	}
	slices.SortFunc(s.Guides, func(a, b *Guide) int { return strings.Compare(a.ID, b.ID) })
}

// loadPages loads the site pages in paginas/.
func (s *Site) loadPages(diags *diag.List) {
	byID := map[string]*InfoPage{}
	s.BrokenPages = map[string]bool{}
	for _, name := range s.markdownFiles("paginas", diags) {
		broken := func() { s.BrokenPages[strings.TrimSuffix(path.Base(name), path.Ext(name))] = true }
		src, ok := s.source(name, diags)
		if !ok {
			broken()
			continue
		}
		fm, body, ok := splitFrontMatter(src, diags)
		if !ok {
			broken()
			continue
		}
		p := &InfoPage{Doc: Doc{Src: src, BodyOffset: body}}
		decoded := fm.decode([]field{
			{name: "id", required: true, set: text(&p.ID)},
			{name: "title", required: true, set: text(&p.Title)},
			{name: "description", set: text(&p.Description)},
			{name: "menu", set: boolean(&p.Menu)},
			{name: "footer", set: boolean(&p.Footer)},
			{name: "aliases", set: aliases(fm, &p.Aliases)},
			{name: "zoekwoorden", set: searchWords(&p.SearchWords)},
		}, diags)
		p.IDOffset = fm.valueOffset("id")
		decoded = checkAliases(src, p.ID, p.Aliases, ValidID, diag.M(diag.LikePageID), diags) && decoded
		if p.ID != "" && !checkID(src, p.IDOffset, p.ID, diags) || !decoded {
			broken()
			if p.ID != "" {
				s.BrokenPages[p.ID] = true
			}
			continue
		}
		if prev, dup := byID[p.ID]; dup {
			diags.Add(src, p.IDOffset, diag.PageDuplicate, p.ID, prev.Src.Path)
			continue
		}
		byID[p.ID] = p
		s.InfoPages = append(s.InfoPages, p)
	}
	slices.SortFunc(s.InfoPages, func(a, b *InfoPage) int { return strings.Compare(a.ID, b.ID) })
}

func (s *Site) listLetters(diags *diag.List) {
	var link *SymlinkError
	if _, err := s.Stat("brieven"); errors.As(err, &link) {
		s.refuseLink("brieven", link.Link, diags)
		return
	}
	entries, err := fs.ReadDir(s.FS, "brieven")
	if err != nil {
		diags.Add(&diag.Source{Path: path.Join(s.Prefix, "brieven")}, 0, diag.CannotListLetters, unwrapPath(err))
		return
	}
	for _, e := range entries {
		name := path.Join("brieven", e.Name())
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			s.refuseLink(name, name, diags)
		case !e.IsDir():
			diags.Add(&diag.Source{Path: path.Join(s.Prefix, name)}, 0, diag.StrayFile)
		case !letternumber.IsFolder(e.Name()):
			diags.Add(&diag.Source{Path: path.Join(s.Prefix, name)}, 0, diag.FolderName, e.Name())
		default:
			s.LetterSlugs = append(s.LetterSlugs, e.Name())
		}
	}
}

var (
	idRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	// dateShapeRE matches a date written right that may still not exist.
	dateShapeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// ValidID reports whether id is usable as a stable anchor: lowercase ASCII
// letters and digits joined by single hyphens, so that it survives every
// URL, file system and mirror unchanged.
func ValidID(id string) bool { return idRE.MatchString(id) }

func checkID(src *diag.Source, off int, id string, diags *diag.List) bool {
	if !ValidID(id) {
		diags.Add(src, off, diag.InvalidID, id)
		return false
	}
	return true
}

// LetterStamp describes the files of letter slug as the file system
// lists them (names, sizes, modification times), without reading them:
// while it is the same, a letter loaded before can stand for it.
func (s *Site) LetterStamp(slug string) (string, error) {
	dir := path.Join("brieven", slug)
	var b strings.Builder
	stamp := func(name string) error {
		info, err := fs.Lstat(s.FS, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s\x00%d\x00%d\x00%d\n", name, info.Size(), info.ModTime().UnixNano(), info.Mode())
		return nil
	}
	if err := stamp(path.Join(dir, "brief.md")); err != nil {
		return "", err
	}
	entries, err := fs.ReadDir(s.FS, path.Join(dir, "bijlage"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	for _, e := range entries {
		if err := stamp(path.Join(dir, "bijlage", e.Name())); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// LoadLetter reads one letter and its annex. It returns nil when the
// letter cannot be used; the reasons are in diags.
func (s *Site) LoadLetter(slug string, diags *diag.List) *Letter {
	dir := path.Join("brieven", slug)
	l := &Letter{Slug: slug}
	src, ok := s.source(path.Join(dir, "brief.md"), diags)
	if !ok {
		return nil
	}
	fm, body, ok := splitFrontMatter(src, diags)
	if !ok {
		return nil
	}
	m := &l.Meta
	var date string
	var words []string
	ok = fm.decode([]field{
		{name: "number", required: true, set: text(&m.Number)},
		{name: "reference", required: true, set: text(&m.Reference)},
		{name: "date", required: true, set: text(&date)},
		{name: "subject", required: true, set: text(&m.Subject)},
		{name: "to", required: true, set: text(&m.To)},
		{name: "phone", set: text(&m.Phone)},
		{name: "attachments", set: number(&m.Attachments)},
		{name: "series", set: text(&m.Series)},
		{name: "summary", set: text(&m.Summary)},
		{name: "draft", set: boolean(&m.Draft)},
		{name: "aliases", set: aliases(fm, &l.Aliases)},
		{name: "corrections", set: corrections(fm, src, &m.Corrections, diags)},
		{name: "zoekwoorden", set: searchWords(&words)},
	}, diags)
	l.Body = &Doc{Src: src, BodyOffset: body, Title: m.Subject, SearchWords: words}
	if !checkAliases(src, slug, l.Aliases, letternumber.IsFolder, diag.M(diag.LikeLetterFolder), diags) {
		ok = false
	}
	if !setDates(m, date, fm, src, diags) {
		ok = false
	}
	if m.Number != "" && !checkNumber(src, fm.valueOffset("number"), m.Number, slug, diags) {
		ok = false
	}
	if m.Series != "" && !checkID(src, fm.valueOffset("series"), m.Series, diags) {
		ok = false
	}
	for _, name := range s.markdownFiles(path.Join(dir, "bijlage"), diags) {
		d, good := s.loadSection(name, diags)
		if !good {
			ok = false
			continue
		}
		l.Annex = append(l.Annex, d)
	}
	if !ok {
		return nil
	}
	l.Offsets = map[string]int{}
	for _, name := range []string{"reference", "summary", "date"} {
		l.Offsets[name] = fm.valueOffset(name)
	}
	if !m.Draft {
		for _, d := range append([]*Doc{l.Body}, l.Annex...) {
			reportReviewMarkers(d.Src, m.Number, diags)
		}
	}
	return l
}

// setDates sets the letter's date from its front matter's text, and
// reports a date that is not one or a correction dated before the letter.
func setDates(m *LetterMeta, date string, fm *frontMatter, src *diag.Source, diags *diag.List) bool {
	ok := true
	if t, err := time.Parse(time.DateOnly, date); date != "" && err != nil {
		if dateShapeRE.MatchString(date) {
			diags.Add(src, fm.valueOffset("date"), diag.DateNotExist, date)
		} else {
			diags.Add(src, fm.valueOffset("date"), diag.DateFormat, date)
		}
		ok = false
	} else {
		m.Date = t
	}
	for i, c := range m.Corrections {
		if !m.Date.IsZero() && c.Date.Before(m.Date) {
			diags.Add(src, fm.valueOffset("corrections"), diag.CorrectionBefore, i+1, c.Date.Format(time.DateOnly), m.Date.Format(time.DateOnly))
			ok = false
		}
	}
	return ok
}

// reportReviewMarkers reports every line of src that starts with the
// review marker: the text it stands above was copied from the previous
// edition and no one has said it was reviewed.
func reportReviewMarkers(src *diag.Source, number string, diags *diag.List) {
	text := src.Text
	for off := 0; off < len(text); {
		end := bytes.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		line := text[off : off+end]
		if trimmed := bytes.TrimLeft(line, " \t"); bytes.HasPrefix(trimmed, []byte(ReviewMarker)) {
			diags.Add(src, off+len(line)-len(trimmed), diag.NotReviewed, number)
		}
		off += end + 1
	}
}

// checkAliases reports aliases that are malformed, repeated, or equal to
// the live id they stand in for.
func checkAliases(src *diag.Source, live string, list []Alias, valid func(string) bool, like diag.Msg, diags *diag.List) bool {
	ok := true
	seen := map[string]bool{}
	for _, a := range list {
		switch {
		case !valid(a.ID):
			diags.Add(src, a.Offset, diag.AliasInvalid, a.ID, like)
		case a.ID == live:
			diags.Add(src, a.Offset, diag.AliasSelf, a.ID)
		case seen[a.ID]:
			diags.Add(src, a.Offset, diag.AliasListedTwice, a.ID)
		default:
			seen[a.ID] = true
			continue
		}
		ok = false
	}
	return ok
}

// checkNumber reports a letter number that is malformed or does not
// match the letter's folder.
func checkNumber(src *diag.Source, off int, number, slug string, diags *diag.List) bool {
	want, ok := letternumber.Folder(number)
	if !ok {
		diags.Add(src, off, diag.NumberMalformed, number)
		return false
	}
	if want != slug {
		diags.Add(src, off, diag.NumberFolder, number, want, slug)
		return false
	}
	return true
}

func (s *Site) loadSection(name string, diags *diag.List) (*Doc, bool) {
	src, ok := s.source(name, diags)
	if !ok {
		return nil, false
	}
	fm, body, ok := splitFrontMatter(src, diags)
	if !ok {
		return nil, false
	}
	d := &Doc{Src: src, BodyOffset: body}
	ok = fm.decode([]field{
		{name: "id", required: true, set: text(&d.ID)},
		{name: "title", required: true, set: text(&d.Title)},
		{name: "aliases", set: aliases(fm, &d.Aliases)},
		{name: "zoekwoorden", set: searchWords(&d.SearchWords)},
	}, diags)
	d.IDOffset = fm.valueOffset("id")
	if d.ID != "" && !checkID(src, d.IDOffset, d.ID, diags) {
		ok = false
	}
	if !checkAliases(src, d.ID, d.Aliases, ValidID, diag.M(diag.LikeSectionID), diags) {
		ok = false
	}
	return d, ok
}

// markdownFiles lists the .md files of dir in name order. A missing folder
// is not an error (a letter need not have an annex); a folder that is a
// symbolic link is.
func (s *Site) markdownFiles(dir string, diags *diag.List) []string {
	var link *SymlinkError
	if _, err := s.Stat(dir); errors.As(err, &link) {
		s.refuseLink(dir, link.Link, diags)
		return nil
	}
	entries, err := fs.ReadDir(s.FS, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		diags.Add(&diag.Source{Path: path.Join(s.Prefix, dir)}, 0, diag.CannotListFolder, unwrapPath(err))
		return nil
	}
	var names []string
	for _, e := range entries {
		name := path.Join(dir, e.Name())
		if e.Type()&fs.ModeSymlink != 0 { // to a file or a folder, whatever its name
			s.refuseLink(name, name, diags)
			continue
		}
		if !strings.EqualFold(path.Ext(e.Name()), ".md") || strings.EqualFold(e.Name(), "README.md") {
			continue
		}
		if e.Type().IsRegular() {
			names = append(names, name)
		}
	}
	return names // fs.ReadDir sorts by name
}

// unwrapPath drops the *fs.PathError wrapper, whose path the diagnostic
// already shows.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// DutchDate formats a date the Dutch way, "6 december 2021".
func DutchDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonths[t.Month()-1], t.Year())
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
