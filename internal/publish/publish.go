// Package publish owns the output folder of a build: it writes the new
// site into a temporary folder beside the target, records every file it
// wrote in manifest.json (see package manifest), and swaps the new site in
// with one atomic exchange, so that a reader sees the old or the new
// complete site and never a missing or mixed one.
//
// The output folder is owned, not assumed: files a previous build did not
// write (they are not in its manifest.json, or there is none) are kept in
// the new site, and a build that would write a file of the same name stops
// and says so; Clean replaces everything instead. A folder that is a mount point is published into file by
// file (see Commit). Temporary folders of builds that were killed are
// removed by the next build, which can prove they are leftovers: each
// is named with the process id of the build that made it.
package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ledenbrief/internal/manifest"
)

// Folder is the output of one build. A Folder made by Discard counts what
// would be written and writes nothing.
type Folder struct {
	target string          // absolute
	dir    string          // the temporary folder; "" for Discard
	old    map[string]bool // what the previous build wrote, by its manifest
	legacy bool            // the target was built by a ledenbrief without manifests: what looks like its output is ours
	clean  bool            // replace everything in the target
	into   bool            // the target is a mount point: publish into it
	mirror bool            // a copy of a site made by package mirror, never with --clean

	// lendable is what the previous build wrote, by its manifest, and
	// lendTime when that manifest was written: a file of it that is still
	// as that build left it goes into the new site linked (see Lend).
	lendable map[string]manifest.File
	lendTime time.Time

	mu      sync.Mutex
	written map[string]manifest.File
	kept    map[string][]byte // the files' contents, for a Folder made by Memory
	lent    map[string]bool   // the files Lend linked: never written through
	made    sync.Map          // the folders made in dir so far: path → true
	files   atomic.Int64
	bytes   atomic.Int64
	done    bool

	removing chan struct{} // closed once the old site is removed; nil: none is
}

// Discard returns a Folder that writes nothing, for checking content.
func Discard() *Folder { return &Folder{written: map[string]manifest.File{}} }

// Memory returns a Folder that keeps what is written in memory, for a
// build that changes only some files of a site (see Kept).
func Memory() *Folder {
	return &Folder{written: map[string]manifest.File{}, kept: map[string][]byte{}}
}

// Kept returns the files a Folder made by Memory holds, by path.
func (f *Folder) Kept() map[string][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.kept
}

// Open prepares to publish into target. It refuses a target that holds
// the content folder, and removes leftovers of earlier builds that were
// killed.
func Open(target, contentDir string, clean bool) (*Folder, error) {
	if target == "" {
		return nil, errors.New("no output folder given")
	}
	absT, err1 := filepath.Abs(target)
	absC, err2 := filepath.Abs(contentDir)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	if contentDir != "" && (absT == absC || strings.HasPrefix(absC+string(filepath.Separator), absT+string(filepath.Separator))) {
		return nil, fmt.Errorf("output folder %s would replace the content folder %s", target, contentDir)
	}
	f := &Folder{target: absT, clean: clean, written: map[string]manifest.File{}}
	if err := f.readOld(target); err != nil {
		return nil, err
	}
	parent := filepath.Dir(absT)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if f.into = mountPoint(absT); f.into {
		parent = absT // a mount point cannot be renamed: build inside it
	}
	removeLeftovers(parent, filepath.Base(absT))
	dir, err := os.MkdirTemp(parent, tempPrefix(absT))
	if err != nil {
		return nil, err
	}
	f.dir = dir
	if err := os.Chmod(dir, 0o755); err != nil {
		f.Abandon()
		return nil, err
	}
	return f, nil
}

// OpenMirror prepares to publish a copy of a site into target (see
// package mirror): like Open, files in target that no copy of ours wrote
// are kept, and a copy that would replace one stops.
func OpenMirror(target string) (*Folder, error) {
	f, err := Open(target, "", false)
	if err != nil {
		return nil, err
	}
	f.mirror = true
	return f, nil
}

// Adopt puts an existing file, from, into the folder at the slash path
// name: linked where the file system allows it, else copied. The file
// must be the one file describes; one that is not (it changed since it
// was checked) is an error and nothing is recorded.
func (f *Folder) Adopt(name, from string, file manifest.File) error {
	if f.dir == "" {
		return fmt.Errorf("publish: %s: nothing is written when checking", name)
	}
	to := join(f.dir, name)
	if err := f.folderOf(to); err != nil {
		return err
	}
	_ = os.Remove(to)
	if err := os.Link(from, to); err != nil {
		if err := copyFile(from, to); err != nil {
			return err
		}
	}
	in, err := os.Open(to)
	if err != nil {
		return err
	}
	same, err := file.Matches(in)
	in.Close()
	if err != nil || !same {
		_ = os.Remove(to)
		return fmt.Errorf("%s changed while it was copied", name)
	}
	f.record(file)
	return nil
}

// readOld learns which files of the target the previous build wrote.
func (f *Folder) readOld(target string) error {
	entries, err := os.ReadDir(target)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(target, manifest.Name))
	if errors.Is(err, fs.ErrNotExist) {
		if f.clean {
			return nil
		}
		if oldBuild(target) {
			f.legacy = true
			return nil
		}
		f.old = map[string]bool{} // no build of ours wrote any of it: all of it is kept
		return nil
	}
	if err != nil {
		return err
	}
	var m manifest.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(target, manifest.Name), err)
	}
	f.old = map[string]bool{manifest.Name: true, manifest.SigName: true}
	for _, file := range m.Files {
		f.old[file.Path] = true
	}
	if info, err := os.Stat(filepath.Join(target, manifest.Name)); err == nil && !f.clean {
		f.lendable = make(map[string]manifest.File, len(m.Files))
		for _, file := range m.Files {
			f.lendable[file.Path] = file
		}
		f.lendTime = info.ModTime()
	}
	return nil
}

// Lend puts the previous build's file at the slash path name into the
// new site, as a hard link, when that build wrote the same bytes there
// (size and SHA-256 by its manifest) and the file is still as it left
// it: a regular file of that size, not changed after the manifest was
// written (the quick check of make and rsync: a file edited by hand is
// newer). It reports whether it did; the caller then writes the file
// itself. An unchanged file so costs the build no bytes, keeps its time
// (a server's Last-Modified stays true), and the old site is never
// written through: a file written again after it was lent is replaced,
// not changed in place. A folder that writes nothing (Discard) counts
// the file as written, without its bytes, and reports true: a check
// neither reads nor writes what it would only drop.
func (f *Folder) Lend(name string, sum [32]byte, size int64) bool {
	file := manifest.File{Path: name, Size: size, SHA256: hex.EncodeToString(sum[:])}
	if f.dir == "" && f.kept == nil {
		f.record(file)
		return true
	}
	if f.dir == "" || f.kept != nil || f.mirror || f.lendable == nil {
		return false
	}
	if old, ok := f.lendable[name]; !ok || old != file {
		return false
	}
	from := join(f.target, name)
	info, err := os.Lstat(from)
	if err != nil || !info.Mode().IsRegular() || info.Size() != size || info.ModTime().After(f.lendTime) {
		return false
	}
	to := join(f.dir, name)
	if err := f.folderOf(to); err != nil {
		return false
	}
	if f.recorded(name) {
		_ = os.Remove(to) // written before in this build
	}
	if os.Link(from, to) != nil {
		return false
	}
	f.mu.Lock()
	if f.lent == nil {
		f.lent = map[string]bool{}
	}
	f.lent[name] = true
	f.mu.Unlock()
	f.record(file)
	return true
}

// unlend removes the link Lend made at name, at p in the new site, so
// that writing the file there does not change the previous site's.
func (f *Folder) unlend(name, p string) {
	f.mu.Lock()
	lent := f.lent[name]
	delete(f.lent, name)
	f.mu.Unlock()
	if lent {
		_ = os.Remove(p)
	}
}

// WriteFile writes one output file at a slash-separated path.
// Writing a file again replaces it.
func (f *Folder) WriteFile(name string, data []byte) error {
	return f.WriteFileSum(name, data, sha256.Sum256(data))
}

// WriteFileSum is WriteFile of data whose SHA-256 is known to be sum (a
// file of the build cache, which checked it). A file the previous build
// wrote with the same bytes is lent (see Lend) instead.
func (f *Folder) WriteFileSum(name string, data []byte, sum [32]byte) error {
	if f.Lend(name, sum, int64(len(data))) {
		return nil
	}
	f.record(manifest.File{Path: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	if f.kept != nil {
		f.mu.Lock()
		f.kept[name] = bytes.Clone(data) // the caller may reuse data
		f.mu.Unlock()
		return nil
	}
	if f.dir == "" {
		return nil
	}
	p := filepath.Join(f.dir, filepath.FromSlash(name))
	if err := f.folderOf(p); err != nil {
		return err
	}
	f.unlend(name, p)
	return os.WriteFile(p, data, 0o644)
}

// Dir is the folder the site is written to before it is published, ""
// when nothing is written.
func (f *Folder) Dir() string { return f.dir }

// ReadFile reads back a file written to the folder.
func (f *Folder) ReadFile(name string) ([]byte, error) {
	if f.dir == "" {
		return nil, fmt.Errorf("publish: %s: nothing is written when checking", name)
	}
	return os.ReadFile(join(f.dir, name))
}

// Create returns a writer for a new output file at a slash-separated
// path, for files too large to hold in memory; it is recorded, with its
// size and hash, when closed.
func (f *Folder) Create(name string) (io.WriteCloser, error) {
	if f.dir == "" {
		return &hashingFile{f: f, name: name, h: sha256.New()}, nil
	}
	p := join(f.dir, name)
	if err := f.folderOf(p); err != nil {
		return nil, err
	}
	f.unlend(name, p)
	file, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	return &hashingFile{f: f, name: name, h: sha256.New(), file: file}, nil
}

// hashingFile is a file being written through Create.
type hashingFile struct {
	f    *Folder
	name string
	h    hash.Hash
	n    int64
	file *os.File // nil when nothing is written
}

func (w *hashingFile) Write(p []byte) (int, error) {
	w.h.Write(p)
	w.n += int64(len(p))
	if w.file == nil {
		return len(p), nil
	}
	return w.file.Write(p)
}

func (w *hashingFile) Close() error {
	if w.file != nil {
		if err := w.file.Close(); err != nil {
			return err
		}
	}
	w.f.record(manifest.File{Path: w.name, Size: w.n, SHA256: hex.EncodeToString(w.h.Sum(nil))})
	return nil
}

// record notes a file written, counting a file written again once.
func (f *Folder) record(file manifest.File) {
	f.mu.Lock()
	old, again := f.written[file.Path]
	f.written[file.Path] = file
	f.mu.Unlock()
	if again {
		f.bytes.Add(file.Size - old.Size)
		return
	}
	f.files.Add(1)
	f.bytes.Add(file.Size)
}

// recorded reports whether a file was written (or lent) at name in this
// build.
func (f *Folder) recorded(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.written[name]
	return ok
}

// folderOf makes the folder of the file at p, once per build: a site's
// tens of thousands of files are in a few thousand folders.
func (f *Folder) folderOf(p string) error {
	dir := filepath.Dir(p)
	if _, ok := f.made.Load(dir); ok {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f.made.Store(dir, true)
	return nil
}

// Files and Bytes count what was written.
func (f *Folder) Files() int   { return int(f.files.Load()) }
func (f *Folder) Bytes() int64 { return f.bytes.Load() }

// Written returns the files written so far, sorted by path.
func (f *Folder) Written() []manifest.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	files := make([]manifest.File, 0, len(f.written))
	for _, file := range f.written {
		files = append(files, file)
	}
	slices.SortFunc(files, func(a, b manifest.File) int { return strings.Compare(a.Path, b.Path) })
	return files
}

// Abandon removes the temporary folder of a build that did not commit;
// of one that did, it waits until the old site is removed.
func (f *Folder) Abandon() {
	if f.removing != nil {
		<-f.removing
	}
	if !f.done && f.dir != "" {
		_ = os.RemoveAll(f.dir)
	}
}

// oldBuild reports whether a folder without a manifest was built by an
// earlier ledenbrief, which wrote no manifest: it has the files every
// build writes.
func oldBuild(dir string) bool {
	for _, name := range []string{"index.html", "feed.xml", "sitemap.xml", "search/meta.js"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return false
		}
	}
	return true
}

// tempPrefix starts the name of every temporary folder of a build into
// target: the new site while it is built, the old one after the exchange.
// It names the process, so that a later build can prove the folder a
// leftover of a build that was killed.
func tempPrefix(target string) string {
	return "." + filepath.Base(target) + ".tmp-" + strconv.Itoa(os.Getpid()) + "-"
}

// removeLeftovers removes the temporary folders beside the target that
// builds left when they were killed: those whose name carries the id of a
// process that no longer runs. Anything else is left alone.
func removeLeftovers(parent, base string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, "."+base+".tmp-*"))
	for _, d := range dirs {
		pid, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), "."+base+".tmp-"), "-")
		if n, err := strconv.Atoi(pid); err == nil && !running(n) {
			_ = os.RemoveAll(d)
		}
	}
}

// join makes a slash path into a path under dir.
func join(dir, name string) string { return filepath.Join(dir, filepath.FromSlash(path.Clean(name))) }
