package markdown

import (
	"bytes"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Loopbaanoriëntatie nog actieve raadsleden": "loopbaanorientatie-nog-actieve-raadsleden",
		"Één":                 "een",
		"ICT-middelen":        "ict-middelen",
		"RIEC's en B&W":       "riecs-en-b-w",
		"  **Integriteit**  ": "integriteit",
		"Inzet kabinetsformatie: betere bestuurlijke en financiële verhoudingen": "inzet-kabinetsformatie-betere-bestuurlijke-en-financiele-verhoudingen",
		"Inzet en positionering VNG/gemeenten":                                   "inzet-en-positionering-vng-gemeenten",
		"IJsselmeer":                                                             "ijsselmeer",
		"€ 195 miljoen":                                                          "195-miljoen",
		"???":                                                                    "",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func render(t *testing.T, c *Converter, src string) (string, *Doc) {
	t.Helper()
	d := c.Parse([]byte(src))
	var b bytes.Buffer
	if err := c.Render(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String(), d
}

func TestHeadingsAndLinks(t *testing.T) {
	c := New(Options{})
	src := "## Loopbaanoriëntatie *nu*\n\n[Hier](#x) en ![kaart](k.png).\n\n### Eigen {#eigen-id}\n\n[daar](https://example.org)\n"
	html, d := render(t, c, src)
	if len(d.Headings) != 2 {
		t.Fatalf("got %d headings", len(d.Headings))
	}
	h := d.Headings[0]
	if h.ID != "loopbaanorientatie-nu" || h.Text != "Loopbaanoriëntatie nu" || h.Explicit {
		t.Errorf("first heading = %+v", h)
	}
	if h2 := d.Headings[1]; h2.ID != "eigen-id" || !h2.Explicit || h2.Level != 3 {
		t.Errorf("second heading = %+v", h2)
	}
	if len(d.Links) != 3 {
		t.Fatalf("got %d links", len(d.Links))
	}
	if l := d.Links[0]; l.Dest != "#x" || l.Text != "Hier" || src[l.Offset:l.Offset+6] != "[Hier]" || l.Section != "loopbaanorientatie-nu" {
		t.Errorf("first link = %+v", *l)
	}
	if l := d.Links[1]; !l.Image || l.Dest != "k.png" {
		t.Errorf("image = %+v", *l)
	}
	if d.Links[2].Section != "eigen-id" {
		t.Errorf("link under the second heading has section %q", d.Links[2].Section)
	}
	d.Links[0].SetTarget(PageTarget("21-082/bijlage/", "x"), "bijlage/index.html#x")
	var b bytes.Buffer
	c.Render(&b, d)
	if !strings.Contains(b.String(), `<a href="bijlage/index.html#x">Hier</a>`) {
		t.Errorf("SetTarget not rendered:\n%s", b.String())
	}
	if !strings.Contains(html, `<h3 id="eigen-id">Eigen <a class="permalink" href="#eigen-id"`) {
		t.Errorf("heading without permalink:\n%s", html)
	}
}

func TestRawHTMLIsEscapedUnlessAllowed(t *testing.T) {
	src := "Tekst <script>alert(1)</script> hier.\n\n<div onclick=\"x\">blok</div>\n"
	got, _ := render(t, New(Options{}), src)
	if strings.Contains(got, "<script>") || strings.Contains(got, "<div") {
		t.Errorf("raw HTML passed through:\n%s", got)
	}
	if !strings.Contains(got, "&lt;script&gt;") || !strings.Contains(got, "&lt;div onclick=&quot;x&quot;&gt;blok&lt;/div&gt;") {
		t.Errorf("raw HTML not shown as text:\n%s", got)
	}
	allowed, _ := render(t, New(Options{AllowHTML: true}), src)
	if !strings.Contains(allowed, "<div onclick=\"x\">blok</div>") {
		t.Errorf("allowed raw HTML was changed:\n%s", allowed)
	}
}

func TestAbbreviationsFirstUsePerSection(t *testing.T) {
	c := New(Options{Abbreviations: map[string]string{"VOG": "Verklaring Omtrent Gedrag", "RIEC": "Regionaal Informatie- en Expertisecentrum"}})
	src := "Een VOG, nog een VOG, de RIEC's en VOGEL.\n\n## Volgende\n\nWeer een VOG in [VOG-link](#x) en `VOG`.\n"
	got, _ := render(t, c, src)
	if n := strings.Count(got, `<abbr title="Verklaring Omtrent Gedrag">VOG</abbr>`); n != 2 {
		t.Errorf("VOG marked %d times, want once per section (2):\n%s", n, got)
	}
	if !strings.Contains(got, `de <abbr title="Regionaal Informatie- en Expertisecentrum">RIEC</abbr>'s`) {
		t.Errorf("RIEC's not marked:\n%s", got)
	}
	if strings.Contains(got, "<abbr title=\"Verklaring Omtrent Gedrag\">VOG</abbr>EL") {
		t.Errorf("VOG marked inside VOGEL:\n%s", got)
	}
	if strings.Contains(got, "<code><abbr") || strings.Contains(got, "<a href=\"#x\"><abbr") {
		t.Errorf("abbreviation marked inside code or a link:\n%s", got)
	}
}

// FuzzParse checks that no input makes parsing or rendering panic, and
// that every reported offset lies inside the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"## Kop {#id}\n\n[Hier](#x) VOG\n",
		"[a]( <b> )\n\n<div>\n\n# \n",
		"* [x](#)\n  * ![y]()\n",
		"### Één {#}\n\n`VOG` **VOG**\n",
		"[\x00](\xff)",
	} {
		f.Add(s)
	}
	c := New(Options{Abbreviations: map[string]string{"VOG": "Verklaring", "B&W": "burgemeester en wethouders"}})
	f.Fuzz(func(t *testing.T, src string) {
		d := c.Parse([]byte(src))
		for _, h := range d.Headings {
			if h.Offset < 0 || h.Offset > len(src) {
				t.Fatalf("heading offset %d outside input of %d bytes", h.Offset, len(src))
			}
		}
		for _, l := range d.Links {
			if l.Offset < 0 || l.Offset > len(src) {
				t.Fatalf("link offset %d outside input of %d bytes", l.Offset, len(src))
			}
			l.SetTarget(PageTarget("x/", ""), "x")
		}
		var b bytes.Buffer
		if err := c.Render(&b, d); err != nil {
			t.Fatal(err)
		}
		b.Reset()
		if err := c.RenderLinked(&b, d, func(Target, bool) string { return "#y" }); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSections(t *testing.T) {
	c := New(Options{Abbreviations: map[string]string{"VOG": "Verklaring Omtrent Gedrag"}})
	d := c.Parse([]byte("Inleiding met een VOG.\n\n### Eerste {#een}\n\nTekst *een*.\n\n- punt a\n- punt b\n\n#### Dieper\n\nNog.\n\n### Tweede\n\nTwee.\n"))
	got := d.Sections(3)
	if len(got) != 3 {
		t.Fatalf("got %d sections: %+v", len(got), got)
	}
	if got[0].ID != "" || got[0].Text != "Inleiding met een VOG." || len(got[0].Expansions) != 1 {
		t.Errorf("intro = %+v", got[0])
	}
	if got[1].ID != "een" || got[1].Title != "Eerste" || got[1].Text != "Tekst een.\npunt a\npunt b\nDieper\nNog." {
		t.Errorf("first = %+v", got[1])
	}
	if got[2].ID != "tweede" || got[2].Text != "Twee." {
		t.Errorf("second = %+v", got[2])
	}
}

func TestHeadingAliasesKeepOldIDsAtTheSameSpot(t *testing.T) {
	c := New(Options{})
	html, d := render(t, c, "### Intimidatie en bedreiging {#intimidatie-en-bedreiging alias=\"intimidatie-of-bedreiging oud\"}\n")
	h := d.Headings[0]
	if h.ID != "intimidatie-en-bedreiging" || !h.Explicit || len(h.Aliases) != 2 || h.Aliases[0] != "intimidatie-of-bedreiging" || h.Aliases[1] != "oud" {
		t.Errorf("heading = %+v", h)
	}
	want := `<h3 id="intimidatie-en-bedreiging"><span class="alias" id="intimidatie-of-bedreiging"></span><span class="alias" id="oud"></span>Intimidatie en bedreiging `
	if !strings.HasPrefix(html, want) {
		t.Errorf("got %s\nwant prefix %s", html, want)
	}
}

// TestWhatSearchReadsOfASection: a one-word link carries its sentence, a
// list item that is only a link is listed, and a heading's zoekwoorden
// are read, never rendered and no problem.
func TestWhatSearchReadsOfASection(t *testing.T) {
	src := "Eerst iets anders. Meer over *integriteit* leest u [hier](#a), en verder niets. Daarna nog.\n\n" +
		"### Lijst {#lijst zoekwoorden=\"laptop, telefoon inleveren\"}\n\nDocumenten:\n\n- [Statuut samenwerking](#s)\n- [Menukaart](#m)\n- Tekst met [een link](#l) erin\n"
	html, d := render(t, New(Options{}), src)
	if len(d.Problems) > 0 {
		t.Errorf("problems: %v", d.Problems)
	}
	if strings.Contains(html, "zoekwoorden") || strings.Contains(html, "laptop") {
		t.Errorf("zoekwoorden rendered: %s", html)
	}
	want := map[string]string{"#a": "Meer over integriteit leest u hier, en verder niets.", "#s": "", "#m": "Menukaart", "#l": ""}
	for _, l := range d.Links {
		if l.Sentence != want[l.Dest] {
			t.Errorf("%s: sentence %q, want %q", l.Dest, l.Sentence, want[l.Dest])
		}
	}
	secs := d.Sections(3)
	if len(secs) != 2 {
		t.Fatalf("%d sections", len(secs))
	}
	if got := strings.Join(secs[1].Listed, "|"); got != "Statuut samenwerking|Menukaart" {
		t.Errorf("listed %q", got)
	}
	if got := strings.Join(secs[1].SearchWords, "|"); got != "laptop|telefoon inleveren" {
		t.Errorf("search words %q", got)
	}
}
