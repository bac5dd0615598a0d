// Package mirror keeps a copy of a published site current: it reads the
// site's manifest, fetches only the files whose hash changed, checks every
// file (and the manifest's signature) before anything is visible, and
// then swaps the new copy in at once. On any failure the previous copy
// stays as it was; files already fetched are kept aside, so that the next
// run resumes. It does not build or verify sites on its own (see package
// manifest).
package mirror

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/manifest"
	"ledenbrief/internal/publish"
)

// Options configure a mirror run.
type Options struct {
	Key      ed25519.PublicKey // when set, the manifest must be signed by it
	Workers  int               // files fetched at once; 0 means 8
	Attempts int               // tries per file; 0 means 3
	Timeout  time.Duration     // per try; 0 means 2 minutes
	// AllowDrafts copies a concept build (a manifest listing drafts),
	// which is refused otherwise: a concept is not a publication.
	AllowDrafts bool
}

// Result says what a run did.
type Result struct {
	Changed   bool     // the copy was replaced
	Fetched   int      // files fetched from the source
	Bytes     int64    // their bytes
	Reused    int      // files taken from the previous copy or an interrupted run
	Removed   int      // files of the previous copy no longer in the site
	Files     int      // files in the copy now
	Version   string   // ledenbrief version that built the site
	Signature string   // "valid" or "not checked"
	Problems  []string // files that failed, with why
	Drafts    int      // draft letters in the copy (only with AllowDrafts)
}

// draftNumbers lists the numbers of a manifest's draft letters.
func draftNumbers(m *manifest.Manifest) string {
	var out []string
	for _, l := range m.Drafts {
		out = append(out, l.Number)
	}
	return strings.Join(out, ", ")
}

// Run makes dir a verified copy of the site at src.
func Run(ctx context.Context, src *manifest.Source, dir string, opts Options) (*Result, error) {
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	data, err := fetch(ctx, src, manifest.Name, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", manifest.Name, err)
	}
	m, err := manifest.Parse(data)
	if err != nil {
		return nil, err
	}
	if len(m.Drafts) > 0 && !opts.AllowDrafts {
		return nil, fmt.Errorf("the source is a concept version with %d draft letters (%s), not a publication; nothing was changed (--allow-drafts copies it anyway)", len(m.Drafts), draftNumbers(m))
	}
	res := &Result{Version: m.Version, Signature: "not checked", Files: len(m.Files), Drafts: len(m.Drafts)}
	var sig []byte
	if opts.Key != nil {
		sig, err = fetch(ctx, src, manifest.SigName, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w; nothing was changed", manifest.SigName, err)
		}
		if !manifest.VerifySignature(opts.Key, data, sig) {
			return nil, fmt.Errorf("%s is not signed by the given key; nothing was changed", manifest.Name)
		}
		res.Signature = "valid"
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// Unchanged: the manifest is the same and every file is there with its size.
	if old, err := os.ReadFile(filepath.Join(dir, manifest.Name)); err == nil && bytes.Equal(old, data) && complete(dir, m) {
		return res, nil
	}
	staging := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".mirror-partial")
	if err := os.MkdirAll(staging, 0o755); err != nil {
		return nil, err
	}
	previous := hashes(dir)
	work := make(chan manifest.File)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				fetched, err := place(ctx, src, staging, dir, f, previous, opts)
				mu.Lock()
				switch {
				case err != nil:
					res.Problems = append(res.Problems, fmt.Sprintf("%s: %v", f.Path, err))
				case fetched:
					res.Fetched++
					res.Bytes += f.Size
				default:
					res.Reused++
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range m.Files {
		work <- f
	}
	close(work)
	wg.Wait()
	slices.Sort(res.Problems)
	if len(res.Problems) > 0 {
		return res, fmt.Errorf("%d of %d files could not be fetched or did not match the manifest; the copy in %s was not changed (the files that did arrive are kept for the next run)", len(res.Problems), len(m.Files), dir)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	// Anything in the staging folder that the site no longer has goes.
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	if err := removeUnlisted(staging, listed); err != nil {
		return res, err
	}
	if err := os.WriteFile(filepath.Join(staging, manifest.Name), data, 0o644); err != nil {
		return res, err
	}
	if sig != nil {
		if err := os.WriteFile(filepath.Join(staging, manifest.SigName), sig, 0o644); err != nil {
			return res, err
		}
	}
	for p := range previous {
		if !listed[p] {
			res.Removed++
		}
	}
	if err := publish.Replace(staging, dir); err != nil {
		return res, fmt.Errorf("replacing %s: %w", dir, err)
	}
	res.Changed = true
	return res, nil
}

// complete reports whether every file of m is in dir with its size.
func complete(dir string, m *manifest.Manifest) bool {
	for _, f := range m.Files {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || info.Size() != f.Size {
			return false
		}
	}
	return true
}

// hashes returns the files of the previous copy by path, with the hashes
// its manifest gives them.
func hashes(dir string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, manifest.Name))
	if err != nil {
		return nil
	}
	m, err := manifest.Parse(data)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, f := range m.Files {
		out[f.Path] = f.SHA256
	}
	return out
}

// place puts file f into the staging folder: kept if an interrupted run
// already fetched it, linked from the previous copy if it is unchanged
// there, else fetched. Every file is checked against f before it counts.
func place(ctx context.Context, src *manifest.Source, staging, dir string, f manifest.File, previous map[string]string, opts Options) (fetched bool, err error) {
	to := filepath.Join(staging, filepath.FromSlash(f.Path))
	if matches(to, f) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return false, err
	}
	if previous[f.Path] == f.SHA256 {
		from := filepath.Join(dir, filepath.FromSlash(f.Path))
		os.Remove(to)
		if err := os.Link(from, to); err == nil && matches(to, f) {
			return false, nil
		}
		os.Remove(to)
	}
	data, err := fetch(ctx, src, f.Path, opts)
	if err != nil {
		return false, err
	}
	if same, _ := f.Matches(bytes.NewReader(data)); !same {
		return false, errors.New("does not match the manifest (size or SHA-256)")
	}
	tmp := to + ".part"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, to)
}

// matches reports whether the file at p has f's size and hash.
func matches(p string, f manifest.File) bool {
	file, err := os.Open(p)
	if err != nil {
		return false
	}
	defer file.Close()
	if info, err := file.Stat(); err != nil || info.Size() != f.Size {
		return false
	}
	same, _ := f.Matches(file)
	return same
}

// fetch reads one file of the source, trying again after a failure other
// than "not there".
func fetch(ctx context.Context, src *manifest.Source, name string, opts Options) ([]byte, error) {
	var last error
	for try := range opts.Attempts {
		if try > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(try*try) * 200 * time.Millisecond):
			}
		}
		data, err := fetchOnce(ctx, src, name, opts.Timeout)
		if err == nil || errors.Is(err, fs.ErrNotExist) || ctx.Err() != nil {
			return data, err
		}
		last = err
	}
	return nil, last
}

func fetchOnce(ctx context.Context, src *manifest.Source, name string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := src.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// removeUnlisted removes the files of dir that are not listed, and the
// folders that become empty.
func removeUnlisted(dir string, listed map[string]bool) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." {
				dirs = append(dirs, p)
			}
			return nil
		}
		if !listed[rel] {
			return os.Remove(p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // fails, as it should, when not empty
	}
	return err
}
