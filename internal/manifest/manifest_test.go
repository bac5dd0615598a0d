package manifest

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// site writes a small signed site into dir and returns the key files'
// prefix.
func site(t *testing.T, dir string) string {
	t.Helper()
	files := map[string]string{
		"index.html":                "<p>Ledenbrieven</p>",
		"21-082/index.html":         "<p>Brief</p>",
		"search/abc/d-0.js":         "LB.docs(0,\"x\");",
		"assets/style.css":          "p{}",
		"21-082/bijlage/index.html": "<p>Bijlage</p>",
	}
	m := Manifest{Generator: "ledenbrief", Version: "test", Letters: []Letter{{Number: "Lbr. 21/082", Path: "21-082/", Date: "2021-12-06"}}}
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(data))
		m.Files = append(m.Files, File{Path: p, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(t.TempDir(), "sleutel")
	if err := GenerateKey(keys); err != nil {
		t.Fatal(err)
	}
	priv, err := ReadPrivateKey(keys)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, Name), data, 0o644)
	os.WriteFile(filepath.Join(dir, SigName), Sign(priv, data), 0o644)
	return keys
}

func verify(t *testing.T, where, pubFile string) *Report {
	t.Helper()
	src, err := Open(where)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	pub, err := ReadPublicKey(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), src, pub)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestVerifyFolder(t *testing.T) {
	dir := t.TempDir()
	keys := site(t, dir)
	if rep := verify(t, dir, keys+".pub"); !rep.OK() || rep.Checked != 5 || rep.Signature != "valid" {
		t.Fatalf("intact copy: %+v", rep)
	}
	// One byte changed, one file gone, one file added.
	os.WriteFile(filepath.Join(dir, "21-082", "index.html"), []byte("<p>Brieg</p>"), 0o644)
	os.Remove(filepath.Join(dir, "assets", "style.css"))
	os.WriteFile(filepath.Join(dir, "extra.html"), []byte("x"), 0o644)
	rep := verify(t, dir, keys+".pub")
	if rep.OK() || !slices.Equal(rep.Changed, []string{"21-082/index.html"}) || !slices.Equal(rep.Missing, []string{"assets/style.css"}) || !slices.Equal(rep.Extra, []string{"extra.html"}) {
		t.Errorf("changed copy: %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(dir, "extra.html")); err != nil {
		t.Error("verify removed the unexpected file")
	}
}

func TestVerifyRefusesAnotherKeyAndAChangedManifest(t *testing.T) {
	dir := t.TempDir()
	site(t, dir)
	other := filepath.Join(t.TempDir(), "ander")
	if err := GenerateKey(other); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, dir, other+".pub"); rep.OK() || rep.Signature != "invalid" {
		t.Errorf("another key: %+v", rep)
	}
	dir2 := t.TempDir()
	keys := site(t, dir2)
	data, _ := os.ReadFile(filepath.Join(dir2, Name))
	os.WriteFile(filepath.Join(dir2, Name), []byte(strings.Replace(string(data), `"test"`, `"tset"`, 1)), 0o644)
	if rep := verify(t, dir2, keys+".pub"); rep.OK() || rep.Signature != "invalid" {
		t.Errorf("changed manifest: %+v", rep)
	}
	os.Remove(filepath.Join(dir2, SigName))
	if rep := verify(t, dir2, keys+".pub"); rep.OK() || rep.Signature != "missing" {
		t.Errorf("no signature: %+v", rep)
	}
}

func TestVerifyZip(t *testing.T) {
	dir := t.TempDir()
	keys := site(t, filepath.Join(dir, "public"))
	write := func(name string, change func(p string, data []byte) []byte) string {
		zf := filepath.Join(dir, name)
		f, _ := os.Create(zf)
		zw := zip.NewWriter(f)
		filepath.WalkDir(filepath.Join(dir, "public"), func(p string, d os.DirEntry, err error) error {
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			data, _ := os.ReadFile(p)
			w, _ := zw.Create(filepath.ToSlash(rel)) // in a top folder "public/"
			w.Write(change(filepath.ToSlash(rel), data))
			return nil
		})
		zw.Close()
		f.Close()
		return zf
	}
	same := write("site.zip", func(_ string, d []byte) []byte { return d })
	if rep := verify(t, same, keys+".pub"); !rep.OK() || rep.Checked != 5 {
		t.Errorf("intact zip: %+v", rep)
	}
	flipped := write("flipped.zip", func(p string, d []byte) []byte {
		if p == "public/index.html" {
			d = append([]byte(nil), d...)
			d[3] ^= 1
		}
		return d
	})
	if rep := verify(t, flipped, keys+".pub"); rep.OK() || !slices.Equal(rep.Changed, []string{"index.html"}) {
		t.Errorf("zip with a flipped byte: %+v", rep)
	}
}

func TestVerifyURLUnderASubpath(t *testing.T) {
	dir := t.TempDir()
	keys := site(t, dir)
	srv := httptest.NewServer(http.StripPrefix("/griffie/brieven/", http.FileServer(http.Dir(dir))))
	defer srv.Close()
	if rep := verify(t, srv.URL+"/griffie/brieven", keys+".pub"); !rep.OK() || rep.Checked != 5 {
		t.Errorf("served copy: %+v", rep)
	}
	os.WriteFile(filepath.Join(dir, "search", "abc", "d-0.js"), []byte("tampered"), 0o644)
	os.Remove(filepath.Join(dir, "assets", "style.css"))
	if rep := verify(t, srv.URL+"/griffie/brieven/", keys+".pub"); rep.OK() || !slices.Equal(rep.Changed, []string{"search/abc/d-0.js"}) || !slices.Equal(rep.Missing, []string{"assets/style.css"}) {
		t.Errorf("tampered served copy: %+v", rep)
	}
}

func TestKeygenKeepsThePrivateKeyPrivateAndNeverOverwrites(t *testing.T) {
	name := filepath.Join(t.TempDir(), "k")
	if err := GenerateKey(name); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(name)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, %v", info.Mode().Perm(), err)
	}
	before, _ := os.ReadFile(name)
	if err := GenerateKey(name); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second keygen: %v", err)
	}
	if after, _ := os.ReadFile(name); string(after) != string(before) {
		t.Error("the key was overwritten")
	}
}

func TestManifestRefusesPathsOutsideTheSite(t *testing.T) {
	for _, p := range []string{"../etc/passwd", "/abs", "a//b", "a/./b", `a\b`} {
		data := `{"generator":"ledenbrief","files":[{"path":"` + strings.ReplaceAll(p, `\`, `\\`) + `","size":1,"sha256":"` + strings.Repeat("0", 64) + `"}]}`
		if _, err := Parse([]byte(data)); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}

// TestVerifyRefusesSpecialZipEntries holds that a zip whose entry is a
// symbolic link is refused, even when the link's text equals a listed
// file's bytes (extracted, the copy would be broken), and that an entry
// leaving its folder is named as the zip writes it.
func TestVerifyRefusesSpecialZipEntries(t *testing.T) {
	dir := t.TempDir()
	site(t, filepath.Join(dir, "public"))
	for _, tc := range []struct {
		zipName, entry, want string
		link                 bool
	}{
		{"link.zip", "assets/style.css", `zip entry "assets/style.css" is a symbolic link, not a file: refused`, true},
		{"slip.zip", "../../etc/cron.d/x", `zip entry "../../etc/cron.d/x" leaves the folder it is extracted into: refused`, false},
	} {
		zf := filepath.Join(dir, tc.zipName)
		f, _ := os.Create(zf)
		zw := zip.NewWriter(f)
		filepath.WalkDir(filepath.Join(dir, "public"), func(p string, d os.DirEntry, err error) error {
			rel, _ := filepath.Rel(filepath.Join(dir, "public"), p)
			if d.IsDir() || filepath.ToSlash(rel) == tc.entry {
				return nil
			}
			data, _ := os.ReadFile(p)
			w, _ := zw.Create(filepath.ToSlash(rel))
			w.Write(data)
			return nil
		})
		h := &zip.FileHeader{Name: tc.entry, Method: zip.Store}
		if tc.link {
			h.SetMode(os.ModeSymlink | 0o777)
		}
		w, _ := zw.CreateHeader(h)
		w.Write([]byte("p{}")) // the listed file's bytes, as a link's target
		zw.Close()
		f.Close()
		if _, err := Open(zf); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s", tc.zipName, err, tc.want)
		}
	}
}
