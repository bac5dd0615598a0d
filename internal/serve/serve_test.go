package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
)

const letter = `---
number: Lbr. 21/001
reference: R
date: 2021-01-05
subject: Proef
to: Aan de leden
---
Geachte leden,

## Kop {#brief-kop}

Eerste versie.
`

// preview starts a server on a free loopback port over a small content
// folder, and returns its address, the content folder and the events it
// sends.
func preview(t *testing.T) (base, content string, events <-chan string) {
	t.Helper()
	dir := t.TempDir()
	content = filepath.Join(dir, "content")
	write(t, filepath.Join(content, "site.yaml"), "title: T\npublisher: VNG\nbase_url: https://example.org/\n")
	write(t, filepath.Join(content, "brieven", "21-001", "brief.md"), letter)
	ctx, cancel := context.WithCancel(context.Background())
	s := New(build.Options{Content: content, Out: filepath.Join(dir, "public")}, t.Logf)
	s.Rebuild(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.Watch(ctx, content) }()
	go func() { defer wg.Done(); s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); wg.Wait(); s.Close() })
	base = "http://" + ln.Addr().String()
	resp, err := http.Get(base + Prefix + "events")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				ch <- ev
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // the watcher is set up
	return base, content, ch
}

func write(t *testing.T, name, text string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(name), 0o755)
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func await(t *testing.T, events <-chan string, want string) {
	t.Helper()
	select {
	case ev := <-events:
		if ev != want {
			t.Fatalf("event %q, want %q", ev, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no %q event", want)
	}
}

// TestMissingPageLeadsIntoThePreview asks the preview, built for the
// site's own address, for a page that does not exist: the page it
// answers with leads back into the preview, not to the published site.
func TestMissingPageLeadsIntoThePreview(t *testing.T) {
	base, _, _ := preview(t)
	code, body := get(t, base+"/bestaat/niet/")
	if code != 404 || !strings.Contains(body, `href="`+base+`/"`) {
		t.Fatalf("a missing page: %d, no link to %s/ in %.300s", code, base, body)
	}
	if strings.Contains(body, `href="https://example.org/`) {
		t.Errorf("a missing page links to the published site: %.300s", body)
	}
	if _, page := get(t, base+"/21-001/"); !strings.Contains(page, `rel="canonical" href="https://example.org/21-001/"`) {
		t.Errorf("a letter's page does not name its published address: %.300s", page)
	}
}

func TestServeRebuildsOnEveryKindOfSave(t *testing.T) {
	base, content, events := preview(t)
	brief := filepath.Join(content, "brieven", "21-001", "brief.md")
	if code, body := get(t, base+"/21-001/"); code != 200 || !strings.Contains(body, "Eerste versie") || !strings.Contains(body, Prefix+"live/live.js") {
		t.Fatalf("first page: %d %.200s", code, body)
	}

	write(t, brief, strings.Replace(letter, "Eerste versie", "Tweede versie", 1))
	await(t, events, "reload")
	if _, body := get(t, base+"/21-001/"); !strings.Contains(body, "Tweede versie") {
		t.Error("an edit was not served")
	}

	// A new letter in a new folder, then its deletion.
	second := filepath.Join(content, "brieven", "21-002", "brief.md")
	write(t, second, strings.ReplaceAll(letter, "21/001", "21/002"))
	await(t, events, "reload")
	if code, _ := get(t, base+"/21-002/"); code != 200 {
		t.Errorf("a letter in a new folder: %d", code)
	}
	os.RemoveAll(filepath.Dir(second))
	await(t, events, "reload")
	if code, _ := get(t, base+"/21-002/"); code != 404 {
		t.Errorf("a deleted letter: %d", code)
	}

	// Saved as editors do: a temporary file renamed over the original.
	tmp := brief + ".swp"
	write(t, tmp, strings.Replace(letter, "Eerste versie", "Derde versie", 1))
	if err := os.Rename(tmp, brief); err != nil {
		t.Fatal(err)
	}
	await(t, events, "reload")
	if _, body := get(t, base+"/21-001/"); !strings.Contains(body, "Derde versie") {
		t.Error("a save by rename was not served")
	}
}

func TestServeShowsErrorsOverTheLastGoodPages(t *testing.T) {
	base, content, events := preview(t)
	brief := filepath.Join(content, "brieven", "21-001", "brief.md")
	write(t, brief, letter+"\n[Hier](#nergens) leest u meer.\n")
	await(t, events, "errors")
	_, errs := get(t, base+Prefix+"errors")
	if !strings.Contains(errs, `content/brieven/21-001/brief.md"`) || !strings.Contains(errs, `"line":14`) || !strings.Contains(errs, `"source":"[Hier](#nergens) leest u meer."`) {
		t.Errorf("errors: %s", errs)
	}
	if code, body := get(t, base+"/21-001/"); code != 200 || !strings.Contains(body, "Eerste versie") {
		t.Errorf("the last good page is not served: %d", code)
	}
	write(t, brief, letter)
	await(t, events, "reload")
	if _, errs := get(t, base+Prefix+"errors"); strings.TrimSpace(errs) != "[]" {
		t.Errorf("after the fix: %s", errs)
	}
}

func TestServeKeepsToTheOutputFolder(t *testing.T) {
	base, _, _ := preview(t)
	for _, raw := range []string{"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/search/", "/nergens.html"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", raw)
		reply, _ := io.ReadAll(conn)
		conn.Close()
		status := strings.SplitN(string(reply), "\r\n", 2)[0]
		if strings.Contains(string(reply), "root:") || strings.Contains(status, " 200 ") {
			t.Errorf("GET %s: %s", raw, status)
		}
	}
}

func TestServeRefusesSymlinksOutOfTheSite(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "geheim")
	write(t, filepath.Join(secret, "wachtwoord.txt"), "GEHEIM")
	content := filepath.Join(dir, "content")
	write(t, filepath.Join(content, "site.yaml"), "title: T\npublisher: VNG\nbase_url: https://example.org/\n")
	write(t, filepath.Join(content, "brieven", "21-001", "brief.md"), letter)
	out := filepath.Join(dir, "public")
	s := New(build.Options{Content: content, Out: out}, t.Logf)
	defer s.Close()
	s.Rebuild(context.Background())
	if err := os.Symlink(secret, filepath.Join(out, "lek")); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/lek/wachtwoord.txt", nil))
	if rec.Code == 200 || strings.Contains(rec.Body.String(), "GEHEIM") {
		t.Errorf("a symbolic link out of the site was followed: %d %q", rec.Code, rec.Body.String())
	}
}

func TestBuildOutputHasNoPreviewScript(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	write(t, filepath.Join(content, "site.yaml"), "title: T\npublisher: VNG\nbase_url: https://example.org/\n")
	write(t, filepath.Join(content, "brieven", "21-001", "brief.md"), letter)
	s := New(build.Options{Content: content, Out: filepath.Join(dir, "public")}, t.Logf)
	defer s.Close()
	s.Rebuild(context.Background())
	filepath.WalkDir(filepath.Join(dir, "public"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); strings.Contains(string(data), "__ledenbrief") {
				t.Errorf("%s mentions the preview", p)
			}
		}
		return nil
	})
}

// TestAPIAnswersWhileRebuilding runs searches while the site is rebuilt
// again and again (run with -race).
func TestAPIAnswersWhileRebuilding(t *testing.T) {
	base, content, _ := preview(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			code, body := get(t, base+"/api/search?q=versie&n=3")
			if code != 200 || !strings.Contains(body, "21-001") {
				t.Errorf("search during a rebuild: %d %.100s", code, body)
				return
			}
		}
	}()
	for range 5 { // each save makes the preview rebuild
		write(t, filepath.Join(content, "brieven", "21-001", "brief.md"), letter+fmt.Sprintf("\nVersie %d.\n", time.Now().UnixNano()))
		time.Sleep(300 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
}

// TestOverlayInTheBrowser opens a served page in Chromium, breaks a link
// in the letter and sees the overlay name the file and line; fixing it
// reloads the page without the overlay.
func TestOverlayInTheBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	base, content, events := preview(t)
	brief := filepath.Join(content, "brieven", "21-001", "brief.md")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/21-001/"), chromedp.WaitReady("#lb_title")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the page's event stream is open
	write(t, brief, letter+"\n[Hier](#nergens) leest u meer.\n")
	await(t, events, "errors")
	if err := chromedp.Do(ctx, chromedp.WaitVisible("#ledenbrief-errors")); err != nil {
		t.Fatalf("no overlay: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("ledenbrief-errors").textContent`))
	if err != nil || !strings.Contains(text, "content/brieven/21-001/brief.md:14:1") || !strings.Contains(text, `onbekend id "nergens"`) {
		t.Errorf("overlay says %q (%v)", text, err)
	}
	write(t, brief, strings.Replace(letter, "Eerste versie", "Verbeterde versie", 1))
	await(t, events, "reload")
	// The page reloads itself: ask again until the new page answers.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && document.body.textContent.includes("Verbeterde versie") && !document.getElementById("ledenbrief-errors")`))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fixed page did not reload without the overlay (%v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeStartsFromTheCache starts the preview twice on one build
// cache: the second takes every letter from it, and its search API
// answers from the start (waiting for the index, made in the
// background).
func TestServeStartsFromTheCache(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := corpus.Write(content, 12); err != nil {
		t.Fatal(err)
	}
	for run, want := range []string{"letters from the build cache: 0, built: 12", "letters from the build cache: 12, built: 0"} {
		var mu sync.Mutex
		var logged strings.Builder
		s := New(build.Options{Content: content, Out: filepath.Join(dir, fmt.Sprint("public", run)), Cache: filepath.Join(dir, "cache")}, func(format string, args ...any) {
			mu.Lock()
			fmt.Fprintf(&logged, format+"\n", args...)
			mu.Unlock()
		})
		s.Rebuild(context.Background())
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?q=raadsleden&n=3", nil))
		s.Close()
		mu.Lock()
		log := logged.String()
		mu.Unlock()
		if !strings.Contains(log, want) {
			t.Errorf("start %d: the log does not say %q:\n%s", run, want, log)
		}
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"url"`) {
			t.Errorf("start %d: the search API answered %d %.200s", run, rec.Code, rec.Body.String())
		}
	}
}
