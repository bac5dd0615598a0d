package publish

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"

	"ledenbrief/internal/manifest"
)

// Update makes the folder dir, which held the files last, hold files
// instead, in place: for a preview that is read while it changes. Each
// file whose bytes changed is written from written in one rename, files
// no longer in the site are removed (and folders they leave empty), and
// the manifest m is written last with files. A reader sees every file old
// or new, never half written; unlike Commit, not the whole site at once.
func Update(dir string, last, files map[string]manifest.File, written map[string][]byte, m manifest.Manifest) error {
	for _, name := range slices.Sorted(maps.Keys(written)) {
		if old, ok := last[name]; ok && old.SHA256 == files[name].SHA256 {
			continue
		}
		if err := writeAtomic(dir, name, written[name]); err != nil {
			return err
		}
	}
	for name := range last {
		if _, ok := files[name]; !ok {
			if err := removeFile(dir, name); err != nil {
				return err
			}
		}
	}
	m.Generator, m.Files = "ledenbrief", nil
	for _, name := range slices.Sorted(maps.Keys(files)) {
		m.Files = append(m.Files, files[name])
	}
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	return writeAtomic(dir, manifest.Name, data)
}

// writeAtomic writes a file of the folder through a temporary file
// beside it, so that a reader sees the old or the new file.
func writeAtomic(dir, name string, data []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".ledenbrief-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// removeFile removes a file of the folder, and its folders as they
// become empty.
func removeFile(dir, name string) error {
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) != nil {
			break // not empty
		}
	}
	return nil
}
