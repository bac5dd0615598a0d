package build_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ledenbrief/internal/build"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/scaffold"
)

// copyContent copies the shipped content into a temporary folder.
func copyContent(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	if err := os.CopyFS(dir, os.DirFS(realContent)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// replaceIn replaces the first occurrence of old in a file.
func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// review does what an editor does before publishing a new edition of the
// real letter: drop the review markers of every file of the letter in
// dir, and give the letter its own kenmerk and summary.
func review(t *testing.T, dir string) {
	t.Helper()
	dropReviewMarkers(t, dir)
	brief := filepath.Join(dir, "brief.md")
	replaceIn(t, brief, "reference: TRE/U202100853", "reference: TRE/U202200110")
	replaceIn(t, brief, "summary: Voor zittende", "summary: Bijgewerkt, voor zittende")
}

// dropReviewMarkers removes the lines "ledenbrief new" marked for review
// from every file of the letter in dir.
func dropReviewMarkers(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var kept []string
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if !strings.HasPrefix(line, content.ReviewMarker) {
				kept = append(kept, line)
			}
		}
		return os.WriteFile(p, []byte(strings.Join(kept, "")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func buildOK(t *testing.T, opts build.Options) {
	t.Helper()
	res, err := build.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Diags.Len() > 0 {
		var b strings.Builder
		res.Diags.Print(&b, diag.English)
		t.Fatalf("build failed:\n%s", b.String())
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestNextEditionOfTheRealLetter does what an editor does: start 22-010
// from the real letter, change one word, publish it, and check that the
// two editions point at each other section by section, the series page
// leads to the new one, the changes page marks exactly that word, and
// every locked anchor of 21-082 still lands.
func TestNextEditionOfTheRealLetter(t *testing.T) {
	dir := copyContent(t)
	if _, err := scaffold.NewEdition(dir, "21-082", "22-010", time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(dir, "brieven", "22-010")
	replaceIn(t, filepath.Join(next, "brief.md"), "draft: true", "draft: false")
	replaceIn(t, filepath.Join(next, "bijlage", "01-rechtspositie.md"), "ontvangt de VNG geregeld vragen", "ontvangt de VNG vaak vragen")
	review(t, next)
	out := filepath.Join(t.TempDir(), "public")
	buildOK(t, build.Options{Content: dir, Out: out})

	page := func(p string) string { return readFile(t, filepath.Join(out, filepath.FromSlash(p), "index.html")) }
	newAnnex, oldAnnex := page("22-010/bijlage"), page("21-082/bijlage")
	for _, want := range []string{
		`<a href="../../21-082/bijlage/index.html#rechtspositie">Lbr. 21/082</a>`,
		`<a href="../../21-082/bijlage/index.html#weerbaar-bestuur">Lbr. 21/082</a>`,
		`<a href="../wijzigingen/index.html">wat is er gewijzigd sinds Lbr. 21/082?</a>`,
	} {
		if !strings.Contains(newAnnex, want) {
			t.Errorf("22-010/bijlage lacks %s", want)
		}
	}
	for _, want := range []string{
		`Er is een nieuwere editie van deze bijlage:`,
		`Vervangen in <a href="../../22-010/bijlage/index.html#rechtspositie">Lbr. 22/010: Rechtspositie politieke ambtsdragers</a> · <a href="../wijzigingen/22-010/index.html#rechtspositie">vergelijk met Lbr. 22/010</a>`,
		`Ongewijzigd in <a href="../../22-010/bijlage/index.html#integriteit">`,
		`<a href="../../22-010/bijlage/index.html#weerbaar-bestuur">Lbr. 22/010</a>`,
	} {
		if !strings.Contains(oldAnnex, want) {
			t.Errorf("21-082/bijlage lacks %s", want)
		}
	}
	if want := `<meta http-equiv="refresh" content="0; url=../../22-010/index.html">`; !strings.Contains(page("reeks/positie-raadsleden-en-wethouders"), want) {
		t.Errorf("the series page does not lead to 22-010")
	}
	changes := page("22-010/wijzigingen")
	ins := regexp.MustCompile(`<ins><span class="vh">\[toegevoegd: </span>(.*?)<span`).FindAllStringSubmatch(changes, -1)
	del := regexp.MustCompile(`<del><span class="vh">\[verwijderd: </span>(.*?)<span`).FindAllStringSubmatch(changes, -1)
	if len(ins) != 1 || len(del) != 1 || ins[0][1] != "vaak" || del[0][1] != "geregeld" {
		t.Errorf("changes page marks %q inserted and %q deleted, want only vaak for geregeld", ins, del)
	}
	if n := strings.Count(changes, `status-gewijzigd">gewijzigd`); n != 2 { // in the overview and at the section
		t.Errorf("%d sections marked changed, want exactly Rechtspositie", n/2)
	}

	// Every anchor the lock lists for 21-082 still lands on an element.
	lock, err := os.Open(filepath.Join(realContent, "anchors.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	checked := 0
	for sc := bufio.NewScanner(lock); sc.Scan(); {
		key := sc.Text()
		if !strings.HasPrefix(key, "21-082") {
			continue
		}
		p, id, _ := strings.Cut(key, "#")
		html := page(p)
		if id != "" && !strings.Contains(html, ` id="`+id+`"`) {
			t.Errorf("%s: no element with that id in the new build", key)
		}
		checked++
	}
	if checked < 30 { // 37 when this was written
		t.Errorf("checked %d anchors of 21-082, want all of them", checked)
	}
}

// TestDraftsStayOutOfSearch builds a draft with --drafts: its pages exist,
// but not one of its words is in the static search index.
func TestDraftsStayOutOfSearch(t *testing.T) {
	dir := copyContent(t)
	if _, err := scaffold.NewEdition(dir, "21-082", "22-010", time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	replaceIn(t, filepath.Join(dir, "brieven", "22-010", "bijlage", "01-rechtspositie.md"), "ontvangt de VNG geregeld vragen", "ontvangt de VNG zwijnenpoedelvragen")
	out := filepath.Join(t.TempDir(), "public")
	buildOK(t, build.Options{Content: dir, Out: out, Drafts: true})
	if !strings.Contains(readFile(t, filepath.Join(out, "22-010", "bijlage", "index.html")), "zwijnenpoedelvragen") {
		t.Fatal("the draft was not built")
	}
	for name, data := range readTree(t, filepath.Join(out, "search")) {
		if strings.Contains(string(data), "zwijnenpoedel") || strings.Contains(string(data), "22-010") {
			t.Errorf("search/%s holds the draft", name)
		}
	}
}

// TestOldEditionsStayByteIdentical builds the example series twice, the
// second time with an unrelated new letter: the pages of the old editions
// must not change by a byte. Two builds of the same series are identical.
func TestOldEditionsStayByteIdentical(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	if err := os.CopyFS(dir, os.DirFS(exampleContent)); err != nil {
		t.Fatal(err)
	}
	a, b, c := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b"), filepath.Join(t.TempDir(), "c")
	buildOK(t, build.Options{Content: dir, Out: a})
	buildOK(t, build.Options{Content: dir, Out: b})
	fa, fb := readTree(t, a), readTree(t, b)
	for name, data := range fa {
		if string(fb[name]) != string(data) {
			t.Errorf("two builds of the same series differ in %s", name)
		}
	}
	letter := "---\nnumber: Lbr. 26/001\nreference: X/1\ndate: 2026-01-05\nsubject: Iets anders\nto: Aan de leden\n---\nTekst.\n"
	if err := os.MkdirAll(filepath.Join(dir, "brieven", "26-001"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "brieven", "26-001", "brief.md"), []byte(letter), 0o644); err != nil {
		t.Fatal(err)
	}
	buildOK(t, build.Options{Content: dir, Out: c})
	fc := readTree(t, c)
	if _, ok := fc["26-001/index.html"]; !ok {
		t.Fatal("the new letter was not built")
	}
	for _, page := range []string{"24-901/index.html", "24-901/bijlage/index.html", "24-907/wijzigingen/index.html", "25-903/bijlage/index.html", "reeks/voorbeeld-vergoedingen/index.html"} {
		if string(fa[page]) != string(fc[page]) {
			t.Errorf("%s changed when an unrelated letter was added", page)
		}
	}
}

// TestEachEditionSaysWhenItWasCurrent reads, on every letter page of
// the example series, from when until when that edition was the current
// one: until the next edition's date, the newest since its own.
func TestEachEditionSaysWhenItWasCurrent(t *testing.T) {
	out := builtExample(t)
	for page, want := range map[string]string{
		"24-901/index.html": `<dt>Geldend</dt><dd>van <time datetime="2024-01-15">15 januari 2024</time> tot <time datetime="2024-06-03">3 juni 2024</time></dd>`,
		"24-907/index.html": `<dt>Geldend</dt><dd>van <time datetime="2024-06-03">3 juni 2024</time> tot <time datetime="2025-02-10">10 februari 2025</time></dd>`,
		"25-903/index.html": `<dt>Geldend</dt><dd>sinds <time datetime="2025-02-10">10 februari 2025</time></dd>`,
	} {
		data, err := os.ReadFile(filepath.Join(out, page))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s does not say %s", page, want)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(out, "25-930", "index.html")); strings.Contains(string(data), "<dt>Geldend</dt>") {
		t.Error("a letter outside a series says when it was current")
	}
}

// TestAnyTwoEditionsCompare reads the comparison pages of the example
// series: every edition has one with every other, in its own folder, that
// compares older to newer with the statuses between exactly those two,
// offers the other editions, and is offered where the editions are listed.
func TestAnyTwoEditionsCompare(t *testing.T) {
	out := builtExample(t)
	editions := []string{"24-901", "24-907", "25-903"}
	for _, a := range editions {
		for _, b := range editions {
			if a == b {
				continue
			}
			page := readFile(t, filepath.Join(out, a, "wijzigingen", b, "index.html"))
			older, newer := min(a, b), max(a, b)
			title := "Verschillen tussen Lbr. " + strings.Replace(older, "-", "/", 1) + " en Lbr. " + strings.Replace(newer, "-", "/", 1)
			if !strings.Contains(page, "<h1>"+title+"</h1>") {
				t.Errorf("%s/wijzigingen/%s/ is not headed %q", a, b, title)
			}
			for _, c := range editions {
				link := `<a href="../` + c + `/index.html">`
				if c != a && c != b && !strings.Contains(page, link) {
					t.Errorf("%s/wijzigingen/%s/ does not offer the comparison with %s", a, b, c)
				}
			}
		}
	}
	// From the first edition to the newest, skipping the one in between:
	// the raise of 24/907 and of 25/903 in one step, the removed section
	// as removed, the new one as new.
	page := readFile(t, filepath.Join(out, "25-903", "wijzigingen", "24-901", "index.html"))
	for _, want := range []string{
		`1.200<span class="vh">]</span></del><ins><span class="vh">[toegevoegd: </span>1.310`,
		`<h2 id="ondersteuning">Ondersteuning van fracties <span class="status status-vervallen">vervallen</span></h2>`,
		`<h2 id="veiligheid">Veiligheid van raadsleden <span class="status status-nieuw">nieuw</span></h2>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("25-903/wijzigingen/24-901/ lacks %s", want)
		}
	}
	if first := readFile(t, filepath.Join(out, "24-901", "index.html")); !strings.Contains(first, `<a href="wijzigingen/25-903/index.html">vergelijk met Lbr. 24/901</a>`) {
		t.Error("the first edition's list of editions does not offer the comparison with the newest")
	}
	if annex := readFile(t, filepath.Join(out, "24-901", "bijlage", "index.html")); !strings.Contains(annex, `href="../wijzigingen/25-903/index.html#`) {
		t.Error("the first edition's section switcher does not offer the comparison with the newest")
	}
}

// TestOldSubsectionsSayWhereTheyWent makes a three-edition series from
// the real letter, renaming a subsection (keeping its old id as an
// alias), editing one and dropping one in the second edition, and reads
// the first edition's annex: under every subsection's heading, what became
// of it in the newest edition, with the comparison.
func TestOldSubsectionsSayWhereTheyWent(t *testing.T) {
	dir := copyContent(t)
	edition := func(from, to string, date time.Time) string {
		if _, err := scaffold.NewEdition(dir, from, to, date); err != nil {
			t.Fatal(err)
		}
		next := filepath.Join(dir, "brieven", to)
		replaceIn(t, filepath.Join(next, "brief.md"), "draft: true", "draft: false")
		return next
	}
	second := edition("21-082", "22-010", time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC))
	review(t, second)
	weerbaar := filepath.Join(second, "bijlage", "05-weerbaar-bestuur.md")
	replaceIn(t, weerbaar, "### Woningscan {", `### Woningscan en beveiliging {#woningscan-en-beveiliging alias="woningscan" `)
	text := readFile(t, weerbaar)
	if err := os.WriteFile(weerbaar, []byte(text[:strings.Index(text, "### Ondersteuningsteam")]), 0o644); err != nil {
		t.Fatal(err)
	}
	replaceIn(t, filepath.Join(second, "bijlage", "01-rechtspositie.md"), "### ICT-middelen", "### ICT-middelen\n\nDit is nieuw.")
	third := edition("22-010", "23-001", time.Date(2023, 1, 9, 0, 0, 0, 0, time.UTC))
	dropReviewMarkers(t, third)
	replaceIn(t, filepath.Join(third, "brief.md"), "reference: TRE/U202200110", "reference: TRE/U202300001")
	replaceIn(t, filepath.Join(third, "brief.md"), "summary: Bijgewerkt,", "summary: Opnieuw bijgewerkt,")
	out := filepath.Join(t.TempDir(), "public")
	buildOK(t, build.Options{Content: dir, Out: out})

	first := readFile(t, filepath.Join(out, "21-082", "bijlage", "index.html"))
	under := func(id string) string { // the notice right after the heading with that id
		i := strings.Index(first, `<h3 id="`+id+`">`)
		if i < 0 {
			t.Fatalf("21-082/bijlage has no heading %s", id)
		}
		rest := first[i:]
		rest = rest[strings.Index(rest, "</h3>")+len("</h3>"):]
		if !strings.HasPrefix(rest, `<p class="notice newer fate">`) {
			return ""
		}
		return rest[:strings.Index(rest, "</p>")]
	}
	for id, want := range map[string]string{
		"woningscan":               `Vervangen in <a href="../../23-001/bijlage/index.html#woningscan-en-beveiliging">Lbr. 23/001: Woningscan en beveiliging</a> · <a href="../wijzigingen/23-001/index.html#weerbaar-bestuur">vergelijk met Lbr. 23/001</a>`,
		"ict-middelen":             `Vervangen in <a href="../../23-001/bijlage/index.html#ict-middelen">Lbr. 23/001: ICT-middelen</a>`,
		"netwerk-weerbaar-bestuur": `Ongewijzigd in <a href="../../23-001/bijlage/index.html#netwerk-weerbaar-bestuur">Lbr. 23/001: Netwerk weerbaar bestuur</a>`,
		"ondersteuningsteam":       `Vervallen sinds <a href="../../22-010/wijzigingen/index.html">Lbr. 22/010</a> · <a href="../wijzigingen/23-001/index.html#weerbaar-bestuur">vergelijk met Lbr. 23/001</a>`,
	} {
		if got := under(id); !strings.Contains(got, want) {
			t.Errorf("under 21-082's %s: %q, want %s", id, got, want)
		}
	}
	if !strings.Contains(first, `Vervangen in <a href="../../23-001/bijlage/index.html#weerbaar-bestuur">Lbr. 23/001: Weerbaar bestuur</a>`) {
		t.Error("21-082's changed section Weerbaar bestuur does not say it was replaced in 23/001")
	}
	second2 := readFile(t, filepath.Join(out, "22-010", "bijlage", "index.html"))
	if !strings.Contains(second2, `<h3 id="woningscan-en-beveiliging"><span class="alias" id="woningscan"></span>`) ||
		!strings.Contains(second2, `Ongewijzigd in <a href="../../23-001/bijlage/index.html#woningscan-en-beveiliging">`) {
		t.Error("22-010's renamed subsection does not say it is unchanged in 23/001")
	}
	if newest := readFile(t, filepath.Join(out, "23-001", "bijlage", "index.html")); strings.Contains(newest, "notice newer fate") {
		t.Error("the newest edition says where its sections went")
	}
}
