package search_test

import (
	"context"
	"maps"
	"path/filepath"
	"testing"

	"ledenbrief/internal/corpus"
	"ledenbrief/internal/record"
	"ledenbrief/internal/search"
)

// staticFiles writes the static index of the units idx collected, and
// of the text of units, with memo (nil for none), and returns its files.
func staticFiles(t *testing.T, idx *search.Index, units []search.Unit, memo *search.PackMemo) map[string]string {
	t.Helper()
	files := map[string]string{}
	w := search.NewStaticWriter(func(name string, data []byte) error {
		files[name] = string(data)
		return nil
	})
	w.Memo = memo
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
	return files
}

// TestMergedCollectorsMakeTheSameIndex collects a site's units in groups
// (as the build cache keeps them, a group of letters each), each read
// back from its record and merged: the static index is byte for byte the
// one of all units collected at once. The site's frequent words have
// far more postings than a collector keeps (compactAt), so the groups
// thin them out on their own before they meet.
func TestMergedCollectorsMakeTheSameIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(dir, 60); err != nil {
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
	want := staticFiles(t, whole, units, nil)
	for _, groups := range []int{2, 7} {
		merged := search.NewStaticIndex()
		for g := range groups {
			c := search.NewCollector()
			for i := g; i < len(analysed); i += groups {
				c.Add(analysed[i : i+1])
			}
			w := &record.Writer{}
			c.AppendRecord(w)
			r := record.NewReader(w.B)
			back, err := search.ReadCollector(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := merged.Merge(back); err != nil {
				t.Fatal(err)
			}
		}
		if got := staticFiles(t, merged, units, nil); !maps.Equal(got, want) {
			for name := range want {
				if got[name] != want[name] {
					t.Errorf("%d groups: %s differs from the index of all units at once", groups, name)
				}
			}
		}
	}
}
