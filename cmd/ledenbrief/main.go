// Command ledenbrief turns VNG member letters (ledenbrieven), their annex
// and the handreikingen they link to into a versioned, searchable static
// website in which every link lands on a stable anchor.
//
// The commands, their arguments and flags are in the command table below;
// "ledenbrief --help" prints them (the README's command block is that
// output, held equal by a test), "ledenbrief COMMAND --help" a command's
// flags.
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
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"ledenbrief/internal/build"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
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
		{"build", "[--content DIR] [--out DIR] [--base-url URL] [--theme DIR] [--drafts [--drafts-into-publication]] [--locked] [--clean] [--sign KEYFILE [--valid-for 30d] [--previous-key KEYFILE]] [--no-offline] [--site-zip] [--pdf] [--cache DIR | --no-cache] [--lang nl|en]", "build the site into the output folder", runBuild},
		{"check", "[--content DIR] [--theme DIR] [--drafts] [--locked] [--format text|json] [--cache DIR | --no-cache] [--lang nl|en]", "validate the content and templates, write nothing", runCheck},
		{"serve", "[--content DIR] [--addr HOST:PORT] [--out DIR] [--theme DIR] [--drafts=false] [--cache DIR | --no-cache] [--lang nl|en]", "preview the site, drafts included, on 127.0.0.1:1313, rebuilding and reloading on every save", runServe},
		{"anchors", "lock|check [--content DIR] [--lang nl|en]", "add the published anchors to content/anchors.lock (build does this too), or list locked anchors that are gone", runAnchors},
		{"new", "NUMBER --from NUMBER [--content DIR] [--date YYYY-MM-DD]", "start the next edition of a letter, as a draft", runNew},
		{"search", "[--content DIR] [--n N] [--json] [--lang nl|en] QUERY", "search the letters with bleve from the terminal", runSearch},
		{"keygen", "NAME", "write an Ed25519 key pair for signing sites: NAME (private) and NAME.pub", runKeygen},
		{"verify", "DIR|ZIP|URL [--pubkey KEYFILE] [--json]", "check a copy of a site against its manifest and signature", runVerify},
		{"mirror", "SOURCE DIR [--pubkey KEYFILE] [--allow-drafts] [--force] [--wait D] [--timeout D] [--json] | --status DIR", "make or update a verified copy of a site (URL, folder or zip), fetching only what changed and repairing what differs; one run at a time, never an older or expired publication", runMirror},
		{"diff", "NUMBER NUMBER [--content DIR] [--format text|json] [--color auto|always|never] [--drafts=false] [--lang nl|en]", "print what differs between two editions of a series, word by word, as the site's comparison page shows it", runDiff},
		{"pdf", "NUMBER [--content DIR] [--out FILE] [--cache DIR | --no-cache] [--lang nl|en]", "print a letter and its annex to one PDF with working links and bookmarks (needs Chromium)", runPDF},
		{"links", "[--content DIR] [--timeout D] [--concurrency N] [--offline] [--json] [--lang nl|en]", "list every external link of the content with where it is, and check that it still leads somewhere", runLinks},
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
	fmt.Fprintf(stderr, "ledenbrief: unknown command %q", args[0])
	if near := suggestCommand(args[0]); near != "" {
		fmt.Fprintf(stderr, "; did you mean 'ledenbrief %s'?", near)
	}
	fmt.Fprint(stderr, "\n\n")
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ledenbrief COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n          %s\n", strings.TrimSpace(fmt.Sprintf("%-7s %s", c.name, c.args)), c.summary)
	}
	fmt.Fprintln(w, "\nRun 'ledenbrief COMMAND --help' for a command's flags. Messages about the\ncontent are in Dutch; --lang en (or LEDENBRIEF_LANG=en) gives English.")
}

// buildFlags are the flags shared by build, check and serve.
type buildFlags struct {
	opts        build.Options
	sign        string // private key file to sign manifest.json with
	validFor    string // how long a signed site stays valid, like 30d
	previousKey string // private key file of the key --sign replaces
	format      string // how check reports: text or json
	lang        string // --lang as given
	intoPublic  bool   // --drafts-into-publication
	explicitOut bool   // --out was given
	noCache     bool   // --no-cache
}

// PublicationDir is the default output folder: the one that is
// published. ConceptDir is where a build with --drafts goes by default.
const (
	PublicationDir = "public"
	ConceptDir     = "public-concept"
)

func newFlagSet(name string, stderr io.Writer, bf *buildFlags, writes bool) *flag.FlagSet {
	fs := newFlags(name, stderr)
	fs.StringVar(&bf.opts.Content, "content", "content", "content `folder`")
	if name == "serve" {
		fs.BoolVar(&bf.opts.Drafts, "drafts", true, "show the letters marked draft: true too (a preview does; --drafts=false shows only what is published)")
	} else {
		fs.BoolVar(&bf.opts.Drafts, "drafts", false, "also build the letters marked draft: true, as a concept version: into "+ConceptDir+"/, never signed, every page marked")
	}
	fs.StringVar(&bf.opts.ThemeDir, "theme", "", "`folder` with templates/ and assets/ that override the built-in theme (default: the content folder's parent, when it has them)")
	fs.StringVar(&bf.lang, "lang", "", "`language` of the messages about the content: nl (Dutch, the default) or en; also "+diag.LangEnv)
	if name != "check" {
		fs.StringVar(&bf.opts.Cache, "cache", "", "build cache `folder`: what each letter made is kept there for the next build (default: "+build.CacheDirName+" beside the content folder; safe to delete)")
		fs.BoolVar(&bf.noCache, "no-cache", false, "build everything from nothing, without reading or writing the build cache")
	} else {
		fs.StringVar(&bf.opts.Cache, "cache", "", "build cache `folder` to read, never write: the letters a build made the same are not checked again (default: "+build.CacheDirName+" beside the content folder)")
		fs.BoolVar(&bf.noCache, "no-cache", false, "check everything, without reading the build cache")
	}
	if name == "check" {
		fs.StringVar(&bf.format, "format", "text", "report `format`: text (file:line:col: message on stderr) or json (an array of {file, line, col, severity, code, message} on stdout)")
	}
	if name != "serve" {
		fs.BoolVar(&bf.opts.Locked, "locked", false, "fail when content/anchors.lock does not list every published anchor, instead of adding them (for CI)")
	}
	if writes {
		fs.StringVar(&bf.opts.Out, "out", PublicationDir, "output `folder`; replaced only when the build succeeds (with --drafts: "+ConceptDir+")")
		fs.BoolVar(&bf.intoPublic, "drafts-into-publication", false, "let a build with --drafts write into the folder that is published ("+PublicationDir+"/, or one holding a published build)")
		fs.BoolVar(&bf.opts.Clean, "clean", false, "replace everything in the output folder, also files ledenbrief did not write (kept by default)")
		fs.StringVar(&bf.opts.BaseURL, "base-url", "", "canonical base `URL` for the feed, sitemap and canonical links (default: site.yaml's base_url)")
		fs.StringVar(&bf.sign, "sign", "", "private key `file` (from ledenbrief keygen) to sign manifest.json with, as manifest.sig; refused with --drafts")
		fs.StringVar(&bf.previousKey, "previous-key", "", "with --sign: the private key `file` that signed the site until now, to endorse the new key with (key rotation)")
		fs.StringVar(&bf.validFor, "valid-for", "", "with --sign: how long mirrors accept the signed site, like `30d`, 12h, 90m or 2s (default: no expiry)")
		fs.BoolVar(&bf.opts.NoOffline, "no-offline", false, "leave out the letters' offline copies (a quicker build, not for publishing)")
		fs.BoolVar(&bf.opts.SiteZip, "site-zip", false, "also write ledenbrieven.zip, the whole site in one zip, reusing the unchanged entries of the previous one")
		fs.BoolVar(&bf.opts.PDF, "pdf", false, "also print every letter with its annex to a PDF beside it, offered with its copies (needs Chromium; about a second a letter)")
	}
	return fs
}

// parsePipelineFlags parses the flags of build, check and serve and
// settles what they imply; it returns false, with the exit status, when
// the command ends here.
func parsePipelineFlags(fs *flag.FlagSet, bf *buildFlags, name string, args []string, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ledenbrief %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2, false
	}
	lang, ok := messageLang(bf.lang, name, stderr)
	if !ok {
		return 2, false
	}
	bf.opts.Lang = lang
	fs.Visit(func(f *flag.Flag) { bf.explicitOut = bf.explicitOut || f.Name == "out" })
	if bf.opts.BaseURL != "" {
		if err := build.CheckBaseURL(bf.opts.BaseURL); err != nil {
			fmt.Fprintf(stderr, "ledenbrief %s: --base-url: %v\n", name, err)
			return 2, false
		}
	}
	if bf.opts.ThemeDir == "" {
		bf.opts.ThemeDir = defaultThemeDir(bf.opts.Content)
	}
	switch {
	case bf.noCache && bf.opts.Cache != "":
		fmt.Fprintf(stderr, "ledenbrief %s: --cache and --no-cache contradict each other: give one\n", name)
		return 2, false
	case bf.noCache:
	case bf.opts.Cache == "" && name == "check":
		// A check reads the cache that the builds of the content keep,
		// when there is one.
		if dir := build.DefaultCacheDir(bf.opts.Content); isDir(dir) {
			bf.opts.Cache = dir
		}
	case bf.opts.Cache == "":
		bf.opts.Cache = build.DefaultCacheDir(bf.opts.Content)
	}
	return 0, true
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
	if code, ok := parsePipelineFlags(fs, &bf, name, args, stderr); !ok {
		return code
	}
	lang := bf.opts.Lang
	bf.opts.Check = check
	if bf.format != "" && bf.format != "text" && bf.format != "json" {
		fmt.Fprintf(stderr, "ledenbrief %s: --format must be text or json, got %q\n", name, bf.format)
		return 2
	}
	if code := settleDrafts(&bf, stderr); code != 0 {
		return code
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
	if bf.previousKey != "" {
		if bf.sign == "" {
			fmt.Fprintf(stderr, "ledenbrief %s: --previous-key needs --sign: it endorses the key that signs\n", name)
			return 2
		}
		key, err := manifest.ReadPrivateKey(bf.previousKey)
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief %s: --previous-key: %v\n", name, err)
			return 2
		}
		bf.opts.PreviousKey = key
	}
	if bf.validFor != "" {
		if bf.sign == "" {
			fmt.Fprintf(stderr, "ledenbrief %s: --valid-for needs --sign: only a signed site carries an expiry\n", name)
			return 2
		}
		d, err := manifest.ParseValidFor(bf.validFor)
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief %s: --valid-for %v\n", name, err)
			return 2
		}
		bf.opts.ValidFor = d
	}
	bf.opts.UpdateLock = !check && !bf.opts.Drafts && !bf.opts.Locked
	start := time.Now()
	ctx, interrupted := onInterrupt()
	bf.opts.Context = ctx
	res, err := build.Run(bf.opts)
	if bf.format == "json" {
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false) // messages quote HTML as written: "<b>"
		enc.SetIndent("", "  ")
		enc.Encode(res.Diags.Records(lang))
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
			return 1
		}
		if res.Diags.Len() > 0 {
			return 1
		}
		return 0
	}
	res.Diags.Print(stderr, lang)
	if code := interrupted(); code != 0 && errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "ledenbrief: interrupted; nothing was written, %s is unchanged\n", bf.opts.Out)
		return code
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if n := res.Diags.Len(); n > 0 {
		if check {
			cacheRead(stderr, bf.opts.Cache, res, lang)
			fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.FixAndCheck, res.Diags.Summary(lang)).Text(lang))
		} else {
			fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.NotWritten, res.Diags.Summary(lang), bf.opts.Out).Text(lang))
		}
		return 1
	}
	elapsed := time.Since(start).Round(time.Millisecond)
	if check {
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.Valid, res.Pages, elapsed).Text(lang))
		cacheRead(stderr, bf.opts.Cache, res, lang)
		return 0
	}
	fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.Built, res.Pages, res.Units, res.Files, float64(res.Bytes)/1024, bf.opts.Out, elapsed).Text(lang))
	switch {
	case res.CacheErr != nil:
		fmt.Fprintf(stderr, "ledenbrief: warning: built without the build cache: %v\n", res.CacheErr)
	case bf.opts.Cache != "":
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.CacheUsed, bf.opts.Cache, res.Reused, res.Built).Text(lang))
	}
	if res.LockAdded > 0 {
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.LockAdded, res.LockFile, res.LockAdded).Text(lang))
	}
	if bf.opts.Drafts {
		drafts := strings.Join(res.Drafts, ", ")
		if drafts == "" {
			drafts = "-"
		}
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.DraftsBuilt, len(res.Drafts), drafts, bf.opts.Out).Text(lang))
	}
	if (!bf.opts.NoOffline || bf.opts.PDF) && build.ExampleHost(res.BaseURL) {
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.BaseURLExample, res.BaseURL, filepath.Join(bf.opts.Content, content.ConfigFile)).Text(lang))
	}
	return 0
}

// cacheRead says what a check took from the build cache in cacheDir
// ("" for none): how many letters it took as a build made them, and how
// many it checked again.
func cacheRead(stderr io.Writer, cacheDir string, res *build.Result, lang diag.Lang) {
	switch {
	case res.CacheErr != nil:
		fmt.Fprintf(stderr, "ledenbrief: warning: checked without the build cache: %v\n", res.CacheErr)
	case cacheDir != "":
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.CacheRead, cacheDir, res.Reused, res.Built).Text(lang))
	}
}

// settleDrafts keeps a concept out of the publication: a build with
// --drafts goes to ConceptDir unless --out names another folder, never
// into the published folder (PublicationDir, or one holding a published
// build) without --drafts-into-publication, and is never signed. It
// returns the exit status when the build must not run.
func settleDrafts(bf *buildFlags, stderr io.Writer) int {
	if !bf.opts.Drafts || bf.opts.Check {
		return 0
	}
	lang := bf.opts.Lang
	if bf.sign != "" {
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.DraftsSign).Text(lang))
		return 2
	}
	if !bf.explicitOut {
		bf.opts.Out = ConceptDir
		return 0
	}
	if !bf.intoPublic && isPublication(bf.opts.Out) {
		fmt.Fprintf(stderr, "ledenbrief: %s\n", diag.M(diag.DraftsOut, bf.opts.Out, ConceptDir, bf.opts.Out).Text(lang))
		return 2
	}
	return 0
}

// isPublication reports whether dir is where a site is published: the
// default output folder, or a folder holding a build without drafts.
func isPublication(dir string) bool {
	if filepath.Clean(dir) == PublicationDir {
		return true
	}
	data, err := os.ReadFile(filepath.Join(dir, manifest.Name))
	if err != nil {
		return false
	}
	var m manifest.Manifest
	return json.Unmarshal(data, &m) == nil && m.Generator == "ledenbrief" && len(m.Drafts) == 0
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
		fmt.Fprintln(stderr, "usage: "+synopsis("version"))
		return 2
	}
	commit := manifest.Commit()
	if commit == "" {
		commit = "unknown"
	}
	fmt.Printf("ledenbrief %s (commit %s, %s, %s/%s)\n", manifest.Version(), commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// isDir reports whether dir is a folder.
func isDir(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.IsDir()
}
