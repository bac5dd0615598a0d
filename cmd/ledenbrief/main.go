// Command ledenbrief turns VNG member letters (ledenbrieven), their annex
// and the handreikingen they link to into a versioned, searchable static
// website in which every link lands on a stable anchor.
//
// Usage:
//
//	ledenbrief build   [--content DIR] [--out DIR] [--base-url URL] [--theme DIR] [--drafts] [--clean] [--sign KEYFILE] [--no-offline] [--pdf]
//	ledenbrief check   [--content DIR] [--theme DIR] [--drafts] [--format text|json]
//	ledenbrief serve   [--content DIR] [--addr HOST:PORT] [--out DIR] [--theme DIR] [--drafts]
//	ledenbrief anchors lock|check [--content DIR]
//	ledenbrief new     NUMBER --from NUMBER [--content DIR] [--date YYYY-MM-DD]
//	ledenbrief search  [--content DIR] [--n N] [--json] QUERY
//	ledenbrief keygen  NAME
//	ledenbrief verify  DIR|ZIP|URL [--pubkey KEYFILE] [--json]
//	ledenbrief mirror  SOURCE DIR [--pubkey KEYFILE] [--json]
//	ledenbrief pdf     NUMBER [--content DIR] [--out FILE]
//	ledenbrief links   [--content DIR] [--timeout D] [--concurrency N] [--offline] [--json]
//	ledenbrief version
//
// Content errors are printed to stderr as "file:line:col: message", all of
// them at once. The exit status is 0 on success, 1 when the content has
// errors or the build failed, and 2 for a usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"ledenbrief/internal/build"
	"ledenbrief/internal/manifest"
	"ledenbrief/internal/pdf"
)

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of the flags and arguments
	summary string
	run     func(args []string, stderr io.Writer) int
}

var commands []command

func init() {
	commands = []command{
		{"build", "[--content DIR] [--out DIR] [--base-url URL] [--theme DIR] [--drafts] [--clean] [--sign KEYFILE] [--no-offline] [--pdf]", "build the site into the output folder", runBuild},
		{"check", "[--content DIR] [--theme DIR] [--drafts] [--format text|json]", "validate the content and templates, write nothing", runCheck},
		{"serve", "[--content DIR] [--addr HOST:PORT] [--out DIR] [--theme DIR] [--drafts]", "preview the site on 127.0.0.1:1313, rebuilding and reloading on every save", runServe},
		{"anchors", "lock|check [--content DIR]", "add the published anchors to content/anchors.lock, or list locked anchors that are gone", runAnchors},
		{"new", "NUMBER --from NUMBER [--content DIR] [--date YYYY-MM-DD]", "start the next edition of a letter, as a draft", runNew},
		{"search", "[--content DIR] [--n N] [--json] QUERY", "search the letters with bleve from the terminal", runSearch},
		{"keygen", "NAME", "write an Ed25519 key pair for signing sites: NAME (private) and NAME.pub", runKeygen},
		{"verify", "DIR|ZIP|URL [--pubkey KEYFILE] [--json]", "check a copy of a site against its manifest and signature", runVerify},
		{"mirror", "SOURCE DIR [--pubkey KEYFILE] [--json]", "make or update a verified copy of a site (URL, folder or zip), fetching only what changed", runMirror},
		{"pdf", "NUMBER [--content DIR] [--out FILE]", "print a letter and its annex to one PDF with working links and bookmarks (needs Chromium)", runPDF},
		{"links", "[--content DIR] [--timeout D] [--concurrency N] [--offline] [--json]", "list every external link of the content with where it is, and check that it still leads somewhere", runLinks},
		{"version", "", "print the version and the commit ledenbrief was built from", runVersion},
		{"help", "", "show this help", func([]string, io.Writer) int { usage(os.Stdout); return 0 }},
	}
}

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(build.GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(build.MemoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run dispatches to a subcommand and returns the exit status.
func run(args []string, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stderr)
		}
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(os.Stdout)
		return 0
	}
	fmt.Fprintf(stderr, "ledenbrief: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ledenbrief COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-7s %s\n          %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'ledenbrief COMMAND -h' for a command's flags.")
}

// buildFlags are the flags shared by build and check.
type buildFlags struct {
	opts   build.Options
	sign   string // private key file to sign manifest.json with
	format string // how check reports: text or json
}

func newFlagSet(name string, stderr io.Writer, bf *buildFlags, writes bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&bf.opts.Content, "content", "content", "content `folder`")
	fs.BoolVar(&bf.opts.Drafts, "drafts", false, "also build letters marked draft: true, each page marked as a concept")
	fs.StringVar(&bf.opts.ThemeDir, "theme", "", "`folder` with templates/ and assets/ that override the built-in theme (default: the content folder's parent, when it has them)")
	if name == "check" {
		fs.StringVar(&bf.format, "format", "text", "report `format`: text (file:line:col: message on stderr) or json (an array of {file, line, col, severity, message} on stdout)")
	}
	if writes {
		fs.StringVar(&bf.opts.Out, "out", "public", "output `folder`; replaced only when the build succeeds")
		fs.BoolVar(&bf.opts.Clean, "clean", false, "replace everything in the output folder, also files ledenbrief did not write (kept by default)")
		fs.StringVar(&bf.opts.BaseURL, "base-url", "", "canonical base `URL` for the feed, sitemap and canonical links (default: site.yaml's base_url)")
		fs.StringVar(&bf.sign, "sign", "", "private key `file` (from ledenbrief keygen) to sign manifest.json with, as manifest.sig")
		fs.BoolVar(&bf.opts.NoOffline, "no-offline", false, "leave out the letters' offline copies and the site's zip (a quicker build, not for publishing)")
		fs.BoolVar(&bf.opts.PDF, "pdf", false, "also print every letter with its annex to a PDF beside it, offered with its copies (needs Chromium; about a second a letter)")
	}
	return fs
}

func runBuild(args []string, stderr io.Writer) int {
	return runPipeline("build", args, stderr, false)
}

func runCheck(args []string, stderr io.Writer) int {
	return runPipeline("check", args, stderr, true)
}

func runPipeline(name string, args []string, stderr io.Writer, check bool) int {
	var bf buildFlags
	fs := newFlagSet(name, stderr, &bf, !check)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ledenbrief %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2
	}
	bf.opts.Check = check
	if bf.format != "" && bf.format != "text" && bf.format != "json" {
		fmt.Fprintf(stderr, "ledenbrief %s: --format must be text or json, got %q\n", name, bf.format)
		return 2
	}
	if bf.opts.BaseURL != "" {
		if err := build.CheckBaseURL(bf.opts.BaseURL); err != nil {
			fmt.Fprintf(stderr, "ledenbrief %s: --base-url: %v\n", name, err)
			return 2
		}
	}
	if bf.opts.ThemeDir == "" {
		bf.opts.ThemeDir = defaultThemeDir(bf.opts.Content)
	}
	if bf.opts.PDF {
		if bf.opts.Chromium = pdf.Chromium(); bf.opts.Chromium == "" {
			fmt.Fprintf(stderr, "ledenbrief %s: --pdf needs Chromium or Chrome to print: install it (Debian: apt-get install chromium) or name it in LEDENBRIEF_CHROMIUM\n", name)
			return 1
		}
	}
	if bf.sign != "" {
		key, err := manifest.ReadPrivateKey(bf.sign)
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief %s: --sign: %v\n", name, err)
			return 2
		}
		bf.opts.SignKey = key
	}
	start := time.Now()
	ctx, interrupted := onInterrupt()
	bf.opts.Context = ctx
	res, err := build.Run(bf.opts)
	if bf.format == "json" {
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false) // messages quote HTML as written: "<b>"
		enc.SetIndent("", "  ")
		enc.Encode(res.Diags.Records())
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
			return 1
		}
		if res.Diags.Len() > 0 {
			return 1
		}
		return 0
	}
	res.Diags.Print(stderr)
	if code := interrupted(); code != 0 && errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "ledenbrief: interrupted; nothing was written, %s is unchanged\n", bf.opts.Out)
		return code
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if n := res.Diags.Len(); n > 0 {
		fmt.Fprintf(stderr, "ledenbrief: %v; ", res.Diags.Error())
		if check {
			fmt.Fprintln(stderr, "fix them and run check again")
		} else {
			fmt.Fprintf(stderr, "nothing was written, %s is unchanged\n", bf.opts.Out)
		}
		return 1
	}
	elapsed := time.Since(start).Round(time.Millisecond)
	if check {
		fmt.Fprintf(stderr, "ledenbrief: content is valid (%d pages) in %v\n", res.Pages, elapsed)
	} else {
		fmt.Fprintf(stderr, "ledenbrief: built %d pages, %d searchable passages, %d files (%.1f KB) into %s in %v\n", res.Pages, res.Units, res.Files, float64(res.Bytes)/1024, bf.opts.Out, elapsed)
	}
	return 0
}

// onInterrupt returns a context that is cancelled on the first SIGINT or
// SIGTERM, and a function that tells the exit status the signal calls for
// (130 or 143; 0 when none came). A second signal ends the process at
// once; the next build removes what it left.
func onInterrupt() (context.Context, func() int) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var code atomic.Int32
	go func() {
		s := <-sigs
		signal.Stop(sigs)
		if s == syscall.SIGTERM {
			code.Store(143)
		} else {
			code.Store(130)
		}
		cancel()
	}()
	return ctx, func() int { return int(code.Load()) }
}

// defaultThemeDir returns the content folder's parent when it holds its
// own templates/ or assets/, and "" (the built-in theme) otherwise.
func defaultThemeDir(contentDir string) string {
	parent := filepath.Dir(filepath.Clean(contentDir))
	for _, sub := range []string{"templates", "assets"} {
		if info, err := os.Stat(filepath.Join(parent, sub)); err == nil && info.IsDir() {
			return parent
		}
	}
	return ""
}

func runVersion(args []string, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: ledenbrief version")
		return 2
	}
	commit := manifest.Commit()
	if commit == "" {
		commit = "unknown"
	}
	fmt.Printf("ledenbrief %s (commit %s, %s, %s/%s)\n", manifest.Version(), commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
