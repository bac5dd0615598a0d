// Package mirror keeps a copy of a published site current: it reads the
// site's manifest, fetches only the files whose hash changed (or that
// differ on disk: a damaged file is repaired), checks every file (and the
// manifest's signature) before anything is visible, and then swaps the
// new copy in at once. On any failure the previous copy stays as it was;
// files already fetched are kept aside, so that the next run resumes.
//
// The copy's folder is owned like a build's output (see package publish):
// files no copy wrote are kept, never replaced, and a folder that holds
// something else is refused. One run at a time updates a copy (a lock
// beside it), and a run refuses a publication older than the copy's (a
// rollback) or past its expiry (a frozen source), remembering the last
// one it accepted beside the copy (see State).
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
	"strconv"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/manifest"
	"ledenbrief/internal/pool"
	"ledenbrief/internal/publish"
)

// Options configure a mirror run.
type Options struct {
	Key      ed25519.PublicKey // when set, the manifest must be signed by it
	Workers  int               // files fetched at once; 0 means 8
	Attempts int               // tries per file; 0 means 3
	// AllowDrafts copies a concept build (a manifest listing drafts),
	// which is refused otherwise: a concept is not a publication.
	AllowDrafts bool
	// Force mirrors into a folder that holds files of something else,
	// keeping them; without it such a folder is refused.
	Force bool
	// Wait is how long to wait for another run on the same copy to end;
	// 0 means not at all (ErrBusy).
	Wait time.Duration
}

// Result says what a run did.
type Result struct {
	Changed   bool     // the copy was replaced
	Fetched   int      // files fetched from the source
	Bytes     int64    // their bytes
	Reused    int      // files taken from the previous copy or an interrupted run
	Repaired  int      // files of the copy that differed from its manifest, fetched again
	Removed   int      // files of the previous copy no longer in the site
	Files     int      // files in the copy now
	Version   string   // ledenbrief version that built the site
	Serial    int64    // the publication's serial (0 when unsigned)
	Expires   string   // when it expires, "" for never
	Signature string   // "valid" or "not checked"
	RotatedTo string   // the fingerprint of the key the site rotated to, now trusted; "" when none
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
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := owned(dir, opts.Force); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	unlock, err := lock(dir, opts.Wait)
	if err != nil {
		return nil, err
	}
	defer unlock()
	p, err := accept(ctx, src, dir, opts)
	if err != nil {
		return nil, err
	}
	// Unchanged: the manifest is the same and every file is there with its hash.
	if !bytes.Equal(p.current, p.data) || !intact(dir, p.m) {
		if err := p.copyInto(ctx, src, dir, opts); err != nil {
			return p.res, err
		}
	}
	p.state.Synced = time.Now().UTC().Format(time.RFC3339)
	return p.res, p.state.write(dir)
}

// publication is what the source offers, once accepted: its manifest
// (as signed, and read), its signature, and what the run will report
// and record.
type publication struct {
	data, sig []byte
	m         *manifest.Manifest
	current   []byte // the copy's manifest before the run; nil when it has none
	res       *Result
	state     *State
}

// accept reads the source's manifest and signature and accepts them, or
// says why not: a concept, a signature no trusted key made (a key the
// trusted one endorsed becomes the trusted one), an expired or an older
// publication than the copy's. Nothing is written.
func accept(ctx context.Context, src *manifest.Source, dir string, opts Options) (*publication, error) {
	data, err := fetch(ctx, opts, func() ([]byte, error) { return src.ReadFile(ctx, manifest.Name, manifest.MaxManifest) })
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
	p := &publication{data: data, m: m,
		res: &Result{Version: m.Version, Signature: "not checked", Files: len(m.Files), Drafts: len(m.Drafts), Serial: m.Serial, Expires: m.Expires}}
	last, err := ReadState(dir)
	if err != nil {
		return nil, err
	}
	var trustedKey string
	if opts.Key != nil {
		if trustedKey, err = p.checkSignature(ctx, src, opts, last); err != nil {
			return nil, err
		}
	}
	if m.Expired(time.Now()) {
		return nil, fmt.Errorf("the site expired on %s (verlopen): its publisher has not renewed it, and its content may be out of date; nothing was changed", m.Expires)
	}
	p.current, _ = os.ReadFile(filepath.Join(dir, manifest.Name))
	if err := notOlder(dir, m, data, p.current); err != nil {
		return nil, err
	}
	p.state = &State{Source: src.String(), Serial: m.Serial, Built: m.Built, Expires: m.Expires, Version: m.Version, Files: len(m.Files), Key: trustedKey}
	return p, nil
}

// checkSignature fetches the signature and checks it against the trusted
// key: opts.Key, or the key the copy rotated to before (last.Key), after
// which only that one counts. It returns the key to trust from now on as
// the state records it ("" for opts.Key).
func (p *publication) checkSignature(ctx context.Context, src *manifest.Source, opts Options, last *State) (string, error) {
	trusted, trustedKey := opts.Key, ""
	if last != nil && last.Key != "" {
		if k, err := manifest.DecodeKey(last.Key); err == nil {
			trusted, trustedKey = k, last.Key
		}
	}
	sig, err := fetch(ctx, opts, func() ([]byte, error) { return src.ReadFile(ctx, manifest.SigName, 1024) })
	if err != nil {
		return "", fmt.Errorf("%s: %w; nothing was changed", manifest.SigName, err)
	}
	var endorsement []byte
	if !manifest.VerifySignature(trusted, p.data, sig) {
		endorsement, _ = fetch(ctx, opts, func() ([]byte, error) { return src.ReadFile(ctx, manifest.EndorsementName, 4096) })
	}
	signer, rotated, err := manifest.CheckSignature(trusted, p.data, sig, endorsement)
	if err != nil {
		return "", fmt.Errorf("%w; nothing was changed", err)
	}
	if rotated {
		trustedKey, p.res.RotatedTo = manifest.EncodeKey(signer), manifest.Fingerprint(signer)
	}
	p.sig, p.res.Signature = sig, "valid"
	return trustedKey, nil
}

// copyInto makes the new copy beside dir from the files the copy and an
// interrupted run already have and those fetched, checks every one, puts
// it in place of dir at once and checks it there. On any failure dir stays
// as it was and what arrived is kept for the next run.
func (p *publication) copyInto(ctx context.Context, src *manifest.Source, dir string, opts Options) error {
	res := p.res
	previous := listed(p.current)
	out, err := publish.OpenMirror(dir)
	if err != nil {
		return err
	}
	defer out.Abandon()
	partial := beside(dir, "partial")
	var mu sync.Mutex
	_ = pool.Each(p.m.Files, opts.Workers, func(_ int, f manifest.File) error {
		how, err := place(ctx, src, out, partial, dir, f, opts)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			res.Problems = append(res.Problems, fmt.Sprintf("%s: %v", f.Path, err))
		case how == reused:
			res.Reused++
		default:
			res.Fetched++
			res.Bytes += f.Size
			if previous[f.Path] == f.SHA256 { // the copy should have had it
				res.Repaired++
			}
		}
		return nil // every file is tried; the problems are the result
	})
	slices.Sort(res.Problems)
	if len(res.Problems) > 0 {
		return fmt.Errorf("%d of %d files could not be fetched or did not match the manifest; the copy in %s was not changed (the files that did arrive are kept for the next run)", len(res.Problems), len(p.m.Files), dir)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	now := map[string]bool{}
	for _, f := range p.m.Files {
		now[f.Path] = true
	}
	for path := range previous {
		if !now[path] {
			res.Removed++
		}
	}
	if err := out.CommitManifest(p.data, p.sig); err != nil {
		return fmt.Errorf("replacing %s: %w", dir, err)
	}
	res.Changed = true
	if !intact(dir, p.m) { // the copy in place must be the one its manifest describes
		return fmt.Errorf("after the copy was put in place, %s differs from its manifest: was it changed meanwhile? Run mirror again", dir)
	}
	return os.RemoveAll(partial)
}

// owned refuses a dir that is not a folder, or a folder that holds
// files of something other than a copy of a ledenbrief site (unless
// force): a mirror never deletes or replaces what it did not write.
func owned(dir string, force bool) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a folder; name the folder to keep the copy in", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return err
	}
	if data, err := os.ReadFile(filepath.Join(dir, manifest.Name)); err == nil {
		if _, err := manifest.Parse(data); err == nil {
			return nil // a copy of ours: files beside it are kept
		}
	}
	if st, err := ReadState(dir); err == nil && st != nil {
		return nil // mirrored before, though its manifest is gone
	}
	if force {
		return nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, quote(e.Name()))
	}
	return fmt.Errorf("%s is not a copy of a ledenbrief site: it holds %s. A mirror never deletes or replaces files it did not write: name a new or empty folder, or add --force to mirror into this one, keeping its files", dir, describeEntries(names))
}

// notOlder refuses a publication older than the copy's: a serial below
// the one last accepted (or the copy's own), or the same serial with
// other content (two publications cannot share one).
func notOlder(dir string, m *manifest.Manifest, data, current []byte) error {
	known, what := int64(0), ""
	if st, err := ReadState(dir); err == nil && st != nil && st.Serial > known {
		known, what = st.Serial, "the last one mirrored"
	}
	if c, err := manifest.Parse(current); err == nil && c.Serial > known {
		known, what = c.Serial, "the copy's"
	}
	switch {
	case known == 0:
		return nil
	case m.Serial < known:
		return fmt.Errorf("the source offers an older publication (serial %d, built %s) than %s (serial %d): refused as a rollback; nothing was changed", m.Serial, orUnknown(m.Built), what, known)
	case m.Serial == known && len(current) > 0 && !bytes.Equal(data, current):
		return fmt.Errorf("the source's manifest has the serial of the copy's (%d) but other content: refused; nothing was changed", known)
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "at an unknown time"
	}
	return s
}

// quote shows a file name as written, with control characters escaped.
func quote(name string) string { return strconv.Quote(name) }

// intact reports whether every file of m is in dir with its size and hash.
func intact(dir string, m *manifest.Manifest) bool {
	for _, f := range m.Files {
		if !matches(filepath.Join(dir, filepath.FromSlash(f.Path)), f) {
			return false
		}
	}
	return true
}

// listed returns the files a manifest lists by path, with their hashes;
// none for a manifest that cannot be read.
func listed(data []byte) map[string]string {
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

// How place got a file.
const (
	reused  = iota // from an interrupted run or the copy, as the manifest has it
	fetched        // from the source
)

// place puts file f into the new copy: taken from an interrupted run's
// files or from the copy when its bytes are f's, else fetched from the
// source into the partial folder first (kept there when the run fails,
// for the next one). Every file is checked against f before it counts.
func place(ctx context.Context, src *manifest.Source, out *publish.Folder, partial, dir string, f manifest.File, opts Options) (int, error) {
	kept := filepath.Join(partial, filepath.FromSlash(f.Path))
	if matches(kept, f) {
		return reused, out.Adopt(f.Path, kept, f)
	}
	inCopy := filepath.Join(dir, filepath.FromSlash(f.Path))
	if matches(inCopy, f) {
		return reused, out.Adopt(f.Path, inCopy, f)
	}
	if err := os.MkdirAll(filepath.Dir(kept), 0o755); err != nil {
		return fetched, err
	}
	_, err := fetch(ctx, opts, func() ([]byte, error) { return nil, download(ctx, src, f, kept) })
	if err != nil {
		return fetched, err
	}
	return fetched, out.Adopt(f.Path, kept, f)
}

// download streams file f of the source to the file at to, reading no
// more than the manifest says it has, and keeps it only when it is f.
func download(ctx context.Context, src *manifest.Source, f manifest.File, to string) error {
	r, err := src.Open(ctx, f.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	tmp := to + ".part"
	w, err := os.Create(tmp)
	if err != nil {
		return err
	}
	n, err := io.Copy(w, io.LimitReader(r, f.Size+1))
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > f.Size {
		err = fmt.Errorf("larger than the manifest says (%d bytes); not read further", f.Size)
	}
	if err == nil && !matches(tmp, f) {
		err = errors.New("does not match the manifest (size or SHA-256)")
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, to)
}

// matches reports whether the file at p has f's size and hash.
func matches(p string, f manifest.File) bool {
	if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
		return false // a symbolic link is never the file
	}
	file, err := os.Open(p)
	if err != nil {
		return false
	}
	defer file.Close()
	if info, err := file.Stat(); err != nil || !info.Mode().IsRegular() || info.Size() != f.Size {
		return false
	}
	same, _ := f.Matches(file)
	return same
}

// fetch runs get until it succeeds, it fails with "not there", or
// opts.Attempts tries have failed, waiting a little longer after each.
func fetch(ctx context.Context, opts Options, get func() ([]byte, error)) ([]byte, error) {
	var last error
	for try := range opts.Attempts {
		if try > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(try*try) * 200 * time.Millisecond):
			}
		}
		data, err := get()
		if err == nil || errors.Is(err, fs.ErrNotExist) || ctx.Err() != nil {
			return data, err
		}
		last = err
	}
	return nil, last
}
