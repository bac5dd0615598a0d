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
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
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
	// Serial orders the signed publications of a site and only grows, so
	// that a mirror can refuse an older one (a rollback). Built is when the
	// site was built and Expires when a mirror must stop accepting it (a
	// source frozen in the past), both RFC 3339 in UTC. All three are set
	// in signed builds only: an unsigned build's bytes depend on its
	// content alone.
	Serial  int64  `json:"serial,omitempty"`
	Built   string `json:"built,omitempty"`
	Expires string `json:"expires,omitempty"`
	Files   []File `json:"files"`
}

// Expired reports whether the manifest has an expiry and now is past it.
func (m *Manifest) Expired(now time.Time) bool {
	t, err := time.Parse(time.RFC3339, m.Expires)
	return m.Expires != "" && (err != nil || now.After(t))
}

// Stamp dates a manifest about to be signed: Built is now (or
// SOURCE_DATE_EPOCH, for a reproducible build), Serial its Unix seconds
// but always more than previous (the serial of the publication it
// replaces), and Expires validFor later when validFor is not 0.
func (m *Manifest) Stamp(previous int64, validFor time.Duration) {
	now := time.Now()
	if epoch, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		now = time.Unix(epoch, 0)
	}
	now = now.UTC().Truncate(time.Second)
	m.Built, m.Serial = now.Format(time.RFC3339), max(now.Unix(), previous+1)
	if validFor > 0 {
		m.Expires = now.Add(validFor).Format(time.RFC3339)
	}
}

// ParseValidFor reads how long a signed site stays valid: a whole
// number followed by d (days), h (hours), m (minutes) or s (seconds),
// like 30d, 12h, 90m or 2s.
func ParseValidFor(s string) (time.Duration, error) {
	units := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}
	if len(s) < 2 {
		return 0, fmt.Errorf("%q: write a number and a unit, like 30d, 12h, 90m or 2s", s)
	}
	unit, ok := units[s[len(s)-1]]
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if !ok || err != nil || n <= 0 || n > int64(100*365*24*time.Hour/unit) {
		return 0, fmt.Errorf("%q: write a number and a unit, like 30d, 12h, 90m or 2s", s)
	}
	return time.Duration(n) * unit, nil
}

// Previous returns the serial of the manifest in folder dir, 0 when there
// is none.
func Previous(dir string) int64 {
	data, err := os.ReadFile(filepath.Join(dir, Name))
	if err != nil {
		return 0
	}
	m, err := Parse(data)
	if err != nil {
		return 0
	}
	return m.Serial
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
