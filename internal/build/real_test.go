package build_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/manifest"
)

// realContent is the letter the repository ships.
const realContent = "../../content"

func buildReal(t testing.TB, out string) *build.Result {
	t.Helper()
	res, err := build.Run(build.Options{Content: realContent, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.Diags.Print(&b, diag.English)
	if b.Len() > 0 {
		t.Fatalf("the shipped content has errors:\n%s", b.String())
	}
	return res
}

// readTree returns every file under dir by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBuildIsDeterministic(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	buildReal(t, a)
	buildReal(t, b)
	fa, fb := readTree(t, a), readTree(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("builds wrote %d and %d files", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two builds of the same content", name)
		}
	}
}

// TestFailedBuildKeepsPreviousOutput breaks a link in a copy of the real
// content and checks the previous public/ survives byte for byte.
func TestFailedBuildKeepsPreviousOutput(t *testing.T) {
	dir := t.TempDir()
	contentDir := filepath.Join(dir, "content")
	if err := os.CopyFS(contentDir, os.DirFS(realContent)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	if _, err := build.Run(build.Options{Content: contentDir, Out: out}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, out)

	brief := filepath.Join(contentDir, "brieven/21-082/brief.md")
	text, _ := os.ReadFile(brief)
	broken := bytes.Replace(text, []byte("[Hier](#integriteit)"), []byte("[Hier](#integriteid)"), 1)
	if bytes.Equal(broken, text) {
		t.Fatal("the link to break is not in brief.md")
	}
	os.WriteFile(brief, broken, 0o644)
	res, err := build.Run(build.Options{Content: contentDir, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.Diags.Print(&b, diag.English)
	if !regexp.MustCompile(`brief\.md:\d+:\d+: unknown id "integriteid" \(did you mean "integriteit"\?\)`).Match(b.Bytes()) {
		t.Errorf("diagnostic does not name the broken link:\n%s", b.String())
	}
	after := readTree(t, out)
	if len(after) != len(before) {
		t.Fatalf("public/ had %d files, now %d", len(before), len(after))
	}
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("%s changed after a failed build", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") {
			t.Errorf("failed build left %s behind", e.Name())
		}
	}
}

var (
	blockRE   = regexp.MustCompile(`(?i)</?(?:p|li|ul|ol|h[1-6]|div|dt|dd|dl|br|section|article|header|footer|main|nav|table|tr|td|th|title|head|body|html)\b[^>]*>`)
	tagRE     = regexp.MustCompile(`<[^>]*>`)
	spaceRE   = regexp.MustCompile(`\s+`)
	mdLinkRE  = regexp.MustCompile(`\[((?:[^\]\\]|\\.)*)\]\([^)]*\)`)
	autoRE    = regexp.MustCompile(`<(https?://[^>]+)>`)
	mdMarkRE  = regexp.MustCompile(`\*+|^#+ |^- `)
	escapeRE  = regexp.MustCompile(`\\([()\[\]*_])`)
	permalink = regexp.MustCompile(`<a class="?permalink"?[^>]*>#</a>`)
)

// siteText returns the visible text of every HTML page, whitespace folded.
func siteText(files map[string][]byte) string {
	var b strings.Builder
	for name, data := range files {
		if strings.HasSuffix(name, ".html") {
			s := permalink.ReplaceAllString(string(data), "")
			s = blockRE.ReplaceAllString(s, " ") // block boundaries separate words,
			s = tagRE.ReplaceAllString(s, "")    // inline markup does not
			b.WriteString(html.UnescapeString(s))
			b.WriteString("\n")
		}
	}
	return spaceRE.ReplaceAllString(b.String(), " ")
}

// seedParagraphs returns the paragraphs and list items of the source
// letter as plain text, without Markdown.
func seedParagraphs(t *testing.T) []string {
	data, err := os.ReadFile("testdata/seed-lbr-21-082.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, block := range regexp.MustCompile(`\n\s*\n`).Split(string(data), -1) {
		for _, line := range strings.Split(block, "\n") {
			s := strings.TrimSpace(line)
			s = mdLinkRE.ReplaceAllString(s, "$1")
			s = autoRE.ReplaceAllString(s, "$1")
			s = mdMarkRE.ReplaceAllString(s, "")
			s = escapeRE.ReplaceAllString(s, "$1")
			s = strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// TestSeedFidelity checks that every paragraph and list item of the
// source letter of 40 or more characters appears in the built site.
func TestSeedFidelity(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildReal(t, out)
	text := siteText(readTree(t, out))
	total, found := 0, 0
	for _, p := range seedParagraphs(t) {
		if len([]rune(p)) < 40 {
			continue
		}
		total++
		if strings.Contains(text, p) {
			found++
		} else {
			t.Errorf("not in the site: %q", p)
		}
	}
	if total < 80 {
		t.Fatalf("only %d paragraphs read from the seed; the parser is broken", total)
	}
	t.Logf("%d of %d paragraphs and list items of 40+ characters found", found, total)
}

// TestHierLinksLandOnTheirTopic checks the six "Hier" links of the letter
// point at the annex section of the same topic, and that no link in the
// site is a placeholder.
func TestHierLinksLandOnTheirTopic(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildReal(t, out)
	files := readTree(t, out)
	letter := string(files["21-082/index.html"])
	annex := string(files["21-082/bijlage/index.html"])
	want := []struct{ topic, section string }{
		{"brief-rechtspositie", "Rechtspositie politieke ambtsdragers"},
		{"brief-integriteit", "Bestuurlijke integriteit"},
		{"brief-ondermijning", "Ondermijning"},
		{"brief-desinformatie", "Desinformatie"},
		{"brief-weerbaarheid", "Weerbaar bestuur"},
		{"brief-sterke-lokale-democratie", "Sterke lokale democratie"},
	}
	hier := regexp.MustCompile(`<a href="?bijlage/index\.html#([a-z0-9-]+)"?(?: aria-label="([^"]*)")?>Hier</a>`).FindAllStringSubmatch(letter, -1)
	if len(hier) != len(want) {
		t.Fatalf("found %d Hier links to the annex, want %d", len(hier), len(want))
	}
	for i, m := range hier {
		h2 := regexp.MustCompile(`<h2 id="?` + m[1] + `"?>([^<]+)`).FindStringSubmatch(annex)
		if h2 == nil {
			t.Errorf("Hier link %d points at #%s, which is not a section of the annex", i+1, m[1])
			continue
		}
		if got := strings.TrimSpace(h2[1]); got != want[i].section {
			t.Errorf("Hier link in %s lands on %q, want %q", want[i].topic, got, want[i].section)
		}
		// Its accessible name says where it leads (issue 24).
		if name := fmt.Sprintf("Hier leest u meer over %s, bijlage paragraaf %d", want[i].section, i+1); m[2] != name {
			t.Errorf("Hier link in %s is named %q, want %q", want[i].topic, m[2], name)
		}
	}
	copies, _ := filepath.Glob(filepath.Join(out, "21-082", "lbr-*.html"))
	for _, c := range copies {
		data, _ := os.ReadFile(c)
		if n := bytes.Count(data, []byte(`aria-label="Hier leest u meer over `)); n < len(want) {
			t.Errorf("%s names %d Hier links, want %d", filepath.Base(c), n, len(want))
		}
	}
	for name, data := range files {
		if bytes.Contains(data, []byte(`href="#"`)) || bytes.Contains(data, []byte(`href=#>`)) {
			t.Errorf("%s has a link to bare #", name)
		}
	}
}

// TestLetterPageWeight keeps the letter page, with the style sheets and
// scripts it loads before any search, under 30 KB.
func TestLetterPageWeight(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildReal(t, out)
	page, err := os.ReadFile(filepath.Join(out, "21-082/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	total := len(page)
	for _, m := range regexp.MustCompile(`(?:href|src)="?([^" >]+\.(?:css|js))[" >]`).FindAllSubmatch(page, -1) {
		asset, err := os.ReadFile(filepath.Join(out, "21-082", filepath.FromSlash(string(m[1]))))
		if err != nil {
			t.Fatal(err)
		}
		total += len(asset)
	}
	t.Logf("letter page: %d bytes of HTML+CSS+JS", total)
	if total >= 30*1024 {
		t.Errorf("letter page weighs %d bytes of HTML+CSS+JS, want under 30 KB", total)
	}
}

// TestNoInlineScriptsNoExternalRequests keeps every page working under a
// strict Content-Security-Policy and offline: scripts only from files of
// the site, no inline event handlers, nothing loaded from elsewhere.
func TestNoInlineScriptsNoExternalRequests(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildReal(t, out)
	inline := regexp.MustCompile(`<script\b[^>]*>\s*[^<\s]`)
	scriptTag := regexp.MustCompile(`<script\b[^>]*>`)
	handler := regexp.MustCompile(`\son[a-z]+=`)
	external := regexp.MustCompile(`<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="?(?:[a-z]+:)?//`)
	canonical := regexp.MustCompile(`<link rel="?canonical"?[^>]*>`) // names the page; loads nothing
	loads := regexp.MustCompile(`<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="([^"]*)"`)
	pages := 0
	for name, data := range readTree(t, out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		if isDownload(name) {
			// A single-file copy carries its style and scripts inline,
			// and loads nothing at all.
			for _, m := range loads.FindAllSubmatch(data, -1) {
				if !bytes.HasPrefix(m[1], []byte("data:")) {
					t.Errorf("%s loads a file: %s", name, m[0])
				}
			}
			continue
		}
		pages++
		for _, tag := range scriptTag.FindAll(data, -1) {
			if !bytes.Contains(tag, []byte("src=")) {
				t.Errorf("%s: script without src: %s", name, tag)
			}
		}
		if m := inline.Find(data); m != nil {
			t.Errorf("%s: inline script: %s", name, m)
		}
		if m := handler.Find(data); m != nil {
			t.Errorf("%s: inline event handler: %s", name, m)
		}
		if m := external.Find(canonical.ReplaceAll(data, nil)); m != nil {
			t.Errorf("%s: loads from elsewhere: %s", name, m)
		}
	}
	if pages < 27 {
		t.Fatalf("checked %d pages", pages)
	}
}

// TestSignedManifest builds the shipped letter with a signing key: the
// manifest lists the letter and every file, and the copy verifies with
// the public key.
func TestSignedManifest(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "sleutel")
	if err := manifest.GenerateKey(keyFile); err != nil {
		t.Fatal(err)
	}
	priv, err := manifest.ReadPrivateKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	res, err := build.Run(build.Options{Content: realContent, Out: out, SignKey: priv})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	data, err := os.ReadFile(filepath.Join(out, manifest.Name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Letters) != 1 || m.Letters[0].Number != "Lbr. 21/082" || m.Letters[0].Path != "21-082/" || m.Letters[0].Date != "2021-12-06" || m.Version == "" {
		t.Errorf("manifest describes %+v, version %q", m.Letters, m.Version)
	}
	if len(m.Files) != res.Files {
		t.Errorf("manifest lists %d files, the build wrote %d", len(m.Files), res.Files)
	}
	pub, err := manifest.ReadPublicKey(keyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	src, err := manifest.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := manifest.Verify(context.Background(), src, pub)
	if err != nil || !rep.OK() || rep.Signature != "valid" {
		t.Errorf("verify: %v %+v", err, rep)
	}
}
