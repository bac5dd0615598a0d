package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"ledenbrief/internal/build"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/pdf"
)

func runPDF(args []string, stderr io.Writer) int {
	fs := newFlags("pdf", stderr)
	content := fs.String("content", "content", "content `folder`")
	langName := langFlag(fs)
	out := fs.String("out", "", "PDF `file` to write (default: NUMBER.pdf, like 21-082.pdf)")
	cacheDir := fs.String("cache", "", "build cache `folder` (default: "+build.CacheDirName+" beside the content folder; safe to delete)")
	noCache := fs.Bool("no-cache", false, "build from nothing, without the build cache")
	pos, code := parseArgs(fs, args, 1, synopsis("pdf"), stderr)
	if pos == nil {
		return code
	}
	lang, ok := messageLang(*langName, "pdf", stderr)
	if !ok {
		return 2
	}
	switch {
	case *noCache && *cacheDir != "":
		fmt.Fprintln(stderr, "ledenbrief pdf: --cache and --no-cache contradict each other: give one")
		return 2
	case *noCache:
	case *cacheDir == "":
		*cacheDir = build.DefaultCacheDir(*content)
	}
	number := pos[0]
	slug, ok := letternumber.Parse(number)
	if !ok {
		fmt.Fprintf(stderr, "ledenbrief pdf: %q is not a letter number like 21-082 or Lbr. 21/082\n", number)
		return 2
	}
	if *out == "" {
		*out = slug + ".pdf"
	}
	chromium := pdf.Chromium()
	if chromium == "" {
		fmt.Fprintln(stderr, "ledenbrief pdf: needs Chromium or Chrome to print: install it (Debian: apt-get install chromium) or name it in LEDENBRIEF_CHROMIUM")
		return 1
	}
	tmp, err := os.MkdirTemp("", "ledenbrief-pdf-")
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief pdf: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	site := filepath.Join(tmp, "public")
	ctx, interrupted := onInterrupt()
	res, err := build.Run(build.Options{Content: *content, Out: site, ThemeDir: defaultThemeDir(*content), Context: ctx, NoOffline: true, Document: slug, Cache: *cacheDir})
	res.Diags.Print(stderr, lang)
	if err == nil && res.Diags.Len() > 0 {
		err = errors.New(res.Diags.Summary(lang))
	}
	if err != nil {
		if code := interrupted(); code != 0 {
			return code
		}
		fmt.Fprintf(stderr, "ledenbrief pdf: %v\n", err)
		return 1
	}
	err = os.WriteFile(filepath.Join(tmp, "document.html"), res.Document, 0o644)
	var data []byte
	if err == nil {
		data, err = pdf.Print(ctx, chromium, filepath.Join(tmp, "document.html"))
	}
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief pdf: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "ledenbrief: wrote %s (%.1f KB)\n", *out, float64(len(data))/1024)
	return 0
}
