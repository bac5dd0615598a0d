package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/links"
	"ledenbrief/internal/markdown"
)

// runLinks lists every external link of the content and checks it.
func runLinks(args []string, stderr io.Writer) int {
	fs := newFlags("links", stderr)
	contentDir := fs.String("content", "content", "content `folder`")
	langName := langFlag(fs)
	timeout := fs.Duration("timeout", 10*time.Second, "time allowed per link, redirects included")
	concurrency := fs.Int("concurrency", 8, "links checked at once")
	offline := fs.Bool("offline", false, "only list the links and where they are, check nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ledenbrief links: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	lang, ok := messageLang(*langName, "links", stderr)
	if !ok {
		return 2
	}
	if info, err := os.Stat(*contentDir); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "ledenbrief: content folder %s: not found\n", *contentDir)
		return 1
	}
	diags := &diag.List{}
	c := content.Load(os.DirFS(*contentDir), filepath.ToSlash(filepath.Clean(*contentDir)), diags)
	found := links.Collect(c, markdown.New(markdown.Options{AllowHTML: c.Config.AllowHTML}), diags)
	if diags.Len() > 0 {
		diags.Print(stderr, lang)
		fmt.Fprintf(stderr, "ledenbrief: %s; the links of files with errors are left out\n", diags.Summary(lang))
	}
	var report []links.Status
	if *offline {
		for _, l := range found {
			report = append(report, links.Status{Link: l})
		}
	} else {
		ctx, interrupted := onInterrupt()
		report = links.Check(ctx, found, links.Options{Timeout: *timeout, Concurrency: *concurrency})
		if code := interrupted(); code != 0 {
			fmt.Fprintln(stderr, "ledenbrief links: interrupted")
			return code
		}
	}
	broken := 0
	for _, st := range report {
		if st.Broken {
			broken++
		}
	}
	if *asJSON {
		if report == nil {
			report = []links.Status{}
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
			return 1
		}
	} else {
		printLinks(os.Stdout, report, *offline)
		if !*offline {
			fmt.Fprintf(os.Stdout, "%d links checked, %d broken\n", len(report), broken)
		}
	}
	if broken > 0 || diags.Len() > 0 {
		return 1
	}
	return 0
}

// printLinks writes one block per link: its status and address, then
// the places that link to it.
func printLinks(w io.Writer, report []links.Status, offline bool) {
	for _, st := range report {
		switch {
		case offline:
			fmt.Fprintf(w, "%s\n", st.URL)
		case st.Error != "":
			fmt.Fprintf(w, "BROKEN %s: %s\n", st.URL, st.Error)
		case st.Broken:
			fmt.Fprintf(w, "BROKEN %s: HTTP %d\n", st.URL, st.Code)
		case st.Final != "":
			fmt.Fprintf(w, "MOVED  %s → %s (HTTP %d): update the link\n", st.URL, st.Final, st.Code)
		default:
			fmt.Fprintf(w, "OK     %s (HTTP %d)\n", st.URL, st.Code)
		}
		for _, p := range st.Places {
			fmt.Fprintf(w, "       %s\n", p)
		}
	}
}
