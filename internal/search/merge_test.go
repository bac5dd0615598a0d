package search_test

import (
	"context"
	"crypto/sha256"
	"maps"
	"path/filepath"
	"sync"
	"testing"

	"ledenbrief/internal/corpus"
	"ledenbrief/internal/record"
	"ledenbrief/internal/search"
)

// staticFiles writes the static index of the units idx collected, and
// their text shards, with memo (nil for none), and returns its files by
// name and how many of them it lent: the writer's Lend takes a file from
// previous (a former export's files, nil for none) when its bytes have
// the SHA-256 and size asked for.
func staticFiles(t *testing.T, idx *search.Index, units []search.Unit, memo *search.PackMemo, previous map[string]string) (map[string]string, int) {
	t.Helper()
	files := map[string]string{}
	lent := 0
	var mu sync.Mutex
	w := search.NewStaticWriter(func(name string, data []byte, _ [32]byte) error {
		mu.Lock()
		defer mu.Unlock()
		files[name] = string(data)
		return nil
	})
	w.Memo = memo
	w.Lend = func(name string, sum [32]byte, size int) bool {
		data, ok := previous[name]
		if !ok || len(data) != size || sha256.Sum256([]byte(data)) != sum {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		files[name] = data
		lent++
		return true
	}
	if err := w.WriteDocs(units); err != nil {
		t.Fatal(err)
	}
	d, err := idx.Dictionary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(d); err != nil {
		t.Fatal(err)
	}
	return files, lent
}

// TestMergedCollectorsMakeTheSameIndex collects a site's units in groups
// (as the build cache keeps them, a group of letters each), each read
// back from its record and merged: the static index is byte for byte the
// one of all units collected at once. The site's frequent words have
// far more postings than a collector keeps (compactAt), so the groups
// thin them out on their own before they meet.
func TestMergedCollectorsMakeTheSameIndex(t *testing.T) {
	units, analysed, want := wholeIndex(t, 60)
	roundTrip := func(c *search.Collector) *search.Collector {
		w := &record.Writer{}
		c.AppendRecord(w)
		back, err := search.ReadCollector(record.NewReader(w.B))
		if err != nil {
			t.Fatal(err)
		}
		return back
	}
	// Groups of groups, as the build cache's tree of segments: with
	// nested 3, the groups are merged three at a time into collectors,
	// kept and read back, before these are merged into the index. With
	// nested 0, the groups' records are merged in one pass
	// (MergeRecords).
	for _, grouping := range []struct{ groups, nested int }{{2, 1}, {7, 1}, {7, 3}, {12, 4}, {7, 0}, {1, 0}} {
		merged := search.NewStaticIndex()
		var upper *search.Collector
		var recs [][]byte
		for g := range grouping.groups {
			c := search.NewCollector()
			for i := g; i < len(analysed); i += grouping.groups {
				c.Add(analysed[i : i+1])
			}
			if grouping.nested == 0 {
				w := &record.Writer{}
				c.AppendRecord(w)
				recs = append(recs, w.B)
				continue
			}
			if grouping.nested == 1 {
				if err := merged.Merge(roundTrip(c)); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if upper == nil {
				upper = search.NewCollector()
			}
			upper.Merge(roundTrip(c))
			if g%grouping.nested == grouping.nested-1 || g == grouping.groups-1 {
				if err := merged.Merge(roundTrip(upper)); err != nil {
					t.Fatal(err)
				}
				upper = nil
			}
		}
		if recs != nil {
			c, err := search.MergeRecords(recs)
			if err != nil {
				t.Fatal(err)
			}
			if err := merged.Merge(c); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := staticFiles(t, merged, units, nil, nil); !maps.Equal(got, want) {
			for name := range want {
				if got[name] != want[name] {
					t.Errorf("%d groups merged %d at a time: %s differs from the index of all units at once", grouping.groups, grouping.nested, name)
				}
			}
		}
	}
}

// TestFrozenCollectorsMakeTheSameIndex: a static index sets the
// collector of the units added aside as a record every freezeUnits
// units, and takes others' records (MergeKept) or merges them; the index
// it makes is the one of all units collected at once, with units added
// from several goroutines at once.
func TestFrozenCollectorsMakeTheSameIndex(t *testing.T) {
	units, analysed, want := wholeIndex(t, 40)
	for _, every := range []int{1, 7, 50, len(analysed) - 1} {
		restore := search.SetFreezeUnits(every)
		frozen := search.NewStaticIndex()
		// A tenth of the units comes as a collector with its record
		// before the others (kept as the record), a tenth merged after
		// them, and a tenth with its record after that (merged when the
		// index's merged units are freezeUnits or more); the rest from
		// four goroutines, a few units at a time.
		before, middle, after := search.NewCollector(), search.NewCollector(), search.NewCollector()
		var rest []*search.AnalyzedUnit
		for i, au := range analysed {
			switch i % 10 {
			case 3:
				before.Add([]*search.AnalyzedUnit{au})
			case 5:
				middle.Add([]*search.AnalyzedUnit{au})
			case 6:
				after.Add([]*search.AnalyzedUnit{au})
			default:
				rest = append(rest, au)
			}
		}
		kept := func(c *search.Collector) {
			w := &record.Writer{}
			c.AppendRecord(w)
			if err := frozen.MergeKept(c, w.B); err != nil {
				t.Fatal(err)
			}
		}
		kept(before)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := g * 3; i < len(rest); i += 12 {
					if err := frozen.Add(rest[i:min(i+3, len(rest))]); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if err := frozen.Merge(middle); err != nil {
			t.Fatal(err)
		}
		kept(after)
		got, _ := staticFiles(t, frozen, units, nil, nil)
		restore()
		if !maps.Equal(got, want) {
			for name := range want {
				if got[name] != want[name] {
					t.Errorf("set aside every %d units: %s differs from the index of all units at once", every, name)
				}
			}
		}
	}
}

// wholeIndex writes a generated site of the given number of letters and
// returns its units, their analysis and the files of the static index
// of all of them collected at once.
func wholeIndex(t *testing.T, letters int) ([]search.Unit, []*search.AnalyzedUnit, map[string]string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(dir, letters); err != nil {
		t.Fatal(err)
	}
	units := siteUnits(t, dir)
	analysed, err := search.AnalyzeAll(units, false)
	if err != nil {
		t.Fatal(err)
	}
	whole := search.NewStaticIndex()
	if err := whole.Add(analysed); err != nil {
		t.Fatal(err)
	}
	files, _ := staticFiles(t, whole, units, nil, nil)
	return units, analysed, files
}
