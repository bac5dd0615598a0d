package anchors

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"ledenbrief/internal/diag"
)

// The lock file lists every anchor that has ever been published, one key
// per line, sorted, so that a change to it reads well in a diff:
//
//	21-082                          a letter page
//	21-082#brief-integriteit        an id on it
//	21-082/bijlage                  its annex page
//	21-082/bijlage#rechtspositie    an id on the annex
//	handreikingen/handreiking-x     a handreiking page
//
// Lines starting with "#" are comments; blank lines are ignored. Keys are
// added by every "ledenbrief build" of published content (as cargo build
// updates Cargo.lock; "build --locked" fails instead) and by "ledenbrief
// anchors lock", and never removed by the tool: a build fails when the
// content stops providing one of them.

// Key returns the lock key of id on the page in folder page ("21-082/bijlage/"),
// or of the page itself when id is "".
func Key(page, id string) string {
	k := strings.TrimSuffix(page, "/")
	if id != "" {
		k += "#" + id
	}
	return k
}

// SplitKey returns the page folder and id of a key.
func SplitKey(key string) (page, id string) {
	p, id, _ := strings.Cut(key, "#")
	return p + "/", id
}

var keyRE = regexp.MustCompile(`^[a-z0-9]+(?:[-/][a-z0-9]+)*(?:#[a-z0-9]+(?:-[a-z0-9]+)*)?$`)

// Lock is a parsed lock file.
type Lock struct {
	Src  *diag.Source   // nil for a site without a lock
	line map[string]int // key → byte offset of its line
	keys []string       // in file order
}

// ParseLock reads a lock file; src may be nil (no lock yet). Malformed
// lines are reported and skipped.
func ParseLock(src *diag.Source, diags *diag.List) *Lock {
	l := &Lock{Src: src, line: map[string]int{}}
	if src == nil {
		return l
	}
	off := 0
	for _, line := range bytes.SplitAfter(src.Text, []byte("\n")) {
		start := off
		off += len(line)
		key := string(bytes.TrimSpace(line))
		switch {
		case key == "" || strings.HasPrefix(key, "#"):
		case !keyRE.MatchString(key):
			diags.Add(src, start, diag.LockMalformed, key)
		case l.Has(key):
		default:
			l.line[key] = start
			l.keys = append(l.keys, key)
		}
	}
	return l
}

// Has reports whether key is locked.
func (l *Lock) Has(key string) bool {
	_, ok := l.line[key]
	return ok
}

// Len is the number of locked anchors.
func (l *Lock) Len() int { return len(l.keys) }

// Offset returns the offset of key's line in the lock file.
func (l *Lock) Offset(key string) int { return l.line[key] }

// Missing returns the locked keys that provided does not have, sorted.
func (l *Lock) Missing(provided func(key string) bool) []string {
	var out []string
	for _, k := range l.keys {
		if !provided(k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// lockHeader opens every lock file, so that a reader of the file knows
// what it is and how to change it.
const lockHeader = `# Every anchor ever published by this site: a page, or a page and an id.
# Kept by "ledenbrief build" (and "ledenbrief anchors lock"), which adds
# the anchors of the published content and never removes one; "build
# --locked" fails instead of adding. A build fails when the content no
# longer provides an anchor listed here: restore it, or keep the old id
# alive as an alias ({#new-id alias="old-id"} on a heading, "aliases:" in
# front matter). Review changes to this file like code.
`

// Unlocked returns the keys that the lock does not list yet, in order.
func (l *Lock) Unlocked(keys []string) []string {
	var out []string
	for _, k := range keys {
		if !l.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

// WriteMerged writes the lock file at file with keys added, replacing
// it through a temporary file so that an interrupted write never leaves
// half a lock, and returns how many keys were new. Nothing is written
// when none are.
func (l *Lock) WriteMerged(file string, keys []string) (added int, err error) {
	data, added := l.Merge(keys)
	if added == 0 {
		return 0, nil
	}
	return added, writeAtomic(file, data)
}

// writeAtomic replaces a file with data through a temporary file beside it.
func writeAtomic(file string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), file)
}

// Merge returns the lock file with keys added, and how many were new.
func (l *Lock) Merge(keys []string) (file []byte, added int) {
	all := append(slices.Clone(l.keys), keys...)
	slices.Sort(all)
	all = slices.Compact(all)
	added = len(all) - len(l.keys)
	var b bytes.Buffer
	b.WriteString(lockHeader)
	for _, k := range all {
		b.WriteString(k)
		b.WriteByte('\n')
	}
	return b.Bytes(), added
}
