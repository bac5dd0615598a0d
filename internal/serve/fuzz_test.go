package serve_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/serve"
)

// realContent is the shipped letter.
const realContent = "../../content"

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

// FuzzAPI sends arbitrary query strings to the search API: it answers
// every one with JSON, 200 or 400, never a panic or a 500.
func FuzzAPI(f *testing.F) {
	for _, raw := range []string{"q=hennep", "q=%", "q=x&n=99", "n=1&q=a&q=b", "q=%zz%E0%A4%A", "q=" + string(make([]byte, 600))} {
		f.Add(raw)
	}
	res := realIndex(f)
	h := serve.SearchAPI(res.Index, res.Dict, "https://example.org/")
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
