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
	"strconv"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/pool"
)

// MaxManifest is the most a manifest (or its signature) may weigh: it is
// read before its signature can be checked, so a source cannot make a
// reader hold more. 64 MiB lists about 400,000 files.
const MaxManifest = 64 << 20

// IdleTimeout is how long a read from a URL may bring nothing before it
// fails: a stalled server costs this, not hours. (A variable only so that
// tests need not wait a minute.)
var IdleTimeout = 60 * time.Second

// Source is a copy of a site to verify: a folder, a zip or a URL.
type Source struct {
	where string // as given to Open
	fsys  fs.FS  // a folder or a zip; nil for a URL
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
		// No overall timeout: a large file on a slow line may take long,
		// as long as data keeps coming (see idleBody).
		client := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || req.URL.Host != u.Host || !strings.HasPrefix(req.URL.Path, u.Path) {
				return http.ErrUseLastResponse
			}
			return nil
		}}
		return &Source{where: where, get: func(ctx context.Context, name string) (io.ReadCloser, error) {
			return httpGet(ctx, client, u.ResolveReference(&url.URL{Path: name}).String())
		}}, nil
	}
	info, err := os.Stat(where)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return fsSource(where, os.DirFS(where), nil), nil
	}
	zr, err := zip.OpenReader(where)
	if err != nil {
		return nil, fmt.Errorf("%s: not a folder, a zip or a URL: %w", where, err)
	}
	if err := regularEntries(zr.File); err != nil {
		zr.Close()
		return nil, fmt.Errorf("%s: %w", where, err)
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
	return fsSource(where, root, zr.Close), nil
}

// regularEntries refuses a zip with an entry that is no plain file or
// folder (a symbolic link's text could pass for a listed file's bytes,
// and break the copy once extracted) or whose name leaves the folder it is
// extracted into; the name is given as the zip writes it.
func regularEntries(files []*zip.File) error {
	for _, f := range files {
		name := strings.TrimSuffix(f.Name, "/")
		if !fs.ValidPath(name) || strings.Contains(f.Name, "\\") {
			return fmt.Errorf("zip entry %s leaves the folder it is extracted into: refused", strconv.QuoteToGraphic(f.Name))
		}
		if mode := f.Mode(); mode&fs.ModeType != 0 && !mode.IsDir() {
			return fmt.Errorf("zip entry %s is a %s, not a file: refused", strconv.QuoteToGraphic(f.Name), entryKind(mode))
		}
	}
	return nil
}

// entryKind names a file mode that is not a plain file.
func entryKind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "symbolic link"
	case mode&fs.ModeDevice != 0:
		return "device"
	case mode&fs.ModeNamedPipe != 0:
		return "named pipe"
	case mode&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

func fsSource(where string, fsys fs.FS, close func() error) *Source {
	return &Source{where: where, fsys: fsys, close: close, get: func(_ context.Context, name string) (io.ReadCloser, error) {
		return fsys.Open(name)
	}}
}

// String is the source as it was named: a URL, a zip or a folder.
func (s *Source) String() string { return s.where }

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

// ReadFile reads one file of the site, of at most max bytes: a longer
// one is an error, read no further than max.
func (s *Source) ReadFile(ctx context.Context, name string, max int64) ([]byte, error) {
	r, err := s.get(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes; not read further", max)
	}
	return data, nil
}

// errIdle is the cause of a read from a URL that brought nothing for
// IdleTimeout.
var errIdle = errors.New("the server sent nothing for too long (an idle timeout)")

// idleBody is a response body that fails when no byte arrives for
// IdleTimeout: a stalled server is given up on, a slow one that keeps
// sending is not.
type idleBody struct {
	body   io.ReadCloser
	timer  *time.Timer
	cancel context.CancelCauseFunc
	ctx    context.Context
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if n > 0 {
		b.timer.Reset(IdleTimeout)
	}
	if err != nil && err != io.EOF && context.Cause(b.ctx) == errIdle {
		err = errIdle
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	b.cancel(nil)
	return b.body.Close()
}

func httpGet(ctx context.Context, client *http.Client, u string) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(IdleTimeout, func() { cancel(errIdle) })
	fail := func(err error) (io.ReadCloser, error) {
		timer.Stop()
		if context.Cause(ctx) == errIdle {
			err = fmt.Errorf("GET %s: %w", u, errIdle)
		}
		cancel(nil)
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fail(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	if resp.StatusCode == http.StatusNotFound {
		resp.Body.Close()
		return fail(fs.ErrNotExist)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		timer.Stop()
		cancel(nil)
		if loc := resp.Header.Get("Location"); loc != "" {
			return nil, fmt.Errorf("GET %s: %s to %s", u, resp.Status, loc)
		}
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return &idleBody{body: resp.Body, timer: timer, cancel: cancel, ctx: ctx}, nil
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
	Expired   bool     // the manifest's expiry has passed: mirrors refuse it
	// RotatedTo is the fingerprint of the key that signed the site when it
	// is not the given key but one the given key endorsed (see Endorse).
	RotatedTo string
}

// OK reports whether the copy is complete, unaltered, without unexpected
// files, and — when a key was given — signed by it.
func (r *Report) OK() bool {
	return len(r.Missing)+len(r.Changed)+len(r.Extra)+len(r.Errors) == 0 && (r.Signature == "valid" || r.Signature == "not checked") && !r.Expired
}

// Verify compares a copy of a site with its manifest: every listed file
// present with its size and SHA-256, nothing else but the manifest and its
// signature, and, with a key, the signature valid for that key. Files are
// read on several goroutines.
func Verify(ctx context.Context, src *Source, key ed25519.PublicKey) (*Report, error) {
	data, err := src.ReadFile(ctx, Name, MaxManifest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, err
	}
	rep := &Report{Manifest: m, Signature: "not checked", Expired: m.Expired(time.Now())}
	if key != nil {
		rep.checkSignature(ctx, src, key, data)
	}
	var mu sync.Mutex
	_ = pool.Each(m.Files, 8, func(_ int, f File) error {
		problem, err := check(ctx, src, f)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(err, fs.ErrNotExist):
			rep.Missing = append(rep.Missing, f.Path)
		case err != nil:
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", f.Path, err))
		case problem:
			rep.Changed = append(rep.Changed, f.Path)
		}
		rep.Checked++
		return nil // every file is checked; the differences are the report
	})
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

// checkSignature checks the manifest data of src against key, or a key
// that key endorses in the site (a rotated key), and notes the outcome.
func (rep *Report) checkSignature(ctx context.Context, src *Source, key ed25519.PublicKey, data []byte) {
	sig, err := src.ReadFile(ctx, SigName, 1024)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		rep.Signature = "missing"
		return
	case err != nil:
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", SigName, err))
		rep.Signature = "missing"
		return
	}
	endorsement, err := src.ReadFile(ctx, EndorsementName, 4096)
	if err != nil {
		endorsement = nil
	}
	switch signer, rotated, err := CheckSignature(key, data, sig, endorsement); {
	case err != nil:
		rep.Signature = "invalid"
	case rotated:
		rep.Signature, rep.RotatedTo = "valid", Fingerprint(signer)
	default:
		rep.Signature = "valid"
	}
}

// check reads one file and reports whether it differs from f.
func check(ctx context.Context, src *Source, f File) (bool, error) {
	r, err := src.get(ctx, path.Clean(f.Path))
	if err != nil {
		return false, err
	}
	defer r.Close()
	same, err := f.Matches(io.LimitReader(r, f.Size+1)) // a longer file differs: read no further
	return !same, err
}
