package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ledenbrief/internal/search"
)

// TestAPILimits answers 503 with Retry-After when no search may start,
// and when a search runs out of time, instead of making clients wait.
func TestAPILimits(t *testing.T) {
	x, err := search.NewIndex(true)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	au, err := search.Analyze(search.Unit{ID: "a/#", Page: "a/", Label: "Integriteit", Title: "Integriteit", Body: "Integriteit van raadsleden.", Ordinal: 0}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Add([]*search.AnalyzedUnit{au}); err != nil {
		t.Fatal(err)
	}
	d, err := x.Dictionary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]http.Handler{
		"no free slot": limitedHandler(x, d, "", 0, time.Second),
		"no time":      limitedHandler(x, d, "", 1, time.Nanosecond),
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/search?q=integriteit", nil))
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"error"`) {
			t.Errorf("%s: status %d, Retry-After %q, body %s", name, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
	w := httptest.NewRecorder()
	limitedHandler(x, d, "", 1, time.Second).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/search?q=integriteit", nil))
	if w.Code != http.StatusOK {
		t.Errorf("with a slot and time: status %d", w.Code)
	}
	// A malformed query string is answered as such, not as a missing query.
	w = httptest.NewRecorder()
	limitedHandler(x, d, "", 1, time.Second).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/search?q=%zz", nil))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "malformed query string") {
		t.Errorf("?q=%%zz: status %d, %s", w.Code, w.Body)
	}
	// A request that finds the slot taken waits its turn rather than being
	// turned away at once.
	h := limitedHandler(x, d, "", 1, time.Second)
	codes := make(chan int, 20)
	for range 20 {
		go func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/search?q=integriteit", nil))
			codes <- w.Code
		}()
	}
	for range 20 {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("a burst of 20 on one slot: status %d", code)
		}
	}
}
