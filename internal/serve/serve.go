// Package serve is the editor's preview: it builds the site, serves the
// output on a loopback address, watches the content and theme folders,
// rebuilds on every save and tells open pages to reload (Server-Sent
// Events), and shows the content's errors over the last good pages. It
// also answers /api/search from the current bleve index (SearchAPI, for
// intranet portals too). The reload script and the error overlay are
// added to pages as it serves them; a built site never contains them.
package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"ledenbrief/internal/build"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/search"
)

//go:embed live
var liveFiles embed.FS

// Prefix is the path under which the server's own files are served.
const Prefix = "/__ledenbrief/"

// Server builds a site and serves it, rebuilding on change.
type Server struct {
	opts build.Options // Out is where the site is built
	logf func(format string, args ...any)

	build sync.Mutex // one build at a time

	builder *build.Incremental // every save builds again only what it changed

	mu      sync.RWMutex
	errors  []diag.Record
	clients map[chan string]struct{}
	baseURL string // the site's address the last good build linked to

	search searchAPI // /api/search of the last good build
}

// searchAPI answers /api/search from one build's bleve index. A search in
// flight keeps its index open: the index is swapped, and the old one
// closed, only once the searches reading it have answered.
type searchAPI struct {
	mu      sync.RWMutex
	handler http.Handler
	index   *search.Index
	ready   chan struct{} // closed once there is an index
	once    sync.Once
	coming  atomic.Bool // a build succeeded: its index is on its way
}

// apiWait is how long a search waits for the first index: a preview
// built from the build cache serves its pages before its index is made.
const apiWait = 2 * time.Minute

// ServeHTTP answers a search; 503 before the first good build. After
// it, a search waits (up to apiWait) for its index.
func (a *searchAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.coming.Load() {
		select {
		case <-a.ready:
		case <-r.Context().Done():
			return
		case <-time.After(apiWait):
		}
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.handler == nil {
		http.Error(w, "the site is not built yet", http.StatusServiceUnavailable)
		return
	}
	a.handler.ServeHTTP(w, r)
}

// replace makes index (answered by handler) current and closes the one it
// replaces; nil, nil just closes it.
func (a *searchAPI) replace(index *search.Index, handler http.Handler) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.index != nil {
		a.index.Close()
	}
	a.index, a.handler = index, handler
	if handler != nil {
		a.once.Do(func() { close(a.ready) })
	}
}

// New returns a server for opts (opts.Out is where it builds; Check,
// KeepIndex and NoOffline are set by the server: a preview leaves out
// the offline copies, which would double the time of every rebuild).
// logf reports builds and errors.
func New(opts build.Options, logf func(format string, args ...any)) *Server {
	opts.Check, opts.KeepIndex, opts.NoOffline = false, true, true
	s := &Server{opts: opts, logf: logf, clients: map[chan string]struct{}{}}
	s.search.ready = make(chan struct{})
	s.builder = build.NewIncremental(opts, func(idx *search.Index, dict *search.Dictionary, baseURL string) {
		s.search.replace(idx, SearchAPI(idx, dict, baseURL))
	})
	return s
}

// Rebuild builds the site and tells the pages: "reload" after a good
// build, "errors" when the content has errors (the last good output stays
// served).
func (s *Server) Rebuild(ctx context.Context) {
	s.build.Lock()
	defer s.build.Unlock()
	start := time.Now()
	res, err := s.builder.Rebuild(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.logf("ledenbrief serve: build failed: %v", err)
		}
		return
	}
	records := res.Diags.Records(s.opts.Lang)
	s.mu.Lock()
	s.errors = records
	s.mu.Unlock()
	if len(records) > 0 {
		var b bytes.Buffer
		res.Diags.Print(&b, s.opts.Lang)
		s.logf("%sledenbrief serve: %s; %s", b.String(), res.Diags.Summary(s.opts.Lang), diag.M(diag.StillServed).Text(s.opts.Lang))
		s.broadcast("errors")
		return
	}
	s.mu.Lock()
	s.baseURL = res.BaseURL
	s.mu.Unlock()
	s.search.coming.Store(true)
	took := time.Since(start).Round(time.Millisecond)
	if res.Reused+res.Built > 0 {
		s.logf("ledenbrief serve: rendered %d pages in %v; letters from the build cache: %d, built: %d", res.Pages, took, res.Reused, res.Built)
	} else {
		s.logf("ledenbrief serve: rendered %d pages in %v", res.Pages, took)
	}
	s.broadcast("reload")
}

func (s *Server) broadcast(event string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for c := range s.clients {
		select {
		case c <- event:
		default: // a slow client misses an event, not the server
		}
	}
}

// Close releases the bleve index.
func (s *Server) Close() {
	s.builder.Close()
	s.search.replace(nil, nil)
}

// Handler serves the site, the events, the errors and the search API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"events", s.events)
	mux.HandleFunc("GET "+Prefix+"errors", func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		records := s.errors
		s.mu.RUnlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if records == nil {
			records = []diag.Record{}
		}
		json.NewEncoder(w).Encode(records)
	})
	mux.HandleFunc("GET "+Prefix+"live/{name}", func(w http.ResponseWriter, r *http.Request) {
		data, err := liveFiles.ReadFile("live/" + r.PathValue("name"))
		if err != nil {
			http.NotFound(w, r) // never a listing
			return
		}
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(r.PathValue("name"))))
		w.Write(data)
	})
	mux.Handle("GET /api/search", &s.search)
	mux.HandleFunc("GET /", s.file)
	return headers(mux)
}

// csp is the Content-Security-Policy of every answer; styles adds the
// style sources a page needs besides the site's style sheets.
func csp(styles string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self'" + styles + "; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
}

// headers adds the security headers every answer carries.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp(""))
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// events streams "reload" and "errors" to a page.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan string, 4)
	s.mu.Lock()
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": ledenbrief serve\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-c:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev, ev)
			flusher.Flush()
		}
	}
}

// file serves a file of the output folder. Paths are cleaned, may not
// leave the folder (also not through a symbolic link), folders are served
// by their index.html only, never listed.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	name := path.Clean("/" + r.URL.Path)
	if strings.Contains(r.URL.Path, "..") || strings.ContainsRune(name, 0) {
		s.notFound(w, r)
		return
	}
	// Opened per request: a rebuild swaps a new folder in under the name.
	root, err := os.OpenRoot(s.opts.Out)
	if err != nil {
		http.Error(w, "the site is not built yet", http.StatusServiceUnavailable)
		return
	}
	defer root.Close()
	rel := strings.TrimPrefix(name, "/")
	if rel == "" {
		rel = "."
	}
	info, err := root.Stat(rel)
	if err == nil && info.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		rel = path.Join(rel, "index.html")
	}
	f, err := root.Open(rel)
	if err != nil {
		s.notFound(w, r)
		return
	}
	defer f.Close()
	info, err = f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		s.notFound(w, r)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(rel))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	if strings.HasPrefix(ctype, "text/html") && info.Size() <= maxLivePage {
		data, err := io.ReadAll(f)
		if err != nil {
			s.notFound(w, r)
			return
		}
		w.Write(withLive(data))
		return
	}
	// Streamed from the file, never held whole: a slow reader costs a
	// buffer, and is dropped when it takes nothing for writeIdle.
	http.ServeContent(&idleWriter{ResponseWriter: w, rc: http.NewResponseController(w)}, r, rel, info.ModTime(), f)
}

// maxLivePage is the largest page the reload script is added to, which
// means reading it whole; a larger one is served as it is.
const maxLivePage = 8 << 20

// writeIdle is how long a reader may take no bytes before its answer is
// given up.
const writeIdle = 30 * time.Second

// idleWriter moves a response's write deadline on before every write, so
// that a reader that stops reading is dropped while a slow one that keeps
// reading is served to the end.
type idleWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
}

func (w *idleWriter) Write(p []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(writeIdle))
	return w.ResponseWriter.Write(p)
}

// notFound answers 404 with the site's 404.html when it has one. That
// page carries its style inline (it is shown at any depth, where a
// relative style sheet would not load): the policy admits exactly that
// style, by its hash. Its links, absolute, name the site's address: they
// are led into the preview, at the address the request came to.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	data, err := os.ReadFile(filepath.Join(s.opts.Out, "404.html"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	s.mu.RLock()
	base := s.baseURL
	s.mu.RUnlock()
	data = intoPreview(data, base, r.Host)
	w.Header().Set("Content-Security-Policy", csp(inlineStyleHashes(data)))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(withLive(data))
}

// intoPreview points the links of page to the site's address base at the
// preview served at host instead: every href or src attribute value that
// starts with base.
func intoPreview(page []byte, base, host string) []byte {
	if base == "" || host == "" {
		return page
	}
	preview := "http://" + host + "/"
	for _, attr := range []string{`href="`, `src="`} {
		page = bytes.ReplaceAll(page, []byte(attr+base), []byte(attr+preview))
	}
	return page
}

// styleRE finds the inline style elements of a page.
var styleRE = regexp.MustCompile(`(?s)<style[^>]*>(.*?)</style>`)

// inlineStyleHashes lists the CSP hash sources of a page's inline styles.
func inlineStyleHashes(page []byte) string {
	var b strings.Builder
	for _, m := range styleRE.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		b.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
	}
	return b.String()
}

// withLive adds the reload script and the overlay's style sheet to a page.
func withLive(page []byte) []byte {
	tags := []byte(`<link rel="stylesheet" href="` + Prefix + `live/live.css"><script src="` + Prefix + `live/live.js" defer></script>`)
	if i := bytes.LastIndex(page, []byte("</head>")); i >= 0 {
		return append(page[:i:i], append(tags, page[i:]...)...)
	}
	return append(page, tags...)
}

// Watch rebuilds whenever a file under one of dirs changes (created,
// written, removed or renamed, in new folders too), a short moment after
// the last change of a burst, until ctx is done.
func (s *Server) Watch(ctx context.Context, dirs ...string) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	for _, d := range dirs {
		if err := addTree(w, d); err != nil {
			return err
		}
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
					addTree(w, ev.Name)
				}
			}
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(50*time.Millisecond, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			s.logf("ledenbrief serve: watching: %v", err)
		case <-fire:
			s.Rebuild(ctx)
		}
	}
}

// addTree watches dir and every folder under it.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return w.Add(p)
		}
		return nil
	})
}

// Serve serves on ln until ctx is done, then shuts down cleanly.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		// Requests end with ctx, so that open event streams let Shutdown finish.
		BaseContext:       func(net.Listener) context.Context { return ctx },
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	return nil
}
