package links

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/markdown"
)

// TestCheckReportsEachKindOfAnswer checks links against a real server
// that answers 200, redirects with 301, answers 404, refuses HEAD, and
// does not answer in time.
func TestCheckReportsEachKindOfAnswer(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/gone", http.NotFound)
	mux.HandleFunc("/no-head", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(release)

	in := []Link{{URL: srv.URL + "/ok"}, {URL: srv.URL + "/old"}, {URL: srv.URL + "/gone"}, {URL: srv.URL + "/no-head"}, {URL: srv.URL + "/slow"}}
	got := Check(context.Background(), in, Options{Timeout: 300 * time.Millisecond, Concurrency: 2})
	want := []struct {
		code   int
		final  string
		broken bool
		err    string
	}{
		{200, "", false, ""},
		{200, srv.URL + "/new", false, ""},
		{404, "", true, ""},
		{200, "", false, ""},
		{0, "", true, "no answer within 300ms"},
	}
	for i, w := range want {
		g := got[i]
		if g.URL != in[i].URL || g.Code != w.code || g.Final != w.final || g.Broken != w.broken || g.Error != w.err {
			t.Errorf("%s: got code %d final %q broken %v error %q; want %d %q %v %q", in[i].URL, g.Code, g.Final, g.Broken, g.Error, w.code, w.final, w.broken, w.err)
		}
	}
}

// TestCollectFindsEveryPlace collects the links of a small site: in a
// letter, an annex section, a handreiking's body and url field, and a
// site page, each once per address with all its places.
func TestCollectFindsEveryPlace(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"site.yaml":                      "title: T\npublisher: P\nbase_url: https://example.org/\n",
		"brieven/21-001/brief.md":        "---\nnumber: Lbr. 21/001\nreference: X\ndate: 2021-01-01\nsubject: S\nto: Aan de leden\n---\nZie [de wet](https://wetten.overheid.nl/x) en [mail](mailto:a@b.nl).\n",
		"brieven/21-001/bijlage/01-a.md": "---\nid: a\ntitle: A\n---\nNogmaals [de wet](https://wetten.overheid.nl/x) en [intern](#a).\n",
		"handreikingen/h.md":             "---\nid: h\ntitle: H\nkind: brochure\nurl: https://example.org/h\n---\nTekst met <https://example.org/h2>.\n",
		"paginas/over.md":                "---\nid: over\ntitle: Over\n---\nZie [W3C](https://www.w3.org/).\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, "content", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	diags := &diag.List{}
	c := content.Load(os.DirFS(filepath.Join(dir, "content")), "content", diags)
	got := Collect(c, markdown.New(markdown.Options{}), diags)
	if diags.Len() > 0 {
		t.Fatalf("content errors: %v", diags.Error())
	}
	var lines []string
	for _, l := range got {
		var places []string
		for _, p := range l.Places {
			places = append(places, p.String())
		}
		lines = append(lines, l.URL+" "+strings.Join(places, " "))
	}
	want := []string{
		"https://example.org/h content/handreikingen/h.md:5:6",
		"https://example.org/h2 content/handreikingen/h.md:7:11",
		"https://wetten.overheid.nl/x content/brieven/21-001/bijlage/01-a.md:5:10 content/brieven/21-001/brief.md:8:5",
		"https://www.w3.org/ content/paginas/over.md:5:5",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
