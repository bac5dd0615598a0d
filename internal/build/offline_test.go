package build_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
	"ledenbrief/internal/manifest"
)

// unzip extracts a zip file into dir.
func unzip(t *testing.T, file, dir string) {
	t.Helper()
	r, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, f := range r.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Fatalf("zip entry %q leaves the folder", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// searchFor types a query into the search field of the open page and
// returns the results' link texts and targets, best first.
func searchFor(t *testing.T, ctx context.Context, q string) [][2]string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click("#lb_q"), chromedp.SendKeys("#lb_q", q), chromedp.WaitVisible("#lb_results li a")); err != nil {
		t.Fatalf("no results for %q: %v", q, err)
	}
	hits, err := chromedp.Run(ctx, chromedp.Evaluate[[][2]string](`[...document.querySelectorAll("#lb_results li a")].map(a => [a.textContent, a.getAttribute("href")])`))
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// attachment is the file attachTo adds to the shipped letter's annex.
const attachment = "media/brieven/21-082/bijlage/modelverordening.pdf"

// attachTo adds a file to the shipped letter's annex in content, and a
// link to it: a file the single-file copy links online, so the letter
// gets a zip too.
func attachTo(t *testing.T, content string) string {
	t.Helper()
	pdf := filepath.Join(content, "brieven", "21-082", "bijlage", "modelverordening.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% modelverordening\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	replaceIn(t, filepath.Join(content, "brieven", "21-082", "bijlage", "01-rechtspositie.md"),
		"dus niet overnemen van de gemeente.", "dus niet overnemen van de gemeente. Zie de [modelverordening](modelverordening.pdf).")
	return content
}

// builtWithAttachment builds the shipped letter with attachTo's file.
func builtWithAttachment(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	if res, err := build.Run(build.Options{Content: attachTo(t, copyContent(t)), Out: out}); err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	return out
}

// TestLetterPageOffersItsCopies checks the downloads on the letter page:
// links with the download attribute to files that exist, with their
// sizes as the page states them: the single file only, and the zip too
// when the letter links a file of its own, which the single file links
// online.
func TestLetterPageOffersItsCopies(t *testing.T) {
	offered := func(out string) [][][]byte {
		page, err := os.ReadFile(filepath.Join(out, "21-082", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return regexp.MustCompile(`<a href="(lbr-21-082\.(?:html|zip))" download>[^<]*</a> <span class="size">\((?:HTML|zip), (\d+) kB\)</span>`).FindAllSubmatch(page, -1)
	}
	plain := builtReal(t)
	if links := offered(plain); len(links) != 1 || string(links[0][1]) != "lbr-21-082.html" {
		t.Errorf("the letter page offers %q, want the single file only", links)
	}
	if _, err := os.Stat(filepath.Join(plain, "21-082", "lbr-21-082.zip")); !os.IsNotExist(err) {
		t.Errorf("a zip was made for a letter whose single file holds it all (%v)", err)
	}
	out := builtWithAttachment(t)
	links := offered(out)
	if len(links) != 2 {
		t.Fatalf("the letter page offers %d copies, want the single file and the zip", len(links))
	}
	// The copies hold the letter page without the offer of copies.
	single, err := os.ReadFile(filepath.Join(out, "21-082", "lbr-21-082.html"))
	if err != nil || bytes.Contains(single, []byte(`class="downloads"`)) {
		t.Errorf("the single file offers downloads (%v)", err)
	}
	for _, l := range links {
		info, err := os.Stat(filepath.Join(out, "21-082", string(l[1])))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint((info.Size() + 500) / 1000); string(l[2]) != want {
			t.Errorf("%s: the page says %s kB, the file has %d bytes", l[1], l[2], info.Size())
		}
	}
}

// TestLetterZipWorksUnzipped unzips the copy of a letter that links a
// file of its own elsewhere and reads it from file:// as a reader would:
// the file is in it, every link inside the copy opens a page and lands on
// its fragment, the "Hier" links land on their annex sections at a
// desktop and a phone width, and search finds a passage of the annex and
// leads to it.
func TestLetterZipWorksUnzipped(t *testing.T) {
	out := builtWithAttachment(t)
	dir := t.TempDir()
	unzip(t, filepath.Join(out, "21-082", "lbr-21-082.zip"), dir)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != "lbr-21-082" {
		t.Fatalf("the zip does not hold one folder lbr-21-082: %v", entries)
	}
	dir = filepath.Join(dir, "lbr-21-082")
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(attachment))); err != nil {
		t.Errorf("the zip does not hold the letter's file: %v", err)
	}
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(dir, "index.html"))); err != nil {
		t.Fatal(err)
	}
	if got := settledURL(ctx, fileURL(dir, "21-082/index.html")); got != fileURL(dir, "21-082/index.html") {
		t.Errorf("the copy's index.html leads to %s, not the letter", got)
	}
	root := fileURL(dir, "") + "/"
	pages := crawl(t, ctx, fileURL(dir, "21-082/index.html"), root)
	if len(pages) < 5 {
		t.Errorf("the copy has %d pages: %v", len(pages), pages)
	}
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
			t.Fatal(err)
		}
		followHierLinks(t, ctx, fileURL(dir, "21-082/index.html"), width)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(dir, "21-082/index.html"))); err != nil {
		t.Fatal(err)
	}
	hits := searchFor(t, ctx, "hennepkwekerij")
	// The result passes the words to mark where it lands.
	const landing = "21-082/bijlage/index.html?markeer=hennepkwekerij%20hennepkwekerijen#ondermijning"
	if hits[0][0] != "Ondermijning" || hits[0][1] != "../"+landing {
		t.Errorf("first result %v, want Ondermijning in the copy's annex", hits[0])
	}
	if err := chromedp.Do(ctx, chromedp.Click("#lb_results li a"), chromedp.WaitReady("#lb_toc")); err != nil {
		t.Fatal(err)
	}
	want := fileURL(dir, "21-082/bijlage/index.html") + strings.TrimPrefix(landing, "21-082/bijlage/index.html")
	if got := settledURL(ctx, want); got != want {
		t.Errorf("the result led to %s", got)
	}
	for _, v := range browsertest.AxeViolations(t, ctx) {
		t.Errorf("the copy's annex: %s", v)
	}
}

// TestSingleFileWorks opens the letter's single HTML file from file://:
// it loads nothing else, every link within it lands on an element of the
// file, each "Hier" link jumps to its annex section in the file with the
// heading in view, search finds passages of the letter and a handreiking
// and jumps to them, and axe finds nothing.
func TestSingleFileWorks(t *testing.T) {
	out := builtReal(t)
	file := fileURL(out, "21-082/lbr-21-082.html")
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(file)); err != nil {
		t.Fatal(err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType("resource").map(e => e.name)`))
	if err != nil || len(loaded) > 0 {
		t.Errorf("the single file loaded %v (%v)", loaded, err)
	}
	broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('a[href^="#"]')]
		.map(a => a.getAttribute("href").slice(1)).filter(id => !document.getElementById(decodeURIComponent(id)))`))
	if err != nil || len(broken) > 0 {
		t.Errorf("links to no element of the file: %v (%v)", broken, err)
	}
	relative, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href"))
		.filter(h => !/^(#|https?:|mailto:|tel:)/.test(h))`))
	if err != nil || len(relative) > 0 {
		t.Errorf("links that lead nowhere from a single file: %v (%v)", relative, err)
	}
	want := map[string]string{
		"rechtspositie": "Rechtspositie politieke ambtsdragers", "integriteit": "Bestuurlijke integriteit", "ondermijning": "Ondermijning",
		"desinformatie": "Desinformatie", "weerbaar-bestuur": "Weerbaar bestuur", "sterke-lokale-democratie": "Sterke lokale democratie",
	}
	for i := range 6 {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
			const a = [...document.querySelectorAll("a")].filter(a => a.textContent === "Hier")[%d];
			a.click();
			const h = document.getElementById(decodeURIComponent(location.hash.slice(1)));
			const r = h.getBoundingClientRect();
			return [location.pathname, location.hash.slice(1), h.tagName + " " + h.firstChild.textContent.trim(), String(r.top >= 0 && r.top < innerHeight)];
		})()`, i)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(got[0], "/lbr-21-082.html") || "H2 "+want[got[1]] != got[2] || got[3] != "true" {
			t.Errorf("Hier link %d: %v", i+1, got)
		}
	}
	for q, first := range map[string]string{"hennepkwekerij": "#ondermijning", "modelgedragscodes integriteit volksvertegenwoordigers": "#lb_h_handreiking-integriteit"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(file)); err != nil {
			t.Fatal(err)
		}
		hits := searchFor(t, ctx, q)
		found := false
		for _, h := range hits {
			found = found || h[1] == first
		}
		if !found {
			t.Errorf("%q: results %v, want one leading to %s", q, hits, first)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(file)); err != nil {
		t.Fatal(err)
	}
	for _, v := range browsertest.AxeViolations(t, ctx) {
		t.Errorf("single file: %s", v)
	}
}

// TestSiteZipVerifies checks the zip of the whole site (--site-zip)
// against the manifest inside it: every file of the site but the zip
// itself, each with its hash, and nothing else; and that a default build
// neither writes nor offers it.
func TestSiteZipVerifies(t *testing.T) {
	plain := builtReal(t)
	if _, err := os.Stat(filepath.Join(plain, build.SiteZip)); !os.IsNotExist(err) {
		t.Errorf("a default build wrote %s (%v)", build.SiteZip, err)
	}
	if home, _ := os.ReadFile(filepath.Join(plain, "index.html")); bytes.Contains(home, []byte(build.SiteZip)) {
		t.Errorf("a default build's home page offers %s", build.SiteZip)
	}
	out := filepath.Join(t.TempDir(), "public")
	if res, err := build.Run(build.Options{Content: realContent, Out: out, SiteZip: true}); err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	if home, _ := os.ReadFile(filepath.Join(out, "index.html")); !bytes.Contains(home, []byte(`href="ledenbrieven.zip" download`)) {
		t.Errorf("the home page does not offer %s", build.SiteZip)
	}
	checkSiteZip(t, out)
}

// checkSiteZip checks the site zip of the site in out: it verifies, and
// holds every file of the site as it is.
func checkSiteZip(t *testing.T, out string) {
	t.Helper()
	src, err := manifest.Open(filepath.Join(out, build.SiteZip))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	report, err := manifest.Verify(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() {
		t.Errorf("the site zip does not verify: %+v", report)
	}
	site := readTree(t, out)
	delete(site, build.SiteZip)
	delete(site, "manifest.json")
	r, err := zip.OpenReader(filepath.Join(out, build.SiteZip))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	inZip := map[string]bool{}
	for _, f := range r.File {
		inZip[f.Name] = true
		if data, ok := site[f.Name]; ok {
			rc, _ := f.Open()
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, data) {
				t.Errorf("%s differs in the zip", f.Name)
			}
		}
	}
	for name := range site {
		if !inZip[name] {
			t.Errorf("%s is not in the site zip", name)
		}
	}
}

// TestSiteZipReusesUnchangedEntries: a build with --site-zip copies the
// previous zip's entries of unchanged files as they were compressed, and
// is still byte-identical to a build from nothing; an entry whose stored
// content no longer matches is compressed again, never copied.
func TestSiteZipReusesUnchangedEntries(t *testing.T) {
	content := copyContent(t)
	out, fresh := filepath.Join(t.TempDir(), "public"), filepath.Join(t.TempDir(), "public")
	run := func(out string) {
		t.Helper()
		if res, err := build.Run(build.Options{Content: content, Out: out, SiteZip: true}); err != nil || res.Diags.Len() > 0 {
			t.Fatalf("build: %v %v", err, res.Diags.Error())
		}
	}
	run(out)
	annex := filepath.Join(content, "brieven", "21-082", "bijlage", "01-rechtspositie.md")
	text, err := os.ReadFile(annex)
	if err != nil || !bytes.Contains(text, []byte(" gemeente ")) {
		t.Fatalf("no word to change in %s (%v)", annex, err)
	}
	if err := os.WriteFile(annex, bytes.Replace(text, []byte(" gemeente "), []byte(" provincie "), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	run(out)
	run(fresh)
	a, _ := os.ReadFile(filepath.Join(out, build.SiteZip))
	b, _ := os.ReadFile(filepath.Join(fresh, build.SiteZip))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the zip rebuilt after an edit (%d bytes) differs from one built from nothing (%d bytes)", len(a), len(b))
	}
	// The previous zip, redone: one entry compressed harder (copied, it
	// keeps those bytes), one holding other text of the same length with
	// a matching checksum (never copied).
	const harder, damaged = "handreikingen/index.html", "index.html"
	rewriteZip(t, filepath.Join(out, build.SiteZip), map[string]func([]byte) []byte{
		harder: func(b []byte) []byte { return b },
		damaged: func(b []byte) []byte {
			if !bytes.Contains(b, []byte("Ledenbrieven")) {
				t.Fatalf("no word to damage in %s", damaged)
			}
			return bytes.Replace(b, []byte("Ledenbrieven"), []byte("Ledenbrievem"), 1)
		},
	})
	want := rawEntry(t, filepath.Join(out, build.SiteZip), harder)
	run(out)
	if got := rawEntry(t, filepath.Join(out, build.SiteZip), harder); !bytes.Equal(got, want) {
		t.Errorf("%s was compressed again, not copied from the previous zip", harder)
	}
	checkSiteZip(t, out)
}

// rewriteZip rewrites the zip file with the entries named in change
// compressed at flate's best level, their content changed by change, and
// the checksums and sizes set to match; every other entry is copied.
func rewriteZip(t *testing.T, file string, change map[string]func([]byte) []byte) {
	t.Helper()
	r, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range r.File {
		edit, ok := change[f.Name]
		if !ok {
			if err := w.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		rc, _ := f.Open()
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		data = edit(data)
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.BestCompression)
		fw.Write(data)
		fw.Close()
		h := f.FileHeader
		h.CRC32, h.UncompressedSize64, h.CompressedSize64 = crc32.ChecksumIEEE(data), uint64(len(data)), uint64(z.Len())
		raw, err := w.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		raw.Write(z.Bytes())
	}
	r.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rawEntry returns the compressed bytes of the zip file's entry name.
func rawEntry(t *testing.T, file, name string) []byte {
	t.Helper()
	r, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, f := range r.File {
		if f.Name == name {
			rc, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			return data
		}
	}
	t.Fatalf("no %s in %s", name, file)
	return nil
}

// TestBuildPrintsPDFs builds with --pdf: the letter's PDF is beside its
// page, offered there with its size, listed in the manifest and in the
// site's zip.
func TestBuildPrintsPDFs(t *testing.T) {
	chromium := browsertest.Chromium()
	browsertest.Require(t, "Chromium", chromium)
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Run(build.Options{Content: realContent, Out: out, PDF: true, SiteZip: true, Chromium: chromium})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	data, err := os.ReadFile(filepath.Join(out, "21-082", "lbr-21-082.pdf"))
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF beside the letter (%v)", err)
	}
	page, err := os.ReadFile(filepath.Join(out, "21-082", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	offer := fmt.Sprintf(`<a href="lbr-21-082.pdf" download>Brief en bijlage als PDF</a> <span class="size">(PDF, %d kB)</span>`, (len(data)+500)/1000)
	if !bytes.Contains(page, []byte(offer)) {
		t.Errorf("the letter page does not offer the PDF as %s", offer)
	}
	for _, where := range []string{"", "ledenbrieven.zip"} {
		src, err := manifest.Open(filepath.Join(out, where))
		if err != nil {
			t.Fatal(err)
		}
		report, err := manifest.Verify(context.Background(), src, nil)
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !report.OK() || report.Checked == 0 {
			t.Errorf("%s does not verify: %+v", filepath.Join(out, where), report)
		}
	}
	m, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !bytes.Contains(m, []byte(`"21-082/lbr-21-082.pdf"`)) {
		t.Errorf("the manifest does not list the PDF (%v)", err)
	}

	// With a build cache a letter is printed once: a second build with
	// the same browser (a script that notes each start) takes the PDF and
	// the page offering it from the cache, and writes the same site.
	cache, bin := t.TempDir(), t.TempDir()
	starts := filepath.Join(bin, "starts")
	browser := filepath.Join(bin, "chromium")
	script := fmt.Sprintf("#!/bin/sh\necho started >> %q\nexec %q \"$@\"\n", starts, chromium)
	if err := os.WriteFile(browser, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cold, warm := filepath.Join(t.TempDir(), "cold"), filepath.Join(t.TempDir(), "warm")
	for _, out := range []string{cold, warm} {
		res, err := build.Run(build.Options{Content: realContent, Out: out, PDF: true, Chromium: browser, Cache: cache})
		if err != nil || res.Diags.Len() > 0 {
			t.Fatalf("build with cache into %s: %v %v", out, err, res.Diags.Error())
		}
		if out == cold {
			os.Remove(starts)
		}
	}
	if _, err := os.Stat(starts); err == nil {
		t.Error("the build with a warm cache started the browser")
	}
	coldFiles, warmFiles := readTree(t, cold), readTree(t, warm)
	for name, data := range coldFiles {
		if !bytes.Equal(warmFiles[name], data) {
			t.Errorf("%s differs between the build that printed and the one that took the cache", name)
		}
	}
	if len(warmFiles) != len(coldFiles) {
		t.Errorf("%d files from the cache, %d printed", len(warmFiles), len(coldFiles))
	}
}
