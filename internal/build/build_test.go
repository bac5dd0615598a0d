package build_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"ledenbrief/internal/build"
	"ledenbrief/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the expected diagnostics in testdata/bad/*.txtar")

// extract writes the files of a txtar archive under dir.
func extract(t testing.TB, ar *txtar.Archive, dir string) {
	t.Helper()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buildArchive builds the content/ of a txtar file into a temporary folder
// and returns the folder and the diagnostics, with the folder stripped so
// that they read "content/…:line:col: message".
func buildArchive(t *testing.T, file string) (dir string, ar *txtar.Archive, diags string, res *build.Result) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	extract(t, ar, dir)
	res, err = build.Run(build.Options{Content: filepath.Join(dir, "content"), Out: filepath.Join(dir, "public")})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var b bytes.Buffer
	res.Diags.Print(&b, diag.English)
	return dir, ar, strings.ReplaceAll(b.String(), filepath.ToSlash(dir)+"/", ""), res
}

// TestGoodSites builds each testdata/good/*.txtar and checks that every
// line of each want/<path> file occurs in public/<path>; a line starting
// with "! " must not occur.
func TestGoodSites(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test sites")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			dir, ar, diags, _ := buildArchive(t, file)
			if diags != "" {
				t.Fatalf("unexpected diagnostics:\n%s", diags)
			}
			checked := 0
			for _, f := range ar.Files {
				name, ok := strings.CutPrefix(f.Name, "want/")
				if !ok {
					continue
				}
				got, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(name)))
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
					checked++
					if neg, ok := strings.CutPrefix(line, "! "); ok {
						if bytes.Contains(got, []byte(neg)) {
							t.Errorf("%s contains %q, and must not", name, neg)
						}
					} else if !bytes.Contains(got, []byte(line)) {
						t.Errorf("%s lacks %q\n--- got:\n%s", name, line, got)
					}
				}
			}
			if checked == 0 {
				t.Fatal("archive has no want/ files")
			}
		})
	}
}

// TestBadSites builds each testdata/bad/*.txtar and compares the
// diagnostics with its "stderr" file, exactly; nothing may be written.
func TestBadSites(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test sites")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			dir, ar, diags, _ := buildArchive(t, file)
			var want string
			for i, f := range ar.Files {
				if f.Name == "stderr" {
					if *update {
						ar.Files[i].Data = []byte(diags)
						if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want = string(ar.Files[i].Data)
				}
			}
			if want == "" {
				t.Fatal("archive has no stderr file")
			}
			if diags != want {
				t.Errorf("diagnostics differ\n--- got:\n%s--- want:\n%s", diags, want)
			}
			if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
				t.Error("a failed build wrote public/")
			}
			if leftovers, _ := filepath.Glob(filepath.Join(dir, ".public.tmp-*")); len(leftovers) > 0 {
				t.Errorf("a failed build left %v behind", leftovers)
			}
		})
	}
}

// TestPastedTextIsFound searches the pasted letter of
// testdata/good/pasted-text.txtar: a word with a soft hyphen in it is
// found by its plain spelling, and its heading's text has neither the
// soft hyphen nor the zero-width space.
func TestPastedTextIsFound(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/good/pasted-text.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	extract(t, ar, dir)
	res, err := build.Run(build.Options{Content: filepath.Join(dir, "content"), Check: true, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	defer res.Index.Close()
	hits, _, err := res.Index.Search(context.Background(), res.Dict, "ondermijning", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.HasSuffix(hits[0].URL, "#ondermijning-en-bestuur") || hits[0].Title != "Ondermijning en bestuur" {
		t.Errorf("ondermijning finds %+v", hits)
	}
}
