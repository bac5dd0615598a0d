package build_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/search"
)

// TestIncrementalEqualsFullBuild edits a generated site at random, as an
// editor would between saves (a paragraph of an annex or a letter, a
// heading's text, a subject, a link to another letter, a new letter, a
// letter removed, a handreiking), builds it again incrementally after
// every edit, and compares the folder, once its search index is current,
// with a full build of the same content: byte for byte, file for file.
// It also checks that small edits did not render every letter again.
//
// After every edit it also runs ledenbrief build twice with one build
// cache, each run a process of its own, offline copies included: both
// write byte for byte what a build with --no-cache writes, the first
// builds again only what the edit touched, the second builds nothing.
func TestIncrementalEqualsFullBuild(t *testing.T) {
	dir := t.TempDir()
	content, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	if err := corpus.Write(content, 30); err != nil {
		t.Fatal(err)
	}
	var current *search.Index
	inc := build.NewIncremental(build.Options{Content: content, Out: out}, func(idx *search.Index, _ *search.Dictionary, _ string) {
		if current != nil {
			current.Close()
		}
		current = idx
	})
	defer func() {
		inc.Close()
		if current != nil {
			current.Close()
		}
	}()
	rebuild := func(what string) *build.Result {
		t.Helper()
		res, err := inc.Rebuild(context.Background())
		if err != nil || res.Diags.Len() > 0 {
			t.Fatalf("after %s: %v %v", what, err, res.Diags.Sorted())
		}
		inc.WaitSearch()
		return res
	}
	full := rebuild("the first build")
	seed := uint64(7)
	if n, err := strconv.Atoi(os.Getenv("LEDENBRIEF_INCREMENTAL_SEED")); err == nil {
		seed = uint64(n)
	}
	r := rand.New(rand.NewPCG(seed, 11))
	letters := func() []string {
		entries, err := os.ReadDir(filepath.Join(content, "brieven"))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	annexFile := func(slug string) string {
		files, _ := filepath.Glob(filepath.Join(content, "brieven", slug, "bijlage", "*.md"))
		slices.Sort(files)
		return pick(files)
	}
	edit := func(file string, f func(string) string) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(f(string(data))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	heading := regexp.MustCompile(`(?m)^(###? )([^{\n]+)( \{#)`)
	subject := regexp.MustCompile(`(?m)^subject: .*$`)
	newNumber := 900
	edits := []struct {
		name  string
		small bool // one letter's pages change, nothing else
		do    func() string
	}{
		{"a paragraph of an annex", true, func() string {
			f := annexFile(pick(letters()))
			edit(f, func(s string) string { return strings.Replace(s, ".\n", ". Een zin erbij.\n", 1) })
			return f
		}},
		{"a paragraph of a letter", true, func() string {
			f := filepath.Join(content, "brieven", pick(letters()), "brief.md")
			edit(f, func(s string) string {
				return strings.Replace(s, "gemeenteraad,\n\n", "gemeenteraad,\n\nEen nieuwe zin. ", 1)
			})
			return f
		}},
		{"a heading", false, func() string {
			f := annexFile(pick(letters()))
			edit(f, func(s string) string { return heading.ReplaceAllString(s, "${1}Nieuw: ${2}${3}") })
			return f
		}},
		{"a subject", false, func() string {
			f := filepath.Join(content, "brieven", pick(letters()), "brief.md")
			edit(f, func(s string) string { return subject.ReplaceAllString(s, "subject: Een ander onderwerp") })
			return f
		}},
		{"a link to another letter", false, func() string {
			ls := letters()
			from, to := pick(ls), pick(ls)
			f := filepath.Join(content, "brieven", from, "brief.md")
			edit(f, func(s string) string {
				return strings.Replace(s, "Met vriendelijke groet,", fmt.Sprintf("Zie ook [de brief](%s#onderwerp-2).\n\nMet vriendelijke groet,", to), 1)
			})
			return f
		}},
		{"a new letter", false, func() string {
			from := pick(letters())
			newNumber++
			slug := fmt.Sprintf("19-%03d", newNumber)
			if err := os.CopyFS(filepath.Join(content, "brieven", slug), os.DirFS(filepath.Join(content, "brieven", from))); err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(content, "brieven", slug, "brief.md")
			edit(f, func(s string) string {
				s = regexp.MustCompile(`(?m)^aliases: .*\n`).ReplaceAllString(s, "") // an alias belongs to one letter
				// A new letter has a kenmerk, a summary and a date of its own
				// (a copy's would be an error when it is the next edition).
				s = regexp.MustCompile(`(?m)^reference: .*$`).ReplaceAllString(s, "reference: TRE/U19"+slug[3:])
				s = regexp.MustCompile(`(?m)^summary: `).ReplaceAllString(s, "summary: Nieuw: ")
				s = regexp.MustCompile(`(?m)^date: .*$`).ReplaceAllString(s, fmt.Sprintf("date: 2019-01-%02d", 1+newNumber%28))
				return regexp.MustCompile(`(?m)^number: .*$`).ReplaceAllString(s, "number: Lbr. 19/"+slug[3:])
			})
			return f
		}},
		{"a letter removed", false, func() string {
			// Only a letter no other letter links to.
			for _, slug := range letters() {
				if !linkedTo(t, content, slug) {
					if err := os.RemoveAll(filepath.Join(content, "brieven", slug)); err != nil {
						t.Fatal(err)
					}
					return slug
				}
			}
			return "nothing"
		}},
		{"an annex section removed", false, func() string {
			slug := pick(letters())
			files, _ := filepath.Glob(filepath.Join(content, "brieven", slug, "bijlage", "*.md"))
			slices.Sort(files)
			if len(files) < 2 || linkedTo(t, content, slug) {
				return "nothing"
			}
			f := files[len(files)-1]
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			// The letter's own link to it goes too.
			edit(filepath.Join(content, "brieven", slug, "brief.md"), func(s string) string {
				id := strings.TrimSuffix(filepath.Base(f)[3:], ".md")
				return strings.ReplaceAll(s, "[Hier](#"+id+")", "Hier")
			})
			return f
		}},
		{"an alias", false, func() string {
			newNumber++
			f := filepath.Join(content, "brieven", pick(letters()), "brief.md")
			edit(f, func(s string) string {
				if strings.Contains(s, "aliases:") {
					return s
				}
				return strings.Replace(s, "\nnumber:", fmt.Sprintf("\naliases: [18-%03d]\nnumber:", newNumber), 1)
			})
			return f
		}},
		{"a handreiking", false, func() string {
			files, _ := filepath.Glob(filepath.Join(content, "handreikingen", "*.md"))
			f := pick(files)
			edit(f, func(s string) string { return s + "\nNog een zin over dit document.\n" })
			return f
		}},
	}
	steps := 24
	if n, err := strconv.Atoi(os.Getenv("LEDENBRIEF_INCREMENTAL_STEPS")); err == nil {
		steps = n
	}
	for step := range steps {
		e := edits[r.IntN(len(edits))]
		if step < 4 {
			e = edits[step%2] // start with the edit the preview is for
		}
		what := e.name + " (" + e.do() + ")"
		res := rebuild(what)
		if e.small && res.Pages >= full.Pages/4 {
			t.Errorf("after %s, %d of %d pages were rendered again", what, res.Pages, full.Pages)
		}
		ref := filepath.Join(dir, fmt.Sprintf("full-%d", step))
		if res, err := build.Run(build.Options{Content: content, Out: ref, NoOffline: true}); err != nil || res.Diags.Len() > 0 {
			t.Fatalf("full build after %s: %v %v", what, err, res.Diags.Error())
		}
		got, want := readTree(t, out), readTree(t, ref)
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Errorf("after %s: %s differs from a full build", what, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("after %s: %s is left over", what, name)
			}
		}
		if t.Failed() {
			return
		}
		os.RemoveAll(ref)
		// The command keeps content/anchors.lock: it builds a copy of the
		// content, so that the edits above may remove what it published.
		cached, cache, copied := filepath.Join(dir, "cached"), filepath.Join(dir, "cache"), filepath.Join(dir, "copy", "content")
		if err := os.RemoveAll(copied); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(copied, os.DirFS(content)); err != nil {
			t.Fatal(err)
		}
		for run := range 2 {
			reused, built := runBuild(t, "--content", copied, "--out", cached, "--cache", cache)
			switch {
			case run == 1 && built != 0:
				t.Errorf("after %s, the second build with the cache built %d letters again", what, built)
			case run == 0 && step > 0 && e.small && built > reused/4:
				t.Errorf("after %s, the build with the cache built %d letters and reused %d", what, built, reused)
			}
		}
		runBuild(t, "--content", copied, "--out", ref, "--no-cache")
		sameTree(t, "after "+what, cached, ref)
		if t.Failed() {
			return
		}
		os.RemoveAll(ref)
	}
}

// linkedTo reports whether any letter links to letter slug.
func linkedTo(t *testing.T, content, slug string) bool {
	files, err := filepath.Glob(filepath.Join(content, "brieven", "*", "brief.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("("+slug)) {
			return true
		}
	}
	return false
}
