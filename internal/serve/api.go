package serve

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"ledenbrief/internal/search"
)

// Limits on the work of the search API: a query is answered within
// APITimeout or not at all, and at most APIConcurrency queries run at
// once per CPU; beyond that the API answers 503 with Retry-After, so that
// a burst of clients slows nobody down for long.
const (
	APITimeout     = 2 * time.Second
	APIConcurrency = 2
)

// apiResponse is the JSON body of GET /api/search.
type apiResponse struct {
	Query   string          `json:"query"`
	Words   []search.Word   `json:"words"` // how the query was analysed
	Results []search.Result `json:"results"`
	Error   string          `json:"error,omitempty"`
}

// SearchAPI answers GET /api/search?q=QUERY[&n=N] from bleve itself, with
// the same analysis and ranking as the static search, as JSON: each
// result with its URL relative to the site root, its canonical URL under
// base (when base is not empty), and highlighted fragments. It is meant
// for intranet portals and is read-only, so any origin may call it.
func SearchAPI(x *search.Index, d *search.Dictionary, base string) http.Handler {
	return limitedHandler(x, d, base, APIConcurrency*runtime.GOMAXPROCS(0), APITimeout)
}

// queueWait is how long a search waits for a free slot before the
// answer is 503.
const queueWait = 500 * time.Millisecond

// limitedHandler is SearchAPI with its limits: at most slots searches at
// once, each given timeout.
func limitedHandler(x *search.Index, d *search.Dictionary, base string, slots int, timeout time.Duration) http.Handler {
	busy := make(chan struct{}, slots)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Access-Control-Allow-Origin", "*")
		reply := func(status int, body apiResponse) {
			if status == http.StatusServiceUnavailable {
				h.Set("Retry-After", "1")
			}
			w.WriteHeader(status)
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(body) // the client went away; nothing to do
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			reply(http.StatusMethodNotAllowed, apiResponse{Error: "only GET is allowed"})
			return
		}
		q, n, bad := apiQuery(r.URL.RawQuery)
		if bad != nil {
			reply(http.StatusBadRequest, *bad)
			return
		}
		switch queue(r.Context(), busy) {
		case errGone:
			return
		case errBusy:
			reply(http.StatusServiceUnavailable, apiResponse{Query: q, Error: "too many searches at once; try again in a second"})
			return
		}
		defer func() { <-busy }()
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		results, aq, err := x.Search(ctx, d, q, n)
		switch {
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			reply(http.StatusServiceUnavailable, apiResponse{Query: q, Error: "the search took too long; try fewer or more specific words"})
			return
		case err != nil:
			reply(http.StatusInternalServerError, apiResponse{Query: q, Error: err.Error()})
			return
		}
		for i := range results {
			if base != "" {
				results[i].Canonical = base + strings.Replace(results[i].URL, "index.html", "", 1)
			}
		}
		if results == nil {
			results = []search.Result{}
		}
		reply(http.StatusOK, apiResponse{Query: q, Words: aq.Words, Results: results})
	})
}

// apiQuery reads the query q and the number of results n from a request's
// query string; bad is the answer to a request that gives them wrongly.
func apiQuery(raw string) (q string, n int, bad *apiResponse) {
	params, err := url.ParseQuery(raw)
	if err != nil {
		return "", 0, &apiResponse{Error: "malformed query string (" + err.Error() + "): encode the words, like ?q=raad%20van%20state"}
	}
	q = strings.TrimSpace(params.Get("q"))
	switch {
	case q == "":
		return "", 0, &apiResponse{Error: "missing query: use ?q=words"}
	case len(q) > 500:
		return "", 0, &apiResponse{Query: q[:500], Error: "query too long (500 bytes at most)"}
	}
	n = 10
	if v := params.Get("n"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 50 {
			return "", 0, &apiResponse{Query: q, Error: "n must be a number from 1 to 50"}
		}
	}
	return q, n, nil
}

// The ways queue can fail to take a slot.
var (
	errBusy = errors.New("every slot stayed taken")
	errGone = errors.New("the client went away")
)

// queue takes one of the busy slots, waiting its turn a moment
// (queueWait) when all are taken: a burst is served, an overload is not
// let to pile up.
func queue(ctx context.Context, busy chan struct{}) error {
	select {
	case busy <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(queueWait)
	defer wait.Stop()
	select {
	case busy <- struct{}{}:
		return nil
	case <-wait.C:
		return errBusy
	case <-ctx.Done():
		return errGone
	}
}
