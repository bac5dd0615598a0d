// Package pool runs work on a bounded number of goroutines: the one worker
// pool of the program, for letters, pages, files to fetch or check, links
// and index terms.
package pool

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls f for every item, on at most workers goroutines at once (0 or
// less: one per CPU), and returns the errors f returned, joined. After an
// error, items not yet started are skipped; work that only records its
// outcome returns nil and sees every item.
func Each[T any](items []T, workers int, f func(i int, item T) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(items))
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				if err := f(i, items[i]); err != nil {
					errs[w] = err
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
