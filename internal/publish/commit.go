package publish

import (
	"cmp"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/manifest"
	"ledenbrief/internal/pool"
)

// testHook, when set by a test, is called at each step of Commit, so that
// a test can kill the process between them.
var testHook func(step string)

func step(name string) {
	if testHook != nil {
		testHook(name)
	}
}

// Commit finishes the build: it writes manifest.json (m, with the files
// written and the generator filled in) and, with a key, its signature
// manifest.sig; it carries the files
// of the target that no build of ours wrote over into the new site, and
// puts the new site in place of the old with one atomic exchange of the
// two folders, then removes the old one. Where the system cannot exchange
// folders, the old one is moved aside first (a moment without a site).
// When the target is a mount point, which cannot be renamed, the entries
// at its top are exchanged one by one instead.
func (f *Folder) Commit(m manifest.Manifest, key ed25519.PrivateKey) error {
	if f.dir == "" {
		return nil
	}
	m.Generator, m.Files = "ledenbrief", f.Written()
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	var sig []byte
	if key != nil {
		sig = manifest.Sign(key, data)
	}
	return f.CommitManifest(data, sig)
}

// CommitManifest finishes the folder as Commit does, with a manifest and
// signature (nil for none) given as they are: those of the site a mirror
// copies, which must stay byte for byte what was signed.
func (f *Folder) CommitManifest(data, sig []byte) error {
	if f.dir == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(f.dir, manifest.Name), data, 0o644); err != nil {
		return err
	}
	if sig != nil {
		if err := os.WriteFile(filepath.Join(f.dir, manifest.SigName), sig, 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Lstat(f.target); !errors.Is(err, fs.ErrNotExist) {
		if err := f.keepForeign(); err != nil {
			return err
		}
		step("kept")
		if f.into {
			return f.commitInto()
		}
	}
	old, err := swap(f.dir, f.target)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	f.done = true
	if old != "" {
		f.removeOld(old)
	}
	return nil
}

// removeOld removes the old site, which the exchange left at old, in the
// background, its entries on every CPU, the largest first (by the files
// its build wrote under them): the new site is published, and Abandon
// waits for the old one to go. What cannot be removed is a leftover the
// next build removes (its name carries this process's id).
func (f *Folder) removeOld(old string) {
	count := map[string]int{}
	for name := range f.old {
		top, _, _ := strings.Cut(name, "/")
		count[top]++
	}
	f.removing = make(chan struct{})
	go func() {
		defer close(f.removing)
		entries, _ := os.ReadDir(old)
		slices.SortStableFunc(entries, func(a, b fs.DirEntry) int { return cmp.Compare(count[b.Name()], count[a.Name()]) })
		pool.Each(entries, 0, func(_ int, e fs.DirEntry) error {
			_ = os.RemoveAll(filepath.Join(old, e.Name()))
			return nil
		})
		_ = os.RemoveAll(old)
	}()
}

// commitInto publishes into a target that cannot be renamed (a mount
// point): every entry at the top of the new site is exchanged with the
// entry of the same name, or moved in; entries the previous build wrote
// and this one did not are removed. Foreign entries at the top stay where
// they are. A reader may see old and new entries side by side for as long
// as the exchanges take.
func (f *Folder) commitInto() error {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return err
	}
	trash, err := os.MkdirTemp(f.target, tempPrefix(f.target))
	if err != nil {
		return err
	}
	defer os.RemoveAll(trash)
	for _, e := range entries {
		from, to := filepath.Join(f.dir, e.Name()), filepath.Join(f.target, e.Name())
		if _, err := os.Lstat(to); err == nil {
			if err := exchange(from, to); err == nil {
				continue
			}
			if err := os.Rename(to, filepath.Join(trash, e.Name())); err != nil {
				return fmt.Errorf("publish: %w", err)
			}
		}
		if err := os.Rename(from, to); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	f.done = true
	stale := map[string]bool{} // entries at the top that are ours and no longer written
	for name := range f.old {
		top, _, _ := strings.Cut(name, "/")
		stale[top] = true
	}
	if f.clean || f.legacy { // everything at the top is ours to replace (legacy: what looks like ours)
		all, _ := os.ReadDir(f.target)
		for _, e := range all {
			name := e.Name()
			if e.IsDir() {
				name += "/"
			}
			stale[e.Name()] = !strings.HasPrefix(e.Name(), "."+filepath.Base(f.target)+".tmp-") && (f.clean || legacyOurs(name))
		}
	}
	for top, ok := range stale {
		if _, err := os.Lstat(filepath.Join(f.dir, top)); ok && errors.Is(err, fs.ErrNotExist) {
			_ = os.RemoveAll(filepath.Join(f.target, top))
		}
	}
	return os.RemoveAll(f.dir)
}

// keepForeign links (or copies) every file of the target that the
// previous build did not write into the new site, at the same path. A
// foreign file where the new site has a file of its own is an error: the
// build would otherwise have to choose which to lose.
func (f *Folder) keepForeign() error {
	if f.clean {
		return nil // everything in the target is to be replaced
	}
	tmpPrefix := "." + filepath.Base(f.target) + ".tmp-"
	// One walk finds the files and the empty folders, which are kept
	// too: a folder someone made is theirs.
	var names []string
	var folders []string       // in the order walked
	holds := map[string]bool{} // folders with something in them
	err := filepath.WalkDir(f.target, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == f.target {
			return err
		}
		holds[filepath.Dir(p)] = true
		rel, _ := filepath.Rel(f.target, p)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() {
			names = append(names, rel)
			return nil
		}
		if top, _, _ := strings.Cut(rel, "/"); strings.HasPrefix(top, tmpPrefix) {
			return filepath.SkipDir
		}
		folders = append(folders, p)
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range folders {
		if !holds[p] {
			rel, _ := filepath.Rel(f.target, p)
			if err := os.MkdirAll(filepath.Join(f.dir, rel), 0o755); err != nil {
				return err
			}
		}
	}
	for _, name := range names {
		top, _, _ := strings.Cut(name, "/")
		if f.old[name] || (f.legacy && legacyOurs(name)) || strings.HasPrefix(top, tmpPrefix) {
			continue
		}
		dst := join(f.dir, name)
		if _, err := os.Lstat(dst); err == nil {
			if f.mirror {
				return fmt.Errorf("refusing to mirror into %s: it holds %s, which no copy of this site wrote and the site now has a file of that name; move it away", f.target, name)
			}
			return fmt.Errorf("refusing to publish into %s: it holds %s, which ledenbrief did not write and now would replace; move it away, or use --clean to replace everything in the folder", f.target, name)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Link(join(f.target, name), dst); err != nil {
			if err := copyFile(join(f.target, name), dst); err != nil {
				return fmt.Errorf("publish: keep %s: %w", name, err)
			}
		}
	}
	return nil
}

// legacyRE matches the paths a ledenbrief without manifests wrote: the
// site's own folders and files at the top of the output.
var legacyRE = regexp.MustCompile(`^(` + letternumber.FolderPattern + `|assets|search|handreikingen|afkortingen|zoeken|media|reeks|archief)/|^(index\.html|feed\.xml|sitemap(-\d+)?\.xml)$`)

// legacyOurs reports whether a file of an output built before manifests
// existed is one that ledenbrief wrote; anything else there is kept.
func legacyOurs(name string) bool { return legacyRE.MatchString(name) }

func copyFile(from, to string) error {
	info, err := os.Lstat(from)
	if err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		link, err := os.Readlink(from)
		if err != nil {
			return err
		}
		return os.Symlink(link, to)
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// swap puts the folder dir in place of target, both on the same file
// system: with one atomic exchange where the system allows it (else the
// old folder is moved aside first, a moment without one). A target that
// does not exist yet is simply renamed to. It returns where the old
// target is now ("" when there was none), for the caller to remove.
func swap(dir, target string) (old string, err error) {
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		step("rename")
		return "", os.Rename(dir, target)
	}
	err = exchange(dir, target)
	if errors.Is(err, errNoExchange) {
		old := dir + ".old"
		if err := os.Rename(target, old); err != nil {
			return "", err
		}
		step("moved-aside")
		if err := os.Rename(dir, target); err != nil {
			_ = os.Rename(old, target)
			return "", err
		}
		return old, nil
	}
	if err != nil {
		return "", err
	}
	step("exchanged")
	return dir, nil // now the old folder
}
