package search_test

import (
	"maps"
	"path/filepath"
	"testing"

	"ledenbrief/internal/corpus"
	"ledenbrief/internal/record"
	"ledenbrief/internal/search"
)

// exportWith writes the static index of units, analysed and collected,
// with memo (nil for none) and previous (see staticFiles), and returns
// its files and how many of them it lent.
func exportWith(t *testing.T, units []search.Unit, memo *search.PackMemo, previous map[string]string) (map[string]string, int) {
	t.Helper()
	analysed, err := search.AnalyzeAll(units, false)
	if err != nil {
		t.Fatal(err)
	}
	idx := search.NewStaticIndex()
	if err := idx.Add(analysed); err != nil {
		t.Fatal(err)
	}
	return staticFiles(t, idx, units, memo, previous)
}

// TestPackMemoChangesNothing exports a site's static index without a
// memo, with an empty one, with the one that export left, and after an
// edit: every export writes the same files as one without memo, and a
// memo that holds every file is not worth keeping again.
func TestPackMemoChangesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(dir, 8); err != nil {
		t.Fatal(err)
	}
	units := siteUnits(t, dir)
	want, _ := exportWith(t, units, nil, nil)
	memo := search.NewPackMemo()
	if got, _ := exportWith(t, units, memo, nil); !maps.Equal(got, want) {
		t.Fatal("an export with an empty memo differs from one without")
	}
	if !memo.Changed() {
		t.Error("a memo that was empty did not change")
	}
	again := memo.Next()
	if got, _ := exportWith(t, units, again, nil); !maps.Equal(got, want) {
		t.Fatal("an export from the memo differs from one without")
	}
	if again.Changed() {
		t.Error("the memo changed on the same units")
	}
	units[3].Body += " Een nieuwe zin over weerbaarheid."
	edited, _ := exportWith(t, units, nil, nil)
	next := again.Next()
	if got, _ := exportWith(t, units, next, nil); !maps.Equal(got, edited) {
		t.Fatal("after an edit, an export from the memo differs from one without")
	}
	if !next.Changed() {
		t.Error("the memo did not change with an edit")
	}
}

// TestLendingMemoTakesFilesFromThePreviousExport exports a site's static
// index with the memo a build keeps in its cache, which knows what the
// files were but not their bytes: read back from its record, it lends
// every file but the few packed every time (the meta script and the
// facets) from the previous export; after an edit, all but the changed
// ones; and when the previous export is gone, it packs them all again.
// Every export is byte for byte one without memo.
func TestLendingMemoTakesFilesFromThePreviousExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(dir, 8); err != nil {
		t.Fatal(err)
	}
	units := siteUnits(t, dir)
	want, _ := exportWith(t, units, nil, nil)
	reread := func(m *search.PackMemo) *search.PackMemo {
		w := &record.Writer{}
		m.AppendRecord(w)
		read, err := search.ReadPackMemo(record.NewReader(w.B))
		if err != nil {
			t.Fatal(err)
		}
		return read
	}
	memo := search.NewLendingMemo()
	first, lent := exportWith(t, units, memo, nil)
	if !maps.Equal(first, want) || lent != 0 {
		t.Fatalf("a first export with a lending memo differs from one without, or lent %d files", lent)
	}
	second, lent := exportWith(t, units, reread(memo), first)
	if !maps.Equal(second, want) {
		t.Fatal("an export that lent files differs from one without memo")
	}
	if lent < len(want)-3 {
		t.Errorf("an unchanged export lent %d of its %d files", lent, len(want))
	}
	if got, lent := exportWith(t, units, reread(memo), nil); !maps.Equal(got, want) || lent != 0 {
		t.Errorf("without the previous export, an export differs from one without memo, or lent %d files", lent)
	}
	units[3].Body += " Een nieuwe zin over weerbaarheid."
	edited, _ := exportWith(t, units, nil, nil)
	changed := 0
	for name, data := range edited {
		if second[name] != data {
			changed++
		}
	}
	next := reread(memo)
	got, lent := exportWith(t, units, next, second)
	if !maps.Equal(got, edited) {
		t.Fatal("after an edit, an export that lent files differs from one without memo")
	}
	if lent < len(edited)-changed-3 || lent > len(edited)-changed {
		t.Errorf("after an edit that changed %d of %d files, the export lent %d", changed, len(edited), lent)
	}
	if !next.Changed() {
		t.Error("the memo did not change with an edit")
	}
}
