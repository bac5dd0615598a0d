package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/adrg/frontmatter"
	"go.yaml.in/yaml/v3"

	"ledenbrief/internal/diag"
)

const siteYAML = "title: T\npublisher: P\nbase_url: https://example.org\n"

func letterFS(brief string) fstest.MapFS {
	return fstest.MapFS{
		"site.yaml":               {Data: []byte(siteYAML)},
		"brieven/21-001/brief.md": {Data: []byte(brief)},
	}
}

func diagnostics(l *diag.List) string {
	var b strings.Builder
	l.Print(&b, diag.English)
	return b.String()
}

func TestLoadLetter(t *testing.T) {
	fsys := letterFS("---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: Aan de leden\nattachments: 1\n---\nTekst.\n")
	fsys["brieven/21-001/bijlage/02-b.md"] = &fstest.MapFile{Data: []byte("---\nid: b\ntitle: B\n---\nB.\n")}
	fsys["brieven/21-001/bijlage/01-a.md"] = &fstest.MapFile{Data: []byte("---\nid: a\ntitle: A\n---\nA.\n")}
	var diags diag.List
	s := Load(fsys, "content", &diags)
	l := s.LoadLetter("21-001", &diags)
	if diags.Len() > 0 {
		t.Fatal(diagnostics(&diags))
	}
	if s.Config.BaseURL != "https://example.org/" {
		t.Errorf("base URL %q lacks its trailing slash", s.Config.BaseURL)
	}
	if DutchDate(l.Meta.Date) != "6 december 2021" {
		t.Errorf("date = %s", DutchDate(l.Meta.Date))
	}
	if len(l.Annex) != 2 || l.Annex[0].ID != "a" || l.Annex[1].ID != "b" {
		t.Errorf("annex not in file-name order: %+v", l.Annex)
	}
	if string(l.Body.Body()) != "Tekst.\n" {
		t.Errorf("body = %q", l.Body.Body())
	}
}

func TestInvalidUTF8(t *testing.T) {
	fsys := letterFS("---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: T\n---\nCaf\xe9 au lait\n")
	var diags diag.List
	s := Load(fsys, "content", &diags)
	if l := s.LoadLetter("21-001", &diags); l != nil {
		t.Error("a letter with invalid UTF-8 was loaded")
	}
	want := "content/brieven/21-001/brief.md:8:4: invalid UTF-8: save the file as UTF-8\n"
	if got := diagnostics(&diags); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSymlinksAreRefused(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.md")
	os.WriteFile(secret, []byte("---\nid: geheim\ntitle: G\nkind: brochure\n---\ngeheim\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "handreikingen"), 0o755)
	os.MkdirAll(filepath.Join(dir, "brieven"), 0o755)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(siteYAML), 0o644)
	if err := os.Symlink(secret, filepath.Join(dir, "handreikingen", "link.md")); err != nil {
		t.Skip("cannot make symbolic links here:", err)
	}
	var diags diag.List
	s := Load(os.DirFS(dir), "content", &diags)
	if len(s.Guides) != 0 {
		t.Error("a handreiking was loaded through a symbolic link")
	}
	want := "content/handreikingen/link.md:1:1: symbolic links are not allowed in the content folder\n"
	if got := diagnostics(&diags); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLinkedFoldersAreRefused links whole folders of the content to a
// folder outside it: the handreikingen, an annex, and a folder of media.
// Nothing is loaded from them, each link is named, and media behind a
// link are refused.
func TestLinkedFoldersAreRefused(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(outside, "geheim.md"), []byte("---\nid: geheim\ntitle: G\nkind: brochure\n---\ngeheim\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "kaart.png"), []byte("png"), 0o644)
	os.MkdirAll(filepath.Join(dir, "brieven", "21-001"), 0o755)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(siteYAML), 0o644)
	os.WriteFile(filepath.Join(dir, "brieven", "21-001", "brief.md"), []byte("---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: T\n---\nx\n"), 0o644)
	for _, link := range []string{"handreikingen", "brieven/21-001/bijlage", "brieven/21-001/media"} {
		if err := os.Symlink(outside, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Skip("cannot make symbolic links here:", err)
		}
	}
	var diags diag.List
	s := Load(os.DirFS(dir), "content", &diags)
	l := s.LoadLetter("21-001", &diags)
	if len(s.Guides) != 0 || l == nil || len(l.Annex) != 0 {
		t.Errorf("loaded %d handreikingen and letter %v through linked folders", len(s.Guides), l)
	}
	want := "content/brieven/21-001/bijlage:1:1: symbolic links are not allowed in the content folder\n" +
		"content/handreikingen:1:1: symbolic links are not allowed in the content folder\n"
	if got := diagnostics(&diags); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := s.CheckMedia("brieven/21-001/media/kaart.png"); err == nil || !strings.Contains(err.Error(), "brieven/21-001/media is a symbolic link") {
		t.Errorf("media behind a linked folder: %v", err)
	}
}

// TestLinkedSubfoldersAreRefused links a folder inside handreikingen/
// and inside an annex to a folder outside the content: each link is named,
// not skipped in silence as a folder without .md in its name would be.
func TestLinkedSubfoldersAreRefused(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(outside, "geheim.md"), []byte("---\nid: geheim\ntitle: G\nkind: brochure\n---\ngeheim\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "brieven", "21-001", "bijlage"), 0o755)
	os.MkdirAll(filepath.Join(dir, "handreikingen"), 0o755)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(siteYAML), 0o644)
	os.WriteFile(filepath.Join(dir, "brieven", "21-001", "brief.md"), []byte("---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: T\n---\nx\n"), 0o644)
	for _, link := range []string{"handreikingen/extra", "brieven/21-001/bijlage/meer"} {
		if err := os.Symlink(outside, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Skip("cannot make symbolic links here:", err)
		}
	}
	var diags diag.List
	s := Load(os.DirFS(dir), "content", &diags)
	s.LoadLetter("21-001", &diags)
	want := "content/brieven/21-001/bijlage/meer:1:1: symbolic links are not allowed in the content folder\n" +
		"content/handreikingen/extra:1:1: symbolic links are not allowed in the content folder\n"
	if got := diagnostics(&diags); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzLoad feeds arbitrary text to the front matter of a letter, an annex
// section and a handreiking: loading must never panic, and every problem
// must carry a position inside its file.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: T\n---\nx",
		"---\nnumber: [\n---\n",
		"---\n- a\n- b\n---\n",
		"\n\n---\nid: x\n---",
		"---\nattachments: -1\ndate: 2021-02-30\nnumber: Lbr. 99/999\n---\n",
		"---\n: :\n\t---\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fsys := letterFS(text)
		fsys["brieven/21-001/bijlage/01.md"] = &fstest.MapFile{Data: []byte(text)}
		fsys["handreikingen/h.md"] = &fstest.MapFile{Data: []byte(text)}
		fsys["afkortingen.yaml"] = &fstest.MapFile{Data: []byte(text)}
		var diags diag.List
		s := Load(fsys, "content", &diags)
		s.LoadLetter("21-001", &diags)
		for _, d := range diags.Sorted() {
			if d.Src != nil && (d.Offset < 0 || d.Offset > len(d.Src.Text)) {
				t.Fatalf("%s: offset %d outside the file", d, d.Offset)
			}
		}
	})
}

// TestSearchWords reads zoekwoorden, as a list or one value, for the
// letter, its annex sections, handreikingen and site pages, and reports a
// value that is not a list of words where it is.
func TestSearchWords(t *testing.T) {
	fsys := letterFS("---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: T\nzoekwoorden: wachtgeld\n---\nTekst.\n")
	fsys["brieven/21-001/bijlage/01-a.md"] = &fstest.MapFile{Data: []byte("---\nid: a\ntitle: A\nzoekwoorden: [laptop, telefoon inleveren]\n---\nA.\n")}
	fsys["handreikingen/g.md"] = &fstest.MapFile{Data: []byte("---\nid: g\ntitle: G\nkind: brochure\nzoekwoorden: [eigen regels]\n---\nG.\n")}
	fsys["paginas/p.md"] = &fstest.MapFile{Data: []byte("---\nid: p\ntitle: P\nzoekwoorden:\n  - offline\n---\nP.\n")}
	var diags diag.List
	s := Load(fsys, "content", &diags)
	l := s.LoadLetter("21-001", &diags)
	if diags.Len() > 0 {
		t.Fatal(diagnostics(&diags))
	}
	for what, got := range map[string][]string{
		"letter": l.Body.SearchWords, "annex": l.Annex[0].SearchWords, "handreiking": s.Guides[0].SearchWords, "page": s.InfoPages[0].SearchWords,
	} {
		want := map[string]string{"letter": "wachtgeld", "annex": "laptop|telefoon inleveren", "handreiking": "eigen regels", "page": "offline"}[what]
		if strings.Join(got, "|") != want {
			t.Errorf("%s: zoekwoorden %q, want %q", what, got, want)
		}
	}

	fsys["brieven/21-001/bijlage/01-a.md"] = &fstest.MapFile{Data: []byte("---\nid: a\ntitle: A\nzoekwoorden: [laptop, {a: b}]\n---\nA.\n")}
	diags = diag.List{}
	s = Load(fsys, "content", &diags)
	s.LoadLetter("21-001", &diags)
	if got := diagnostics(&diags); !strings.Contains(got, "content/brieven/21-001/bijlage/01-a.md:4:") || !strings.Contains(got, "list of words readers search with") {
		t.Errorf("a malformed zoekwoorden gives %q", got)
	}
}

// TestFrontMatterSplitsAsTheWholeTextDoes: the front matter parser is
// given the text up to where the front matter seems to end; the body
// must start where a parse of the whole text says, and the problems be
// the same, whatever the text's shape.
func TestFrontMatterSplitsAsTheWholeTextDoes(t *testing.T) {
	for _, text := range []string{
		"---\ntitle: Een\n---\nTekst\n",
		"---\ntitle: Een\n---\n",
		"---\n---\nLeeg\n",
		"\n\n---\ntitle: Een\n---\nNa lege regels\n",
		"---\r\ntitle: Een\r\n---\r\nWindows\r\n",
		"---\ntitle: Een\n--- \n---\nSpatie na het streepje\n",
		"---\ntitle: Een\ntekst: |\n  ---\n  regel\n---\nStreepjes in een blok\n",
		"---\ntitle: [Een\n---\nKapot\n",
		"---\ntitle: Een\nNiet gesloten\n",
		"Geen front matter\n",
		"---\ntitle: Een\n---",
	} {
		var root yaml.Node
		rest, wantErr := frontmatter.MustParse(strings.NewReader(text), &root, yamlFormat)
		var diags diag.List
		fm, body, ok := splitFrontMatter(&diag.Source{Path: "brief.md", Text: []byte(text)}, &diags)
		if ok != (wantErr == nil) {
			t.Errorf("%q: ok %v, the parser's error %v", text, ok, wantErr)
			continue
		}
		if !ok {
			continue
		}
		if want := len(text) - len(rest); body != want {
			t.Errorf("%q: body at %d, want %d", text, body, want)
		}
		if (fm.root == nil) != (len(root.Content) == 0) {
			t.Errorf("%q: front matter %v, the parser's %v", text, fm.root, root.Content)
		}
	}
}
