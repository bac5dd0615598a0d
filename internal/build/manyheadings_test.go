package build_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
)

// word is a made-up word that only section n of the test uses.
func word(n int) string {
	w := "zoek"
	for n++; n > 0; n /= 26 {
		w += string(rune('a' + n%26))
	}
	return w
}

// TestLetterWithManyHeadings builds a letter whose annex has 600
// subsections, more than the first block of search numbers a letter has,
// and finds its last subsection from the browser, from file://.
func TestLetterWithManyHeadings(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	var annex strings.Builder
	annex.WriteString("---\nid: a\ntitle: Alles\n---\n")
	for i := range 600 {
		fmt.Fprintf(&annex, "### Paragraaf %d {#p%d}\n\nDeze paragraaf gaat over %s.\n\n", i, i, word(i))
	}
	files := map[string]string{
		"site.yaml":                      "title: T\npublisher: VNG\nbase_url: https://ledenbrieven.vng.nl/\n",
		"brieven/21-001/brief.md":        "---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-01-05\nsubject: Veel\nto: Aan de leden\n---\nZie de [bijlage](#a).\n",
		"brieven/21-001/bijlage/01-a.md": annex.String(),
	}
	for name, text := range files {
		p := filepath.Join(content, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	res, err := build.Run(build.Options{Content: content, Out: out, NoOffline: true})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, "21-001/index.html"))); err != nil {
		t.Fatal(err)
	}
	hits := searchFor(t, ctx, word(599))
	if len(hits) == 0 || hits[0][0] != "Paragraaf 599" || !strings.HasSuffix(hits[0][1], "bijlage/index.html?markeer="+word(599)+"#p599") {
		t.Errorf("searching %s finds %v, want Paragraaf 599 first", word(599), hits)
	}
}
