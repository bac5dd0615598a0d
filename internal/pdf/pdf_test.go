package pdf_test

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
	"ledenbrief/internal/pdf"
)

// hierTargets are the annex sections the six "Hier" links of the real
// letter lead to, in the order of the annex.
var hierTargets = []string{"rechtspositie", "integriteit", "ondermijning", "desinformatie", "weerbaar-bestuur", "sterke-lokale-democratie"}

// TestLetterPDF prints the shipped letter and reads the PDF back: tagged,
// with an outline holding every annex section and subsection, named
// destinations for every section, the "Hier" links pointing at them, and
// those destinations in the annex, in the annex's order.
func TestLetterPDF(t *testing.T) {
	chromium := pdf.Chromium()
	browsertest.Require(t, "Chromium", chromium)
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	res, err := build.Run(build.Options{Content: "../../content", Out: out, Document: "21-082"})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	doc := res.Document
	for _, id := range hierTargets {
		if !strings.Contains(string(doc), `href="#`+id+`"`) {
			t.Errorf("the document has no link to #%s", id)
		}
	}
	if strings.Contains(string(doc), `href="bijlage/index.html`) || strings.Contains(string(doc), `href="../index.html`) {
		t.Error("a link between the letter and its annex still leaves the document")
	}
	file := filepath.Join(dir, "document.html")
	os.WriteFile(file, doc, 0o644)
	data, err := pdf.Print(context.Background(), chromium, file)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "21-082.pdf"), data, 0o644)
	t.Logf("21-082.pdf: %d bytes", len(data))
	if !strings.HasPrefix(string(data), "%PDF-") || !strings.Contains(string(data), "/StructTreeRoot") || !strings.Contains(string(data), "/Outlines") {
		t.Fatal("not a tagged PDF with an outline")
	}
	titles := outlineTitles(data)
	for _, want := range []string{"Rechtspositie politieke ambtsdragers", "Bestuurlijke integriteit", "Ondermijning", "Desinformatie", "Impact voor gemeenten", "Loopbaanoriëntatie nog actieve raadsleden"} {
		if !slices.Contains(titles, want) {
			t.Errorf("the outline lacks %q (it has %d entries)", want, len(titles))
		}
	}
	dests := destinations(t, data)
	for _, id := range hierTargets {
		if !regexp.MustCompile(`/Dest /` + regexp.QuoteMeta(id) + `\b`).Match(data) {
			t.Errorf("no link in the PDF jumps to %s", id)
		}
	}
	// In the annex (at or after its start), in the annex's order.
	prev := dests["bijlage"]
	for _, id := range hierTargets {
		d, ok := dests[id]
		if !ok {
			t.Errorf("no destination %s", id)
			continue
		}
		if d.before(prev) {
			t.Errorf("destination %s (page %d, y %.0f) comes before the previous section", id, d.page, d.y)
		}
		prev = d
	}
}

// place is where a destination lands: page index, and height on the page
// (PDF y grows upwards).
type place struct {
	page int
	y    float64
}

func (p place) before(q place) bool { return p.page < q.page || (p.page == q.page && p.y > q.y) }

// destinations reads the named destinations of a Chromium PDF.
func destinations(t *testing.T, data []byte) map[string]place {
	// The page tree: Pages nodes with their kids, from the root down.
	kids := map[string][]string{}
	var root string
	for _, m := range regexp.MustCompile(`(?s)(\d+) 0 obj\s*<<(/Type /Pages.*?)>>`).FindAllSubmatch(data, -1) {
		k := regexp.MustCompile(`/Kids \[([^\]]*)\]`).FindSubmatch(m[2])
		if k == nil {
			continue
		}
		for _, ref := range regexp.MustCompile(`(\d+) 0 R`).FindAllSubmatch(k[1], -1) {
			kids[string(m[1])] = append(kids[string(m[1])], string(ref[1]))
		}
		if !strings.Contains(string(m[2]), "/Parent") {
			root = string(m[1])
		}
	}
	pageIndex := map[string]int{}
	var walk func(n string)
	walk = func(n string) {
		if ks, ok := kids[n]; ok {
			for _, k := range ks {
				walk(k)
			}
			return
		}
		pageIndex[n] = len(pageIndex)
	}
	walk(root)
	if len(pageIndex) == 0 {
		t.Fatal("no page tree")
	}
	out := map[string]place{}
	for _, m := range regexp.MustCompile(`/([A-Za-z0-9_.-]+) \[(\d+) 0 R /XYZ [\d.]+ ([\d.]+)`).FindAllSubmatch(data, -1) {
		p, ok := pageIndex[string(m[2])]
		if !ok {
			continue
		}
		y, _ := strconv.ParseFloat(string(m[3]), 64)
		out[string(m[1])] = place{p, y}
	}
	return out
}

// outlineTitles decodes the titles of a PDF's outline entries, written
// as literal strings or, beyond ASCII, as UTF-16 in hex.
func outlineTitles(data []byte) []string {
	var out []string
	for _, m := range regexp.MustCompile(`/Title \(((?:[^)\\]|\\.)*)\)`).FindAllSubmatch(data, -1) {
		out = append(out, regexp.MustCompile(`\\(.)`).ReplaceAllString(string(m[1]), "$1"))
	}
	for _, m := range regexp.MustCompile(`/Title <FEFF([0-9A-F]*)>`).FindAllSubmatch(data, -1) {
		raw, err := hex.DecodeString(string(m[1]))
		if err != nil || len(raw)%2 != 0 {
			continue
		}
		u := make([]uint16, len(raw)/2)
		for i := range u {
			u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
		}
		out = append(out, string(utf16.Decode(u)))
	}
	return out
}
