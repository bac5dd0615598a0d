package build_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/manifest"
	"ledenbrief/internal/mirror"
)

// TestOneWordChangesFewIndexFiles replaces one word of one letter's
// annex by a word the site never used, in a site of 60 letters, and
// builds again: under search/ only the files whose content holds the
// passage (its terms' postings and pairs, the vocabulary shards, its text
// shard) and the meta script change, every other file of the index keeps
// its name and its bytes, and no page changes but the letter's, those
// that quote its links and the other editions' comparisons with it, so
// that a mirror fetches what changed.
func TestOneWordChangesFewIndexFiles(t *testing.T) {
	content := t.TempDir()
	if err := corpus.Write(content, 60); err != nil {
		t.Fatal(err)
	}
	before, after := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	build1 := func(out string) map[string][]byte { return buildFiles(t, content, out) }
	a := build1(before)
	annex, _ := filepath.Glob(filepath.Join(content, "brieven", "10-030", "bijlage", "*.md"))
	if len(annex) == 0 {
		t.Fatal("letter 10-030 has no annex")
	}
	text, err := os.ReadFile(annex[0])
	if err != nil {
		t.Fatal(err)
	}
	body := strings.LastIndex(string(text), "\n\n") // a paragraph, past the front matter and heading
	i := body + 2 + strings.Index(string(text[body+2:]), " ") + 1
	j := i + strings.IndexAny(string(text[i:]), " .,")
	edited := string(text[:i]) + "zonnepaneel" + string(text[j:]) // a word the site never used, in place of another
	if err := os.WriteFile(annex[0], []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	b := build1(after)

	var changed, searchFiles, searchBytes, changedBytes int
	for name, data := range a {
		if strings.HasPrefix(name, "search/") {
			searchFiles++
			searchBytes += len(data)
		}
		if other, ok := b[name]; !ok {
			t.Errorf("%s is gone after a one-word edit", name)
		} else if !bytes.Equal(data, other) {
			switch {
			case strings.HasPrefix(name, "search/"):
				changed++
				changedBytes += len(other)
			case name == "manifest.json", strings.HasPrefix(name, "10-030/"), strings.HasPrefix(name, "handreikingen/"): // the pages that quote the letter's links
			case strings.HasSuffix(name, "/wijzigingen/10-030/index.html"): // the other editions of its series compared with it
			default:
				t.Errorf("%s changed with a word of 10-030", name)
			}
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok && !strings.HasPrefix(name, "search/index/v-") { // a new word may start a vocabulary shard
			t.Errorf("%s is new after a one-word edit", name)
		}
	}
	t.Logf("search/: %d of %d files changed, %d of %d bytes", changed, searchFiles, changedBytes, searchBytes)
	if changed == 0 || changed*10 > searchFiles {
		t.Errorf("%d of %d files of search/ changed for one word, want 1 to 10%%", changed, searchFiles)
	}
	if changedBytes*10 > searchBytes {
		t.Errorf("%d of %d bytes of search/ changed for one word, want at most 10%%", changedBytes, searchBytes)
	}
}

// buildFiles builds content into out without copies and returns every
// file written, by its path.
func buildFiles(t *testing.T, content, out string) map[string][]byte {
	t.Helper()
	res, err := build.Run(build.Options{Content: content, Out: out, NoOffline: true})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	files := map[string][]byte{}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(out, p)
			files[filepath.ToSlash(rel)] = data
		}
		return err
	})
	return files
}

// TestOneLetterChangesPartOfTheIndex builds a site of 120 generated
// letters and the same site with one letter more: adding the letter, and
// removing it again, rewrites well under half of the bytes under search/
// (what is new or changed, counted in the site after the change), since
// units keep their numbers and files their names; before they did, every
// file changed. A letter's terms reach a smaller share of the files as
// the site grows: 39% here, 17% at 1,000 letters of gencorpus.py.
func TestOneLetterChangesPartOfTheIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 120 letters twice")
	}
	small, large := filepath.Join(t.TempDir(), "small"), filepath.Join(t.TempDir(), "large")
	if err := corpus.Write(small, 120); err != nil {
		t.Fatal(err)
	}
	if err := corpus.Write(large, 121); err != nil { // the same 120 letters, and one more
		t.Fatal(err)
	}
	without := buildFiles(t, small, filepath.Join(t.TempDir(), "a"))
	with := buildFiles(t, large, filepath.Join(t.TempDir(), "b"))
	for change, sites := range map[string][2]map[string][]byte{"adding": {without, with}, "removing": {with, without}} {
		before, after := sites[0], sites[1]
		var files, rewritten, total, rewrittenBytes int
		for name, data := range after {
			if !strings.HasPrefix(name, "search/") {
				continue
			}
			files++
			total += len(data)
			if old, ok := before[name]; !ok || !bytes.Equal(old, data) {
				rewritten++
				rewrittenBytes += len(data)
			}
		}
		t.Logf("%s a letter: %d of %d files of search/ new or changed, %d of %d bytes", change, rewritten, files, rewrittenBytes, total)
		if rewrittenBytes*100 > total*45 {
			t.Errorf("%s a letter rewrote %d of %d bytes of search/, want at most 45%%", change, rewrittenBytes, total)
		}
	}
}

// TestALetterAddedLeavesFurtherPagesAlone builds a site of 600 generated
// letters and the same site with one letter more, the newest. The pages
// of places of a handreiking (genoemd/<n>/) and of a year's archive are
// cut from the oldest end, so the new letter changes the first page of
// each list it joins and no further page, unless the list grows by a
// page. Cut from the newest end, as they were, every page of such a list
// shifted by a place: about 700 pages at 5,000 letters, which a build
// rendered and a mirror fetched again.
func TestALetterAddedLeavesFurtherPagesAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 600 letters twice")
	}
	small, large := filepath.Join(t.TempDir(), "small"), filepath.Join(t.TempDir(), "large")
	if err := corpus.Write(small, 600); err != nil {
		t.Fatal(err)
	}
	if err := corpus.Write(large, 601); err != nil { // the same 600 letters, and one more
		t.Fatal(err)
	}
	// The generated letters of 2010 are dated at random in the year; the
	// one more becomes the newest, as a letter published today is.
	brief := filepath.Join(large, "brieven", "10-601", "brief.md")
	text, err := os.ReadFile(brief)
	if err != nil {
		t.Fatal(err)
	}
	newest := regexp.MustCompile(`(?m)^date: .*$`).ReplaceAll(text, []byte("date: 2010-12-31"))
	if bytes.Equal(newest, text) {
		t.Fatal("the letter has no date to change")
	}
	if err := os.WriteFile(brief, newest, 0o644); err != nil {
		t.Fatal(err)
	}
	before := buildFiles(t, small, filepath.Join(t.TempDir(), "a"))
	after := buildFiles(t, large, filepath.Join(t.TempDir(), "b"))
	further := regexp.MustCompile(`^(handreikingen/[^/]+/genoemd|archief/\d+)/(\d+)/index\.html$`)
	pages := func(files map[string][]byte) map[string]int { // list → its number of pages
		n := map[string]int{}
		for name := range files {
			if m := further.FindStringSubmatch(name); m != nil {
				k, _ := strconv.Atoi(m[2])
				n[m[1]] = max(n[m[1]], k)
			}
		}
		return n
	}
	was, is := pages(before), pages(after)
	kept, grown := 0, 0
	for name, data := range after {
		m := further.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if was[m[1]] != is[m[1]] {
			grown++
			continue
		}
		if !bytes.Equal(before[name], data) {
			t.Errorf("%s changed, though its list has %d pages before and after", name, is[m[1]])
		} else {
			kept++
		}
	}
	// The test means something only when the new letter joins a list
	// with further pages: the first page of that list changes.
	joined := 0
	for list, n := range is {
		if n >= 3 && was[list] == n {
			first := strings.TrimSuffix(strings.TrimSuffix(list, "/genoemd"), "/") + "/index.html"
			if !bytes.Equal(before[first], after[first]) {
				joined++
			}
		}
	}
	t.Logf("%d further pages kept, %d in lists that grew by a page, %d lists of 3 pages or more joined", kept, grown, joined)
	if joined == 0 {
		t.Fatal("the new letter joins no list of 3 pages or more: the test shows nothing")
	}
}

// TestMirrorFetchesWhatABuildChanged publishes a signed site of 200
// generated letters with its offline copies, mirrors it over HTTP as a
// griffie does, and counts what the next mirror fetches: after a one-word
// edit of one letter, rebuilt and re-signed, at most 20 files and 2% of
// the site's bytes (the manifest and its signature counted); after one
// letter is added, at most 5% of the bytes (4.1% here, most of it the
// index files its terms reach).
func TestMirrorFetchesWhatABuildChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 200 letters three times")
	}
	content, more := filepath.Join(t.TempDir(), "content"), filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(content, 200); err != nil {
		t.Fatal(err)
	}
	if err := corpus.Write(more, 201); err != nil { // the same letters, and one more
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	site, copy := filepath.Join(t.TempDir(), "public"), filepath.Join(t.TempDir(), "spiegel")
	publish := func() int64 {
		t.Helper()
		if res, err := build.Run(build.Options{Content: content, Out: site, SignKey: key}); err != nil || res.Diags.Len() > 0 {
			t.Fatalf("build: %v %v", err, res.Diags.Error())
		}
		var total int64
		for _, data := range readTree(t, site) {
			total += int64(len(data))
		}
		return total
	}
	var requests atomic.Int64
	files := http.FileServer(http.Dir(site))
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		files.ServeHTTP(w, r)
	}))
	defer server.Close()
	mirrorNow := func() *mirror.Result {
		t.Helper()
		requests.Store(0)
		src, err := manifest.Open(server.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		res, err := mirror.Run(context.Background(), src, copy, mirror.Options{Key: key.Public().(ed25519.PublicKey)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	publish()
	if res := mirrorNow(); res.Fetched != res.Files {
		t.Fatalf("first mirror: %+v", res)
	}

	annex, _ := filepath.Glob(filepath.Join(content, "brieven", "10-030", "bijlage", "*.md"))
	if len(annex) == 0 {
		t.Fatal("letter 10-030 has no annex")
	}
	replaceIn(t, annex[0], " de ", " het ")
	total := publish()
	res := mirrorNow()
	t.Logf("one word: %d requests, %d files, %d of %d bytes", requests.Load(), res.Fetched, res.Bytes, total)
	if requests.Load() > 20 || res.Bytes*100 > total*2 {
		t.Errorf("after a one-word edit the mirror made %d requests for %d of %d bytes, want at most 20 and 2%%", requests.Load(), res.Bytes, total)
	}

	letters, _ := os.ReadDir(filepath.Join(more, "brieven"))
	added := letters[len(letters)-1].Name()
	if err := os.CopyFS(filepath.Join(content, "brieven", added), os.DirFS(filepath.Join(more, "brieven", added))); err != nil {
		t.Fatal(err)
	}
	total = publish()
	res = mirrorNow()
	t.Logf("one letter added: %d requests, %d files, %d of %d bytes", requests.Load(), res.Fetched, res.Bytes, total)
	if res.Bytes*100 > total*5 {
		t.Errorf("after adding a letter the mirror fetched %d of %d bytes, want at most 5%%", res.Bytes, total)
	}
}
