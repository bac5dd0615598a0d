package markdown

import (
	"strings"
	"testing"

	"ledenbrief/internal/diag"
)

// TestHalfWrittenLinks holds the link mistakes editors make: each is
// reported once, at its opening bracket, with the link it most likely
// meant; and brackets meant as text are left alone.
func TestHalfWrittenLinks(t *testing.T) {
	c := New(Options{})
	for _, tc := range []struct {
		src, at string  // at: the text the problem points at
		id      diag.ID // the message
		meant   string  // in the message
	}{
		{"Lees [Hier](#rechtspositie meer over.", "[Hier](#rechtspositie", diag.LinkUnclosed, "[Hier](#rechtspositie)"},
		{"[Hier](#rechtspositie\n\nVolgende alinea.", "[Hier](#rechtspositie", diag.LinkUnclosed, "[Hier](#rechtspositie)"},
		{"Zie [Hier] (#rechtspositie) leest u meer.", "[Hier] (#rechtspositie)", diag.LinkSpace, "[Hier](#rechtspositie)"},
		{"Zie [de brief] (21-082#brief-integriteit).", "[de brief] (21-082#brief-integriteit)", diag.LinkSpace, "[de brief](21-082#brief-integriteit)"},
		{"[Hier][rechtspositie] leest u meer.", "[Hier][rechtspositie]", diag.LinkReference, "[Hier](#rechtspositie)"},
		{"Over [Rechtspositie][] leest u meer.", "[Rechtspositie][]", diag.LinkReference, "[Rechtspositie](#rechtspositie)"},
		{"[Hier] leest u meer.", "[Hier]", diag.LinkReferenceBare, "[Hier](#rechtspositie)"},
		{"Meer weten? [Lees meer]", "[Lees meer]", diag.LinkReferenceBare, "[Lees meer](#rechtspositie)"},
		{"| a | [Hier](#tabel |\n|---|---|\n| b | c |", "[Hier](#tabel", diag.LinkUnclosed, "[Hier](#tabel)"},
	} {
		_, d := render(t, c, tc.src)
		if len(d.Problems) != 1 {
			t.Errorf("%q: %d problems %+v, want 1", tc.src, len(d.Problems), d.Problems)
			continue
		}
		p := d.Problems[0]
		if p.Offset != strings.Index(tc.src, tc.at) || p.Msg.ID != tc.id || !strings.Contains(p.Msg.Text(diag.Dutch), tc.meant) {
			t.Errorf("%q: problem at %d %q, want at %d (%q) a %s meaning %s", tc.src, p.Offset, p.Msg.Text(diag.Dutch), strings.Index(tc.src, tc.at), tc.at, tc.id.Name(), tc.meant)
		}
	}
	for _, src := range []string{
		"Zie artikel 3 [1] en de toelichting [2].",
		"Het college [sic] besloot […] anders.",
		"Kamerstukken II 2020/21, 35 000 [Wet versterking decentrale rekenkamers].",
		"Een [Hier](#rechtspositie) die klopt, en [een titel](#a \"met titel\").",
		"![kaart](kaart.png \"Kaart\") en [Hier][def].\n\n[def]: https://example.org/",
		"`[Hier](#code` in code, en \\[Hier\\](#ontsnapt.",
		"```\n[Hier](#in-een-blok\n```",
		"<https://example.org/[Hier](x>",
		"[hier]: https://example.org/",
		"Bedragen [x 1.000 euro] en [Hier is geen link].",
	} {
		if _, d := render(t, c, src); len(d.Problems) != 0 {
			t.Errorf("%q: problems %+v, want none", src, d.Problems)
		}
	}
}

// TestAutolinkSchemes holds that an autolink with a scheme a reader's
// browser would not follow (<javascript:…>, <file:…>) is a problem at its
// place, and that web, mail and telephone autolinks are not.
func TestAutolinkSchemes(t *testing.T) {
	c := New(Options{})
	_, d := render(t, c, "Zie <javascript:alert(1)> en <https://vng.nl/> en <mailto:info@vng.nl> en <info@vng.nl>.")
	if len(d.Problems) != 1 || d.Problems[0].Msg.ID != diag.LinkScheme || !strings.Contains(d.Problems[0].Msg.Text(diag.Dutch), "javascript:alert(1)") {
		t.Fatalf("problems %+v", d.Problems)
	}
	if want := strings.Index(string(d.Source), "javascript"); d.Problems[0].Offset < want-1 || d.Problems[0].Offset > want {
		t.Errorf("at %d, want at the autolink (%d)", d.Problems[0].Offset, want)
	}
}
