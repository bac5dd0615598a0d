package serve_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ledenbrief/internal/search"
	"ledenbrief/internal/serve"
)

func TestAPI(t *testing.T) {
	res := realIndex(t)
	srv := httptest.NewServer(serve.SearchAPI(res.Index, res.Dict, "https://example.org/brieven/"))
	defer srv.Close()

	get := func(query string) (int, map[string]any, http.Header) {
		resp, err := http.Get(srv.URL + "/api/search?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s: not JSON: %v", query, err)
		}
		return resp.StatusCode, body, resp.Header
	}

	status, body, header := get("q=" + url.QueryEscape("hennepkwekerij"))
	if status != 200 || header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("status %d, content type %q", status, header.Get("Content-Type"))
	}
	results := body["results"].([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	first := results[0].(map[string]any)
	if first["url"] != "21-082/bijlage/index.html#ondermijning" || first["canonical"] != "https://example.org/brieven/21-082/bijlage/#ondermijning" {
		t.Errorf("first result = %v", first)
	}
	frags, _ := first["fragments"].([]any)
	if len(frags) == 0 || !strings.Contains(frags[0].(string), "<mark>hennepkwekerijen</mark>") {
		t.Errorf("fragments = %v, want the plural marked", frags)
	}

	if status, body, _ := get("q=xyzzyqq"); status != 200 || len(body["results"].([]any)) != 0 {
		t.Errorf("no-match query: status %d, body %v", status, body)
	}
	long := strings.Repeat("integriteit wethouder raadslid ", 15) // 45 words, 465 bytes
	if status, body, _ := get("q=" + url.QueryEscape(long)); status != 200 || len(body["words"].([]any)) != search.MaxQueryWords {
		t.Errorf("a query of 45 words: status %d, %d words analysed, want %d", status, len(body["words"].([]any)), search.MaxQueryWords)
	}
	for _, bad := range []string{"", "q=", "q=%", "q=%zz", "q=x&n=0", "q=x&n=abc", "q=" + strings.Repeat("a", 600)} {
		if status, body, _ := get(bad); status != 400 || body["error"] == "" {
			t.Errorf("%q: status %d, body %v; want 400 with an error", bad, status, body)
		}
	}
	// Portals call at once: the handler shares one index and dictionary.
	var wg sync.WaitGroup
	for _, q := range []string{"integriteit", "ondermijing", "loopbaanorie", "VOG", "weerbaar bestuur", "hennep"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(srv.URL + "/api/search?q=" + url.QueryEscape(q))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%q: status %d", q, resp.StatusCode)
			}
		}()
	}
	wg.Wait()

	resp, err := http.Post(srv.URL+"/api/search?q=x", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
}
