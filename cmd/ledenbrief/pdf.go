package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"ledenbrief/internal/build"
	"ledenbrief/internal/cache"
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
	data, err := printCached(ctx, *cacheDir, chromium, tmp, res.Document)
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

// printCached prints document with chromium, or takes the PDF from the
// build cache in cacheDir ("" for none), where it is kept by a hash of
// the document and of the browser's executable.
func printCached(ctx context.Context, cacheDir, chromium, tmp string, document []byte) ([]byte, error) {
	var bucket *cache.Bucket
	var key [32]byte
	if cacheDir != "" {
		c, err := cache.Open(cacheDir)
		if err != nil {
			return nil, err
		}
		if bucket, err = c.Bucket("pdf-command"); err != nil {
			return nil, err
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00", build.ExecutableStamp(chromium))
		h.Write(document)
		h.Sum(key[:0])
		if data, ok := bucket.Get(key); ok {
			return data, nil
		}
	}
	file := filepath.Join(tmp, "document.html")
	if err := os.WriteFile(file, document, 0o644); err != nil {
		return nil, err
	}
	data, err := pdf.Print(ctx, chromium, file)
	if err == nil && bucket != nil {
		// A cache that cannot be written costs the next run time only.
		bucket.Put(key, data)
		bucket.Prune(time.Now().Add(-build.IdleCache))
	}
	return data, err
}
