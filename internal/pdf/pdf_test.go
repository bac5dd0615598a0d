package pdf_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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
	readBack(t, filepath.Join(dir, "21-082.pdf"))
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

// annexTitles are the titles of the real letter's annex sections, in order.
var annexTitles = []string{"Rechtspositie politieke ambtsdragers", "Bestuurlijke integriteit", "Ondermijning", "Desinformatie", "Weerbaar bestuur", "Sterke lokale democratie"}

// readBack reads the PDF of the real letter as a council's document
// system and a screen reader would, with qpdf and pdftotext: bookmarks
// with their headings' words as written, PDF/UA-1 identification and the
// catalog entries it asks, no link to the placeholder address, a page
// number on every page, marked as an artefact, the contents with the
// pages the sections are on,
// and every "Hier" followed by its section's number and page.
func readBack(t *testing.T, file string) {
	t.Helper()
	qpdf, _ := exec.LookPath("qpdf")
	pdftotext, _ := exec.LookPath("pdftotext")
	browsertest.Require(t, "qpdf (Debian: apt-get install qpdf)", qpdf)
	browsertest.Require(t, "pdftotext (Debian: apt-get install poppler-utils)", pdftotext)
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		return string(out)
	}
	if out, err := exec.Command(qpdf, "--check", file).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	raw := run(qpdf, "--json", file)
	var doc struct {
		Outlines []outline `json:"outlines"`
		QPDF     []json.RawMessage
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil || len(doc.QPDF) < 2 {
		t.Fatalf("qpdf --json: %v", err)
	}
	var titles []string
	var walk func([]outline)
	walk = func(os []outline) {
		for _, o := range os {
			titles = append(titles, o.Title)
			walk(o.Kids)
		}
	}
	walk(doc.Outlines)
	for _, want := range []string{"Belangrijke ontwikkelingen positie raadsleden en wethouders", "Handreikingen Gemeentewet en Wet gemeenschappelijke regelingen", "Inzet kabinetsformatie: betere bestuurlijke en financiële verhoudingen"} {
		if !slices.Contains(titles, want) {
			t.Errorf("no bookmark %q: %q", want, titles)
		}
	}
	for _, joined := range []string{"positieraadsleden", "gemeenschappelijkeregelingen", "financiëleverhoudingen"} {
		for _, title := range titles {
			if strings.Contains(title, joined) {
				t.Errorf("bookmark %q joins the lines of its heading", title)
			}
		}
	}
	var objs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(doc.QPDF[1], &objs); err != nil {
		t.Fatal(err)
	}
	dict := func(key string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(objs[key].Value, &m); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return m
	}
	root, _ := dict("trailer")["/Root"].(string)
	catalog := dict("obj:" + root)
	prefs, _ := catalog["/ViewerPreferences"].(map[string]any)
	if catalog["/Lang"] != "u:nl" || prefs["/DisplayDocTitle"] != true || catalog["/Version"] != "/1.7" || catalog["/MarkInfo"] == nil || catalog["/StructTreeRoot"] == nil {
		t.Errorf("catalog %v: want language nl, the title shown, version 1.7, marked and tagged", catalog)
	}
	meta, _ := catalog["/Metadata"].(string)
	xmp := run(qpdf, "--show-object="+strings.TrimSuffix(meta, " 0 R"), "--filtered-stream-data", file)
	for _, want := range []string{"<pdfuaid:part>1</pdfuaid:part>", "<rdf:li>nl</rdf:li>", `<rdf:li xml:lang="x-default">Lbr. 21/082: Belangrijke ontwikkelingen positie raadsleden en wethouders`} {
		if !strings.Contains(xmp, want) {
			t.Errorf("the XMP metadata lacks %s", want)
		}
	}
	if strings.Contains(raw, "example.org") {
		t.Error("the PDF links to the placeholder base address")
	}
	if text := run(pdftotext, file, "-"); strings.Contains(text, "example.org") {
		t.Error("the PDF's text names the placeholder base address")
	}

	pages := strings.Split(strings.TrimRight(run(pdftotext, "-layout", file, "-"), "\f"), "\f")
	for i, p := range pages {
		lines := strings.Fields(p)
		if len(lines) == 0 || lines[len(lines)-1] != strconv.Itoa(i+1) {
			t.Errorf("page %d does not end with its number", i+1)
		}
	}
	plain := filepath.Join(t.TempDir(), "plain.pdf")
	run(qpdf, "--qdf", "--object-streams=disable", file, plain)
	if data, err := os.ReadFile(plain); err != nil || bytes.Count(data, []byte("/Artifact <</Type /Pagination /Subtype /Footer>> BDC")) != len(pages) {
		t.Errorf("the page numbers of the %d pages are not all marked as artefacts (%v)", len(pages), err)
	}
	all := strings.Join(pages, "\f")
	tocPage := map[string]int{}
	for n, title := range annexTitles {
		m := regexp.MustCompile(fmt.Sprintf(`\n%d\. %s +(\d+)\n`, n+1, regexp.QuoteMeta(title))).FindStringSubmatch(all)
		if m == nil {
			t.Errorf("the contents do not give %s a page", title)
			continue
		}
		p, _ := strconv.Atoi(m[1])
		tocPage[title] = p
		if p < 1 || p > len(pages) || !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(title)+`\s*$`).MatchString(pages[p-1]) {
			t.Errorf("the contents put %s on page %d, where its heading is not", title, p)
		}
	}
	words := strings.Join(strings.Fields(all), " ")
	hier := regexp.MustCompile(`Hier \(bijlage § (\d+), blz\. (\d+)\) leest u meer`).FindAllStringSubmatch(words, -1)
	if len(hier) != len(annexTitles) {
		t.Fatalf("%d of the %d Hier links say where they lead on paper", len(hier), len(annexTitles))
	}
	for i, m := range hier {
		if m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(tocPage[annexTitles[i]]) {
			t.Errorf("Hier link %d says § %s, blz. %s; the contents say § %d, blz. %d", i+1, m[1], m[2], i+1, tocPage[annexTitles[i]])
		}
	}
}

// outline is an entry of qpdf --json's outlines.
type outline struct {
	Title string    `json:"title"`
	Kids  []outline `json:"kids"`
}
