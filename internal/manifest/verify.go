package manifest

import (
	"archive/zip"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// Source is a copy of a site to verify: a folder, a zip or a URL.
type Source struct {
	fsys  fs.FS // a folder or a zip; nil for a URL
	get   func(context.Context, string) (io.ReadCloser, error)
	close func() error
}

// Open returns the copy of a site at where: a URL (http or https), a
// .zip file (whose files may sit in one top folder), or a folder.
func Open(where string) (*Source, error) {
	if u, err := url.Parse(where); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		// Redirects within the site are followed (some servers send
		// x/index.html to x/); one to another host is reported.
		client := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || req.URL.Host != u.Host || !strings.HasPrefix(req.URL.Path, u.Path) {
				return http.ErrUseLastResponse
			}
			return nil
		}}
		return &Source{get: func(ctx context.Context, name string) (io.ReadCloser, error) {
			return httpGet(ctx, client, u.ResolveReference(&url.URL{Path: name}).String())
		}}, nil
	}
	info, err := os.Stat(where)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return fsSource(os.DirFS(where), nil), nil
	}
	zr, err := zip.OpenReader(where)
	if err != nil {
		return nil, fmt.Errorf("%s: not a folder, a zip or a URL: %w", where, err)
	}
	root := fs.FS(zr)
	if _, err := fs.Stat(root, Name); err != nil {
		// A zip of the folder itself: the site is its one top folder.
		if entries, err := fs.ReadDir(root, "."); err == nil && len(entries) == 1 && entries[0].IsDir() {
			if sub, err := fs.Sub(root, entries[0].Name()); err == nil {
				root = sub
			}
		}
	}
	return fsSource(root, zr.Close), nil
}

func fsSource(fsys fs.FS, close func() error) *Source {
	return &Source{fsys: fsys, close: close, get: func(_ context.Context, name string) (io.ReadCloser, error) {
		return fsys.Open(name)
	}}
}

// Close releases the source.
func (s *Source) Close() error {
	if s.close != nil {
		return s.close()
	}
	return nil
}

// Open opens one file of the site, by its slash path.
func (s *Source) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	return s.get(ctx, name)
}

// Remote reports whether the source is a URL.
func (s *Source) Remote() bool { return s.fsys == nil }

// ReadFile reads one file of the site.
func (s *Source) ReadFile(ctx context.Context, name string) ([]byte, error) {
	r, err := s.get(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func httpGet(ctx context.Context, client *http.Client, u string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		resp.Body.Close()
		return nil, fs.ErrNotExist
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "" {
			return nil, fmt.Errorf("GET %s: %s to %s", u, resp.Status, loc)
		}
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return resp.Body, nil
}

// Report is what Verify found. A copy is intact when OK reports true.
type Report struct {
	Manifest  *Manifest
	Checked   int      // files compared with the manifest
	Missing   []string // listed, not in the copy
	Changed   []string // listed, with another size or hash
	Extra     []string // in the copy, not listed (a URL cannot be listed: never filled)
	Signature string   // "valid", "invalid", "missing" or "not checked"
	Errors    []string // files that could not be read, with why
}

// OK reports whether the copy is complete, unaltered, without unexpected
// files, and — when a key was given — signed by it.
func (r *Report) OK() bool {
	return len(r.Missing)+len(r.Changed)+len(r.Extra)+len(r.Errors) == 0 && (r.Signature == "valid" || r.Signature == "not checked")
}

// Verify compares a copy of a site with its manifest: every listed file
// present with its size and SHA-256, nothing else but the manifest and its
// signature, and, with a key, the signature valid for that key. Files are
// read on several goroutines.
func Verify(ctx context.Context, src *Source, key ed25519.PublicKey) (*Report, error) {
	data, err := src.ReadFile(ctx, Name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, err
	}
	rep := &Report{Manifest: m, Signature: "not checked"}
	if key != nil {
		sig, err := src.ReadFile(ctx, SigName)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			rep.Signature = "missing"
		case err != nil:
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", SigName, err))
			rep.Signature = "missing"
		case VerifySignature(key, data, sig):
			rep.Signature = "valid"
		default:
			rep.Signature = "invalid"
		}
	}
	var mu sync.Mutex
	work := make(chan File)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				problem, err := check(ctx, src, f)
				mu.Lock()
				switch {
				case errors.Is(err, fs.ErrNotExist):
					rep.Missing = append(rep.Missing, f.Path)
				case err != nil:
					rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", f.Path, err))
				case problem:
					rep.Changed = append(rep.Changed, f.Path)
				}
				rep.Checked++
				mu.Unlock()
			}
		}()
	}
	for _, f := range m.Files {
		work <- f
	}
	close(work)
	wg.Wait()
	if src.fsys != nil {
		listed := map[string]bool{Name: true, SigName: true}
		for _, f := range m.Files {
			listed[f.Path] = true
		}
		err := fs.WalkDir(src.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && !listed[p] {
				rep.Extra = append(rep.Extra, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, l := range [][]string{rep.Missing, rep.Changed, rep.Extra, rep.Errors} {
		slices.Sort(l)
	}
	return rep, nil
}

// check reads one file and reports whether it differs from f.
func check(ctx context.Context, src *Source, f File) (bool, error) {
	r, err := src.get(ctx, path.Clean(f.Path))
	if err != nil {
		return false, err
	}
	defer r.Close()
	same, err := f.Matches(r)
	return !same, err
}
