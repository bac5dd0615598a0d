package mirror

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"ledenbrief/internal/manifest"
)

// TestForeignFilesAreNeverLost holds that a mirror owns only what it
// wrote: a web root's robots.txt and .well-known/ stay through every
// run; a folder that holds something else is refused, naming what is
// there, unless --force, which keeps those files too; a file is refused
// as a folder.
func TestForeignFilesAreNeverLost(t *testing.T) {
	pub, priv, site, target, s := fixture(t, siteFiles(3, -1))
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(target, "robots.txt"), []byte("User-agent: *\n"), 0o644)
	os.MkdirAll(filepath.Join(target, ".well-known"), 0o755)
	os.WriteFile(filepath.Join(target, ".well-known", "security.txt"), []byte("Contact: griffie\n"), 0o644)
	writeSite(t, site, siteFiles(3, 1), priv)
	if res, err := run(t, s, target, pub); err != nil || !res.Changed {
		t.Fatalf("second run: %+v %v", res, err)
	}
	for _, f := range []string{"robots.txt", ".well-known/security.txt"} {
		if _, err := os.Stat(filepath.Join(target, f)); err != nil {
			t.Errorf("the mirror lost %s: %v", f, err)
		}
	}

	webroot := filepath.Join(t.TempDir(), "www")
	os.MkdirAll(filepath.Join(webroot, "intranet"), 0o755)
	os.WriteFile(filepath.Join(webroot, "index.php"), []byte("<?php"), 0o644)
	_, err := run(t, s, webroot, pub)
	if err == nil || !strings.Contains(err.Error(), `"index.php"`) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a web root of something else: %v", err)
	}
	if entries, _ := os.ReadDir(webroot); len(entries) != 2 {
		t.Errorf("a refused run changed the folder: %v", entries)
	}
	src, _ := manifest.Open(s.URL + "/griffie/")
	if _, err := Run(context.Background(), src, webroot, Options{Key: pub, Force: true}); err != nil {
		t.Fatalf("--force: %v", err)
	}
	for _, f := range []string{"index.php", "intranet", "index.html", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(webroot, f)); err != nil {
			t.Errorf("with --force, %s is missing: %v", f, err)
		}
	}

	file := filepath.Join(t.TempDir(), "bestand")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := run(t, s, file, pub); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a file as DIR: %v", err)
	}
}

// TestOneRunAtATime holds that overlapping runs on one copy never mix:
// a run that finds another one busy waits for it (--wait) or stops with
// ErrBusy; pairs started together leave the copy equal to its manifest.
func TestOneRunAtATime(t *testing.T) {
	pub, priv, site, target, s := fixture(t, siteFiles(40, -1))
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatal(err)
	}
	unlock, err := lock(target, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, s, target, pub); !errors.Is(err, ErrBusy) {
		t.Errorf("a run while another holds the copy: %v, want ErrBusy", err)
	}
	unlock()
	for round := range 5 {
		writeSite(t, site, siteFiles(40, round), priv)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				src, _ := manifest.Open(s.URL + "/griffie/")
				_, errs[i] = Run(context.Background(), src, target, Options{Key: pub, Wait: time.Minute})
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v", round, errs)
		}
		data, _ := os.ReadFile(filepath.Join(target, manifest.Name))
		m, err := manifest.Parse(data)
		if err != nil || !intact(target, m) {
			t.Fatalf("round %d: the copy differs from its manifest (%v)", round, err)
		}
	}
}

// TestRollbackAndExpiryAreRefused holds that a signed older publication
// never replaces a newer copy, that an expired one is refused, and that
// the copy is left as it was; the state beside the copy says what was
// last accepted.
func TestRollbackAndExpiryAreRefused(t *testing.T) {
	serial := func(n int64, expires string) func(*manifest.Manifest) {
		return func(m *manifest.Manifest) { m.Serial, m.Built, m.Expires = n, "2026-12-01T00:00:00Z", expires }
	}
	pub, priv, site, target, s := fixture(t, siteFiles(3, -1))
	writeSite(t, site, siteFiles(3, 1), priv, serial(200, ""))
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(target, manifest.Name))

	writeSite(t, site, siteFiles(3, 2), priv, serial(100, ""))
	if _, err := run(t, s, target, pub); err == nil || !strings.Contains(err.Error(), "rollback") {
		t.Errorf("an older publication: %v", err)
	}
	os.Remove(filepath.Join(target, manifest.Name)) // the copy's own record gone: the state still knows
	if _, err := run(t, s, target, pub); err == nil || !strings.Contains(err.Error(), "rollback") {
		t.Errorf("an older publication, the copy's manifest removed: %v", err)
	}
	os.WriteFile(filepath.Join(target, manifest.Name), before, 0o644)

	writeSite(t, site, siteFiles(3, 2), priv, serial(300, time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)))
	if _, err := run(t, s, target, pub); err == nil || !strings.Contains(err.Error(), "verlopen") {
		t.Errorf("an expired publication: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(target, manifest.Name)); string(after) != string(before) {
		t.Error("a refused publication changed the copy")
	}

	writeSite(t, site, siteFiles(3, 2), priv, serial(300, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)))
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatalf("a newer publication: %v", err)
	}
	st, err := ReadState(target)
	if err != nil || st == nil || st.Serial != 300 || !strings.HasSuffix(st.Source, "/griffie/") || st.Synced == "" {
		t.Errorf("state: %+v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(target, filepath.Base(beside(target, "state.json")))); err == nil {
		t.Error("the state is inside the served copy")
	}
}

// TestADamagedFileIsRepaired holds that a file of the copy changed on
// disk, even to the same size, is fetched again on the next run, though
// the site did not change.
func TestADamagedFileIsRepaired(t *testing.T) {
	pub, _, _, target, s := fixture(t, siteFiles(3, -1))
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(target, "21-001", "index.html")
	good, _ := os.ReadFile(p)
	bad := []byte(strings.Replace(string(good), "brief", "BRIEF", 1))
	os.WriteFile(p, bad, 0o644)
	res, err := run(t, s, target, pub)
	if err != nil || res.Fetched != 1 || res.Repaired != 1 {
		t.Fatalf("repair run: %+v %v", res, err)
	}
	if now, _ := os.ReadFile(p); string(now) != string(good) {
		t.Errorf("still damaged: %q", now)
	}
}

// TestEndlessAndStalledResponses holds that reads are bounded: an
// endless file is cut at the manifest's size, an endless manifest at
// manifest.MaxManifest, without holding more than that in memory; a
// server that stalls fails the read after the idle timeout.
func TestEndlessAndStalledResponses(t *testing.T) {
	pub, _, site, target, _ := fixture(t, siteFiles(3, -1))
	endless := func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	files := http.FileServer(http.Dir(site))
	var endlessPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == endlessPath {
			endless(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	open := func() *manifest.Source {
		src, err := manifest.Open(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		return src
	}

	endlessPath = "/21-002/index.html"
	_, err := Run(context.Background(), open(), target, Options{Key: pub, Attempts: 1})
	if err == nil {
		t.Fatal("an endless file was accepted")
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("a copy was made with an endless file")
	}

	endlessPath = "/" + manifest.Name
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = Run(context.Background(), open(), target, Options{Key: pub, Attempts: 1})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("an endless manifest: %v", err)
	}
	if grown := int64(after.TotalAlloc - before.TotalAlloc); grown > 8*manifest.MaxManifest {
		t.Errorf("an endless manifest made the run allocate %d MB", grown>>20)
	}

	idle := manifest.IdleTimeout
	manifest.IdleTimeout = 300 * time.Millisecond
	defer func() { manifest.IdleTimeout = idle }()
	stall := make(chan struct{})
	defer close(stall)
	endlessPath = "/21-002/index.html" // the others are kept from the runs before
	endless = func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<p>"))
		w.(http.Flusher).Flush()
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	}
	start := time.Now()
	_, err = Run(context.Background(), open(), target, Options{Key: pub, Attempts: 1})
	if err == nil || time.Since(start) > 20*time.Second {
		t.Errorf("a stalled file: %v after %v", err, time.Since(start))
	}
}

// TestLeftoversAreRemoved holds that a run removes what killed runs left
// beside the copy: their temporary folders and, once it succeeds, the
// files an interrupted run kept.
func TestLeftoversAreRemoved(t *testing.T) {
	pub, _, _, target, s := fixture(t, siteFiles(3, -1))
	parent := filepath.Dir(target)
	dead := filepath.Join(parent, ".spiegel.tmp-999999999-1")
	os.MkdirAll(filepath.Join(dead, "21-001"), 0o755)
	partial := beside(target, "partial")
	os.MkdirAll(partial, 0o755)
	os.WriteFile(filepath.Join(partial, "oud.html"), []byte("x"), 0o644)
	if _, err := run(t, s, target, pub); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dead, partial} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
}

// TestKeyRotation holds the rotation procedure: a site signed by a new
// key that the trusted key endorses is accepted, and from then on only
// the new key is trusted (an endorsement by the old key, which may have
// leaked, no longer counts); a key nobody endorsed is refused.
func TestKeyRotation(t *testing.T) {
	oldPub, oldPriv, site, target, s := fixture(t, siteFiles(3, -1))
	if _, err := run(t, s, target, oldPub); err != nil {
		t.Fatal(err)
	}
	newPub, newPriv, _ := ed25519.GenerateKey(rand.Reader)
	files := siteFiles(3, 1)
	files[manifest.EndorsementName] = string(manifest.Endorse(oldPriv, newPub))
	writeSite(t, site, files, newPriv)
	res, err := run(t, s, target, oldPub)
	if err != nil || res.RotatedTo != manifest.Fingerprint(newPub) {
		t.Fatalf("an endorsed new key: %+v %v", res, err)
	}
	if st, _ := ReadState(target); st == nil || st.Key != manifest.EncodeKey(newPub) {
		t.Errorf("the new key is not recorded: %+v", st)
	}

	// Someone with the old key endorses a key of their own.
	evilPub, evilPriv, _ := ed25519.GenerateKey(rand.Reader)
	files = siteFiles(3, 2)
	files[manifest.EndorsementName] = string(manifest.Endorse(oldPriv, evilPub))
	writeSite(t, site, files, evilPriv)
	if _, err := run(t, s, target, oldPub); err == nil || !strings.Contains(err.Error(), "not by the trusted key "+manifest.Fingerprint(newPub)) {
		t.Errorf("an endorsement by the replaced key: %v", err)
	}

	// A key nobody endorsed.
	other := t.TempDir()
	writeSite(t, site, siteFiles(3, 2), evilPriv)
	if _, err := run(t, s, filepath.Join(other, "spiegel"), oldPub); err == nil || !strings.Contains(err.Error(), "endorses no other key") {
		t.Errorf("an unendorsed key: %v", err)
	}
}
