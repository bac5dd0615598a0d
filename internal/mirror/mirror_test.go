package mirror

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"ledenbrief/internal/manifest"
)

// writeSite writes files and their signed manifest into dir, replacing
// what was there.
func writeSite(t *testing.T, dir string, files map[string]string, key ed25519.PrivateKey, edits ...func(*manifest.Manifest)) {
	t.Helper()
	os.RemoveAll(dir)
	m := manifest.Manifest{Generator: "ledenbrief", Version: "test"}
	for _, edit := range edits {
		edit(&m)
	}
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(data))
		m.Files = append(m.Files, manifest.File{Path: p, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	}
	data, _ := m.Marshal()
	os.WriteFile(filepath.Join(dir, manifest.Name), data, 0o644)
	os.WriteFile(filepath.Join(dir, manifest.SigName), manifest.Sign(key, data), 0o644)
}

func siteFiles(n int, changed int) map[string]string {
	files := map[string]string{"index.html": "<p>home</p>", "search/meta.js": "LB.meta(\"x\");"}
	for i := range n {
		text := fmt.Sprintf("<p>brief %d</p>", i)
		if i == changed {
			text += " gewijzigd"
		}
		files[fmt.Sprintf("21-%03d/index.html", i)] = text
	}
	return files
}

// server serves dir under /griffie/ and counts the requests per path;
// fail, when set, answers a request with a broken connection.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests map[string]int
	fail     atomic.Value // func(path string) bool
}

func serve(t *testing.T, dir string) *server {
	s := &server{requests: map[string]int{}}
	s.fail.Store(func(string) bool { return false })
	// A plain static server, as on an intranet: a path is a file or 404.
	files := http.StripPrefix("/griffie/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.URL.Path]++
		s.mu.Unlock()
		if s.fail.Load().(func(string) bool)(r.URL.Path) {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.requests
	s.requests = map[string]int{}
	return r
}

// fixture writes files as a site signed with a new key, serves it, and
// returns the key pair, the site's folder, the folder to mirror it into
// and the server.
func fixture(t *testing.T, files map[string]string) (ed25519.PublicKey, ed25519.PrivateKey, string, string, *server) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	root := t.TempDir()
	site := filepath.Join(root, "site")
	writeSite(t, site, files, priv)
	return pub, priv, site, filepath.Join(root, "spiegel"), serve(t, site)
}

func run(t *testing.T, s *server, target string, key ed25519.PublicKey) (*Result, error) {
	t.Helper()
	src, err := manifest.Open(s.URL + "/griffie/")
	if err != nil {
		t.Fatal(err)
	}
	return Run(context.Background(), src, target, Options{Key: key, Attempts: 2})
}

func TestMirrorFetchesOnlyWhatChanged(t *testing.T) {
	pub, priv, site, target, s := fixture(t, siteFiles(30, -1))

	res, err := run(t, s, target, pub)
	if err != nil || !res.Changed || res.Fetched != 32 || res.Signature != "valid" {
		t.Fatalf("first mirror: %+v %v", res, err)
	}
	s.take()
	if src, _ := manifest.Open(target); src != nil {
		if rep, err := manifest.Verify(context.Background(), src, pub); err != nil || !rep.OK() {
			t.Errorf("the mirror does not verify: %+v %v", rep, err)
		}
	}

	// Unchanged: only the manifest and its signature are fetched.
	res, err = run(t, s, target, pub)
	if req := s.take(); err != nil || res.Changed || len(req) != 2 {
		t.Errorf("unchanged site: %+v %v, requests %v", res, err, req)
	}

	// One letter changed: only it is fetched.
	writeSite(t, site, siteFiles(30, 7), priv)
	res, err = run(t, s, target, pub)
	req := s.take()
	if err != nil || !res.Changed || res.Fetched != 1 || res.Reused != 31 || req["/griffie/21-007/index.html"] != 1 || len(req) != 3 {
		t.Errorf("one letter changed: %+v %v, requests %v", res, err, req)
	}
	if data, _ := os.ReadFile(filepath.Join(target, "21-007", "index.html")); !strings.Contains(string(data), "gewijzigd") {
		t.Errorf("the mirror has %q", data)
	}
}

func TestMirrorKeepsTheOldCopyWhenTheServerDiesAndResumes(t *testing.T) {
	pub, priv, site, target, s := fixture(t, siteFiles(20, -1))
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(target, manifest.Name))

	// A new edition of every letter; the server dies for half of them.
	files := siteFiles(20, -1)
	for p := range files {
		files[p] += " (nieuw)"
	}
	writeSite(t, site, files, priv)
	s.fail.Store(func(p string) bool { return strings.HasPrefix(p, "/griffie/21-01") })
	res, err := run(t, s, target, pub)
	if err == nil || res.Changed || len(res.Problems) != 10 {
		t.Fatalf("half-way failure: %+v %v", res, err)
	}
	if after, _ := os.ReadFile(filepath.Join(target, manifest.Name)); string(after) != string(before) {
		t.Error("the old mirror was changed by a failed run")
	}
	if data, _ := os.ReadFile(filepath.Join(target, "21-003", "index.html")); strings.Contains(string(data), "nieuw") {
		t.Error("a new file is visible before the run completed")
	}

	// The server is back: the re-run fetches only what it lacked.
	s.fail.Store(func(string) bool { return false })
	s.take()
	res, err = run(t, s, target, pub)
	if err != nil || !res.Changed || res.Fetched != 10 {
		t.Errorf("re-run: %+v %v", res, err)
	}
	if data, _ := os.ReadFile(filepath.Join(target, "21-013", "index.html")); !strings.Contains(string(data), "nieuw") {
		t.Errorf("after the re-run the mirror has %q", data)
	}
}

func TestMirrorRefusesTamperedFilesAndBadSignatures(t *testing.T) {
	pub, priv, site, target, s := fixture(t, siteFiles(5, -1))
	os.WriteFile(filepath.Join(site, "21-002", "index.html"), []byte("<p>vervalst</p>"), 0o644)
	res, err := run(t, s, target, pub)
	if err == nil || len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0], "21-002/index.html: ") || !strings.Contains(res.Problems[0], "the manifest") {
		t.Errorf("tampered file: %+v %v", res, err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("a mirror was made from a tampered site")
	}

	other, _, _ := ed25519.GenerateKey(rand.Reader)
	writeSite(t, site, siteFiles(5, -1), priv)
	if _, err := run(t, s, target, other); err == nil || !strings.Contains(err.Error(), "not signed by the trusted key") {
		t.Errorf("another key: %v", err)
	}
}
