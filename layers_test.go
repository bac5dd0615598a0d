package ledenbrief

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// layers are the packages of internal/ from the bottom up, as README's
// "Code layout" lists them: a package imports only from layers below its
// own. Test-only packages (corpus, browsertest) are left out.
var layers = [][]string{
	{"diag", "editdist", "diff", "letternumber", "pool", "pdf", "record", "filelock"},
	{"manifest", "markdown", "cache"},
	{"content", "anchors", "publish"},
	{"site", "scaffold", "links", "search/words"},
	{"render", "search"},
	{"offline", "mirror"},
	{"build"},
	{"serve"},
}

// TestImportsGoDown holds every package of internal/ to its layer: no
// import of a package in its own layer or above, so no cycle either; and
// every package has a layer, so a new one is placed on purpose.
func TestImportsGoDown(t *testing.T) {
	layerOf := map[string]int{"corpus": len(layers), "browsertest": len(layers)}
	for i, l := range layers {
		for _, p := range l {
			layerOf[p] = i
		}
	}
	const prefix = "ledenbrief/internal/"
	err := filepath.WalkDir("internal", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		pkg := filepath.ToSlash(strings.TrimPrefix(filepath.Dir(path), "internal"+string(filepath.Separator)))
		own, ok := layerOf[pkg]
		if !ok {
			t.Errorf("internal/%s has no layer: add it to README's Code layout and to layers", pkg)
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			dep, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(dep, prefix) {
				continue
			}
			dep = strings.TrimPrefix(dep, prefix)
			if l, ok := layerOf[dep]; ok && l >= own && own < len(layers) {
				t.Errorf("%s imports %s: layer %d imports layer %d", path, dep, own+1, l+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
