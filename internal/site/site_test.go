package site

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/record"
)

func TestRel(t *testing.T) {
	for _, c := range []struct{ from, to, frag, want string }{
		{"", "", "", "index.html"},
		{"", "21-082/", "", "21-082/index.html"},
		{"21-082/", "21-082/bijlage/", "rechtspositie", "bijlage/index.html#rechtspositie"},
		{"21-082/bijlage/", "21-082/", "brief-integriteit", "../index.html#brief-integriteit"},
		{"21-082/bijlage/", "21-082/bijlage/", "x", "#x"},
		{"21-082/bijlage/", "handreikingen/h/", "", "../../handreikingen/h/index.html"},
		{"handreikingen/h/", "", "", "../../index.html"},
	} {
		if got := Rel(c.from, c.to, c.frag); got != c.want {
			t.Errorf("Rel(%q, %q, %q) = %q, want %q", c.from, c.to, c.frag, got, c.want)
		}
	}
}

const brief = "---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-12-06\nsubject: S\nto: T\n---\n"

// FuzzResolve runs arbitrary Markdown through parsing, the anchor registry
// and link resolution: no panics, and every diagnostic inside its file.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"## A {#a}\n\n[Hier](#sectie) [h](#gids) [x](#) [y]() [z](../../x) [m](mailto:a@b)\n",
		"## A\n## A\n# B\n![i](plaatje.png) [j](javascript:x)\n",
		"[a](/abs) [b](%zz) [c](sectie#x) [d](#sectie-sub)\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fsys := fstest.MapFS{
			"site.yaml":                           {Data: []byte("title: T\npublisher: P\nbase_url: https://example.org/\n")},
			"brieven/21-001/brief.md":             {Data: []byte(brief + body)},
			"brieven/21-001/bijlage/01-sectie.md": {Data: []byte("---\nid: sectie\ntitle: Sectie\n---\n### Sub {#sectie-sub}\n" + body)},
			"handreikingen/gids.md":               {Data: []byte("---\nid: gids\ntitle: Gids\nkind: brochure\n---\n" + body)},
			"brieven/21-001/bijlage/plaatje.png":  {Data: []byte("png")},
		}
		var diags diag.List
		c := content.Load(fsys, "content", &diags)
		s := New(c, false, &diags)
		if l := c.LoadLetter("21-001", &diags); l != nil {
			s.IndexLetter(l, 0, &diags)
			s.Link(&diags)
			s.CheckLock(&diags)
			s.ResolveLetter(l, &diags)
		}
		s.ResolveGuides(&diags)
		for _, d := range diags.Sorted() {
			if d.Src != nil && (d.Offset < 0 || d.Offset > len(d.Src.Text)) {
				t.Fatalf("%s: offset %d outside the file", d, d.Offset)
			}
			if strings.Contains(d.Text(diag.Dutch), "%!") || strings.Contains(d.Text(diag.English), "%!") {
				t.Fatalf("badly formatted message: %s", d)
			}
		}
	})
}

func TestIsLetterLink(t *testing.T) {
	for dest, want := range map[string]bool{
		"21-082": true, "21-082#rechtspositie": true, "21-082#": true,
		"21-08": false, "21-0822": false, "2-1082": false, "21_082": false, "a1-082": false, "21-08a": false, "#21-082": false, "": false,
	} {
		if got := isLetterLink(dest); got != want {
			t.Errorf("isLetterLink(%q) = %v, want %v", dest, got, want)
		}
	}
}

// shippedSite indexes and links the shipped content, as a build's first
// pass does; its problems are in the list it returns.
func shippedSite() (*Site, *content.Site, *diag.List) {
	diags := &diag.List{}
	c := content.Load(os.DirFS("../../content"), "content", diags)
	s := New(c, false, diags)
	for i, slug := range c.LetterSlugs {
		s.IndexLetter(c.LoadLetter(slug, diags), i, diags)
	}
	s.Link(diags)
	return s, c, diags
}

// TestSectionNumbers numbers the shipped annex's sections and
// subsections as its headings stand (what a "Hier" link's name says).
func TestSectionNumbers(t *testing.T) {
	s, c, diags := shippedSite()
	rl := s.ResolveLetter(c.LoadLetter("21-082", diags), diags)
	if diags.Len() > 0 {
		t.Fatal(diags.Error())
	}
	for id, want := range map[[2]string]string{
		{"rechtspositie", "rechtspositie"}:                        "1",
		{"rechtspositie", "ict-middelen"}:                         "1.3",
		{"desinformatie", "doel-programma"}:                       "4.3",
		{"desinformatie", "inzet-en-positionering-vng-gemeenten"}: "4.3.1",
		{"weerbaar-bestuur", "woningscan"}:                        "5.4",
		{"weerbaar-bestuur", "persoonlijke-weerbaarheidsscan"}:    "5.2", // an alias
	} {
		if got := rl.sectionNumber(id[0], id[1]); got != want {
			t.Errorf("%s in %s is numbered %q, want %q", id[1], id[0], got, want)
		}
	}
}

// TestReuseRoundTrip reads back what resolving the shipped letter added
// to the site, as the build cache keeps it: the places it links to
// handreikingen from with their anchor texts, its links to site pages,
// its media.
func TestReuseRoundTrip(t *testing.T) {
	s, c, diags := shippedSite()
	want := s.ResolveLetter(c.LoadLetter("21-082", diags), diags).Reuse()
	if diags.Len() > 0 || len(want.GuideRefs) == 0 {
		t.Fatalf("%d handreikingen linked; %v", len(want.GuideRefs), diags.Error())
	}
	want.PageNames = map[string][]string{"over-deze-site": {"Hier staat hoe de site werkt."}}
	w := &record.Writer{}
	want.AppendRecord(w)
	got, err := ReadReuse(record.NewReader(w.B))
	if err != nil {
		t.Fatal(err)
	}
	for id, refs := range want.GuideRefs {
		for i := range refs {
			refs[i].Letter = nil // the build that reuses them sets it
		}
		if !reflect.DeepEqual(got.GuideRefs[id], refs) {
			t.Errorf("%s: read back %+v, want %+v", id, got.GuideRefs[id], refs)
		}
	}
	if !reflect.DeepEqual(got.PageNames, want.PageNames) || !reflect.DeepEqual(got.Media, want.Media) {
		t.Errorf("read back pages %v, media %v; want %v, %v", got.PageNames, got.Media, want.PageNames, want.Media)
	}
}

// TestComparedEditions lists what an edition is compared with: every
// other edition of a short series; in a long one the first, the newest
// and the nearest, MaxCompared in all, the previous one always included.
func TestComparedEditions(t *testing.T) {
	series := func(n int) *Series {
		sr := &Series{ID: "s"}
		for k := range n {
			li := &LetterInfo{Slug: fmt.Sprintf("%02d-001", k), Series: sr, Edition: k}
			sr.Editions = append(sr.Editions, li)
		}
		return sr
	}
	short := series(4)
	if got := short.Editions[1].Compared(); len(got) != 3 || got[0] != short.Editions[0] || got[2] != short.Editions[3] {
		t.Errorf("in a series of 4 edition 2 is compared with %d editions, want the 3 others oldest first", len(got))
	}
	long := series(40)
	for _, k := range []int{0, 1, 20, 38, 39} {
		li := long.Editions[k]
		got := li.Compared()
		if len(got) != MaxCompared {
			t.Errorf("edition %d of 40 is compared with %d editions, want %d", k, len(got), MaxCompared)
		}
		want := []*LetterInfo{long.Editions[0], long.Editions[39]}
		if k > 0 {
			want = append(want, li.Previous())
		}
		for _, w := range want {
			if w != li && !li.Compares(w) {
				t.Errorf("edition %d of 40 is not compared with edition %d", k, w.Edition)
			}
		}
		if li.Compares(li) {
			t.Errorf("edition %d is compared with itself", k)
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].Edition >= got[i].Edition {
				t.Errorf("edition %d: compared editions not oldest first", k)
			}
		}
	}
	if got := long.Editions[20].Compared(); !slices.Contains(got, long.Editions[25]) || slices.Contains(got, long.Editions[30]) {
		t.Error("edition 21 of 40 is not compared with the editions nearest to it")
	}
}
