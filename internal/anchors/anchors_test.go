package anchors

import (
	"strings"
	"testing"

	"ledenbrief/internal/diag"
)

func TestDuplicateNamesTheFirstPlace(t *testing.T) {
	a := &diag.Source{Path: "content/brieven/21-001/brief.md", Text: []byte("## Integriteit {#integriteit}\n")}
	b := &diag.Source{Path: "content/brieven/21-001/bijlage/01.md", Text: []byte("---\nid: integriteit\n")}
	r := NewRegistry()
	var diags diag.List
	if !r.Add(Anchor{ID: "integriteit", Page: LetterPage, Src: a, Offset: 3}, &diags) {
		t.Fatal("first anchor refused")
	}
	if r.Add(Anchor{ID: "integriteit", Page: AnnexPage, Src: b, Offset: 8}, &diags) {
		t.Fatal("duplicate accepted")
	}
	var out strings.Builder
	diags.Print(&out, diag.English)
	want := `content/brieven/21-001/bijlage/01.md:2:5: duplicate id "integriteit": already used at content/brieven/21-001/brief.md:1:4`
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("got %q, want prefix %q", out.String(), want)
	}
	if got := r.Lookup("integriteit"); got == nil || got.Page != LetterPage {
		t.Errorf("Lookup returned %+v, want the first anchor", got)
	}
	if len(r.All()) != 1 {
		t.Errorf("All() has %d anchors", len(r.All()))
	}
}

func TestAliasLeadsToTheLiveID(t *testing.T) {
	src := &diag.Source{Path: "b.md", Text: []byte("### Nieuw {#nieuw alias=\"oud\"}\n### Oud\n")}
	r := NewRegistry()
	var diags diag.List
	r.Add(Anchor{ID: "nieuw", Src: src, Offset: 4}, &diags)
	r.Add(Anchor{ID: "oud", AliasOf: "nieuw", Src: src, Offset: 4}, &diags)
	if a := r.Live("oud"); a == nil || a.ID != "nieuw" {
		t.Errorf("Live(oud) = %+v, want the anchor nieuw", a)
	}
	if r.Add(Anchor{ID: "oud", Src: src, Offset: 35}, &diags) {
		t.Error("a live id equal to an alias was accepted")
	}
	var out strings.Builder
	diags.Print(&out, diag.English)
	if want := `b.md:2:5: id "oud" is also an alias at b.md:1:5`; !strings.HasPrefix(out.String(), want) {
		t.Errorf("got %q, want prefix %q", out.String(), want)
	}
}
