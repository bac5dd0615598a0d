package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the want files of testdata/badinput/*.txtar")

// badInputBase is a good site that every bad-input case starts from: the
// case's files replace or add to it.
var badInputBase = map[string]string{
	"content/site.yaml":                      "title: Test\npublisher: VNG\nbase_url: https://example.org/\n",
	"content/brieven/21-001/brief.md":        "---\nnumber: Lbr. 21/001\nreference: R\ndate: 2021-01-05\nsubject: Proef\nto: Aan de leden\n---\nLees [hier](#a) en de [gids](#gids).\n",
	"content/brieven/21-001/bijlage/01-a.md": "---\nid: a\ntitle: A\n---\nTekst.\n",
	"content/handreikingen/gids.md":          "---\nid: gids\ntitle: Gids\nkind: brochure\n---\nEen gids.\n",
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBadInput runs every case of testdata/badinput: a good site is built,
// the case's files are put in, and the build must end with the exit status
// and the first message of the case's want file (Dutch, the default) and
// want-en file (with --lang en); a failed build must leave
// the previous output as it was and nothing beside it.
func TestBadInput(t *testing.T) {
	cases, _ := filepath.Glob("testdata/badinput/*.txtar")
	if len(cases) < 60 {
		t.Fatalf("%d bad-input cases, want at least 60", len(cases))
	}
	for _, file := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			base := map[string][]byte{}
			for name, text := range badInputBase {
				base[name] = []byte(text)
			}
			writeFiles(t, dir, base)
			content, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
			var stderr bytes.Buffer
			if code := run([]string{"build", "--content", content, "--out", out}, &stderr); code != 0 {
				t.Fatalf("the base site does not build:\n%s", stderr.String())
			}
			var st syscall.Stat_t
			syscall.Stat(out, &st)
			before := st.Ino

			args := []string{"build", "--content", content, "--out", out}
			caseFiles := map[string][]byte{}
			wantAt := map[string]int{}
			for i, f := range ar.Files {
				switch f.Name {
				case "want", "want-en":
					wantAt[f.Name] = i
				case "args":
					args = append(strings.Fields(string(f.Data)), "--content", content, "--out", out)
				default:
					caseFiles[f.Name] = f.Data
				}
			}
			writeFiles(t, dir, caseFiles)
			code := 0
			// The editor's messages in Dutch, the default, and in English.
			for _, want := range []string{"want", "want-en"} {
				lang := "nl"
				if want == "want-en" {
					lang = "en"
				}
				stderr.Reset()
				code = run(append(args, "--lang", lang), &stderr)
				first, _, _ := strings.Cut(strings.ReplaceAll(stderr.String(), dir+string(filepath.Separator), ""), "\n")
				if code == 0 { // only the page count: sizes change with the theme
					first, _, _ = strings.Cut(first, ",")
				}
				got := "exit " + strconv.Itoa(code) + "\n" + first + "\n"
				at, ok := wantAt[want]
				if *update {
					if !ok {
						ar.Files = append(ar.Files, txtar.File{Name: want})
						at = len(ar.Files) - 1
						wantAt[want] = at
					}
					ar.Files[at].Data = []byte(got)
					if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
						t.Fatal(err)
					}
				} else if !ok {
					t.Fatalf("no %s file", want)
				}
				if w := string(ar.Files[at].Data); got != w {
					t.Errorf("%s: got:\n%swant:\n%s", want, got, w)
				}
			}
			syscall.Stat(out, &st)
			if code != 0 && st.Ino != before {
				t.Error("a failed build replaced the previous output")
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".public.tmp-*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}
