package markdown

import (
	"reflect"
	"testing"

	"ledenbrief/internal/record"
)

// TestOutlineRoundTrip reads back the outline of a document with every
// kind of heading and link: what a first pass reads of it is the same
// as of the parsed document and of its Outline, and a converter with other options has
// another fingerprint.
func TestOutlineRoundTrip(t *testing.T) {
	src := []byte("Inleiding met [een link](#doel \"titel\") en <https://vng.nl>.\n\n" +
		"## Doel {#doel alias=\"oud-doel ouder\"}\n\nZie [Lbr. 21/082](21-082#rechtspositie) en ![kaart](kaart.png).\n\n" +
		"### Onder *nadruk*\n\nMail <info@vng.nl>. [Hier](#doel) leest u meer.\n")
	c := New(Options{})
	d := c.Parse(src)
	if !d.HasOutline() || len(d.Headings) != 2 || len(d.Links) != 4 || d.Links[3].Sentence == "" || len(d.AutoLinks) != 2 {
		t.Fatalf("the test document parsed as %d headings, %d links, %d autolinks, problems %v", len(d.Headings), len(d.Links), len(d.AutoLinks), d.Problems)
	}
	w := &record.Writer{}
	d.AppendOutline(w)
	r := record.NewReader(w.B)
	back, err := ReadOutline(r, src)
	if err != nil || r.Done() != nil {
		t.Fatal(err, r.Err())
	}
	if !reflect.DeepEqual(back.Headings, d.Headings) {
		t.Errorf("headings read back as %+v, want %+v", back.Headings, d.Headings)
	}
	if o := d.Outline(); !reflect.DeepEqual(o, back) {
		t.Errorf("the parsed document's Outline is %+v, want what is read back, %+v", o, back)
	}
	for name, pair := range map[string][2][]*Link{"links": {back.Links, d.Links}, "autolinks": {back.AutoLinks, d.AutoLinks}} {
		got, want := pair[0], pair[1]
		if len(got) != len(want) {
			t.Fatalf("%d %s read back, want %d", len(got), name, len(want))
		}
		for i := range want {
			g, w := *got[i], *want[i]
			w.node, w.Target = nil, Target{}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s[%d] read back as %+v, want %+v", name, i, g, w)
			}
		}
	}
	if New(Options{AllowHTML: true}).Fingerprint() == c.Fingerprint() || New(Options{Abbreviations: map[string]string{"VNG": "Vereniging van Nederlandse Gemeenten"}}).Fingerprint() == c.Fingerprint() {
		t.Error("converters with other options have the same fingerprint")
	}
	if bad := c.Parse([]byte("## Kop {#1-fout}\n\n<div>html</div>\n")); bad.HasOutline() {
		t.Error("a document with problems has an outline")
	}
}
