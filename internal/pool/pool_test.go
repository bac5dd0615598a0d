package pool

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestEach holds the pool to its promises: every item once, never more
// than workers at a time, and an error stops what has not started.
func TestEach(t *testing.T) {
	items := make([]int, 200)
	for i := range items {
		items[i] = i
	}
	var running, most atomic.Int64
	seen := make([]atomic.Int64, len(items))
	err := Each(items, 3, func(i, item int) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(100 * time.Microsecond)
		seen[item].Add(1)
		running.Add(-1)
		return nil
	})
	if err != nil || most.Load() > 3 {
		t.Errorf("err %v, %d at once", err, most.Load())
	}
	for i := range seen {
		if seen[i].Load() != 1 {
			t.Fatalf("item %d done %d times", i, seen[i].Load())
		}
	}
	boom := errors.New("boom")
	var done atomic.Int64
	err = Each(items, 2, func(i, _ int) error {
		done.Add(1)
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || done.Load() > 20 {
		t.Errorf("after an error: %v, %d items done", err, done.Load())
	}
	if err := Each([]int{}, 4, func(int, int) error { return boom }); err != nil {
		t.Errorf("no items: %v", err)
	}
}
