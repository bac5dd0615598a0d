package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentAddIndexesEveryUnit adds units from several goroutines
// with batches so small that many are indexed in the background while
// others are still added: every unit must be in the bleve index, and the
// static dictionary and bleve's scores must be the same as when every
// unit is added from one goroutine in one batch.
func TestConcurrentAddIndexesEveryUnit(t *testing.T) {
	letters := make([][]Unit, 40)
	for i := range letters {
		for j := range 7 {
			letters[i] = append(letters[i], Unit{
				ID: fmt.Sprintf("%d#%d", i, j), Title: fmt.Sprintf("kop%d", j),
				Body:    fmt.Sprintf("Raadsleden van gemeente%d bespreken onderwerp%d met wethouders.", i, j),
				Ordinal: i*UnitsPerLetter + j,
			})
		}
	}
	read := func(batch int, workers int) (*Dictionary, string) {
		defer func(n int) { batchSize = n }(batchSize)
		batchSize = batch
		x, err := NewIndex(false)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		var wg sync.WaitGroup
		next := make(chan []Unit)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for us := range next {
					aus, err := AnalyzeAll(us, false)
					if err != nil {
						t.Error(err)
						continue
					}
					if err := x.Add(aus); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		for _, us := range letters {
			next <- us
		}
		close(next)
		wg.Wait()
		d, err := x.Dictionary(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n, err := x.Index.DocCount(); err != nil || n != 280 {
			t.Errorf("bleve holds %d documents (%v), want 280", n, err)
		}
		hits, _, err := x.Search(context.Background(), d, "wethouders bespreken onderwerp3 gemeente17", 300)
		if err != nil {
			t.Fatal(err)
		}
		var scores []string // by unit: equal scores come in bleve's order
		for _, h := range hits {
			scores = append(scores, fmt.Sprintf("%s %.12f", h.ID, h.Score))
		}
		slices.Sort(scores)
		return d, strings.Join(scores, "\n")
	}
	want, wantScores := read(1<<20, 1)
	got, gotScores := read(9, 4)
	// Bleve's own statistics would sum the segments' dictionaries; the
	// search must score with the collected ones, as the browser does.
	if gotScores != wantScores || wantScores == "" {
		t.Errorf("in many segments bleve scores\n%s\nin one\n%s", gotScores, wantScores)
	}
	if got.N != 280 || want.N != 280 {
		t.Fatalf("indexed %d and %d units, want 280", got.N, want.N)
	}
	for _, term := range []string{"gemeente17", "onderwerp3", "raadsled", "wethouder"} {
		if fmt.Sprint(got.Terms[term]) != fmt.Sprint(want.Terms[term]) || want.Terms[term] == nil {
			t.Errorf("%s: postings %v, want %v", term, got.Terms[term], want.Terms[term])
		}
	}
	if len(got.Terms) != len(want.Terms) {
		t.Errorf("%d terms, want %d", len(got.Terms), len(want.Terms))
	}
}
