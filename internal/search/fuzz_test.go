package search_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/search"
)

// realIndex builds the shipped letter's bleve index and its static form,
// closed when the test ends.
func realIndex(tb testing.TB) *build.Result {
	res, err := build.Run(build.Options{Content: realContent, Check: true, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		tb.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	tb.Cleanup(func() { res.Index.Close() })
	return res
}

// FuzzAnalyze feeds arbitrary queries to the query analysis: no panics,
// never more than MaxQueryWords words, every expansion a term of the index.
func FuzzAnalyze(f *testing.F) {
	for _, q := range []string{"hennepkwekerij", "integriteits wethouder", "de het een", "’s-Hertogenbosch RIEC's", "\xff\xfe", "a b c d e f g h i j k l m"} {
		f.Add(q, true)
	}
	res := realIndex(f)
	f.Fuzz(func(t *testing.T, q string, typing bool) {
		aq := res.Dict.Analyze(q, typing)
		if len(aq.Words) > search.MaxQueryWords {
			t.Fatalf("%d words analysed", len(aq.Words))
		}
		for _, w := range aq.Words {
			for _, e := range w.Terms {
				if res.Dict.Terms[e.Term] == nil {
					t.Fatalf("expansion %q of %q is not a term of the index", e.Term, w.Text)
				}
			}
		}
	})
}

// FuzzAPI sends arbitrary query strings to the search API: it answers
// every one with JSON, 200 or 400, never a panic or a 500.
func FuzzAPI(f *testing.F) {
	for _, raw := range []string{"q=hennep", "q=%", "q=x&n=99", "n=1&q=a&q=b", "q=%zz%E0%A4%A", "q=" + string(make([]byte, 600))} {
		f.Add(raw)
	}
	res := realIndex(f)
	h := search.Handler(res.Index, res.Dict, "https://example.org/")
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/search", nil)
		req.URL.RawQuery = raw
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("?%s: status %d: %s", raw, w.Code, w.Body)
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("?%s: not JSON: %v", raw, err)
		}
	})
}
