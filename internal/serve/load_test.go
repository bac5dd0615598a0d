package serve_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/serve"
)

// loadQueries are ordinary queries: one to three words, some typed with
// a mistake, some a prefix.
var loadQueries = []string{
	"integriteit", "wethouder vergoeding", "ondermijning drugslabs", "raadsleden rechtspositie",
	"desinformatie", "bedreiging melding aangifte", "gedragscode", "loopbaanorientatie",
	"intimidatie", "veiligheid burgemeester", "weerbaarheid", "sollicitatieplicht uitkering",
	"belangenverstrengling", "hennepkwekerijen", "geheimhouding raad", "programma lokale democratie",
}

// BenchmarkAPILoad answers ordinary queries on the generated corpus from
// 32 and from 200 clients at once, through the API handler over loopback
// HTTP, and reports the throughput and the latency percentiles clients
// see; 503s (the concurrency limit, after a short wait in line) are
// counted apart, and as a share of all answers.
func BenchmarkAPILoad(b *testing.B) {
	dir := corpus.BenchDir(b)
	contentDir := filepath.Join(dir, "content")
	which, err := corpus.ForBenchmark(contentDir, corpus.BenchLetters())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %s", which)
	res, err := build.Run(build.Options{Content: contentDir, Check: true, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		b.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	defer res.Index.Close()
	srv := httptest.NewServer(serve.SearchAPI(res.Index, res.Dict, ""))
	defer srv.Close()
	for _, clients := range []int{32, 200} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { apiLoad(b, srv.URL, clients) })
	}
}

func apiLoad(b *testing.B, base string, clients int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var mu sync.Mutex
	var lat []time.Duration
	busy := 0
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < b.N*len(loadQueries); i += clients {
				t0 := time.Now()
				resp, err := client.Get(base + "/api/search?q=" + url.QueryEscape(loadQueries[i%len(loadQueries)]))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				mu.Lock()
				if resp.StatusCode == http.StatusServiceUnavailable {
					busy++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(busy), "503s")
	b.ReportMetric(100*float64(busy)/float64(max(1, busy+len(lat))), "503-%")
}
