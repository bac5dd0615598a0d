package markdown

import (
	"bytes"
	"strings"
	"testing"
)

// TestRenderLinked renders one document for its page and, at the same
// time, away from it: the resolved links take the linker's destinations,
// external links and everything else stay as on the page.
func TestRenderLinked(t *testing.T) {
	c := New(Options{})
	src := "Zie [de paragraaf](#x \"titel\") en ![kaart](kaart.png), of [VNG](https://vng.nl).\n"
	d := c.Parse([]byte(src))
	if len(d.Links) != 3 {
		t.Fatalf("got %d links", len(d.Links))
	}
	d.Links[0].SetTarget(PageTarget("21-082/bijlage/", "x"), "bijlage/index.html#x")
	d.Links[1].SetTarget(FileTarget("media/kaart.png", ""), "../media/kaart.png")
	var page, away bytes.Buffer
	if err := c.Render(&page, d); err != nil {
		t.Fatal(err)
	}
	err := c.RenderLinked(&away, d, func(t Target, image bool) string {
		if image {
			return "data:image/png;base64,AAAA"
		}
		return "#" + t.Page + t.Fragment
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="bijlage/index.html#x" title="titel">de paragraaf</a>`, `<img src="../media/kaart.png" alt="kaart">`, `<a href="https://vng.nl">VNG</a>`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %s:\n%s", want, page.String())
		}
	}
	for _, want := range []string{`<a href="#21-082/bijlage/x" title="titel">de paragraaf</a>`, `<img src="data:image/png;base64,AAAA" alt="kaart">`, `<a href="https://vng.nl">VNG</a>`} {
		if !strings.Contains(away.String(), want) {
			t.Errorf("linked rendering lacks %s:\n%s", want, away.String())
		}
	}
	if strings.Replace(away.String(), "#21-082/bijlage/x", "bijlage/index.html#x", 1) != strings.Replace(page.String(), "../media/kaart.png", "data:image/png;base64,AAAA", 1) {
		t.Errorf("the two renderings differ in more than their links:\n%s\n%s", page.String(), away.String())
	}
}
