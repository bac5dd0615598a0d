// Package browsertest starts headless Chromium for tests that check what
// a reader sees, and serves a built site on loopback under a subpath.
// Without Chromium such tests skip with a message, except when CI=true,
// where they fail: CI must always run them.
package browsertest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"ledenbrief/internal/pdf"
)

// Chromium returns the path of the Chromium binary (see pdf.Chromium), or "" when none is installed.
func Chromium() string { return pdf.Chromium() }

// Require skips the test when what (a tool a test needs, found at path)
// is missing, or fails it when CI=true.
func Require(t testing.TB, what, path string) {
	t.Helper()
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI but was not found (.ci/run installs it)", what)
	}
	t.Skipf("skipping: %s not found (install it, see .ci/run)", what)
}

// New starts a fresh headless Chromium with its own profile and returns a
// browser context that lives as long as the test.
func New(t testing.TB) context.Context {
	t.Helper()
	bin := Chromium()
	Require(t, "Chromium", bin)
	// A browser that dies while starting (it happens on a loaded machine:
	// a crash report, no DevTools line) is started once more, afresh.
	var ctx context.Context
	var cancelCtx, cancelAlloc context.CancelFunc
	for attempt := 1; ; attempt++ {
		opts := append(pdf.ChromiumOptions(bin, t.TempDir()),
			chromedp.Flag("allow-file-access-from-files", false),
			chromedp.WindowSize(1024, 768),
		)
		var actx context.Context
		actx, cancelAlloc = chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx = chromedp.NewContext(actx)
		// The first call starts the browser; it must not carry a timeout, or
		// the timeout would end the browser itself.
		err := chromedp.Do(ctx)
		if err == nil {
			break
		}
		cancelCtx()
		cancelAlloc()
		if attempt == 2 {
			t.Fatalf("start Chromium (twice): %v", err)
		}
		t.Logf("Chromium did not start, starting it again: %v", err)
	}
	// A headless window never has the input focus, so focus events would not
	// fire; emulate a focused page as a reader's browser has.
	focus := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return chromedp.Void{}, err
	}
	if err := chromedp.Do(ctx, focus); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("emulate focus: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return tctx
}

// ColorScheme makes the pages in ctx see prefers-color-scheme as scheme
// ("light" or "dark"), as on a device set to it.
func ColorScheme(ctx context.Context, scheme string) error {
	set := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	}
	return chromedp.Do(ctx, set)
}

// ServeSubpath serves dir on 127.0.0.1 under prefix (like "/intranet/x/")
// with a plain file server, as a clerk's office web server would, and
// returns the site's URL.
func ServeSubpath(t testing.TB, dir, prefix string) string {
	t.Helper()
	return serve(t, prefix, http.FileServer(http.Dir(dir)))
}

// ServeSubpathAsLatin1 is ServeSubpath by a server that says every
// script is ISO-8859-1, as one whose default charset is Latin-1 does.
func ServeSubpathAsLatin1(t testing.TB, dir, prefix string) string {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	return serve(t, prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".js") {
			w.Header().Set("Content-Type", "text/javascript; charset=iso-8859-1")
		}
		files.ServeHTTP(w, r)
	}))
}

// serve serves files under prefix on 127.0.0.1 and returns the URL.
func serve(t testing.TB, prefix string, files http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(prefix, http.StripPrefix(strings.TrimSuffix(prefix, "/"), files))
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + prefix
}

// NuErrors runs the W3C Nu HTML checker (LEDENBRIEF_VNU, the path of
// vnu.jar, with java) with --errors-only and args (flags, then files or
// folders) and returns what it reports; see Require for when it is
// missing.
func NuErrors(t testing.TB, args ...string) string {
	t.Helper()
	jar := os.Getenv("LEDENBRIEF_VNU")
	Require(t, "the Nu HTML checker (LEDENBRIEF_VNU=path/to/vnu.jar)", jar)
	java, _ := exec.LookPath("java")
	Require(t, "java", java)
	msg, err := exec.Command(java, append([]string{"-jar", jar, "--errors-only"}, args...)...).CombinedOutput()
	if err != nil && len(msg) == 0 {
		return err.Error()
	}
	return string(msg)
}

// AxeViolations runs axe-core's WCAG 2.1 A and AA rules on the page open
// in ctx and returns one line per violation. axe-core is found through
// LEDENBRIEF_AXE (the path of axe.min.js); see Require for when it is missing.
func AxeViolations(t testing.TB, ctx context.Context) []string {
	t.Helper()
	path := os.Getenv("LEDENBRIEF_AXE")
	Require(t, "axe-core (LEDENBRIEF_AXE=path/to/axe.min.js)", path)
	script, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(script))); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => JSON.stringify(r.violations.map(v => v.id + ": " + v.help + " (" + v.nodes.map(n => n.target.join(" ")).join(", ") + ")")))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var violations []string
	if err := json.Unmarshal([]byte(res), &violations); err != nil {
		t.Fatal(err)
	}
	return violations
}
