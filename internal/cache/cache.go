// Package cache keeps what a build made between runs, in a folder of
// entries named by the hash of everything each was made from (its key),
// grouped in buckets (one per kind of build: with or without offline
// copies, …) so that a build can remove what it no longer uses of its own
// kind without touching another kind's.
// An entry is written whole or not at all (a temporary file renamed into
// place), so builds that share the folder at the same time never see half
// of one; and it is checked whenever it is read: an entry that is
// truncated, corrupt, made by another version of the program or stored
// under another key is a miss, removed, never a result. Deleting the
// folder is always safe: the next build makes what it needs again.
package cache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Cache is a cache folder, opened for one version of the program.
type Cache struct {
	dir      string
	version  [32]byte
	readOnly bool // opened by OpenReadOnly: nothing is written
}

// header starts every entry: the format, then the program's version, the
// entry's key and the hash of what follows.
const magic = "ledenbrief cache 1\n"

const headerSize = len(magic) + 3*sha256.Size

// Open opens (and creates) the cache folder dir for entries of this
// program's Version. The folder tells git and backup programs to leave
// it alone (a .gitignore of everything, CACHEDIR.TAG).
func Open(dir string) (*Cache, error) {
	version, err := Version()
	if err != nil {
		return nil, err
	}
	return OpenVersion(dir, version)
}

// OpenVersion opens dir for entries of the given version; Open uses the
// program's own.
func OpenVersion(dir string, version [32]byte) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	for name, text := range map[string]string{
		".gitignore":   "# the build cache of ledenbrief: safe to delete\n*\n",
		"CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# the build cache of ledenbrief: safe to delete\n",
	} {
		file := filepath.Join(dir, name)
		if _, err := os.Stat(file); err == nil {
			continue
		}
		if err := writeAtomic(dir, file, []byte(text)); err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
	}
	return &Cache{dir: dir, version: version}, nil
}

// OpenReadOnly opens the existing cache folder dir to read entries of
// this program's Version and write nothing: no entry, no note of what
// was used (Put, Touch, Prune and PruneIdle do nothing), no removal of a
// damaged entry, which is a miss. For a command that writes nothing, as
// checking the content.
func OpenReadOnly(dir string) (*Cache, error) {
	version, err := Version()
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("cache: no cache folder %s", dir)
	}
	return &Cache{dir: dir, version: version, readOnly: true}, nil
}

var (
	versionOnce sync.Once
	version     [32]byte
	versionErr  error
)

// Version is the hash of the running program's executable: an entry made
// by any other build of ledenbrief, whose output may differ, is never
// used.
func Version() ([32]byte, error) {
	versionOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			versionErr = fmt.Errorf("cache: the program's own file: %w", err)
			return
		}
		data, err := os.ReadFile(exe)
		if err != nil {
			versionErr = fmt.Errorf("cache: the program's own file: %w", err)
			return
		}
		version = sha256.Sum256(data)
	})
	return version, versionErr
}

// Bucket is a group of entries in a cache: those of one kind of build.
type Bucket struct {
	c   *Cache
	dir string
}

// Bucket returns the bucket named name (a file name) and notes that a
// build uses it now (see PruneIdle).
func (c *Cache) Bucket(name string) (*Bucket, error) {
	dir := filepath.Join(c.dir, name)
	if c.readOnly {
		return &Bucket{c: c, dir: dir}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	if err := writeAtomic(dir, filepath.Join(dir, usedFile), nil); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Bucket{c: c, dir: dir}, nil
}

// usedFile is the file of a bucket whose time is when a build last
// opened it.
const usedFile = "used"

// path is where the entry of key is kept: in one of 256 folders, so that
// no folder holds tens of thousands of files.
func (b *Bucket) path(key [32]byte) string {
	name := fmt.Sprintf("%x", key)
	return filepath.Join(b.dir, name[:2], name[2:])
}

// Get returns the entry of key, or false when there is none or it is not
// whole and of this version (then it is removed).
func (b *Bucket) Get(key [32]byte) ([]byte, bool) {
	file := b.path(key)
	data, err := os.ReadFile(file)
	if err == nil {
		if payload, ok := b.c.check(key, data); ok {
			if !b.c.readOnly {
				now := time.Now()
				os.Chtimes(file, now, now) // used: kept by Prune
			}
			return payload, true
		}
		if !b.c.readOnly {
			os.Remove(file)
		}
	}
	return nil, false
}

// Touch notes the entry of key used, as Get does, without reading it; it
// reports whether the bucket holds one.
func (b *Bucket) Touch(key [32]byte) bool {
	if b.c.readOnly {
		_, err := os.Stat(b.path(key))
		return err == nil
	}
	now := time.Now()
	return os.Chtimes(b.path(key), now, now) == nil
}

// check returns the payload of entry data if it is whole, of this
// version and stored under key.
func (c *Cache) check(key [32]byte, data []byte) ([]byte, bool) {
	if len(data) < headerSize || string(data[:len(magic)]) != magic {
		return nil, false
	}
	h := data[len(magic):headerSize]
	payload := data[headerSize:]
	if !bytes.Equal(h[:32], c.version[:]) || !bytes.Equal(h[32:64], key[:]) {
		return nil, false
	}
	sum := sha256.Sum256(payload)
	return payload, bytes.Equal(h[64:96], sum[:])
}

// Put stores payload as the entry of key, replacing one there.
func (b *Bucket) Put(key [32]byte, payload []byte) error {
	if b.c.readOnly {
		return nil
	}
	sum := sha256.Sum256(payload)
	header := make([]byte, 0, headerSize)
	header = append(header, magic...)
	header = append(header, b.c.version[:]...)
	header = append(header, key[:]...)
	header = append(header, sum[:]...)
	file := b.path(key)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	// Header and payload written one after the other, not copied into
	// one slice: the letters' entries are most of what a build writes.
	if err := writeAtomic(filepath.Dir(file), file, header, payload); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// writeAtomic writes the parts of data, one after the other, to file
// through a temporary file in dir, so that a reader sees the old file or
// the whole new one.
func writeAtomic(dir, file string, data ...[]byte) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	for _, part := range data {
		if err == nil {
			_, err = tmp.Write(part)
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// Prune removes the bucket's entries that no build has read or written
// since before, and temporary files of writes that were killed. A build
// that started before and is still running may find an entry it will ask
// for gone: it makes it again.
func (b *Bucket) Prune(before time.Time) error {
	if b.c.readOnly {
		return nil
	}
	var errs []error
	err := filepath.WalkDir(b.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(p) == b.dir {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		if info.ModTime().Before(before) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return nil
	})
	return errors.Join(append(errs, err)...)
}

// PruneIdle removes the buckets no build has opened for maxAge.
func (c *Cache) PruneIdle(maxAge time.Duration) error {
	if c.readOnly {
		return nil
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		info, err := os.Stat(filepath.Join(c.dir, e.Name(), usedFile))
		if err == nil && time.Since(info.ModTime()) < maxAge {
			continue
		}
		if err := os.RemoveAll(filepath.Join(c.dir, e.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
