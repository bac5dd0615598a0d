package search_test

import (
	"maps"
	"path/filepath"
	"testing"

	"ledenbrief/internal/corpus"
	"ledenbrief/internal/search"
)

// exportWith writes the static index of units, analysed and collected,
// with memo (nil for none) and returns its files.
func exportWith(t *testing.T, units []search.Unit, memo *search.PackMemo) map[string]string {
	t.Helper()
	analysed, err := search.AnalyzeAll(units, false)
	if err != nil {
		t.Fatal(err)
	}
	idx := search.NewStaticIndex()
	if err := idx.Add(analysed); err != nil {
		t.Fatal(err)
	}
	return staticFiles(t, idx, units, memo)
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
	want := exportWith(t, units, nil)
	memo := search.NewPackMemo()
	if got := exportWith(t, units, memo); !maps.Equal(got, want) {
		t.Fatal("an export with an empty memo differs from one without")
	}
	if !memo.Changed() {
		t.Error("a memo that was empty did not change")
	}
	again := memo.Next()
	if got := exportWith(t, units, again); !maps.Equal(got, want) {
		t.Fatal("an export from the memo differs from one without")
	}
	if again.Changed() {
		t.Error("the memo changed on the same units")
	}
	units[3].Body += " Een nieuwe zin over weerbaarheid."
	edited := exportWith(t, units, nil)
	next := again.Next()
	if got := exportWith(t, units, next); !maps.Equal(got, edited) {
		t.Fatal("after an edit, an export from the memo differs from one without")
	}
	if !next.Changed() {
		t.Error("the memo did not change with an edit")
	}
}
