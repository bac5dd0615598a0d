package build_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
)

// TestSitemapListsEveryPage holds the sitemap to the pages a build
// writes, on the real letter, the example series (with its draft built)
// and a generated corpus: every page that is not a redirect, a draft or
// the 404 page is listed, and every listed address is a page.
func TestSitemapListsEveryPage(t *testing.T) {
	generated := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(generated, 40); err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string]build.Options{
		"real":      {Content: copyContent(t)},
		"example":   {Content: exampleContent, Drafts: true},
		"generated": {Content: generated},
	} {
		t.Run(name, func(t *testing.T) {
			opts.Out, opts.NoOffline, opts.BaseURL = filepath.Join(t.TempDir(), "public"), true, "https://ledenbrieven.vng.test/"
			buildOK(t, opts)
			sitemap, err := os.ReadFile(filepath.Join(opts.Out, "sitemap.xml"))
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]bool{}
			for _, m := range regexp.MustCompile(`<loc>https://ledenbrieven\.vng\.test/([^<]*)</loc>`).FindAllStringSubmatch(string(sitemap), -1) {
				listed[m[1]] = true
			}
			kind := regexp.MustCompile(`<body class="page-([a-z]+)"`)
			pages := 0
			err = filepath.WalkDir(opts.Out, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.Name() != "index.html" {
					return err
				}
				html, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(opts.Out, filepath.Dir(p))
				folder := strings.TrimPrefix(filepath.ToSlash(rel)+"/", "./")
				k := kind.FindSubmatch(html)
				unlisted := k == nil || string(k[1]) == "redirect" || strings.Contains(string(html), `<meta name="robots" content="noindex">`)
				if !unlisted {
					pages++
				}
				if !unlisted && !listed[folder] {
					t.Errorf("%s (a %s page) is not in the sitemap", folder, k[1])
				}
				delete(listed, folder)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for folder := range listed {
				t.Errorf("the sitemap lists %s, which is no page", folder)
			}
			if pages < 10 {
				t.Errorf("only %d pages checked", pages)
			}
		})
	}
}
