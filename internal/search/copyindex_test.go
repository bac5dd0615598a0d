package search_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/search"
)

// posting is one posting of a static index, its document named by URL.
type posting struct {
	URL     string
	TF, Len int64
}

// staticTerms is what a static index holds for its terms and pairs: per
// field the document frequency and the postings it kept.
type staticTerms map[string]struct {
	DF       []int64
	Postings [][]posting
}

// decodeRecord reads a postings record as search.js does: per field its
// (document delta, frequency, length) triples, preceded by the negative
// document frequency where postings were left out.
func decodeRecord(t *testing.T, raw json.RawMessage, url func(doc int64) string) (df []int64, lists [][]posting) {
	t.Helper()
	var rec [][]int64
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	for _, list := range rec {
		n := int64(len(list) / 3)
		if len(list)%3 != 0 {
			n, list = -list[0], list[1:]
		}
		var ps []posting
		doc := int64(0)
		for i := 0; i < len(list); i += 3 {
			doc += list[i]
			ps = append(ps, posting{url(doc), list[i+1], list[i+2]})
		}
		df, lists = append(df, n), append(lists, ps)
	}
	return df, lists
}

// staticIndex reads a static index from its parts: the postings files'
// and the pairs files' records (pairs keyed by the first hex digits of
// their hash that every file's keys have), and the text shards' rows;
// it returns the terms and the URLs of the passages.
func staticIndex(t *testing.T, perShard int, postings, pairs []map[string]json.RawMessage, docs map[int][][]string) (staticTerms, map[string]bool) {
	t.Helper()
	url := func(doc int64) string {
		rows := docs[int(doc)/perShard]
		if rows == nil || rows[int(doc)%perShard] == nil {
			t.Fatalf("no text row for document %d", doc)
		}
		return rows[int(doc)%perShard][0]
	}
	out := staticTerms{}
	add := func(key string, raw json.RawMessage) {
		e := out[key]
		e.DF, e.Postings = decodeRecord(t, raw, url)
		out[key] = e
	}
	for _, file := range postings {
		for term, raw := range file {
			add(term, raw)
		}
	}
	for _, file := range pairs {
		for key, raw := range file {
			add("pair:"+key[:10], raw)
		}
	}
	urls := map[string]bool{}
	for _, rows := range docs {
		for _, row := range rows {
			if row != nil {
				urls[row[0]] = true
			}
		}
	}
	return out, urls
}

// TestCopyIndexIsTheSiteIndexOfItsPassages reads, for letters of a
// generated site, the search index of the letter's single-file copy and
// the site's: for every term and pair, the copy holds exactly the postings
// the site holds for the passages the copy has (the letter's and its
// handreikingen's), with the same frequencies and lengths, and the site
// holds none of them that the copy lacks; and every passage of every page
// the copy holds is in its index.
func TestCopyIndexIsTheSiteIndexOfItsPassages(t *testing.T) {
	gen := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(gen, 30); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if res, err := build.Run(build.Options{Content: gen, Out: out}); err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	site, siteURLs := siteStaticIndex(t, out)
	copies, _ := filepath.Glob(filepath.Join(out, "*", "lbr-*.html"))
	slices.Sort(copies)
	if len(copies) < 3 {
		t.Fatalf("%d letters' single files", len(copies))
	}
	for _, z := range []string{copies[0], copies[len(copies)/2], copies[len(copies)-1]} {
		t.Run(filepath.Base(z), func(t *testing.T) {
			copied, urls, pages := copyStaticIndex(t, z)
			for u := range siteURLs {
				if page, _, _ := strings.Cut(u, "#"); pages[page] && !urls[u] {
					t.Errorf("the copy has the page of %s, its index not the passage", u)
				}
			}
			// A copy's handreiking is named by its own letter's links
			// only (the links field), the site's by every letter's.
			ownNames := func(f int, url string) bool {
				return f == slices.Index(search.Fields, search.FieldLinks) && strings.HasPrefix(url, "handreikingen/")
			}
			compared := 0
			for key, s := range site {
				c, inCopy := copied[key]
				for f := range s.Postings {
					var want []posting
					for _, p := range s.Postings[f] {
						if urls[p.URL] && !ownNames(f, p.URL) {
							want = append(want, p)
						}
					}
					if int64(len(s.Postings[f])) < s.DF[f] { // the site kept its best postings only
						continue
					}
					var got []posting
					if inCopy && f < len(c.Postings) {
						for _, p := range c.Postings[f] {
							if !ownNames(f, p.URL) {
								got = append(got, p)
							}
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s, field %d: the copy holds %v, the site %v for the copy's passages", key, f, got, want)
					}
					compared += len(want)
				}
			}
			for key := range copied {
				if _, ok := site[key]; !ok {
					t.Errorf("the copy holds %s, the site does not", key)
				}
			}
			if compared == 0 || len(urls) == 0 {
				t.Errorf("%d postings of %d passages compared", compared, len(urls))
			}
		})
	}
}

// siteStaticIndex reads the static index of the site in out.
func siteStaticIndex(t *testing.T, out string) (staticTerms, map[string]bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(out, "search", "index", "*.js"))
	var postings, pairs []map[string]json.RawMessage
	docs := map[int][][]string{}
	for _, f := range files {
		script, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fn, keys, data := search.Unpack(t, script)
		switch fn {
		case "LB.postings", "LB.pairs":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			if fn == "LB.postings" {
				postings = append(postings, m)
			} else {
				pairs = append(pairs, m)
			}
		case "LB.docs":
			var n int
			var rows [][]string
			if err := json.Unmarshal([]byte(strings.TrimSuffix(keys, ",")), &n); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &rows); err != nil {
				t.Fatal(err)
			}
			docs[n] = rows
		}
	}
	script, err := os.ReadFile(filepath.Join(out, search.MetaPath))
	if err != nil {
		t.Fatal(err)
	}
	_, _, data := search.Unpack(t, script)
	var meta struct {
		DocsPerShard int `json:"docsPerShard"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	return staticIndex(t, meta.DocsPerShard, postings, pairs, docs)
}

// copyStaticIndex reads the search index of a letter's single file, the
// URLs of the passages it holds, and the pages it holds by their site
// path (from LB_HERE, which maps them to their places in the file).
func copyStaticIndex(t *testing.T, file string) (staticTerms, map[string]bool, map[string]bool) {
	t.Helper()
	html, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var script []byte
	pages := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllSubmatch(html, -1) {
		switch js := m[1]; {
		case bytes.HasPrefix(js, []byte("LB.bundle(")):
			script = js
		case bytes.HasPrefix(js, []byte("window.LB_HERE=")):
			var here map[string]string
			if err := json.Unmarshal(bytes.TrimSuffix(bytes.TrimPrefix(js, []byte("window.LB_HERE=")), []byte(";")), &here); err != nil {
				t.Fatal(err)
			}
			for page := range here {
				pages[page] = true
			}
		}
	}
	if script == nil || len(pages) == 0 {
		t.Fatalf("%s: no inline index, or no LB_HERE", file)
	}
	fn, data := search.UnpackInline(t, script)
	var bundle struct {
		Meta struct {
			DocsPerShard int `json:"docsPerShard"`
		} `json:"meta"`
		P map[string]map[string]json.RawMessage `json:"p"`
		Q map[string]map[string]json.RawMessage `json:"q"`
		D map[string][][]string                 `json:"d"`
	}
	if err := json.Unmarshal(data, &bundle); err != nil || fn != "LB.bundle" {
		t.Fatalf("%s: %s (%v)", file, fn, err)
	}
	docs := map[int][][]string{}
	for n, rows := range bundle.D {
		var i int
		if err := json.Unmarshal([]byte(n), &i); err != nil {
			t.Fatal(err)
		}
		docs[i] = rows
	}
	var postings, pairs []map[string]json.RawMessage
	for _, m := range bundle.P {
		postings = append(postings, m)
	}
	for _, m := range bundle.Q {
		pairs = append(pairs, m)
	}
	terms, urls := staticIndex(t, bundle.Meta.DocsPerShard, postings, pairs, docs)
	return terms, urls, pages
}
