package cache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"ledenbrief/internal/filelock"
)

// ErrBusy is the error of Claim for a folder another process holds.
var ErrBusy = errors.New("cache: another process uses this folder")

// Claim returns the folder named name (a file name) of the cache, for a
// process that keeps files in it between runs and must be the only one
// to (the preview's output folder), and the function that lets it go.
// The folder is noted used, as a bucket is, so PruneIdle removes it only
// when no one claimed it for a while; it is ErrBusy while another process
// holds it. The claim ends with the process, however it ends.
func (c *Cache) Claim(name string) (dir string, release func(), err error) {
	if c.readOnly {
		return "", nil, fmt.Errorf("cache: %s is opened to read only", c.dir)
	}
	dir = filepath.Join(c.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("cache: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return "", nil, fmt.Errorf("cache: %w", err)
	}
	busy, err := filelock.TryLock(f)
	if err == nil && busy {
		err = ErrBusy
	}
	if err == nil {
		err = writeAtomic(dir, filepath.Join(dir, usedFile), nil)
	}
	if err != nil {
		f.Close()
		return "", nil, fmt.Errorf("cache: %s: %w", dir, err)
	}
	return dir, func() { f.Close() }, nil
}

// lockFile is the file of a claimed folder whose lock its process holds.
const lockFile = "lock"
