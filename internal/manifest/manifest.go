// Package manifest describes a built site so that a copy of it can be
// trusted: manifest.json lists every file with its size and SHA-256, the
// letters with their numbers, editions and dates, and the version of
// ledenbrief that built it; manifest.sig is an Ed25519 signature of
// manifest.json. The package reads and writes keys, signs, and verifies a
// copy of a site in a folder, a zip or at a URL. It does not build sites.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
)

// Name and SigName are the manifest's and its signature's paths in a site.
const (
	Name    = "manifest.json"
	SigName = "manifest.sig"
)

// Manifest is what manifest.json holds.
type Manifest struct {
	Generator string   `json:"generator"`
	Version   string   `json:"version"`
	Letters   []Letter `json:"letters"`
	// Drafts are the concept letters of a build with --drafts: such a
	// copy is a preview, never a publication (build --sign refuses it,
	// mirror refuses to copy it).
	Drafts []Letter `json:"drafts,omitempty"`
	Files  []File   `json:"files"`
}

// Letter is one published letter.
type Letter struct {
	Number  string `json:"number"` // "Lbr. 21/082"
	Path    string `json:"path"`   // its folder in the site, "21-082/"
	Series  string `json:"series,omitempty"`
	Edition int    `json:"edition,omitempty"` // 1 for the first of a series
	Date    string `json:"date"`              // YYYY-MM-DD
}

// File is one file of a site.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the site root
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lowercase hex
}

// Matches reads r to the end and reports whether it holds the file f
// lists: the same size and SHA-256.
func (f File) Matches(r io.Reader) (bool, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return false, err
	}
	return n == f.Size && hex.EncodeToString(h.Sum(nil)) == f.SHA256, nil
}

// Marshal returns the manifest as manifest.json holds it: files sorted by
// path, letters by path, indented, ending in a newline. The same site
// always gives the same bytes.
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Files = slices.Clone(m.Files)
	slices.SortFunc(c.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	c.Letters = slices.Clone(m.Letters)
	slices.SortFunc(c.Letters, func(a, b Letter) int { return strings.Compare(a.Path, b.Path) })
	c.Drafts = slices.Clone(m.Drafts)
	slices.SortFunc(c.Drafts, func(a, b Letter) int { return strings.Compare(a.Path, b.Path) })
	if c.Letters == nil {
		c.Letters = []Letter{}
	}
	if c.Files == nil {
		c.Files = []File{}
	}
	data, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Parse reads manifest.json.
func Parse(data []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	if m.Generator != "ledenbrief" {
		return nil, fmt.Errorf("%s: not written by ledenbrief (generator %q)", Name, m.Generator)
	}
	for _, f := range m.Files {
		if !validPath(f.Path) || len(f.SHA256) != 64 || f.Size < 0 {
			return nil, fmt.Errorf("%s: bad entry %q", Name, f.Path)
		}
	}
	return &m, nil
}

// validPath reports whether p is a clean relative slash path inside the
// site: a manifest from elsewhere must not name files outside it.
func validPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

// buildVersion and buildCommit are set by make (go build -ldflags "-X
// ledenbrief/internal/manifest.buildVersion=… -X …buildCommit=…").
var buildVersion, buildCommit string

// Version is the version of this ledenbrief: as make set it (git describe),
// else its module version, else the commit it was built from (with
// "+dirty" for uncommitted changes), else "devel".
func Version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	if c := Commit(); c != "" {
		return c[:min(12, len(c))] + dirtySuffix()
	}
	return "devel"
}

// Commit is the commit this ledenbrief was built from, or "" when unknown.
func Commit() string {
	if buildCommit != "" {
		return buildCommit
	}
	return vcsSetting("vcs.revision")
}

func dirtySuffix() string {
	if buildCommit == "" && vcsSetting("vcs.modified") == "true" {
		return "+dirty"
	}
	return ""
}

func vcsSetting(key string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
